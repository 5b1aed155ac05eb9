//! Tokens produced by the lexer.

use crate::span::Span;

#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    /// An identifier: its name is the token's text (`SourceFile::slice` of its span), so
    /// a token holds no allocation of its own and the token list of a 100 MB file stays
    /// small.
    Ident,
    /// An integer literal that fits in `u64`.
    Int(u64),
    Double(f64),
    /// A string literal's decoded bytes, behind a thin pointer: string literals are rare,
    /// and the 8-byte payload keeps every token at 24 bytes.
    Str(Box<Vec<u8>>),
    // Keywords.
    As,
    Break,
    Case,
    Class,
    Continue,
    Default,
    Do,
    Else,
    False,
    Fn,
    For,
    Goto,
    If,
    Is,
    New,
    Null,
    Print,
    Return,
    Super,
    Switch,
    This,
    True,
    Type,
    While,
    // Punctuation.
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    Semi,
    Colon,
    ColonEq,
    Dot,
    At,
    Question,
    Arrow,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Amp,
    Pipe,
    Caret,
    Tilde,
    Bang,
    Shl,
    Shr,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    AndAnd,
    OrOr,
    PlusPlus,
    MinusMinus,
    Eq,
    PlusEq,
    MinusEq,
    StarEq,
    SlashEq,
    PercentEq,
    AmpEq,
    PipeEq,
    CaretEq,
    ShlEq,
    ShrEq,
    Eof,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

impl TokenKind {
    /// The keyword spelled `s`, if `s` is one.
    pub fn keyword(s: &str) -> Option<TokenKind> {
        use TokenKind::*;
        Some(match s {
            "as" => As,
            "break" => Break,
            "case" => Case,
            "class" => Class,
            "continue" => Continue,
            "default" => Default,
            "do" => Do,
            "else" => Else,
            "false" => False,
            "fn" => Fn,
            "for" => For,
            "goto" => Goto,
            "if" => If,
            "is" => Is,
            "new" => New,
            "null" => Null,
            "print" => Print,
            "return" => Return,
            "super" => Super,
            "switch" => Switch,
            "this" => This,
            "true" => True,
            "type" => Type,
            "while" => While,
            _ => return None,
        })
    }

    /// The fixed spelling of a keyword or punctuation token; `None` for identifiers,
    /// literals and `Eof`.
    pub fn text(&self) -> Option<&'static str> {
        use TokenKind::*;
        Some(match self {
            Ident | Int(_) | Double(_) | Str(_) | Eof => return None,
            As => "as",
            Break => "break",
            Case => "case",
            Class => "class",
            Continue => "continue",
            Default => "default",
            Do => "do",
            Else => "else",
            False => "false",
            Fn => "fn",
            For => "for",
            Goto => "goto",
            If => "if",
            Is => "is",
            New => "new",
            Null => "null",
            Print => "print",
            Return => "return",
            Super => "super",
            Switch => "switch",
            This => "this",
            True => "true",
            Type => "type",
            While => "while",
            LParen => "(",
            RParen => ")",
            LBrace => "{",
            RBrace => "}",
            LBracket => "[",
            RBracket => "]",
            Comma => ",",
            Semi => ";",
            Colon => ":",
            ColonEq => ":=",
            Dot => ".",
            At => "@",
            Question => "?",
            Arrow => "->",
            Plus => "+",
            Minus => "-",
            Star => "*",
            Slash => "/",
            Percent => "%",
            Amp => "&",
            Pipe => "|",
            Caret => "^",
            Tilde => "~",
            Bang => "!",
            Shl => "<<",
            Shr => ">>",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            EqEq => "==",
            Ne => "!=",
            AndAnd => "&&",
            OrOr => "||",
            PlusPlus => "++",
            MinusMinus => "--",
            Eq => "=",
            PlusEq => "+=",
            MinusEq => "-=",
            StarEq => "*=",
            SlashEq => "/=",
            PercentEq => "%=",
            AmpEq => "&=",
            PipeEq => "|=",
            CaretEq => "^=",
            ShlEq => "<<=",
            ShrEq => ">>=",
        })
    }

    /// Whether this is one of the keywords of LANGUAGE.md §1.
    pub fn is_keyword(&self) -> bool {
        use TokenKind::*;
        matches!(
            self,
            As | Break
                | Case
                | Class
                | Continue
                | Default
                | Do
                | Else
                | False
                | Fn
                | For
                | Goto
                | If
                | Is
                | New
                | Null
                | Print
                | Return
                | Super
                | Switch
                | This
                | True
                | Type
                | While
        )
    }
}
