//! Diagnostics: errors and warnings with a primary span and secondary labels.
//!
//! Every stage of the compiler reports problems as [`Diagnostic`] values; only the
//! driver (`oort-cli`) renders them.

use crate::codes::Code;
use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Its stable code (`E0001`, `W0001`, …), explained by `oort explain`. The severity
    /// follows from it (`W` codes are warnings) unless the driver promotes a warning
    /// (`-D`).
    pub code: Code,
    pub message: String,
    pub span: Span,
    /// Text shown under the primary marker.
    pub primary_label: String,
    pub labels: Vec<Label>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic with code `code`: an error, or a warning for a `W` code.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        let severity = if code.is_warning() { Severity::Warning } else { Severity::Error };
        Diagnostic {
            severity,
            code,
            message: message.into(),
            span,
            primary_label: String::new(),
            labels: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn with_primary_label(mut self, text: impl Into<String>) -> Diagnostic {
        self.primary_label = text.into();
        self
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label { span, message: message.into() });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sort diagnostics into source order (stable for equal positions), as they are reported.
pub fn sort_diagnostics(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| (d.span.lo, d.span.hi));
}
