//! warden's demo service: FastAPI's OAuth2 scopes tutorial as a real
//! service, with users in SQLite, argon2 password hashes, JWT access tokens
//! and RFC 6750 answers.
//!
//! The routes are those of `docs_src/security/tutorial005_an_py310.py`
//! (see the `security_tutorial005` example for the exact port):
//!
//! | route | needs | answers |
//! | --- | --- | --- |
//! | `POST /token` | a login form: `username`, `password`, `scope` | a JWT granting the scopes asked for, if the user holds them |
//! | `GET /users/me/` | a token with the scope `me`, an active user | the user |
//! | `GET /users/me/items/` | the scopes `items` and `me`, an active user | the user's items |
//! | `GET /status/` | any valid token | `{"status":"ok"}` |
//! | `GET /whoami/` | HTTP Basic: an active user's name and password | the user |
//! | `GET /metrics/` | the operator's API key in `X-API-Key` | `{"users": n, "active_users": m}` |
//! | `GET /.well-known/jwks.json` | nothing | the `--signing-key`'s public key as a JWK set (`404` without one) |
//!
//! What makes it a service rather than a tutorial:
//!
//! * **The users live in an SQLite database**, created on the first run at
//!   the `--db` path (default `warden-demo.sqlite3` in the current
//!   directory) with the tutorial's two users, `johndoe` (password `secret`,
//!   scopes `me items`) and `alice` (password `secretalice`, scope `me`,
//!   disabled), their passwords stored as argon2id hashes made by
//!   [`hash_password`] (pwdlib's parameters, so FastAPI's pwdlib verifies
//!   them too). SQLite and argon2 run on tokio's blocking threads, never on
//!   the async ones.
//! * **The database is its owner's alone**: the service creates the file
//!   with mode `0600` whatever the umask, and SQLite gives its write-ahead
//!   log (`-wal`) and index (`-shm`) the same mode. An existing database (or
//!   `-wal`, `-shm`, `-journal`) that group or others may read or write is
//!   refused at startup, naming the file and the fix (`chmod 600 FILE`),
//!   with exit status 1. A database made before users had scopes
//!   (`user_version` 1) is brought up to date on opening: `johndoe` and
//!   `alice` get the scopes above, any other user none until granted
//!   (`UPDATE users SET scopes = 'me' WHERE username = …`).
//! * **A token never grants a scope its user does not hold**: a login asking
//!   for one is RFC 6749's `400 {"error":"invalid_scope", …}`; a login
//!   asking for none gets a token with none (it opens `/status/` only); and
//!   a route checks the scopes it needs against the user's scopes of the
//!   moment too, so a scope taken away closes its routes at once, to tokens
//!   issued before as well.
//! * **A login tells nothing it should not**: an unknown user, a wrong
//!   password and a disabled user's right password get the same answer
//!   (`400 invalid_grant` at `/token`, `401` at `/whoami/`), and each costs
//!   one argon2 check (over a dummy hash for an unknown user), so neither
//!   the answer nor its timing tells which names exist or which are
//!   disabled.
//! * **A login flood cannot exhaust the machine**: every argon2 check (64
//!   MiB each) runs through one [`PasswordVerifier`], within a memory budget
//!   (`--password-memory-mib`, default 512) and a concurrency limit
//!   (`--password-concurrency`, default the number of CPUs); a check that
//!   finds no place within 5 s is not judged, and the answer is `503` with
//!   `Retry-After: 1`, in RFC 6749's form at `/token`
//!   (`{"error":"temporarily_unavailable","error_description":…}`,
//!   `Cache-Control: no-store`) and as `{"detail":…}` at `/whoami/`.
//!   `scripts/login_flood.py` measures it: 300 concurrent wrong logins.
//! * **The JWT secret is the service's own, and never on the command line**
//!   (where `/proc/PID/cmdline` shows it to every user): the file named by
//!   `--secret-file` (less one trailing newline), else the environment
//!   variable `WARDEN_DEMO_SECRET`, else 32 random bytes drawn on the first
//!   run and kept (hex) in the database; a given secret has at least 32
//!   bytes. `--secret` is refused with exit status 2. Tokens are HS256,
//!   `{"sub", "scope", "exp"}`, valid 30 minutes; `exp` is required.
//! * **Or an asymmetric key**: `--signing-key FILE` takes a PEM private key,
//!   PKCS#8 as `openssl genpkey` writes it, PKCS#1 (RSA) or SEC1 (EC). RSA
//!   of at least 2048 bits signs RS256, P-256 ES256, Ed25519 EdDSA. Tokens
//!   then carry `kid`, the RFC 7638 thumbprint of the public key (replicas
//!   given the same key agree on it), and `GET /.well-known/jwks.json`
//!   publishes the public key (`Cache-Control: public, max-age=300`), for
//!   other services or a warden `JwksSource` to verify the tokens. Only that
//!   key's algorithm verifies then: an HS256 token is `401 invalid_token`,
//!   even one signed with the stored secret; a token without `kid` verifies
//!   against the one key. Without `--signing-key` the JWK set is `404`: a
//!   secret is never published.
//! * **warden's RFC 6750 answers** instead of the tutorial's: a token that
//!   does not verify (or names a user who no longer exists) is `401` with
//!   `Bearer error="invalid_token", error_description="…"`; a token without
//!   a scope the route needs is `403` with
//!   `Bearer error="insufficient_scope", scope="items me"`, the scopes of
//!   the route (`items`) before those of the active-user check (`me`), as
//!   FastAPI orders them. A token of a user disabled since it was issued is
//!   still `400 {"detail":"Inactive user"}`, the tutorial's answer; a
//!   refused login is RFC 6749's `400 {"error":"invalid_grant", …}` like the
//!   form's own errors; the token response carries `expires_in` and RFC
//!   6749's `Cache-Control: no-store`.
//! * **Other schemes beside OAuth2**: `/whoami/` takes the same users and
//!   passwords over HTTP Basic (realm `warden demo`), checked with argon2
//!   like a login; `/metrics/` takes the operator's API key in the
//!   `X-API-Key` header, compared in constant time: the file named by
//!   `--api-key-file`, else the environment variable `WARDEN_DEMO_API_KEY`,
//!   else a random key made on the first run and kept in the database (read
//!   it with
//!   `sqlite3 warden-demo.sqlite3 "SELECT value FROM settings WHERE name = 'api_key'"`;
//!   the service never prints it). `--api-key` is refused with exit status 2.
//! * **Interactive documentation**: `GET /openapi.json` is the OpenAPI
//!   document warden builds from the routes (the password flow with its
//!   scopes; `me` on `/users/me/`, `items` and `me` on `/users/me/items/`;
//!   Basic and the API key; the `401`, `403` and `400` answers with their
//!   challenges), and `GET /docs` is Swagger UI, whose "Authorize" button
//!   logs in through `/token` with the password flow, or takes Basic
//!   credentials or the API key.
//!
//! Run with
//! `cargo run -p warden --features jwt,password,openapi --example service -- --port 8000 --db warden-demo.sqlite3`
//! (the server listens on 127.0.0.1 only and stops on Ctrl-C or SIGTERM).
//! It prints these requests on startup:
//!
//! ```text
//! curl -i -d 'username=johndoe' -d 'password=secret' --data-urlencode 'scope=me items' 'http://127.0.0.1:8000/token'
//!     # 200, {"access_token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.…","token_type":"bearer","expires_in":1800}
//! curl -i -d 'username=johndoe' -d 'password=wrong' 'http://127.0.0.1:8000/token'
//!     # 400, {"error":"invalid_grant","error_description":"Incorrect username or password"}
//! curl -i -d 'username=alice' -d 'password=secretalice' -d 'scope=me' 'http://127.0.0.1:8000/token'
//!     # 400, {"error":"invalid_grant","error_description":"Incorrect username or password"}
//! curl -i -d 'username=johndoe' -d 'password=secret' --data-urlencode 'scope=me admin' 'http://127.0.0.1:8000/token'
//!     # 400, {"error":"invalid_scope","error_description":"A requested scope is not granted to this user"}
//! ME_ITEMS=$(curl -s -d 'username=johndoe' -d 'password=secret' --data-urlencode 'scope=me items' 'http://127.0.0.1:8000/token' | sed -E 's/.*"access_token":"([^"]*)".*/\1/')
//! ME=$(curl -s -d 'username=johndoe' -d 'password=secret' -d 'scope=me' 'http://127.0.0.1:8000/token' | sed -E 's/.*"access_token":"([^"]*)".*/\1/')
//! curl -i -H "Authorization: Bearer $ME_ITEMS" 'http://127.0.0.1:8000/users/me/items/'
//!     # 200, [{"item_id":"Foo","owner":"johndoe"}]
//! curl -i -H "Authorization: Bearer $ME" 'http://127.0.0.1:8000/users/me/items/'
//!     # 403, WWW-Authenticate: Bearer error="insufficient_scope", scope="items me", {"detail":"Not enough permissions"}
//! curl -i -H "Authorization: Bearer $ME" 'http://127.0.0.1:8000/users/me/'
//!     # 200, {"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false}
//! curl -i -H "Authorization: Bearer $ME" 'http://127.0.0.1:8000/status/'
//!     # 200, {"status":"ok"}
//! curl -i -H 'Authorization: Bearer nonexistent' 'http://127.0.0.1:8000/users/me/'
//!     # 401, WWW-Authenticate: Bearer error="invalid_token", error_description="the token is malformed", {"detail":"Invalid token"}
//! curl -i 'http://127.0.0.1:8000/status/'
//!     # 401, WWW-Authenticate: Bearer, {"detail":"Not authenticated"}
//! curl -i -H 'Authorization: Basic am9obmRvZTpzZWNyZXQ=' 'http://127.0.0.1:8000/whoami/'
//!     # 200, {"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false}
//! curl -i -H 'Authorization: Basic am9obmRvZTp3cm9uZw==' 'http://127.0.0.1:8000/whoami/'
//!     # 401, WWW-Authenticate: Basic realm="warden demo", charset="UTF-8", {"detail":"Incorrect username or password"}
//! curl -i -H 'Authorization: Basic YWxpY2U6c2VjcmV0YWxpY2U=' 'http://127.0.0.1:8000/whoami/'
//!     # 401, WWW-Authenticate: Basic realm="warden demo", charset="UTF-8", {"detail":"Incorrect username or password"}
//! curl -i 'http://127.0.0.1:8000/metrics/'
//!     # 401, WWW-Authenticate: APIKey, {"detail":"Not authenticated"}
//! ```
//!
//! Like a FastAPI app, it redirects `/users/me` to `/users/me/` (`307`),
//! and answers other methods `405` and unknown paths `404`.
//!
//! # Differences from FastAPI
//!
//! Those of `security_tutorial005` (token form errors are RFC 6749 `400`s,
//! POLICY D12, D13, D19; bearer tokens that are not `b64token`s are `400`,
//! D6, D18; `Bearer` alone is missing, D7), and the RFC 6750 answers above
//! where the tutorial answers `401 Could not validate credentials` and
//! `401 Not enough permissions` with `Bearer scope="…"`.

