//! Builders: the API the code generator uses to assemble functions and programs.

use std::collections::HashMap;

use crate::bytecode::*;

/// A jump destination inside a function under construction; bound with
/// [`FunctionBuilder::bind`], possibly after jumps to it were emitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Label(u32);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum ConstKey {
    Int(u64),
    F64(u64),
    Str(Box<[u8]>),
}

/// Errors found when finishing a function or program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    UnboundLabel {
        func: String,
    },
    TooManyRegisters {
        func: String,
    },
    TooManyConsts {
        func: String,
    },
    UndefinedFunction {
        name: String,
    },
    /// A class's parent index is out of range or its parent chain is cyclic.
    BadClassParent {
        class: String,
    },
    TooManyClasses,
    /// A fused compare-and-branch's target does not fit in 16 bits (the code generator
    /// then builds the function again without fusing).
    JumpTooFar {
        func: String,
    },
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::UnboundLabel { func } => write!(f, "{func}: jump to an unbound label"),
            BuildError::TooManyRegisters { func } => write!(f, "{func}: more than 65535 registers"),
            BuildError::TooManyConsts { func } => write!(f, "{func}: more than 65535 constants"),
            BuildError::UndefinedFunction { name } => {
                write!(f, "function {name} declared, never defined")
            }
            BuildError::BadClassParent { class } => {
                write!(f, "class {class}: parent class out of range or cyclic inheritance")
            }
            BuildError::TooManyClasses => write!(f, "more than 65536 classes"),
            BuildError::JumpTooFar { func } => write!(f, "{func}: a compare-and-branch target beyond 65535"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Builds one [`Function`].
///
/// ```
/// use oort_vm::*;
/// let mut b = FunctionBuilder::new("main", &[]);
/// let r = b.alloc_reg(RegKind::Ref);
/// b.load_str(r, "hi");
/// b.emit(Instr::Print { src: r });
/// b.emit(Instr::RetVoid {});
/// let f = b.finish().unwrap();
/// assert_eq!(f.code.len(), 3);
/// ```
#[derive(Debug)]
pub struct FunctionBuilder {
    name: String,
    nparams: u16,
    reg_kinds: Vec<RegKind>,
    code: Vec<Instr>,
    spans: Vec<(u32, u32)>,
    consts: Vec<Const>,
    const_map: HashMap<ConstKey, ConstId>,
    span: (u32, u32),
    labels: Vec<Option<u32>>,
    fixups: Vec<(usize, Label)>,
    overflow: bool,
    /// A fused compare-and-branch got a target beyond 16 bits.
    too_far: bool,
    /// Language labels: name and jump label.
    entry_labels: Vec<(String, Label)>,
    shared: Vec<Reg>,
    call_live: Vec<CallLive>,
}

impl FunctionBuilder {
    /// A new function whose parameters (registers `r0..`) have the given kinds.
    pub fn new(name: impl Into<String>, params: &[RegKind]) -> Self {
        FunctionBuilder {
            name: name.into(),
            nparams: params.len() as u16,
            reg_kinds: params.to_vec(),
            code: Vec::new(),
            spans: Vec::new(),
            consts: Vec::new(),
            const_map: HashMap::new(),
            span: (0, 0),
            labels: Vec::new(),
            fixups: Vec::new(),
            overflow: false,
            too_far: false,
            entry_labels: Vec::new(),
            shared: Vec::new(),
            call_live: Vec::new(),
        }
    }

    /// Records the temporaries live after the call instruction at `pc`
    /// ([`Function::call_live`]); calls must be recorded in increasing pc order.
    pub fn set_call_live(&mut self, pc: usize, regs: Vec<Reg>) {
        self.call_live.push(CallLive { pc: pc as u32, regs });
    }

    /// Declares a language label (an operand of [`Instr::MakeLabel`]) starting at `at`;
    /// returns its number.
    pub fn add_entry_label(&mut self, name: impl Into<String>, at: Label) -> u16 {
        self.entry_labels.push((name.into(), at));
        if self.entry_labels.len() > u16::MAX as usize {
            self.overflow = true;
        }
        (self.entry_labels.len() - 1) as u16
    }

    /// Marks `r` as holding a variable of the activation ([`Function::shared`]).
    pub fn mark_shared(&mut self, r: Reg) {
        self.shared.push(r);
    }

    /// Register of parameter `i`.
    pub fn param(&self, i: u16) -> Reg {
        assert!(i < self.nparams);
        Reg(i)
    }

    /// A fresh register of the given kind.
    pub fn alloc_reg(&mut self, kind: RegKind) -> Reg {
        let n = self.reg_kinds.len();
        if n >= u16::MAX as usize {
            self.overflow = true;
            return Reg(0);
        }
        self.reg_kinds.push(kind);
        Reg(n as u16)
    }

    /// A fresh call window: `base` (returned) has kind `Ref` (the closure or environment
    /// slot, unused by [`Instr::CallBuiltin`]) followed by one register per argument kind.
    /// Arguments go to `Reg(base.0 + 1 + i)`.
    pub fn alloc_window(&mut self, arg_kinds: &[RegKind]) -> Reg {
        let base = self.alloc_reg(RegKind::Ref);
        for &k in arg_kinds {
            self.alloc_reg(k);
        }
        base
    }

    /// Consecutive fresh registers of the given kinds; returns the first (e.g. the argument
    /// window of a [`Instr::CallBuiltin`]). With no kinds, returns the next register number
    /// without allocating.
    pub fn alloc_regs(&mut self, kinds: &[RegKind]) -> Reg {
        let first = Reg(self.reg_kinds.len().min(u16::MAX as usize) as u16);
        for &k in kinds {
            self.alloc_reg(k);
        }
        first
    }

    /// Number of registers so far.
    pub fn nregs(&self) -> usize {
        self.reg_kinds.len()
    }

    /// Kind of a register.
    pub fn reg_kind(&self, r: Reg) -> RegKind {
        self.reg_kinds[r.0 as usize]
    }

    /// Source position attached to the instructions emitted from now on.
    pub fn set_span(&mut self, line: u32, col: u32) {
        self.span = (line, col);
    }

    /// Append an instruction; returns its index.
    pub fn emit(&mut self, instr: Instr) -> usize {
        self.code.push(instr);
        self.spans.push(self.span);
        self.code.len() - 1
    }

    /// Index the next instruction will get.
    pub fn pc(&self) -> usize {
        self.code.len()
    }

    /// A new, unbound label.
    pub fn new_label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() as u32 - 1)
    }

    /// Bind `label` to the next instruction.
    pub fn bind(&mut self, label: Label) {
        assert!(self.labels[label.0 as usize].is_none(), "label bound twice");
        self.labels[label.0 as usize] = Some(self.code.len() as u32);
    }

    /// Emits a jump instruction (any instruction with a target, whose target is then
    /// patched) to `label`.
    pub fn emit_jump(&mut self, instr: Instr, label: Label) -> usize {
        let pc = self.emit(instr);
        match self.labels[label.0 as usize] {
            Some(t) => {
                if !self.code[pc].set_target(Target(t)) {
                    self.too_far = true;
                }
            }
            None => self.fixups.push((pc, label)),
        }
        pc
    }

    /// `jmp label`.
    pub fn jump(&mut self, label: Label) -> usize {
        self.emit_jump(Instr::Jump { target: Target(u32::MAX) }, label)
    }

    /// `jt cond, label`.
    pub fn jump_if(&mut self, cond: Reg, label: Label) -> usize {
        self.emit_jump(Instr::JumpIf { cond, target: Target(u32::MAX) }, label)
    }

    /// `jf cond, label`.
    pub fn jump_if_not(&mut self, cond: Reg, label: Label) -> usize {
        self.emit_jump(Instr::JumpIfNot { cond, target: Target(u32::MAX) }, label)
    }

    fn intern(&mut self, key: ConstKey, c: Const) -> ConstId {
        if let Some(&id) = self.const_map.get(&key) {
            return id;
        }
        if self.consts.len() >= u16::MAX as usize {
            self.overflow = true;
            return ConstId(0);
        }
        let id = ConstId(self.consts.len() as u16);
        self.consts.push(c);
        self.const_map.insert(key, id);
        id
    }

    /// Intern an integer constant (slot bits).
    pub fn const_int(&mut self, bits: u64) -> ConstId {
        self.intern(ConstKey::Int(bits), Const::Int(bits))
    }

    /// Intern a double constant.
    pub fn const_f64(&mut self, x: f64) -> ConstId {
        self.intern(ConstKey::F64(x.to_bits()), Const::F64(x))
    }

    /// Intern a string constant.
    pub fn const_str(&mut self, s: &[u8]) -> ConstId {
        self.intern(ConstKey::Str(s.into()), Const::Str(s.into()))
    }

    /// Load integer slot bits (`x as i64 as u64` for signed, `x as u64` for unsigned):
    /// `ldi` when they fit, else `ldk`.
    pub fn load_int(&mut self, dst: Reg, bits: u64) -> usize {
        if bits as i64 >= i32::MIN as i64 && bits as i64 <= i32::MAX as i64 {
            self.emit(Instr::LoadImm { dst, imm: bits as i64 as i32 })
        } else {
            let idx = self.const_int(bits);
            self.emit(Instr::LoadConst { dst, idx })
        }
    }

    /// Load an int32 value.
    pub fn load_i32(&mut self, dst: Reg, v: i32) -> usize {
        self.emit(Instr::LoadImm { dst, imm: v })
    }

    /// Load a bool.
    pub fn load_bool(&mut self, dst: Reg, v: bool) -> usize {
        self.emit(Instr::LoadImm { dst, imm: v as i32 })
    }

    /// Load a double.
    pub fn load_f64(&mut self, dst: Reg, x: f64) -> usize {
        let idx = self.const_f64(x);
        self.emit(Instr::LoadConst { dst, idx })
    }

    /// Load a string constant.
    pub fn load_str(&mut self, dst: Reg, s: impl AsRef<[u8]>) -> usize {
        let idx = self.const_str(s.as_ref());
        self.emit(Instr::LoadConst { dst, idx })
    }

    /// Finish: patch forward jumps and produce the function.
    pub fn finish(mut self) -> Result<Function, BuildError> {
        if self.overflow {
            return Err(if self.reg_kinds.len() >= u16::MAX as usize {
                BuildError::TooManyRegisters { func: self.name }
            } else {
                BuildError::TooManyConsts { func: self.name }
            });
        }
        for &(pc, label) in &self.fixups {
            match self.labels[label.0 as usize] {
                Some(t) => {
                    if !self.code[pc].set_target(Target(t)) {
                        self.too_far = true;
                    }
                }
                None => return Err(BuildError::UnboundLabel { func: self.name }),
            }
        }
        if self.too_far {
            return Err(BuildError::JumpTooFar { func: self.name });
        }
        let mut labels = Vec::with_capacity(self.entry_labels.len());
        for (name, label) in self.entry_labels {
            match self.labels[label.0 as usize] {
                Some(t) => labels.push(LabelDesc { name, pc: Target(t) }),
                None => return Err(BuildError::UnboundLabel { func: self.name }),
            }
        }
        let mut shared = self.shared;
        shared.sort();
        shared.dedup();
        Ok(Function {
            name: self.name,
            nparams: self.nparams,
            nregs: self.reg_kinds.len() as u16,
            code: self.code,
            consts: self.consts,
            reg_kinds: self.reg_kinds,
            spans: self.spans,
            labels,
            shared,
            call_live: self.call_live,
        })
    }
}

