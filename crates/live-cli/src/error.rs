//! How the `live` tool reports failures: one line on stderr per cause, and an exit code
//! (2 for bad usage, 1 for everything else).

use std::fmt;
use std::process::ExitCode;

/// A failure of a `live` command.
#[derive(Debug)]
pub enum CliError {
    /// The command line or the environment is wrong (exit code 2).
    Usage(String),
    /// The command ran and failed (exit code 1).
    Failed(Box<dyn std::error::Error + Send + Sync>),
}

impl CliError {
    /// A usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::Usage(message.into())
    }

    /// A failure with a message only.
    pub fn failed(message: impl Into<String>) -> Self {
        CliError::Failed(message.into().into())
    }

    /// Prints the error and its causes to stderr.
    pub fn report(&self) {
        match self {
            CliError::Usage(message) => eprintln!("error: {message}"),
            CliError::Failed(error) => {
                eprintln!("error: {error}");
                let mut source = error.source();
                while let Some(cause) = source {
                    eprintln!("  caused by: {cause}");
                    source = cause.source();
                }
            }
        }
    }

    /// The process exit code.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_) => ExitCode::from(2),
            CliError::Failed(_) => ExitCode::from(1),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(message) => f.write_str(message),
            CliError::Failed(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for CliError {
    fn from(error: E) -> Self {
        CliError::Failed(Box::new(error))
    }
}

/// The result of a command.
pub type CliResult = Result<ExitCode, CliError>;
