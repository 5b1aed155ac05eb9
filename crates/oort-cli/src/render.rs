//! Rendering diagnostics and runtime errors the way rustc does: `file:line:col`, the
//! source line, and a marker under the offending code.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Chars, Config, termcolor};
use oort_syntax::{Diagnostic, Severity, SourceFile, Span};

fn config() -> Config {
    Config { chars: Chars::ascii(), ..Config::default() }
}

fn to_codespan(d: &Diagnostic) -> CsDiagnostic<()> {
    let sev = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
    };
    let mut labels = vec![CsLabel::primary((), d.span.range()).with_message(d.primary_label.clone())];
    labels.extend(d.labels.iter().map(|l| CsLabel::secondary((), l.span.range()).with_message(l.message.clone())));
    CsDiagnostic::new(sev)
        .with_code(d.code.id())
        .with_message(d.message.clone())
        .with_labels(labels)
        .with_notes(d.notes.clone())
}

/// Renders diagnostics to text (ANSI colors when `color`).
pub fn diagnostics(file: &SourceFile, diags: &[Diagnostic], color: bool) -> String {
    let files = SimpleFile::new(file.name.as_str(), file.text.as_str());
    let mut buf = if color { termcolor::Buffer::ansi() } else { termcolor::Buffer::no_color() };
    for d in diags {
        let mut d = d.clone();
        // Clamp spans into the text so a span at end of file still renders.
        let len = file.text.len() as u32;
        d.span = Span { lo: d.span.lo.min(len), hi: d.span.hi.min(len).max(d.span.lo.min(len)) };
        for l in &mut d.labels {
            l.span = Span { lo: l.span.lo.min(len), hi: l.span.hi.min(len).max(l.span.lo.min(len)) };
        }
        let _ = term::emit(&mut buf, &config(), &files, &to_codespan(&d));
    }
    String::from_utf8_lossy(buf.as_slice()).into_owned()
}

/// Renders a runtime error: `runtime error: MESSAGE`, then the location and source line.
pub fn runtime_error(file: &SourceFile, message: &str, line: u32, col: u32) -> String {
    let mut s = format!("runtime error: {message}\n");
    if line == 0 {
        return s;
    }
    s.push_str(&format!("  --> {}:{line}:{col}\n", file.name));
    if let Some(text) = file.text.lines().nth(line as usize - 1) {
        let gutter = line.to_string().len();
        let pad = " ".repeat(gutter);
        let caret_pad: String =
            text.chars().take(col as usize - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
        s.push_str(&format!("{pad} |\n{line} | {text}\n{pad} | {caret_pad}^\n"));
    }
    s
}
