//! The command line: argument parsing and the `run` / `check` commands, writing to the
//! given output streams so tests drive exactly what the `oort` binary does.
//!
//! Exit status: 0 success, 1 compile errors (or an unreadable source file), 2 usage
//! errors, 3 runtime errors.
//!
//! Warning control (`-A CODE`, `-D CODE`, like rustc) is applied here, after
//! compilation: the passes always report every warning, and [`apply_lint_levels`]
//! drops the allowed ones and turns the denied ones into errors before the diagnostics
//! are rendered and counted.

use crate::{
    Compiled, Optimizations, RunOptions, compile_with, emit, pipeline, registry, render, stages, stages_help, stop_for,
};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use oort_ir::{Stop, Unit};
use oort_syntax::{Code, Diagnostic, MAX_SOURCE_BYTES, Severity, SourceFile};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

pub const EXIT_COMPILE: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_RUNTIME: u8 = 3;
/// The compiler itself failed (a bug in Oort, never the user's fault).
pub const EXIT_INTERNAL: u8 = 101;

#[derive(Parser)]
#[command(name = "oort", version, about = "The Oort language: compiler and virtual machine", after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The end of `oort --help`: the limits of a run, and the exit statuses.
const AFTER_HELP: &str = "\
Limits of a run (options of `oort run`; `oort run --help` says more):
  --max-stack=SIZE  VM stack (default 256m); deeper recursion is the runtime error \"stack overflow\"
  --max-heap=SIZE   heap (default 4g); more live data is the runtime error \"out of memory\"
  SIZE is a number of bytes, or a number with a suffix k, m or g (binary: 64k = 65536 bytes).

Exit status: 0 success, 1 compile errors (or an unreadable source file), 2 usage errors,
3 runtime errors.";

#[derive(Subcommand)]
enum Command {
    /// Compile and run a program.
    Run {
        #[command(flatten)]
        opts: CompileOpts,
        /// The program's source file.
        file: Option<PathBuf>,
        /// Arguments for the program (what `args ()` returns).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Compile a program and report its diagnostics without running it.
    Check {
        #[command(flatten)]
        opts: CompileOpts,
        /// The program's source file.
        file: Option<PathBuf>,
    },
    /// Explain a diagnostic code (`oort explain E0201`), or list every code.
    Explain {
        /// The code, e.g. `E0201` or `W0001`; without it, every code is listed.
        code: Option<String>,
    },
}

#[derive(Args)]
struct CompileOpts {
    /// Print the output of a stage instead of running (`--emit=help` lists them).
    #[arg(long, value_name = "STAGE")]
    emit: Option<String>,
    /// Optimization level: `-O0` runs no optimization pass, `-O1` (the default) the
    /// default list (constprop, copyprop, peephole, liveness, cleanup).
    #[arg(short = 'O', value_name = "LEVEL", value_parser = ["0", "1"], conflicts_with = "passes")]
    opt_level: Option<String>,
    /// Run exactly these optimization passes, in this order (e.g.
    /// `--passes=constprop,liveness`; empty for none).
    #[arg(long, value_name = "PASSES", value_delimiter = ',')]
    passes: Option<Vec<String>>,
    /// Limit of the VM stack (the call frames and their registers).
    ///
    /// SIZE is a number of bytes, or a number with a suffix k, m or g (binary: 64k is
    /// 65536 bytes); the default is 256m. A program that recurses deeper stops with the
    /// runtime error "stack overflow" (exit status 3); a limit the machine cannot reserve
    /// is the runtime error "out of memory: cannot reserve N bytes of VM stack".
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "256m")]
    max_stack: u64,
    /// Limit of the heap (the live data after a full garbage collection).
    ///
    /// SIZE is a number of bytes, or a number with a suffix k, m or g (binary: 1m is
    /// 1048576 bytes); the default is 4g. An allocation that does not fit under the limit
    /// even after a full collection stops the program with the runtime error "out of
    /// memory" (exit status 3).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "4g")]
    max_heap: u64,
    /// Collect garbage at every allocation (slow; for testing the collector).
    #[arg(long)]
    gc_stress: bool,
    /// After the run, print the garbage collector's statistics to stderr.
    #[arg(long)]
    gc_stats: bool,
    /// After the run, print the number of bytecode instructions executed to stderr.
    #[arg(long)]
    count_instrs: bool,
    /// Silence warnings with code CODE (`warnings`: every warning). Repeatable.
    #[arg(short = 'A', long = "allow", value_name = "CODE", value_parser = parse_lint)]
    allow: Vec<Lint>,
    /// Make warnings with code CODE errors (`warnings`: every warning). Repeatable.
    #[arg(short = 'D', long = "deny", value_name = "CODE", value_parser = parse_lint)]
    deny: Vec<Lint>,
    /// `allow` and `deny` merged in command-line order (filled in after parsing).
    #[arg(skip)]
    levels: Vec<(Level, Lint)>,
}

