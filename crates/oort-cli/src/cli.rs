//! The command line: argument parsing and the `run` / `check` commands, writing to the
//! given output streams so tests drive exactly what the `oort` binary does.
//!
//! Exit status: 0 success, 1 compile errors (or an unreadable source file), 2 usage
//! errors, 3 runtime errors.

use crate::{Compiled, compile, default_pipeline, emit, registry, render, stages, stages_help};
use clap::{Args, Parser, Subcommand};
use oort_ir::{Stop, Unit};
use oort_syntax::SourceFile;
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

pub const EXIT_COMPILE: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_RUNTIME: u8 = 3;
/// The compiler itself failed (a bug in Oort, never the user's fault).
pub const EXIT_INTERNAL: u8 = 101;

#[derive(Parser)]
#[command(name = "oort", version, about = "The Oort language: compiler and virtual machine")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

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
}

#[derive(Args)]
struct CompileOpts {
    /// Print the output of a stage instead of running (`--emit=help` lists them).
    #[arg(long, value_name = "STAGE")]
    emit: Option<String>,
    /// Limit of the VM stack, e.g. `256m`, `64k`, `1g`. Deeper recursion stops with the
    /// runtime error "stack overflow".
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "256m")]
    max_stack: u64,
    /// Limit of the heap (live data after a full collection), e.g. `64m`, `1g`; default
    /// 4g. Exceeding it is the runtime error "out of memory".
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "4g")]
    max_heap: u64,
    /// Collect garbage at every allocation (slow; for testing the collector).
    #[arg(long)]
    gc_stress: bool,
    /// After the run, print the garbage collector's statistics to stderr.
    #[arg(long)]
    gc_stats: bool,
}

/// Parses `123`, `64k`, `256m`, `1g` (binary multiples) into a byte count.
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
    let n: u64 = digits.parse().map_err(|_| format!("invalid size `{s}` (expected e.g. 64m, 512k, 1g)"))?;
    n.checked_mul(1 << shift).filter(|&b| b > 0).ok_or_else(|| format!("invalid size `{s}`"))
}

/// Runs the command line `argv` (including the program name), writing the program's
/// output to `out` and messages to `err`. Returns the exit status.
pub fn main_with(argv: Vec<OsString>, out: &mut dyn Write, err: &mut dyn Write, color: bool) -> u8 {
    let cli = match Cli::try_parse_from(argv) {
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
    let code = drive(cli, out, err, color);
    let _ = out.flush();
    let _ = err.flush();
    code
}

fn drive(cli: Cli, out: &mut dyn Write, err: &mut dyn Write, color: bool) -> u8 {
    let (opts, file, args, run) = match cli.command {
        Command::Run { opts, file, args } => (opts, file, args, true),
        Command::Check { opts, file } => (opts, file, Vec::new(), false),
    };
    let reg = registry();
    let pipeline = default_pipeline(&reg);
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
        let _ = writeln!(err, "error: no source file given\n\nUsage: oort run FILE [ARGS...]\n       oort check FILE");
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
    let Compiled { unit, result } = if parse_only {
        Compiled { unit: Unit::parse(source), result: Ok(()) }
    } else {
        compile(source, &pipeline, opts.emit.as_deref())
    };
    let _ = write!(err, "{}", render::diagnostics(&unit.file, &unit.diags, color));
    if let Err(Stop::Verifier { after, errors }) = &result {
        let _ = writeln!(err, "internal error: IR verifier failed after pass `{after}`:");
        for e in errors {
            let _ = writeln!(err, "  {e}");
        }
        return EXIT_INTERNAL;
    }
    if let Some(stage) = &opts.emit {
        if result.is_err() {
            return EXIT_COMPILE;
        }
        let text = emit(&unit, &pipeline, stage).unwrap_or_default();
        let _ = out.write_all(text.as_bytes());
        return 0;
    }
    if result.is_err() {
        let n = unit.diags.iter().filter(|d| d.is_error()).count();
        let s = if n == 1 { "" } else { "s" };
        let _ = writeln!(err, "error: could not compile `{}` due to {n} previous error{s}", unit.file.name);
        return EXIT_COMPILE;
    }
    if !run {
        return 0;
    }
    let file = unit.file;
    let Some(program) = unit.backend.and_then(|b| b.downcast::<oort_vm::Program>().ok()) else {
        let _ = writeln!(err, "internal error: no bytecode was produced");
        return EXIT_INTERNAL;
    };
    let options = oort_vm::VmOptions {
        max_stack: opts.max_stack as usize,
        max_heap: opts.max_heap as usize,
        gc_stress: opts.gc_stress || std::env::var_os("OORT_GC_STRESS").is_some(),
    };
    let mut vm = match oort_vm::Vm::new(*program, args, options) {
        Ok(vm) => vm,
        Err(e) => {
            let _ = writeln!(err, "internal error: the bytecode was rejected: {e}");
            return EXIT_INTERNAL;
        }
    };
    let start = std::time::Instant::now();
    let result = vm.run(out);
    let _ = out.flush();
    if opts.gc_stats {
        let _ = write!(err, "{}", gc_stats_text(&vm.gc_stats(), start.elapsed()));
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

fn read_source(path: &PathBuf) -> Result<SourceFile, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!("`{}` is not valid UTF-8 (invalid byte at offset {})", path.display(), e.utf8_error().valid_up_to())
    })?;
    Ok(SourceFile::new(path.display().to_string(), text))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("123"), Ok(123));
        assert_eq!(parse_size("64k"), Ok(64 << 10));
        assert_eq!(parse_size("256M"), Ok(256 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert!(parse_size("0").is_err());
        assert!(parse_size("m").is_err());
        assert!(parse_size("12q").is_err());
        assert!(parse_size("99999999999999999g").is_err());
    }
}
