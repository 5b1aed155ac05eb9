//! Helpers shared by the syntax tests.

use oort_syntax::{Diagnostic, SourceFile};

/// Appends one `error line:col: message` line per diagnostic to a dump.
pub fn with_errors(file: &SourceFile, mut out: String, diags: Vec<Diagnostic>) -> String {
    for d in diags {
        let (l, c) = file.line_col(d.span.lo);
        out += &format!("error {l}:{c}: {}\n", d.message);
    }
    out
}

/// Asserts a dump equals the expected text (a leading newline in `expected` is ignored).
#[track_caller]
pub fn assert_dump(actual: &str, expected: &str) {
    let expected = expected.strip_prefix('\n').unwrap_or(expected);
    assert_eq!(actual, expected, "\n--- actual ---\n{actual}");
}
