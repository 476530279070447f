//! The command line: `--port N`, `--db PATH`, `--secret-file PATH`,
//! `--api-key-file PATH`, `--signing-key PEM`, `--password-memory-mib N`,
//! `--password-concurrency N`, each also as `--flag=value`, the last one
//! given winning. `--secret` and `--api-key` are refused: any user of the
//! machine reads a process's arguments in `/proc/PID/cmdline`.
//!
//! A command line that cannot be run exits with status 2, naming what is
//! wrong; `--help` (`-h`) prints the help and exits with status 0.

use std::{ffi::OsString, path::PathBuf};

use clap::{CommandFactory as _, Parser, error::ErrorKind};
use warden_tutorials::DEFAULT_PORT;

use crate::{
    auth::PasswordLimits,
    secrets::{API_KEY_ENV, SECRET_ENV},
};

/// The database used when `--db` is not given.
pub(crate) const DEFAULT_DB: &str = "warden-demo.sqlite3";

/// The exit status of a command line that cannot be run (clap's too).
pub(crate) const USAGE_STATUS: u8 = 2;

/// What the service is run with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Options {
    pub(crate) port: u16,
    pub(crate) db: PathBuf,
    pub(crate) secret_file: Option<PathBuf>,
    pub(crate) api_key_file: Option<PathBuf>,
    pub(crate) signing_key: Option<PathBuf>,
    pub(crate) passwords: PasswordLimits,
}

/// The flags, as clap reads them.
#[derive(Debug, Parser)]
#[command(
    name = "warden-demo",
    about = "warden's demo service: FastAPI's OAuth2 scopes tutorial as a real service, on 127.0.0.1",
    after_help = "The JWT secret comes from --secret-file, else WARDEN_DEMO_SECRET, else the database (made on the \
                  first run); the API key of /metrics/ from --api-key-file, else WARDEN_DEMO_API_KEY, else the \
                  database. Never from the command line: --secret and --api-key are refused.",
    args_override_self = true
)]
struct Cli {
    /// The port to listen on, on 127.0.0.1 (0: one the system picks, printed on startup)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PORT)]
    port: u16,
    /// The SQLite database of the users and secrets, created (mode 0600) on the first run
    #[arg(long, value_name = "PATH", default_value = DEFAULT_DB)]
    db: PathBuf,
    /// A file holding the JWT secret, at least 32 bytes (one trailing newline is dropped)
    #[arg(long, value_name = "PATH")]
    secret_file: Option<PathBuf>,
    /// A file holding the API key of /metrics/, at least 16 visible ASCII characters
    #[arg(long, value_name = "PATH")]
    api_key_file: Option<PathBuf>,
    /// A PEM private key (RSA of 2048 bits or more, P-256 or Ed25519) that signs the tokens instead of the HS256
    /// secret; its public key is published at /.well-known/jwks.json
    #[arg(long, value_name = "PEM")]
    signing_key: Option<PathBuf>,
    /// The memory the argon2 password checks may use at once, in MiB [default: 512]
    #[arg(long, value_name = "N", value_parser = positive)]
    password_memory_mib: Option<usize>,
    /// How many argon2 password checks may run at once [default: the number of CPUs]
    #[arg(long, value_name = "N", value_parser = positive)]
    password_concurrency: Option<usize>,
}

impl From<Cli> for Options {
    fn from(cli: Cli) -> Self {
        Self {
            port: cli.port,
            db: cli.db,
            secret_file: cli.secret_file,
            api_key_file: cli.api_key_file,
            signing_key: cli.signing_key,
            passwords: PasswordLimits {
                memory_mib: cli.password_memory_mib,
                concurrency: cli.password_concurrency,
                queue_timeout: None,
            },
        }
    }
}

/// A whole number above 0.
fn positive(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(number) if number > 0 => Ok(number),
        _ => Err("needs a positive whole number".to_owned()),
    }
}

/// The flags that would put a secret on the command line, and where to give
/// it instead: an environment variable or a file.
const REFUSED: [(&str, &str, &str); 2] =
    [("--secret", SECRET_ENV, "--secret-file"), ("--api-key", API_KEY_ENV, "--api-key-file")];

