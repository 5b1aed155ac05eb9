//! The type table: interned semantic types addressed by [`TyId`].

use indexmap::IndexSet;
use oort_syntax::ast::ClassId;
use std::fmt::Write;

/// An interned type. Equal ids mean equal types.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct TyId(pub u32);

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum IntTy {
    I32,
    U32,
    I64,
    U64,
}

impl IntTy {
    pub fn name(self) -> &'static str {
        match self {
            IntTy::I32 => "int32",
            IntTy::U32 => "uint32",
            IntTy::I64 => "int64",
            IntTy::U64 => "uint64",
        }
    }

    pub fn signed(self) -> bool {
        matches!(self, IntTy::I32 | IntTy::I64)
    }

    pub fn bits(self) -> u32 {
        match self {
            IntTy::I32 | IntTy::U32 => 32,
            IntTy::I64 | IntTy::U64 => 64,
        }
    }

    /// Whether every value of `self` is a value of `other`.
    pub fn fits_in(self, other: IntTy) -> bool {
        use IntTy::*;
        matches!(
            (self, other),
            (I32, I32) | (I32, I64) | (U32, U32) | (U32, I64) | (U32, U64) | (I64, I64) | (U64, U64)
        )
    }

    /// Whether the integer literal `v` (non-negative magnitude, `neg` for a negated
    /// literal) is representable in this type.
    pub fn holds_literal(self, v: u64, neg: bool) -> bool {
        let limit_pos: u64 = match self {
            IntTy::I32 => i32::MAX as u64,
            IntTy::U32 => u32::MAX as u64,
            IntTy::I64 => i64::MAX as u64,
            IntTy::U64 => u64::MAX,
        };
        if neg {
            match self {
                IntTy::I32 => v <= 1 << 31,
                IntTy::I64 => v <= 1 << 63,
                _ => v == 0,
            }
        } else {
            v <= limit_pos
        }
    }
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum TyKind {
    /// The type of an expression that already produced an error; compatible with
    /// everything so one mistake is reported once.
    Error,
    Void,
    Bool,
    Int(IntTy),
    Double,
    String,
    /// The type of the literal `null`; assignable to every nullable reference type.
    Null,
    Object,
    Label,
    Array(TyId),
    Fn {
        params: Vec<TyId>,
        ret: TyId,
    },
    Class(ClassId),
    /// `T!` for a reference type `T`.
    NonNull(TyId),
}

/// Interns types. Common types have fixed ids (`TyId::BOOL`, …).
#[derive(Clone, Debug)]
pub struct TypeTable {
    kinds: IndexSet<TyKind>,
}

impl TyId {
    pub const ERROR: TyId = TyId(0);
    pub const VOID: TyId = TyId(1);
    pub const BOOL: TyId = TyId(2);
    pub const I32: TyId = TyId(3);
    pub const U32: TyId = TyId(4);
    pub const I64: TyId = TyId(5);
    pub const U64: TyId = TyId(6);
    pub const DOUBLE: TyId = TyId(7);
    pub const STRING: TyId = TyId(8);
    pub const NULL: TyId = TyId(9);
    pub const OBJECT: TyId = TyId(10);
    pub const LABEL: TyId = TyId(11);
}

impl Default for TypeTable {
    fn default() -> Self {
        let mut t = TypeTable { kinds: IndexSet::new() };
        for k in [
            TyKind::Error,
            TyKind::Void,
            TyKind::Bool,
            TyKind::Int(IntTy::I32),
            TyKind::Int(IntTy::U32),
            TyKind::Int(IntTy::I64),
            TyKind::Int(IntTy::U64),
            TyKind::Double,
            TyKind::String,
            TyKind::Null,
            TyKind::Object,
            TyKind::Label,
        ] {
            t.intern(k);
        }
        t
    }
}

impl TypeTable {
    pub fn intern(&mut self, kind: TyKind) -> TyId {
        TyId(self.kinds.insert_full(kind).0 as u32)
    }

    pub fn kind(&self, id: TyId) -> &TyKind {
        &self.kinds[id.0 as usize]
    }

    pub fn int(&self, it: IntTy) -> TyId {
        match it {
            IntTy::I32 => TyId::I32,
            IntTy::U32 => TyId::U32,
            IntTy::I64 => TyId::I64,
            IntTy::U64 => TyId::U64,
        }
    }

    pub fn array(&mut self, elem: TyId) -> TyId {
        self.intern(TyKind::Array(elem))
    }

    pub fn func(&mut self, params: Vec<TyId>, ret: TyId) -> TyId {
        self.intern(TyKind::Fn { params, ret })
    }

    /// `T!` (idempotent; `T` must be a reference type).
    pub fn non_null(&mut self, t: TyId) -> TyId {
        match self.kind(t) {
            TyKind::NonNull(_) | TyKind::Error => t,
            _ => self.intern(TyKind::NonNull(t)),
        }
    }

    /// `T` for `T!`, else the type itself.
    pub fn strip(&self, t: TyId) -> TyId {
        match self.kind(t) {
            TyKind::NonNull(inner) => *inner,
            _ => t,
        }
    }

    pub fn as_int(&self, t: TyId) -> Option<IntTy> {
        match self.kind(t) {
            TyKind::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn is_numeric(&self, t: TyId) -> bool {
        matches!(self.kind(t), TyKind::Int(_) | TyKind::Double)
    }

    /// Whether values of this type are heap references (or null), i.e. GC-visible.
    pub fn is_ref(&self, t: TyId) -> bool {
        matches!(
            self.kind(t),
            TyKind::String
                | TyKind::Null
                | TyKind::Object
                | TyKind::Label
                | TyKind::Array(_)
                | TyKind::Fn { .. }
                | TyKind::Class(_)
                | TyKind::NonNull(_)
        )
    }

    /// Renders a type in source syntax. `class_name` names classes.
    pub fn display(&self, t: TyId, class_name: &dyn Fn(ClassId) -> String) -> String {
        let mut s = String::new();
        self.write(&mut s, t, class_name);
        s
    }

    fn write(&self, s: &mut String, t: TyId, class_name: &dyn Fn(ClassId) -> String) {
        match self.kind(t) {
            TyKind::Error => s.push_str("{error}"),
            TyKind::Void => s.push_str("void"),
            TyKind::Bool => s.push_str("bool"),
            TyKind::Int(i) => s.push_str(i.name()),
            TyKind::Double => s.push_str("double"),
            TyKind::String => s.push_str("string"),
            TyKind::Null => s.push_str("null"),
            TyKind::Object => s.push_str("object"),
            TyKind::Label => s.push_str("label"),
            TyKind::Array(e) => {
                s.push_str("array[");
                self.write(s, *e, class_name);
                s.push(']');
            }
            TyKind::Fn { params, ret } => {
                s.push_str("fn (");
                for (i, p) in params.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    self.write(s, *p, class_name);
                }
                s.push_str(") -> ");
                self.write(s, *ret, class_name);
            }
            TyKind::Class(c) => {
                let _ = write!(s, "{}", class_name(*c));
            }
            TyKind::NonNull(inner) => {
                // `!` binds to the nearest type: `(fn () -> C)!` is a non-null function,
                // `fn () -> C!` one returning a `C!`.
                let paren = matches!(self.kind(*inner), TyKind::Fn { .. });
                if paren {
                    s.push('(');
                }
                self.write(s, *inner, class_name);
                if paren {
                    s.push(')');
                }
                s.push('!');
            }
        }
    }
}
