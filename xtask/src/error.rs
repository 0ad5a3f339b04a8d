//! The one error type of the xtask: every failure names the file or command it concerns.

use std::io;
use std::path::PathBuf;

/// What went wrong in an xtask command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A JSON sample is not valid JSON.
    #[error("{}: invalid JSON: {source}", path.display())]
    Json {
        /// The sample file.
        path: PathBuf,
        /// The parser's error, with line and column.
        source: serde_json::Error,
    },
    /// The codegen config cannot be read.
    #[error("{}: {source}", path.display())]
    Toml {
        /// The config file.
        path: PathBuf,
        /// The parser's error, with line and column.
        source: toml::de::Error,
    },
    /// The codegen config is readable but says something impossible.
    #[error("{}: {message}", path.display())]
    Config {
        /// The config file.
        path: PathBuf,
        /// What is wrong, naming the entry.
        message: String,
    },
    /// Compiling `.proto` files or generating Rust from them failed.
    #[error("proto entry `{entry}`: {message}")]
    Proto {
        /// The `[[proto]]` entry's name.
        entry: String,
        /// The compiler's message.
        message: String,
    },
    /// Generated tokens did not form valid Rust (a bug in the generator or a bad override).
    #[error("{what}: generated code does not parse: {source}")]
    Syntax {
        /// The output file or type concerned.
        what: String,
        /// The parser's error.
        source: syn::Error,
    },
    /// A bug in the generator: a state the code should never reach.
    #[error("internal error: {0}")]
    Internal(String),
    /// An external command could not be started or failed.
    #[error("`{command}` {message}")]
    Command {
        /// The command line, for the reader to re-run by hand.
        command: String,
        /// What happened.
        message: String,
    },
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }
}

/// The xtask's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
