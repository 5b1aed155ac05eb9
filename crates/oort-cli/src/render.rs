//! Rendering diagnostics and runtime errors the way rustc does: `file:line:col`, the
//! source line, and a marker under the offending code.
//!
//! Hostile input stays readable: a source line longer than [`MAX_LINE_BYTES`] is shown as
//! a window of it around the marker, cut with `...` (a 10 MB line costs 200 bytes of
//! output, not 10 MB), a label spanning more than [`MAX_LABEL_LINES`] lines is shown on
//! its first line only, and at most [`MAX_DIAGNOSTICS`] diagnostics are printed (and the
//! parser's "too many errors", which says why there are no more), followed by a note
//! counting the rest.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files, Location};
use codespan_reporting::term::{self, Chars, Config, termcolor};
use oort_syntax::{Code, Diagnostic, Severity, SourceFile, Span};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// Diagnostics printed at most, in source order; a note counts the ones left out.
pub const MAX_DIAGNOSTICS: usize = 100;
/// Source lines longer than this (in bytes) are shown as a window around the marker.
pub const MAX_LINE_BYTES: usize = 240;
/// The window's extent before and after its focus (the first marker on the line).
const WINDOW_BEFORE: usize = 80;
const WINDOW_AFTER: usize = 120;
/// Labels spanning more lines than this are shown on their first line only.
pub const MAX_LABEL_LINES: usize = 50;

fn config() -> Config {
    Config { chars: Chars::ascii(), ..Config::default() }
}

/// Renders diagnostics to text (ANSI colors when `color`): the first [`MAX_DIAGNOSTICS`]
/// of them, then a note counting the others.
pub fn diagnostics(file: &SourceFile, diags: &[Diagnostic], color: bool) -> String {
    let mut buf = if color { termcolor::Buffer::ansi() } else { termcolor::Buffer::no_color() };
    let len = file.text.len() as u32;
    // Clamp spans into the text so a span at end of file still renders.
    let clamp = |s: Span| Span { lo: s.lo.min(len), hi: s.hi.min(len).max(s.lo.min(len)) };
    // The first diagnostics, and "too many errors" (which says why the rest is missing).
    let shown = |i: usize, d: &Diagnostic| i < MAX_DIAGNOSTICS || d.code == Code::TooManyErrors;
    for (_, d) in diags.iter().enumerate().filter(|&(i, d)| shown(i, d)) {
        let mut spans = vec![(clamp(d.span), true)];
        spans.extend(d.labels.iter().map(|l| (clamp(l.span), false)));
        let mut excerpt = Excerpt::new(file, &spans);
        let sev = match d.severity {
            Severity::Error => CsSeverity::Error,
            Severity::Warning => CsSeverity::Warning,
        };
        let mut labels = vec![CsLabel::primary((), excerpt.map(spans[0].0)).with_message(d.primary_label.clone())];
        for (l, &(s, _)) in d.labels.iter().zip(&spans[1..]) {
            labels.push(CsLabel::secondary((), excerpt.map(s)).with_message(l.message.clone()));
        }
        let cs = CsDiagnostic::new(sev)
            .with_code(d.code.id())
            .with_message(d.message.clone())
            .with_labels(labels)
            .with_notes(d.notes.clone());
        let _ = term::emit(&mut buf, &config(), &excerpt, &cs);
    }
    let mut out = String::from_utf8_lossy(buf.as_slice()).into_owned();
    let hidden: Vec<&Diagnostic> = diags.iter().enumerate().filter(|&(i, d)| !shown(i, d)).map(|(_, d)| d).collect();
    if !hidden.is_empty() {
        let errors = hidden.iter().filter(|d| d.is_error()).count();
        let warnings = hidden.len() - errors;
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let what = match (errors, warnings) {
            (0, w) => plural(w, "more warning"),
            (e, 0) => plural(e, "more error"),
            (e, w) => format!("{} and {}", plural(e, "more error"), plural(w, "more warning")),
        };
        out.push_str(&format!("note: {what} not shown (at most {MAX_DIAGNOSTICS} diagnostics are printed)\n\n"));
    }
    out
}

/// The part of a source file one diagnostic shows, as a [`Files`] for codespan: each line a
/// label touches (whole, or a window of it when it is long), and the lines codespan shows
/// between them. Line indices are the original ones; byte offsets are into `text`, the
/// excerpt's own text, so long lines never reach the renderer.
struct Excerpt<'a> {
    file: &'a SourceFile,
    text: String,
    /// Per original line: its range in `text`, and how `text` maps back (the original
    /// offset of the window's start, and the length of the `...` before it).
    lines: BTreeMap<usize, Segment>,
    /// Original offset of each excerpt offset a label starts at, for exact locations.
    starts: HashMap<usize, usize>,
}

struct Segment {
    range: Range<usize>,
    orig_start: usize,
    orig_end: usize,
    prefix: usize,
}