/// What `-A`/`-D` name: one warning code, or every warning (`warnings`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lint {
    Warnings,
    Code(Code),
}

impl std::fmt::Display for Lint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Lint::Warnings => f.write_str("warnings"),
            Lint::Code(c) => f.write_str(c.id()),
        }
    }
}

/// What `-A` and `-D` do to a warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Allow,
    Deny,
}

/// Parses the argument of `-A`/`-D`: `warnings` or the code of a warning.
pub fn parse_lint(s: &str) -> Result<Lint, String> {
    if s == "warnings" {
        return Ok(Lint::Warnings);
    }
    match Code::from_id(s) {
        Some(c) if c.is_warning() => Ok(Lint::Code(c)),
        Some(c) => Err(format!(
            "`{}` is an error, not a warning: only warnings (W…) or `warnings` can be allowed or denied",
            c.id()
        )),
        None => Err(format!("unknown diagnostic code `{s}` (`oort explain` lists every code)")),
    }
}

/// Applies `-A`/`-D` to the diagnostics of a compilation: allowed warnings are dropped,
/// denied ones become errors (with a note saying which flag did it). For each warning
/// the flag naming its code wins over `warnings`; between flags of the same kind, the
/// last on the command line wins. Errors are never affected.
pub fn apply_lint_levels(diags: &mut Vec<Diagnostic>, levels: &[(Level, Lint)]) {
    if levels.is_empty() {
        return;
    }
    diags.retain_mut(|d| {
        if d.severity != Severity::Warning {
            return true;
        }
        let specific = levels.iter().rev().find(|(_, l)| *l == Lint::Code(d.code));
        let general = levels.iter().rev().find(|(_, l)| *l == Lint::Warnings);
        match specific.or(general) {
            None => true,
            Some((Level::Allow, _)) => false,
            Some((Level::Deny, lint)) => {
                d.severity = Severity::Error;
                d.notes.push(format!("`-D {lint}` turns this warning into an error"));
                true
            }
        }
    });
}

/// The last line of a compilation's report: `error: could not compile …` when there are
/// errors, `warning: … generated N warnings` when there are only warnings, else nothing.
pub fn summary(file_name: &str, diags: &[Diagnostic]) -> Option<String> {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    if errors > 0 {
        let mut s = format!("error: could not compile `{file_name}` due to {}", plural(errors, "previous error"));
        if warnings > 0 {
            s.push_str(&format!("; {} emitted", plural(warnings, "warning")));
        }
        Some(s)
    } else if warnings > 0 {
        Some(format!("warning: `{file_name}` generated {}", plural(warnings, "warning")))
    } else {
        None
    }
}

