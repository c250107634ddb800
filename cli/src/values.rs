//! Conversions between command-line text and wasm values, for `petrel run`.
//!
//! Arguments are parsed according to the parameter type of the invoked
//! function:
//!
//! | type | accepted text |
//! | --- | --- |
//! | `i32` / `i64` | decimal (`-5`, `42`) or hex (`0x2a`, `-0x2a`); any value that fits the signed *or* unsigned range (`4294967295` is `i32` `-1`) |
//! | `f32` / `f64` | anything Rust's `str::parse` accepts: `1.5`, `-2e10`, `inf`, `-inf`, `infinity`, `nan` |
//! | `v128` | decimal or `0x` hex 128-bit integer (little-endian lane order, as in memory) |
//! | `funcref` / `externref` | only `null` |
//!
//! Results are printed one per line: integers in signed decimal, floats with
//! Rust's `Display` (`1.5`, `inf`, `NaN`), `v128` as 32 hex digits, references
//! as `null`, `<funcref>` or `<externref>`.

use anyhow::{Result, anyhow, bail};
use petrel::{Val, ValType};

/// Parses one command-line argument as a value of type `ty`.
///
/// The error message names the expected type and repeats the offending text;
/// it never panics, whatever the input.
pub fn parse_arg(ty: ValType, text: &str) -> Result<Val> {
    let bad = || anyhow!("invalid {ty} argument `{text}`");
    Ok(match ty {
        ValType::I32 => {
            let v = parse_int(text).ok_or_else(bad)?;
            if v < i128::from(i32::MIN) || v > i128::from(u32::MAX) {
                bail!("{ty} argument `{text}` is out of range");
            }
            // Values above i32::MAX are the unsigned view of the same bits.
            Val::I32(v as u32 as i32)
        }
        ValType::I64 => {
            let v = parse_int(text).ok_or_else(bad)?;
            if v < i128::from(i64::MIN) || v > i128::from(u64::MAX) {
                bail!("{ty} argument `{text}` is out of range");
            }
            Val::I64(v as u64 as i64)
        }
        ValType::F32 => Val::F32(parse_float::<f32>(text).ok_or_else(bad)?.to_bits()),
        ValType::F64 => Val::F64(parse_float::<f64>(text).ok_or_else(bad)?.to_bits()),
        ValType::V128 => {
            let v = match strip_hex(text) {
                Some(hex) if !hex.is_empty() && !hex.starts_with(['+', '-']) => {
                    u128::from_str_radix(hex, 16).ok()
                }
                Some(_) => None,
                None if !text.starts_with('+') => text.parse::<u128>().ok(),
                None => None,
            };
            Val::V128(v.ok_or_else(bad)?)
        }
        ValType::FuncRef => {
            if text != "null" {
                bail!("invalid funcref argument `{text}`: only `null` can be given");
            }
            Val::FuncRef(None)
        }
        ValType::ExternRef => {
            if text != "null" {
                bail!("invalid externref argument `{text}`: only `null` can be given");
            }
            Val::ExternRef(None)
        }
        ValType::Ref(t) => {
            if text != "null" || !t.is_nullable() {
                bail!(
                    "invalid {ty} argument `{text}`: only `null` of a nullable reference can be given"
                );
            }
            Val::default_for(ty)
        }
    })
}

/// Formats a result value the way `petrel run` prints it (see the module docs).
pub fn format_val(val: &Val) -> String {
    match val {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(bits) => f32::from_bits(*bits).to_string(),
        Val::F64(bits) => f64::from_bits(*bits).to_string(),
        Val::V128(v) => format!("0x{v:032x}"),
        Val::FuncRef(None) | Val::ExternRef(None) => "null".to_string(),
        Val::FuncRef(Some(_)) => "<funcref>".to_string(),
        Val::ExternRef(Some(_)) => "<externref>".to_string(),
    }
}

/// `0x`/`0X` prefix stripped, if there is one.
fn strip_hex(text: &str) -> Option<&str> {
    text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"))
}

