//! What the examples share: the printed requests and their answers, the
//! `--port N` argument, serving on 127.0.0.1 until Ctrl-C or SIGTERM, and (for
//! the tests) replaying the printed requests against the app.
//!
//! The `demo` example includes it with `mod support;`. It sits in a
//! subdirectory without a `main.rs`, so cargo does not take it for an example
//! of its own. (The FastAPI tutorial ports and the demo service, which used
//! to share it, are the crates `warden-tutorials` and `warden-demo`.)

use std::{fmt, net::Ipv4Addr, process::ExitCode};

use axum::Router;

/// The port used when `--port` is not given.
pub(crate) const DEFAULT_PORT: u16 = 8000;

/// The body of every `401` for missing or malformed credentials.
pub(crate) const NOT_AUTHENTICATED: &str = r#"{"detail":"Not authenticated"}"#;

/// What a printed request sends besides the URL.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Header {
    /// `curl -u user:password`: an `Authorization: Basic …` header.
    Basic(&'static str, &'static str),
    /// A header sent verbatim (several of one name are all sent).
    Raw(&'static str, &'static str),
}

/// A request printed on startup, and the answer it gets (pinned by the tests).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Try {
    /// Appended to the path: `?api_key=…`.
    pub(crate) query: &'static str,
    pub(crate) headers: &'static [Header],
    /// Printed before the answer: `johnsecret, no colon -> 401, …`.
    pub(crate) note: Option<&'static str>,
    pub(crate) status: u16,
    pub(crate) challenge: Option<&'static str>,
    pub(crate) body: &'static str,
}

/// A request with `headers`, no query and no note.
pub(crate) const fn with(
    headers: &'static [Header],
    status: u16,
    challenge: Option<&'static str>,
    body: &'static str,
) -> Try {
    Try { query: "", headers, note: None, status, challenge, body }
}

impl Try {
    /// The curl command for this request to `path` on `base` (`http://127.0.0.1:8000`).
    pub(crate) fn command(&self, base: &str, path: &str) -> String {
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
        line.push_str(&shell_quote(&format!("{base}{path}{}", self.query)));
        line
    }

    /// The expected answer: note, status, challenge, body.
    fn answer(&self) -> String {
        let note = self.note.map(|note| format!("{note} -> ")).unwrap_or_default();
        match self.challenge {
            Some(challenge) => format!("{note}{}, WWW-Authenticate: {challenge}, {}", self.status, self.body),
            None => format!("{note}{}, {}", self.status, self.body),
        }
    }
}

/// `tries` sent to `path` on `base`, each followed by its answer in a comment.
pub(crate) fn listing(tries: &[Try], base: &str, path: &str) -> String {
    let mut text = String::new();
    for attempt in tries {
        text.push_str(&format!("{}\n    # {}\n", attempt.command(base, path), attempt.answer()));
    }
    text
}

/// `text` in single quotes for a POSIX shell.
pub(crate) fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Parses `--port N` / `--port=N`; `Ok(None)` for `--help`.
pub(crate) fn parse_port(mut args: impl Iterator<Item = String>) -> Result<Option<u16>, String> {
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
async fn shutdown_signal(name: &'static str) {
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
    eprintln!("{name}: shutting down");
}

/// The example `name`'s `main`: reads `--port`, builds the app, listens on
/// 127.0.0.1, prints `listening on {base}{path}` and `listing(base)`, and
/// serves until Ctrl-C or SIGTERM.
pub(crate) async fn serve<E: fmt::Display>(
    name: &'static str,
    app: fn() -> Result<Router, E>,
    path: &str,
    listing: impl FnOnce(&str) -> String,
) -> ExitCode {
    let port = match parse_port(std::env::args().skip(1)) {
        Ok(Some(port)) => port,
        Ok(None) => {
            println!("usage: {name} [--port N]   (default {DEFAULT_PORT}, listens on 127.0.0.1)");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{name}: {message}\nusage: {name} [--port N]");
            return ExitCode::from(2);
        }
    };
    let app = match app() {
        Ok(app) => app,
        Err(error) => {
            eprintln!("{name}: {error}");
            return ExitCode::FAILURE;
        }
    };
    serve_on(name, port, app, path, listing).await
}

/// Listens on 127.0.0.1:`port`, prints `listening on {base}{path}` and
/// `listing(base)`, and serves `app` until Ctrl-C or SIGTERM.
pub(crate) async fn serve_on(
    name: &'static str,
    port: u16,
    app: Router,
    path: &str,
    listing: impl FnOnce(&str) -> String,
) -> ExitCode {
    let listener = match tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("{name}: cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let address = listener.local_addr().unwrap_or((Ipv4Addr::LOCALHOST, port).into());
    let base = format!("http://127.0.0.1:{}", address.port());
    println!("{name}: listening on {base}{path} (Ctrl-C to stop). Try:");
    print!("{}", listing(&base));
    if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(shutdown_signal(name)).await {
        eprintln!("{name}: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Sends requests through an example's app and reads the answers.
#[cfg(test)]
pub(crate) mod testing {
    use axum::{
        Router,
        body::Body,
        http::{Request, header},
    };
    use base64::{Engine as _, engine::general_purpose::STANDARD};
    use http_body_util::BodyExt as _;
    use serde_json::Value;
    use tower::ServiceExt as _;

    use super::{Header, Try};

    /// What a client sees.
    #[derive(Debug)]
    pub(crate) struct Answer {
        pub(crate) status: u16,
        pub(crate) challenges: Vec<String>,
        pub(crate) content_type: Option<String>,
        /// The JSON body; `null` when there is none.
        pub(crate) body: Value,
        /// The body as sent, for the printed answers.
        pub(crate) raw: String,
    }

    /// `Basic base64(user:password)`, the `Authorization` value of `curl -u`.
    pub(crate) fn basic(user: &str, password: &str) -> String {
        format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
    }

    /// `GET uri` with `headers` (sent in order, repeated names kept) through `app`.
    pub(crate) async fn get(app: Router, uri: &str, headers: &[(&str, impl AsRef<str>)]) -> Answer {
        let mut request = Request::get(uri);
        for (name, value) in headers {
            request = request.header(*name, value.as_ref());
        }
        let response = app.oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
        let status = response.status().as_u16();
        let challenges = response
            .headers()
            .get_all(header::WWW_AUTHENTICATE)
            .iter()
            .map(|value| value.to_str().unwrap().to_owned())
            .collect();
        let content_type = response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned());
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap() };
        Answer { status, challenges, content_type, body, raw: String::from_utf8(bytes.to_vec()).unwrap() }
    }

    /// Sends `attempt` to `path` through `app` as curl would.
    pub(crate) async fn send(app: Router, path: &str, attempt: &Try) -> Answer {
        let headers: Vec<(&str, String)> = attempt
            .headers
            .iter()
            .map(|header| match *header {
                Header::Basic(user, password) => ("authorization", basic(user, password)),
                Header::Raw(name, value) => (name, value.to_owned()),
            })
            .collect();
        get(app, &format!("{path}{}", attempt.query), &headers).await
    }

    /// The lines of the first ```` ```text ```` block of the `//!` documentation
    /// in `source`, each ended by a newline.
    pub(crate) fn documented(source: &str) -> String {
        source
            .lines()
            .filter_map(|line| line.strip_prefix("//!"))
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .skip_while(|line| *line != "```text")
            .skip(1)
            .take_while(|line| !line.starts_with("```"))
            .map(|line| format!("{line}\n"))
            .collect()
    }
}
