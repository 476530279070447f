//! HTTP Basic authentication: `GET /me` takes `Auth<HttpBasic>` with the
//! realm `api`, and compares the username and password with the one account
//! in constant time (`BasicCredentials::matches` always compares both, so the
//! timing does not tell which one was wrong). Missing or undecodable
//! credentials get the scheme's `401`; a wrong password gets
//! `HttpBasic::invalid_credentials`, the same challenge with its own detail.
//! A real application looks the user up and checks a password hash instead
//! (the `password` feature).
//!
//! Run it with `cargo run -p axum-warden --example basic -- --port 8000` (the port
//! defaults to 8000), then try these (under each, the status, headers
//! and body it gets):
//!
//! ```text
//! curl -i -u alice:wonderland http://127.0.0.1:8000/me
//! #  200  {"username":"alice"}
//! curl -i http://127.0.0.1:8000/me
//! #  401  WWW-Authenticate: Basic realm="api", charset="UTF-8"
//! #       {"detail":"Not authenticated"}
//! curl -i -u alice:looking-glass http://127.0.0.1:8000/me
//! #  401  WWW-Authenticate: Basic realm="api", charset="UTF-8"
//! #       {"detail":"Incorrect username or password"}
//! curl -i -H 'Authorization: Basic !!!!' http://127.0.0.1:8000/me
//! #  401  WWW-Authenticate: Basic realm="api", charset="UTF-8"
//! #       {"detail":"Not authenticated"}
//! ```

use axum::{Json, Router, extract::State, routing::get};
use serde_json::{Value, json};
use warden::{Auth, AuthRejection, ConfigError, HttpBasic};

/// The application: `GET /me` behind HTTP Basic, realm `api`.
fn app() -> Result<Router, ConfigError> {
    Ok(Router::new().route("/me", get(me)).with_state(HttpBasic::new("api")?))
}

async fn me(State(basic): State<HttpBasic>, Auth(credentials): Auth<HttpBasic>) -> Result<Json<Value>, AuthRejection> {
    if !credentials.matches("alice", "wonderland") {
        return Err(basic.invalid_credentials("Incorrect username or password"));
    }
    Ok(Json(json!({ "username": credentials.username() })))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = match std::env::args().skip(1).collect::<Vec<_>>().as_slice() {
        [] => 8000,
        [flag, port] if flag == "--port" => port.parse()?,
        _ => return Err("usage: basic [--port N]".into()),
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on http://{}", listener.local_addr()?);
    Ok(axum::serve(listener, app()?).await?)
}

#[cfg(test)]
mod tests {
    use axum::{body::Body, http::Request};
    use base64::{Engine as _, engine::general_purpose::STANDARD};
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;

    /// Every `curl` line of the documentation above, sent to the app, gets
    /// the answer written under it: the status, the headers shown (and no
    /// `WWW-Authenticate` line that is not shown), and the body.
    #[tokio::test]
    async fn documented_requests_get_documented_answers() {
        let doc: Vec<&str> = include_str!("basic.rs").lines().map_while(|line| line.strip_prefix("//!")).collect();
        assert!(doc.iter().any(|line| line.trim().starts_with("curl ")), "no curl line in the documentation");
        for (i, line) in doc.iter().enumerate() {
            let Some(args) = line.trim().strip_prefix("curl ") else { continue };
            let answer: Vec<&str> = doc[i + 1..].iter().map_while(|line| line.trim().strip_prefix('#')).collect();
            let (status, first) = answer[0].trim().split_once(' ').unwrap_or((answer[0].trim(), ""));
            let (mut headers, mut body) = (Vec::new(), "");
            for text in [first].into_iter().chain(answer[1..].iter().copied()).map(str::trim) {
                match text.split_once(": ") {
                    Some(header) if !header.0.contains([' ', '"', '{']) => headers.push(header),
                    _ if !text.is_empty() => body = text,
                    _ => {}
                }
            }
            let response = super::app().unwrap().oneshot(request(args)).await.unwrap();
            assert_eq!(response.status().as_str(), status, "{line}");
            for name in headers.iter().map(|(name, _)| *name).chain(["WWW-Authenticate"]) {
                let shown: Vec<_> = headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|h| h.1).collect();
                assert_eq!(response.headers().get_all(name).iter().collect::<Vec<_>>(), shown, "{line}");
            }
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(std::str::from_utf8(&bytes).unwrap(), body, "{line}");
        }
    }

    /// What curl sends for `args` (`-i`, `-u user:password`, `-H 'Name: value'`,
    /// the URL); a word in single quotes is kept whole.
    fn request(args: &str) -> Request<Body> {
        let mut words = args
            .split('\'')
            .enumerate()
            .flat_map(|(i, part)| if i % 2 == 1 { vec![part] } else { part.split_whitespace().collect() });
        let mut request = Request::builder();
        while let Some(word) = words.next() {
            request = match word {
                "-i" => request,
                "-u" => request.header("authorization", format!("Basic {}", STANDARD.encode(words.next().unwrap()))),
                "-H" => words.next().unwrap().split_once(": ").map(|(n, v)| request.header(n, v)).unwrap(),
                url => request.uri(url.strip_prefix("http://127.0.0.1:8000").unwrap()),
            };
        }
        request.body(Body::empty()).unwrap()
    }
}
