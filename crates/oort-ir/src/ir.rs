//! The graph IR: functions as control-flow graphs of basic blocks over typed virtual
//! registers.
//!
//! Entities are typed `u32` indices whose printed prefix matches the text form: `f1`
//! (function), `bb2` (block), `v3` (variable). Instruction data lives in
//! [`Function::insts`]; a block's [`BlockData::insts`] is the layout (program order);
//! the block's [`Terminator`] names its successors statically. Variables are mutable
//! virtual registers (the IR is not SSA): a variable may be assigned many times, which
//! keeps lowering simple and suits the classic dataflow passes (constant and copy
//! propagation, liveness) that run over it.

use oort_sema::Builtin;
use oort_syntax::Span;
use std::fmt;

macro_rules! entity {
    ($name:ident, $prefix:literal) => {
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    };
}

entity!(FnIdx, "f");
entity!(Block, "bb");
entity!(Var, "v");
entity!(Inst, "i");

/// Machine-level value types. Every reference (string, array, closure, environment,
/// object, label) is `Ref`, which is what the garbage collector needs to know.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Ty {
    Bool,
    I32,
    U32,
    I64,
    U64,
    F64,
    Ref,
}

impl Ty {
    pub fn name(self) -> &'static str {
        match self {
            Ty::Bool => "bool",
            Ty::I32 => "i32",
            Ty::U32 => "u32",
            Ty::I64 => "i64",
            Ty::U64 => "u64",
            Ty::F64 => "f64",
            Ty::Ref => "ref",
        }
    }

    pub fn is_int(self) -> bool {
        matches!(self, Ty::I32 | Ty::U32 | Ty::I64 | Ty::U64)
    }

    pub fn is_signed(self) -> bool {
        matches!(self, Ty::I32 | Ty::I64)
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Clone, PartialEq, Debug)]
pub enum Const {
    Bool(bool),
    I32(i32),
    U32(u32),
    I64(i64),
    U64(u64),
    F64(f64),
    Str(Box<[u8]>),
    Null,
}

impl Const {
    pub fn ty(&self) -> Ty {
        match self {
            Const::Bool(_) => Ty::Bool,
            Const::I32(_) => Ty::I32,
            Const::U32(_) => Ty::U32,
            Const::I64(_) => Ty::I64,
            Const::U64(_) => Ty::U64,
            Const::F64(_) => Ty::F64,
            Const::Str(_) | Const::Null => Ty::Ref,
        }
    }

