//! Bytecode: the instruction set, its operand types, constants and the program containers.
//!
//! # Value representation
//! Every register, array element and environment slot is an untagged 64-bit slot (`u64`):
//! `int32` sign-extended, `uint32` zero-extended, `bool` 0/1, `double` as its IEEE bits,
//! references as the raw address of a heap object (0 = `null`). The static type of each
//! register is known to the compiler; only the *kind* (plain value vs. reference) is recorded
//! per register (`Function::reg_kinds`) so that the garbage collector can be precise.
//!
//! # Calls (register windows)
//! A call's operands name a *window* of consecutive caller registers starting at `base`:
//! `r(base)` holds the callee (a closure for [`Instr::Call`], the callee's environment or
//! null for [`Instr::CallDirect`]) and the arguments are in `r(base+1) ..= r(base+nargs)`.
//! The callee's frame starts at `r(base+1)`, so the arguments *are* its parameters
//! `r0 .. r(nargs-1)` and nothing is copied. Consequence (as in Lua): **a call clobbers every
//! caller register numbered `base` or higher**; the result is written to `dst` after the
//! callee's frame is gone (`dst` may be anywhere, including inside the window). The code
//! generator must therefore place windows above every register that is live across the call
//! (allocate the window with [`crate::FunctionBuilder::alloc_window`] after the registers that
//! must survive). [`Instr::CallBuiltin`] has no callee slot: its arguments are
//! `r(base) .. r(base+nargs-1)` and it clobbers nothing but `dst`.
//!
//! [`Instr::CallVirtual`] uses the same window; its callee is found in the vtable of the
//! receiver's class (the receiver is the first argument, `r(base+1)`).
//!
//! # Objects
//! A class ([`ClassDesc`] in [`Program::classes`]) has a fixed list of fields (inherited
//! ones first, so a field has the same index in every subclass) and a vtable (the parent's
//! slots first). An object is allocated with all fields zero/null and remembers an
//! environment (for methods of classes nested in functions, [`Instr::ObjEnv`]).
//!
//! # Jumps
//! Jump targets are absolute instruction indices within the function ([`Target`]).

use std::fmt;

/// A register operand: an index into the current frame's register window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reg(pub u16);

/// Index of a function in [`Program::functions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncId(pub u16);

/// Index of a constant in the current function's constant pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConstId(pub u16);

/// Index of an environment layout in [`Program::env_layouts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LayoutId(pub u16);

/// Index of a class in [`Program::classes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClassIdx(pub u16);

/// An absolute jump target (instruction index in the current function).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Target(pub u32);

/// The jump target of a fused compare-and-branch: an absolute instruction index that fits
/// in 16 bits, so that two registers and the target fit in an 8-byte instruction. The code
/// generator falls back to a compare and a `jt`/`jf` in functions longer than that.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Near(pub u16);

/// What a register (or environment slot) holds, for the precise GC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegKind {
    /// A scalar (integer, bool, double): never traced.
    Value,
    /// A reference to a heap object or null: traced by the GC.
    Ref,
}

/// Element type of an array (how elements print, and whether the GC traces them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ElemKind {
    Bool,
    I32,
    U32,
    I64,
    U64,
    F64,
    /// Any reference type (string, array, closure, object...): printed dynamically.
    Ref,
}

impl ElemKind {
    pub fn name(self) -> &'static str {
        match self {
            ElemKind::Bool => "bool",
            ElemKind::I32 => "i32",
            ElemKind::U32 => "u32",
            ElemKind::I64 => "i64",
            ElemKind::U64 => "u64",
            ElemKind::F64 => "f64",
            ElemKind::Ref => "ref",
        }
    }

    pub fn reg_kind(self) -> RegKind {
        if self == ElemKind::Ref { RegKind::Ref } else { RegKind::Value }
    }

    /// The Oort type of an array with these elements, as run-time errors name it
    /// (`array[int32]`); `array` for an array of references, whose element type is not
    /// recorded.
    pub fn array_type_name(self) -> &'static str {
        match self {
            ElemKind::Bool => "array[bool]",
            ElemKind::I32 => "array[int32]",
            ElemKind::U32 => "array[uint32]",
            ElemKind::I64 => "array[int64]",
            ElemKind::U64 => "array[uint64]",
            ElemKind::F64 => "array[double]",
            ElemKind::Ref => "array",
        }
    }
}

/// What a kind test ([`Instr::IsKind`], [`Instr::CastKind`], [`Instr::CastKindNonNull`])
/// checks of a reference, besides that it is not null: the dynamic kind of the object.
/// The VM records it for strings, labels and arrays (with their element kind); objects of
/// classes are tested with [`Instr::InstanceOf`] and its casts instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KindTest {
    /// Nothing more: any reference but null.
    NonNull,
    String,
    Label,
    /// An array with this element kind.
    Array(ElemKind),
}

