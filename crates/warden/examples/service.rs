//! warden's demo service: FastAPI's OAuth2 scopes tutorial as a real
//! service, with users in SQLite, argon2 password hashes, JWT access tokens
//! and RFC 6750 answers.
//!
//! The routes are those of `docs_src/security/tutorial005_an_py310.py`
//! (see the `security_tutorial005` example for the exact port):
//!
//! | route | needs | answers |
//! | --- | --- | --- |
//! | `POST /token` | a login form: `username`, `password`, `scope` | a JWT granting the scopes asked for |
//! | `GET /users/me/` | a token with the scope `me`, an active user | the user |
//! | `GET /users/me/items/` | the scopes `items` and `me`, an active user | the user's items |
//! | `GET /status/` | any valid token | `{"status":"ok"}` |
//! | `GET /whoami/` | HTTP Basic: a user's name and password | the user |
//! | `GET /metrics/` | the operator's API key in `X-API-Key` | `{"users": n, "active_users": m}` |
//!
//! What makes it a service rather than a tutorial:
//!
//! * **The users live in an SQLite database**, created on the first run at
//!   the `--db` path (default `warden-demo.sqlite3` in the current
//!   directory) with the tutorial's two users, `johndoe` (password `secret`)
//!   and `alice` (password `secretalice`, disabled), their passwords stored
//!   as argon2id hashes made by [`hash_password`] (pwdlib's parameters, so
//!   FastAPI's pwdlib verifies them too). SQLite and argon2 run on tokio's
//!   blocking threads, never on the async ones.
//! * **A login for an unknown user costs what a wrong password costs**:
//!   [`verify_password_or_dummy`] runs argon2 over a dummy hash, so timing
//!   does not tell which user names exist.
//! * **The JWT secret is the service's own**: `--secret`, else the
//!   environment variable `WARDEN_DEMO_SECRET`, else 32 random bytes drawn
//!   on the first run and kept (hex) in the database. Tokens are HS256,
//!   `{"sub", "scope", "exp"}`, valid 30 minutes; `exp` is required.
//! * **warden's RFC 6750 answers** instead of the tutorial's: a token that
//!   does not verify (or names a user who no longer exists) is `401` with
//!   `Bearer error="invalid_token", error_description="…"`; a token without
//!   a scope the route needs is `403` with
//!   `Bearer error="insufficient_scope", scope="items me"`, the scopes of
//!   the route (`items`) before those of the active-user check (`me`), as
//!   FastAPI orders them. A disabled user is still
//!   `400 {"detail":"Inactive user"}`, the tutorial's answer; a wrong
//!   password is RFC 6749's `400 {"error":"invalid_grant", …}` like the
//!   form's own errors; the token response carries `expires_in` and RFC 6749's
//!   `Cache-Control: no-store`.
//! * **Other schemes beside OAuth2**: `/whoami/` takes the same users and
//!   passwords over HTTP Basic (realm `warden demo`), checked with argon2
//!   like a login; `/metrics/` takes the operator's API key in the
//!   `X-API-Key` header, compared in constant time: `--api-key`, else the
//!   environment variable `WARDEN_DEMO_API_KEY`, else a random key made on
//!   the first run and kept in the database (read it with
//!   `sqlite3 warden-demo.sqlite3 "SELECT value FROM settings WHERE name = 'api_key'"`;
//!   the service never prints it).
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
//! ME_ITEMS=$(curl -s -d 'username=johndoe' -d 'password=secret' --data-urlencode 'scope=me items' 'http://127.0.0.1:8000/token' | sed -E 's/.*"access_token":"([^"]*)".*/\1/')
//! ME=$(curl -s -d 'username=johndoe' -d 'password=secret' -d 'scope=me' 'http://127.0.0.1:8000/token' | sed -E 's/.*"access_token":"([^"]*)".*/\1/')
//! ALICE=$(curl -s -d 'username=alice' -d 'password=secretalice' -d 'scope=me' 'http://127.0.0.1:8000/token' | sed -E 's/.*"access_token":"([^"]*)".*/\1/')
//! curl -i -H "Authorization: Bearer $ME_ITEMS" 'http://127.0.0.1:8000/users/me/items/'
//!     # 200, [{"item_id":"Foo","owner":"johndoe"}]
//! curl -i -H "Authorization: Bearer $ME" 'http://127.0.0.1:8000/users/me/items/'
//!     # 403, WWW-Authenticate: Bearer error="insufficient_scope", scope="items me", {"detail":"Not enough permissions"}
//! curl -i -H "Authorization: Bearer $ME" 'http://127.0.0.1:8000/users/me/'
//!     # 200, {"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false}
//! curl -i -H "Authorization: Bearer $ALICE" 'http://127.0.0.1:8000/users/me/'
//!     # 400, {"detail":"Inactive user"}
//! curl -i -H "Authorization: Bearer $ALICE" 'http://127.0.0.1:8000/status/'
//!     # 200, {"status":"ok"}
//! curl -i -H 'Authorization: Bearer nonexistent' 'http://127.0.0.1:8000/users/me/'
//!     # 401, WWW-Authenticate: Bearer error="invalid_token", error_description="the token is malformed", {"detail":"Invalid token"}
//! curl -i 'http://127.0.0.1:8000/status/'
//!     # 401, WWW-Authenticate: Bearer, {"detail":"Not authenticated"}
//! curl -i -H 'Authorization: Basic am9obmRvZTpzZWNyZXQ=' 'http://127.0.0.1:8000/whoami/'
//!     # 200, {"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false}
//! curl -i -H 'Authorization: Basic am9obmRvZTp3cm9uZw==' 'http://127.0.0.1:8000/whoami/'
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
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Response},
};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use support::{
    jwt::unix_now,
    oauth2::{self, Call, Login, Step, TOKEN_PATH},
    users::{
        ALICE_ME, INACTIVE, INCORRECT, JOHNDOE_ITEMS, JOHNDOE_JSON, JOHNDOE_ME, JOHNDOE_ME_ITEMS, inactive_user,
        own_items,
    },
};
use warden::{
    ApiKey, Auth, AuthErrorKind, AuthRejection, BearerToken, HttpBasic, OAuth2PasswordBearer,
    OAuth2PasswordRequestForm, Secret, Security, TokenResponse,
    form::TokenFormRejection,
    jwt::{Algorithm, DecodingKey, EncodingKey, Header, JwtVerifier, encode},
    openapi::{DocContext, DocumentSecurity, Routes, SecurityRequirements, SwaggerUi},
    password::{hash_password, verify_password_or_dummy},
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

/// Every route's path, for the slash redirects.
const ROUTES: &[&str] = &[TOKEN_PATH, USERS_ME, USERS_ME_ITEMS, STATUS, WHOAMI, METRICS, OPENAPI_PATH, DOCS_PATH];

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
    hashed_password: String,
}