/// Builds a [`Program`]: functions may be declared (to get their [`FuncId`] for calls)
/// before they are defined.
#[derive(Debug, Default)]
pub struct ProgramBuilder {
    file_name: String,
    names: Vec<String>,
    functions: Vec<Option<Function>>,
    env_layouts: Vec<EnvLayout>,
    classes: Vec<ClassDesc>,
}

impl ProgramBuilder {
    pub fn new(file_name: impl Into<String>) -> Self {
        ProgramBuilder { file_name: file_name.into(), ..Default::default() }
    }

    /// Reserve an index for a function defined later with [`ProgramBuilder::define`].
    pub fn declare(&mut self, name: impl Into<String>) -> FuncId {
        self.names.push(name.into());
        self.functions.push(None);
        FuncId(self.functions.len() as u16 - 1)
    }

    /// Define a declared function.
    pub fn define(&mut self, id: FuncId, f: Function) {
        self.functions[id.0 as usize] = Some(f);
    }

    /// Declare and define in one step.
    pub fn add(&mut self, f: Function) -> FuncId {
        let id = self.declare(f.name.clone());
        self.define(id, f);
        id
    }

    /// Add an environment layout (deduplicated).
    pub fn env_layout(&mut self, slots: &[RegKind]) -> LayoutId {
        if let Some(i) = self.env_layouts.iter().position(|l| l.slots == slots) {
            return LayoutId(i as u16);
        }
        self.env_layouts.push(EnvLayout { slots: slots.to_vec() });
        LayoutId(self.env_layouts.len() as u16 - 1)
    }

