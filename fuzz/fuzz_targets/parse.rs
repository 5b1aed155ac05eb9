//! The lexer and the parser, with the `--emit=tokens` and `--emit=ast` dumps and the
//! rendered diagnostics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oort_syntax::print;

fuzz_target!(|data: &[u8]| {
    let Some(file) = oort_fuzz::source(data) else { return };
    let (tokens, _) = oort_syntax::lex(&file);
    let _ = print::tokens_to_string(&file, &tokens);
    let (ast, diags) = oort_syntax::parse(&file);
    let _ = print::ast_to_string(&ast, &file, &|_| None);
    oort_fuzz::check_spans(&file, &diags);
    let _ = oort_cli::render::diagnostics(&file, &diags, false);
});