mod support;

use std::{
    error::Error,
    path::{Path, PathBuf},
    process::ExitCode,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use axum::{
    Json, Router,
    extract::{FromRef, FromRequestParts, State},
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use support::{
    jwt::unix_now,
    oauth2::{self, Call, Login, Step, TOKEN_PATH},
    users::{ALICE_ME, INCORRECT, JOHNDOE_ITEMS, JOHNDOE_JSON, JOHNDOE_ME, JOHNDOE_ME_ITEMS, inactive_user, own_items},
};
use warden::{
    ApiKey, Auth, AuthErrorKind, AuthRejection, BearerToken, HttpBasic, OAuth2PasswordBearer,
    OAuth2PasswordRequestForm, Secret, Security, TokenResponse,
    form::TokenFormRejection,
    jwt::{Algorithm, DecodingKey, EncodingKey, Header, JwkSet, JwtVerifier, KeySet, encode},
    openapi::{DocContext, DocumentSecurity, Routes, SecurityRequirements, SwaggerUi},
    password::{PasswordBusy, PasswordHasher, PasswordVerifier, hash_password},
    scopes::{DeclareScopes, GrantedScopes, SecurityScopes},
    verify::{JwtBearer, Verifier},
};

/// The example's name, for messages.
const NAME: &str = "service";

/// The database used when `--db` is not given.
const DEFAULT_DB: &str = "warden-demo.sqlite3";

/// The environment variable that gives the JWT secret.
const SECRET_ENV: &str = "WARDEN_DEMO_SECRET";

/// The environment variable that gives the operator's API key.
const API_KEY_ENV: &str = "WARDEN_DEMO_API_KEY";

/// The shortest API key accepted.
const MIN_API_KEY_LEN: usize = 16;

/// The realm of `/whoami/`.
const BASIC_REALM: &str = "warden demo";

/// What a refused login or Basic check says, whatever the reason.
const INCORRECT_TEXT: &str = "Incorrect username or password";

/// What a login or Basic check refused for want of a place says.
const BUSY_TEXT: &str = "Too many password checks at once; try again shortly";

/// What a login asking for a scope the user does not hold gets.
const NOT_GRANTED: &str = "A requested scope is not granted to this user";

/// The shortest secret accepted: RFC 7518 §3.2 asks HS256 keys for 256 bits.
const MIN_SECRET_LEN: usize = 32;

/// How long an access token is valid.
const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// The routes.
const USERS_ME: &str = "/users/me/";
const USERS_ME_ITEMS: &str = "/users/me/items/";
const STATUS: &str = "/status/";
const WHOAMI: &str = "/whoami/";
const METRICS: &str = "/metrics/";
/// The OpenAPI document and Swagger UI, as FastAPI serves them.
const OPENAPI_PATH: &str = "/openapi.json";
const DOCS_PATH: &str = "/docs";
/// The public key of `--signing-key`, as a JWK set (RFC 8615, RFC 8414's
/// `jwks_uri` convention).
const JWKS_PATH: &str = "/.well-known/jwks.json";

/// How long a client may keep the JWK set: five minutes.
const JWKS_CACHE_CONTROL: &str = "public, max-age=300";

/// Every route's path, for the slash redirects.
const ROUTES: &[&str] =
    &[TOKEN_PATH, USERS_ME, USERS_ME_ITEMS, STATUS, WHOAMI, METRICS, OPENAPI_PATH, DOCS_PATH, JWKS_PATH];

warden::scopes! {
    /// What the active-user check asks for.
    pub Me = ["me"];
}

/// An error of any kind, for messages.
type AnyError = Box<dyn Error + Send + Sync>;

/// A user as the routes show it (the tutorial's `User`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct User {
    username: String,
    email: Option<String>,
    full_name: Option<String>,
    disabled: bool,
}

/// A row of the `users` table.
#[derive(Debug, Clone)]
struct UserRow {
    user: User,
    /// The scopes the user may be granted, space-separated.
    scopes: String,
    hashed_password: String,
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
enum Found {
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
struct Db(Arc<Mutex<Connection>>);

impl Db {
    /// Opens the database at `path` (see [`private_database_file`]),
    /// creating it with the first users and a random secret when it is new
    /// (its `user_version` is 0), and bringing a version 1 database up to
    /// date. Blocking.
    fn open(path: &Path) -> Result<(Self, Found), AnyError> {
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
    async fn run<T, F>(&self, work: F) -> Result<T, AnyError>
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

    /// The JWT secret stored on the first run. Blocking.
    fn stored_secret(connection: &Connection) -> rusqlite::Result<String> {
        connection.query_row("SELECT value FROM settings WHERE name = 'jwt_secret'", [], |row| row.get(0))
    }

    /// The API key stored on the first run. Blocking.
    fn stored_api_key(connection: &Connection) -> rusqlite::Result<String> {
        connection.query_row("SELECT value FROM settings WHERE name = 'api_key'", [], |row| row.get(0))
    }

    /// How many users there are, and how many of them are active. Blocking.
    fn user_counts(connection: &Connection) -> rusqlite::Result<(i64, i64)> {
        connection.query_row("SELECT COUNT(*), COUNT(*) FILTER (WHERE disabled = 0) FROM users", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
    }

    /// The user `username`, if any. Blocking.
    fn user(connection: &Connection, username: &str) -> rusqlite::Result<Option<UserRow>> {
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

/// 32 random bytes from the operating system, in hex: what
/// `openssl rand -hex 32` gives, as the tutorial suggests.
fn random_secret() -> Result<String, AnyError> {
    let mut bytes = [0_u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| "the operating system gave no random bytes")?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// Where the JWT secret comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SecretSource {
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
fn choose_secret(
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
fn choose_api_key(file: Option<String>, environment: Option<String>, stored: String) -> Result<Secret, String> {
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

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    /// The granted scopes, space-separated.
    #[serde(default)]
    scope: String,
    /// Written, never read: the verifier checks `exp` whatever its form (any
    /// NumericDate, `1690000000.5` included, RFC 7519 §2).
    #[serde(skip_deserializing)]
    exp: u64,
}

impl GrantedScopes for Claims {
    fn has_scope(&self, scope: &str) -> bool {
        self.scope.has_scope(scope)
    }
}

/// The user of a valid token that grants the route's scopes, looked up in
/// the database: warden's [`JwtBearer`] answers `invalid_token` and
/// `insufficient_scope`, then the user must still exist.
#[derive(Debug, Clone)]
struct CurrentUser {
    jwt: TokenCheck,
    db: Db,
}

/// How tokens verify: HS256 with the secret, or only the algorithm of the
/// `--signing-key`, with its public key.
#[derive(Debug, Clone)]
enum TokenCheck {
    /// HS256 and the JWT secret, whatever the `kid`.
    Secret(JwtBearer<Claims>),
    /// The signing key's algorithm and public key, under its `kid` (a token
    /// without one finds the one key).
    KeyPair(JwtBearer<Claims, OAuth2PasswordBearer, KeySet>),
}

impl Verifier for CurrentUser {
    type Scheme = OAuth2PasswordBearer;
    type Output = User;

    fn scheme(&self) -> &OAuth2PasswordBearer {
        match &self.jwt {
            TokenCheck::Secret(jwt) => jwt.scheme(),
            TokenCheck::KeyPair(jwt) => jwt.scheme(),
        }
    }

    fn answers_rfc6750(&self) -> bool {
        match &self.jwt {
            TokenCheck::Secret(jwt) => jwt.answers_rfc6750(),
            TokenCheck::KeyPair(jwt) => jwt.answers_rfc6750(),
        }
    }

    async fn verify(&self, token: &BearerToken, scopes: &SecurityScopes) -> Result<User, AuthRejection> {
        let claims = match &self.jwt {
            TokenCheck::Secret(jwt) => jwt.verify(token, scopes).await?,
            TokenCheck::KeyPair(jwt) => jwt.verify(token, scopes).await?,
        };
        let username = claims.sub.clone();
        match self.db.run(move |connection| Db::user(connection, &username)).await {
            // The token's scopes are checked, and the user must still hold
            // those the route needs: a scope taken away is gone at once.
            Ok(Some(row)) => scopes.authorize(row.scopes.as_str()).map(|()| row.user),
            Ok(None) => Err(AuthRejection::invalid_token("the token's user does not exist")),
            Err(error) => {
                eprintln!("{NAME}: reading a user: {error}");
                Err(internal_error())
            }
        }
    }
}

/// `500 {"detail":"Internal Server Error"}`, for a database that fails.
fn internal_error() -> AuthRejection {
    AuthRejection::new(AuthErrorKind::Forbidden)
        .with_status(StatusCode::INTERNAL_SERVER_ERROR)
        .with_detail("Internal Server Error")
}

/// The current user, with the scope `me` (and the route's), unless disabled.
#[derive(Debug)]
struct ActiveUser(User);

/// What [`ActiveUser`] requires: a token of the scheme with the scope `me`.
impl DocumentSecurity<Service> for ActiveUser {
    fn document(service: &Service, cx: &mut DocContext) -> SecurityRequirements {
        <Security<CurrentUser, Me>>::document(service, cx)
    }
}

impl FromRequestParts<Service> for ActiveUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, service: &Service) -> Result<Self, AuthRejection> {
        let user = Security::<CurrentUser, Me>::from_request_parts(parts, service).await?.into_inner();
        if user.disabled {
            return Err(inactive_user());
        }
        Ok(Self(user))
    }
}

/// The router state.
#[derive(Debug, Clone, FromRef)]
struct Service {
    current_user: CurrentUser,
    db: Db,
    signer: Signer,
    passwords: PasswordVerifier,
    basic: HttpBasic,
    api_key: ApiKey,
    operator_key: Arc<Secret>,
}

/// How `/token` signs: the key and the header (`alg`, and `kid` for a
/// `--signing-key`).
#[derive(Debug, Clone)]
struct Signer {
    key: EncodingKey,
    header: Arc<Header<'static>>,
}

/// The `--signing-key`: what signs, what verifies, what is published.
#[derive(Debug)]
struct KeyPair {
    signer: Signer,
    keys: KeySet,
    /// The public key under its `kid`, as served at [`JWKS_PATH`].
    jwks: JwkSet,
}

impl KeyPair {
    /// The private key in `pem` (PKCS#8, PKCS#1 RSA or SEC1 EC): RSA of at
    /// least 2048 bits signs RS256, P-256 ES256, Ed25519 EdDSA (P-384,
    /// which warden reads too, ES384). Its `kid` is the RFC 7638 thumbprint
    /// of the public key, which every replica holding the key computes alike.
    fn from_pem(pem: &[u8]) -> Result<Self, AnyError> {
        let key = EncodingKey::from_pem(pem)?;
        let (Some(alg), Some(mut jwk)) = (key.algorithm(), key.public_jwk()) else {
            return Err("the signing key has no public key to publish".into());
        };
        let kid = jwk.thumbprint()?;
        jwk.kid = Some(kid.clone());
        let keys = KeySet::new().with_key(&kid, key.decoding_key()?);
        let header = Arc::new(Header::new(alg).with_kid(kid));
        Ok(Self { signer: Signer { key, header }, keys, jwks: JwkSet::new(vec![jwk]) })
    }

    /// The algorithm it signs with.
    fn algorithm(&self) -> Algorithm {
        self.signer.header.alg()
    }

    /// Its `kid`.
    fn kid(&self) -> &str {
        self.signer.header.kid().unwrap_or_default()
    }
}

/// The limits of the password checks (see [`PasswordVerifier`]); `None`
/// keeps warden's default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct PasswordLimits {
    memory_mib: Option<usize>,
    concurrency: Option<usize>,
    queue_timeout: Option<Duration>,
}

impl PasswordLimits {
    /// The verifier that runs every login's argon2 check within the limits,
    /// pwdlib's parameters for the dummy check.
    fn verifier(self) -> Result<PasswordVerifier, AnyError> {
        let mut builder = PasswordVerifier::builder(PasswordHasher::new());
        if let Some(mib) = self.memory_mib {
            builder = builder.memory_budget(mib.saturating_mul(1 << 20));
        }
        if let Some(checks) = self.concurrency {
            builder = builder.concurrency(checks);
        }
        if let Some(timeout) = self.queue_timeout {
            builder = builder.queue_timeout(timeout);
        }
        Ok(builder.build()?)
    }
}

/// What [`open`] found.
#[derive(Debug)]
struct Opened {
    app: Router,
    /// What the database was: new, of an older version, current.
    found: Found,
    secret: SecretSource,
    /// The `--signing-key`'s algorithm and `kid`, if one was given.
    signing: Option<(Algorithm, String)>,
}

/// What the service is given: secrets from files or the environment (the
/// database's stand in for those not given), a signing key, the limits of
/// the password checks.
#[derive(Debug, Clone, Default)]
struct Given {
    /// The contents of `--secret-file`.
    secret_file: Option<String>,
    secret_environment: Option<String>,
    /// The contents of `--api-key-file`.
    api_key_file: Option<String>,
    api_key_environment: Option<String>,
    /// The contents of `--signing-key`: a PEM private key.
    signing_key: Option<Vec<u8>>,
    passwords: PasswordLimits,
}

/// Opens (or creates) the database at `path` and builds the service, signing
/// with the `--signing-key` if given, else HS256 with the secret
/// [`choose_secret`] picks, and taking the API key [`choose_api_key`] picks.
/// Blocking.
fn open(path: &Path, given: Given) -> Result<Opened, AnyError> {
    let (db, found) =
        Db::open(path).map_err(|error| format!("cannot open the database {}: {error}", path.display()))?;
    let (stored, stored_key) = {
        let connection = db.0.lock().unwrap_or_else(PoisonError::into_inner);
        (Db::stored_secret(&connection)?, Db::stored_api_key(&connection)?)
    };
    let (secret, source) = choose_secret(given.secret_file, given.secret_environment, stored)?;
    let operator_key = Arc::new(choose_api_key(given.api_key_file, given.api_key_environment, stored_key)?);
    let scheme = OAuth2PasswordBearer::builder("token")
        .scope("me", "Read information about the current user.")
        .scope("items", "Read items.")
        .build()?;
    let key_pair = given.signing_key.as_deref().map(KeyPair::from_pem).transpose()?;
    let signing = key_pair.as_ref().map(|pair| (pair.algorithm(), pair.kid().to_owned()));
    let (jwt, signer, jwks) = match key_pair {
        // Only the key's algorithm verifies: an HS256 token is refused, even
        // one signed with the stored secret.
        Some(KeyPair { signer, keys, jwks }) => {
            let verifier = JwtVerifier::builder(keys, [signer.header.alg()]).build()?;
            (TokenCheck::KeyPair(JwtBearer::new(scheme, verifier)), signer, Some(jwks))
        }
        None => {
            let verifier =
                JwtVerifier::builder(DecodingKey::from_secret(secret.as_bytes())?, [Algorithm::Hs256]).build()?;
            let signer = Signer {
                key: EncodingKey::from_secret(secret.as_bytes())?,
                header: Arc::new(Header::new(Algorithm::Hs256)),
            };
            (TokenCheck::Secret(JwtBearer::new(scheme, verifier)), signer, None)
        }
    };
    let current_user = CurrentUser { jwt, db: db.clone() };
    let service = Service {
        current_user,
        db,
        signer,
        passwords: given.passwords.verifier()?,
        basic: HttpBasic::new(BASIC_REALM)?,
        api_key: ApiKey::header("X-API-Key")?,
        operator_key,
    };
    let (router, security) = Routes::new()
        .route(TOKEN_PATH, oauth2::documented_post(login))
        .route(USERS_ME, oauth2::documented_get(read_users_me))
        // The route's `items`, outside the active-user check's `me`.
        .route(USERS_ME_ITEMS, oauth2::documented_get(read_own_items).protect(DeclareScopes::new(["items"])?))
        .route(STATUS, oauth2::documented_get(read_system_status))
        .route(WHOAMI, oauth2::documented_get(whoami))
        .route(METRICS, oauth2::documented_get(metrics))
        .with_state(service)
        .split()?;
    let document = Arc::new(security.to_openapi_json("warden demo service", env!("CARGO_PKG_VERSION")));
    let docs = SwaggerUi::builder(OPENAPI_PATH).title("warden demo service - Swagger UI").build()?;
    let jwks = jwks.map(serde_json::to_value).transpose()?.map(Arc::new);
    let router = router
        .route(OPENAPI_PATH, oauth2::get(move || async move { Json(Value::clone(&document)) }))
        .route(JWKS_PATH, oauth2::get(move || async move { published_keys(jwks.as_deref()) }))
        .merge(docs.router());
    Ok(Opened { app: oauth2::starlette(router, ROUTES), found, secret: source, signing })
}

/// `GET /.well-known/jwks.json`: the `--signing-key`'s public key, to be
/// cached five minutes; `404` without a signing key (an HMAC secret is
/// never published).
fn published_keys(jwks: Option<&Value>) -> Response {
    match jwks {
        Some(jwks) => ([(header::CACHE_CONTROL, HeaderValue::from_static(JWKS_CACHE_CONTROL))], Json(jwks.clone()))
            .into_response(),
        None => oauth2::not_found(),
    }
}

/// `POST /token`: an access token for the user and the scopes asked for,
/// which must be among the user's (none asked for, none granted). A
/// disabled user gets the answer of a wrong password.
async fn login(State(service): State<Service>, form: OAuth2PasswordRequestForm) -> Response {
    let row = match authenticate(&service, form.username, form.password).await {
        Ok(Some(row)) => row,
        Ok(None) => return TokenFormRejection::invalid_grant(INCORRECT_TEXT).into_response(),
        Err(Unjudged::Busy(busy)) => {
            return TokenFormRejection::temporarily_unavailable(BUSY_TEXT, busy.retry_after()).into_response();
        }
        Err(Unjudged::Failed) => return internal_error().into_response(),
    };
    // RFC 6749 §5.2: a scope beyond those the user holds is `invalid_scope`.
    if form.scopes.iter().any(|scope| !row.scopes.has_scope(scope)) {
        return TokenFormRejection::invalid_scope(NOT_GRANTED).into_response();
    }
    let exp = unix_now() + ACCESS_TOKEN_LIFETIME.as_secs();
    let claims = Claims { sub: row.user.username, scope: form.scopes.join(" "), exp };
    match encode(&service.signer.header, &claims, &service.signer.key) {
        // RFC 6749 §5.1: `expires_in`, `Cache-Control: no-store`, `Pragma: no-cache`.
        Ok(token) => TokenResponse::bearer(token).expires_in(ACCESS_TOKEN_LIFETIME).into_response(),
        Err(_) => internal_error().into_response(),
    }
}

/// `GET /users/me/`: the active user (scope `me`).
async fn read_users_me(ActiveUser(user): ActiveUser) -> Json<User> {
    Json(user)
}

/// `GET /users/me/items/`: the active user's items (scopes `items me`).
async fn read_own_items(ActiveUser(user): ActiveUser) -> Json<Value> {
    own_items(&user.username)
}

/// `GET /status/`: any valid token of a known user, disabled or not.
async fn read_system_status(_user: Security<CurrentUser>) -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /whoami/`: the user of HTTP Basic credentials, the same name and
/// password as a login, checked the same way (argon2, a dummy hash for an
/// unknown user, a disabled user refused like a wrong password).
async fn whoami(
    State(service): State<Service>,
    Auth(credentials): Auth<HttpBasic>,
) -> Result<Json<User>, AuthRejection> {
    let (username, password) = (credentials.username().to_owned(), Secret::from(credentials.password()));
    match authenticate(&service, username, password).await {
        Ok(Some(row)) => Ok(Json(row.user)),
        Ok(None) => Err(service.basic.invalid_credentials(INCORRECT_TEXT)),
        Err(Unjudged::Busy(busy)) => Err(AuthRejection::from(busy).with_detail(BUSY_TEXT)),
        Err(Unjudged::Failed) => Err(internal_error()),
    }
}

/// Why [`authenticate`] did not judge the credentials.
#[derive(Debug)]
enum Unjudged {
    /// No place for the password check within the limits: `503`.
    Busy(PasswordBusy),
    /// The database failed: `500`.
    Failed,
}

/// The active user `username` names if `password` is theirs, `None`
/// otherwise (an unknown user, a wrong password, a disabled user): argon2
/// runs in every case, outside the database lock, on a blocking thread, over
/// a dummy hash for an unknown user, so that timing tells neither which
/// names exist nor which are disabled.
async fn authenticate(service: &Service, username: String, password: Secret) -> Result<Option<UserRow>, Unjudged> {
    let found = service.db.run(move |connection| Db::user(connection, &username)).await.map_err(|error| {
        eprintln!("{NAME}: reading a user: {error}");
        Unjudged::Failed
    })?;
    let stored = found.as_ref().map(|row| row.hashed_password.as_str());
    let valid = service.passwords.verify_or_dummy(password.expose(), stored).await.map_err(Unjudged::Busy)?;
    Ok(found.filter(|row| valid && !row.user.disabled))
}

/// `GET /metrics/`: how many users there are, for the operator's API key.
async fn metrics(State(service): State<Service>, Auth(key): Auth<ApiKey>) -> Result<Json<Value>, AuthRejection> {
    if !key.ct_eq(service.operator_key.expose()) {
        return Err(service.api_key.invalid_credentials("Invalid API key"));
    }
    let (users, active) = service.db.run(Db::user_counts).await.map_err(|error| {
        eprintln!("{NAME}: counting users: {error}");
        internal_error()
    })?;
    Ok(Json(json!({ "users": users, "active_users": active })))
}

/// The body of a refused login, whatever the reason.
const INVALID_GRANT: &str = r#"{"error":"invalid_grant","error_description":"Incorrect username or password"}"#;

/// johndoe asking for `me admin`, a scope he does not hold.
const JOHNDOE_ME_ADMIN: &[support::oauth2::Field] =
    &[("username", "johndoe"), ("password", "secret"), ("scope", "me admin")];

/// The requests printed on startup.
const STEPS: &[Step] = &[
    Step::Call(Call::post(
        TOKEN_PATH,
        JOHNDOE_ME_ITEMS,
        200,
        None,
        r#"{"access_token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.…","token_type":"bearer","expires_in":1800}"#,
    )),
    Step::Call(Call::post(TOKEN_PATH, &[("username", "johndoe"), ("password", "wrong")], 400, None, INVALID_GRANT)),
    Step::Call(Call::post(TOKEN_PATH, ALICE_ME, 400, None, INVALID_GRANT)),
    Step::Call(Call::post(
        TOKEN_PATH,
        JOHNDOE_ME_ADMIN,
        400,
        None,
        r#"{"error":"invalid_scope","error_description":"A requested scope is not granted to this user"}"#,
    )),
    Step::Login(Login { var: "ME_ITEMS", form: JOHNDOE_ME_ITEMS }),
    Step::Login(Login { var: "ME", form: JOHNDOE_ME }),
    Step::Call(Call::get(USERS_ME_ITEMS, &[("Authorization", "Bearer $ME_ITEMS")], 200, None, JOHNDOE_ITEMS)),
    Step::Call(Call::get(
        USERS_ME_ITEMS,
        &[("Authorization", "Bearer $ME")],
        403,
        Some(r#"Bearer error="insufficient_scope", scope="items me""#),
        r#"{"detail":"Not enough permissions"}"#,
    )),
    Step::Call(Call::get(USERS_ME, &[("Authorization", "Bearer $ME")], 200, None, JOHNDOE_JSON)),
    Step::Call(Call::get(STATUS, &[("Authorization", "Bearer $ME")], 200, None, r#"{"status":"ok"}"#)),
    Step::Call(Call::get(
        USERS_ME,
        &[("Authorization", "Bearer nonexistent")],
        401,
        Some(r#"Bearer error="invalid_token", error_description="the token is malformed""#),
        r#"{"detail":"Invalid token"}"#,
    )),
    Step::Call(Call::get(STATUS, &[], 401, Some("Bearer"), support::NOT_AUTHENTICATED)),
    Step::Call(Call::get(WHOAMI, &[("Authorization", "Basic am9obmRvZTpzZWNyZXQ=")], 200, None, JOHNDOE_JSON)),
    Step::Call(Call::get(
        WHOAMI,
        &[("Authorization", "Basic am9obmRvZTp3cm9uZw==")],
        401,
        Some(r#"Basic realm="warden demo", charset="UTF-8""#),
        INCORRECT,
    )),
    // alice's right password: disabled, answered like a wrong one.
    Step::Call(Call::get(
        WHOAMI,
        &[("Authorization", "Basic YWxpY2U6c2VjcmV0YWxpY2U=")],
        401,
        Some(r#"Basic realm="warden demo", charset="UTF-8""#),
        INCORRECT,
    )),
    Step::Call(Call::get(METRICS, &[], 401, Some("APIKey"), support::NOT_AUTHENTICATED)),
];

/// The command line: `--port N`, `--db PATH`, `--secret-file PATH`,
/// `--api-key-file PATH`, `--signing-key PATH`, `--password-memory-mib N`,
/// `--password-concurrency N`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Options {
    port: u16,
    db: PathBuf,
    secret_file: Option<PathBuf>,
    api_key_file: Option<PathBuf>,
    signing_key: Option<PathBuf>,
    passwords: PasswordLimits,
}

/// The flags that take a value.
const FLAGS: &[&str] = &[
    "--port",
    "--db",
    "--secret-file",
    "--api-key-file",
    "--signing-key",
    "--password-memory-mib",
    "--password-concurrency",
];

/// The exit status of a command line that cannot be run.
const USAGE_STATUS: u8 = 2;

/// Parses the command line; `Ok(None)` for `--help`. `--secret` and
/// `--api-key` are refused: any user of the machine reads a process's
/// arguments in `/proc/PID/cmdline`. No message repeats a value given.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        port: support::DEFAULT_PORT,
        db: PathBuf::from(DEFAULT_DB),
        secret_file: None,
        api_key_file: None,
        signing_key: None,
        passwords: PasswordLimits::default(),
    };
    while let Some(arg) = args.next() {
        if arg == "--help" || arg == "-h" {
            return Ok(None);
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        let replacement = match name.as_str() {
            "--secret" => Some(format!("{SECRET_ENV} or --secret-file PATH")),
            "--api-key" => Some(format!("{API_KEY_ENV} or --api-key-file PATH")),
            _ => None,
        };
        if let Some(replacement) = replacement {
            return Err(format!(
                "{name} is refused: a command line is visible to every user of the machine \
                 (/proc/PID/cmdline); give it in {replacement}"
            ));
        }
        if !FLAGS.contains(&name.as_str()) {
            return Err(format!("unknown argument {name:?}"));
        }
        let value = match inline {
            Some(value) => value,
            None => args.next().ok_or_else(|| format!("{name} needs a value"))?,
        };
        let positive = |value: &str| match value.parse::<usize>() {
            Ok(number) if number > 0 => Ok(number),
            _ => Err(format!("{name} needs a positive whole number, not {value:?}")),
        };
        match name.as_str() {
            "--port" => options.port = value.parse().map_err(|_| format!("invalid port {value:?}"))?,
            "--db" => options.db = PathBuf::from(value),
            "--secret-file" => options.secret_file = Some(PathBuf::from(value)),
            "--api-key-file" => options.api_key_file = Some(PathBuf::from(value)),
            "--signing-key" => options.signing_key = Some(PathBuf::from(value)),
            "--password-memory-mib" => options.passwords.memory_mib = Some(positive(&value)?),
            _ => options.passwords.concurrency = Some(positive(&value)?),
        }
    }
    Ok(Some(options))
}

/// The usage line.
const USAGE: &str = "usage: service [--port N] [--db PATH] [--secret-file PATH] [--api-key-file PATH] [--signing-key \
                     PEM] [--password-memory-mib N] [--password-concurrency N]   (defaults: 8000, \
                     warden-demo.sqlite3; the JWT secret also comes from WARDEN_DEMO_SECRET and the API key from \
                     WARDEN_DEMO_API_KEY, else both from the database; tokens are HS256 with the secret unless \
                     --signing-key names a PEM private key: RSA, P-256 or Ed25519; password checks use at most 512 \
                     MiB and one per CPU at once)";

/// A secret given in the file `path`, if any, or the message naming the
/// file. Blocking.
fn secret_from(path: Option<&Path>, flag: &str) -> Result<Option<String>, String> {
    path.map(|path| read_secret_file(path).map_err(|error| format!("{flag}: {error}"))).transpose()
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{NAME}: {message}\n{USAGE}");
            return ExitCode::from(USAGE_STATUS);
        }
    };
    let files = secret_from(options.secret_file.as_deref(), "--secret-file")
        .and_then(|secret| Ok((secret, secret_from(options.api_key_file.as_deref(), "--api-key-file")?)));
    let signing_key = options
        .signing_key
        .as_deref()
        .map(|path| {
            std::fs::read(path).map_err(|error| format!("--signing-key: cannot read {}: {error}", path.display()))
        })
        .transpose();
    let files = files.and_then(|(secret, api_key)| Ok((secret, api_key, signing_key?)));
    let (secret_file, api_key_file, signing_key) = match files {
        Ok(files) => files,
        Err(message) => {
            eprintln!("{NAME}: {message}");
            return ExitCode::FAILURE;
        }
    };
    let api_key_source = if api_key_file.is_some() {
        "--api-key-file"
    } else if std::env::var_os(API_KEY_ENV).is_some() {
        API_KEY_ENV
    } else {
        "the database (settings.api_key)"
    };
    let given = Given {
        secret_file,
        secret_environment: std::env::var(SECRET_ENV).ok(),
        api_key_file,
        api_key_environment: std::env::var(API_KEY_ENV).ok(),
        signing_key,
        passwords: options.passwords,
    };
    let path = options.db.clone();
    // SQLite and argon2 (the first run hashes two passwords) block.
    let opened = match tokio::task::spawn_blocking(move || open(&path, given)).await {
        Ok(Ok(opened)) => opened,
        Ok(Err(error)) => {
            eprintln!("{NAME}: {error}");
            return ExitCode::FAILURE;
        }
        Err(error) => {
            eprintln!("{NAME}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let db = options.db.display();
    match opened.found {
        Found::Created => println!(
            "{NAME}: created {db} (mode 0600) with the users johndoe (password secret, scopes me items) and alice \
             (secretalice, scope me, disabled)"
        ),
        Found::Migrated => {
            println!("{NAME}: using {db}, now with scopes per user (johndoe: me items, alice: me, others: none)")
        }
        Found::Current => println!("{NAME}: using {db}"),
    }
    let secret = match opened.secret {
        SecretSource::File => "--secret-file",
        SecretSource::Environment => SECRET_ENV,
        SecretSource::Database => "the database",
    };
    match (&opened.signing, &options.signing_key) {
        (Some((alg, kid)), Some(path)) => println!(
            "{NAME}: signing tokens {alg} with the key of {} (kid {kid}), published at {JWKS_PATH}; {METRICS} takes \
             the API key from {api_key_source}",
            path.display()
        ),
        _ => println!(
            "{NAME}: signing tokens HS256 with the secret from {secret}; {METRICS} takes the API key from \
             {api_key_source}"
        ),
    }
    support::serve_on(NAME, options.port, opened.app, USERS_ME, |base| oauth2::listing(STEPS, base)).await
}

/// The service against a database of its own, created for each test.
/// Creating one hashes two passwords and each login runs argon2 (slow in a
/// debug build), so the tests are few and each does a whole story.
#[cfg(test)]
mod tests {
    use std::{
        sync::atomic::{AtomicUsize, Ordering},
        time::{SystemTime, UNIX_EPOCH},
    };

    use super::{
        support::oauth2::testing::{self, Req, assert_detail, login},
        *,
    };

    /// A directory of its own under the system's temporary directory,
    /// removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            static COUNT: AtomicUsize = AtomicUsize::new(0);
            let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
            let name =
                format!("warden-service-{}-{nanos}-{}", std::process::id(), COUNT.fetch_add(1, Ordering::Relaxed));
            let dir = std::env::temp_dir().join(name);
            std::fs::create_dir(&dir).unwrap();
            Self(dir)
        }

        fn db(&self) -> PathBuf {
            self.0.join("demo.sqlite3")
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    async fn open_blocking(path: PathBuf, secret_file: Option<String>) -> Opened {
        let given = Given { secret_file, ..Given::default() };
        tokio::task::spawn_blocking(move || open(&path, given)).await.unwrap().unwrap()
    }

    /// `open` with nothing given, for the error it returns.
    async fn open_error(path: PathBuf) -> String {
        tokio::task::spawn_blocking(move || open(&path, Given::default())).await.unwrap().unwrap_err().to_string()
    }

    /// The permission bits of `path`.
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    /// `Authorization: Basic …` for `user` and `password`.
    fn basic(user: &str, password: &str) -> String {
        use base64::Engine;
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
    }

    /// A token signed with `secret`, as `/token` signs them.
    fn signed(secret: &str, sub: &str, scope: &str, exp: u64) -> String {
        let key = EncodingKey::from_secret(secret.as_bytes()).unwrap();
        encode(&Header::new(Algorithm::Hs256), &Claims { sub: sub.to_owned(), scope: scope.to_owned(), exp }, &key)
            .unwrap()
    }

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

    /// johndoe logs in with scopes and reaches what they open; a missing
    /// scope is `403 insufficient_scope`; alice is disabled; a wrong
    /// password, an unknown user, a bad or expired token are refused.
    #[tokio::test]
    async fn login_scopes_disabled_alice_and_refusals() {
        let dir = TempDir::new();
        let opened = open_blocking(dir.db(), Some("a given secret of at least 32 bytes!".to_owned())).await;
        assert_eq!(opened.secret, SecretSource::File);
        let app = opened.app;

        let answer = Req::post_form(TOKEN_PATH, JOHNDOE_ME_ITEMS).send(&app).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("cache-control"), Some("no-store"));
        assert_eq!(answer.header("pragma"), Some("no-cache"));
        assert_eq!(answer.body["token_type"], "bearer");
        assert_eq!(answer.body["expires_in"], 1800);
        let me_items = answer.body["access_token"].as_str().unwrap().to_owned();
        let answer = Req::get(USERS_ME_ITEMS).bearer(&me_items).send(&app).await;
        assert_eq!((answer.status, answer.body), (200, json!([{"item_id": "Foo", "owner": "johndoe"}])));
        let answer = Req::get(USERS_ME).bearer(&me_items).send(&app).await;
        assert_eq!(answer.body["full_name"], "John Doe");

        // A NumericDate with a fraction is a NumericDate (RFC 7519 §2).
        let key = EncodingKey::from_secret(b"a given secret of at least 32 bytes!").unwrap();
        let exp = unix_now() as f64 + 60.5;
        let fractional =
            encode(&Header::new(Algorithm::Hs256), &json!({"sub": "johndoe", "scope": "me", "exp": exp}), &key)
                .unwrap();
        assert_eq!(Req::get(USERS_ME).bearer(&fractional).send(&app).await.status, 200);

        // The secret given is the one used.
        let me = signed("a given secret of at least 32 bytes!", "johndoe", "me", unix_now() + 60);
        let answer = Req::get(USERS_ME_ITEMS).bearer(&me).send(&app).await;
        let insufficient = r#"Bearer error="insufficient_scope", scope="items me""#;
        assert_detail(&answer, 403, Some(insufficient), "Not enough permissions");
        let answer = Req::get(USERS_ME)
            .bearer(&signed("a given secret of at least 32 bytes!", "johndoe", "", unix_now() + 60))
            .send(&app)
            .await;
        assert_eq!(answer.challenges(), [r#"Bearer error="insufficient_scope", scope="me""#]);

        // Wrong password, unknown user (the dummy hash): the same RFC 6749 400.
        for (username, password) in [("johndoe", "wrong"), ("nobody", "secret")] {
            let answer = Req::post_form(TOKEN_PATH, &[("username", username), ("password", password)]).send(&app).await;
            assert_eq!(answer.status, 400, "{}", answer.raw);
            assert_eq!(
                answer.body,
                json!({"error": "invalid_grant", "error_description": "Incorrect username or password"})
            );
            assert!(answer.challenges().is_empty());
        }

        // A token alice got before she was disabled: refused where an
        // active user is needed.
        let alice = signed("a given secret of at least 32 bytes!", "alice", "me", unix_now() + 60);
        assert_detail(&Req::get(USERS_ME).bearer(&alice).send(&app).await, 400, None, "Inactive user");
        assert_eq!(Req::get(STATUS).bearer(&alice).send(&app).await.body, json!({"status": "ok"}));

        // Tokens that do not verify, or whose user does not exist.
        let given = "a given secret of at least 32 bytes!";
        for (token, description) in [
            (signed(given, "johndoe", "me", unix_now() - 1), "the token has expired"),
            (
                signed("another secret of at least 32 bytes", "johndoe", "me", unix_now() + 60),
                "the token signature is invalid",
            ),
            ("nonexistent".to_owned(), "the token is malformed"),
            (signed(given, "nobody", "me", unix_now() + 60), "the token's user does not exist"),
        ] {
            let answer = Req::get(USERS_ME).bearer(&token).send(&app).await;
            let challenge = format!(r#"Bearer error="invalid_token", error_description="{description}""#);
            assert_detail(&answer, 401, Some(&challenge), "Invalid token");
        }
        // exp is required.
        let key = EncodingKey::from_secret(given.as_bytes()).unwrap();
        let no_exp = encode(&Header::new(Algorithm::Hs256), &json!({"sub": "johndoe", "scope": "me"}), &key).unwrap();
        assert_eq!(Req::get(USERS_ME).bearer(&no_exp).send(&app).await.status, 401);
        // No token: the scheme's challenge.
        let answer = Req::get(USERS_ME).send(&app).await;
        assert_eq!((answer.status, answer.challenges()), (401, vec!["Bearer"]));
    }

    /// Every request printed on startup gets the answer printed next to it,
    /// and the routes answer like FastAPI's around them.
    #[tokio::test]
    async fn printed_requests_get_the_printed_answers() {
        let dir = TempDir::new();
        let app = open_blocking(dir.db(), None).await.app;
        testing::replay(&app, STEPS).await;
        let routes = [
            ("POST", TOKEN_PATH),
            ("GET", USERS_ME),
            ("GET", USERS_ME_ITEMS),
            ("GET", STATUS),
            ("GET", WHOAMI),
            ("GET", METRICS),
        ];
        testing::assert_starlette_routing_beside(&app, &routes, &[OPENAPI_PATH, DOCS_PATH]).await;
    }

    /// `/openapi.json` documents the password flow and each route's scopes
    /// and answers; `/docs` is Swagger UI, pointed at it.
    #[tokio::test]
    async fn the_openapi_document_lists_each_routes_security_and_docs_serve_swagger_ui() {
        let dir = TempDir::new();
        let app = open_blocking(dir.db(), None).await.app;
        let document = Req::get(OPENAPI_PATH).send(&app).await;
        assert_eq!(document.status, 200);
        let document = document.body;
        let flow = &document["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]["password"];
        assert_eq!(flow["tokenUrl"], "token");
        assert_eq!(flow["scopes"].as_object().map(|scopes| scopes.len()), Some(2));
        let operation = |path: &str| document["paths"][path]["get"].clone();
        assert_eq!(operation(USERS_ME)["security"], json!([{ "OAuth2PasswordBearer": ["me"] }]));
        assert_eq!(operation(USERS_ME_ITEMS)["security"], json!([{ "OAuth2PasswordBearer": ["items", "me"] }]));
        assert_eq!(operation(STATUS)["security"], json!([{ "OAuth2PasswordBearer": [] }]));
        assert!(document["paths"][TOKEN_PATH]["post"].get("security").is_none());
        assert_eq!(operation(WHOAMI)["security"], json!([{ "HTTPBasic": [] }]));
        assert_eq!(operation(METRICS)["security"], json!([{ "APIKeyHeader": [] }]));
        assert_eq!(
            document["components"]["securitySchemes"]["APIKeyHeader"],
            json!({ "type": "apiKey", "in": "header", "name": "X-API-Key" })
        );
        assert_eq!(
            operation(USERS_ME_ITEMS)["responses"]["403"]["headers"]["WWW-Authenticate"]["schema"]["examples"],
            json!([r#"Bearer error="insufficient_scope", scope="items me""#])
        );
        assert!(operation(STATUS)["responses"].get("403").is_none(), "no scope, no insufficient_scope");
        let docs = Req::get(DOCS_PATH).send_raw(&app).await;
        assert_eq!(docs.status, 200);
        assert!(docs.raw.contains("/openapi.json"));
    }

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

    /// `/whoami/` takes a login's name and password over Basic; `/metrics/`
    /// the operator's key, given or stored on the first run.
    #[tokio::test]
    async fn basic_credentials_and_the_api_key() {
        let dir = TempDir::new();
        let given = Given { api_key_file: Some("operator-key-0123456789".to_owned()), ..Given::default() };
        let path = dir.db();
        let app = tokio::task::spawn_blocking(move || open(&path, given)).await.unwrap().unwrap().app;
        let answer = Req::get(WHOAMI).header("authorization", &basic("johndoe", "secret")).send(&app).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body["username"], "johndoe");
        let answer = Req::get(WHOAMI).header("authorization", &basic("nobody", "secret")).send(&app).await;
        let realm = r#"Basic realm="warden demo", charset="UTF-8""#;
        assert_detail(&answer, 401, Some(realm), "Incorrect username or password");

        let answer = Req::get(METRICS).header("x-api-key", "operator-key-0123456789").send(&app).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, json!({ "users": 2, "active_users": 1 }));
        let answer = Req::get(METRICS).header("x-api-key", "operator-key-012345678").send(&app).await;
        assert_detail(&answer, 401, Some("APIKey"), "Invalid API key");

        // Without a given key, the one stored on the first run.
        let stored = {
            let connection = Connection::open(dir.db()).unwrap();
            Db::stored_api_key(&connection).unwrap()
        };
        assert_eq!(stored.len(), 64);
        let app = open_blocking(dir.db(), None).await.app;
        let answer = Req::get(METRICS).header("x-api-key", &stored).send(&app).await;
        assert_eq!(answer.status, 200);
    }

    #[test]
    fn arguments_are_parsed_by_hand() {
        let parse = |args: &[&str]| parse_args(args.iter().map(|arg| (*arg).to_owned()));
        let defaults = Options {
            port: 8000,
            db: PathBuf::from("warden-demo.sqlite3"),
            secret_file: None,
            api_key_file: None,
            signing_key: None,
            passwords: PasswordLimits::default(),
        };
        assert_eq!(parse(&[]), Ok(Some(defaults.clone())));
        assert_eq!(
            parse(&[
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
            ]),
            Ok(Some(Options {
                port: 18200,
                db: PathBuf::from("/tmp/x.db"),
                secret_file: Some(PathBuf::from("/run/s")),
                api_key_file: Some(PathBuf::from("/run/k")),
                signing_key: Some(PathBuf::from("/run/key.pem")),
                passwords: PasswordLimits { memory_mib: Some(256), concurrency: Some(3), queue_timeout: None },
            }))
        );
        assert_eq!(parse(&["--help"]), Ok(None));
        assert!(parse(&["--db"]).is_err());
        assert!(parse(&["--port", "x"]).is_err());
        assert!(parse(&["--verbose"]).is_err());
        assert!(parse(&["--password-concurrency", "0"]).is_err());
        assert!(parse(&["--password-memory-mib", "-1"]).is_err());
    }

    /// `--secret` and `--api-key` are usage errors (exit status 2) that name
    /// their replacements and never repeat the value.
    #[test]
    fn secrets_on_the_command_line_are_refused() {
        let parse = |args: &[&str]| parse_args(args.iter().map(|arg| (*arg).to_owned()));
        for (args, replacement) in [
            (&["--secret", "hunter2-hunter2-hunter2-hunter2-x"][..], "WARDEN_DEMO_SECRET or --secret-file PATH"),
            (&["--secret=hunter2-hunter2-hunter2-hunter2-x"][..], "WARDEN_DEMO_SECRET or --secret-file PATH"),
            (
                &["--port", "1", "--api-key", "hunter2-hunter2-hunter2-hunter2-x"][..],
                "WARDEN_DEMO_API_KEY or --api-key-file PATH",
            ),
            (&["--api-key=hunter2-hunter2-hunter2-hunter2-x"][..], "WARDEN_DEMO_API_KEY or --api-key-file PATH"),
        ] {
            let message = parse(args).unwrap_err();
            assert!(message.contains(replacement), "{message}");
            assert!(message.contains("/proc/PID/cmdline"), "{message}");
            assert!(!message.contains("hunter2"), "{message}");
        }
        assert_eq!(USAGE_STATUS, 2);
    }

    /// Each user has scopes: a login asking for one the user does not hold
    /// is `400 invalid_scope`; asking for none grants none; a scope taken
    /// away no longer opens its routes, even with a token that has it.
    #[tokio::test]
    async fn a_token_grants_only_scopes_the_user_holds() {
        let dir = TempDir::new();
        let opened = open_blocking(dir.db(), None).await;
        let app = opened.app;
        let invalid_scope = json!({"error": "invalid_scope", "error_description": NOT_GRANTED});
        for scope in ["me admin", "admin", "items me Items"] {
            let form = [("username", "johndoe"), ("password", "secret"), ("scope", scope)];
            let answer = Req::post_form(TOKEN_PATH, &form).send(&app).await;
            assert_eq!((answer.status, &answer.body), (400, &invalid_scope), "{scope}");
            assert_eq!(answer.header("cache-control"), Some("no-store"));
        }
        // None asked for, none granted: the token opens /status/ only.
        let none = login(&app, &[("username", "johndoe"), ("password", "secret")]).await;
        assert_eq!(Req::get(STATUS).bearer(&none).send(&app).await.status, 200);
        let answer = Req::get(USERS_ME).bearer(&none).send(&app).await;
        assert_detail(&answer, 403, Some(r#"Bearer error="insufficient_scope", scope="me""#), "Not enough permissions");

        // alice, enabled, holds `me` but not `items`.
        let connection = Connection::open(dir.db()).unwrap();
        connection.execute("UPDATE users SET disabled = 0 WHERE username = 'alice'", []).unwrap();
        let answer =
            Req::post_form(TOKEN_PATH, &[("username", "alice"), ("password", "secretalice"), ("scope", "me items")])
                .send(&app)
                .await;
        assert_eq!((answer.status, &answer.body), (400, &invalid_scope));
        let alice = login(&app, ALICE_ME).await;
        assert_eq!(Req::get(USERS_ME).bearer(&alice).send(&app).await.body["username"], "alice");

        // johndoe loses `items`: his token that has it no longer opens items.
        let me_items = login(&app, JOHNDOE_ME_ITEMS).await;
        assert_eq!(Req::get(USERS_ME_ITEMS).bearer(&me_items).send(&app).await.status, 200);
        connection.execute("UPDATE users SET scopes = 'me' WHERE username = 'johndoe'", []).unwrap();
        let answer = Req::get(USERS_ME_ITEMS).bearer(&me_items).send(&app).await;
        let challenge = r#"Bearer error="insufficient_scope", scope="items me""#;
        assert_detail(&answer, 403, Some(challenge), "Not enough permissions");
        assert_eq!(Req::get(USERS_ME).bearer(&me_items).send(&app).await.status, 200);
        let answer = Req::post_form(TOKEN_PATH, JOHNDOE_ME_ITEMS).send(&app).await;
        assert_eq!((answer.status, &answer.body), (400, &invalid_scope));
    }

    /// A disabled user's right password gets exactly what a wrong password
    /// gets, at `/token` and at `/whoami/`: status, headers and body.
    #[tokio::test]
    async fn a_disabled_user_is_answered_like_a_wrong_password() {
        let dir = TempDir::new();
        let app = open_blocking(dir.db(), None).await.app;
        let token = |user: &'static str, password: &'static str| {
            Req::post_form(TOKEN_PATH, &[("username", user), ("password", password), ("scope", "me")])
        };
        let whoami = |user: &str, password: &str| Req::get(WHOAMI).header("authorization", &basic(user, password));
        let mut answers = Vec::new();
        for (user, password) in [("alice", "secretalice"), ("alice", "wrong"), ("johndoe", "wrong"), ("nobody", "x")] {
            let login = token(user, password).send_raw(&app).await;
            let basic = whoami(user, password).send_raw(&app).await;
            answers.push((
                user,
                password,
                (login.status, login.headers, login.raw),
                (basic.status, basic.headers, basic.raw),
            ));
        }
        let (_, _, login, basic) = &answers[0];
        assert_eq!((login.0, login.2.as_str()), (400, INVALID_GRANT));
        assert_eq!(basic.0, 401);
        assert_eq!(basic.1[axum::http::header::WWW_AUTHENTICATE], r#"Basic realm="warden demo", charset="UTF-8""#);
        assert_eq!(basic.2, INCORRECT);
        for (user, password, other_login, other_basic) in &answers[1..] {
            assert_eq!(other_login, login, "{user}:{password} at /token");
            assert_eq!(other_basic, basic, "{user}:{password} at /whoami/");
        }
        // The right password of an active user still works.
        assert_eq!(whoami("johndoe", "secret").send(&app).await.status, 200);
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

    /// The key fixtures shared with warden's own key tests: made by
    /// OpenSSL (`make_keys.sh`), thumbprints by jwcrypto.
    fn fixture(name: &str) -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys").join(name);
        std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
    }

    /// jwcrypto's RFC 7638 thumbprint of the fixture `name`.
    fn jwcrypto_thumbprint(name: &str) -> String {
        let prints: Value = serde_json::from_slice(&fixture("thumbprints.json")).unwrap();
        prints[name]["thumbprint"].as_str().unwrap().to_owned()
    }

    /// The service signing with the fixture key `name`.
    async fn open_signing(path: PathBuf, name: &str) -> Opened {
        let given = Given { signing_key: Some(fixture(name)), ..Given::default() };
        tokio::task::spawn_blocking(move || open(&path, given)).await.unwrap().unwrap()
    }

    /// The header of a compact JWS.
    fn jose_header(token: &str) -> Value {
        use base64::Engine;
        let header = token.split('.').next().unwrap();
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap()
    }

    /// With `--signing-key`, `/token` signs with the key's algorithm under
    /// its RFC 7638 thumbprint, `/.well-known/jwks.json` publishes the
    /// public key (which verifies the tokens elsewhere), only that algorithm
    /// verifies (HS256 with the stored secret is refused), a token without
    /// `kid` finds the one key, and one with another `kid` is refused.
    #[tokio::test]
    async fn a_signing_key_signs_publishes_and_alone_verifies() {
        for (name, alg) in [
            ("rsa2048.pkcs8.pem", "RS256"),
            ("rsa2048.pkcs1.pem", "RS256"),
            ("p256.pkcs8.pem", "ES256"),
            ("p256.sec1.pem", "ES256"),
            ("ed25519.pkcs8.pem", "EdDSA"),
        ] {
            let dir = TempDir::new();
            let opened = open_signing(dir.db(), name).await;
            let kid = jwcrypto_thumbprint(name);
            assert_eq!(opened.signing.as_ref().map(|(alg, kid)| (alg.as_str(), kid.as_str())), Some((alg, &*kid)));
            let app = opened.app;
            let token = login(&app, JOHNDOE_ME_ITEMS).await;
            assert_eq!(jose_header(&token), json!({"alg": alg, "kid": kid, "typ": "JWT"}), "{name}");
            assert_eq!(Req::get(USERS_ME_ITEMS).bearer(&token).send(&app).await.status, 200, "{name}");

            let answer = Req::get(JWKS_PATH).send(&app).await;
            assert_eq!(answer.status, 200);
            assert_eq!(answer.header("cache-control"), Some("public, max-age=300"));
            assert_eq!(answer.header("content-type"), Some("application/json"));
            let keys = answer.body["keys"].as_array().unwrap();
            assert_eq!(keys.len(), 1);
            assert_eq!((&keys[0]["kid"], &keys[0]["alg"], &keys[0]["use"]), (&json!(kid), &json!(alg), &json!("sig")));
            for private in ["d", "p", "q", "dp", "dq", "qi", "k"] {
                assert!(keys[0].get(private).is_none(), "{name} publishes {private}");
            }
            // Another verifier, from the published set only.
            let jwks: JwkSet = serde_json::from_value(answer.body.clone()).unwrap();
            let algorithm = opened.signing.as_ref().unwrap().0;
            let elsewhere =
                JwtVerifier::<Claims, KeySet>::builder(KeySet::from_jwks(&jwks), [algorithm]).build().unwrap();
            assert_eq!(elsewhere.verify(&token).unwrap().claims().sub, "johndoe");

            // HS256 with the secret the database holds: refused.
            let stored = Db::stored_secret(&Connection::open(dir.db()).unwrap()).unwrap();
            let hs256 = signed(&stored, "johndoe", "me", unix_now() + 60);
            let answer = Req::get(USERS_ME).bearer(&hs256).send(&app).await;
            assert_eq!(answer.status, 401, "{name}: {}", answer.raw);
            assert!(answer.challenges()[0].starts_with(r#"Bearer error="invalid_token""#), "{:?}", answer.challenges());

            // Without a kid: the one key; with another kid: refused.
            let key = EncodingKey::from_pem(&fixture(name)).unwrap();
            let claims = Claims { sub: "johndoe".to_owned(), scope: "me".to_owned(), exp: unix_now() + 60 };
            let no_kid = encode(&Header::new(algorithm), &claims, &key).unwrap();
            assert_eq!(Req::get(USERS_ME).bearer(&no_kid).send(&app).await.status, 200, "{name}");
            let other_kid = encode(&Header::new(algorithm).with_kid("another"), &claims, &key).unwrap();
            assert_eq!(Req::get(USERS_ME).bearer(&other_kid).send(&app).await.status, 401, "{name}");
        }
    }

    /// Two replicas given the same key agree on its `kid`; keys warden
    /// cannot sign with, too weak or not private, are refused at startup.
    #[tokio::test]
    async fn replicas_agree_on_the_kid_and_unusable_keys_are_refused() {
        let (one, two) = (TempDir::new(), TempDir::new());
        let first = open_signing(one.db(), "rsa2048.pkcs8.pem").await.signing;
        assert_eq!(first, open_signing(two.db(), "rsa2048.pkcs1.pem").await.signing);
        for (pem, why) in [
            (fixture("rsa1024.pkcs8.pem"), "2048"),
            (fixture("p521.pkcs8.pem"), ""),
            (b"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n".to_vec(), ""),
            (b"not a key".to_vec(), ""),
        ] {
            let path = one.0.join("refused.sqlite3");
            let given = Given { signing_key: Some(pem), ..Given::default() };
            let error = tokio::task::spawn_blocking(move || open(&path, given)).await.unwrap().unwrap_err();
            assert!(error.to_string().contains(why), "{error}");
        }
    }

    /// Without a signing key there is no public key: `/.well-known/jwks.json`
    /// is `404`, and tokens are HS256 without `kid`.
    #[tokio::test]
    async fn the_secret_is_never_published() {
        let dir = TempDir::new();
        let app = open_blocking(dir.db(), None).await.app;
        let answer = Req::get(JWKS_PATH).send(&app).await;
        assert_eq!((answer.status, answer.body), (404, json!({"detail": "Not Found"})));
        let token = login(&app, JOHNDOE_ME).await;
        assert_eq!(jose_header(&token), json!({"alg": "HS256", "typ": "JWT"}));
    }

    /// When the password checks are saturated, `/token` answers RFC 6749's
    /// `503 temporarily_unavailable` and `/whoami/` `503 {"detail": …}`,
    /// both with `Retry-After`; the other logins get their usual answers.
    #[tokio::test]
    async fn saturated_password_checks_answer_503_with_retry_after() {
        let dir = TempDir::new();
        let path = dir.db();
        let passwords =
            PasswordLimits { concurrency: Some(1), queue_timeout: Some(Duration::ZERO), ..Default::default() };
        let given = Given { passwords, ..Given::default() };
        let app = tokio::task::spawn_blocking(move || open(&path, given)).await.unwrap().unwrap().app;
        let wrong_login = Req::post_form(TOKEN_PATH, &[("username", "johndoe"), ("password", "wrong")]);
        let wrong_basic = Req::get(WHOAMI).header("authorization", &basic("johndoe", "wrong"));
        let (a, b, c, d, e, f) = tokio::join!(
            wrong_login.send(&app),
            wrong_basic.send(&app),
            wrong_login.send(&app),
            wrong_basic.send(&app),
            wrong_login.send(&app),
            wrong_basic.send(&app),
        );
        let answers = [a, b, c, d, e, f];
        let (mut busy_login, mut busy_basic, mut judged) = (0, 0, 0);
        for answer in &answers {
            match (answer.status, answer.body.get("error").is_some()) {
                (503, true) => {
                    busy_login += 1;
                    assert_eq!(
                        answer.body,
                        json!({"error": "temporarily_unavailable", "error_description": BUSY_TEXT})
                    );
                    assert_eq!(answer.header("cache-control"), Some("no-store"));
                    assert_eq!(answer.header("retry-after"), Some("1"));
                }
                (503, false) => {
                    busy_basic += 1;
                    assert_eq!(answer.body, json!({"detail": BUSY_TEXT}));
                    assert_eq!(answer.header("retry-after"), Some("1"));
                    assert!(answer.challenges().is_empty());
                }
                (400, _) => {
                    judged += 1;
                    assert_eq!(answer.raw, INVALID_GRANT);
                }
                (401, _) => {
                    judged += 1;
                    assert_detail(answer, 401, Some(r#"Basic realm="warden demo", charset="UTF-8""#), INCORRECT_TEXT);
                }
                (status, _) => panic!("{status}: {}", answer.raw),
            }
        }
        assert!(busy_login > 0 && busy_basic > 0, "{busy_login} {busy_basic}");
        assert!(judged >= 1, "one check at a time still runs");
        // Once the checks are done, logins are judged again.
        assert_eq!(Req::post_form(TOKEN_PATH, JOHNDOE_ME).send(&app).await.status, 200);
    }

    /// The module documentation shows what the service prints on port 8000.
    #[test]
    fn documentation_shows_the_printed_requests() {
        testing::assert_documented(include_str!("service.rs"), STEPS);
    }
}