    /// Add a class. Classes may be added in any order (a parent after its subclasses); the
    /// parent indices are checked by [`ProgramBuilder::finish`] (and the rest of the class
    /// table by the verifier).
    pub fn add_class(&mut self, desc: ClassDesc) -> ClassIdx {
        self.classes.push(desc);
        ClassIdx(self.classes.len().min(u16::MAX as usize + 1) as u16 - 1)
    }

    /// The class added as `idx` (e.g. to complete its vtable once methods are declared).
    pub fn class_mut(&mut self, idx: ClassIdx) -> &mut ClassDesc {
        &mut self.classes[idx.0 as usize]
    }

    /// Finish with the given entry function.
    pub fn finish(self, entry: FuncId) -> Result<Program, BuildError> {
        if self.classes.len() > u16::MAX as usize + 1 {
            return Err(BuildError::TooManyClasses);
        }
        if let Some(c) = crate::verify::class_with_bad_parent(&self.classes) {
            return Err(BuildError::BadClassParent { class: self.classes[c].name.clone() });
        }
        let mut functions = Vec::with_capacity(self.functions.len());
        for (f, name) in self.functions.into_iter().zip(self.names) {
            functions.push(f.ok_or(BuildError::UndefinedFunction { name })?);
        }
        Ok(Program {
            file_name: self.file_name,
            functions,
            env_layouts: self.env_layouts,
            classes: self.classes,
            entry,
        })
    }
}
