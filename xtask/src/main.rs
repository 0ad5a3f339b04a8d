//! Project automation for live-sdk, run as `cargo xtask <command>`:
//!
//! - `codegen [--check]`: regenerate (or check) the committed code made from `fixtures/` and
//!   `.proto` files, as `xtask/codegen.toml` lists them;
//! - `test [ARGS]`: install soketi if needed, then `cargo test --workspace ARGS` with
//!   `LIVE_SOKETI_BIN` set;
//! - `install-soketi`: only the soketi install;
//! - `bench [ARGS]`: the load harness (`cargo bench -p live-sdk --bench load -- ARGS`, a
//!   release build), whose arguments and figures docs/benchmarks.md lists.
//!
//! Arguments are parsed by hand: four commands and one flag do not justify a CLI parser in the
//! compile time of every `cargo xtask` run.

mod codegen;
mod error;
mod test_cmd;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::files::Mode;
use error::Result;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check]   regenerate the code made from fixtures/ and .proto files
                      (--check: write nothing, fail if anything is stale)
  test [ARGS...]      install soketi if needed, then run `cargo test --workspace ARGS...`
  install-soketi      install soketi into .tools/soketi/ only
  bench [ARGS...]     the load harness: `cargo bench -p live-sdk --bench load -- ARGS...`
                      (try `cargo xtask bench --tiktok 1000 --idle 5`; see docs/benchmarks.md)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}

fn dispatch(args: &[String]) -> Result<ExitCode> {
    let root = project_root();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen(&root, Mode::Write),
        ["codegen", "--check"] => codegen(&root, Mode::Check),
        ["test", rest @ ..] => {
            let rest: Vec<String> = rest.iter().map(|s| (*s).to_owned()).collect();
            let code = test_cmd::run_tests(&root, &rest)?;
            Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)))
        }
        ["bench", rest @ ..] => bench(&root, rest),
        ["install-soketi"] => {
            let bin = test_cmd::install_soketi(&root)?;
            println!("soketi {}: {}", test_cmd::SOKETI_VERSION, bin.display());
            Ok(ExitCode::SUCCESS)
        }
        ["help" | "--help" | "-h"] => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            eprint!("{USAGE}");
            Ok(ExitCode::from(2))
        }
    }
}

/// Runs the load harness with `args`, passing its exit code on.
fn bench(root: &Path, args: &[&str]) -> Result<ExitCode> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(root)
        .args(["bench", "-p", "live-sdk", "--bench", "load", "--"])
        .args(args)
        .status()
        .map_err(|e| error::Error::Command {
            command: "cargo bench -p live-sdk --bench load".to_owned(),
            message: format!("could not start: {e}"),
        })?;
    Ok(ExitCode::from(
        status
            .code()
            .and_then(|c| u8::try_from(c).ok())
            .unwrap_or(1),
    ))
}

fn codegen(root: &Path, mode: Mode) -> Result<ExitCode> {
    let changes = codegen::run(root, mode)?;
    match mode {
        Mode::Check if !changes.is_empty() => {
            eprintln!("{}", codegen::stale_message(&changes));
            Ok(ExitCode::FAILURE)
        }
        Mode::Check => {
            println!("generated code is up to date");
            Ok(ExitCode::SUCCESS)
        }
        Mode::Write => {
            for path in &changes.updated {
                println!("wrote   {}", path.display());
            }
            for path in &changes.removed {
                println!("removed {}", path.display());
            }
            if changes.is_empty() {
                println!("generated code is up to date");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The workspace root: xtask lives one level below it. Cargo sets `CARGO_MANIFEST_DIR` when
/// it runs the binary, which stays right if the checkout moved since the build; the path baked
/// in at compile time is the fallback.
fn project_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or(manifest_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails `cargo test` when committed generated code no longer matches its sources
    /// (rust-analyzer's `ensure_file_contents` idea).
    #[test]
    fn generated_code_is_up_to_date() {
        let changes = match codegen::run(&project_root(), Mode::Check) {
            Ok(changes) => changes,
            Err(error) => panic!("cargo xtask codegen --check failed: {error}"),
        };
        assert!(changes.is_empty(), "{}", codegen::stale_message(&changes));
    }
}
