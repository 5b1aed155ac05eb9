//! Support for the file-driven tests under `tests/programs/`.
//!
//! Each test is an `.oort` file with a sibling `.expected` file. The first lines of the
//! program may hold directives:
//!
//! - `// cmd: check --emit=lower` — the `oort` command line before the file name
//!   (default `run`);
//! - `// args: a b c` — arguments after the file name;
//! - `// no-file` — no file name at all (for commands such as `explain` that take none;
//!   the program is then only a description of the test).
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
//! - `// expect-compile-error: L:C what` — one per error, in order: the run exits with
//!   status 1 and reports errors at exactly these positions;
//! - `// expect-warning: L:C what` — one per warning, in order: warnings are reported at
//!   exactly these positions (with only warnings expected, the run exits with status 0);
//! - after the position, a code (`// expect-compile-error: 5:9 E0301 what`) is checked
//!   against the diagnostic's header (`error[E0301]: …`) too;
//! - `// expect-runtime-error: L:C what` — the run exits with status 3 and reports the
//!   error at this position;
//! - `// expect-stdout-before-error: text` — one per line the program prints before its
//!   runtime error.

use std::ffi::OsString;
use std::path::Path;

/// The directives at the top of a test program (see the module docs).
struct Directives {
    cmd: Vec<String>,
    args: Vec<String>,
    with_file: bool,
}

impl Directives {
    fn parse(source: &str) -> Directives {
        let mut d = Directives { cmd: vec!["run".into()], args: Vec::new(), with_file: true };
        for line in source.lines().take_while(|l| l.starts_with("//")) {
            if let Some(c) = line.strip_prefix("// cmd:") {
                d.cmd = c.split_whitespace().map(String::from).collect();
            } else if let Some(a) = line.strip_prefix("// args:") {
                d.args = a.split_whitespace().map(String::from).collect();
            } else if line.trim_end() == "// no-file" {
                d.with_file = false;
            }
        }
        d
    }
}

/// The result of running a test program through the `oort` command line.
pub fn run_case(path: &Path, source: &str) -> String {
    let Directives { cmd, args, with_file } = Directives::parse(source);
    let mut argv: Vec<OsString> = vec!["oort".into()];
    argv.extend(cmd.into_iter().map(OsString::from));
    if with_file {
        argv.push(path.as_os_str().to_owned());
    }
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

/// One `// expect-…: L:C [CODE] text` annotation: the position, and the code when the
/// token after the position looks like one (`E0301`, `W0002`).
#[derive(Debug)]
struct Expect {
    pos: String,
    code: Option<String>,
}

fn is_code(t: &str) -> bool {
    t.len() == 5 && (t.starts_with('E') || t.starts_with('W')) && t[1..].bytes().all(|b| b.is_ascii_digit())
}

impl Expect {
    fn parse(rest: &str) -> Expect {
        let mut words = rest.split_whitespace();
        let pos = words.next().unwrap_or("").to_string();
        let code = words.next().filter(|t| is_code(t)).map(String::from);
        Expect { pos, code }
    }
}

/// What kind of report a `-->` location in stderr belongs to: the header above it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Error,
    Warning,
    Runtime,
}

/// The `-->` locations of stderr (as `L:C`) by the kind of their header, each with the
/// code of its header (`error[E0201]: …`).
fn reported(stderr: &str) -> Result<Vec<(Kind, String, Option<String>)>, String> {
    let mut out = Vec::new();
    let mut header: Option<(Kind, Option<String>)> = None;
    for line in stderr.lines() {
        let code_of = |rest: &str| rest.strip_prefix('[').and_then(|r| r.split_once(']')).map(|(c, _)| c.to_string());
        if line.starts_with("runtime error") {
            header = Some((Kind::Runtime, None));
        } else if let Some(rest) = line.strip_prefix("error") {
            header = Some((Kind::Error, code_of(rest)));
        } else if let Some(rest) = line.strip_prefix("warning") {
            header = Some((Kind::Warning, code_of(rest)));
        } else if let Some(loc) = line.trim_start().strip_prefix("--> ") {
            let Some((kind, code)) = &header else {
                return Err(format!("location `{loc}` in stderr under no `error`/`warning` header"));
            };
            let pos = loc.rsplitn(3, ':').take(2).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join(":");
            out.push((*kind, pos, code.clone()));
        }
    }
    Ok(out)
}

