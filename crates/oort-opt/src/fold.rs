//! Constant folding: the value of an operation on constant operands, computed exactly as
//! the VM computes it (values are the VM's untagged 64-bit register contents: integers
//! sign- or zero-extended by type, `f64` as bits, `bool` as 0/1, null as 0).
//!
//! A fold that would raise a runtime error (integer division by zero) is refused, so the
//! error still happens when the program runs.

use oort_ir::{BinOp, Const, Ty, UnOp};

/// The constant of type `ty` whose register contents are `bits`.
pub fn const_of(ty: Ty, bits: u64) -> Const {
    match ty {
        Ty::Bool => Const::Bool(bits != 0),
        Ty::I32 => Const::I32(bits as i32),
        Ty::U32 => Const::U32(bits as u32),
        Ty::I64 => Const::I64(bits as i64),
        Ty::U64 => Const::U64(bits),
        Ty::F64 => Const::F64(f64::from_bits(bits)),
        Ty::Ref => Const::Null,
    }
}

/// Normalizes `x` to the register contents of type `ty` (sign- or zero-extension).
fn norm(ty: Ty, x: u64) -> u64 {
    match ty {
        Ty::I32 => x as i32 as i64 as u64,
        Ty::U32 => x as u32 as u64,
        Ty::Bool => (x != 0) as u64,
        _ => x,
    }
}

pub fn unary(op: UnOp, ty: Ty, x: u64) -> Option<u64> {
    Some(match (op, ty) {
        (UnOp::Not, Ty::Bool) => (x == 0) as u64,
        (UnOp::Neg, Ty::F64) => (-f64::from_bits(x)).to_bits(),
        (UnOp::Neg, t) if t.is_int() => norm(t, x.wrapping_neg()),
        (UnOp::BitNot, t) if t.is_int() => norm(t, !x),
        _ => return None,
    })
}

pub fn binary(op: BinOp, ty: Ty, a: u64, b: u64) -> Option<u64> {
    use BinOp::*;
    let bool_ = |v: bool| Some(v as u64);
    match ty {
        Ty::F64 => {
            let (x, y) = (f64::from_bits(a), f64::from_bits(b));
            let f = |v: f64| Some(v.to_bits());
            match op {
                Add => f(x + y),
                Sub => f(x - y),
                Mul => f(x * y),
                Div => f(x / y),
                Rem => f(x % y),
                Eq => bool_(x == y),
                Ne => bool_(x != y),
                Lt => bool_(x < y),
                Le => bool_(x <= y),
                Gt => bool_(x > y),
                Ge => bool_(x >= y),
                Shl | Shr | And | Or | Xor => None,
            }
        }
        Ty::Bool | Ty::Ref => match op {
            Eq => bool_(a == b),
            Ne => bool_(a != b),
            And if ty == Ty::Bool => Some(a & b),
            Or if ty == Ty::Bool => Some(a | b),
            Xor if ty == Ty::Bool => Some(a ^ b),
            _ => None,
        },
        Ty::I32 => int(op, a as i32, b as i32, b, |v| v as i64 as u64),
        Ty::U32 => int(op, a as u32, b as u32, b, |v| v as u64),
        Ty::I64 => int(op, a as i64, b as i64, b, |v| v as u64),
        Ty::U64 => int(op, a, b, b, |v| v),
    }
}

/// The integer operations of one type; `raw_b` is the shift count's register contents
/// (the VM shifts by those bits as `u32`, wrapping at the width).
fn int<T: IntOps>(op: BinOp, x: T, y: T, raw_b: u64, w: impl Fn(T) -> u64) -> Option<u64> {
    use BinOp::*;
    let bool_ = |v: bool| Some(v as u64);
    Some(match op {
        Add => w(x.wadd(y)),
        Sub => w(x.wsub(y)),
        Mul => w(x.wmul(y)),
        Div if y.is_zero() => return None,
        Rem if y.is_zero() => return None,
        Div => w(x.wdiv(y)),
        Rem => w(x.wrem(y)),
        Shl => w(x.wshl(raw_b as u32)),
        Shr => w(x.wshr(raw_b as u32)),
        And => w(x.and(y)),
        Or => w(x.or(y)),
        Xor => w(x.xor(y)),
        Eq => return bool_(x == y),
        Ne => return bool_(x != y),
        Lt => return bool_(x < y),
        Le => return bool_(x <= y),
        Gt => return bool_(x > y),
        Ge => return bool_(x >= y),
    })
}

trait IntOps: Copy + PartialOrd {
    fn is_zero(self) -> bool;
    fn wadd(self, o: Self) -> Self;
    fn wsub(self, o: Self) -> Self;
    fn wmul(self, o: Self) -> Self;
    fn wdiv(self, o: Self) -> Self;
    fn wrem(self, o: Self) -> Self;
    fn wshl(self, c: u32) -> Self;
    fn wshr(self, c: u32) -> Self;
    fn and(self, o: Self) -> Self;
    fn or(self, o: Self) -> Self;
    fn xor(self, o: Self) -> Self;
}

