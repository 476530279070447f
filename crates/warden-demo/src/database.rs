//! The SQLite database: the users (their argon2 hashes and the scopes each
//! may be granted) and the settings (the JWT secret and the API key made on
//! the first run), in a file only its owner may read.
//!
//! SQLite blocks: every request's use goes through [`Db::run`], on tokio's
//! blocking threads.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex, PoisonError},
};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::Serialize;
use warden::password::hash_password;

use crate::{AnyError, secrets::random_secret};

/// A user as the routes show it (the tutorial's `User`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct User {
    pub(crate) username: String,
    pub(crate) email: Option<String>,
    pub(crate) full_name: Option<String>,
    pub(crate) disabled: bool,
}

/// A row of the `users` table.
#[derive(Debug, Clone)]
pub(crate) struct UserRow {
    pub(crate) user: User,
    /// The scopes the user may be granted, space-separated.
    pub(crate) scopes: String,
    pub(crate) hashed_password: String,
}

/// A user created on the first run.
struct FirstUser {
    username: &'static str,
    full_name: &'static str,
    email: &'static str,
    password: &'static str,
    disabled: bool,
    /// The scopes they may be granted, space-separated.
    scopes: &'static str,
}

/// The users created on the first run: the tutorial's, with their passwords
/// and scopes (alice may have `me`, but she is disabled).
const FIRST_USERS: [FirstUser; 2] = [
    FirstUser {
        username: "johndoe",
        full_name: "John Doe",
        email: "johndoe@example.com",
        password: "secret",
        disabled: false,
        scopes: "me items",
    },
    FirstUser {
        username: "alice",
        full_name: "Alice Chains",
        email: "alicechains@example.com",
        password: "secretalice",
        disabled: true,
        scopes: "me",
    },
];

/// The database's `user_version`: 1 had no `users.scopes`, 2 has it.
const SCHEMA_VERSION: i64 = 2;

/// What [`Db::open`] found at the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    /// Nothing: the database was created, with the first users.
    Created,
    /// A database of version 1 (no scopes): the column was added, and the
    /// first users (found by name) got their scopes; any other user has none.
    Migrated,
    /// A database of the current version.
    Current,
}

/// The files SQLite keeps beside the database `path`: its rollback journal,
/// its write-ahead log and the log's shared-memory index.
fn companion_files(path: &Path) -> [PathBuf; 3] {
    ["-journal", "-wal", "-shm"].map(|suffix| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    })
}

/// Makes sure only the owner can read the database at `path`: a new file is
/// created with mode 0600 whatever the umask (SQLite gives its journal, log
/// and index the database file's mode); an existing database or companion
/// file that group or others may read or write is refused. Blocking.
fn private_database_file(path: &Path) -> Result<(), AnyError> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

    match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
        // The umask may have taken bits from 0600; the file gets exactly 0600.
        Ok(file) => file.set_permissions(std::fs::Permissions::from_mode(0o600))?,
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(error) => return Err(format!("cannot create the database {}: {error}", path.display()).into()),
    }
    for file in std::iter::once(path.to_owned()).chain(companion_files(path)) {
        let mode = match std::fs::metadata(&file) {
            Ok(metadata) => metadata.permissions().mode() & 0o777,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => return Err(format!("cannot read the mode of {}: {error}", file.display()).into()),
        };
        if mode & 0o066 != 0 {
            return Err(format!(
                "{} may be read or written by group or others (mode {mode:04o}); it holds password hashes \
                 and the service's secrets: run `chmod 600 {}` and start again",
                file.display(),
                file.display()
            )
            .into());
        }
    }
    Ok(())
}

/// The SQLite database, shared by the requests. Every use goes through
/// [`Db::run`], on a blocking thread.
#[derive(Debug, Clone)]
pub(crate) struct Db(Arc<Mutex<Connection>>);

impl Db {
    /// Opens the database at `path` (see [`private_database_file`]),
    /// creating it with the first users and a random secret when it is new
    /// (its `user_version` is 0), and bringing a version 1 database up to
    /// date. Blocking.
    pub(crate) fn open(path: &Path) -> Result<(Self, Found), AnyError> {
        private_database_file(path)?;
        // The file exists: SQLite must not create another one in a race.
        let flags = OpenFlags::default().difference(OpenFlags::SQLITE_OPEN_CREATE);
        let mut connection = Connection::open_with_flags(path, flags)?;
        // The write-ahead log and its index, like the database, are 0600.
        let journal: String = connection.pragma_update_and_check(None, "journal_mode", "wal", |row| row.get(0))?;
        if !journal.eq_ignore_ascii_case("wal") {
            return Err(format!("SQLite kept the journal mode {journal:?} instead of WAL").into());
        }
        let version: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let found = match version {
            0 => {
                Self::create(&mut connection)?;
                Found::Created
            }
            1 => {
                Self::migrate_from_1(&mut connection)?;
                Found::Migrated
            }
            SCHEMA_VERSION => Found::Current,
            _ => return Err(format!("the database has version {version}, newer than this service's").into()),
        };
        // The API key came with version 2 of the demo: added to older databases too.
        connection
            .execute("INSERT OR IGNORE INTO settings (name, value) VALUES ('api_key', ?1)", [random_secret()?])?;
        Ok((Self(Arc::new(Mutex::new(connection))), found))
    }

