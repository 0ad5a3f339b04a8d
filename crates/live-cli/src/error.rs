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

    /// Prints the error and its causes to stderr, on one line.
    pub fn report(&self) {
        eprintln!("error: {}", self.one_line());
    }

    /// The error and its causes joined on one line (a cause already quoted by its parent's
    /// message is not repeated).
    pub fn one_line(&self) -> String {
        match self {
            CliError::Usage(message) => message.clone(),
            CliError::Failed(error) => {
                let mut line = error.to_string();
                let mut source = error.source();
                while let Some(cause) = source {
                    let text = cause.to_string();
                    if !line.contains(&text) {
                        line.push_str(": ");
                        line.push_str(&text);
                    }
                    source = cause.source();
                }
                line.replace('\n', " ")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|l| l as _)
        }
    }

    #[test]
    fn errors_print_on_one_line_with_their_causes() {
        let error = CliError::from(Layer(
            "GET http://x/y: could not connect",
            Some(Box::new(Layer("connection refused\n(os error 111)", None))),
        ));
        assert_eq!(
            error.one_line(),
            "GET http://x/y: could not connect: connection refused (os error 111)"
        );
        let repeated = CliError::from(Layer("a: b", Some(Box::new(Layer("b", None)))));
        assert_eq!(repeated.one_line(), "a: b");
        assert_eq!(
            CliError::usage("LIVE_TENCENT_KEY is not set").one_line(),
            "LIVE_TENCENT_KEY is not set"
        );
    }
}
