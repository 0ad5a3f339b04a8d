//! `cargo xtask test` and `cargo xtask install-soketi`: the workspace tests with a local soketi
//! (a real Pusher server for kick-ws's tests), installed once into `.tools/soketi/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};

/// The soketi release the tests are written against.
pub const SOKETI_VERSION: &str = "1.6.1";

/// soketi 1.6.1 pins `uWebSockets.js` to a GitHub tag that npm fetches over ssh, which fails
/// without GitHub access; this registry build ships the Node 20 ABI it needs instead.
const UWS_OVERRIDE: &str = "npm:@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0";

/// The environment variable the tests read soketi's path from.
pub const SOKETI_ENV: &str = "LIVE_SOKETI_BIN";

/// Where soketi is installed, relative to the workspace root.
pub fn soketi_dir(root: &Path) -> PathBuf {
    root.join(".tools").join("soketi")
}

/// The soketi executable.
pub fn soketi_bin(root: &Path) -> PathBuf {
    soketi_dir(root)
        .join("node_modules")
        .join(".bin")
        .join("soketi")
}

/// The npm manifest of the install: soketi plus the override that makes it installable.
pub fn package_json() -> String {
    let manifest = serde_json::json!({
        "private": true,
        "dependencies": { "@soketi/soketi": SOKETI_VERSION },
        "overrides": { "uWebSockets.js": UWS_OVERRIDE },
    });
    format!("{manifest:#}\n")
}

/// Installs soketi unless the same install is already there; returns the executable's path.
pub fn install_soketi(root: &Path) -> Result<PathBuf> {
    let dir = soketi_dir(root);
    let manifest_path = dir.join("package.json");
    let bin = soketi_bin(root);
    let manifest = package_json();
    let installed = std::fs::read_to_string(&manifest_path).is_ok_and(|m| m == manifest);
    if installed && bin.exists() {
        return Ok(bin);
    }
    eprintln!("installing soketi {SOKETI_VERSION} into {}", dir.display());
    std::fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
    std::fs::write(&manifest_path, manifest).map_err(Error::io(&manifest_path))?;
    let args = ["install", "--no-audit", "--no-fund"];
    let command = format!("npm {}", args.join(" "));
    let status = Command::new("npm")
        .args(args)
        .current_dir(&dir)
        .status()
        .map_err(|e| Error::Command {
            command: command.clone(),
            message: format!("could not start: {e} (soketi needs Node.js 20 and npm)"),
        })?;
    if !status.success() {
        return Err(Error::Command {
            command,
            message: format!("failed in {} ({status})", dir.display()),
        });
    }
    if !bin.exists() {
        return Err(Error::Command {
            command,
            message: format!("succeeded but {} is missing", bin.display()),
        });
    }
    Ok(bin)
}

/// The arguments of `cargo test`: the whole workspace unless the caller picked packages
/// (cargo ignores `-p` next to `--workspace`).
pub fn cargo_test_args(args: &[String]) -> Vec<String> {
    let cargo_args = args.iter().take_while(|a| *a != "--");
    let picks_packages = cargo_args.into_iter().any(|a| {
        a == "-p" || a == "--package" || a.starts_with("--package=") || a.starts_with("-p")
    });
    let mut full = vec!["test".to_owned()];
    if !picks_packages {
        full.push("--workspace".to_owned());
    }
    full.extend(args.iter().cloned());
    full
}

/// Runs `cargo test --workspace <args>` with soketi installed and its path in
/// [`SOKETI_ENV`]; returns cargo's exit code.
pub fn run_tests(root: &Path, args: &[String]) -> Result<i32> {
    let bin = install_soketi(root)?;
    // Inside `cargo xtask`, CARGO names the cargo that launched us (same toolchain).
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let args = cargo_test_args(args);
    let command = format!("cargo {}", args.join(" "));
    let status = Command::new(cargo)
        .args(&args)
        .current_dir(root)
        .env(SOKETI_ENV, &bin)
        .status()
        .map_err(|e| Error::Command {
            command,
            message: format!("could not start: {e}"),
        })?;
    // A signal leaves no code; report it as a failure all the same.
    Ok(status.code().unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_pins_soketi_and_overrides_uws() {
        let manifest: serde_json::Value = serde_json::from_str(&package_json()).unwrap();
        assert_eq!(manifest["dependencies"]["@soketi/soketi"], "1.6.1");
        assert_eq!(
            manifest["overrides"]["uWebSockets.js"],
            "npm:@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0"
        );
    }

    #[test]
    fn the_whole_workspace_is_tested_unless_packages_are_picked() {
        let args =
            |a: &[&str]| cargo_test_args(&a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        assert_eq!(args(&[]), ["test", "--workspace"]);
        assert_eq!(
            args(&["--", "round_trip"]),
            ["test", "--workspace", "--", "round_trip"]
        );
        assert_eq!(args(&["-p", "kitkot"]), ["test", "-p", "kitkot"]);
        assert_eq!(args(&["--package=xtask"]), ["test", "--package=xtask"]);
        assert_eq!(args(&["--", "-p"]), ["test", "--workspace", "--", "-p"]);
    }

    #[test]
    fn an_existing_install_is_reused_without_npm() {
        let dir = tempfile::tempdir().unwrap();
        let bin = soketi_bin(dir.path());
        std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
        std::fs::write(&bin, "").unwrap();
        std::fs::write(soketi_dir(dir.path()).join("package.json"), package_json()).unwrap();
        assert_eq!(install_soketi(dir.path()).unwrap(), bin);
    }
}