/// Parses `123`, `64k`, `256m`, `1g` (binary multiples, either case) into a byte count:
/// at least 1, at most `u64::MAX`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim().to_ascii_lowercase();
    let (digits, shift) = if let Some(d) = t.strip_suffix('k') {
        (d, 10)
    } else if let Some(d) = t.strip_suffix('m') {
        (d, 20)
    } else if let Some(d) = t.strip_suffix('g') {
        (d, 30)
    } else {
        (t.as_str(), 0)
    };
    let expected = "a number of bytes, with an optional suffix k, m or g: e.g. 512k, 64m, 1g";
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("invalid size `{s}` (expected {expected})"));
    }
    let too_large = || format!("size `{s}` is too large (at most {} bytes)", u64::MAX);
    let n: u64 = digits.parse().map_err(|_| too_large())?;
    let bytes = n.checked_mul(1 << shift).ok_or_else(too_large)?;
    if bytes == 0 {
        return Err(format!("size `{s}` is zero (expected at least 1 byte)"));
    }
    Ok(bytes)
}

/// Runs the command line `argv` (including the program name), writing the program's
/// output to `out` and messages to `err`. Returns the exit status.
pub fn main_with(argv: Vec<OsString>, out: &mut dyn Write, err: &mut dyn Write, color: bool) -> u8 {
    let parsed = Cli::command().try_get_matches_from(argv).and_then(|m| {
        let mut cli = Cli::from_arg_matches(&m)?;
        if let Command::Run { opts, .. } | Command::Check { opts, .. } = &mut cli.command
            && let Some((_, sub)) = m.subcommand()
        {
            opts.levels = ordered_levels(sub);
        }
        Ok(cli)
    });
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let text = if color { e.render().ansi().to_string() } else { e.render().to_string() };
            if e.use_stderr() {
                let _ = write!(err, "{text}");
                return EXIT_USAGE;
            }
            let _ = write!(out, "{text}");
            return 0;
        }
    };
    let code = match cli.command {
        Command::Explain { code } => explain(code.as_deref(), out, err),
        command => drive(command, out, err, color),
    };
    let _ = out.flush();
    let _ = err.flush();
    code
}

/// The `-A`/`-D` flags of a `run` or `check` command line, in command-line order.
fn ordered_levels(m: &clap::ArgMatches) -> Vec<(Level, Lint)> {
    let mut v: Vec<(usize, Level, Lint)> = Vec::new();
    for (id, level) in [("allow", Level::Allow), ("deny", Level::Deny)] {
        if let (Some(idx), Some(vals)) = (m.indices_of(id), m.get_many::<Lint>(id)) {
            v.extend(idx.zip(vals).map(|(i, l)| (i, level, *l)));
        }
    }
    v.sort_by_key(|(i, ..)| *i);
    v.into_iter().map(|(_, level, lint)| (level, lint)).collect()
}

/// `oort explain [CODE]`: the explanation of a code, or the list of every code.
fn explain(code: Option<&str>, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let Some(id) = code else {
        for c in Code::ALL {
            let _ = writeln!(out, "{}  {}", c.id(), c.title());
        }
        let _ = writeln!(out, "\n`oort explain CODE` explains a code.");
        return 0;
    };
    match Code::from_id(id) {
        Some(c) => {
            let _ = write!(out, "{}: {}\n\n{}", c.id(), c.title(), c.explanation());
            0
        }
        None => {
            let _ = writeln!(err, "error: unknown diagnostic code `{id}`; `oort explain` lists every code");
            EXIT_USAGE
        }
    }
}