macro_rules! int_ops {
    ($($t:ty),*) => {$(
        impl IntOps for $t {
            fn is_zero(self) -> bool { self == 0 }
            fn wadd(self, o: Self) -> Self { self.wrapping_add(o) }
            fn wsub(self, o: Self) -> Self { self.wrapping_sub(o) }
            fn wmul(self, o: Self) -> Self { self.wrapping_mul(o) }
            fn wdiv(self, o: Self) -> Self { self.wrapping_div(o) }
            fn wrem(self, o: Self) -> Self { self.wrapping_rem(o) }
            fn wshl(self, c: u32) -> Self { self.wrapping_shl(c) }
            fn wshr(self, c: u32) -> Self { self.wrapping_shr(c) }
            fn and(self, o: Self) -> Self { self & o }
            fn or(self, o: Self) -> Self { self | o }
            fn xor(self, o: Self) -> Self { self ^ o }
        }
    )*};
}
int_ops!(i32, u32, i64, u64);

/// Numeric conversion `from → to`, as the VM's `cvt` instructions (Rust `as`: int→int
/// wraps, f64→int truncates and saturates, NaN → 0).
pub fn convert(from: Ty, to: Ty, x: u64) -> Option<u64> {
    macro_rules! to {
        ($v:expr) => {
            match to {
                Ty::I32 => $v as i32 as i64 as u64,
                Ty::U32 => $v as u32 as u64,
                Ty::I64 => $v as i64 as u64,
                Ty::U64 => $v as u64,
                Ty::F64 => ($v as f64).to_bits(),
                _ => return None,
            }
        };
    }
    Some(match from {
        Ty::I32 => to!(x as i32),
        Ty::U32 => to!(x as u32),
        Ty::I64 => to!(x as i64),
        Ty::U64 => to!(x),
        Ty::F64 => to!(f64::from_bits(x)),
        _ => return None,
    })
}

/// Whether converting `from → to` loses nothing, so converting back gives the value
/// again (`i32 → i64 → i32`, `u32 → f64 → u32`).
pub fn lossless(from: Ty, to: Ty) -> bool {
    let width = |t: Ty| match t {
        Ty::I32 | Ty::U32 => 32,
        Ty::I64 | Ty::U64 => 64,
        _ => 0,
    };
    match (from.is_int(), to) {
        (true, Ty::F64) => width(from) == 32,
        (true, t) if t.is_int() => width(t) >= width(from),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_folds_wrap_like_the_vm() {
        let i32b = |x: i32| x as i64 as u64;
        assert_eq!(binary(BinOp::Add, Ty::I32, i32b(i32::MAX), i32b(1)), Some(i32b(i32::MIN)));
        assert_eq!(binary(BinOp::Div, Ty::I32, i32b(i32::MIN), i32b(-1)), Some(i32b(i32::MIN)));
        assert_eq!(binary(BinOp::Div, Ty::I32, i32b(1), 0), None);
        assert_eq!(binary(BinOp::Rem, Ty::U64, 7, 0), None);
        assert_eq!(binary(BinOp::Shl, Ty::I32, i32b(1), i32b(33)), Some(i32b(2)));
        assert_eq!(binary(BinOp::Shr, Ty::I32, i32b(-8), i32b(1)), Some(i32b(-4)));
        assert_eq!(binary(BinOp::Shr, Ty::U32, 0x8000_0000, 31), Some(1));
        assert_eq!(binary(BinOp::Lt, Ty::U32, 1, 0xffff_ffff), Some(1));
        assert_eq!(binary(BinOp::Lt, Ty::I32, i32b(1), i32b(-1)), Some(0));
        assert_eq!(unary(UnOp::Neg, Ty::U32, 1), Some(0xffff_ffff));
        assert_eq!(unary(UnOp::BitNot, Ty::I32, 0), Some(u64::MAX));
    }

    #[test]
    fn float_folds_follow_ieee() {
        let f = |x: f64| x.to_bits();
        assert_eq!(binary(BinOp::Div, Ty::F64, f(1.0), f(0.0)), Some(f(f64::INFINITY)));
        assert_eq!(binary(BinOp::Eq, Ty::F64, f(f64::NAN), f(f64::NAN)), Some(0));
        assert_eq!(convert(Ty::F64, Ty::I32, f(1e20)), Some(i32::MAX as i64 as u64));
        assert_eq!(convert(Ty::F64, Ty::I32, f(f64::NAN)), Some(0));
        assert_eq!(convert(Ty::I32, Ty::U64, (-1i32) as i64 as u64), Some(u64::MAX));
    }

    #[test]
    fn lossless_conversions() {
        assert!(lossless(Ty::I32, Ty::I64));
        assert!(lossless(Ty::I32, Ty::U32));
        assert!(lossless(Ty::U32, Ty::F64));
        assert!(!lossless(Ty::I64, Ty::F64));
        assert!(!lossless(Ty::I64, Ty::I32));
    }
}
