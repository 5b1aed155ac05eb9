//! Differential testing: generated programs behave the same in every engine.
//!
//! `cargo test` runs a few hundred seeds (`OORT_GEN_SEEDS=N` runs N); thousands more:
//! `cargo run --release -p oort-gen -- diff --count 5000`.

use oort_gen::engine::{self, Engine};

fn seeds() -> u64 {
    std::env::var("OORT_GEN_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(250)
}

/// Every seed compiles, runs the same at `-O0`, `-O1` and under GC stress, and never
/// crashes; and the seeds between them end both ways, normally and in runtime errors.
#[test]
fn every_engine_agrees_on_generated_programs() {
    let dir = std::env::temp_dir();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    // Each thread runs every `threads`-th seed; the results are gathered in seed order.
    let mut results: Vec<(u64, Result<u8, String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let dir = &dir;
                scope.spawn(move || {
                    (t..seeds())
                        .step_by(threads as usize)
                        .map(|seed| {
                            let source = oort_gen::generate(seed, 30);
                            let outcomes = engine::run_all(&source, dir, &engine::Runner::InProcess);
                            let result = match engine::disagreement(&outcomes) {
                                Some(report) => {
                                    Err(format!("seed {seed} (oort-gen gen --seed {seed} --size 30):\n{report}"))
                                }
                                None => Ok(outcomes[0].1.status),
                            };
                            (seed, result)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a worker")).collect()
    });
    results.sort_by_key(|r| r.0);
    let mut failures = Vec::new();
    let (mut ok, mut runtime_errors) = (0, 0);
    for (seed, result) in results {
        match result {
            Ok(0) => ok += 1,
            Ok(3) => runtime_errors += 1,
            Ok(status) => failures.push(format!(
                "seed {seed} ends with status {status} in every engine, a bug in the generator \
                 (`oort-gen gen --seed {seed} --size 30` prints it)"
            )),
            Err(report) => failures.push(report),
        }
    }
    assert!(failures.is_empty(), "{} of {} seeds failed:\n{}", failures.len(), seeds(), failures.join("\n"));
    assert!(ok > runtime_errors && runtime_errors > 0, "{ok} ran to the end, {runtime_errors} stopped with an error");
}

/// Between them, a few dozen programs use every construct the generator knows: the
/// generator keeps covering the language.
#[test]
fn generated_programs_cover_the_language() {
    let all: String = (0..60).map(|seed| oort_gen::generate(seed, 60)).collect();
    let constructs = [
        ("int32", ": int32"),
        ("uint32", "uint32"),
        ("int64", "int64"),
        ("uint64", "uint64"),
        ("wrap-around literal", "2147483647"),
        ("double", "double"),
        ("math built-in", "sqrt ("),
        ("string concatenation", "trim_ ("),
        ("substring", ".substring ("),
        ("chr", "chr ("),
        ("str", "str ("),
        ("parse_int", "parse_int ("),
        ("array literal", "= ["),
        ("new array", "new array["),
        ("array element ++/--", "length]++|length]--|++v|--v"),
        ("class", "class C"),
        ("inheritance", " : C"),
        ("init", "init ("),
        ("super.init", "super.init ("),
        ("super call", "super.m"),
        ("virtual call", ".m"),
        ("is", " is C"),
        ("as", " as C"),
        ("checked cast", "!)"),
        ("object", ": object"),
        ("lambda", "fn ("),
        ("function type", "fn () -> int32"),
        ("nested function", "    n"),
        ("local class", "class K"),
        ("closure in a loop", "return -1;"),
        ("for", "for ("),
        ("while", "while ("),
        ("do-while", "do {"),
        ("switch", "switch ("),
        ("break", "break;"),
        ("continue", "continue;"),
        ("label", "@L"),
        ("goto loop", "goto L"),
        ("non-local exit", "goto p"),
        ("re-entry", "goto r"),
        ("label value", ": label = L"),
        ("tail call", "goto f"),
        ("deep tail recursion", "goto t"),
        ("compound assignment", "+= "),
        ("shift", " << "),
        ("conditional", " ? "),
        ("runtime error", "& 0)"),
        ("type alias", "type T"),
        ("non-null type", "! = "),
        ("while (true)", "while (true)"),
        ("generator", "goto r"),
        ("label through object", "as label!)"),
        ("negative case", "case -"),
        ("this as a value", "(this"),
        ("args", "args ()"),
    ];
    // `a|b`: either will do.
    let missing: Vec<&str> =
        constructs.iter().filter(|(_, s)| !s.split('|').any(|s| all.contains(s))).map(|(n, _)| *n).collect();
    assert!(missing.is_empty(), "no generated program has: {missing:?}");
}

/// A seed and a size give one program, always.
#[test]
fn generation_is_deterministic() {
    for seed in [0, 1, 99] {
        assert_eq!(oort_gen::generate(seed, 50), oort_gen::generate(seed, 50));
    }
    assert_ne!(oort_gen::generate(1, 50), oort_gen::generate(2, 50));
}

/// A disagreement is reported with each group of agreeing engines and what it printed.
#[test]
fn disagreements_are_found_and_described() {
    let ok = engine::Outcome { status: 0, stdout: b"1\n".to_vec(), stderr: String::new() };
    let other = engine::Outcome { status: 0, stdout: b"2\n".to_vec(), stderr: String::new() };
    let same = [(Engine::O0, ok.clone()), (Engine::O1, ok.clone()), (Engine::GcStress, ok.clone())];
    assert_eq!(engine::disagreement(&same), None);
    let split = [(Engine::O0, ok.clone()), (Engine::O1, other), (Engine::GcStress, ok)];
    assert_eq!(engine::partition(&split), vec![vec![Engine::O0, Engine::GcStress], vec![Engine::O1]]);
    let report = engine::disagreement(&split).expect("a disagreement");
    assert_eq!(
        report,
        "=== -O0 --gc-stress\nexit: 0\n--- stdout\n1\n--- stderr\n=== -O1\nexit: 0\n--- stdout\n2\n--- stderr\n"
    );
    // A crash is reported even when every engine crashes the same way.
    let crash = engine::Outcome { status: 101, stdout: Vec::new(), stderr: "the compiler panicked\n".into() };
    let all_crash = [(Engine::O0, crash.clone()), (Engine::O1, crash.clone()), (Engine::GcStress, crash)];
    assert!(engine::disagreement(&all_crash).is_some());
}
