//! The OpenAPI document and Swagger UI: routes added with warden's
//! `openapi::Routes` and `openapi::get` instead of axum's `Router` and
//! `routing::get` remember what protects them, so the document lists each
//! operation's `security` and the answers a client gets instead (the `401`
//! and its `WWW-Authenticate` challenge), all found in the handlers'
//! arguments. An `Option<Auth<_>>` is optional security: `{}` is one of the
//! alternatives. Swagger UI at `/docs` is served from vendored files: its
//! Authorize button takes any username and password, which `/users/me` echoes.
//!
//! Run it with `cargo run -p axum-warden --features openapi --example openapi -- --port 8000`
//! (the port defaults to 8000), open <http://127.0.0.1:8000/docs>, or try these
//! (under each, the status, headers and body it gets):
//!
//! ```text
//! curl -i http://127.0.0.1:8000/users/me
//! #  401  WWW-Authenticate: Basic realm="api", charset="UTF-8"
//! #       {"detail":"Not authenticated"}
//! curl -i http://127.0.0.1:8000/openapi.json
//! #  200  Content-Type: application/json
//! #       {"components":{"securitySchemes":{"HTTPBasic":…
//! curl -i http://127.0.0.1:8000/docs
//! #  200  Content-Type: text/html; charset=utf-8
//! #       <!DOCTYPE html>…
//! ```
//!
//! The document holds, among the rest:
//!
//! ```json
//! {
//!   "components": { "securitySchemes": { "HTTPBasic": { "type": "http", "scheme": "basic" } } },
//!   "paths": {
//!     "/hello": { "get": { "security": [{ "HTTPBasic": [] }, {}] } },
//!     "/users/me": { "get": {
//!       "security": [{ "HTTPBasic": [] }],
//!       "responses": { "401": { "headers": { "WWW-Authenticate": { "schema": {
//!         "examples": ["Basic realm=\"api\", charset=\"UTF-8\""]
//!       } } } } }
//!     } }
//!   }
//! }
//! ```

use axum::{Json, Router};
use serde_json::{Value, json};
use warden::{
    Auth, HttpBasic,
    openapi::{Routes, SwaggerUi, get},
};

/// The application: two documented routes, the document and Swagger UI.
fn app() -> Result<Router, Box<dyn std::error::Error>> {
    let (router, security) = Routes::new()
        .route("/users/me", get(me))
        .route("/hello", get(hello))
        .with_state(HttpBasic::new("api")?)
        .split()?;
    let document = security.to_openapi_json("warden example", "1.0.0");
    let openapi_json = move || std::future::ready(Json(document.clone()));
    Ok(router.route("/openapi.json", axum::routing::get(openapi_json)).merge(SwaggerUi::new("/openapi.json")?.router()))
}

async fn me(Auth(credentials): Auth<HttpBasic>) -> Json<Value> {
    Json(json!({ "username": credentials.username() }))
}

async fn hello(credentials: Option<Auth<HttpBasic>>) -> String {
    format!("hello, {}", credentials.as_ref().map_or("guest", |Auth(credentials)| credentials.username()))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = match std::env::args().skip(1).collect::<Vec<_>>().as_slice() {
        [] => 8000,
        [flag, port] if flag == "--port" => port.parse()?,
        _ => return Err("usage: openapi [--port N]".into()),
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on http://{}", listener.local_addr()?);
    Ok(axum::serve(listener, app()?).await?)
}

#[cfg(test)]
mod tests {
    use axum::{body::Body, http::Request};
    use http_body_util::BodyExt as _;
    use serde_json::Value;
    use tower::ServiceExt as _;

    /// Every `curl` line of the documentation above, sent to the app, gets
    /// the answer written under it: the status, the headers shown (and no
    /// `WWW-Authenticate` line that is not shown), and the body (its start,
    /// up to a `…`).
    #[tokio::test]
    async fn documented_requests_get_documented_answers() {
        let doc: Vec<&str> = include_str!("openapi.rs").lines().map_while(|line| line.strip_prefix("//!")).collect();
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
            let sent = std::str::from_utf8(&bytes).unwrap();
            match body.strip_suffix('…') {
                Some(start) => assert!(sent.starts_with(start), "{line}: {sent}"),
                None => assert_eq!(sent, body, "{line}"),
            }
        }
    }

    /// The document served at `/openapi.json` holds the excerpt shown above.
    #[tokio::test]
    async fn document_holds_the_documented_excerpt() {
        let doc = include_str!("openapi.rs").lines().map_while(|line| line.strip_prefix("//!"));
        let excerpt: String =
            doc.skip_while(|line| line.trim() != "```json").skip(1).take_while(|line| line.trim() != "```").collect();
        let excerpt: Value = serde_json::from_str(&excerpt).unwrap();
        let response = super::app().unwrap().oneshot(request("-i http://127.0.0.1:8000/openapi.json")).await.unwrap();
        let document: Value =
            serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
        assert!(holds(&document, &excerpt), "{document:#}");
    }

    /// Whether `value` holds `part`: each of its members, recursively; anything else equal.
    fn holds(value: &Value, part: &Value) -> bool {
        match (value, part) {
            (Value::Object(value), Value::Object(part)) => {
                part.iter().all(|(key, part)| value.get(key).is_some_and(|value| holds(value, part)))
            }
            _ => value == part,
        }
    }

    /// What curl sends for `args`: `-i` and the URL.
    fn request(args: &str) -> Request<Body> {
        Request::get(args.strip_prefix("-i http://127.0.0.1:8000").unwrap()).body(Body::empty()).unwrap()
    }
}
