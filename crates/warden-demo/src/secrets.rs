//! The service's secrets: the JWT secret and the operator's API key, each
//! from a file named on the command line, else from the environment, else
//! made on the first run and kept in the database. Never from the command
//! line itself, where `/proc/PID/cmdline` shows it to every user.

use std::path::Path;

use warden::Secret;

use crate::AnyError;

/// The environment variable that gives the JWT secret.
pub(crate) const SECRET_ENV: &str = "WARDEN_DEMO_SECRET";

/// The environment variable that gives the operator's API key.
pub(crate) const API_KEY_ENV: &str = "WARDEN_DEMO_API_KEY";

/// The shortest API key accepted.
const MIN_API_KEY_LEN: usize = 16;

/// The shortest secret accepted: RFC 7518 §3.2 asks HS256 keys for 256 bits.
const MIN_SECRET_LEN: usize = 32;

/// 32 random bytes from the operating system, in hex: what
/// `openssl rand -hex 32` gives, as the tutorial suggests.
pub(crate) fn random_secret() -> Result<String, AnyError> {
    let mut bytes = [0_u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| "the operating system gave no random bytes")?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// Where the JWT secret comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SecretSource {
    File,
    Environment,
    Database,
}

/// The contents of the secret file `path`, without one trailing newline
/// (`\n` or `\r\n`), as `openssl rand -hex 32 > FILE` writes it. The
/// message of an error names the file, never its contents. Blocking.
fn read_secret_file(path: &Path) -> Result<String, String> {
    let mut text =
        std::fs::read_to_string(path).map_err(|error| format!("cannot read the file {}: {error}", path.display()))?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(text)
}

/// The secret to sign with: the `--secret-file`'s, else the environment's,
/// else the stored one. A given secret must have at least
/// [`MIN_SECRET_LEN`] bytes.
pub(crate) fn choose_secret(
    file: Option<String>,
    environment: Option<String>,
    stored: String,
) -> Result<(String, SecretSource), String> {
    let (secret, source) = match (file, environment) {
        (Some(secret), _) => (secret, SecretSource::File),
        (None, Some(secret)) => (secret, SecretSource::Environment),
        (None, None) => return Ok((stored, SecretSource::Database)),
    };
    if secret.len() < MIN_SECRET_LEN {
        let from = if source == SecretSource::File { "--secret-file" } else { SECRET_ENV };
        return Err(format!(
            "the JWT secret from {from} must have at least {MIN_SECRET_LEN} bytes (try `openssl rand -hex 32`)"
        ));
    }
    Ok((secret, source))
}

/// The API key `/metrics/` accepts: the `--api-key-file`'s, else the
/// environment's, else the stored one. A given key must have at least
/// [`MIN_API_KEY_LEN`] visible ASCII characters, which a header carries
/// unchanged.
pub(crate) fn choose_api_key(
    file: Option<String>,
    environment: Option<String>,
    stored: String,
) -> Result<Secret, String> {
    let from = if file.is_some() { "--api-key-file" } else { API_KEY_ENV };
    let Some(key) = file.or(environment) else { return Ok(Secret::from(stored)) };
    if key.len() < MIN_API_KEY_LEN || !key.bytes().all(|byte| byte.is_ascii_graphic()) {
        return Err(format!(
            "the API key from {from} must have at least {MIN_API_KEY_LEN} visible ASCII characters (try `openssl rand \
             -hex 32`)"
        ));
    }
    Ok(Secret::from(key))
}

/// A secret given in the file `path`, if any, or the message naming the
/// file. Blocking.
pub(crate) fn secret_from(path: Option<&Path>, flag: &str) -> Result<Option<String>, String> {
    path.map(|path| read_secret_file(path).map_err(|error| format!("{flag}: {error}"))).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::TempDir;

    /// A secret file wins over the environment, which wins over the
    /// database; a short secret is refused, naming where it came from.
    #[test]
    fn the_secret_given_wins() {
        let long = |text: &str| Some(format!("{text:-<32}"));
        let stored = "stored".to_owned();
        assert_eq!(choose_secret(None, None, stored.clone()), Ok((stored.clone(), SecretSource::Database)));
        assert_eq!(
            choose_secret(None, long("env"), stored.clone()).map(|(_, source)| source),
            Ok(SecretSource::Environment)
        );
        assert_eq!(
            choose_secret(long("file"), long("env"), stored.clone()),
            Ok((long("file").unwrap(), SecretSource::File))
        );
        let short = choose_secret(Some("short".to_owned()), None, stored.clone()).unwrap_err();
        assert!(short.contains("--secret-file") && !short.contains("short"), "{short}");
        let short = choose_secret(None, Some("short".to_owned()), stored).unwrap_err();
        assert!(short.contains(SECRET_ENV), "{short}");
        assert_eq!(random_secret().unwrap().len(), 64);
        let key = |file: Option<&str>, environment: Option<&str>| {
            choose_api_key(file.map(str::to_owned), environment.map(str::to_owned), "stored-key-stored-key".to_owned())
                .map(|key| key.expose().to_owned())
        };
        assert_eq!(key(None, None), Ok("stored-key-stored-key".to_owned()));
        assert_eq!(key(Some("file-key-0123456789"), Some("env-key-0123456789")), Ok("file-key-0123456789".to_owned()));
        assert_eq!(key(None, Some("env-key-0123456789")), Ok("env-key-0123456789".to_owned()));
        assert!(key(Some("short"), None).unwrap_err().contains("--api-key-file"));
        assert!(key(None, Some("sixteen chars but a space")).unwrap_err().contains(API_KEY_ENV));
        assert_ne!(random_secret().unwrap(), random_secret().unwrap());
    }

    /// A secret file is read whole, less one trailing newline; a file that
    /// cannot be read is named in the message.
    #[test]
    fn secret_files_lose_one_trailing_newline() {
        let dir = TempDir::new();
        let file = dir.0.join("secret");
        for (written, read) in [
            ("0123456789abcdef0123456789abcdef\n", "0123456789abcdef0123456789abcdef"),
            ("0123456789abcdef0123456789abcdef\r\n", "0123456789abcdef0123456789abcdef"),
            ("0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"),
            ("two lines\n\n", "two lines\n"),
            (" spaces kept ", " spaces kept "),
        ] {
            std::fs::write(&file, written).unwrap();
            assert_eq!(read_secret_file(&file).as_deref(), Ok(read), "{written:?}");
        }
        let missing = dir.0.join("missing");
        let error = secret_from(Some(&missing), "--secret-file").unwrap_err();
        assert!(error.starts_with("--secret-file: cannot read the file ") && error.contains("missing"), "{error}");
        assert_eq!(secret_from(None, "--secret-file"), Ok(None));
        // The file's secret signs the tokens, like any given secret.
        std::fs::write(&file, "a secret read from a file, 32 bytes+\n").unwrap();
        let secret = secret_from(Some(&file), "--secret-file").unwrap();
        assert_eq!(choose_secret(secret, None, "stored".to_owned()).unwrap().1, SecretSource::File);
    }
}
