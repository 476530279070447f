//! HTTP Basic authentication with a username and password checked in
//! constant time.
//!
//! A port of FastAPI's `docs_src/security/tutorial007.py`
//! (["HTTP Basic Auth: check the username"](https://fastapi.tiangolo.com/advanced/security/http-basic-auth/#check-the-username)):
//! `GET /users/me` requires the Basic credentials `stanleyjobson` /
//! `swordfish` (the ones FastAPI's
//! `tests/test_tutorial/test_security/test_tutorial007.py` pins) and answers
//! `{"username": "stanleyjobson"}`. Like FastAPI's `secrets.compare_digest`,
//! [`BasicCredentials::matches`] compares the user-id and the password in
//! constant time, and always compares both, so an attacker cannot tell from
//! the timing which one was wrong. A wrong user-id or password is
//! `401 {"detail":"Incorrect username or password"}` with the scheme's
//! challenge ([`HttpBasic::invalid_credentials`]).
//!
//! Run with `cargo run -p warden-tutorials --bin security_tutorial007 -- --port 8000`
//! (the port defaults to 8000; the server listens on 127.0.0.1 only and stops
//! on Ctrl-C or SIGTERM). It prints these requests on startup:
//!
//! ```text
//! curl -i -u 'stanleyjobson:swordfish' 'http://127.0.0.1:8000/users/me'
//!     # 200, {"username":"stanleyjobson"}
//! curl -i 'http://127.0.0.1:8000/users/me'
//!     # 401, WWW-Authenticate: Basic realm="api", charset="UTF-8", {"detail":"Not authenticated"}
//! curl -i -H 'Authorization: Basic notabase64token' 'http://127.0.0.1:8000/users/me'
//!     # 401, WWW-Authenticate: Basic realm="api", charset="UTF-8", {"detail":"Not authenticated"}
//! curl -i -H 'Authorization: Basic am9obnNlY3JldA==' 'http://127.0.0.1:8000/users/me'
//!     # johnsecret, no colon -> 401, WWW-Authenticate: Basic realm="api", charset="UTF-8", {"detail":"Not authenticated"}
//! curl -i -u 'alice:swordfish' 'http://127.0.0.1:8000/users/me'
//!     # 401, WWW-Authenticate: Basic realm="api", charset="UTF-8", {"detail":"Incorrect username or password"}
//! curl -i -u 'stanleyjobson:wrongpassword' 'http://127.0.0.1:8000/users/me'
//!     # 401, WWW-Authenticate: Basic realm="api", charset="UTF-8", {"detail":"Incorrect username or password"}
//! ```
//!
//! # Differences from FastAPI
//!
//! warden's Basic scheme always has a realm (POLICY D1), so every challenge,
//! the one sent with "Incorrect username or password" included, is
//! `Basic realm="api", charset="UTF-8"` where FastAPI sends a bare `Basic`.
//! Statuses and bodies are FastAPI's.
//!
//! [`BasicCredentials::matches`]: warden::BasicCredentials::matches
//! [`HttpBasic::invalid_credentials`]: warden::HttpBasic::invalid_credentials

#![forbid(unsafe_code)]

use std::process::ExitCode;

use axum::{
    Json, Router,
    extract::{FromRef, FromRequestParts},
    http::request::Parts,
    routing::get,
};
use serde_json::{Value, json};
use warden::{Auth, AuthRejection, ConfigError, HttpBasic};
use warden_tutorials::{
    NOT_AUTHENTICATED,
    listing::{self, Header, Try, with},
    serve,
};

/// The binary's name, for messages.
const NAME: &str = "security_tutorial007";

/// The realm of the Basic challenge.
const REALM: &str = "api";

/// The path of the only route.
const PATH: &str = "/users/me";

/// The one account of the tutorial. A real application looks the user up
/// and compares a password hash instead.
const USERNAME: &str = "stanleyjobson";
const PASSWORD: &str = "swordfish";

/// The application: `GET /users/me` behind HTTP Basic, for one account.
///
/// # Errors
///
/// A scheme configuration error (none for the realm `api`).
fn app() -> Result<Router, ConfigError> {
    Ok(Router::new().route(PATH, get(read_current_user)).with_state(HttpBasic::new(REALM)?))
}

