//! Byte-exact reproduction of Python's default `json.dumps` output (the `-srf` scan results file
//! and the Soda Cloud request body, cli-and-cloud.md §5.2).
//!
//! `serde_json` differs from Python in separators (`,` vs `, `), in leaving non-ASCII text
//! unescaped and in exponent notation (`1e-5` vs `1e-05`), so the document is written by hand.

use serde_json::{Number, Value};

/// Serialise `value` as `json.dumps(value)` would: `, ` and `: ` separators, everything outside
/// printable ASCII escaped as `\uXXXX`, floats in `repr` form, keys in insertion order, no
/// indentation and no trailing newline.
pub fn to_python_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => write_number(out, number),
        Value::String(text) => write_string(out, text),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (index, (key, item)) in map.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_string(out, key);
                out.push_str(": ");
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

fn write_number(out: &mut String, number: &Number) {
    // Integer-backed numbers must stay integers: Python keeps `int` and `float` apart, and
    // thresholds (always floats) are told from counts by the `.0`.
    if let Some(int) = number.as_i64() {
        out.push_str(&int.to_string());
    } else if let Some(uint) = number.as_u64() {
        out.push_str(&uint.to_string());
    } else if let Some(float) = number.as_f64() {
        out.push_str(&json_float(float));
    } else {
        out.push_str(&number.to_string());
    }
}

/// json.dumps writes non-finite floats bare (invalid JSON); kept for parity even though
/// serde_json values cannot carry them.
fn json_float(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_string()
    } else if value.is_infinite() {
        if value > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
    } else {
        super::float_repr(value)
    }
}

fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(ch),
            // Python's ensure_ascii escapes DEL and everything beyond ASCII too, in lowercase hex,
            // splitting astral characters into UTF-16 surrogate pairs.
            _ => {
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::timedelta as python_timedelta;
    use serde_json::json;
    use std::time::Duration;

    #[test]
    fn float_repr_matches_python() {
        let cases: [(f64, &str); 28] = [
            (6.0, "6.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1e-05, "1e-05"),
            (2.5e-05, "2.5e-05"),
            (1.5e-07, "1.5e-07"),
            (0.0001, "0.0001"),
            (0.001, "0.001"),
            (0.1, "0.1"),
            (1.0 / 3.0, "0.3333333333333333"),
            (-2.5, "-2.5"),
            (100.0, "100.0"),
            (12345678.9, "12345678.9"),
            (10.095238095238095, "10.095238095238095"),
            (1e15, "1000000000000000.0"),
            (1234567890123456.0, "1234567890123456.0"),
            (1e16, "1e+16"),
            (1e22, "1e+22"),
            (1e100, "1e+100"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (9.223372026854776e+18, "9.223372026854776e+18"),
            (9223372036854775808.0, "9.223372036854776e+18"),
            (1.7976931348623157e+308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (-1e-05, "-1e-05"),
            (-1e16, "-1e+16"),
            // An exact tie between …0.2 and …0.3: dtoa picks the even digit.
            (983_300_536_950_290.0 + 0.25, "983300536950290.2"),
            (0.375, "0.375"),
        ];
        for (value, expected) in cases {
            assert_eq!(json_float(value), expected, "repr of {value:e}");
        }
        assert_eq!(json_float(f64::NAN), "NaN");
        assert_eq!(json_float(f64::INFINITY), "Infinity");
        assert_eq!(json_float(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn numbers_keep_their_int_or_float_nature() {
        let value = json!([
            6.0,
            6,
            -3,
            0.0,
            1e-05,
            1e16,
            18446744073709551615u64,
            i64::MIN
        ]);
        assert_eq!(
            to_python_json(&value),
            "[6.0, 6, -3, 0.0, 1e-05, 1e+16, 18446744073709551615, -9223372036854775808]"
        );
    }

    #[test]
    fn separators_key_order_and_nesting_match_json_dumps() {
        let value = json!({
            "b": 1,
            "a": [1.0, "x"],
            "c": {},
            "d": [],
            "e": null,
            "f": true,
            "g": false,
            "h": {"z": {"y": [[]]}, "a": 2}
        });
        assert_eq!(
            to_python_json(&value),
            r#"{"b": 1, "a": [1.0, "x"], "c": {}, "d": [], "e": null, "f": true, "g": false, "h": {"z": {"y": [[]]}, "a": 2}}"#
        );
        assert_eq!(to_python_json(&json!("plain")), r#""plain""#);
        assert_eq!(to_python_json(&json!(null)), "null");
    }

    #[test]
    fn strings_are_ascii_escaped_like_python() {
        let value = json!({"k\u{e9}y": "\u{e9}\u{1F600}\u{1}\u{7f}/\"\\\n\t\u{8}\u{c}\r~ "});
        assert_eq!(
            to_python_json(&value),
            r#"{"k\u00e9y": "\u00e9\ud83d\ude00\u0001\u007f/\"\\\n\t\b\f\r~ "}"#
        );
        assert_eq!(
            to_python_json(&json!("\u{FFFF}\u{10FFFF}")),
            r#""\uffff\udbff\udfff""#
        );
    }

    #[test]
    fn timedelta_text_matches_python() {
        let cases = [
            (Duration::from_micros(2_829), "0:00:00.002829"),
            (Duration::from_secs(1), "0:00:01"),
            (Duration::ZERO, "0:00:00"),
            (
                Duration::new(3 * 86_400 + 4 * 3_600 + 5 * 60 + 6, 7_000),
                "3 days, 4:05:06.000007",
            ),
            (Duration::from_secs(86_400), "1 day, 0:00:00"),
            (Duration::new(86_399, 999_999_999), "23:59:59.999999"),
            (
                Duration::from_secs(400 * 86_400 + 36_000),
                "400 days, 10:00:00",
            ),
            (Duration::from_nanos(999), "0:00:00"),
        ];
        for (duration, expected) in cases {
            assert_eq!(python_timedelta(duration), expected, "{duration:?}");
        }
    }
}