/// Checks the `// expect-…` comments of a program against the actual result of
/// [`run_case`]: the exit status (1 with compile errors, 3 with a runtime error, else 0),
/// the position (and, when given, the code) of every error and warning, in order, and the
/// output before a runtime error. A program without such comments is not checked.
pub fn check_annotations(source: &str, actual: &str) -> Result<(), String> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut runtime = Vec::new();
    let mut stdout_lines = Vec::new();
    for line in source.lines() {
        if let Some(rest) = line.strip_prefix("// expect-compile-error:") {
            errors.push(Expect::parse(rest));
        } else if let Some(rest) = line.strip_prefix("// expect-warning:") {
            warnings.push(Expect::parse(rest));
        } else if let Some(rest) = line.strip_prefix("// expect-runtime-error:") {
            runtime.push(Expect { code: None, ..Expect::parse(rest) });
        } else if let Some(rest) = line.strip_prefix("// expect-stdout-before-error:") {
            stdout_lines.push(rest.strip_prefix(' ').unwrap_or(rest).to_string());
        }
    }
    let want_status = match (errors.is_empty(), runtime.is_empty()) {
        (true, true) if warnings.is_empty() => return Ok(()),
        (true, true) => "0",
        (false, true) => "1",
        (true, false) => "3",
        (false, false) => return Err("a program cannot expect both compile and runtime errors".into()),
    };
    let status = actual.lines().next().and_then(|l| l.strip_prefix("exit: ")).unwrap_or("");
    if status != want_status {
        return Err(format!("expected exit status {want_status}, got {status}"));
    }
    let (stdout, stderr) = actual.split_once("--- stderr\n").unwrap_or((actual, ""));
    let reported = reported(stderr)?;
    for (kind, want, what) in [
        (Kind::Error, &errors, "errors"),
        (Kind::Warning, &warnings, "warnings"),
        (Kind::Runtime, &runtime, "runtime errors"),
    ] {
        let got: Vec<(&String, &Option<String>)> =
            reported.iter().filter(|(k, ..)| *k == kind).map(|(_, pos, code)| (pos, code)).collect();
        let want_pos: Vec<&String> = want.iter().map(|e| &e.pos).collect();
        let got_pos: Vec<&String> = got.iter().map(|(pos, _)| *pos).collect();
        if want_pos != got_pos {
            return Err(format!("expected {what} at {want_pos:?}, reported at {got_pos:?}"));
        }
        for (e, (pos, code)) in want.iter().zip(&got) {
            if let Some(c) = &e.code
                && code.as_ref() != Some(c)
            {
                let shown = code.as_deref().unwrap_or("no code");
                return Err(format!("expected {c} at {pos}, reported {shown}"));
            }
        }
    }
    if want_status == "3" {
        let printed: Vec<&str> = stdout.lines().skip(2).collect();
        if printed != stdout_lines {
            return Err(format!("expected output before the error {stdout_lines:?}, got {printed:?}"));
        }
    }
    Ok(())
}