fn drive(command: Command, out: &mut dyn Write, err: &mut dyn Write, color: bool) -> u8 {
    let (opts, file, args, run) = match command {
        Command::Run { opts, file, args } => (opts, file, args, true),
        Command::Check { opts, file } => (opts, file, Vec::new(), false),
        Command::Explain { .. } => unreachable!("handled by main_with"),
    };
    let reg = registry();
    let optimizations = match (&opts.passes, opts.opt_level.as_deref()) {
        (Some(names), _) => Optimizations::Custom(names.iter().filter(|n| !n.is_empty()).cloned().collect()),
        (None, Some("0")) => Optimizations::None,
        (None, _) => Optimizations::Default,
    };
    let pipeline = match pipeline(&reg, &optimizations) {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return EXIT_USAGE;
        }
    };
    if let Some(stage) = &opts.emit {
        if stage == "help" {
            let _ = write!(out, "{}", stages_help(&pipeline));
            return 0;
        }
        if !stages(&pipeline).iter().any(|(n, _)| n == stage) {
            let names: Vec<_> = stages(&pipeline).iter().map(|(n, _)| *n).collect();
            let _ = writeln!(err, "error: unknown stage `{stage}` for --emit; valid stages: {}", names.join(", "));
            return EXIT_USAGE;
        }
    }
    let Some(path) = file else {
        let _ = writeln!(
            err,
            "error: no source file given\n\nUsage: oort run FILE [ARGS...]\n       oort check FILE\n       oort explain [CODE]"
        );
        return EXIT_USAGE;
    };
    let source = match read_source(&path) {
        Ok(s) => s,
        Err(msg) => {
            let _ = writeln!(err, "error: {msg}");
            return EXIT_COMPILE;
        }
    };
    let parse_only = matches!(opts.emit.as_deref(), Some("tokens" | "ast"));
    let Compiled { mut unit, result } = if parse_only {
        Compiled { unit: Unit::parse(source), result: Ok(()) }
    } else {
        // The command line never looks at the trees after `lower`: free them then.
        let stop_after = opts.emit.as_deref().map(|s| stop_for(&pipeline, s));
        let verify = cfg!(debug_assertions) || std::env::var_os("OORT_VERIFY").is_some();
        compile_with(source, &pipeline, RunOptions { stop_after, verify, free_front_end: true })
    };
    apply_lint_levels(&mut unit.diags, &opts.levels);
    // Denied warnings are errors too, though the pipeline ran on past them.
    let failed = result.is_err() || unit.diags.iter().any(|d| d.is_error());
    let _ = write!(err, "{}", render::diagnostics(&unit.file, &unit.diags, color));
    if let Err(Stop::Verifier { after, errors }) = &result {
        let _ = writeln!(err, "internal error: IR verifier failed after pass `{after}`:");
        for e in errors {
            let _ = writeln!(err, "  {e}");
        }
        return EXIT_INTERNAL;
    }
    if let Some(stage) = &opts.emit {
        if failed {
            return EXIT_COMPILE;
        }
        let text = emit(&unit, &pipeline, stage).unwrap_or_default();
        let _ = out.write_all(text.as_bytes());
        return 0;
    }
    if let Some(line) = summary(&unit.file.name, &unit.diags) {
        let _ = writeln!(err, "{line}");
    }
    if failed {
        return EXIT_COMPILE;
    }
    if !run {
        return 0;
    }
    let file = unit.file.clone();
    let options = oort_vm::VmOptions {
        max_stack: opts.max_stack as usize,
        max_heap: opts.max_heap as usize,
        gc_stress: opts.gc_stress || std::env::var_os("OORT_GC_STRESS").is_some(),
        count_instructions: opts.count_instrs,
        max_instructions: None,
    };
    let mut vm = match (Compiled { unit, result }).load(args, options) {
        Ok(vm) => vm,
        Err(e) => {
            let _ = writeln!(err, "internal error: {e}");
            return EXIT_INTERNAL;
        }
    };
    let start = std::time::Instant::now();
    let result = vm.run(out);
    let _ = out.flush();
    if opts.gc_stats {
        let _ = write!(err, "{}", gc_stats_text(&vm.gc_stats(), start.elapsed()));
    }
    if opts.count_instrs {
        let _ = writeln!(err, "instructions executed: {}", vm.instructions_executed());
    }
    match result {
        Ok(()) => 0,
        Err(e) => {
            let _ = write!(err, "{}", render::runtime_error(&file, &e.message, e.line, e.col));
            EXIT_RUNTIME
        }
    }
}

