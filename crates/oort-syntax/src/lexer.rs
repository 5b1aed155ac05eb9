//! The lexer: source text to tokens (LANGUAGE.md §1).
//!
//! Architecture invariant: lexing never fails and never panics. Every malformed piece of
//! input becomes a diagnostic and the lexer continues after it; the token list always
//! ends with [`TokenKind::Eof`]. The lexer runs in time linear in the input length.
//!
//! Decisions where LANGUAGE.md is silent:
//! - `_` separators may appear anywhere after the first digit (`1_000`, `0x_ff`, `1_`).
//! - Leading zeros are allowed and mean decimal (`007` is 7; there are no octal literals).
//! - A double needs digits on both sides of the `.`: `1.5` is a double, `1.` and `.5` are
//!   not literals (`1.` lexes as `1` `.`). An exponent needs digits (`1e9`, `2.5e-3`,
//!   `1E+3`); a double literal whose value overflows to infinity is an error.
//! - A letter or digit directly after a number (`12ab`, `0xfg`) is an error ("invalid
//!   suffix"); the whole word is consumed as part of the bad literal.
//! - An integer literal larger than `u64::MAX` is the error "integer literal too large"
//!   and lexes as `Int(0)`.
//! - A string literal may not contain a raw line break; `\xHH` needs exactly two hex
//!   digits. A string that is not closed on its line is reported once and ends there.
//! - A run of consecutive unknown characters is reported as one error.

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::span::{SourceFile, Span};
use crate::token::{Token, TokenKind};

/// Splits `file` into tokens. Always ends with an `Eof` token whose span is the empty span
/// at the end of the text.
pub fn lex(file: &SourceFile) -> (Vec<Token>, Vec<Diagnostic>) {
    let mut lx = Lexer { src: file.text.as_bytes(), text: &file.text, pos: 0, tokens: Vec::new(), diags: Vec::new() };
    lx.run();
    let end = lx.src.len();
    lx.tokens.push(Token { kind: TokenKind::Eof, span: Span::new(end, end) });
    (lx.tokens, lx.diags)
}

struct Lexer<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    tokens: Vec<Token>,
    diags: Vec<Diagnostic>,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Bytes that may begin some token, comment or whitespace; anything else is unknown.
fn is_known_start(b: u8) -> bool {
    is_ident_continue(b) || b" \t\r\n\x0c\"(){}[],;:.@?+-*/%&|^~!<>=".contains(&b)
}