/// The outcome of compiling (with the IR verifier after every pass) and running a test
/// program through the library with the given optimizations, as text: diagnostics, what
/// it printed, and how it ended. `None` for programs that are not plain `run` tests
/// (other commands, `--emit`, command-line flags): those test the command line.
pub fn run_optimized(path: &Path, source: &str, opt: &oort_cli::Optimizations) -> Option<String> {
    let Directives { cmd, args, with_file } = Directives::parse(source);
    if cmd != ["run"] || !with_file {
        return None;
    }
    let file = oort_cli::SourceFile::new(path.display().to_string(), source);
    let opt = opt.clone();
    let handle = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let reg = oort_cli::registry();
            let pipeline = oort_cli::pipeline(&reg, &opt).expect("known passes");
            let options = oort_cli::RunOptions { stop_after: None, verify: true, free_front_end: false };
            let compiled = oort_cli::compile_with(file, &pipeline, options);
            let mut text = compiled.render_diagnostics(false);
            if let Err(oort_cli::Stop::Verifier { after, errors }) = &compiled.result {
                return format!("IR verifier failed after `{after}`: {errors:?}");
            }
            if compiled.has_errors() {
                return text + "(compile errors)\n";
            }
            let mut out = Vec::new();
            let end = match compiled.run(args, Default::default(), &mut out) {
                Ok(()) => "(ok)".to_string(),
                Err(e) => format!("({e})"),
            };
            text.push_str(&String::from_utf8_lossy(&out));
            text + &end
        })
        .expect("spawn test thread");
    Some(handle.join().unwrap_or_else(|_| "the compiler panicked".into()))
}

#[cfg(test)]
mod tests {
    use super::check_annotations;

    const TWO: &str = "exit: 1\n--- stdout\n--- stderr\n\
        warning[W0002]: unused variable `x`\n  --> f.oort:3:1\n  |\n\n\
        error[E0201]: mismatched types\n  --> f.oort:4:12\n  |\n\n\
        error: could not compile `f.oort` due to 1 previous error; 1 warning emitted\n";

    #[test]
    fn errors_and_warnings_are_told_apart() {
        let src = "// expect-compile-error: 4:12\n// expect-warning: 3:1\n";
        assert_eq!(check_annotations(src, TWO), Ok(()));
        let src = "// expect-compile-error: 4:12 E0201 mismatched\n// expect-warning: 3:1 W0002 unused\n";
        assert_eq!(check_annotations(src, TWO), Ok(()));
        // The error alone: the warning is not expected.
        let err = check_annotations("// expect-compile-error: 4:12\n", TWO).unwrap_err();
        assert!(err.contains("expected warnings at [], reported at [\"3:1\"]"), "{err}");
        // Positions swapped between the kinds.
        let src = "// expect-compile-error: 3:1\n// expect-warning: 4:12\n";
        assert!(check_annotations(src, TWO).is_err());
        // A wrong code.
        let src = "// expect-compile-error: 4:12 E0202 operands\n// expect-warning: 3:1\n";
        assert_eq!(check_annotations(src, TWO), Err("expected E0202 at 4:12, reported E0201".into()));
        // Text that is not a code is not checked as one.
        let src = "// expect-compile-error: 4:12 Eh, a mismatch\n// expect-warning: 3:1 why\n";
        assert_eq!(check_annotations(src, TWO), Ok(()));
    }

    #[test]
    fn warnings_only_means_exit_status_0() {
        let ok = "exit: 0\n--- stdout\n5\n--- stderr\n\
            warning[W0001]: unreachable code\n  --> f.oort:2:1\n\n\
            warning: `f.oort` generated 1 warning\n";
        assert_eq!(check_annotations("// expect-warning: 2:1 W0001\n", ok), Ok(()));
        assert!(check_annotations("// expect-warning: 2:2\n", ok).is_err());
        let failed = ok.replace("exit: 0", "exit: 1");
        assert!(check_annotations("// expect-warning: 2:1\n", &failed).is_err());
        // No annotations: not checked.
        assert_eq!(check_annotations("print 5;\n", &failed), Ok(()));
    }

    #[test]
    fn runtime_errors_beside_warnings() {
        let out = "exit: 3\n--- stdout\n1\n--- stderr\n\
            warning[W0002]: unused variable `y`\n  --> f.oort:2:1\n\n\
            runtime error: division by zero\n  --> f.oort:5:7\n";
        let src = "// expect-runtime-error: 5:7\n// expect-warning: 2:1\n// expect-stdout-before-error: 1\n";
        assert_eq!(check_annotations(src, out), Ok(()));
        let src = "// expect-runtime-error: 5:7\n// expect-stdout-before-error: 1\n";
        assert!(check_annotations(src, out).is_err());
    }
}