/// The user-id of a request whose Basic credentials are the account's:
/// FastAPI's `get_current_username` dependency.
#[derive(Debug)]
struct CurrentUsername(String);

impl<S> FromRequestParts<S> for CurrentUsername
where
    HttpBasic: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AuthRejection> {
        // Missing or malformed credentials: the scheme's 401 "Not authenticated".
        let Auth(credentials) = Auth::<HttpBasic>::from_request_parts(parts, state).await?;
        // Both parts compared, in constant time, whichever is wrong.
        if credentials.matches(USERNAME, PASSWORD) {
            Ok(Self(credentials.username().to_owned()))
        } else {
            Err(HttpBasic::from_ref(state).invalid_credentials("Incorrect username or password"))
        }
    }
}

/// `{"username": u}` for the authenticated user.
async fn read_current_user(CurrentUsername(username): CurrentUsername) -> Json<Value> {
    Json(json!({ "username": username }))
}

/// The Basic challenge every `401` carries.
const CHALLENGE: &str = r#"Basic realm="api", charset="UTF-8""#;

/// The body of a `401` for the wrong user-id or password.
const INCORRECT: &str = r#"{"detail":"Incorrect username or password"}"#;

/// The requests of FastAPI's `tests/test_tutorial/test_security/test_tutorial007.py`.
const TRIES: [Try; 6] = [
    with(&[Header::Basic("stanleyjobson", "swordfish")], 200, None, r#"{"username":"stanleyjobson"}"#),
    with(&[], 401, Some(CHALLENGE), NOT_AUTHENTICATED),
    with(&[Header::Raw("Authorization", "Basic notabase64token")], 401, Some(CHALLENGE), NOT_AUTHENTICATED),
    Try {
        note: Some("johnsecret, no colon"),
        ..with(&[Header::Raw("Authorization", "Basic am9obnNlY3JldA==")], 401, Some(CHALLENGE), NOT_AUTHENTICATED)
    },
    with(&[Header::Basic("alice", "swordfish")], 401, Some(CHALLENGE), INCORRECT),
    with(&[Header::Basic("stanleyjobson", "wrongpassword")], 401, Some(CHALLENGE), INCORRECT),
];

/// The requests printed on startup, each followed by its answer in a comment.
fn listing(base: &str) -> String {
    listing::listing(&TRIES, base, PATH)
}

#[tokio::main]
async fn main() -> ExitCode {
    serve::serve(NAME, app, PATH, listing).await
}

/// The cases of FastAPI's `test_tutorial007.py`, with warden's answers.
#[cfg(test)]
mod tests {
    use base64::{Engine as _, engine::general_purpose::STANDARD};

    use warden_tutorials::{
        listing::shell_quote,
        serve::parse_port,
        testing::{
            self,
            tries::{self, Answer, basic},
        },
    };

    use super::*;

    /// The curl command for `attempt` against `base` (`http://127.0.0.1:8000`).
    fn curl(attempt: &Try, base: &str) -> String {
        attempt.command(base, PATH)
    }

    async fn get(headers: &[(&str, &str)]) -> Answer {
        tries::get(app().unwrap(), PATH, headers).await
    }

    /// A `401` with the Basic challenge (bare `Basic` in FastAPI, D1) and `detail`.
    fn assert_unauthorized(answer: &Answer, detail: &str) {
        assert_eq!(answer.status, 401);
        assert_eq!(answer.challenges, [r#"Basic realm="api", charset="UTF-8""#]);
        assert_eq!(answer.content_type.as_deref(), Some("application/json"));
        assert_eq!(answer.body, json!({ "detail": detail }));
    }

    /// `test_security_http_basic`.
    #[tokio::test]
    async fn security_http_basic() {
        let answer = get(&[("authorization", &basic("stanleyjobson", "swordfish"))]).await;
        assert_eq!(answer.status, 200);
        assert!(answer.challenges.is_empty());
        assert_eq!(answer.content_type.as_deref(), Some("application/json"));
        assert_eq!(answer.body, json!({"username": "stanleyjobson"}));
    }

    /// `test_security_http_basic_no_credentials`.
    #[tokio::test]
    async fn security_http_basic_no_credentials() {
        assert_unauthorized(&get(&[]).await, "Not authenticated");
    }

    /// `test_security_http_basic_invalid_credentials`: not base64.
    #[tokio::test]
    async fn security_http_basic_invalid_credentials() {
        assert_unauthorized(&get(&[("authorization", "Basic notabase64token")]).await, "Not authenticated");
    }

    /// `test_security_http_basic_non_basic_credentials`: base64 of
    /// `johnsecret`, with no colon between user-id and password.
    #[tokio::test]
    async fn security_http_basic_non_basic_credentials() {
        let payload = STANDARD.encode("johnsecret");
        assert_eq!(payload, "am9obnNlY3JldA==");
        assert_unauthorized(&get(&[("authorization", &format!("Basic {payload}"))]).await, "Not authenticated");
    }

    /// `test_security_http_basic_invalid_username`.
    #[tokio::test]
    async fn security_http_basic_invalid_username() {
        let answer = get(&[("authorization", &basic("alice", "swordfish"))]).await;
        assert_unauthorized(&answer, "Incorrect username or password");
    }

    /// `test_security_http_basic_invalid_password`.
    #[tokio::test]
    async fn security_http_basic_invalid_password() {
        let answer = get(&[("authorization", &basic("stanleyjobson", "wrongpassword"))]).await;
        assert_unauthorized(&answer, "Incorrect username or password");
    }

    /// Near misses are refused too: the comparison is exact, not a prefix,
    /// case-insensitive or trimmed match, and the first colon splits.
    #[tokio::test]
    async fn near_misses_are_incorrect() {
        for (user, password) in [
            ("stanleyjobson", "swordfis"),
            ("stanleyjobson", "swordfishh"),
            ("stanleyjobson", "Swordfish"),
            ("stanleyjobso", "swordfish"),
            ("StanleyJobson", "swordfish"),
            ("stanleyjobson ", "swordfish"),
            ("stanleyjobson", ""),
            ("", "swordfish"),
            ("stanleyjobson:swordfish", ""),
            ("alice", "wrongpassword"),
        ] {
            let answer = get(&[("authorization", &basic(user, password))]).await;
            assert_unauthorized(&answer, "Incorrect username or password");
        }
    }

    /// The scheme name is case-insensitive (RFC 9110 section 11.1).
    #[tokio::test]
    async fn scheme_name_is_case_insensitive() {
        let token = STANDARD.encode("stanleyjobson:swordfish");
        let answer = get(&[("authorization", &format!("BASIC {token}"))]).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, json!({"username": "stanleyjobson"}));
    }

    /// Every request printed on startup gets the answer printed next to it.
    #[tokio::test]
    async fn printed_requests_get_the_printed_answers() {
        for attempt in &TRIES {
            let answer = tries::send(app().unwrap(), PATH, attempt).await;
            let line = curl(attempt, "http://127.0.0.1:8000");
            assert_eq!(answer.status, attempt.status, "{line}");
            assert_eq!(answer.challenges, Vec::from_iter(attempt.challenge.map(str::to_owned)), "{line}");
            assert_eq!(answer.raw, attempt.body, "{line}");
        }
    }

    /// The module documentation shows what the binary prints on port 8000.
    #[test]
    fn documentation_shows_the_printed_requests() {
        let documented = testing::documented(include_str!("security_tutorial007.rs"));
        assert_eq!(documented, listing("http://127.0.0.1:8000"));
    }

    #[test]
    fn curl_lines_quote_for_the_shell() {
        assert_eq!(curl(&TRIES[0], "http://h:1"), "curl -i -u 'stanleyjobson:swordfish' 'http://h:1/users/me'");
        assert_eq!(curl(&TRIES[1], "http://h:1"), "curl -i 'http://h:1/users/me'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn port_is_parsed_by_hand() {
        let parse = |args: &[&str]| parse_port(args.iter().map(|arg| (*arg).to_owned()));
        assert_eq!(parse(&[]), Ok(Some(8000)));
        assert_eq!(parse(&["--port", "18102"]), Ok(Some(18102)));
        assert_eq!(parse(&["--port=18102"]), Ok(Some(18102)));
        assert_eq!(parse(&["-h"]), Ok(None));
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "x"]).is_err());
        assert!(parse(&["extra"]).is_err());
    }
}