    /// Creates the tables, the first users and the JWT secret. Blocking.
    fn create(connection: &mut Connection) -> Result<(), AnyError> {
        let transaction = connection.transaction()?;
        transaction.execute_batch(
            "CREATE TABLE users (
                 username TEXT PRIMARY KEY NOT NULL,
                 full_name TEXT,
                 email TEXT,
                 hashed_password TEXT NOT NULL,
                 disabled INTEGER NOT NULL DEFAULT 0,
                 scopes TEXT NOT NULL DEFAULT ''
             );
             CREATE TABLE settings (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);",
        )?;
        for user in FIRST_USERS {
            transaction.execute(
                "INSERT INTO users (username, full_name, email, hashed_password, disabled, scopes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    user.username,
                    user.full_name,
                    user.email,
                    hash_password(user.password)?,
                    user.disabled,
                    user.scopes
                ],
            )?;
        }
        transaction.execute("INSERT INTO settings (name, value) VALUES ('jwt_secret', ?1)", [random_secret()?])?;
        transaction.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        transaction.commit()?;
        Ok(())
    }

    /// Version 1 had no scopes: every user gets the column, empty, and the
    /// first users (by name) their scopes. Blocking.
    fn migrate_from_1(connection: &mut Connection) -> Result<(), AnyError> {
        let transaction = connection.transaction()?;
        transaction.execute_batch("ALTER TABLE users ADD COLUMN scopes TEXT NOT NULL DEFAULT '';")?;
        for user in FIRST_USERS {
            transaction
                .execute("UPDATE users SET scopes = ?2 WHERE username = ?1", params![user.username, user.scopes])?;
        }
        transaction.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        transaction.commit()?;
        Ok(())
    }

    /// Runs `work` with the connection on a blocking thread.
    pub(crate) async fn run<T, F>(&self, work: F) -> Result<T, AnyError>
    where
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.0.clone();
        let done = tokio::task::spawn_blocking(move || {
            let connection = db.lock().unwrap_or_else(PoisonError::into_inner);
            work(&connection)
        });
        Ok(done.await??)
    }

    /// Runs `work` with the connection on this thread. Blocking.
    pub(crate) fn blocking<T>(&self, work: impl FnOnce(&Connection) -> T) -> T {
        let connection = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        work(&connection)
    }

    /// The JWT secret stored on the first run. Blocking.
    pub(crate) fn stored_secret(connection: &Connection) -> rusqlite::Result<String> {
        connection.query_row("SELECT value FROM settings WHERE name = 'jwt_secret'", [], |row| row.get(0))
    }

    /// The API key stored on the first run. Blocking.
    pub(crate) fn stored_api_key(connection: &Connection) -> rusqlite::Result<String> {
        connection.query_row("SELECT value FROM settings WHERE name = 'api_key'", [], |row| row.get(0))
    }

    /// How many users there are, and how many of them are active. Blocking.
    pub(crate) fn user_counts(connection: &Connection) -> rusqlite::Result<(i64, i64)> {
        connection.query_row("SELECT COUNT(*), COUNT(*) FILTER (WHERE disabled = 0) FROM users", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
    }

    /// The user `username`, if any. Blocking.
    pub(crate) fn user(connection: &Connection, username: &str) -> rusqlite::Result<Option<UserRow>> {
        connection
            .query_row(
                "SELECT username, email, full_name, disabled, scopes, hashed_password FROM users WHERE username = ?1",
                [username],
                |row| {
                    let user = User {
                        username: row.get(0)?,
                        email: row.get(1)?,
                        full_name: row.get(2)?,
                        disabled: row.get(3)?,
                    };
                    Ok(UserRow { user, scopes: row.get(4)?, hashed_password: row.get(5)? })
                },
            )
            .optional()
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::{Connection, params};
    use warden::password::hash_password;
    use warden_tutorials::{
        jwt::unix_now,
        testing::{Req, login},
        users::JOHNDOE_ME_ITEMS,
    };

    use super::*;
    use crate::{
        routes::{TOKEN_PATH, USERS_ME},
        secrets::SecretSource,
        test_support::{TempDir, mode, open_blocking, open_error, signed},
    };

    /// The first run creates the database with the two users (argon2id
    /// hashes with pwdlib's parameters) and a random secret; the next run
    /// finds it as it was.
    #[tokio::test]
    async fn first_run_creates_the_database_and_the_next_run_reuses_it() {
        let dir = TempDir::new();
        assert!(!dir.db().exists());
        let first = open_blocking(dir.db(), None).await;
        assert_eq!(first.found, Found::Created);
        assert_eq!(first.secret, SecretSource::Database);
        assert!(dir.db().exists());

        let connection = Connection::open(dir.db()).unwrap();
        let mut statement = connection
            .prepare("SELECT username, hashed_password, disabled, scopes FROM users ORDER BY username")
            .unwrap();
        let users: Vec<(String, String, bool, String)> = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(users.len(), 2);
        assert_eq!((users[0].0.as_str(), users[0].2, users[0].3.as_str()), ("alice", true, "me"));
        assert_eq!((users[1].0.as_str(), users[1].2, users[1].3.as_str()), ("johndoe", false, "me items"));
        for (_, hash, _, _) in &users {
            assert!(hash.starts_with("$argon2id$v=19$m=65536,t=3,p=4$"), "{hash}");
        }
        assert_ne!(users[0].1, users[1].1);
        let secret = Db::stored_secret(&connection).unwrap();
        assert_eq!(secret.len(), 64);
        assert!(secret.bytes().all(|byte| byte.is_ascii_hexdigit()));

        let second = open_blocking(dir.db(), None).await;
        assert_eq!(second.found, Found::Current);
        assert_eq!(Db::stored_secret(&connection).unwrap(), secret);
        let hash: String = connection
            .query_row("SELECT hashed_password FROM users WHERE username = 'johndoe'", [], |row| row.get(0))
            .unwrap();
        assert_eq!(hash, users[1].1);
        // A token signed with the stored secret opens the reopened service.
        let token = signed(&secret, "johndoe", "me", unix_now() + 60);
        assert_eq!(Req::get(USERS_ME).bearer(&token).send(&second.app).await.status, 200);
    }

    /// The database and its write-ahead log and index are created 0600
    /// whatever the umask; an existing one that group or others may read or
    /// write is refused with the file's name and the fix.
    #[tokio::test]
    async fn the_database_is_private_to_its_owner() {
        let dir = TempDir::new();
        let opened = open_blocking(dir.db(), None).await;
        let [journal, wal, shm] = companion_files(&dir.db());
        assert_eq!(mode(&dir.db()), 0o600);
        assert!(!journal.exists(), "the journal is the write-ahead log");
        assert_eq!((mode(&wal), mode(&shm)), (0o600, 0o600));
        drop(opened);

        use std::os::unix::fs::PermissionsExt;
        for (loose, file) in [(0o644, dir.db()), (0o620, dir.db()), (0o604, wal.clone())] {
            std::fs::write(&wal, b"").unwrap();
            std::fs::set_permissions(&wal, std::fs::Permissions::from_mode(0o600)).unwrap();
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(loose)).unwrap();
            let error = open_error(dir.db()).await;
            let path = file.display();
            assert!(error.contains(&format!("{path} may be read or written by group or others")), "{error}");
            assert!(error.contains(&format!("`chmod 600 {path}`")), "{error}");
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        // Once private again, it opens; owner-only bits other than 0600 are fine.
        std::fs::set_permissions(dir.db(), std::fs::Permissions::from_mode(0o400 | 0o200 | 0o100)).unwrap();
        assert_eq!(open_blocking(dir.db(), None).await.found, Found::Current);
    }

    /// A database of version 1 (no scopes) opens: the tutorial's users get
    /// their scopes, any other user none.
    #[tokio::test]
    async fn a_database_without_scopes_is_migrated() {
        let dir = TempDir::new();
        {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(dir.db()).unwrap();
            let connection = Connection::open(dir.db()).unwrap();
            connection
                .execute_batch(
                    "CREATE TABLE users (username TEXT PRIMARY KEY NOT NULL, full_name TEXT, email TEXT,
                                         hashed_password TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);
                     CREATE TABLE settings (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                     INSERT INTO settings VALUES ('jwt_secret', 'a stored secret of at least 32 bytes');
                     PRAGMA user_version = 1;",
                )
                .unwrap();
            for (username, password, disabled) in
                [("johndoe", "secret", false), ("alice", "secretalice", true), ("carol", "secretcarol", false)]
            {
                connection
                    .execute(
                        "INSERT INTO users (username, hashed_password, disabled) VALUES (?1, ?2, ?3)",
                        params![username, hash_password(password).unwrap(), disabled],
                    )
                    .unwrap();
            }
        }
        let opened = open_blocking(dir.db(), None).await;
        assert_eq!(opened.found, Found::Migrated);
        let connection = Connection::open(dir.db()).unwrap();
        let version: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        for (username, scopes) in [("johndoe", "me items"), ("alice", "me"), ("carol", "")] {
            assert_eq!(Db::user(&connection, username).unwrap().unwrap().scopes, scopes, "{username}");
        }
        login(&opened.app, JOHNDOE_ME_ITEMS).await;
        let carol = Req::post_form(TOKEN_PATH, &[("username", "carol"), ("password", "secretcarol"), ("scope", "me")])
            .send(&opened.app)
            .await;
        assert_eq!(carol.body["error"], "invalid_scope");
        login(&opened.app, &[("username", "carol"), ("password", "secretcarol")]).await;
        drop(opened);
        assert_eq!(open_blocking(dir.db(), None).await.found, Found::Current);
    }
}
