//! Source files, byte spans and line/column lookup.

use std::fmt;

/// A half-open byte range `lo..hi` into the one source file of a compilation unit.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub lo: u32,
    pub hi: u32,
}

impl Span {
    pub const DUMMY: Span = Span { lo: 0, hi: 0 };

    pub fn new(lo: usize, hi: usize) -> Span {
        Span { lo: lo as u32, hi: hi as u32 }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { lo: self.lo.min(other.lo), hi: self.hi.max(other.hi) }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.lo as usize..self.hi as usize
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.lo, self.hi)
    }
}

/// The largest source file a compilation accepts: spans are `u32` byte offsets, and the
/// end of the file must have one too.
pub const MAX_SOURCE_BYTES: u64 = u32::MAX as u64 - 1;

/// Bytes per block of [`SourceFile`]'s character-count index.
const BLOCK: usize = 4096;

/// One source file: its name as given by the user, its text, and a line index.
///
/// Finding the line and column of an offset takes time logarithmic in the file size
/// (plus at most two 4 KiB blocks scanned), even on a line of megabytes: the compiler
/// asks for positions of many spans, and a file may be one long line.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: Vec<u32>,
    /// For each block of [`BLOCK`] bytes, the number of UTF-8 continuation bytes
    /// (`0x80..=0xBF`) before it: characters = bytes - continuation bytes.
    cont_before: Vec<u32>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text: String = text.into();
        let mut line_starts = vec![0u32];
        line_starts.extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i as u32 + 1));
        let mut cont_before = Vec::with_capacity(text.len() / BLOCK + 1);
        let mut n = 0u32;
        for block in text.as_bytes().chunks(BLOCK) {
            cont_before.push(n);
            n += continuation_bytes(block);
        }
        cont_before.push(n);
        SourceFile { name: name.into(), text, line_starts, cont_before }
    }

    /// 1-based line and column (column counted in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let offset = offset.min(self.text.len() as u32);
        let line = self.line_index(offset as usize);
        let start = self.line_starts[line] as usize;
        let end = (offset as usize).max(start);
        let col = if self.text.is_char_boundary(end) { self.chars_between(start, end) } else { end - start };
        (line as u32 + 1, col as u32 + 1)
    }

    /// The 0-based index of the line holding byte `offset` (the last line for the end of
    /// the file).
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len()) as u32;
        self.line_starts.partition_point(|&s| s <= offset) - 1
    }

    /// The number of lines (a final line without `\n` counts; an empty file has one).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte range of 0-based line `line`, with its line break.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let start = self.line_starts[line] as usize;
        let end = self.line_starts.get(line + 1).map_or(self.text.len(), |&e| e as usize);
        start..end
    }

    /// The number of characters in `text[a..b]` (both on character boundaries).
    fn chars_between(&self, a: usize, b: usize) -> usize {
        let bytes = self.text.as_bytes();
        let (first_full, last_full) = (a.div_ceil(BLOCK), b / BLOCK);
        let cont = if first_full >= last_full {
            continuation_bytes(&bytes[a..b])
        } else {
            continuation_bytes(&bytes[a..first_full * BLOCK])
                + (self.cont_before[last_full] - self.cont_before[first_full])
                + continuation_bytes(&bytes[last_full * BLOCK..b])
        };
        (b - a) - cont as usize
    }

    /// `file:line:col` of the start of a span, as printed in diagnostics.
    pub fn location(&self, span: Span) -> String {
        let (l, c) = self.line_col(span.lo);
        format!("{}:{}:{}", self.name, l, c)
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// The number of UTF-8 continuation bytes (`0b10xx_xxxx`) in `bytes`.
fn continuation_bytes(bytes: &[u8]) -> u32 {
    bytes.iter().filter(|&&b| (b as i8) < -64).count() as u32
}

#[cfg(test)]
mod tests {
    use super::SourceFile;

    /// Columns count characters, also on lines longer than the index's blocks.
    #[test]
    fn columns_on_long_lines() {
        let mut text = String::from("ab\n");
        for i in 0..5000 {
            text.push(if i % 3 == 0 {
                'é'
            } else if i % 7 == 0 {
                '€'
            } else {
                'x'
            });
        }
        text.push_str("\nlast");
        let f = SourceFile::new("t", text.clone());
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)).step_by(7).chain([text.len()]) {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let line = text[..offset].matches('\n').count() as u32 + 1;
            let col = text[line_start..offset].chars().count() as u32 + 1;
            assert_eq!(f.line_col(offset as u32), (line, col), "offset {offset}");
        }
        assert_eq!(f.line_count(), 3);
        assert_eq!(&text[f.line_range(2)], "last");
        assert_eq!(f.line_index(text.len()), 2);
        assert_eq!(SourceFile::new("e", "").line_col(0), (1, 1));
    }
}
