//! The `folio` program: the desktop app, or a headless command on the same core.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    // A decoder's panic on a strange file is that file's reason, never a crash on stderr.
    folio::core::panics::install();
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(code) => code,
        // `folio list | head`: the reader is gone, and that is fine.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("folio: {e:#}");
            ExitCode::from(2)
        }
    }
}