impl<'a> Excerpt<'a> {
    /// The excerpt for labels `spans` (the primary one marked `true`).
    fn new(file: &'a SourceFile, spans: &[(Span, bool)]) -> Excerpt<'a> {
        // The lines to show, each with the offset to center a long line's window on.
        let mut focus: BTreeMap<usize, usize> = BTreeMap::new();
        let mut want = |line: usize, at: usize, primary: bool| {
            let f = focus.entry(line).or_insert(at);
            if primary || at < *f {
                *f = at;
            }
        };
        for &(span, primary) in spans {
            let (lo, hi) = (span.lo as usize, span.hi as usize);
            let (first, last) = (file.line_index(lo), file.line_index(hi));
            want(first, lo, primary);
            if last != first && last - first <= MAX_LABEL_LINES {
                for l in first + 1..=last {
                    want(l, file.line_range(l).start, false);
                }
                want(last, hi, false);
            }
        }
        // codespan shows the line between two shown lines one apart.
        let shown: Vec<usize> = focus.keys().copied().collect();
        for w in shown.windows(2) {
            if w[1] == w[0] + 2 {
                focus.entry(w[0] + 1).or_insert(file.line_range(w[0] + 1).start);
            }
        }
        let mut text = String::new();
        let mut lines = BTreeMap::new();
        for (line, at) in focus {
            let whole = file.line_range(line);
            let content_end = whole.end - file.text[whole.clone()].len()
                + file.text[whole.clone()].trim_end_matches(['\n', '\r']).len();
            let start = text.len();
            let seg = if content_end - whole.start <= MAX_LINE_BYTES {
                text.push_str(&file.text[whole.clone()]);
                Segment { range: start..text.len(), orig_start: whole.start, orig_end: whole.end, prefix: 0 }
            } else {
                let mut a = at.saturating_sub(WINDOW_BEFORE).max(whole.start);
                while !file.text.is_char_boundary(a) {
                    a -= 1;
                }
                let mut b = (a + WINDOW_BEFORE + WINDOW_AFTER).min(content_end);
                while !file.text.is_char_boundary(b) {
                    b -= 1;
                }
                let prefix = if a > whole.start { 3 } else { 0 };
                if prefix > 0 {
                    text.push_str("...");
                }
                text.push_str(&file.text[a..b]);
                if b < content_end {
                    text.push_str("...");
                }
                text.push('\n');
                Segment { range: start..text.len(), orig_start: a, orig_end: b, prefix }
            };
            lines.insert(line, seg);
        }
        Excerpt { file, text, lines, starts: HashMap::new() }
    }

    /// The excerpt offset of original offset `at` (clamped into its line's window).
    fn offset(&self, at: usize) -> usize {
        let line = self.file.line_index(at);
        match self.lines.get(&line) {
            Some(seg) => seg.range.start + seg.prefix + at.clamp(seg.orig_start, seg.orig_end) - seg.orig_start,
            None => self.text.len(),
        }
    }

    /// A label's span in the excerpt (cut at the end of its first line when it spans
    /// more lines than are shown).
    fn map(&mut self, span: Span) -> Range<usize> {
        let (lo, mut hi) = (span.lo as usize, span.hi as usize);
        let first = self.file.line_index(lo);
        if self.file.line_index(hi) - first > MAX_LABEL_LINES {
            hi = (self.file.line_range(first).end - 1).max(lo);
        }
        let start = self.offset(lo);
        self.starts.entry(start).or_insert(lo);
        start..self.offset(hi).max(start)
    }
}

impl<'a> Files<'a> for Excerpt<'_> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(self.file.name.as_str())
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(self.text.as_str())
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, FilesError> {
        let found = self.lines.iter().find(|(_, s)| s.range.contains(&byte_index));
        Ok(found.or_else(|| self.lines.iter().next_back()).map_or(0, |(&l, _)| l))
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        Ok(self.lines.get(&line_index).map_or(self.text.len()..self.text.len(), |s| s.range.clone()))
    }

    fn location(&'a self, (): (), byte_index: usize) -> Result<Location, FilesError> {
        let orig = match self.starts.get(&byte_index) {
            Some(&o) => o,
            None => {
                let line = self.line_index((), byte_index)?;
                self.lines.get(&line).map_or(self.file.text.len(), |s| {
                    (s.orig_start + byte_index.saturating_sub(s.range.start + s.prefix)).min(s.orig_end)
                })
            }
        };
        let (line, col) = self.file.line_col(orig as u32);
        Ok(Location { line_number: line as usize, column_number: col as usize })
    }
}

/// Renders a runtime error: `runtime error: MESSAGE`, then the location and source line.
pub fn runtime_error(file: &SourceFile, message: &str, line: u32, col: u32) -> String {
    let mut s = format!("runtime error: {message}\n");
    if line == 0 || line as usize > file.line_count() {
        return s;
    }
    s.push_str(&format!("  --> {}:{line}:{col}\n", file.name));
    let whole = file.line_range(line as usize - 1);
    let text = file.text[whole.clone()].trim_end_matches(['\n', '\r']);
    // The byte offset of the column (columns count characters).
    let at = text.char_indices().nth(col as usize - 1).map_or(text.len(), |(i, _)| i);
    let (shown, at) = if text.len() <= MAX_LINE_BYTES {
        (text.to_string(), at)
    } else {
        let mut a = at.saturating_sub(WINDOW_BEFORE);
        while !text.is_char_boundary(a) {
            a -= 1;
        }
        let mut b = (a + WINDOW_BEFORE + WINDOW_AFTER).min(text.len());
        while !text.is_char_boundary(b) {
            b -= 1;
        }
        let prefix = if a > 0 { "..." } else { "" };
        let suffix = if b < text.len() { "..." } else { "" };
        (format!("{prefix}{}{suffix}", &text[a..b]), at - a + prefix.len())
    };
    let gutter = line.to_string().len();
    let pad = " ".repeat(gutter);
    let caret_pad: String = shown[..at].chars().map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    s.push_str(&format!("{pad} |\n{line} | {shown}\n{pad} | {caret_pad}^\n"));
    s
}
