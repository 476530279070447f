//! HTTP Basic authentication: the handler receives the user-id and password.
//!
//! A port of FastAPI's `docs_src/security/tutorial006_an_py310.py`
//! (["HTTP Basic Auth"](https://fastapi.tiangolo.com/advanced/security/http-basic-auth/)):
//! `GET /users/me` requires Basic credentials and answers them back as
//! `{"username": u, "password": p}`. Nothing checks them; see
//! `security_tutorial007` for that.
//!
//! Run with `cargo run -p warden --example security_tutorial006 -- --port 8000`
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

use std::{net::Ipv4Addr, process::ExitCode};

use axum::{Json, Router, routing::get};
use serde_json::{Value, json};
use warden::{Auth, ConfigError, HttpBasic};

/// The example's name, for messages.
const NAME: &str = "security_tutorial006";

/// The port used when `--port` is not given.
const DEFAULT_PORT: u16 = 8000;

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

/// What a printed request sends besides the URL.
#[derive(Debug, Clone, Copy)]
enum Header {
    /// `curl -u user:password`: an `Authorization: Basic …` header.
    Basic(&'static str, &'static str),
    /// A header sent verbatim.
    Raw(&'static str, &'static str),
}

/// A request printed on startup, and the answer it gets (pinned by the tests).
#[derive(Debug, Clone, Copy)]
struct Try {
    headers: &'static [Header],
    note: Option<&'static str>,
    status: u16,
    challenge: Option<&'static str>,
    body: &'static str,
}

/// The Basic challenge every `401` carries.
const CHALLENGE: &str = r#"Basic realm="api", charset="UTF-8""#;

/// The requests of FastAPI's `tests/test_tutorial/test_security/test_tutorial006.py`.
const TRIES: [Try; 4] = [
    Try {
        headers: &[Header::Basic("john", "secret")],
        note: None,
        status: 200,
        challenge: None,
        body: r#"{"password":"secret","username":"john"}"#,
    },
    Try {
        headers: &[],
        note: None,
        status: 401,
        challenge: Some(CHALLENGE),
        body: r#"{"detail":"Not authenticated"}"#,
    },
    Try {
        headers: &[Header::Raw("Authorization", "Basic notabase64token")],
        note: None,
        status: 401,
        challenge: Some(CHALLENGE),
        body: r#"{"detail":"Not authenticated"}"#,
    },
    Try {
        headers: &[Header::Raw("Authorization", "Basic am9obnNlY3JldA==")],
        note: Some("johnsecret, no colon"),
        status: 401,
        challenge: Some(CHALLENGE),
        body: r#"{"detail":"Not authenticated"}"#,
    },
];

impl Try {
    /// The curl command for this request against `base` (`http://127.0.0.1:8000`).
    fn curl(&self, base: &str) -> String {
        let mut line = "curl -i".to_owned();
        for header in self.headers {
            match header {
                Header::Basic(user, password) => {
                    line.push_str(" -u ");
                    line.push_str(&shell_quote(&format!("{user}:{password}")));
                }
                Header::Raw(name, value) => {
                    line.push_str(" -H ");
                    line.push_str(&shell_quote(&format!("{name}: {value}")));
                }
            }
        }
        line.push(' ');
        line.push_str(&shell_quote(&format!("{base}{PATH}")));
        line
    }

    /// The expected answer: status, challenge, body.
    fn answer(&self) -> String {
        match self.challenge {
            Some(challenge) => format!("{}, WWW-Authenticate: {challenge}, {}", self.status, self.body),
            None => format!("{}, {}", self.status, self.body),
        }
    }
}

/// The requests printed on startup, each followed by its answer in a comment.
fn listing(base: &str) -> String {
    let mut text = String::new();
    for attempt in &TRIES {
        let note = attempt.note.map(|note| format!("{note} -> ")).unwrap_or_default();
        text.push_str(&format!("{}\n    # {note}{}\n", attempt.curl(base), attempt.answer()));
    }
    text
}

