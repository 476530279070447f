//! API keys in a header, a query parameter and a cookie: three `ApiKey`
//! configurations in one router state, told apart by marker types, and one
//! handler that compares the key in constant time (`ApiKeyCredentials::ct_eq`)
//! wherever it was found. No key (or an empty one) is the scheme's `401` with
//! `WWW-Authenticate: APIKey`; a key the application does not know gets
//! `ApiKey::invalid_credentials`; a header or query key sent twice is a
//! `400` (a repeated cookie is not: the last one wins, as in browsers).
//!
//! Run it with `cargo run -p axum-warden --example api_key -- --port 8000` (the
//! port defaults to 8000), then try these (under each, the status, headers
//! and body it gets):
//!
//! ```text
//! curl -i -H 'X-API-Key: k-alice-2c41' http://127.0.0.1:8000/header
//! #  200  {"owner":"alice"}
//! curl -i http://127.0.0.1:8000/header
//! #  401  WWW-Authenticate: APIKey
//! #       {"detail":"Not authenticated"}
//! curl -i -H 'X-API-Key: k-guessed' http://127.0.0.1:8000/header
//! #  401  WWW-Authenticate: APIKey
//! #       {"detail":"Invalid API key"}
//! curl -i -H 'X-API-Key: k-alice-2c41' -H 'X-API-Key: k-other' http://127.0.0.1:8000/header
//! #  400  {"detail":"Multiple API keys"}
//! curl -i 'http://127.0.0.1:8000/query?api_key=k-alice-2c41'
//! #  200  {"owner":"alice"}
//! curl -i 'http://127.0.0.1:8000/query?api_key=a&api_key=b'
//! #  400  {"detail":"Multiple API keys"}
//! curl -i -b 'session=k-alice-2c41' http://127.0.0.1:8000/cookie
//! #  200  {"owner":"alice"}
//! curl -i -b 'session=' http://127.0.0.1:8000/cookie
//! #  401  WWW-Authenticate: APIKey
//! #       {"detail":"Not authenticated"}
//! ```

use axum::{
    Json, Router,
    extract::{FromRef, State},
    routing::get,
};
use serde_json::{Value, json};
use warden::{ApiKey, Auth, AuthRejection, ConfigError};

/// Markers: `ApiKey<InHeader>` and `ApiKey<InQuery>` are different types.
enum InHeader {}
enum InQuery {}
enum InCookie {}

/// The three schemes; `Auth<ApiKey<M>>` finds its own with `FromRef`.
#[derive(Clone, FromRef)]
struct Keys {
    header: ApiKey<InHeader>,
    query: ApiKey<InQuery>,
    cookie: ApiKey<InCookie>,
}

/// The application: the same check behind each place a key can be sent.
fn app() -> Result<Router, ConfigError> {
    let keys = Keys {
        header: ApiKey::header("X-API-Key")?.with_marker(),
        query: ApiKey::query("api_key")?.with_marker(),
        cookie: ApiKey::cookie("session")?.with_marker(),
    };
    Ok(Router::new()
        .route("/header", get(owner::<InHeader>))
        .route("/query", get(owner::<InQuery>))
        .route("/cookie", get(owner::<InCookie>))
        .with_state(keys))
}

async fn owner<M: 'static>(
    State(scheme): State<ApiKey<M>>,
    Auth(key): Auth<ApiKey<M>>,
) -> Result<Json<Value>, AuthRejection> {
    if !key.ct_eq("k-alice-2c41") {
        return Err(scheme.invalid_credentials("Invalid API key"));
    }
    Ok(Json(json!({ "owner": "alice" })))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = match std::env::args().skip(1).collect::<Vec<_>>().as_slice() {
        [] => 8000,
        [flag, port] if flag == "--port" => port.parse()?,
        _ => return Err("usage: api_key [--port N]".into()),
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on http://{}", listener.local_addr()?);
    Ok(axum::serve(listener, app()?).await?)
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
        let doc: Vec<&str> = include_str!("api_key.rs").lines().map_while(|line| line.strip_prefix("//!")).collect();
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

    /// What curl sends for `args` (`-i`, `-H 'Name: value'`, `-b cookie`, the
    /// URL); a word in single quotes is kept whole.
    fn request(args: &str) -> Request<Body> {
        let mut words = args
            .split('\'')
            .enumerate()
            .flat_map(|(i, part)| if i % 2 == 1 { vec![part] } else { part.split_whitespace().collect() });
        let mut request = Request::builder();
        while let Some(word) = words.next() {
            request = match word {
                "-i" => request,
                "-b" => request.header("cookie", words.next().unwrap()),
                "-H" => words.next().unwrap().split_once(": ").map(|(n, v)| request.header(n, v)).unwrap(),
                url => request.uri(url.strip_prefix("http://127.0.0.1:8000").unwrap()),
            };
        }
        request.body(Body::empty()).unwrap()
    }
}
