//! Support for the file-driven tests under `tests/programs/`.
//!
//! Each test is an `.oort` file with a sibling `.expected` file. The first lines of the
//! program may hold directives:
//!
//! - `// cmd: check --emit=lower` — the `oort` command line before the file name
//!   (default `run`);
//! - `// args: a b c` — arguments after the file name.
//!
//! The `.expected` file records the exit status, standard output and standard error of
//! running `oort` that way:
//!
//! ```text
//! exit: 0
//! --- stdout
//! 6765
//! --- stderr
//! ```
//!
//! Run with `OORT_BLESS=1` to (re)write the `.expected` files from the actual results.
//!
//! A program may also state what it must produce in comments, which are checked
//! independently of the `.expected` file (so blessing cannot silently change them):
//!
//! - `// expect-compile-error: L:C what` — one per diagnostic, in order: the run exits
//!   with status 1 and reports errors at exactly these positions;
//! - `// expect-runtime-error: L:C what` — the run exits with status 3 and reports the
//!   error at this position;
//! - `// expect-stdout-before-error: text` — one per line the program prints before its
//!   runtime error.

use std::ffi::OsString;
use std::path::Path;

/// The result of running a test program through the `oort` command line.
pub fn run_case(path: &Path, source: &str) -> String {
    let mut cmd: Vec<String> = vec!["run".into()];
    let mut args: Vec<String> = Vec::new();
    for line in source.lines().take_while(|l| l.starts_with("//")) {
        if let Some(c) = line.strip_prefix("// cmd:") {
            cmd = c.split_whitespace().map(String::from).collect();
        } else if let Some(a) = line.strip_prefix("// args:") {
            args = a.split_whitespace().map(String::from).collect();
        }
    }
    let mut argv: Vec<OsString> = vec!["oort".into()];
    argv.extend(cmd.into_iter().map(OsString::from));
    argv.push(path.as_os_str().to_owned());
    argv.extend(args.into_iter().map(OsString::from));
    let handle = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let mut out = Vec::new();
            let mut err = Vec::new();
            let code = oort_cli::cli::main_with(argv, &mut out, &mut err, false);
            (code, out, err)
        })
        .expect("spawn test thread");
    let (code, out, err) = handle.join().unwrap_or_else(|_| (101, Vec::new(), b"the compiler panicked\n".to_vec()));
    format!("exit: {code}\n--- stdout\n{}--- stderr\n{}", String::from_utf8_lossy(&out), String::from_utf8_lossy(&err))
}

/// Compares `actual` with the expected file beside `path` (or writes it when blessing).
pub fn check_expected(path: &Path, actual: &str) -> Result<(), String> {
    let expected_path = path.with_extension("expected");
    if std::env::var_os("OORT_BLESS").is_some() {
        std::fs::write(&expected_path, actual).map_err(|e| format!("cannot write {}: {e}", expected_path.display()))?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expected_path).map_err(|e| {
        format!("cannot read {}: {e}\n(run with OORT_BLESS=1 to create it)\nactual:\n{actual}", expected_path.display())
    })?;
    if expected == actual {
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(expected.as_str(), actual);
    Err(format!(
        "{} does not match (- expected, + actual; OORT_BLESS=1 re-blesses):\n{}",
        expected_path.display(),
        diff.unified_diff().context_radius(3)
    ))
}

/// Checks the `// expect-…` comments of a program against the actual result of
/// [`run_case`].
pub fn check_annotations(source: &str, actual: &str) -> Result<(), String> {
    let mut compile = Vec::new();
    let mut runtime = Vec::new();
    let mut stdout_lines = Vec::new();
    for line in source.lines() {
        let pos = |rest: &str| rest.split_whitespace().next().unwrap_or("").to_string();
        if let Some(rest) = line.strip_prefix("// expect-compile-error:") {
            compile.push(pos(rest));
        } else if let Some(rest) = line.strip_prefix("// expect-runtime-error:") {
            runtime.push(pos(rest));
        } else if let Some(rest) = line.strip_prefix("// expect-stdout-before-error:") {
            stdout_lines.push(rest.strip_prefix(' ').unwrap_or(rest).to_string());
        }
    }
    let (want_status, want_positions) = match (compile.is_empty(), runtime.is_empty()) {
        (true, true) => return Ok(()),
        (false, true) => ("1", compile),
        (true, false) => ("3", runtime),
        (false, false) => return Err("a program cannot expect both compile and runtime errors".into()),
    };
    let status = actual.lines().next().and_then(|l| l.strip_prefix("exit: ")).unwrap_or("");
    if status != want_status {
        return Err(format!("expected exit status {want_status}, got {status}"));
    }
    let (stdout, stderr) = actual.split_once("--- stderr\n").unwrap_or((actual, ""));
    let positions: Vec<String> = stderr
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .map(|loc| loc.rsplitn(3, ':').take(2).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join(":"))
        .collect();
    if positions != want_positions {
        return Err(format!("expected errors at {want_positions:?}, reported at {positions:?}"));
    }
    if want_status == "3" {
        let printed: Vec<&str> = stdout.lines().skip(2).collect();
        if printed != stdout_lines {
            return Err(format!("expected output before the error {stdout_lines:?}, got {printed:?}"));
        }
    }
    Ok(())
}
