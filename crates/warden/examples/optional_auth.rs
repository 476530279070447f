//! Optional credentials: `Option<Auth<HttpBearer>>` is `None` only when no
//! token was sent, so `/greeting` serves guests too, while a malformed token
//! is still refused (`400`) and an unknown one gets the handler's `401`.
//! `Result<Auth<HttpBearer>, AuthRejection>` hands every refusal to the
//! handler instead: `/status` answers `200` and says what was wrong
//! (`AuthRejection::kind`).
//!
//! Run it with `cargo run -p axum-warden --example optional_auth -- --port 8000`
//! (the port defaults to 8000), then try these (under each, the status,
//! headers and body it gets):
//!
//! ```text
//! curl -i http://127.0.0.1:8000/greeting
//! #  200  {"greeting":"hello, guest"}
//! curl -i -H 'Authorization: Bearer tok-alice' http://127.0.0.1:8000/greeting
//! #  200  {"greeting":"hello, alice"}
//! curl -i -H 'Authorization: Bearer tok-guessed' http://127.0.0.1:8000/greeting
//! #  401  WWW-Authenticate: Bearer error="invalid_token", error_description="unknown token"
//! #       {"detail":"Invalid token"}
//! curl -i -H 'Authorization: Bearer "quoted"' http://127.0.0.1:8000/greeting
//! #  400  WWW-Authenticate: Bearer error="invalid_request", error_description="the bearer token is not a b64token (RFC 6750 section 2.1)"
//! #       {"detail":"Invalid bearer token"}
//! curl -i http://127.0.0.1:8000/status
//! #  200  {"authenticated":false,"problem":"missing credentials"}
//! curl -i -H 'Authorization: Bearer "quoted"' http://127.0.0.1:8000/status
//! #  200  {"authenticated":false,"problem":"invalid authentication request"}
//! curl -i -H 'Authorization: Bearer tok-alice' http://127.0.0.1:8000/status
//! #  200  {"authenticated":true,"user":"alice"}
//! ```

use axum::{Json, Router, routing::get};
use serde_json::{Value, json};
use warden::{Auth, AuthRejection, HttpBearer, HttpCredentials};

/// The application: two routes that also answer requests without a token.
fn app() -> Router {
    Router::new().route("/greeting", get(greeting)).route("/status", get(status)).with_state(HttpBearer::new())
}

/// The user a token belongs to (a fixed table; see the `jwt` example).
fn user(token: &HttpCredentials) -> Result<&'static str, AuthRejection> {
    let users = [("tok-alice", "alice"), ("tok-bob", "bob")];
    let user = users.into_iter().find(|(known, _)| token.credentials_eq(known));
    user.map(|(_, name)| name).ok_or_else(|| AuthRejection::invalid_token("unknown token"))
}

async fn greeting(token: Option<Auth<HttpBearer>>) -> Result<Json<Value>, AuthRejection> {
    let name = match token {
        Some(Auth(token)) => user(&token)?,
        None => "guest",
    };
    Ok(Json(json!({ "greeting": format!("hello, {name}") })))
}

async fn status(token: Result<Auth<HttpBearer>, AuthRejection>) -> Json<Value> {
    Json(match token.and_then(|Auth(token)| user(&token)) {
        Ok(name) => json!({ "authenticated": true, "user": name }),
        Err(refused) => json!({ "authenticated": false, "problem": refused.kind().as_str() }),
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = match std::env::args().skip(1).collect::<Vec<_>>().as_slice() {
        [] => 8000,
        [flag, port] if flag == "--port" => port.parse()?,
        _ => return Err("usage: optional_auth [--port N]".into()),
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on http://{}", listener.local_addr()?);
    Ok(axum::serve(listener, app()).await?)
}

#[cfg(test)]
mod tests {
    use axum::{body::Body, http::Request};
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;

    /// Every `curl` line of the documentation above, sent to the app, gets
    /// the answer written under it: the status, the headers shown (and no
    /// `WWW-Authenticate` line that is not shown), and the body.
    #[tokio::test]
    async fn documented_requests_get_documented_answers() {
        let doc: Vec<&str> =
            include_str!("optional_auth.rs").lines().map_while(|line| line.strip_prefix("//!")).collect();
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
            let response = super::app().oneshot(request(args)).await.unwrap();
            assert_eq!(response.status().as_str(), status, "{line}");
            for name in headers.iter().map(|(name, _)| *name).chain(["WWW-Authenticate"]) {
                let shown: Vec<_> = headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|h| h.1).collect();
                assert_eq!(response.headers().get_all(name).iter().collect::<Vec<_>>(), shown, "{line}");
            }
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(std::str::from_utf8(&bytes).unwrap(), body, "{line}");
        }
    }

    /// What curl sends for `args`: `-i`, `-H 'Name: value'` and the URL.
    fn request(args: &str) -> Request<Body> {
        let (flags, url) = args.rsplit_once(' ').unwrap();
        let mut request = Request::get(url.strip_prefix("http://127.0.0.1:8000").unwrap());
        for (i, word) in flags.split('\'').enumerate() {
            match word.split_once(": ") {
                Some((name, value)) if i % 2 == 1 => request = request.header(name, value),
                _ => assert!(word.split_whitespace().all(|flag| ["-i", "-H"].contains(&flag)), "{word}"),
            }
        }
        request.body(Body::empty()).unwrap()
    }
}