/// `text` in single quotes for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Parses `--port N` / `--port=N`; `Ok(None)` for `--help`.
fn parse_port(mut args: impl Iterator<Item = String>) -> Result<Option<u16>, String> {
    let mut port = DEFAULT_PORT;
    while let Some(arg) = args.next() {
        let value = match arg.strip_prefix("--port=") {
            Some(value) => value.to_owned(),
            None if arg == "--port" => args.next().ok_or("--port needs a value")?,
            None if arg == "--help" || arg == "-h" => return Ok(None),
            None => return Err(format!("unknown argument {arg:?}")),
        };
        port = value.parse().map_err(|_| format!("invalid port {value:?}"))?;
    }
    Ok(Some(port))
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    eprintln!("{NAME}: shutting down");
}

#[tokio::main]
async fn main() -> ExitCode {
    let port = match parse_port(std::env::args().skip(1)) {
        Ok(Some(port)) => port,
        Ok(None) => {
            println!("usage: {NAME} [--port N]   (default {DEFAULT_PORT}, listens on 127.0.0.1)");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{NAME}: {message}\nusage: {NAME} [--port N]");
            return ExitCode::from(2);
        }
    };
    let app = match app() {
        Ok(app) => app,
        Err(error) => {
            eprintln!("{NAME}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("{NAME}: cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let port = listener.local_addr().map_or(port, |address| address.port());
    let base = format!("http://127.0.0.1:{port}");
    println!("{NAME}: listening on {base}{PATH} (Ctrl-C to stop). Try:");
    print!("{}", listing(&base));
    if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await {
        eprintln!("{NAME}: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// The cases of FastAPI's `test_tutorial006.py`, with warden's answers.
#[cfg(test)]
mod tests {
    use axum::{
        body::Body,
        http::{Request, header},
    };
    use base64::{Engine as _, engine::general_purpose::STANDARD};
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;

    use super::*;

    /// What a client sees.
    #[derive(Debug)]
    struct Answer {
        status: u16,
        challenges: Vec<String>,
        content_type: Option<String>,
        body: Value,
        /// The body as sent, for the printed answers.
        raw: String,
    }

    fn basic(user: &str, password: &str) -> String {
        format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
    }

    async fn get(headers: &[(&str, &str)]) -> Answer {
        let mut request = Request::get(PATH);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = app().unwrap().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
        let status = response.status().as_u16();
        let challenges = response
            .headers()
            .get_all(header::WWW_AUTHENTICATE)
            .iter()
            .map(|value| value.to_str().unwrap().to_owned())
            .collect();
        let content_type = response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned());
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let raw = String::from_utf8(bytes.to_vec()).unwrap();
        Answer { status, challenges, content_type, body: serde_json::from_str(&raw).unwrap(), raw }
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
            let headers: Vec<(&str, String)> = attempt
                .headers
                .iter()
                .map(|header| match *header {
                    Header::Basic(user, password) => ("authorization", basic(user, password)),
                    Header::Raw(name, value) => (name, value.to_owned()),
                })
                .collect();
            let headers: Vec<(&str, &str)> = headers.iter().map(|(name, value)| (*name, value.as_str())).collect();
            let answer = get(&headers).await;
            let line = attempt.curl("http://127.0.0.1:8000");
            assert_eq!(answer.status, attempt.status, "{line}");
            assert_eq!(answer.challenges, Vec::from_iter(attempt.challenge.map(str::to_owned)), "{line}");
            assert_eq!(answer.raw, attempt.body, "{line}");
        }
    }

    /// The module documentation shows what the example prints on port 8000.
    #[test]
    fn documentation_shows_the_printed_requests() {
        let documented: String = include_str!("security_tutorial006.rs")
            .lines()
            .filter_map(|line| line.strip_prefix("//! "))
            .skip_while(|line| !line.starts_with("curl "))
            .take_while(|line| !line.starts_with("```"))
            .map(|line| format!("{line}\n"))
            .collect();
        assert_eq!(documented, listing("http://127.0.0.1:8000"));
    }

    #[test]
    fn curl_lines_quote_for_the_shell() {
        assert_eq!(TRIES[0].curl("http://h:1"), "curl -i -u 'john:secret' 'http://h:1/users/me'");
        assert_eq!(
            TRIES[2].curl("http://h:1"),
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
