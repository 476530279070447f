//! What the tests share: a database of their own in a temporary directory,
//! the service opened on it, and tokens signed as `/token` signs them.
//! Creating a database hashes two passwords and each login runs argon2
//! (slow in a debug build), so the tests are few and each does a whole story.

use std::{
    path::{Path, PathBuf},
    sync::atomic::{AtomicUsize, Ordering},
    time::{SystemTime, UNIX_EPOCH},
};

use warden::jwt::{Algorithm, EncodingKey, Header, encode};
pub(crate) use warden_tutorials::testing::tries::basic;

use crate::{
    app::{Given, Opened, open},
    signing::Claims,
};

/// A directory of its own under the system's temporary directory,
/// removed when dropped.
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new() -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
        let name = format!("warden-demo-{}-{nanos}-{}", std::process::id(), COUNT.fetch_add(1, Ordering::Relaxed));
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir(&dir).unwrap();
        Self(dir)
    }

    /// The database path in the directory (not created).
    pub(crate) fn db(&self) -> PathBuf {
        self.0.join("demo.sqlite3")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The service on the database `path`, given only `secret_file`'s contents.
pub(crate) async fn open_blocking(path: PathBuf, secret_file: Option<String>) -> Opened {
    let given = Given { secret_file, ..Given::default() };
    tokio::task::spawn_blocking(move || open(&path, given)).await.unwrap().unwrap()
}

/// `open` with nothing given, for the error it returns.
pub(crate) async fn open_error(path: PathBuf) -> String {
    tokio::task::spawn_blocking(move || open(&path, Given::default())).await.unwrap().unwrap_err().to_string()
}

/// The permission bits of `path`.
pub(crate) fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A token signed with `secret`, as `/token` signs them.
pub(crate) fn signed(secret: &str, sub: &str, scope: &str, exp: u64) -> String {
    let key = EncodingKey::from_secret(secret.as_bytes()).unwrap();
    encode(&Header::new(Algorithm::Hs256), &Claims { sub: sub.to_owned(), scope: scope.to_owned(), exp }, &key).unwrap()
}
