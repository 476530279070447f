//! HTTP Basic authentication: the handler receives the user-id and password.
//!
//! A port of FastAPI's `docs_src/security/tutorial006.py`
//! (["HTTP Basic Auth"](https://fastapi.tiangolo.com/advanced/security/http-basic-auth/)):
//! `GET /users/me` requires Basic credentials and answers them back as
//! `{"username": u, "password": p}`. Nothing checks them; see
//! `security_tutorial007` for that.
//!
//! Run with `cargo run -p warden-tutorials --bin security_tutorial006 -- --port 8000`
//! (the port defaults to 8000; the server listens on 127.0.0.1 only and stops
//! on Ctrl-C or SIGTERM). It prints these requests on startup:
//!
//! ```text
//! curl -i -u 'john:secret' 'http://127.0.0.1:8000/users/me'
//!     # 200, {"password":"secret","username":"john"}
//! curl -i 'http://127.0.0.1:8000/users/me'
//!     # 401, WWW-Authenticate: Basic realm="api", charset="UTF-8", {"detail":"Not authenticated"}
//! curl -i -H 'Authorization: Basic notabase64token' 'http://127.0.0.1:8000/users/me'
//!     # 401, WWW-Authenticate: Basic realm="api", charset="UTF-8", {"detail":"Not authenticated"}
//! curl -i -H 'Authorization: Basic am9obnNlY3JldA==' 'http://127.0.0.1:8000/users/me'
//!     # johnsecret, no colon -> 401, WWW-Authenticate: Basic realm="api", charset="UTF-8", {"detail":"Not authenticated"}
//! ```
//!
//! # Differences from FastAPI
//!
//! warden's Basic scheme always has a realm (POLICY D1), so every challenge
//! is `Basic realm="api", charset="UTF-8"` where FastAPI sends a bare
//! `Basic`. Credentials that cannot be decoded (`notabase64token`, or
//! `johnsecret` with no colon) get the same answer as FastAPI 0.163:
//! `401 {"detail":"Not authenticated"}` with the challenge.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use axum::{Json, Router, routing::get};
use serde_json::{Value, json};
use warden::{Auth, ConfigError, HttpBasic};
use warden_tutorials::{
    NOT_AUTHENTICATED,
    listing::{self, Header, Try, with},
    serve,
};

/// The binary's name, for messages.
const NAME: &str = "security_tutorial006";

/// The realm of the Basic challenge.
const REALM: &str = "api";

/// The path of the only route.
const PATH: &str = "/users/me";

/// The application: `GET /users/me` behind HTTP Basic.
///
/// # Errors
///
/// A scheme configuration error (none for the realm `api`).
fn app() -> Result<Router, ConfigError> {
    Ok(Router::new().route(PATH, get(read_current_user)).with_state(HttpBasic::new(REALM)?))
}

/// `{"username": u, "password": p}` from the Basic credentials.
async fn read_current_user(Auth(credentials): Auth<HttpBasic>) -> Json<Value> {
    Json(json!({ "username": credentials.username(), "password": credentials.password() }))
}

/// The Basic challenge every `401` carries.
const CHALLENGE: &str = r#"Basic realm="api", charset="UTF-8""#;