    /// The register contents of a scalar (or null) constant, in the 64-bit slot
    /// representation every backend uses (int32 sign-extended, uint32 zero-extended, bool
    /// 0/1, double as its IEEE bits, null 0); `None` for a string.
    pub fn slot_bits(&self) -> Option<u64> {
        Some(match *self {
            Const::Bool(b) => b as u64,
            Const::I32(x) => x as i64 as u64,
            Const::U32(x) => x as u64,
            Const::I64(x) => x as u64,
            Const::U64(x) => x,
            Const::F64(x) => x.to_bits(),
            Const::Null => 0,
            Const::Str(_) => return None,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum UnOp {
    Neg,
    /// Logical not of a `bool`.
    Not,
    BitNot,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Shl,
    Shr,
    And,
    Or,
    Xor,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl BinOp {
    pub fn name(self) -> &'static str {
        match self {
            BinOp::Add => "add",
            BinOp::Sub => "sub",
            BinOp::Mul => "mul",
            BinOp::Div => "div",
            BinOp::Rem => "rem",
            BinOp::Shl => "shl",
            BinOp::Shr => "shr",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Xor => "xor",
            BinOp::Eq => "eq",
            BinOp::Ne => "ne",
            BinOp::Lt => "lt",
            BinOp::Le => "le",
            BinOp::Gt => "gt",
            BinOp::Ge => "ge",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(self, BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)
    }
}

/// The target of a call.
#[derive(Clone, PartialEq, Debug)]
pub enum Callee {
    /// A statically known function; `env` is the environment it closes over, when it
    /// refers to variables of enclosing functions.
    Direct {
        func: FnIdx,
        env: Option<Var>,
    },
    /// A closure value.
    Closure(Var),
    Builtin(Builtin),
    /// The method in vtable slot `slot` of the receiver's class; the receiver is the first
    /// argument.
    Virtual {
        slot: u32,
    },
}

/// An instruction. Its result variable (if any) is [`InstData::dst`].
#[derive(Clone, PartialEq, Debug)]
pub enum Op {
    Const(Const),
    Copy(Var),
    Unary(UnOp, Ty, Var),
    /// Arithmetic on operands of type `Ty`; comparisons produce `bool`. `Eq`/`Ne` on `Ref`
    /// compare identity.
    Binary(BinOp, Ty, Var, Var),
    /// Numeric conversion `from → to` (int→int wraps, f64→int truncates and saturates).
    Convert {
        from: Ty,
        to: Ty,
        src: Var,
    },
    /// Equality of two references where strings compare by content (`negate` for `!=`):
    /// two strings are equal when their bytes are, any other pair of references (either
    /// one null, or not a string) when they are the same reference.
    StrEq {
        negate: bool,
        lhs: Var,
        rhs: Var,
    },
    StrConcat(Var, Var),
    /// The `print`/`str` form of a value of the given type.
    ToStr(Ty, Var),
    /// Writes a string and a newline.
    Print(Var),
    Call {
        callee: Callee,
        args: Vec<Var>,
    },
    /// A new array of `len` default-initialized elements.
    NewArray {
        elem: Ty,
        len: Var,
    },
    ArrayGet {
        elem: Ty,
        array: Var,
        index: Var,
    },
    ArraySet {
        elem: Ty,
        array: Var,
        index: Var,
        value: Var,
    },
    ArrayLen(Var),
    StrLen(Var),
    /// The byte at an index of a string, as `i32`.
    StrIndex {
        string: Var,
        index: Var,
    },
    Substring {
        string: Var,
        from: Var,
        to: Var,
    },
    /// A new environment with one slot per type, its parent the given environment.
    NewEnv {
        parent: Option<Var>,
        slots: Vec<Ty>,
    },
    /// The environment `depth` parents up from `env` (0 is `env` itself).
    EnvUp {
        env: Var,
        depth: u32,
    },
    EnvGet {
        env: Var,
        slot: u32,
        ty: Ty,
    },
    EnvSet {
        env: Var,
        slot: u32,
        value: Var,
    },
    /// The environment the running function's closure captured.
    ClosureEnv,
    NewClosure {
        func: FnIdx,
        env: Option<Var>,
    },
    /// A new object of class `class` (an index into [`Module::classes`]), every field at
    /// its default value.
    NewObject {
        class: u32,
    },
    /// Field `slot` of an object (null-checked).
    GetField {
        obj: Var,
        slot: u32,
        ty: Ty,
    },
    SetField {
        obj: Var,
        slot: u32,
        value: Var,
    },
    /// Whether the reference passes the type test (false for null): `e is T`.
    InstanceOf {
        obj: Var,
        test: TypeTest,
    },
    /// The reference if it passes the type test; else null, or when `non_null` the
    /// runtime error "failed cast": `e as T` and `e as T!`.
    Cast {
        obj: Var,
        test: TypeTest,
        non_null: bool,
    },
    /// The reference itself, after checking it is not null (the conversion of a value
    /// the compiler cannot prove non-null to a `T!` type).
    NullCheck(Var),
    /// The value of label `n` ([`Function::labels`]) of the running activation.
    MakeLabel(u32),
}

/// What `e is T` tests and `e as T` checks of a reference at run time. Every test fails
/// for null.
#[derive(Clone, PartialEq, Debug)]
pub enum TypeTest {
    /// An object of class `n` (an index into [`Module::classes`]) or of a subclass.
    Class(u32),
    /// A string.
    String,
    /// A label value.
    Label,
    /// An array whose elements have this scalar type (never `Ref`: the element type of an
    /// array of references is not known at run time).
    Array(Ty),
    /// Any reference but null: the value already has the type, whose source name (for
    /// the error message of a failed cast, `failed cast: null is not array[string]`) this
    /// is. `e as T!` of an `e: T`.
    NonNull(String),
}

impl fmt::Display for TypeTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeTest::Class(c) => write!(f, "c{c}"),
            TypeTest::String => f.write_str("string"),
            TypeTest::Label => f.write_str("label"),
            TypeTest::Array(t) => write!(f, "array[{t}]"),
            TypeTest::NonNull(name) => write!(f, "nonnull {name:?}"),
        }
    }
}

#[derive(Clone, PartialEq, Debug)]
pub struct InstData {
    pub dst: Option<Var>,
    pub op: Op,
    pub span: Span,
}

#[derive(Clone, PartialEq, Debug)]
pub enum Terminator {
    Jump(Block),
    Branch {
        cond: Var,
        then: Block,
        els: Block,
    },
    /// Multi-way branch on an integer value.
    Switch {
        value: Var,
        cases: Vec<(i64, Block)>,
        default: Block,
    },
    Return(Option<Var>),
    /// `goto f (args);`: the callee replaces this activation and returns its result
    /// straight to our caller (a guaranteed tail call).
    TailCall {
        callee: Callee,
        args: Vec<Var>,
    },
    /// `goto e;`: continue at the label value's label, in the activation it was created
    /// in (a run-time error when null). Within this function it may only reach the blocks
    /// of [`Function::labels`], which are entry points of the graph.
    Goto(Var),
    /// A block whose end cannot be reached (after lowering, before it is filled).
    Unreachable,
}

impl Terminator {
    pub fn successors(&self) -> smallvec::SmallVec<[Block; 2]> {
        match self {
            Terminator::Jump(b) => smallvec::smallvec![*b],
            Terminator::Branch { then, els, .. } => smallvec::smallvec![*then, *els],
            Terminator::Switch { cases, default, .. } => {
                let mut v: smallvec::SmallVec<[Block; 2]> = cases.iter().map(|c| c.1).collect();
                v.push(*default);
                v
            }
            Terminator::Return(_) | Terminator::TailCall { .. } | Terminator::Goto(_) | Terminator::Unreachable => {
                smallvec::SmallVec::new()
            }
        }
    }

    pub fn successors_mut(&mut self) -> Vec<&mut Block> {
        match self {
            Terminator::Jump(b) => vec![b],
            Terminator::Branch { then, els, .. } => vec![then, els],
            Terminator::Switch { cases, default, .. } => {
                let mut v: Vec<&mut Block> = cases.iter_mut().map(|c| &mut c.1).collect();
                v.push(default);
                v
            }
            Terminator::Return(_) | Terminator::TailCall { .. } | Terminator::Goto(_) | Terminator::Unreachable => {
                Vec::new()
            }
        }
    }
}

#[derive(Clone, PartialEq, Debug)]
pub struct BlockData {
    pub insts: Vec<Inst>,
    pub term: Terminator,
    pub term_span: Span,
}

#[derive(Clone, PartialEq, Debug)]
pub struct VarData {
    pub ty: Ty,
    /// The source name, for user variables; `None` for temporaries.
    pub name: Option<String>,
    /// A variable of the activation (a parameter or local that lives in a register), as
    /// opposed to a temporary. When a label re-enters an activation and it returns again,
    /// its caller resumes with the temporaries it had at the call but with its variables
    /// as they are now (LANGUAGE.md §6), so backends must know which is which.
    pub shared: bool,
}

/// A label whose value the function takes ([`Op::MakeLabel`]): its block is an entry
/// point of the function's graph.
#[derive(Clone, PartialEq, Debug)]
pub struct LabelData {
    pub name: String,
    pub block: Block,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Function {
    /// A unique, readable name: `fib`, `outer.inner`, `main.lambda@3:9`.
    pub name: String,
    /// The first `params` variables are the parameters, in order.
    pub params: u32,
    /// `None` for `void`.
    pub ret: Option<Ty>,
    /// Whether the function reads [`Op::ClosureEnv`] (it closes over outer variables).
    pub takes_env: bool,
    pub vars: Vec<VarData>,
    pub insts: Vec<InstData>,
    pub blocks: Vec<BlockData>,
    pub entry: Block,
    /// Labels whose values are taken; their blocks are entry points besides `entry`.
    pub labels: Vec<LabelData>,
    pub span: Span,
}

impl Function {
    pub fn new(name: String, span: Span) -> Function {
        let mut f = Function {
            name,
            params: 0,
            ret: None,
            takes_env: false,
            vars: Vec::new(),
            insts: Vec::new(),
            blocks: Vec::new(),
            entry: Block(0),
            labels: Vec::new(),
            span,
        };
        f.entry = f.new_block();
        f
    }

    pub fn new_var(&mut self, ty: Ty, name: Option<String>) -> Var {
        self.vars.push(VarData { ty, name, shared: false });
        Var(self.vars.len() as u32 - 1)
    }

    pub fn var_ty(&self, v: Var) -> Ty {
        self.vars[v.index()].ty
    }

    pub fn new_block(&mut self) -> Block {
        self.blocks.push(BlockData { insts: Vec::new(), term: Terminator::Unreachable, term_span: Span::DUMMY });
        Block(self.blocks.len() as u32 - 1)
    }

    /// Appends an instruction to the end of `block`.
    pub fn push(&mut self, block: Block, dst: Option<Var>, op: Op, span: Span) -> Inst {
        self.insts.push(InstData { dst, op, span });
        let inst = Inst(self.insts.len() as u32 - 1);
        self.blocks[block.index()].insts.push(inst);
        inst
    }

    /// Inserts an instruction into `block` at position `pos` of its layout.
    pub fn insert(&mut self, block: Block, pos: usize, dst: Option<Var>, op: Op, span: Span) -> Inst {
        self.insts.push(InstData { dst, op, span });
        let inst = Inst(self.insts.len() as u32 - 1);
        self.blocks[block.index()].insts.insert(pos, inst);
        inst
    }

    pub fn inst(&self, i: Inst) -> &InstData {
        &self.insts[i.index()]
    }

    pub fn block(&self, b: Block) -> &BlockData {
        &self.blocks[b.index()]
    }

    pub fn set_term(&mut self, block: Block, term: Terminator, span: Span) {
        let b = &mut self.blocks[block.index()];
        b.term = term;
        b.term_span = span;
    }

    /// Blocks reachable from the entry, in reverse post-order (the printing and
    /// dataflow order).
    pub fn reverse_postorder(&self) -> Vec<Block> {
        let mut seen = vec![false; self.blocks.len()];
        let mut post = Vec::with_capacity(self.blocks.len());
        // Iterative DFS: (block, next successor index), from every entry point. The
        // labels' blocks go first so that, reversed, `entry` comes first.
        let roots = self.labels.iter().rev().map(|l| l.block).chain(std::iter::once(self.entry));
        let mut stack: Vec<(Block, usize)> = Vec::new();
        for root in roots {
            if seen[root.index()] {
                continue;
            }
            seen[root.index()] = true;
            stack.push((root, 0));
            self.dfs(&mut stack, &mut seen, &mut post);
        }
        post.reverse();
        post
    }

    fn dfs(&self, stack: &mut Vec<(Block, usize)>, seen: &mut [bool], post: &mut Vec<Block>) {
        // The successors of each block on the stack, listed once (a `switch` has many).
        let mut succs: Vec<smallvec::SmallVec<[Block; 2]>> =
            stack.iter().map(|&(b, _)| self.blocks[b.index()].term.successors()).collect();
        while let Some(&mut (b, ref mut i)) = stack.last_mut() {
            // Successors are visited last-first so that, reversed, the first successor
            // (the `then` of a branch, the body of a loop) is laid out first.
            let ss = succs.last().expect("one list per stack entry");
            if *i < ss.len() {
                let s = ss[ss.len() - 1 - *i];
                *i += 1;
                if !seen[s.index()] {
                    seen[s.index()] = true;
                    stack.push((s, 0));
                    succs.push(self.blocks[s.index()].term.successors());
                }
            } else {
                post.push(b);
                stack.pop();
                succs.pop();
            }
        }
    }

    /// Renumbers the function densely: blocks unreachable from every entry point are
    /// dropped and the rest numbered in reverse post-order (so `entry` is `bb0`),
    /// instructions in no block are dropped, and variables that are neither parameters
    /// nor mentioned by any instruction or terminator are dropped. Every reference
    /// (successors, labels, operands) is rewritten.
    pub fn compact(&mut self) {
        // Blocks.
        let order = self.reverse_postorder();
        let mut block_map = vec![None; self.blocks.len()];
        for (new, &old) in order.iter().enumerate() {
            block_map[old.index()] = Some(Block(new as u32));
        }
        let mut old_blocks: Vec<Option<BlockData>> = std::mem::take(&mut self.blocks).into_iter().map(Some).collect();
        self.blocks = order.iter().map(|b| old_blocks[b.index()].take().expect("each block once")).collect();
        for b in &mut self.blocks {
            for s in b.term.successors_mut() {
                *s = block_map[s.index()].expect("a successor of a reachable block is reachable");
            }
        }
        self.entry = Block(0);
        for l in &mut self.labels {
            l.block = block_map[l.block.index()].expect("label blocks are entry points");
        }
        // Instructions, in layout order.
        let mut old_insts: Vec<Option<InstData>> = std::mem::take(&mut self.insts).into_iter().map(Some).collect();
        for b in &mut self.blocks {
            for i in &mut b.insts {
                self.insts.push(old_insts[i.index()].take().expect("an instruction is in one block"));
                *i = Inst(self.insts.len() as u32 - 1);
            }
        }
        // Variables.
        let mut used = vec![false; self.vars.len()];
        used[..self.params as usize].iter_mut().for_each(|u| *u = true);
        for inst in &mut self.insts {
            if let Some(d) = inst.dst {
                used[d.index()] = true;
            }
            inst_uses_mut(&mut inst.op, |v| used[v.index()] = true);
        }
        for b in &mut self.blocks {
            term_uses_mut(&mut b.term, |v| used[v.index()] = true);
        }
        let mut var_map = vec![Var(u32::MAX); self.vars.len()];
        let mut vars = Vec::new();
        for (i, v) in std::mem::take(&mut self.vars).into_iter().enumerate() {
            if used[i] {
                var_map[i] = Var(vars.len() as u32);
                vars.push(v);
            }
        }
        self.vars = vars;
        for inst in &mut self.insts {
            if let Some(d) = &mut inst.dst {
                *d = var_map[d.index()];
            }
            inst_uses_mut(&mut inst.op, |v| *v = var_map[v.index()]);
        }
        for b in &mut self.blocks {
            term_uses_mut(&mut b.term, |v| *v = var_map[v.index()]);
        }
    }

    /// Predecessor lists of every block (reachable or not).
    pub fn predecessors(&self) -> Vec<Vec<Block>> {
        let mut preds = vec![Vec::new(); self.blocks.len()];
        for (i, b) in self.blocks.iter().enumerate() {
            for s in b.term.successors() {
                // Each block's edges are listed together: a repeat is the last entry.
                if preds[s.index()].last() != Some(&Block(i as u32)) {
                    preds[s.index()].push(Block(i as u32));
                }
            }
        }
        preds
    }
}

/// The variables an instruction reads.
pub fn inst_uses(op: &Op) -> smallvec::SmallVec<[Var; 4]> {
    use smallvec::smallvec;
    match op {
        Op::Const(_) | Op::ClosureEnv | Op::MakeLabel(_) => smallvec![],
        Op::Copy(v) | Op::Unary(_, _, v) | Op::ToStr(_, v) | Op::Print(v) => smallvec![*v],
        Op::Convert { src, .. } => smallvec![*src],
        Op::Binary(_, _, a, b) | Op::StrConcat(a, b) => smallvec![*a, *b],
        Op::StrEq { lhs, rhs, .. } => smallvec![*lhs, *rhs],
        Op::Call { callee, args } => {
            let mut v: smallvec::SmallVec<[Var; 4]> = smallvec![];
            match callee {
                Callee::Direct { env: Some(e), .. } => v.push(*e),
                Callee::Closure(c) => v.push(*c),
                _ => {}
            }
            v.extend(args.iter().copied());
            v
        }
        Op::NewArray { len, .. } => smallvec![*len],
        Op::ArrayGet { array, index, .. } => smallvec![*array, *index],
        Op::ArraySet { array, index, value, .. } => smallvec![*array, *index, *value],
        Op::ArrayLen(a) | Op::StrLen(a) => smallvec![*a],
        Op::StrIndex { string, index } => smallvec![*string, *index],
        Op::Substring { string, from, to } => smallvec![*string, *from, *to],
        Op::NewEnv { parent, .. } => parent.iter().copied().collect(),
        Op::EnvUp { env, .. } | Op::EnvGet { env, .. } => smallvec![*env],
        Op::EnvSet { env, value, .. } => smallvec![*env, *value],
        Op::NewClosure { env, .. } => env.iter().copied().collect(),
        Op::NewObject { .. } => smallvec![],
        Op::GetField { obj, .. } | Op::InstanceOf { obj, .. } | Op::Cast { obj, .. } | Op::NullCheck(obj) => {
            smallvec![*obj]
        }
        Op::SetField { obj, value, .. } => smallvec![*obj, *value],
    }
}

/// Calls `f` on every variable an instruction reads (the same ones as [`inst_uses`]),
/// so a pass can rename them.
pub fn inst_uses_mut(op: &mut Op, mut f: impl FnMut(&mut Var)) {
    match op {
        Op::Const(_) | Op::ClosureEnv | Op::MakeLabel(_) | Op::NewObject { .. } => {}
        Op::Copy(v) | Op::Unary(_, _, v) | Op::ToStr(_, v) | Op::Print(v) => f(v),
        Op::Convert { src, .. } => f(src),
        Op::Binary(_, _, a, b) | Op::StrConcat(a, b) => {
            f(a);
            f(b)
        }
        Op::StrEq { lhs, rhs, .. } => {
            f(lhs);
            f(rhs)
        }
        Op::Call { callee, args } => {
            callee_uses_mut(callee, &mut f);
            args.iter_mut().for_each(f);
        }
        Op::NewArray { len, .. } => f(len),
        Op::ArrayGet { array, index, .. } => {
            f(array);
            f(index)
        }
        Op::ArraySet { array, index, value, .. } => {
            f(array);
            f(index);
            f(value)
        }
        Op::ArrayLen(a) | Op::StrLen(a) => f(a),
        Op::StrIndex { string, index } => {
            f(string);
            f(index)
        }
        Op::Substring { string, from, to } => {
            f(string);
            f(from);
            f(to)
        }
        Op::NewEnv { parent, .. } => parent.iter_mut().for_each(f),
        Op::EnvUp { env, .. } | Op::EnvGet { env, .. } => f(env),
        Op::EnvSet { env, value, .. } => {
            f(env);
            f(value)
        }
        Op::NewClosure { env, .. } => env.iter_mut().for_each(f),
        Op::GetField { obj, .. } | Op::InstanceOf { obj, .. } | Op::Cast { obj, .. } | Op::NullCheck(obj) => f(obj),
        Op::SetField { obj, value, .. } => {
            f(obj);
            f(value)
        }
    }
}

fn callee_uses_mut(callee: &mut Callee, f: &mut impl FnMut(&mut Var)) {
    match callee {
        Callee::Direct { env: Some(e), .. } => f(e),
        Callee::Closure(c) => f(c),
        _ => {}
    }
}

/// Calls `f` on every variable a terminator reads.
pub fn term_uses_mut(term: &mut Terminator, mut f: impl FnMut(&mut Var)) {
    match term {
        Terminator::Jump(_) | Terminator::Unreachable | Terminator::Return(None) => {}
        Terminator::Branch { cond, .. } => f(cond),
        Terminator::Switch { value, .. } => f(value),
        Terminator::Return(Some(x)) | Terminator::Goto(x) => f(x),
        Terminator::TailCall { callee, args } => {
            callee_uses_mut(callee, &mut f);
            args.iter_mut().for_each(f);
        }
    }
}

/// Whether an instruction has an effect besides writing its result (so it must stay
/// even when its result is unused). Instructions that may raise a runtime error count.
pub fn has_side_effect(op: &Op) -> bool {
    match op {
        Op::Const(_)
        | Op::Copy(_)
        | Op::Unary(..)
        | Op::Convert { .. }
        | Op::StrEq { .. }
        | Op::ToStr(..)
        | Op::NewEnv { .. }
        | Op::EnvUp { .. }
        | Op::EnvGet { .. }
        | Op::ClosureEnv
        | Op::NewClosure { .. }
        | Op::MakeLabel(_)
        | Op::InstanceOf { .. } => false,
        Op::Binary(op, ty, _, _) => ty.is_int() && matches!(op, BinOp::Div | BinOp::Rem),
        Op::StrConcat(..)
        | Op::Print(_)
        | Op::Call { .. }
        | Op::NewArray { .. }
        | Op::ArrayGet { .. }
        | Op::ArraySet { .. }
        | Op::ArrayLen(_)
        | Op::StrLen(_)
        | Op::StrIndex { .. }
        | Op::Substring { .. }
        | Op::EnvSet { .. }
        | Op::NewObject { .. }
        | Op::GetField { .. }
        | Op::SetField { .. }
        | Op::Cast { .. }
        | Op::NullCheck(_) => true,
    }
}

/// A class as the backend sees it: a fixed layout of typed fields and a vtable.
#[derive(Clone, PartialEq, Debug)]
pub struct ClassDef {
    pub name: String,
    /// Index of the superclass in [`Module::classes`].
    pub parent: Option<u32>,
    /// Every field slot, the parent's first.
    pub fields: Vec<Ty>,
    /// The implementation of each virtual method, the parent's slots first.
    pub vtable: Vec<FnIdx>,
}

/// A whole program: every function, with `main` (the top-level statements) first, and
/// every class.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Module {
    pub funcs: Vec<Function>,
    pub classes: Vec<ClassDef>,
}

impl Module {
    pub const MAIN: FnIdx = FnIdx(0);

    pub fn func(&self, f: FnIdx) -> &Function {
        &self.funcs[f.index()]
    }
}