/// The `--gc-stats` report.
fn gc_stats_text(s: &oort_vm::heap::GcStats, total: std::time::Duration) -> String {
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    format!(
        "gc: {} collections; allocated {} objects, {:.1} MiB; freed {} objects\n\
         gc: peak heap {:.1} MiB; live after last collection {} objects, {:.1} MiB\n\
         gc: mark {:.1} ms, sweep {:.1} ms, of {:.1} ms run time\n",
        s.collections,
        s.objects_allocated_total,
        mib(s.bytes_allocated_total),
        s.objects_freed_total,
        mib(s.peak_heap_bytes as u64),
        s.live_objects,
        mib(s.live_bytes as u64),
        ms(s.mark_time),
        ms(s.sweep_time),
        ms(total),
    )
}

/// Reads a source file: UTF-8, at most [`MAX_SOURCE_BYTES`] long (spans are 32-bit).
fn read_source(path: &PathBuf) -> Result<SourceFile, String> {
    let cannot_read = |e: std::io::Error| format!("cannot read `{}`: {e}", path.display());
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    let size = file.metadata().map_err(cannot_read)?.len();
    if size > MAX_SOURCE_BYTES {
        return Err(format!(
            "`{}` is too large: {size} bytes (source files can have at most {MAX_SOURCE_BYTES} bytes)",
            path.display()
        ));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_SOURCE_BYTES + 1), &mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(format!(
            "`{}` is too large (source files can have at most {MAX_SOURCE_BYTES} bytes)",
            path.display()
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let line_start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        // The valid prefix of the line: its characters give the column.
        let col = std::str::from_utf8(&bytes[line_start..at]).map_or(0, |s| s.chars().count()) + 1;
        format!(
            "`{}` is not valid UTF-8: invalid byte 0x{:02x} at {}:{line}:{col} (byte offset {at})",
            path.display(),
            bytes[at],
            path.display()
        )
    })?;
    Ok(SourceFile::new(path.display().to_string(), text))
}

#[cfg(test)]
mod tests {
    use super::{Level, Lint, apply_lint_levels, parse_lint, parse_size, summary};
    use oort_syntax::{Code, Diagnostic, Severity, Span};

    fn diags() -> Vec<Diagnostic> {
        vec![
            Diagnostic::new(Code::MismatchedTypes, Span::DUMMY, "an error"),
            Diagnostic::new(Code::Unreachable, Span::DUMMY, "unreachable"),
            Diagnostic::new(Code::UnusedVariable, Span::DUMMY, "unused"),
        ]
    }

    /// (code, severity) of each diagnostic left after `levels`.
    fn after(levels: &[(Level, Lint)]) -> Vec<(&'static str, Severity)> {
        let mut d = diags();
        apply_lint_levels(&mut d, levels);
        d.iter().map(|d| (d.code.id(), d.severity)).collect()
    }

    const UNREACH: Lint = Lint::Code(Code::Unreachable);
    const UNUSED: Lint = Lint::Code(Code::UnusedVariable);
    use Severity::{Error as E, Warning as W};

    #[test]
    fn lint_levels() {
        assert_eq!(after(&[]), [("E0201", E), ("W0001", W), ("W0002", W)]);
        assert_eq!(after(&[(Level::Allow, UNUSED)]), [("E0201", E), ("W0001", W)]);
        assert_eq!(after(&[(Level::Deny, UNUSED)]), [("E0201", E), ("W0001", W), ("W0002", E)]);
        assert_eq!(after(&[(Level::Allow, Lint::Warnings)]), [("E0201", E)]);
        assert_eq!(after(&[(Level::Deny, Lint::Warnings)]), [("E0201", E), ("W0001", E), ("W0002", E)]);
        // The flag naming a code wins over `warnings`, in either order.
        let expect = [("E0201", E), ("W0001", E)];
        assert_eq!(after(&[(Level::Deny, Lint::Warnings), (Level::Allow, UNUSED)]), expect);
        assert_eq!(after(&[(Level::Allow, UNUSED), (Level::Deny, Lint::Warnings)]), expect);
        let expect = [("E0201", E), ("W0002", E)];
        assert_eq!(after(&[(Level::Allow, Lint::Warnings), (Level::Deny, UNUSED)]), expect);
        // Between flags of the same kind, the last wins.
        assert_eq!(
            after(&[(Level::Allow, UNREACH), (Level::Deny, UNREACH)]),
            [("E0201", E), ("W0001", E), ("W0002", W)]
        );
        assert_eq!(after(&[(Level::Deny, UNREACH), (Level::Allow, UNREACH)]), [("E0201", E), ("W0002", W)]);
    }