/// The users created on the first run: the tutorial's, with their passwords.
const FIRST_USERS: [(&str, &str, &str, &str, bool); 2] = [
    ("johndoe", "John Doe", "johndoe@example.com", "secret", false),
    ("alice", "Alice Chains", "alicechains@example.com", "secretalice", true),
];

/// The SQLite database, shared by the requests. Every use goes through
/// [`Db::run`], on a blocking thread.
#[derive(Debug, Clone)]
struct Db(Arc<Mutex<Connection>>);

impl Db {
    /// Opens the database at `path`, creating it with the first users and a
    /// random secret when it is new (its `user_version` is 0). Blocking.
    ///
    /// Returns whether it was created.
    fn open(path: &Path) -> Result<(Self, bool), AnyError> {
        let mut connection = Connection::open(path)?;
        let version: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let created = version == 0;
        if created {
            let transaction = connection.transaction()?;
            transaction.execute_batch(
                "CREATE TABLE users (
                     username TEXT PRIMARY KEY NOT NULL,
                     full_name TEXT,
                     email TEXT,
                     hashed_password TEXT NOT NULL,
                     disabled INTEGER NOT NULL DEFAULT 0
                 );
                 CREATE TABLE settings (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);",
            )?;
            for (username, full_name, email, password, disabled) in FIRST_USERS {
                transaction.execute(
                    "INSERT INTO users (username, full_name, email, hashed_password, disabled) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![username, full_name, email, hash_password(password)?, disabled],
                )?;
            }
            transaction.execute("INSERT INTO settings (name, value) VALUES ('jwt_secret', ?1)", [random_secret()?])?;
            transaction.pragma_update(None, "user_version", 1)?;
            transaction.commit()?;
        }
        // The API key came with version 2 of the demo: added to older databases too.
        connection
            .execute("INSERT OR IGNORE INTO settings (name, value) VALUES ('api_key', ?1)", [random_secret()?])?;
        Ok((Self(Arc::new(Mutex::new(connection))), created))
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
                "SELECT username, email, full_name, disabled, hashed_password FROM users WHERE username = ?1",
                [username],
                |row| {
                    let user = User {
                        username: row.get(0)?,
                        email: row.get(1)?,
                        full_name: row.get(2)?,
                        disabled: row.get(3)?,
                    };
                    Ok(UserRow { user, hashed_password: row.get(4)? })
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
    Flag,
    Environment,
    Database,
}

/// The secret to sign with: `--secret`, else the environment's, else the
/// stored one. A given secret must have at least [`MIN_SECRET_LEN`] bytes.
fn choose_secret(
    flag: Option<String>,
    environment: Option<String>,
    stored: String,
) -> Result<(String, SecretSource), String> {
    let (secret, source) = match (flag, environment) {
        (Some(secret), _) => (secret, SecretSource::Flag),
        (None, Some(secret)) => (secret, SecretSource::Environment),
        (None, None) => return Ok((stored, SecretSource::Database)),
    };
    if secret.len() < MIN_SECRET_LEN {
        return Err(format!("the JWT secret must have at least {MIN_SECRET_LEN} bytes (try `openssl rand -hex 32`)"));
    }
    Ok((secret, source))
}

/// The API key `/metrics/` accepts: `--api-key`, else the environment's,
/// else the stored one. A given key must have at least [`MIN_API_KEY_LEN`]
/// visible ASCII characters, which a header carries unchanged.
fn choose_api_key(flag: Option<String>, environment: Option<String>, stored: String) -> Result<Secret, String> {
    let Some(key) = flag.or(environment) else { return Ok(Secret::from(stored)) };
    if key.len() < MIN_API_KEY_LEN || !key.bytes().all(|byte| byte.is_ascii_graphic()) {
        return Err(format!(
            "the API key must have at least {MIN_API_KEY_LEN} visible ASCII characters (try `openssl rand -hex 32`)"
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
    jwt: JwtBearer<Claims>,
    db: Db,
}

impl Verifier for CurrentUser {
    type Scheme = OAuth2PasswordBearer;
    type Output = User;

    fn scheme(&self) -> &OAuth2PasswordBearer {
        self.jwt.scheme()
    }

    fn answers_rfc6750(&self) -> bool {
        self.jwt.answers_rfc6750()
    }

    async fn verify(&self, token: &BearerToken, scopes: &SecurityScopes) -> Result<User, AuthRejection> {
        let claims = self.jwt.verify(token, scopes).await?;
        let username = claims.sub.clone();
        match self.db.run(move |connection| Db::user(connection, &username)).await {
            Ok(Some(row)) => Ok(row.user),
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
    key: EncodingKey,
    basic: HttpBasic,
    api_key: ApiKey,
    operator_key: Arc<Secret>,
}

/// What [`open`] found.
#[derive(Debug)]
struct Opened {
    app: Router,
    /// Whether the database was created by this run.
    created: bool,
    secret: SecretSource,
}

/// Where the secrets come from: a command-line flag or the environment,
/// else the database.
#[derive(Debug, Clone, Default)]
struct Given {
    secret_flag: Option<String>,
    secret_environment: Option<String>,
    api_key_flag: Option<String>,
    api_key_environment: Option<String>,
}

/// Opens (or creates) the database at `path` and builds the service, signing
/// with the secret [`choose_secret`] picks and taking the API key
/// [`choose_api_key`] picks. Blocking.
fn open(path: &Path, given: Given) -> Result<Opened, AnyError> {
    let (db, created) =
        Db::open(path).map_err(|error| format!("cannot open the database {}: {error}", path.display()))?;
    let (stored, stored_key) = {
        let connection = db.0.lock().unwrap_or_else(PoisonError::into_inner);
        (Db::stored_secret(&connection)?, Db::stored_api_key(&connection)?)
    };
    let (secret, source) = choose_secret(given.secret_flag, given.secret_environment, stored)?;
    let operator_key = Arc::new(choose_api_key(given.api_key_flag, given.api_key_environment, stored_key)?);
    let scheme = OAuth2PasswordBearer::builder("token")
        .scope("me", "Read information about the current user.")
        .scope("items", "Read items.")
        .build()?;
    let verifier = JwtVerifier::builder(DecodingKey::from_secret(secret.as_bytes())?, [Algorithm::Hs256]).build()?;
    let current_user = CurrentUser { jwt: JwtBearer::new(scheme, verifier), db: db.clone() };
    let service = Service {
        current_user,
        db,
        key: EncodingKey::from_secret(secret.as_bytes())?,
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
    let router = router
        .route(OPENAPI_PATH, oauth2::get(move || async move { Json(Value::clone(&document)) }))
        .merge(docs.router());
    Ok(Opened { app: oauth2::starlette(router, ROUTES), created, secret: source })
}

/// `POST /token`: an access token for the user and the scopes asked for.
async fn login(State(service): State<Service>, form: OAuth2PasswordRequestForm) -> Response {
    let user = match authenticate(&service.db, form.username, form.password).await {
        Ok(Some(user)) => user,
        Ok(None) => return TokenFormRejection::invalid_grant("Incorrect username or password").into_response(),
        Err(error) => return error.into_response(),
    };
    let exp = unix_now() + ACCESS_TOKEN_LIFETIME.as_secs();
    let claims = Claims { sub: user.username, scope: form.scopes.join(" "), exp };
    match encode(&Header::new(Algorithm::Hs256), &claims, &service.key) {
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
/// unknown user).
async fn whoami(
    State(service): State<Service>,
    Auth(credentials): Auth<HttpBasic>,
) -> Result<Json<User>, AuthRejection> {
    let (username, password) = (credentials.username().to_owned(), Secret::from(credentials.password()));
    match authenticate(&service.db, username, password).await? {
        Some(user) if user.disabled => Err(inactive_user()),
        Some(user) => Ok(Json(user)),
        None => Err(service.basic.invalid_credentials("Incorrect username or password")),
    }
}

/// The user `username` names if `password` is theirs, `None` otherwise:
/// argon2 outside the database lock, on a blocking thread, over a dummy
/// hash for an unknown user, so that timing does not tell which names exist.
async fn authenticate(db: &Db, username: String, password: Secret) -> Result<Option<User>, AuthRejection> {
    let found = db.run(move |connection| Db::user(connection, &username)).await.map_err(|error| {
        eprintln!("{NAME}: reading a user: {error}");
        internal_error()
    })?;
    tokio::task::spawn_blocking(move || {
        let valid = verify_password_or_dummy(password.expose(), found.as_ref().map(|row| row.hashed_password.as_str()));
        found.filter(|_| valid).map(|row| row.user)
    })
    .await
    .map_err(|_| internal_error())
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

/// The requests printed on startup.
const STEPS: &[Step] = &[
    Step::Call(Call::post(
        TOKEN_PATH,
        JOHNDOE_ME_ITEMS,
        200,
        None,
        r#"{"access_token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.…","token_type":"bearer","expires_in":1800}"#,
    )),
    Step::Call(Call::post(
        TOKEN_PATH,
        &[("username", "johndoe"), ("password", "wrong")],
        400,
        None,
        r#"{"error":"invalid_grant","error_description":"Incorrect username or password"}"#,
    )),
    Step::Login(Login { var: "ME_ITEMS", form: JOHNDOE_ME_ITEMS }),
    Step::Login(Login { var: "ME", form: JOHNDOE_ME }),
    Step::Login(Login { var: "ALICE", form: ALICE_ME }),
    Step::Call(Call::get(USERS_ME_ITEMS, &[("Authorization", "Bearer $ME_ITEMS")], 200, None, JOHNDOE_ITEMS)),
    Step::Call(Call::get(
        USERS_ME_ITEMS,
        &[("Authorization", "Bearer $ME")],
        403,
        Some(r#"Bearer error="insufficient_scope", scope="items me""#),
        r#"{"detail":"Not enough permissions"}"#,
    )),
    Step::Call(Call::get(USERS_ME, &[("Authorization", "Bearer $ME")], 200, None, JOHNDOE_JSON)),
    Step::Call(Call::get(USERS_ME, &[("Authorization", "Bearer $ALICE")], 400, None, INACTIVE)),
    Step::Call(Call::get(STATUS, &[("Authorization", "Bearer $ALICE")], 200, None, r#"{"status":"ok"}"#)),
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
    Step::Call(Call::get(METRICS, &[], 401, Some("APIKey"), support::NOT_AUTHENTICATED)),
];

/// The command line: `--port N`, `--db PATH`, `--secret S`, `--api-key K`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Options {
    port: u16,
    db: PathBuf,
    secret: Option<String>,
    api_key: Option<String>,
}

/// Parses the command line; `Ok(None)` for `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options =
        Options { port: support::DEFAULT_PORT, db: PathBuf::from(DEFAULT_DB), secret: None, api_key: None };
    while let Some(arg) = args.next() {
        if arg == "--help" || arg == "-h" {
            return Ok(None);
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        if !["--port", "--db", "--secret", "--api-key"].contains(&name.as_str()) {
            return Err(format!("unknown argument {name:?}"));
        }
        let value = match inline {
            Some(value) => value,
            None => args.next().ok_or_else(|| format!("{name} needs a value"))?,
        };
        match name.as_str() {
            "--port" => options.port = value.parse().map_err(|_| format!("invalid port {value:?}"))?,
            "--db" => options.db = PathBuf::from(value),
            "--api-key" => options.api_key = Some(value),
            _ => options.secret = Some(value),
        }
    }
    Ok(Some(options))
}

/// The usage line.
const USAGE: &str = "usage: service [--port N] [--db PATH] [--secret S] [--api-key K]   (defaults: 8000, \
                     warden-demo.sqlite3; the secret also comes from WARDEN_DEMO_SECRET and the API key from \
                     WARDEN_DEMO_API_KEY, else both from the database)";

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
            return ExitCode::from(2);
        }
    };
    let api_key_source = if options.api_key.is_some() {
        "--api-key"
    } else if std::env::var_os(API_KEY_ENV).is_some() {
        API_KEY_ENV
    } else {
        "the database (settings.api_key)"
    };
    let given = Given {
        secret_flag: options.secret,
        secret_environment: std::env::var(SECRET_ENV).ok(),
        api_key_flag: options.api_key,
        api_key_environment: std::env::var(API_KEY_ENV).ok(),
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
    if opened.created {
        println!("{NAME}: created {db} with the users johndoe (password secret) and alice (secretalice, disabled)");
    } else {
        println!("{NAME}: using {db}");
    }
    let secret = match opened.secret {
        SecretSource::Flag => "--secret",
        SecretSource::Environment => SECRET_ENV,
        SecretSource::Database => "the database",
    };
    println!("{NAME}: signing tokens with the secret from {secret}; {METRICS} takes the API key from {api_key_source}");
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

    async fn open_blocking(path: PathBuf, flag: Option<String>) -> Opened {
        let given = Given { secret_flag: flag, ..Given::default() };
        tokio::task::spawn_blocking(move || open(&path, given)).await.unwrap().unwrap()
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
        assert!(first.created);
        assert_eq!(first.secret, SecretSource::Database);
        assert!(dir.db().exists());

        let connection = Connection::open(dir.db()).unwrap();
        let mut statement =
            connection.prepare("SELECT username, hashed_password, disabled FROM users ORDER BY username").unwrap();
        let users: Vec<(String, String, bool)> = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(users.len(), 2);
        assert_eq!((users[0].0.as_str(), users[0].2), ("alice", true));
        assert_eq!((users[1].0.as_str(), users[1].2), ("johndoe", false));
        for (_, hash, _) in &users {
            assert!(hash.starts_with("$argon2id$v=19$m=65536,t=3,p=4$"), "{hash}");
        }
        assert_ne!(users[0].1, users[1].1);
        let secret = Db::stored_secret(&connection).unwrap();
        assert_eq!(secret.len(), 64);
        assert!(secret.bytes().all(|byte| byte.is_ascii_hexdigit()));

        let second = open_blocking(dir.db(), None).await;
        assert!(!second.created);
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
        assert_eq!(opened.secret, SecretSource::Flag);
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

        // alice logs in, but is refused where an active user is needed.
        let alice = login(&app, &[("username", "alice"), ("password", "secretalice"), ("scope", "me items")]).await;
        assert_detail(&Req::get(USERS_ME).bearer(&alice).send(&app).await, 400, None, "Inactive user");
        assert_detail(&Req::get(USERS_ME_ITEMS).bearer(&alice).send(&app).await, 400, None, "Inactive user");
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

    /// `--secret` wins over the environment, which wins over the database;
    /// a short secret is refused.
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
            choose_secret(long("flag"), long("env"), stored.clone()),
            Ok((long("flag").unwrap(), SecretSource::Flag))
        );
        assert!(choose_secret(Some("short".to_owned()), None, stored.clone()).is_err());
        assert!(choose_secret(None, Some("short".to_owned()), stored).is_err());
        assert_eq!(random_secret().unwrap().len(), 64);
        let key = |flag: Option<&str>, environment: Option<&str>| {
            choose_api_key(flag.map(str::to_owned), environment.map(str::to_owned), "stored-key-stored-key".to_owned())
                .map(|key| key.expose().to_owned())
        };
        assert_eq!(key(None, None), Ok("stored-key-stored-key".to_owned()));
        assert_eq!(key(Some("flag-key-0123456789"), Some("env-key-0123456789")), Ok("flag-key-0123456789".to_owned()));
        assert_eq!(key(None, Some("env-key-0123456789")), Ok("env-key-0123456789".to_owned()));
        assert!(key(Some("short"), None).is_err());
        assert!(key(Some("sixteen chars but a space"), None).is_err());
        assert_ne!(random_secret().unwrap(), random_secret().unwrap());
    }

    /// `/whoami/` takes a login's name and password over Basic; `/metrics/`
    /// the operator's key, given or stored on the first run.
    #[tokio::test]
    async fn basic_credentials_and_the_api_key() {
        let dir = TempDir::new();
        let given = Given { api_key_flag: Some("operator-key-0123456789".to_owned()), ..Given::default() };
        let path = dir.db();
        let app = tokio::task::spawn_blocking(move || open(&path, given)).await.unwrap().unwrap().app;
        let basic = |user: &str, password: &str| {
            use base64::Engine;
            format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
        };
        let answer = Req::get(WHOAMI).header("authorization", &basic("johndoe", "secret")).send(&app).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body["username"], "johndoe");
        let answer = Req::get(WHOAMI).header("authorization", &basic("nobody", "secret")).send(&app).await;
        let realm = r#"Basic realm="warden demo", charset="UTF-8""#;
        assert_detail(&answer, 401, Some(realm), "Incorrect username or password");
        let answer = Req::get(WHOAMI).header("authorization", &basic("alice", "secretalice")).send(&app).await;
        assert_detail(&answer, 400, None, "Inactive user");

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
        let defaults = Options { port: 8000, db: PathBuf::from("warden-demo.sqlite3"), secret: None, api_key: None };
        assert_eq!(parse(&[]), Ok(Some(defaults.clone())));
        assert_eq!(
            parse(&["--port", "18200", "--db=/tmp/x.db", "--secret", "s", "--api-key", "k"]),
            Ok(Some(Options {
                port: 18200,
                db: PathBuf::from("/tmp/x.db"),
                secret: Some("s".to_owned()),
                api_key: Some("k".to_owned()),
            }))
        );
        assert_eq!(parse(&["--help"]), Ok(None));
        assert!(parse(&["--db"]).is_err());
        assert!(parse(&["--port", "x"]).is_err());
        assert!(parse(&["--verbose"]).is_err());
    }

    /// The module documentation shows what the service prints on port 8000.
    #[test]
    fn documentation_shows_the_printed_requests() {
        testing::assert_documented(include_str!("service.rs"), STEPS);
    }
}
