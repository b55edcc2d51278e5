//! Turning data into safe markup: HTML escaping for element content and attribute values,
//! and percent-encoding for the values put into `#checks?dataset=…` links.
//!
//! Every text of [`super::ReportData`] reaches the page through [`Esc`] (or [`Url`] inside an
//! `href`), so a check named `<script>` is shown as text and cannot close an attribute.

use std::fmt::{self, Write};

/// Text escaped for HTML, usable in element content and in double- or single-quoted
/// attribute values alike.
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let mut start = 0;
        // Byte scan: every character to escape is ASCII, so the slices stay on char boundaries.
        for (i, b) in s.bytes().enumerate() {
            let rep = match b {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#39;",
                // NUL is a parse error in HTML and would be dropped or replaced silently.
                0 => "\u{FFFD}",
                _ => continue,
            };
            f.write_str(&s[start..i])?;
            f.write_str(rep)?;
            start = i + 1;
        }
        f.write_str(&s[start..])
    }
}

/// A URL query value, percent-encoded like `encodeURIComponent` (then safe in any attribute
/// without further escaping, since only unreserved ASCII is left as is).
pub struct Url<'a>(pub &'a str);

impl fmt::Display for Url<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        // Byte by byte: a multi-byte character becomes several %XX, as in encodeURIComponent.
        for b in self.0.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                f.write_char(char::from(b))?;
            } else {
                f.write_char('%')?;
                f.write_char(char::from(HEX[usize::from(b >> 4)]))?;
                f.write_char(char::from(HEX[usize::from(b & 15)]))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str) -> String {
        Esc(s).to_string()
    }

    #[test]
    fn escapes_the_five_html_specials() {
        assert_eq!(esc(r#"a&b<c>d"e'f"#), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    }

    #[test]
    fn leaves_plain_and_non_ascii_text_alone() {
        assert_eq!(esc(""), "");
        assert_eq!(esc("orders.amount ≥ 10 — ok"), "orders.amount ≥ 10 — ok");
        assert_eq!(esc("über<"), "über&lt;");
    }

    #[test]
    fn a_hostile_name_cannot_open_a_tag_or_close_an_attribute() {
        let out = esc("<script>alert(1)</script>\" onload=\"x");
        assert_eq!(
            out,
            "&lt;script&gt;alert(1)&lt;/script&gt;&quot; onload=&quot;x"
        );
        assert!(!out.contains('<') && !out.contains('"'));
    }

    #[test]
    fn already_escaped_text_is_escaped_again() {
        assert_eq!(esc("&lt;"), "&amp;lt;");
    }

    #[test]
    fn nul_is_replaced() {
        assert_eq!(esc("a\0b"), "a\u{FFFD}b");
    }

    #[test]
    fn url_values_are_percent_encoded() {
        assert_eq!(Url("public.orders").to_string(), "public.orders");
        assert_eq!(Url("a b&c=d\"<ü").to_string(), "a%20b%26c%3Dd%22%3C%C3%BC");
    }
}
