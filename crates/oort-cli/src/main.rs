//! The `oort` command: `oort run FILE [ARGS…]` and `oort check FILE`. See [`oort_cli::cli`].

use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_env("OORT_LOG") {
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    }
    let argv: Vec<_> = std::env::args_os().collect();
    let color = std::io::stderr().is_terminal();
    // The compiler recurses over the syntax tree: give it a roomy stack of its own.
    let worker = std::thread::Builder::new().stack_size(512 << 20).spawn(move || {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::with_capacity(64 << 10, stdout.lock());
        let mut err = std::io::stderr().lock();
        oort_cli::cli::main_with(argv, &mut out, &mut err, color)
    });
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => {
            eprintln!("internal error: the compiler crashed; this is a bug in Oort");
            ExitCode::from(oort_cli::cli::EXIT_INTERNAL)
        }
    }
}