    #[test]
    fn denied_warning_says_why() {
        let mut d = diags();
        apply_lint_levels(&mut d, &[(Level::Deny, Lint::Warnings)]);
        assert_eq!(d[1].notes, ["`-D warnings` turns this warning into an error"]);
        let mut d = diags();
        apply_lint_levels(&mut d, &[(Level::Deny, UNUSED)]);
        assert_eq!(d[2].notes, ["`-D W0002` turns this warning into an error"]);
    }

    #[test]
    fn lint_names() {
        assert_eq!(parse_lint("warnings"), Ok(Lint::Warnings));
        assert_eq!(parse_lint("W0001"), Ok(UNREACH));
        assert_eq!(parse_lint("w0002"), Ok(UNUSED));
        assert!(parse_lint("E0201").unwrap_err().contains("is an error, not a warning"));
        assert!(parse_lint("W9999").unwrap_err().contains("unknown diagnostic code"));
        assert!(parse_lint("Warnings").is_err());
    }

    #[test]
    fn summaries() {
        let d = diags();
        assert_eq!(
            summary("f.oort", &d).as_deref(),
            Some("error: could not compile `f.oort` due to 1 previous error; 2 warnings emitted")
        );
        assert_eq!(summary("f.oort", &d[1..]).as_deref(), Some("warning: `f.oort` generated 2 warnings"));
        assert_eq!(summary("f.oort", &d[2..]).as_deref(), Some("warning: `f.oort` generated 1 warning"));
        assert_eq!(
            summary("f.oort", &[d[0].clone(), d[0].clone()]).as_deref(),
            Some("error: could not compile `f.oort` due to 2 previous errors")
        );
        assert_eq!(summary("f.oort", &[]), None);
    }

    /// The command line records `-A`/`-D` in order, whichever flag spells them.
    #[test]
    fn flags_in_order() {
        use clap::{CommandFactory, FromArgMatches};
        let argv = ["oort", "check", "-D", "warnings", "--allow", "W0002", "-AW0001", "--deny=W0002", "f.oort"];
        let m = super::Cli::command().try_get_matches_from(argv).unwrap();
        let (_, sub) = m.subcommand().unwrap();
        assert_eq!(
            super::ordered_levels(sub),
            [(Level::Deny, Lint::Warnings), (Level::Allow, UNUSED), (Level::Allow, UNREACH), (Level::Deny, UNUSED),]
        );
        assert!(super::Cli::from_arg_matches(&m).is_ok());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("123"), Ok(123));
        assert_eq!(parse_size("64k"), Ok(64 << 10));
        assert_eq!(parse_size("256M"), Ok(256 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert_eq!(parse_size("0").unwrap_err(), "size `0` is zero (expected at least 1 byte)");
        let expected = "(expected a number of bytes, with an optional suffix k, m or g: e.g. 512k, 64m, 1g)";
        assert_eq!(parse_size("m").unwrap_err(), format!("invalid size `m` {expected}"));
        assert_eq!(parse_size("12q").unwrap_err(), format!("invalid size `12q` {expected}"));
        assert_eq!(parse_size("-1k").unwrap_err(), format!("invalid size `-1k` {expected}"));
        assert_eq!(parse_size("+1k").unwrap_err(), format!("invalid size `+1k` {expected}"));
        assert_eq!(
            parse_size("99999999999999999g").unwrap_err(),
            "size `99999999999999999g` is too large (at most 18446744073709551615 bytes)"
        );
        assert!(parse_size("99999999999999999999999").unwrap_err().contains("too large"));
        assert_eq!(parse_size("18446744073709551615"), Ok(u64::MAX));
    }
}