impl KindTest {
    /// The disassembler's name: `nonnull`, `string`, `label`, `array.i32`.
    pub fn name(self) -> &'static str {
        match self {
            KindTest::NonNull => "nonnull",
            KindTest::String => "string",
            KindTest::Label => "label",
            KindTest::Array(e) => match e {
                ElemKind::Bool => "array.bool",
                ElemKind::I32 => "array.i32",
                ElemKind::U32 => "array.u32",
                ElemKind::I64 => "array.i64",
                ElemKind::U64 => "array.u64",
                ElemKind::F64 => "array.f64",
                ElemKind::Ref => "array.ref",
            },
        }
    }

    /// The Oort type a passing value has, as run-time errors name it (`string`,
    /// `array[int32]`); `None` for [`KindTest::NonNull`], which names no type.
    pub fn type_name(self) -> Option<&'static str> {
        match self {
            KindTest::NonNull => None,
            KindTest::String => Some("string"),
            KindTest::Label => Some("label"),
            KindTest::Array(e) => Some(e.array_type_name()),
        }
    }
}

/// Built-in functions called with [`Instr::CallBuiltin`] (LANGUAGE.md §11).
///
/// `str (v)` is not here: it compiles to the `tostr.*` instruction of `v`'s type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Builtin {
    Sqrt,
    Floor,
    Sin,
    Cos,
    Exp,
    Log,
    /// `pow (x, y)`.
    Pow,
    /// `chr (c: int32) -> string`.
    Chr,
    /// `parse_int (s: string) -> int64`.
    ParseInt,
    /// `args () -> array[string]`.
    Args,
    /// `clock_us () -> int64`.
    ClockUs,
    /// `identity_hash (o: object) -> int32`.
    IdentityHash,
    /// `s.substring (from, to)`: args `(s, from: int32, to: int32)`.
    Substring,
}

impl Builtin {
    pub const ALL: [Builtin; 13] = [
        Builtin::Sqrt,
        Builtin::Floor,
        Builtin::Sin,
        Builtin::Cos,
        Builtin::Exp,
        Builtin::Log,
        Builtin::Pow,
        Builtin::Chr,
        Builtin::ParseInt,
        Builtin::Args,
        Builtin::ClockUs,
        Builtin::IdentityHash,
        Builtin::Substring,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Builtin::Sqrt => "sqrt",
            Builtin::Floor => "floor",
            Builtin::Sin => "sin",
            Builtin::Cos => "cos",
            Builtin::Exp => "exp",
            Builtin::Log => "log",
            Builtin::Pow => "pow",
            Builtin::Chr => "chr",
            Builtin::ParseInt => "parse_int",
            Builtin::Args => "args",
            Builtin::ClockUs => "clock_us",
            Builtin::IdentityHash => "identity_hash",
            Builtin::Substring => "substring",
        }
    }

    /// Number of arguments.
    pub fn arity(self) -> u8 {
        match self {
            Builtin::Args | Builtin::ClockUs => 0,
            Builtin::Pow => 2,
            Builtin::Substring => 3,
            _ => 1,
        }
    }

    /// Kind of the result register.
    pub fn result_kind(self) -> RegKind {
        match self {
            Builtin::Chr | Builtin::Args | Builtin::Substring => RegKind::Ref,
            _ => RegKind::Value,
        }
    }

    /// Kinds of the arguments.
    pub fn arg_kinds(self) -> &'static [RegKind] {
        use RegKind::*;
        match self {
            Builtin::Args | Builtin::ClockUs => &[],
            Builtin::Pow => &[Value, Value],
            Builtin::ParseInt | Builtin::IdentityHash => &[Ref],
            Builtin::Substring => &[Ref, Value, Value],
            _ => &[Value],
        }
    }
}

/// A constant-pool entry.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    /// 64-bit integer bits (any integer type, already in slot representation).
    Int(u64),
    /// A double.
    F64(f64),
    /// A string; becomes an interned heap string when the program is loaded.
    Str(Box<[u8]>),
}

impl Const {
    pub fn kind(&self) -> RegKind {
        match self {
            Const::Str(_) => RegKind::Ref,
            _ => RegKind::Value,
        }
    }
}

/// One operand of an instruction, as seen by the verifier and the disassembler.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Operand {
    Reg(Reg),
    Imm(i32),
    Const(ConstId),
    Target(Target),
    Func(FuncId),
    Layout(LayoutId),
    Class(ClassIdx),
    Builtin(Builtin),
    Elem(ElemKind),
    Kind(KindTest),
    /// A small count or index (nargs, depth, slot).
    Num(u32),
}

/// Conversion of an instruction field to an [`Operand`].
pub trait AsOperand {
    fn as_operand(&self) -> Operand;
}

macro_rules! as_operand {
    ($($t:ty => |$x:ident| $e:expr;)*) => {
        $(impl AsOperand for $t {
            fn as_operand(&self) -> Operand {
                let $x = *self;
                $e
            }
        })*
    };
}

as_operand! {
    Reg => |x| Operand::Reg(x);
    i32 => |x| Operand::Imm(x);
    i16 => |x| Operand::Imm(x as i32);
    Near => |x| Operand::Target(Target(x.0 as u32));
    ConstId => |x| Operand::Const(x);
    Target => |x| Operand::Target(x);
    FuncId => |x| Operand::Func(x);
    LayoutId => |x| Operand::Layout(x);
    ClassIdx => |x| Operand::Class(x);
    Builtin => |x| Operand::Builtin(x);
    ElemKind => |x| Operand::Elem(x);
    KindTest => |x| Operand::Kind(x);
    u8 => |x| Operand::Num(x as u32);
    u16 => |x| Operand::Num(x as u32);
}