/// The requests of FastAPI's `tests/test_tutorial/test_security/test_tutorial006.py`.
const TRIES: [Try; 4] = [
    with(&[Header::Basic("john", "secret")], 200, None, r#"{"password":"secret","username":"john"}"#),
    with(&[], 401, Some(CHALLENGE), NOT_AUTHENTICATED),
    with(&[Header::Raw("Authorization", "Basic notabase64token")], 401, Some(CHALLENGE), NOT_AUTHENTICATED),
    Try {
        note: Some("johnsecret, no colon"),
        ..with(&[Header::Raw("Authorization", "Basic am9obnNlY3JldA==")], 401, Some(CHALLENGE), NOT_AUTHENTICATED)
    },
];

/// The requests printed on startup, each followed by its answer in a comment.
fn listing(base: &str) -> String {
    listing::listing(&TRIES, base, PATH)
}

#[tokio::main]
async fn main() -> ExitCode {
    serve::serve(NAME, app, PATH, listing).await
}

/// The cases of FastAPI's `test_tutorial006.py`, with warden's answers.
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

    fn assert_not_authenticated(answer: &Answer) {
        assert_eq!(answer.status, 401);
        assert_eq!(answer.challenges, [r#"Basic realm="api", charset="UTF-8""#]);
        assert_eq!(answer.content_type.as_deref(), Some("application/json"));
        assert_eq!(answer.body, json!({"detail": "Not authenticated"}));
    }

    /// `test_security_http_basic`.
    #[tokio::test]
    async fn security_http_basic() {
        let answer = get(&[("authorization", &basic("john", "secret"))]).await;
        assert_eq!(answer.status, 200);
        assert!(answer.challenges.is_empty());
        assert_eq!(answer.content_type.as_deref(), Some("application/json"));
        assert_eq!(answer.body, json!({"username": "john", "password": "secret"}));
    }

    /// `test_security_http_basic_no_credentials`: FastAPI sends a bare `Basic`
    /// challenge, warden always adds the realm and charset (D1).
    #[tokio::test]
    async fn security_http_basic_no_credentials() {
        assert_not_authenticated(&get(&[]).await);
    }

    /// `test_security_http_basic_invalid_credentials`: not base64.
    #[tokio::test]
    async fn security_http_basic_invalid_credentials() {
        assert_not_authenticated(&get(&[("authorization", "Basic notabase64token")]).await);
    }

    /// `test_security_http_basic_non_basic_credentials`: base64 of
    /// `johnsecret`, with no colon between user-id and password.
    #[tokio::test]
    async fn security_http_basic_non_basic_credentials() {
        let payload = STANDARD.encode("johnsecret");
        assert_eq!(payload, "am9obnNlY3JldA==");
        assert_not_authenticated(&get(&[("authorization", &format!("Basic {payload}"))]).await);
    }

    /// Tutorial 006 checks nothing: any well-formed credentials are echoed,
    /// the ones tutorial 007 refuses included.
    #[tokio::test]
    async fn any_well_formed_credentials_are_echoed() {
        for (user, password) in [("alice", "swordfish"), ("stanleyjobson", "wrongpassword"), ("", ""), ("u", "a:b")] {
            let answer = get(&[("authorization", &basic(user, password))]).await;
            assert_eq!(answer.status, 200, "{user}:{password}");
            assert_eq!(answer.body, json!({"username": user, "password": password}));
        }
    }

    /// Another scheme, or `Authorization` sent twice.
    #[tokio::test]
    async fn other_scheme_is_missing_and_two_lines_are_a_bad_request() {
        assert_not_authenticated(&get(&[("authorization", "Bearer am9objpzZWNyZXQ=")]).await);
        let twice = get(&[("authorization", &basic("john", "secret")), ("authorization", &basic("a", "b"))]).await;
        assert_eq!(twice.status, 400);
        assert!(twice.challenges.is_empty());
        assert_eq!(twice.body, json!({"detail": "Multiple Authorization headers"}));
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
        let documented = testing::documented(include_str!("security_tutorial006.rs"));
        assert_eq!(documented, listing("http://127.0.0.1:8000"));
    }

    #[test]
    fn curl_lines_quote_for_the_shell() {
        assert_eq!(curl(&TRIES[0], "http://h:1"), "curl -i -u 'john:secret' 'http://h:1/users/me'");
        assert_eq!(
            curl(&TRIES[2], "http://h:1"),
            "curl -i -H 'Authorization: Basic notabase64token' 'http://h:1/users/me'"
        );
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn port_is_parsed_by_hand() {
        let parse = |args: &[&str]| parse_port(args.iter().map(|arg| (*arg).to_owned()));
        assert_eq!(parse(&[]), Ok(Some(8000)));
        assert_eq!(parse(&["--port", "18101"]), Ok(Some(18101)));
        assert_eq!(parse(&["--port=18101"]), Ok(Some(18101)));
        assert_eq!(parse(&["--help"]), Ok(None));
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "70000"]).is_err());
        assert!(parse(&["--verbose"]).is_err());
    }
}
