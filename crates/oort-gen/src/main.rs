//! `oort-gen`: random Oort programs, differential runs, and a reducer.
//!
//! ```text
//! oort-gen gen --seed 7 --size 60          print the program for seed 7
//! oort-gen diff --count 5000               run seeds 0..5000 in every engine, compare
//! oort-gen reduce failing.oort -o small.oort
//! ```

use clap::{Parser, Subcommand};
use oort_gen::engine::{self, ENGINES, Engine, Outcome, Runner};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Parser)]
#[command(name = "oort-gen", about = "Random Oort programs, differential runs of every engine, and a reducer")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print the program for a seed.
    Gen {
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// About how many statements the main program has.
        #[arg(long, default_value_t = 40)]
        size: usize,
    },
    /// Run the programs for seeds START..START+COUNT in every engine (-O0, -O1,
    /// --gc-stress) and report every disagreement; exit status 1 if there was one.
    Diff {
        #[arg(long, default_value_t = 0)]
        start: u64,
        #[arg(long, default_value_t = 1000)]
        count: u64,
        #[arg(long, default_value_t = 40)]
        size: usize,
        /// Threads running programs (default: the machine's cores).
        #[arg(long)]
        jobs: Option<usize>,
        /// Where to write each disagreeing program (`seed-N.oort`) and its report.
        #[arg(long, default_value = "oort-gen-failures")]
        out: PathBuf,
        /// Also reduce each disagreement.
        #[arg(long)]
        reduce: bool,
        /// The `oort` binary to run (default: next to this one; without one, programs
        /// run inside this process, with no time limit).
        #[arg(long)]
        oort: Option<PathBuf>,
        /// Seconds a run may take before it counts as a hang.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
    },
    /// Shrink a program while the engines disagree on it the same way (the same engines
    /// agree with each other, none fails to compile).
    Reduce {
        file: PathBuf,
        /// Where to write the result (default: FILE with `.reduced.oort`).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The `oort` binary to run (default: next to this one).
        #[arg(long)]
        oort: Option<PathBuf>,
        /// Seconds a run may take before it counts as a hang.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Cmd::Gen { seed, size } => {
            print!("{}", oort_gen::generate(seed, size));
            Ok(true)
        }
        Cmd::Diff { start, count, size, jobs, out, reduce, oort, timeout } => {
            let oort = oort_binary(oort);
            let runner =
                if oort.exists() { Runner::Binary(oort, Duration::from_secs(timeout)) } else { Runner::InProcess };
            diff(start, count, size, jobs, &out, reduce, &runner)
        }
        Cmd::Reduce { file, output, oort, timeout } => {
            let output = output.unwrap_or_else(|| file.with_extension("reduced.oort"));
            reduce_file(&file, &output, &oort_binary(oort), Duration::from_secs(timeout))
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("oort-gen: {e}");
            ExitCode::from(2)
        }
    }
}

fn oort_binary(given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(|| {
        let me = std::env::current_exe().unwrap_or_default();
        me.with_file_name(format!("oort{}", std::env::consts::EXE_SUFFIX))
    })
}