/// Parses an optionally signed decimal or `0x` hex integer. `None` on any
/// malformed input (empty, stray characters, double sign, overflow of i128).
fn parse_int(text: &str) -> Option<i128> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let magnitude = match strip_hex(rest) {
        Some(hex) => {
            if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            i128::from_str_radix(hex, 16).ok()?
        }
        None => {
            if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            rest.parse::<i128>().ok()?
        }
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// Parses a float with Rust's grammar (which includes `inf`, `infinity`, `nan`).
fn parse_float<F: std::str::FromStr>(text: &str) -> Option<F> {
    text.parse::<F>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i32_of(text: &str) -> Option<i32> {
        parse_arg(ValType::I32, text).ok().and_then(|v| v.i32())
    }

    #[test]
    fn integers() {
        assert_eq!(i32_of("42"), Some(42));
        assert_eq!(i32_of("-42"), Some(-42));
        assert_eq!(i32_of("+7"), Some(7));
        assert_eq!(i32_of("0x2a"), Some(42));
        assert_eq!(i32_of("-0x2A"), Some(-42));
        assert_eq!(i32_of("4294967295"), Some(-1));
        assert_eq!(i32_of("-2147483648"), Some(i32::MIN));
        assert_eq!(i32_of("4294967296"), None);
        assert_eq!(i32_of("-2147483649"), None);
        for bad in ["", "-", "0x", "abc", "1.5", "--1", "0x-1", "1 2", "١"] {
            assert_eq!(i32_of(bad), None, "{bad:?} must be rejected");
        }
        let v = parse_arg(ValType::I64, "18446744073709551615").unwrap();
        assert_eq!(v.i64(), Some(-1));
        let v = parse_arg(ValType::I64, "-0x8000000000000000").unwrap();
        assert_eq!(v.i64(), Some(i64::MIN));
        assert!(parse_arg(ValType::I64, "0x10000000000000000").is_err());
    }

    #[test]
    fn floats() {
        let bits = |ty, t| match parse_arg(ty, t).unwrap() {
            Val::F32(b) => u64::from(b),
            Val::F64(b) => b,
            _ => unreachable!("float parse returned a non-float"),
        };
        assert_eq!(bits(ValType::F32, "1.5"), u64::from(1.5f32.to_bits()));
        assert_eq!(
            bits(ValType::F32, "-inf"),
            u64::from(f32::NEG_INFINITY.to_bits())
        );
        assert!(f32::from_bits(bits(ValType::F32, "nan") as u32).is_nan());
        assert_eq!(bits(ValType::F64, "1e300"), 1e300f64.to_bits());
        assert_eq!(bits(ValType::F64, "infinity"), f64::INFINITY.to_bits());
        assert!(parse_arg(ValType::F64, "one").is_err());
        assert!(parse_arg(ValType::F32, "").is_err());
    }

    #[test]
    fn others() {
        assert!(matches!(
            parse_arg(ValType::V128, "0x01").unwrap(),
            Val::V128(1)
        ));
        assert!(matches!(
            parse_arg(ValType::V128, "340282366920938463463374607431768211455").unwrap(),
            Val::V128(u128::MAX)
        ));
        assert!(parse_arg(ValType::V128, "-1").is_err());
        assert!(parse_arg(ValType::V128, "0x-1").is_err());
        assert!(matches!(
            parse_arg(ValType::ExternRef, "null").unwrap(),
            Val::ExternRef(None)
        ));
        assert!(parse_arg(ValType::FuncRef, "0").is_err());
    }

    #[test]
    fn formatting() {
        assert_eq!(format_val(&Val::I32(-1)), "-1");
        assert_eq!(format_val(&Val::I64(6765)), "6765");
        assert_eq!(format_val(&Val::F32(1.5f32.to_bits())), "1.5");
        assert_eq!(format_val(&Val::F64(f64::INFINITY.to_bits())), "inf");
        assert_eq!(format_val(&Val::F64(f64::NAN.to_bits())), "NaN");
        assert_eq!(
            format_val(&Val::V128(1)),
            "0x00000000000000000000000000000001"
        );
        assert_eq!(format_val(&Val::FuncRef(None)), "null");
    }
}