impl<'a> Lexer<'a> {
    fn peek(&self, ahead: usize) -> u8 {
        self.src.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn push(&mut self, kind: TokenKind, lo: usize) {
        self.tokens.push(Token { kind, span: Span::new(lo, self.pos) });
    }

    fn error(&mut self, code: Code, lo: usize, hi: usize, msg: impl Into<String>) {
        self.diags.push(Diagnostic::new(code, Span::new(lo, hi), msg));
    }

    /// The character starting at byte `at` (which is on a char boundary).
    fn char_at(&self, at: usize) -> char {
        self.text.get(at..).and_then(|s| s.chars().next()).unwrap_or('\u{fffd}')
    }

    fn run(&mut self) {
        // Past `MAX_ERRORS` the parser stops anyway (E0009): lexing further is wasted.
        while self.pos < self.src.len() && self.diags.len() < crate::parser::MAX_ERRORS {
            let b = self.src[self.pos];
            let lo = self.pos;
            match b {
                b' ' | b'\t' | b'\r' | b'\n' | 0x0c => self.pos += 1,
                b'/' if self.peek(1) == b'/' => {
                    while self.pos < self.src.len() && self.src[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                b'/' if self.peek(1) == b'*' => self.block_comment(),
                _ if is_ident_start(b) => {
                    while self.pos < self.src.len() && is_ident_continue(self.src[self.pos]) {
                        self.pos += 1;
                    }
                    let word = &self.text[lo..self.pos];
                    let kind = TokenKind::keyword(word).unwrap_or(TokenKind::Ident);
                    self.push(kind, lo);
                }
                b'0'..=b'9' => self.number(),
                b'"' => self.string(),
                _ => {
                    if let Some((kind, len)) = self.punct() {
                        self.pos += len;
                        self.push(kind, lo);
                    } else {
                        self.unknown();
                    }
                }
            }
        }
    }

    fn block_comment(&mut self) {
        let lo = self.pos;
        self.pos += 2;
        while self.pos < self.src.len() {
            if self.src[self.pos] == b'*' && self.peek(1) == b'/' {
                self.pos += 2;
                return;
            }
            self.pos += 1;
        }
        self.error(Code::Unterminated, lo, lo + 2, "unterminated block comment");
    }

    fn unknown(&mut self) {
        let lo = self.pos;
        let first = self.char_at(lo);
        while self.pos < self.src.len() && !is_known_start(self.src[self.pos]) {
            self.pos += self.char_at(self.pos).len_utf8().max(1);
        }
        self.pos = self.pos.min(self.src.len());
        let msg = if self.pos - lo > first.len_utf8() {
            format!("unexpected characters starting with `{}`", first.escape_debug())
        } else {
            format!("unexpected character `{}`", first.escape_debug())
        };
        self.error(Code::UnexpectedCharacter, lo, self.pos, msg);
    }

    /// The longest operator or punctuation at the current position, and its length.
    fn punct(&self) -> Option<(TokenKind, usize)> {
        use TokenKind::*;
        let (b1, b2) = (self.peek(1), self.peek(2));
        Some(match self.src[self.pos] {
            b'(' => (LParen, 1),
            b')' => (RParen, 1),
            b'{' => (LBrace, 1),
            b'}' => (RBrace, 1),
            b'[' => (LBracket, 1),
            b']' => (RBracket, 1),
            b',' => (Comma, 1),
            b';' => (Semi, 1),
            b'.' => (Dot, 1),
            b'@' => (At, 1),
            b'?' => (Question, 1),
            b'~' => (Tilde, 1),
            b':' if b1 == b'=' => (ColonEq, 2),
            b':' => (Colon, 1),
            b'+' if b1 == b'+' => (PlusPlus, 2),
            b'+' if b1 == b'=' => (PlusEq, 2),
            b'+' => (Plus, 1),
            b'-' if b1 == b'-' => (MinusMinus, 2),
            b'-' if b1 == b'=' => (MinusEq, 2),
            b'-' if b1 == b'>' => (Arrow, 2),
            b'-' => (Minus, 1),
            b'*' if b1 == b'=' => (StarEq, 2),
            b'*' => (Star, 1),
            b'/' if b1 == b'=' => (SlashEq, 2),
            b'/' => (Slash, 1),
            b'%' if b1 == b'=' => (PercentEq, 2),
            b'%' => (Percent, 1),
            b'&' if b1 == b'&' => (AndAnd, 2),
            b'&' if b1 == b'=' => (AmpEq, 2),
            b'&' => (Amp, 1),
            b'|' if b1 == b'|' => (OrOr, 2),
            b'|' if b1 == b'=' => (PipeEq, 2),
            b'|' => (Pipe, 1),
            b'^' if b1 == b'=' => (CaretEq, 2),
            b'^' => (Caret, 1),
            b'!' if b1 == b'=' => (Ne, 2),
            b'!' => (Bang, 1),
            b'<' if b1 == b'<' && b2 == b'=' => (ShlEq, 3),
            b'<' if b1 == b'<' => (Shl, 2),
            b'<' if b1 == b'=' => (Le, 2),
            b'<' => (Lt, 1),
            b'>' if b1 == b'>' && b2 == b'=' => (ShrEq, 3),
            b'>' if b1 == b'>' => (Shr, 2),
            b'>' if b1 == b'=' => (Ge, 2),
            b'>' => (Gt, 1),
            b'=' if b1 == b'=' => (EqEq, 2),
            b'=' => (Eq, 1),
            _ => return None,
        })
    }

    fn eat_digits(&mut self, radix: u32) {
        while self.pos < self.src.len() && (self.src[self.pos] == b'_' || (self.src[self.pos] as char).is_digit(radix))
        {
            self.pos += 1;
        }
    }

    fn number(&mut self) {
        let lo = self.pos;
        let hex = self.src[lo] == b'0' && matches!(self.peek(1), b'x' | b'X');
        let mut is_double = false;
        let digits_lo;
        if hex {
            self.pos += 2;
            digits_lo = self.pos;
            self.eat_digits(16);
        } else {
            digits_lo = lo;
            self.eat_digits(10);
            if self.peek(0) == b'.' && self.peek(1).is_ascii_digit() {
                is_double = true;
                self.pos += 1;
                self.eat_digits(10);
            }
            if matches!(self.peek(0), b'e' | b'E') {
                let sign = usize::from(matches!(self.peek(1), b'+' | b'-'));
                if self.peek(1 + sign).is_ascii_digit() {
                    is_double = true;
                    self.pos += 1 + sign;
                    self.eat_digits(10);
                } else if sign == 1 || !is_ident_continue(self.peek(1)) {
                    // `1e`, `1e+`: an exponent without digits.
                    self.pos += 1 + sign;
                    self.error(
                        Code::MalformedLiteral,
                        lo,
                        self.pos,
                        "expected digits in the exponent of a double literal",
                    );
                    self.push(TokenKind::Double(0.0), lo);
                    return;
                }
            }
        }
        let digits_hi = self.pos;
        if self.pos < self.src.len() && is_ident_continue(self.src[self.pos]) {
            let suffix_lo = self.pos;
            while self.pos < self.src.len() && is_ident_continue(self.src[self.pos]) {
                self.pos += 1;
            }
            let msg = format!("invalid suffix `{}` on numeric literal", &self.text[suffix_lo..self.pos]);
            self.error(Code::MalformedLiteral, lo, self.pos, msg);
            self.push(if is_double { TokenKind::Double(0.0) } else { TokenKind::Int(0) }, lo);
            return;
        }
        let digits = &self.src[digits_lo..digits_hi];
        if is_double {
            let clean: String = digits.iter().filter(|&&b| b != b'_').map(|&b| b as char).collect();
            let value = clean.parse::<f64>().unwrap_or(f64::INFINITY);
            if value.is_infinite() {
                self.error(Code::LiteralOutOfRange, lo, self.pos, "double literal out of range");
                self.push(TokenKind::Double(0.0), lo);
            } else {
                self.push(TokenKind::Double(value), lo);
            }
            return;
        }
        let radix: u64 = if hex { 16 } else { 10 };
        let mut value: Option<u64> = Some(0);
        let mut any = false;
        for &b in digits {
            if b == b'_' {
                continue;
            }
            any = true;
            let d = (b as char).to_digit(radix as u32).unwrap_or(0) as u64;
            value = value.and_then(|v| v.checked_mul(radix)).and_then(|v| v.checked_add(d));
        }
        if !any {
            self.error(Code::MalformedLiteral, lo, self.pos, "hexadecimal literal has no digits");
            self.push(TokenKind::Int(0), lo);
        } else if let Some(v) = value {
            self.push(TokenKind::Int(v), lo);
        } else {
            self.error(Code::LiteralOutOfRange, lo, self.pos, "integer literal too large");
            self.push(TokenKind::Int(0), lo);
        }
    }

    fn string(&mut self) {
        let lo = self.pos;
        self.pos += 1;
        let mut bytes = Vec::new();
        loop {
            if self.pos >= self.src.len() {
                self.error(Code::Unterminated, lo, self.pos, "unterminated string literal");
                break;
            }
            match self.src[self.pos] {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\n' => {
                    let hi = if self.pos > lo && self.src[self.pos - 1] == b'\r' { self.pos - 1 } else { self.pos };
                    self.diags.push(
                        Diagnostic::new(Code::Unterminated, Span::new(lo, hi), "unterminated string literal")
                            .with_note("a string literal must end on the line it starts; write `\\n` for a line break"),
                    );
                    break;
                }
                b'\\' => self.escape(&mut bytes),
                b => {
                    bytes.push(b);
                    self.pos += 1;
                }
            }
        }
        self.push(TokenKind::Str(Box::new(bytes)), lo);
    }

    /// Decodes one escape sequence at `self.pos` (a backslash).
    fn escape(&mut self, bytes: &mut Vec<u8>) {
        let lo = self.pos;
        let c = self.peek(1);
        let simple = match c {
            b'n' => Some(b'\n'),
            b't' => Some(b'\t'),
            b'r' => Some(b'\r'),
            b'\\' => Some(b'\\'),
            b'"' => Some(b'"'),
            b'0' => Some(0),
            _ => None,
        };
        if let Some(b) = simple {
            bytes.push(b);
            self.pos += 2;
            return;
        }
        match c {
            b'x' => {
                let (h, l) = (self.peek(2), self.peek(3));
                if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() {
                    let v = (h as char).to_digit(16).unwrap_or(0) * 16 + (l as char).to_digit(16).unwrap_or(0);
                    bytes.push(v as u8);
                    self.pos += 4;
                } else {
                    self.pos += 2;
                    self.error(
                        Code::MalformedLiteral,
                        lo,
                        self.pos,
                        "invalid escape `\\x`: expected two hexadecimal digits",
                    );
                }
            }
            // End of input or of the line: leave it to the string loop to report.
            0 if self.pos + 1 >= self.src.len() => self.pos += 1,
            b'\n' | b'\r' => self.pos += 1,
            _ => {
                let ch = self.char_at(self.pos + 1);
                self.pos += 1 + ch.len_utf8();
                let msg = format!("unknown escape sequence `\\{}`", ch.escape_debug());
                self.error(Code::MalformedLiteral, lo, self.pos, msg);
            }
        }
    }
}
