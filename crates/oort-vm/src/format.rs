//! Print forms of scalar values (LANGUAGE.md §8): integers, bools and Python-`repr` doubles.

use std::fmt::Write;

use crate::bytecode::ElemKind;

/// Format a double like Python's `repr`: shortest round-trip digits, always with a `.` or
/// an exponent; scientific notation when the decimal exponent is `< -4` or `>= 16`, with a
/// signed exponent of at least two digits (`1e+16`, `1.5e-05`); `inf`, `-inf`, `nan`.
pub fn format_f64(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    // `{:e}` gives the shortest round-trip digits: "-1.2345e-5", "1e16", "0e0".
    let s = format!("{x:e}");
    let (mant, exp) = s.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent is an integer");
    let (neg, mant) = match mant.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mant),
    };
    let digits: String = mant.chars().filter(|&c| c != '.').collect();
    let mut out = String::with_capacity(24);
    if neg {
        out.push('-');
    }
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', int_len - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
            out.push_str(&digits);
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let sign = if exp < 0 { '-' } else { '+' };
        let _ = write!(out, "e{sign}{:02}", exp.unsigned_abs());
    }
    out
}

/// Append the print form of a scalar slot of the given kind (`Ref` is not a scalar: the
/// caller handles it).
pub fn write_scalar(out: &mut Vec<u8>, kind: ElemKind, v: u64) {
    let s = match kind {
        ElemKind::Bool => return out.extend_from_slice(if v != 0 { b"true" } else { b"false" }),
        ElemKind::I32 => (v as u32 as i32).to_string(),
        ElemKind::U32 => (v as u32).to_string(),
        ElemKind::I64 => (v as i64).to_string(),
        ElemKind::U64 => v.to_string(),
        ElemKind::F64 => format_f64(f64::from_bits(v)),
        ElemKind::Ref => unreachable!("write_scalar on a reference"),
    };
    out.extend_from_slice(s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_like_python_repr() {
        let cases: &[(f64, &str)] = &[
            (1.0, "1.0"),
            (0.1, "0.1"),
            (314.0 / 100.0, "3.14"),
            (3.25, "3.25"),
            (2.675, "2.675"),
            (1e16, "1e+16"),
            (1.5e-5, "1.5e-05"),
            (123456789012345.0, "123456789012345.0"),
            (1234567890123456.0, "1234567890123456.0"),
            (12345678901234567.0, "1.2345678901234568e+16"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (0.00012, "0.00012"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (-1.5, "-1.5"),
            (100.0, "100.0"),
            (1e15, "1000000000000000.0"),
            (1e22, "1e+22"),
            (1e100, "1e+100"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (2.5e-3, "0.0025"),
            (1.0 / 3.0, "0.3333333333333333"),
            (2.0 / 3.0, "0.6666666666666666"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-1e-7, "-1e-07"),
            (123.456, "123.456"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
        ];
        for &(x, want) in cases {
            assert_eq!(format_f64(x), want, "formatting {x:?}");
        }
    }

    #[test]
    fn scalars() {
        let mut out = vec![];
        write_scalar(&mut out, ElemKind::I32, -5i64 as u64);
        out.push(b' ');
        write_scalar(&mut out, ElemKind::U32, u32::MAX as u64);
        out.push(b' ');
        write_scalar(&mut out, ElemKind::I64, i64::MIN as u64);
        out.push(b' ');
        write_scalar(&mut out, ElemKind::U64, u64::MAX);
        out.push(b' ');
        write_scalar(&mut out, ElemKind::Bool, 1);
        out.push(b' ');
        write_scalar(&mut out, ElemKind::F64, 2.0f64.to_bits());
        assert_eq!(String::from_utf8(out).unwrap(), "-5 4294967295 -9223372036854775808 18446744073709551615 true 2.0");
    }
}