/// What an instruction writes to its `dst` register (checked by the verifier).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultKind {
    /// No `dst`.
    None,
    /// A scalar: `dst` must be a Value register.
    Value,
    /// A reference: `dst` must be a Ref register.
    Ref,
    /// Same kind as the source (`mov`).
    Same,
    /// Kind of the constant (`ldk`).
    Const,
    /// Kind of the builtin's result (`callb`).
    Builtin,
    /// Statically unknown to the VM (loads from arrays/envs, call results): the front end's
    /// type checking guarantees it.
    Any,
}

/// The list of operands of an instruction with their field names, in field order.
pub type Operands = smallvec::SmallVec<[(&'static str, Operand); 5]>;

macro_rules! instrs {
    ($( $(#[doc = $doc:literal])* $name:ident { $($f:ident : $t:ty),* $(,)? } => $mn:literal, $res:ident; )*) => {
        /// One bytecode instruction (at most 8 bytes). Operand `dst` is the register written;
        /// every other `Reg` operand is read. See the module docs for the call convention.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum Instr {
            $( $(#[doc = $doc])* $name { $($f: $t),* }, )*
        }

        impl Instr {
            /// The mnemonic used by the disassembler, e.g. `add.i32`.
            pub fn mnemonic(&self) -> &'static str {
                match self { $( Instr::$name { .. } => $mn, )* }
            }

            /// What the instruction writes to `dst`.
            pub fn result_kind(&self) -> ResultKind {
                match self { $( Instr::$name { .. } => ResultKind::$res, )* }
            }

            /// All operands with their field names, in declaration order.
            #[allow(unused_mut)]
            pub fn operands(&self) -> Operands {
                match self {
                    $( Instr::$name { $($f),* } => {
                        let mut v = Operands::new();
                        $( v.push((stringify!($f), AsOperand::as_operand($f))); )*
                        v
                    } )*
                }
            }

            /// Every mnemonic, in declaration order (for docs and tests).
            pub const MNEMONICS: &'static [&'static str] = &[$($mn),*];
        }
    };
}

instrs! {
    /// Does nothing.
    Nop {} => "nop", None;
    /// `dst = src` (same register kind).
    Move { dst: Reg, src: Reg } => "mov", Same;
    /// `dst = imm` sign-extended to 64 bits (int32/int64/bool; uint32/uint64 when `imm >= 0`).
    LoadImm { dst: Reg, imm: i32 } => "ldi", Value;
    /// `dst = consts[idx]` (integer bits, double bits, or the interned string).
    LoadConst { dst: Reg, idx: ConstId } => "ldk", Const;
    /// `dst = null`.
    LoadNull { dst: Reg } => "ldnull", Ref;

    AddI32 { dst: Reg, a: Reg, b: Reg } => "add.i32", Value;
    SubI32 { dst: Reg, a: Reg, b: Reg } => "sub.i32", Value;
    MulI32 { dst: Reg, a: Reg, b: Reg } => "mul.i32", Value;
    DivI32 { dst: Reg, a: Reg, b: Reg } => "div.i32", Value;
    RemI32 { dst: Reg, a: Reg, b: Reg } => "rem.i32", Value;
    NegI32 { dst: Reg, src: Reg } => "neg.i32", Value;
    AddU32 { dst: Reg, a: Reg, b: Reg } => "add.u32", Value;
    SubU32 { dst: Reg, a: Reg, b: Reg } => "sub.u32", Value;
    MulU32 { dst: Reg, a: Reg, b: Reg } => "mul.u32", Value;
    DivU32 { dst: Reg, a: Reg, b: Reg } => "div.u32", Value;
    RemU32 { dst: Reg, a: Reg, b: Reg } => "rem.u32", Value;
    NegU32 { dst: Reg, src: Reg } => "neg.u32", Value;
    AddI64 { dst: Reg, a: Reg, b: Reg } => "add.i64", Value;
    SubI64 { dst: Reg, a: Reg, b: Reg } => "sub.i64", Value;
    MulI64 { dst: Reg, a: Reg, b: Reg } => "mul.i64", Value;
    DivI64 { dst: Reg, a: Reg, b: Reg } => "div.i64", Value;
    RemI64 { dst: Reg, a: Reg, b: Reg } => "rem.i64", Value;
    NegI64 { dst: Reg, src: Reg } => "neg.i64", Value;
    AddU64 { dst: Reg, a: Reg, b: Reg } => "add.u64", Value;
    SubU64 { dst: Reg, a: Reg, b: Reg } => "sub.u64", Value;
    MulU64 { dst: Reg, a: Reg, b: Reg } => "mul.u64", Value;
    DivU64 { dst: Reg, a: Reg, b: Reg } => "div.u64", Value;
    RemU64 { dst: Reg, a: Reg, b: Reg } => "rem.u64", Value;
    NegU64 { dst: Reg, src: Reg } => "neg.u64", Value;
    AddF64 { dst: Reg, a: Reg, b: Reg } => "add.f64", Value;
    SubF64 { dst: Reg, a: Reg, b: Reg } => "sub.f64", Value;
    MulF64 { dst: Reg, a: Reg, b: Reg } => "mul.f64", Value;
    DivF64 { dst: Reg, a: Reg, b: Reg } => "div.f64", Value;
    RemF64 { dst: Reg, a: Reg, b: Reg } => "rem.f64", Value;
    NegF64 { dst: Reg, src: Reg } => "neg.f64", Value;
    /// `dst = a + imm` (int32, wrapping; `a - c` is emitted as `a + (-c)`).
    AddI32Imm { dst: Reg, a: Reg, imm: i16 } => "addi.i32", Value;
    /// `dst = a + imm` (int64, wrapping).
    AddI64Imm { dst: Reg, a: Reg, imm: i16 } => "addi.i64", Value;

    AndI32 { dst: Reg, a: Reg, b: Reg } => "and.i32", Value;
    OrI32 { dst: Reg, a: Reg, b: Reg } => "or.i32", Value;
    XorI32 { dst: Reg, a: Reg, b: Reg } => "xor.i32", Value;
    NotI32 { dst: Reg, src: Reg } => "not.i32", Value;
    ShlI32 { dst: Reg, a: Reg, b: Reg } => "shl.i32", Value;
    ShrI32 { dst: Reg, a: Reg, b: Reg } => "shr.i32", Value;
    AndU32 { dst: Reg, a: Reg, b: Reg } => "and.u32", Value;
    OrU32 { dst: Reg, a: Reg, b: Reg } => "or.u32", Value;
    XorU32 { dst: Reg, a: Reg, b: Reg } => "xor.u32", Value;
    NotU32 { dst: Reg, src: Reg } => "not.u32", Value;
    ShlU32 { dst: Reg, a: Reg, b: Reg } => "shl.u32", Value;
    ShrU32 { dst: Reg, a: Reg, b: Reg } => "shr.u32", Value;
    AndI64 { dst: Reg, a: Reg, b: Reg } => "and.i64", Value;
    OrI64 { dst: Reg, a: Reg, b: Reg } => "or.i64", Value;
    XorI64 { dst: Reg, a: Reg, b: Reg } => "xor.i64", Value;
    NotI64 { dst: Reg, src: Reg } => "not.i64", Value;
    ShlI64 { dst: Reg, a: Reg, b: Reg } => "shl.i64", Value;
    ShrI64 { dst: Reg, a: Reg, b: Reg } => "shr.i64", Value;
    AndU64 { dst: Reg, a: Reg, b: Reg } => "and.u64", Value;
    OrU64 { dst: Reg, a: Reg, b: Reg } => "or.u64", Value;
    XorU64 { dst: Reg, a: Reg, b: Reg } => "xor.u64", Value;
    NotU64 { dst: Reg, src: Reg } => "not.u64", Value;
    ShlU64 { dst: Reg, a: Reg, b: Reg } => "shl.u64", Value;
    ShrU64 { dst: Reg, a: Reg, b: Reg } => "shr.u64", Value;

    EqI32 { dst: Reg, a: Reg, b: Reg } => "eq.i32", Value;
    NeI32 { dst: Reg, a: Reg, b: Reg } => "ne.i32", Value;
    LtI32 { dst: Reg, a: Reg, b: Reg } => "lt.i32", Value;
    LeI32 { dst: Reg, a: Reg, b: Reg } => "le.i32", Value;
    GtI32 { dst: Reg, a: Reg, b: Reg } => "gt.i32", Value;
    GeI32 { dst: Reg, a: Reg, b: Reg } => "ge.i32", Value;
    EqU32 { dst: Reg, a: Reg, b: Reg } => "eq.u32", Value;
    NeU32 { dst: Reg, a: Reg, b: Reg } => "ne.u32", Value;
    LtU32 { dst: Reg, a: Reg, b: Reg } => "lt.u32", Value;
    LeU32 { dst: Reg, a: Reg, b: Reg } => "le.u32", Value;
    GtU32 { dst: Reg, a: Reg, b: Reg } => "gt.u32", Value;
    GeU32 { dst: Reg, a: Reg, b: Reg } => "ge.u32", Value;
    EqI64 { dst: Reg, a: Reg, b: Reg } => "eq.i64", Value;
    NeI64 { dst: Reg, a: Reg, b: Reg } => "ne.i64", Value;
    LtI64 { dst: Reg, a: Reg, b: Reg } => "lt.i64", Value;
    LeI64 { dst: Reg, a: Reg, b: Reg } => "le.i64", Value;
    GtI64 { dst: Reg, a: Reg, b: Reg } => "gt.i64", Value;
    GeI64 { dst: Reg, a: Reg, b: Reg } => "ge.i64", Value;
    EqU64 { dst: Reg, a: Reg, b: Reg } => "eq.u64", Value;
    NeU64 { dst: Reg, a: Reg, b: Reg } => "ne.u64", Value;
    LtU64 { dst: Reg, a: Reg, b: Reg } => "lt.u64", Value;
    LeU64 { dst: Reg, a: Reg, b: Reg } => "le.u64", Value;
    GtU64 { dst: Reg, a: Reg, b: Reg } => "gt.u64", Value;
    GeU64 { dst: Reg, a: Reg, b: Reg } => "ge.u64", Value;
    EqF64 { dst: Reg, a: Reg, b: Reg } => "eq.f64", Value;
    NeF64 { dst: Reg, a: Reg, b: Reg } => "ne.f64", Value;
    LtF64 { dst: Reg, a: Reg, b: Reg } => "lt.f64", Value;
    LeF64 { dst: Reg, a: Reg, b: Reg } => "le.f64", Value;
    GtF64 { dst: Reg, a: Reg, b: Reg } => "gt.f64", Value;
    GeF64 { dst: Reg, a: Reg, b: Reg } => "ge.f64", Value;
    EqBool { dst: Reg, a: Reg, b: Reg } => "eq.bool", Value;
    NeBool { dst: Reg, a: Reg, b: Reg } => "ne.bool", Value;
    /// Logical not of a bool.
    NotBool { dst: Reg, src: Reg } => "not.bool", Value;
    /// Reference identity (null == null).
    EqRef { dst: Reg, a: Reg, b: Reg } => "eq.ref", Value;
    NeRef { dst: Reg, a: Reg, b: Reg } => "ne.ref", Value;
    /// Equality where strings compare by content: two strings are equal when their bytes
    /// are; any other pair of references (null, or not both strings) by identity. Used
    /// for `==` on strings and on `object` operands that may hold strings.
    EqStr { dst: Reg, a: Reg, b: Reg } => "eq.str", Value;
    NeStr { dst: Reg, a: Reg, b: Reg } => "ne.str", Value;

    CvtI32U32 { dst: Reg, src: Reg } => "cvt.i32.u32", Value;
    CvtI32I64 { dst: Reg, src: Reg } => "cvt.i32.i64", Value;
    CvtI32U64 { dst: Reg, src: Reg } => "cvt.i32.u64", Value;
    CvtI32F64 { dst: Reg, src: Reg } => "cvt.i32.f64", Value;
    CvtU32I32 { dst: Reg, src: Reg } => "cvt.u32.i32", Value;
    CvtU32I64 { dst: Reg, src: Reg } => "cvt.u32.i64", Value;
    CvtU32U64 { dst: Reg, src: Reg } => "cvt.u32.u64", Value;
    CvtU32F64 { dst: Reg, src: Reg } => "cvt.u32.f64", Value;
    CvtI64I32 { dst: Reg, src: Reg } => "cvt.i64.i32", Value;
    CvtI64U32 { dst: Reg, src: Reg } => "cvt.i64.u32", Value;
    CvtI64U64 { dst: Reg, src: Reg } => "cvt.i64.u64", Value;
    CvtI64F64 { dst: Reg, src: Reg } => "cvt.i64.f64", Value;
    CvtU64I32 { dst: Reg, src: Reg } => "cvt.u64.i32", Value;
    CvtU64U32 { dst: Reg, src: Reg } => "cvt.u64.u32", Value;
    CvtU64I64 { dst: Reg, src: Reg } => "cvt.u64.i64", Value;
    CvtU64F64 { dst: Reg, src: Reg } => "cvt.u64.f64", Value;
    CvtF64I32 { dst: Reg, src: Reg } => "cvt.f64.i32", Value;
    CvtF64U32 { dst: Reg, src: Reg } => "cvt.f64.u32", Value;
    CvtF64I64 { dst: Reg, src: Reg } => "cvt.f64.i64", Value;
    CvtF64U64 { dst: Reg, src: Reg } => "cvt.f64.u64", Value;

    /// Unconditional jump.
    Jump { target: Target } => "jmp", None;
    /// Jump if the bool in `cond` is true.
    JumpIf { cond: Reg, target: Target } => "jt", None;
    /// Jump if the bool in `cond` is false.
    JumpIfNot { cond: Reg, target: Target } => "jf", None;

    // Fused compare-and-branch: jump to `target` if the comparison holds, else fall
    // through. `a > b` is `b < a`; integer `!(a < b)` is `b <= a`; doubles have negated
    // forms because of NaN.
    /// Jump if the slots are equal (any integer type or bool: slots are canonical).
    JumpEq { a: Reg, b: Reg, target: Near } => "jeq", None;
    JumpNe { a: Reg, b: Reg, target: Near } => "jne", None;
    /// Jump if the slot equals `imm` sign-extended (an integer or bool constant whose slot
    /// bits are that).
    JumpEqImm { a: Reg, imm: i16, target: Near } => "jeqi", None;
    JumpNeImm { a: Reg, imm: i16, target: Near } => "jnei", None;
    JumpLtI32 { a: Reg, b: Reg, target: Near } => "jlt.i32", None;
    JumpLeI32 { a: Reg, b: Reg, target: Near } => "jle.i32", None;
    JumpLtI32Imm { a: Reg, imm: i16, target: Near } => "jlti.i32", None;
    JumpLeI32Imm { a: Reg, imm: i16, target: Near } => "jlei.i32", None;
    JumpGtI32Imm { a: Reg, imm: i16, target: Near } => "jgti.i32", None;
    JumpGeI32Imm { a: Reg, imm: i16, target: Near } => "jgei.i32", None;
    JumpLtI64 { a: Reg, b: Reg, target: Near } => "jlt.i64", None;
    JumpLeI64 { a: Reg, b: Reg, target: Near } => "jle.i64", None;
    JumpLtI64Imm { a: Reg, imm: i16, target: Near } => "jlti.i64", None;
    JumpLeI64Imm { a: Reg, imm: i16, target: Near } => "jlei.i64", None;
    JumpGtI64Imm { a: Reg, imm: i16, target: Near } => "jgti.i64", None;
    JumpGeI64Imm { a: Reg, imm: i16, target: Near } => "jgei.i64", None;
    JumpLtU32 { a: Reg, b: Reg, target: Near } => "jlt.u32", None;
    JumpLeU32 { a: Reg, b: Reg, target: Near } => "jle.u32", None;
    JumpLtU64 { a: Reg, b: Reg, target: Near } => "jlt.u64", None;
    JumpLeU64 { a: Reg, b: Reg, target: Near } => "jle.u64", None;
    JumpEqF64 { a: Reg, b: Reg, target: Near } => "jeq.f64", None;
    JumpNeF64 { a: Reg, b: Reg, target: Near } => "jne.f64", None;
    JumpLtF64 { a: Reg, b: Reg, target: Near } => "jlt.f64", None;
    JumpLeF64 { a: Reg, b: Reg, target: Near } => "jle.f64", None;
    /// Jump if `!(a < b)` (also when either is NaN).
    JumpNltF64 { a: Reg, b: Reg, target: Near } => "jnlt.f64", None;
    /// Jump if `!(a <= b)` (also when either is NaN).
    JumpNleF64 { a: Reg, b: Reg, target: Near } => "jnle.f64", None;

    /// Call the closure in `r(base)` with args `r(base+1) ..= r(base+nargs)`; clobbers
    /// `r(base)` and above; result (if any) to `dst`.
    Call { dst: Reg, base: Reg, nargs: u8 } => "call", Any;
    /// Call function `func` with environment `r(base)` (may be null) and args
    /// `r(base+1) ..= r(base+nargs)`; clobbers `r(base)` and above; result to `dst`.
    CallDirect { dst: Reg, func: FuncId, base: Reg, nargs: u8 } => "calld", Any;
    /// Call function `func`, which has no environment, with args `r(base+1) ..=
    /// r(base+nargs)` (`r(base)` is neither read nor written); clobbers `r(base+1)` and
    /// above; result to `dst`.
    CallStatic { dst: Reg, func: FuncId, base: Reg, nargs: u8 } => "calls", Any;
    /// Call a built-in with args `r(base) .. r(base+nargs-1)`; result to `dst`.
    CallBuiltin { dst: Reg, builtin: Builtin, base: Reg, nargs: u8 } => "callb", Builtin;
    /// Return the value in `src` to the caller's `dst`.
    Ret { src: Reg } => "ret", None;
    /// Return without a value (the caller's `dst` is left alone).
    RetVoid {} => "retv", None;

    /// `dst` = the environment of the running closure (null for a plain function).
    GetClosureEnv { dst: Reg } => "ldenv", Ref;
    /// `dst` = a new environment with layout `layout` and parent `r(parent)` (may be null).
    NewEnv { dst: Reg, parent: Reg, layout: LayoutId } => "newenv", Ref;
    /// `dst` = slot `slot` of the environment `depth` parents up from `r(env)`.
    EnvGet { dst: Reg, env: Reg, depth: u8, slot: u16 } => "envget", Any;
    /// Slot `slot` of the environment `depth` parents up from `r(env)` = `src`.
    EnvSet { env: Reg, depth: u8, slot: u16, src: Reg } => "envset", None;
    /// `dst` = the environment `depth` parents up from `r(env)`.
    EnvUp { dst: Reg, env: Reg, depth: u8 } => "envup", Ref;
    /// `dst` = a new closure of `func` over environment `r(env)`.
    NewClosure { dst: Reg, func: FuncId, env: Reg } => "closure", Ref;

    /// `dst` = a new zero-filled array of `r(len)` (int32) elements.
    NewArray { dst: Reg, elem: ElemKind, len: Reg } => "newarr", Ref;
    /// `dst = r(arr)[r(idx)]` (bounds- and null-checked).
    ArrayGet { dst: Reg, arr: Reg, idx: Reg } => "aget", Any;
    /// `r(arr)[r(idx)] = src` (bounds- and null-checked).
    ArraySet { arr: Reg, idx: Reg, src: Reg } => "aset", None;
    /// `dst` = length of the array (int32).
    ArrayLen { dst: Reg, arr: Reg } => "alen", Value;
    /// `dst` = length of the string in bytes (int32).
    StrLen { dst: Reg, s: Reg } => "slen", Value;
    /// `dst` = byte `r(idx)` of the string as int32 (bounds- and null-checked).
    StrIndex { dst: Reg, s: Reg, idx: Reg } => "sidx", Value;
    /// `dst` = `a + b` (string concatenation; null operands are a null dereference).
    Concat { dst: Reg, a: Reg, b: Reg } => "concat", Ref;

    /// `dst` = print form of the value (also `str (v)`).
    ToStrI32 { dst: Reg, src: Reg } => "tostr.i32", Ref;
    ToStrU32 { dst: Reg, src: Reg } => "tostr.u32", Ref;
    ToStrI64 { dst: Reg, src: Reg } => "tostr.i64", Ref;
    ToStrU64 { dst: Reg, src: Reg } => "tostr.u64", Ref;
    ToStrF64 { dst: Reg, src: Reg } => "tostr.f64", Ref;
    ToStrBool { dst: Reg, src: Reg } => "tostr.bool", Ref;
    /// Print form of any reference, by the object's dynamic kind (`null` for null).
    ToStrRef { dst: Reg, src: Reg } => "tostr.ref", Ref;
    /// Write the string in `src` (`null` if null) and a newline to the output.
    Print { src: Reg } => "print", None;

    /// `dst` = a new object of class `class`, every field zero/null, remembering the
    /// environment `r(env)` (may be null): methods of a class nested in a function reach the
    /// captured variables through it ([`Instr::ObjEnv`]).
    NewObject { dst: Reg, class: ClassIdx, env: Reg } => "new", Ref;
    /// `dst` = the environment stored in the object `r(obj)` (null-checked).
    ObjEnv { dst: Reg, obj: Reg } => "objenv", Ref;
    /// `dst` = field `field` of the object `r(obj)` (null-checked; fields are numbered in
    /// [`ClassDesc::fields`] order, inherited ones first).
    GetField { dst: Reg, obj: Reg, field: u16 } => "getf", Any;
    /// Field `field` of the object `r(obj)` = `src` (null-checked).
    SetField { obj: Reg, field: u16, src: Reg } => "setf", None;
    /// Virtual call: like [`Instr::CallDirect`] (same window; `r(base)` is unused by the
    /// callee and clobbered like the rest of the window), where the callee is
    /// `vtable[slot]` of the class of the receiver `r(base+1)` (the first argument; null is a
    /// null dereference). The callee's frame environment is null.
    CallVirtual { dst: Reg, slot: u16, base: Reg, nargs: u8 } => "callv", Any;
    /// `dst` = whether `r(obj)` is an object of class `class` or a subclass (false for null
    /// and for non-objects).
    InstanceOf { dst: Reg, obj: Reg, class: ClassIdx } => "instof", Value;
    /// `dst` = `r(obj)` if it is an instance of `class` (or a subclass), else null.
    Cast { dst: Reg, obj: Reg, class: ClassIdx } => "cast", Ref;
    /// `dst` = `r(obj)` if it is an instance of `class` (or a subclass), else the runtime
    /// error `failed cast: <dynamic class or null> is not <class>`.
    CastNonNull { dst: Reg, obj: Reg, class: ClassIdx } => "cast!", Ref;
    /// `dst` = whether `r(obj)` passes the kind test `kind` (false for null).
    IsKind { dst: Reg, obj: Reg, kind: KindTest } => "iskind", Value;
    /// `dst` = `r(obj)` if it passes the kind test `kind`, else null.
    CastKind { dst: Reg, obj: Reg, kind: KindTest } => "askind", Ref;
    /// `dst` = `r(obj)` if it passes the kind test `kind` (not [`KindTest::NonNull`]),
    /// else the runtime error `failed cast: <dynamic kind or null> is not <type>`.
    CastKindNonNull { dst: Reg, obj: Reg, kind: KindTest } => "askind!", Ref;
    /// `dst` = `r(src)`, or the runtime error `failed cast: null is not <name>` if it is
    /// null, where `name` is a string constant: `e as T!` of a value `e` of type `T`.
    CastNotNull { dst: Reg, src: Reg, name: ConstId } => "asnonnull", Ref;
    /// `dst` = `r(src)`, or the runtime error "null dereference" if it is null (a value
    /// converted to a non-null type `T!`).
    CheckNonNull { dst: Reg, src: Reg } => "nonnull", Ref;
    /// Tail call of the closure in `r(base)` with args `r(base+1) ..= r(base+nargs)`: the
    /// callee replaces the running frame and returns to its caller (`goto f (…)`), so a
    /// chain of tail calls runs in constant stack space.
    TailCall { base: Reg, nargs: u8 } => "tcall", None;
    /// Tail call of function `func` with environment `r(base)`.
    TailCallDirect { func: FuncId, base: Reg, nargs: u8 } => "tcalld", None;
    /// Tail call through the receiver's vtable (the receiver is `r(base+1)`).
    TailCallVirtual { slot: u16, base: Reg, nargs: u8 } => "tcallv", None;

    /// `dst` = the value of label `label` ([`Function::labels`]) in the running activation.
    /// The first label taken in an activation moves it, and every activation it may return
    /// through, to the heap (see [`crate::interp`]).
    MakeLabel { dst: Reg, label: u16 } => "mklabel", Ref;
    /// Continue at the label value `r(src)` in the activation that created it, abandoning
    /// the activations in between or re-entering it (null is a null dereference).
    Goto { src: Reg } => "goto", None;
}

impl Instr {
    /// Whether control never falls through to the next instruction.
    pub fn is_terminator(&self) -> bool {
        matches!(
            self,
            Instr::Jump { .. }
                | Instr::Ret { .. }
                | Instr::RetVoid {}
                | Instr::TailCall { .. }
                | Instr::TailCallDirect { .. }
                | Instr::TailCallVirtual { .. }
                | Instr::Goto { .. }
        )
    }

    /// The jump target, if this is a jump.
    pub fn target(&self) -> Option<Target> {
        match *self {
            Instr::Jump { target } | Instr::JumpIf { target, .. } | Instr::JumpIfNot { target, .. } => Some(target),
            _ => self.operands().iter().find_map(|&(name, op)| match op {
                Operand::Target(t) if name == "target" => Some(t),
                _ => None,
            }),
        }
    }

    /// Replace the jump target (used to patch forward jumps). Returns `false` when `new`
    /// does not fit a fused compare-and-branch's 16-bit target.
    #[must_use]
    pub fn set_target(&mut self, new: Target) -> bool {
        use Instr::*;
        match self {
            Jump { target } | JumpIf { target, .. } | JumpIfNot { target, .. } => {
                *target = new;
                true
            }
            JumpEq { target, .. }
            | JumpNe { target, .. }
            | JumpEqImm { target, .. }
            | JumpNeImm { target, .. }
            | JumpLtI32 { target, .. }
            | JumpLeI32 { target, .. }
            | JumpLtI32Imm { target, .. }
            | JumpLeI32Imm { target, .. }
            | JumpGtI32Imm { target, .. }
            | JumpGeI32Imm { target, .. }
            | JumpLtI64 { target, .. }
            | JumpLeI64 { target, .. }
            | JumpLtI64Imm { target, .. }
            | JumpLeI64Imm { target, .. }
            | JumpGtI64Imm { target, .. }
            | JumpGeI64Imm { target, .. }
            | JumpLtU32 { target, .. }
            | JumpLeU32 { target, .. }
            | JumpLtU64 { target, .. }
            | JumpLeU64 { target, .. }
            | JumpEqF64 { target, .. }
            | JumpNeF64 { target, .. }
            | JumpLtF64 { target, .. }
            | JumpLeF64 { target, .. }
            | JumpNltF64 { target, .. }
            | JumpNleF64 { target, .. } => match u16::try_from(new.0) {
                Ok(t) => {
                    *target = Near(t);
                    true
                }
                Err(_) => false,
            },
            _ => panic!("set_target on a non-jump instruction"),
        }
    }

    /// The register written, if any.
    pub fn dst(&self) -> Option<Reg> {
        self.operands().iter().find_map(|&(name, op)| match op {
            Operand::Reg(r) if name == "dst" => Some(r),
            _ => None,
        })
    }
}

/// Layout of a heap environment: one kind per slot.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct EnvLayout {
    pub slots: Vec<RegKind>,
}

/// A class: fixed field layout and virtual-method table.
///
/// A subclass repeats its parent's layout: `fields` and `vtable` start with the parent's
/// (same kinds, same slots; an override replaces the implementation in its slot) and may
/// add more after them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassDesc {
    /// Printed as `<name>` and in failed-cast messages.
    pub name: String,
    pub parent: Option<ClassIdx>,
    /// Kind of every field, inherited ones first.
    pub fields: Vec<RegKind>,
    /// Slot → implementing function; each takes the receiver as its first (Ref) parameter.
    pub vtable: Vec<FuncId>,
}

/// One compiled function.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub name: String,
    /// Parameters are registers `r0 .. r(nparams-1)`.
    pub nparams: u16,
    /// Number of registers (= `reg_kinds.len()`).
    pub nregs: u16,
    pub code: Vec<Instr>,
    pub consts: Vec<Const>,
    /// Kind of each register, for the precise GC and the verifier.
    pub reg_kinds: Vec<RegKind>,
    /// Source `(line, col)` of each instruction (`(0, 0)` = none), for runtime errors.
    pub spans: Vec<(u32, u32)>,
    /// The labels [`Instr::MakeLabel`] can take: where each starts and its name.
    pub labels: Vec<LabelDesc>,
    /// The registers holding the activation's variables, in increasing order. Every other
    /// register is a temporary: when a re-entered activation returns again, its caller
    /// resumes with the temporaries it had at the call (kept with the continuation) and
    /// the variables as they are now (LANGUAGE.md §6).
    pub shared: Vec<Reg>,
    /// For each call instruction (by increasing pc), the temporaries live after it: what a
    /// continuation of that pending call must keep. A call without an entry keeps every
    /// register (always correct, only less precise for the GC).
    pub call_live: Vec<CallLive>,
}

