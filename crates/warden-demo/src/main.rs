//! warden's demo service: FastAPI's OAuth2 scopes tutorial as a real
//! service, with users in SQLite, argon2 password hashes, JWT access tokens
//! and RFC 6750 answers.
//!
//! The routes are those of FastAPI's `docs_src/security/tutorial005.py`
//! (see `security_tutorial005` in `crates/warden-tutorials` for the exact
//! port):
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
//! Run with `cargo run -p warden-demo -- --port 8000 --db warden-demo.sqlite3`
//! (`--help` lists the flags; the server listens on 127.0.0.1 only and stops
//! on Ctrl-C or SIGTERM). It prints these requests on startup:
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
//!
//! # Layout
//!
//! * [`cli`]: the command line (clap), `--secret` and `--api-key` refused;
//! * [`secrets`]: the JWT secret and the API key, from a file, the
//!   environment or the database;
//! * [`database`]: the SQLite file, its users and settings, kept private;
//! * [`signing`]: the tokens' claims, the HS256 secret or `--signing-key`;
//! * [`auth`]: the current user of a token, the active user, the bounded
//!   password check;
//! * [`routes`]: the handlers; [`app`]: the state and the router;
//! * [`listing`]: the requests printed on startup.
//!
//! [`hash_password`]: warden::password::hash_password
//! [`PasswordVerifier`]: warden::password::PasswordVerifier

#![forbid(unsafe_code)]

mod app;
mod auth;
mod cli;
mod database;
mod listing;
mod routes;
mod secrets;
mod signing;
#[cfg(test)]
mod test_support;

use std::{error::Error, process::ExitCode};

use warden_tutorials::{oauth2, serve::serve_on};

use crate::{
    app::{Given, open},
    database::Found,
    listing::STEPS,
    routes::{JWKS_PATH, METRICS, USERS_ME},
    secrets::{API_KEY_ENV, SECRET_ENV, SecretSource, secret_from},
};

/// The binary's name, for messages.
const NAME: &str = "warden-demo";

/// An error of any kind, for messages.
type AnyError = Box<dyn Error + Send + Sync>;

#[tokio::main]
async fn main() -> ExitCode {
    let options = match cli::parse(std::env::args_os()) {
        Ok(options) => options,
        Err(error) => {
            // The help (status 0) on stdout, anything else (status 2) on stderr.
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(cli::USAGE_STATUS));
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
    serve_on(NAME, options.port, opened.app, USERS_ME, |base| oauth2::listing(STEPS, base)).await
}
