//! Protecting a whole router: `RequireAuth::new(scheme)`, the `route_layer`
//! of the `/admin` router, answers every request without credentials of the
//! scheme (HTTP Basic, realm `admin`) with the scheme's `401` before any route
//! under it runs, before axum even routes the method: an anonymous
//! `POST /admin/ping` gets a `401`, not a `405` that would tell it the path
//! exists. The layer checks that credentials are there and well formed, not
//! that they are right: the handler takes `Auth<HttpBasic>`, which reuses
//! what the layer extracted, and compares the password in constant time.
//! Routes outside the router (`/health`) stay public.
//!
//! Run it with `cargo run -p axum-warden --example require_auth -- --port 8000`
//! (the port defaults to 8000), then try these (under each, the status,
//! headers and body it gets):
//!
//! ```text
//! curl -i -u root:hunter2 http://127.0.0.1:8000/admin/ping
//! #  200  {"ping":"pong","username":"root"}
//! curl -i -u root:hunter3 http://127.0.0.1:8000/admin/ping
//! #  401  WWW-Authenticate: Basic realm="admin", charset="UTF-8"
//! #       {"detail":"Incorrect username or password"}
//! curl -i http://127.0.0.1:8000/admin/ping
//! #  401  WWW-Authenticate: Basic realm="admin", charset="UTF-8"
//! #       {"detail":"Not authenticated"}
//! curl -i -X POST http://127.0.0.1:8000/admin/ping
//! #  401  WWW-Authenticate: Basic realm="admin", charset="UTF-8"
//! #       {"detail":"Not authenticated"}
//! curl -i -X POST -u root:hunter2 http://127.0.0.1:8000/admin/ping
//! #  405  Allow: GET,HEAD
//! curl -i http://127.0.0.1:8000/health
//! #  200  ok
//! ```

use axum::{Json, Router, extract::State, routing::get};
use serde_json::{Value, json};
use warden::{Auth, AuthRejection, ConfigError, HttpBasic, RequireAuth};

/// The application: `/admin/ping` behind `RequireAuth`, `/health` public.
fn app() -> Result<Router, ConfigError> {
    let basic = HttpBasic::new("admin")?;
    let admin = Router::new().route("/ping", get(ping)).route_layer(RequireAuth::new(basic));
    Ok(Router::new().nest("/admin", admin).route("/health", get(|| async { "ok" })).with_state(basic))
}

async fn ping(
    State(basic): State<HttpBasic>,
    Auth(credentials): Auth<HttpBasic>,
) -> Result<Json<Value>, AuthRejection> {
    if !credentials.matches("root", "hunter2") {
        return Err(basic.invalid_credentials("Incorrect username or password"));
    }
    Ok(Json(json!({ "ping": "pong", "username": credentials.username() })))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = match std::env::args().skip(1).collect::<Vec<_>>().as_slice() {
        [] => 8000,
        [flag, port] if flag == "--port" => port.parse()?,
        _ => return Err("usage: require_auth [--port N]".into()),
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
        let doc: Vec<&str> =
            include_str!("require_auth.rs").lines().map_while(|line| line.strip_prefix("//!")).collect();
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

    /// What curl sends for `args` (`-i`, `-X METHOD`, `-u user:password`,
    /// `-H 'Name: value'`, the URL); a word in single quotes is kept whole.
    fn request(args: &str) -> Request<Body> {
        let mut words = args
            .split('\'')
            .enumerate()
            .flat_map(|(i, part)| if i % 2 == 1 { vec![part] } else { part.split_whitespace().collect() });
        let mut request = Request::builder();
        while let Some(word) = words.next() {
            request = match word {
                "-i" => request,
                "-X" => request.method(words.next().unwrap()),
                "-u" => request.header("authorization", format!("Basic {}", STANDARD.encode(words.next().unwrap()))),
                "-H" => words.next().unwrap().split_once(": ").map(|(n, v)| request.header(n, v)).unwrap(),
                url => request.uri(url.strip_prefix("http://127.0.0.1:8000").unwrap()),
            };
        }
        request.body(Body::empty()).unwrap()
    }
}