/// The temporaries live after the call at `pc`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallLive {
    pub pc: u32,
    pub regs: Vec<Reg>,
}

/// A label of a function: its name (for printing `<label name>`) and its first
/// instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelDesc {
    pub name: String,
    pub pc: Target,
}

/// A whole program: the unit the VM loads.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub file_name: String,
    pub functions: Vec<Function>,
    pub env_layouts: Vec<EnvLayout>,
    /// The class table ([`ClassIdx`] indexes it).
    pub classes: Vec<ClassDesc>,
    /// The function run first (no parameters; its environment is null).
    pub entry: FuncId,
}

impl fmt::Display for Reg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instr_is_at_most_8_bytes() {
        assert!(std::mem::size_of::<Instr>() <= 8, "{}", std::mem::size_of::<Instr>());
    }

    #[test]
    fn mnemonics_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for m in Instr::MNEMONICS {
            assert!(seen.insert(*m), "duplicate mnemonic {m}");
        }
    }

    #[test]
    fn operands_in_field_order() {
        let i = Instr::CallDirect { dst: Reg(1), func: FuncId(2), base: Reg(3), nargs: 4 };
        let ops = i.operands();
        assert_eq!(ops[0], ("dst", Operand::Reg(Reg(1))));
        assert_eq!(ops[1], ("func", Operand::Func(FuncId(2))));
        assert_eq!(ops[3], ("nargs", Operand::Num(4)));
        assert_eq!(i.dst(), Some(Reg(1)));
        assert_eq!(Instr::Print { src: Reg(0) }.dst(), None);
    }
}
