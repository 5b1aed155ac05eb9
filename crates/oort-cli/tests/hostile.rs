//! Hostile input (issue 8): whatever the file, the real `oort` binary ends with a clear
//! error and exit status 1 (or runs the program), never a panic, a crash or a hang, and
//! its report stays small. The inputs are generated at test time into the test's
//! temporary directory.
//!
//! The large valid programs are checked at a size that suits the build: 1 MB in debug
//! builds (the test suite), 16 MB in release builds (`cargo test --release -p oort-cli
//! --test hostile`, run by `.ci/run`); `OORT_HOSTILE_MB=100` asks for another size. How
//! time and memory grow with the size is measured by `benchmarks/run_hostile.sh`, never
//! asserted here.

use std::path::PathBuf;
use std::process::Command;

/// Writes `source` (bytes) to `name` in the temporary directory and runs
/// `oort ARGS… FILE`; returns the exit status, stdout and stderr.
fn oort(name: &str, source: &[u8], args: &[&str]) -> (i32, String, String) {
    let path = temp(name);
    std::fs::write(&path, source).unwrap();
    let r = oort_path(&path, args);
    std::fs::remove_file(&path).unwrap();
    r
}

fn temp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Runs `oort ARGS… PATH` in the temporary directory, naming the file relative to it.
fn oort_path(path: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_oort"))
        .current_dir(path.parent().unwrap())
        .args(args)
        .arg(path.file_name().unwrap())
        .output()
        .expect("the oort binary runs");
    let code = out.status.code().unwrap_or_else(|| panic!("oort was killed: {:?}", out.status));
    (code, String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// `oort check` of `source`: exit status 1, no panic, and a report of at most `max_err`
/// bytes; returns the report.
fn rejected(name: &str, source: &[u8], max_err: usize) -> String {
    let (code, out, err) = oort(name, source, &["check"]);
    assert_eq!(code, 1, "{name}: exit status {code}, stderr starts:\n{}", &err[..err.len().min(2000)]);
    assert_eq!(out, "", "{name}");
    assert!(!err.contains("internal error") && !err.contains("panicked"), "{name}:\n{err}");
    assert!(err.len() <= max_err, "{name}: {} bytes of stderr:\n{}", err.len(), &err[..err.len().min(3000)]);
    err
}

/// The header and location lines of the first diagnostic of a report.
fn first_error(err: &str) -> (String, String) {
    let mut lines = err.lines();
    let header = lines.next().unwrap_or_default().to_string();
    let location = lines.next().unwrap_or_default().trim().to_string();
    (header, location)
}

const N: usize = 100_000;

#[test]
fn nesting_100000_deep_is_one_short_error() {
    let nest = |open: &str, mid: &str, close: &str| format!("{}{mid}{}", open.repeat(N), close.repeat(N));
    let cases: Vec<(&str, String, &str)> = vec![
        ("parens.oort", format!("x := {};\n", nest("(", "1", ")")), "parens.oort:1:1005"),
        ("blocks.oort", format!("{}\n", nest("{", "", "}")), "blocks.oort:1:1001"),
        ("unary.oort", format!("x := {}1;\n", "-".repeat(N)), "unary.oort:1:2006"),
        ("ifs.oort", format!("x := 1;\n{}print x;\n", "if (x < 2) ".repeat(N)), "ifs.oort:2:10994"),
        ("plus.oort", format!("x := 1{};\n", " + 1".repeat(N)), "plus.oort:1:6"),
        ("assign.oort", format!("x := 1;\ny := 0;\n{}x;\n", "y = ".repeat(N)), "assign.oort:3:4003"),
        ("strcat.oort", format!("s := \"a\"{};\n", " + \"a\"".repeat(N)), "strcat.oort:1:6"),
        ("index.oort", format!("a := [1];\nx := a{};\n", "[0]".repeat(N)), "index.oort:2:6"),
        (
            "calls.oort",
            format!("class A {{ b () -> A {{ return this; }} }}\na := new A ();\nc := a{};\n", ".b ()".repeat(N)),
            "calls.oort:3:6",
        ),
        ("ternary.oort", format!("x := 1;\ny := {}0;\n", "x > 0 ? 1 : ".repeat(N)), "ternary.oort:2:12012"),
        (
            "elseif.oort",
            format!(
                "x := 1;\nif (x == 0) {{ }}\n{}",
                (1..N).map(|i| format!("else if (x == {i}) {{ }}\n")).collect::<String>()
            ),
            "elseif.oort:1001:10",
        ),
        ("classbody.oort", format!("class A {{ m () {{ {} }} }}\n", nest("{", "", "}")), "classbody.oort:1:1016"),
        ("lambdas.oort", format!("f := {}0;{};\n", "fn () { g := ".repeat(N), " }".repeat(N)), "lambdas.oort:1:4335"),
        ("arrtype.oort", format!("a: {} = null;\n", nest("array[", "int32", "]")), "arrtype.oort:1:5998"),
        ("fntype.oort", format!("f: {}int32 = null;\n", "fn (int32) -> ".repeat(N)), "fntype.oort:1:13980"),
    ];
    for (name, source, location) in cases {
        let err = rejected(name, source.as_bytes(), 1000);
        assert_eq!(first_error(&err), ("error[E0008]: nesting too deep".to_string(), format!("--> {location}")));
        assert!(err.contains("= the parser accepts at most 1000 levels of nesting"), "{name}:\n{err}");
        assert!(err.ends_with(&format!("error: could not compile `{name}` due to 1 previous error\n")), "{err}");
    }
}

/// Just under the limit is accepted, and runs.
#[test]
fn nesting_within_the_limit_runs() {
    let source = format!("x := {}1{};\nprint x;\n", "(".repeat(990), ")".repeat(990));
    assert_eq!(oort("ok_parens.oort", source.as_bytes(), &["run"]), (0, "1\n".into(), String::new()));
    let chain: String = (1..990).map(|i| format!("else if (x == {i}) {{ print {i}; }}\n")).collect();
    let source = format!("x := 977;\nif (x == 0) {{ }}\n{chain}");
    assert_eq!(oort("ok_elseif.oort", source.as_bytes(), &["run"]), (0, "977\n".into(), String::new()));
}

/// A line of 10 MB with an error at its end is shown as a window around the marker.
#[test]
fn a_long_line_is_cut_around_the_marker() {
    let mut source = "x := 1; ".repeat(1_250_000);
    source.push_str("y := x + ;\n");
    let err = rejected("long_line.oort", source.as_bytes(), 1000);
    let at = source.len() - 2; // the `;` after `+`
    let col = at + 1;
    // The window: 80 bytes before the marker, then the rest of the (short) remainder.
    let shown = format!("...{}", source[at - 80..].trim_end());
    assert_eq!(
        err,
        format!(
            "error[E0005]: expected an expression, found `;`\n  --> long_line.oort:1:{col}\n  |\n1 | {shown}\n  | {}^\n\n\
             error: could not compile `long_line.oort` due to 1 previous error\n",
            " ".repeat(shown.len() - 1)
        )
    );
}

/// A file of garbage: the parser stops after 10,000 errors (E0009, always shown), and the
/// report prints the first 100 and counts the rest.
#[test]
fn errors_are_capped() {
    let source = ") ] 1 2 := + while ; } else class ( ;\n".repeat(50_000);
    let err = rejected("garbage.oort", source.as_bytes(), 20_000);
    assert_eq!(err.matches("\nerror[").count() + 1, 101);
    let (header, location) = first_error(&err);
    assert_eq!(
        (header.as_str(), location.as_str()),
        ("error[E0005]: expected an expression, found `)`", "--> garbage.oort:1:1")
    );
    assert!(
        err.ends_with(
            "error[E0009]: too many errors: the parser stops after 10000\n     --> garbage.oort:2001:1\n     |\n\
             2001 | ) ] 1 2 := + while ; } else class ( ;\n     | ^\n     |\n     = the rest of the file is skipped\n\n\
             note: 9900 more errors not shown (at most 100 diagnostics are printed)\n\n\
             error: could not compile `garbage.oort` due to 10001 previous errors\n"
        ),
        "{err}"
    );
    // Lexical errors count too, and stop the lexer.
    let err = rejected("dollars.oort", "$ ".repeat(5_000_000).as_bytes(), 40_000);
    assert!(err.ends_with("error: could not compile `dollars.oort` due to 10001 previous errors\n"), "{err}");
    assert!(err.contains("error[E0009]: too many errors: the parser stops after 10000\n"), "{err}");
}

#[test]
fn invalid_utf8_names_line_and_column() {
    let err = rejected("utf.oort", b"x := 1;\nprint \"h\xffi\";\n", 200);
    assert_eq!(err, "error: `utf.oort` is not valid UTF-8: invalid byte 0xff at utf.oort:2:9 (byte offset 16)\n");
}

#[test]
fn missing_file_and_directory() {
    let (code, out, err) = oort_path(&temp("not_there.oort"), &["check"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(err, "error: cannot read `not_there.oort`: No such file or directory (os error 2)\n");
    let dir = temp("a_directory.oort");
    std::fs::create_dir_all(&dir).unwrap();
    let (code, _, err) = oort_path(&dir, &["run"]);
    assert_eq!(code, 1);
    assert_eq!(err, "error: cannot read `a_directory.oort`: Is a directory (os error 21)\n");
}

/// Spans are 32-bit: a file over 4 GiB is refused before it is read (a sparse file, so
/// the test writes nothing).
#[test]
fn a_file_over_4_gib_is_refused() {
    let path = temp("huge.oort");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(5 << 30).unwrap();
    drop(f);
    let (code, out, err) = oort_path(&path, &["check"]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        "error: `huge.oort` is too large: 5368709120 bytes (source files can have at most 4294967294 bytes)\n"
    );
}

#[test]
fn a_1000_digit_literal() {
    let digits = "7".repeat(1000);
    let err = rejected("digits.oort", format!("x := {digits};\n").as_bytes(), 1000);
    assert_eq!(first_error(&err), ("error[E0004]: integer literal too large".into(), "--> digits.oort:1:6".into()));
}

/// A 10 MB string literal compiles, runs and prints; so does doubling a string to 16 MB.
#[test]
fn ten_megabyte_strings() {
    let big = "abcdefghij".repeat(1 << 20);
    let source = format!("s := \"{big}\";\nprint s.length;\nprint s;\n");
    let (code, out, err) = oort("string.oort", source.as_bytes(), &["run"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, format!("{}\n{big}\n", big.len()));
    let source = "s := \"0123456789abcdef\";\nfor (i := 0; i < 20; i++) { s = s + s; }\nprint s.length;\nprint s.substring (s.length - 3, s.length);\n";
    assert_eq!(oort("concat.oort", source.as_bytes(), &["run"]), (0, "16777216\ndef\n".into(), String::new()));
}

/// Megabytes of the given size for the big valid programs (see the module docs).
fn big_size() -> usize {
    let mb = std::env::var("OORT_HOSTILE_MB").ok().and_then(|s| s.parse().ok());
    mb.unwrap_or(if cfg!(debug_assertions) { 1 } else { 16 }) << 20
}

/// A big top-level script, one huge function body, and one line of it: checked cleanly,
/// and the script runs.
#[test]
fn big_valid_programs() {
    let size = big_size();
    let n = size / "x = x + 1;\n".len();
    let script = format!("x := 0;\n{}print x;\n", "x = x + 1;\n".repeat(n));
    assert_eq!(oort("script.oort", script.as_bytes(), &["check"]), (0, String::new(), String::new()));
    assert_eq!(oort("script_run.oort", script.as_bytes(), &["run"]), (0, format!("{n}\n"), String::new()));
    drop(script);
    let oneline = format!("x := 0; {}print x;\n", "x = x + 1; ".repeat(n));
    assert_eq!(oort("oneline.oort", oneline.as_bytes(), &["run"]), (0, format!("{n}\n"), String::new()));
    drop(oneline);
    let body =
        format!("f () -> int32 {{\n    x := 0;\n{}    return x;\n}}\nprint f ();\n", "    x = x + 1;\n".repeat(n / 2));
    assert_eq!(oort("body.oort", body.as_bytes(), &["run"]), (0, format!("{}\n", n / 2), String::new()));
    drop(body);
    let comments = format!("{}print 1;\n", "// a comment line of some length, repeated many times\n".repeat(size / 55));
    assert_eq!(oort("comments.oort", comments.as_bytes(), &["run"]), (0, "1\n".into(), String::new()));
}

/// More variables than registers in one function is E0401, a clear error.
#[test]
fn too_many_variables() {
    let mut source = String::from("v0 := 0;\n");
    for i in 0..70_000 {
        source.push_str(&format!("v{} := v{i} + 1;\nif (v{} > 5) {{ print v{}; }}\n", i + 1, i + 1, i + 1));
    }
    let err = rejected("vars.oort", source.as_bytes(), 1000);
    assert_eq!(
        first_error(&err),
        (
            "error[E0401]: the program is too large for the bytecode format: main: more than 65535 registers".into(),
            "--> vars.oort:1:1".into()
        )
    );
}

/// The nesting limit keeps every pass within an ordinary 8 MiB stack, also in a debug
/// build and through the library (the binary gives the compiler a 512 MiB thread): the
/// deepest nesting accepted, compiled and run on a thread with the main thread's usual
/// stack.
#[test]
fn the_deepest_accepted_nesting_fits_an_8_mib_stack() {
    let chain: String = (1..990).map(|i| format!("else if (x == {i}) {{ print {i}; }}\n")).collect();
    let sources = [
        format!("x := {}1{};\nprint x;\n", "(".repeat(990), ")".repeat(990)),
        format!("x := 1{};\nprint x;\n", " + 1".repeat(990)),
        format!("x := 988;\nif (x == 0) {{ }}\n{chain}"),
        format!("{}print 1;{}\n", "{ ".repeat(990), " }".repeat(990)),
        format!("x := 1;\ny := {}0;\nprint y;\n", "x > 0 ? 1 : ".repeat(990)),
    ];
    let expected = ["1\n".to_string(), "991\n".into(), "988\n".into(), "1\n".into(), "1\n".into()];
    for (source, expected) in sources.into_iter().zip(expected) {
        let out = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || {
                let reg = oort_cli::registry();
                let pipeline = oort_cli::default_pipeline(&reg);
                let compiled = oort_cli::compile(oort_cli::SourceFile::new("deep.oort", source), &pipeline, None);
                assert!(compiled.diagnostics().is_empty(), "{}", compiled.render_diagnostics(false));
                let mut out = Vec::new();
                compiled.run(Vec::new(), Default::default(), &mut out).unwrap();
                String::from_utf8(out).unwrap()
            })
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert_eq!(out, expected);
    }
}

/// A runtime error on a long line shows the same window around its marker.
#[test]
fn a_runtime_error_on_a_long_line() {
    let source = format!("x := 1; {}print 7 / (x - 1);\n", "x = 1; ".repeat(20_000));
    let (code, out, err) = oort("long_runtime.oort", source.as_bytes(), &["run"]);
    assert_eq!((code, out.as_str()), (3, ""));
    let at = source.find("7 / (x").unwrap(); // a division fails at its left operand
    let shown = format!("...{}", source[at - 80..].trim_end());
    assert_eq!(
        err,
        format!(
            "runtime error: division by zero\n  --> long_runtime.oort:1:{}\n  |\n1 | {shown}\n  | {}^\n",
            at + 1,
            " ".repeat(83)
        )
    );
}
