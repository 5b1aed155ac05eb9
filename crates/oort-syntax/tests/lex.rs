//! Lexer tests: the token dump of `--emit=tokens` and lexical errors.

use oort_syntax::{SourceFile, lex, print};

mod common;

fn tokens(src: &str) -> String {
    let file = SourceFile::new("t.oort", src);
    let (toks, diags) = lex(&file);
    let out = print::tokens_to_string(&file, &toks);
    common::with_errors(&file, out, diags)
}

#[track_caller]
fn check(src: &str, expected: &str) {
    common::assert_dump(&tokens(src), expected);
}

#[test]
fn program() {
    check(
        "fib (n: int32) -> int32 { // comment\n  /* block\n */ if (n < 2) return n;\n}\n",
        r#"
1:1 ident fib
1:5 punct (
1:6 ident n
1:7 punct :
1:9 ident int32
1:14 punct )
1:16 punct ->
1:19 ident int32
1:25 punct {
3:5 keyword if
3:8 punct (
3:9 ident n
3:11 punct <
3:13 int 2
3:14 punct )
3:16 keyword return
3:23 ident n
3:24 punct ;
4:1 punct }
5:1 eof
"#,
    );
}

#[test]
fn operators() {
    let ops = "+ ++ += - -- -= -> * *= / /= % %= & && &= | || |= ^ ^= ~ ! != < << <<= <= > >> >>= >= = == : := . @ ? , ; ( ) { } [ ]";
    let file = SourceFile::new("t.oort", ops);
    let (toks, diags) = lex(&file);
    assert!(diags.is_empty());
    let texts: Vec<&str> = toks.iter().filter_map(|t| t.kind.text()).collect();
    assert_eq!(texts.join(" "), ops);
}

#[test]
fn keywords() {
    let kws = "as break case class continue default do else false fn for goto if is new null print return super switch this true type while";
    let file = SourceFile::new("t.oort", kws);
    let (toks, _) = lex(&file);
    assert!(toks[..toks.len() - 1].iter().all(|t| t.kind.is_keyword()));
    assert_eq!(toks.len(), kws.split(' ').count() + 1);
}

#[test]
fn literals() {
    check(
        r#"0 123 1_000_000 0x7f 0XFF_FF 18446744073709551615 007 1.5 1e9 2.5e-3 1E+2 1_0.2_5 1. "a\n\t\r\\\"\0\x41\xff" "é""#,
        r#"
1:1 int 0
1:3 int 123
1:7 int 1000000
1:17 int 127
1:22 int 65535
1:30 int 18446744073709551615
1:51 int 7
1:55 double 1.5
1:59 double 1000000000.0
1:63 double 0.0025
1:70 double 100.0
1:75 double 10.25
1:83 int 1
1:84 punct .
1:86 string "a\n\t\r\\\"\0A\xff"
1:110 string "\xc3\xa9"
1:113 eof
"#,
    );
}

#[test]
fn errors() {
    check(
        "18446744073709551616 0x 1e 1e+ 12ab 1e999 \"\\q\\x4\" $$ # \"open\n/* open",
        r#"
1:1 int 0
1:22 int 0
1:25 double 0.0
1:28 double 0.0
1:32 int 0
1:37 double 0.0
1:43 string "4"
1:56 string "open"
2:8 eof
error 1:1: integer literal too large
error 1:22: hexadecimal literal has no digits
error 1:25: expected digits in the exponent of a double literal
error 1:28: expected digits in the exponent of a double literal
error 1:32: invalid suffix `ab` on numeric literal
error 1:37: double literal out of range
error 1:44: unknown escape sequence `\q`
error 1:46: invalid escape `\x`: expected two hexadecimal digits
error 1:51: unexpected characters starting with `$`
error 1:54: unexpected character `#`
error 1:56: unterminated string literal
error 2:1: unterminated block comment
"#,
    );
}

#[test]
fn thousand_digit_integer_and_unterminated_inputs() {
    let src = format!("{}\n", "7".repeat(1000));
    assert!(tokens(&src).ends_with("error 1:1: integer literal too large\n"));
    assert!(tokens("\"abc").ends_with("error 1:1: unterminated string literal\n"));
    assert!(tokens("\"abc\\").ends_with("error 1:1: unterminated string literal\n"));
    assert!(tokens("/*").ends_with("error 1:1: unterminated block comment\n"));
    assert_eq!(tokens(""), "1:1 eof\n");
}
