//! Shared by the command-line tests.

use std::path::PathBuf;

/// Writes `source` to `name` in the test's temporary directory and runs
/// `oort run [flags] FILE` on it through the binary's entry point; returns the exit status,
/// stdout and stderr.
pub fn run(name: &str, source: &str, flags: &[&str]) -> (u8, String, String) {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, source).unwrap();
    let mut argv: Vec<std::ffi::OsString> = vec!["oort".into(), "run".into()];
    argv.extend(flags.iter().map(Into::into));
    argv.push(path.into());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = oort_cli::cli::main_with(argv, &mut out, &mut err, false);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}