/// Parses the command line `args` (the program's name first).
///
/// # Errors
///
/// clap's error for `--help` (exit status 0) and for a command line that
/// cannot be run (status [`USAGE_STATUS`]): an unknown flag, a missing or
/// malformed value, or `--secret`/`--api-key`, which are refused before clap
/// sees them, naming the replacement; no message repeats their value.
pub(crate) fn parse<I, T>(args: I) -> Result<Options, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    for arg in args.iter().skip(1) {
        let arg = arg.to_string_lossy();
        let name = arg.split_once('=').map_or(&*arg, |(name, _)| name);
        if let Some((flag, environment, file)) = REFUSED.iter().find(|(flag, ..)| *flag == name) {
            let message = format!(
                "{flag} is refused: a command line is visible to every user of the machine (/proc/PID/cmdline); \
                 give it in {environment} or {file} PATH"
            );
            return Err(Cli::command().error(ErrorKind::UnknownArgument, message));
        }
    }
    Ok(Cli::try_parse_from(args)?.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_args(args: &[&str]) -> Result<Options, clap::Error> {
        parse(std::iter::once("warden-demo").chain(args.iter().copied()))
    }

    #[test]
    fn the_flags_and_their_defaults() {
        let defaults = Options {
            port: 8000,
            db: PathBuf::from("warden-demo.sqlite3"),
            secret_file: None,
            api_key_file: None,
            signing_key: None,
            passwords: PasswordLimits::default(),
        };
        assert_eq!(parse_args(&[]).unwrap(), defaults);
        assert_eq!(
            parse_args(&[
                "--port",
                "18200",
                "--db=/tmp/x.db",
                "--secret-file",
                "/run/s",
                "--api-key-file=/run/k",
                "--signing-key",
                "/run/key.pem",
                "--password-memory-mib=256",
                "--password-concurrency",
                "3",
            ])
            .unwrap(),
            Options {
                port: 18200,
                db: PathBuf::from("/tmp/x.db"),
                secret_file: Some(PathBuf::from("/run/s")),
                api_key_file: Some(PathBuf::from("/run/k")),
                signing_key: Some(PathBuf::from("/run/key.pem")),
                passwords: PasswordLimits { memory_mib: Some(256), concurrency: Some(3), queue_timeout: None },
            }
        );
        // Port 0: the system picks one (the browser test and the flood script use it).
        assert_eq!(parse_args(&["--port=0"]).unwrap().port, 0);
    }

    /// A flag given twice takes its last value, as the hand-written parser did.
    #[test]
    fn the_last_value_of_a_flag_wins() {
        let options = parse_args(&["--port", "1", "--db", "a", "--port=2", "--db", "b"]).unwrap();
        assert_eq!((options.port, options.db), (2, PathBuf::from("b")));
    }

    /// `--help` and `-h` print the help and exit with status 0.
    #[test]
    fn help_exits_with_status_0() {
        for flag in ["--help", "-h"] {
            let help = parse_args(&["--port", "1", flag]).unwrap_err();
            assert_eq!((help.kind(), help.exit_code()), (ErrorKind::DisplayHelp, 0), "{flag}");
            for named in
                ["--secret-file", "--api-key-file", "--signing-key", "WARDEN_DEMO_SECRET", "WARDEN_DEMO_API_KEY"]
            {
                assert!(help.to_string().contains(named), "{flag}: {named}\n{help}");
            }
        }
    }

    /// A command line that cannot be run exits with status 2.
    #[test]
    fn a_command_line_that_cannot_be_run_exits_with_status_2() {
        for args in [
            &["--db"][..],
            &["--port", "x"],
            &["--port", "65536"],
            &["--verbose"],
            &["extra"],
            &["--password-concurrency", "0"],
            &["--password-memory-mib", "-1"],
            &["--password-memory-mib=-1"],
        ] {
            let error = parse_args(args).unwrap_err();
            assert_eq!(error.exit_code(), i32::from(USAGE_STATUS), "{args:?}: {error}");
        }
        let zero = parse_args(&["--password-concurrency", "0"]).unwrap_err().to_string();
        assert!(zero.contains("--password-concurrency") && zero.contains("positive whole number"), "{zero}");
    }

    /// `--secret` and `--api-key` are usage errors (exit status 2) that name
    /// their replacements and never repeat the value.
    #[test]
    fn secrets_on_the_command_line_are_refused() {
        for (args, replacement) in [
            (&["--secret", "hunter2-hunter2-hunter2-hunter2-x"][..], "WARDEN_DEMO_SECRET or --secret-file PATH"),
            (&["--secret=hunter2-hunter2-hunter2-hunter2-x"][..], "WARDEN_DEMO_SECRET or --secret-file PATH"),
            (
                &["--port", "1", "--api-key", "hunter2-hunter2-hunter2-hunter2-x"][..],
                "WARDEN_DEMO_API_KEY or --api-key-file PATH",
            ),
            (&["--api-key=hunter2-hunter2-hunter2-hunter2-x"][..], "WARDEN_DEMO_API_KEY or --api-key-file PATH"),
            // A value clap would read as short flags is never shown either.
            (&["--secret", "-hunter2"][..], "WARDEN_DEMO_SECRET or --secret-file PATH"),
            (&["--verbose", "--api-key=hunter2"][..], "WARDEN_DEMO_API_KEY or --api-key-file PATH"),
        ] {
            let error = parse_args(args).unwrap_err();
            assert_eq!(error.exit_code(), i32::from(USAGE_STATUS), "{args:?}");
            let message = error.to_string();
            assert!(message.contains(replacement), "{message}");
            assert!(message.contains("/proc/PID/cmdline"), "{message}");
            assert!(!message.contains("hunter2"), "{message}");
        }
    }
}
