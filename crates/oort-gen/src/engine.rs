//! Running one program in every engine and comparing the results.
//!
//! An engine is a way of running a program that must not change what it does: today
//! `-O0`, `-O1` and `-O1 --gc-stress` (the collector runs at every allocation); the JIT
//! joins them later. A run's [`Outcome`] is its exit status, its standard output and its
//! standard error (diagnostics, runtime errors with their positions). Two engines agree
//! when their outcomes are equal, byte for byte.

use std::ffi::OsString;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A way of running programs that must not change their behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// No optimization pass.
    O0,
    /// The default optimizations.
    O1,
    /// The default optimizations, with a collection at every allocation.
    GcStress,
}

/// Every engine, the reference (`-O0`) first.
pub const ENGINES: [Engine; 3] = [Engine::O0, Engine::O1, Engine::GcStress];

impl Engine {
    /// The `oort run` flags that select this engine.
    pub fn flags(self) -> &'static [&'static str] {
        match self {
            Engine::O0 => &["-O0"],
            Engine::O1 => &["-O1"],
            Engine::GcStress => &["-O1", "--gc-stress"],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Engine::O0 => "-O0",
            Engine::O1 => "-O1",
            Engine::GcStress => "--gc-stress",
        }
    }
}

/// How a run ended and what it printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub status: u8,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

/// Exit status for a run that did not end in time (only runs of the binary can).
pub const TIMED_OUT: u8 = 255;

impl Outcome {
    /// Whether the run shows a bug in Oort whatever the other engines do: a panic, an
    /// internal error, a timeout.
    pub fn is_crash(&self) -> bool {
        !matches!(self.status, 0..=3) || self.stderr.contains("internal error") || self.stderr.contains("panicked")
    }

    pub fn describe(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.status,
            String::from_utf8_lossy(&self.stdout),
            self.stderr
        )
    }
}

/// The arguments every run passes: warnings are not what is compared.
fn argv(engine: Engine, file: &Path) -> Vec<OsString> {
    let mut v: Vec<OsString> = vec!["run".into(), "-A".into(), "warnings".into()];
    v.extend(engine.flags().iter().map(OsString::from));
    v.push(file.as_os_str().to_owned());
    v
}

/// A file name of its own for each program this process writes.
fn temp_file(dir: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    dir.join(format!("oort-gen-{}-{n}.oort", std::process::id()))
}

/// How programs are run: inside this process, or by the `oort` binary with a time limit.
#[derive(Clone, Debug)]
pub enum Runner {
    /// `oort_cli::cli::main_with` on a thread of this process: fast, but a run that hangs
    /// hangs the caller.
    InProcess,
    /// The `oort` binary at this path; a run longer than the limit is killed and counts as a
    /// crash (status [`TIMED_OUT`]).
    Binary(PathBuf, Duration),
}

impl Runner {
    /// Runs the program in `file` in `engine`.
    pub fn run(&self, file: &Path, engine: Engine) -> Outcome {
        match self {
            Runner::InProcess => run_in_process(file, engine),
            Runner::Binary(oort, timeout) => run_binary(oort, file, engine, *timeout).unwrap_or_else(|e| Outcome {
                status: TIMED_OUT - 1,
                stdout: Vec::new(),
                stderr: format!("cannot run {}: {e}", oort.display()),
            }),
        }
    }
}

/// Runs the program in `file` in `engine` inside this process (`oort_cli::cli::main_with`).
pub fn run_in_process(file: &Path, engine: Engine) -> Outcome {
    let mut args = vec![OsString::from("oort")];
    args.extend(argv(engine, file));
    let worker = std::thread::Builder::new().stack_size(256 << 20).spawn(move || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = oort_cli::cli::main_with(args, &mut out, &mut err, false);
        (status, out, err)
    });
    match worker.map(|h| h.join()) {
        Ok(Ok((status, stdout, stderr))) => {
            Outcome { status, stdout, stderr: String::from_utf8_lossy(&stderr).into_owned() }
        }
        _ => Outcome { status: 101, stdout: Vec::new(), stderr: "the compiler panicked\n".into() },
    }
}

/// Runs `source` in every engine, from one file in `dir` (the file is named in
/// diagnostics, so the runs compared must share it).
pub fn run_all(source: &str, dir: &Path, runner: &Runner) -> Vec<(Engine, Outcome)> {
    let file = temp_file(dir);
    if let Err(e) = std::fs::write(&file, source) {
        panic!("cannot write {}: {e}", file.display());
    }
    let outcomes = ENGINES.iter().map(|&e| (e, runner.run(&file, e))).collect();
    let _ = std::fs::remove_file(&file);
    outcomes
}

/// Runs the `oort` binary at `oort` on `file` in `engine`, stopping it after `timeout`.
pub fn run_binary(oort: &Path, file: &Path, engine: Engine, timeout: Duration) -> std::io::Result<Outcome> {
    let mut child = Command::new(oort)
        .args(argv(engine, file))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // Read both pipes on threads so that a chatty program cannot block on a full pipe.
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = stdout.read_to_end(&mut b);
        b
    });
    let err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = stderr.read_to_end(&mut b);
        b
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break s.code().map_or(TIMED_OUT - 1, |c| c as u8);
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break TIMED_OUT;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&err.join().unwrap_or_default()).into_owned();
    Ok(Outcome { status, stdout, stderr })
}

/// Which engines agree: a partition of the engines into groups with equal outcomes, in
/// engine order. One group means every engine agrees.
pub fn partition(outcomes: &[(Engine, Outcome)]) -> Vec<Vec<Engine>> {
    let mut groups: Vec<(Outcome, Vec<Engine>)> = Vec::new();
    for (e, o) in outcomes {
        match groups.iter_mut().find(|(g, _)| g == o) {
            Some((_, es)) => es.push(*e),
            None => groups.push((o.clone(), vec![*e])),
        }
    }
    groups.into_iter().map(|(_, es)| es).collect()
}

/// A report of how the engines disagree, or `None` when they agree and none crashed.
pub fn disagreement(outcomes: &[(Engine, Outcome)]) -> Option<String> {
    let groups = partition(outcomes);
    if groups.len() == 1 && !outcomes[0].1.is_crash() {
        return None;
    }
    let mut report = String::new();
    for g in &groups {
        let names: Vec<&str> = g.iter().map(|e| e.name()).collect();
        let outcome = &outcomes.iter().find(|(e, _)| *e == g[0]).expect("engine ran").1;
        report.push_str(&format!("=== {}\n{}", names.join(" "), outcome.describe()));
    }
    Some(report)
}