/// `oort-gen diff`: returns whether every seed agreed.
fn diff(
    start: u64,
    count: u64,
    size: usize,
    jobs: Option<usize>,
    out: &Path,
    reduce: bool,
    runner: &Runner,
) -> Result<bool, String> {
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let next = Arc::new(AtomicU64::new(start));
    let failures: Arc<Mutex<Vec<(u64, String, String)>>> = Arc::default();
    let tmp = std::env::temp_dir();
    let done = Arc::new(AtomicU64::new(0));
    let statuses = Arc::new(Mutex::new([0u64; 4]));
    let workers: Vec<_> = (0..jobs)
        .map(|_| {
            let (next, failures, tmp, done, statuses, runner) =
                (next.clone(), failures.clone(), tmp.clone(), done.clone(), statuses.clone(), runner.clone());
            std::thread::spawn(move || {
                loop {
                    let seed = next.fetch_add(1, Ordering::Relaxed);
                    if seed >= start + count {
                        break;
                    }
                    let source = oort_gen::generate(seed, size);
                    let outcomes = engine::run_all(&source, &tmp, &runner);
                    if let Some(report) = engine::disagreement(&outcomes) {
                        eprintln!("seed {seed}: the engines disagree");
                        failures.lock().expect("lock").push((seed, source, report));
                    } else {
                        let status = outcomes[0].1.status;
                        if status == 1 {
                            // Every engine agrees, but the generator wrote a program that does
                            // not compile: a bug in the generator, reported like a disagreement.
                            eprintln!("seed {seed}: does not compile");
                            let report = format!("=== every engine\n{}", outcomes[0].1.describe());
                            failures.lock().expect("lock").push((seed, source, report));
                        }
                        if let Some(s) = statuses.lock().expect("lock").get_mut(status as usize) {
                            *s += 1;
                        }
                    }
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if n % 500 == 0 {
                        eprintln!("{n} of {count} seeds run");
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().map_err(|_| "a worker panicked".to_string())?;
    }
    let mut failures = Arc::try_unwrap(failures).map_err(|_| "workers still running")?.into_inner().expect("lock");
    failures.sort_by_key(|f| f.0);
    let s = statuses.lock().expect("lock");
    println!(
        "{count} programs (seeds {start}..{}, size {size}): {} agreed ({} ran to the end, {} stopped with a runtime error, {} failed to compile), {} disagreed",
        start + count,
        s.iter().sum::<u64>(),
        s[0],
        s[3],
        s[1],
        failures.len() as u64 - s[1]
    );
    if failures.is_empty() {
        return Ok(true);
    }
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    for (seed, source, report) in &failures {
        let path = out.join(format!("seed-{seed}.oort"));
        std::fs::write(&path, source).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        std::fs::write(path.with_extension("report"), report).map_err(|e| e.to_string())?;
        println!("seed {seed}: {}", path.display());
        if reduce && !report.starts_with("=== every engine") {
            let Runner::Binary(oort, timeout) = runner else {
                return Err("reducing needs the `oort` binary (--oort)".into());
            };
            let small = path.with_extension("reduced.oort");
            reduce_file(&path, &small, oort, *timeout)?;
        }
    }
    Ok(false)
}

/// The outcomes of `file` in every engine, by running the binary.
fn outcomes_of(oort: &Path, file: &Path, timeout: Duration) -> Result<Vec<(Engine, Outcome)>, String> {
    ENGINES
        .iter()
        .map(|&e| {
            engine::run_binary(oort, file, e, timeout)
                .map(|o| (e, o))
                .map_err(|err| format!("cannot run {}: {err}", oort.display()))
        })
        .collect()
}

/// `oort-gen reduce`.
fn reduce_file(file: &Path, output: &Path, oort: &Path, timeout: Duration) -> Result<bool, String> {
    let source = std::fs::read_to_string(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let original = outcomes_of(oort, file, timeout)?;
    let groups = engine::partition(&original);
    let crash = original.iter().any(|(_, o)| o.is_crash());
    if groups.len() == 1 && !crash {
        return Err(format!("the engines agree on {}: nothing to reduce", file.display()));
    }
    let scratch = std::env::temp_dir().join(format!("oort-gen-reduce-{}.oort", std::process::id()));
    let mut interesting = |candidate: &str| -> bool {
        if std::fs::write(&scratch, candidate).is_err() {
            return false;
        }
        let Ok(now) = outcomes_of(oort, &scratch, timeout) else { return false };
        // Still the same split between engines, nothing that no longer compiles, and a
        // crash stays a crash.
        now.iter().all(|(_, o)| o.status != 1)
            && engine::partition(&now) == groups
            && now.iter().any(|(_, o)| o.is_crash()) == crash
    };
    let reduced = oort_gen::reduce::reduce(&source, &mut interesting);
    let _ = std::fs::remove_file(&scratch);
    std::fs::write(output, &reduced.source).map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    println!(
        "{}: {} lines reduced to {} ({} candidates tried): {}",
        file.display(),
        source.lines().count(),
        reduced.source.lines().count(),
        reduced.tests,
        output.display()
    );
    Ok(true)
}
