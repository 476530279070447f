//! OAuth2 scopes: `Security<Users, Items>` runs the `Users` verifier (FastAPI's
//! `get_current_user`) with the scopes the route needs, those of the
//! `DeclareScopes` layer around it first (`me` for everything under
//! `/users/me`), then the extractor's `scopes!` list (`items`), checked at
//! compile time. The verifier reads what the token grants and calls
//! `SecurityScopes::authorize`, RFC 6750's check: a token that lacks a scope
//! is a `403` `insufficient_scope` naming every scope the route needs. The
//! tokens here are a fixed table; a JWT carries its scopes in a claim (see
//! the `jwt` example, whose `JwtBearer` does all of this).
//!
//! Run it with `cargo run -p axum-warden --example scopes -- --port 8000` (the
//! port defaults to 8000), then try these (under each, the status, headers
//! and body it gets):
//!
//! ```text
//! curl -i -H 'Authorization: Bearer tok-johndoe' http://127.0.0.1:8000/users/me/items
//! #  200  {"owner":"johndoe","scopes":"me items"}
//! curl -i -H 'Authorization: Bearer tok-alice' http://127.0.0.1:8000/users/me/items
//! #  403  WWW-Authenticate: Bearer error="insufficient_scope", scope="me items"
//! #       {"detail":"Not enough permissions"}
//! curl -i -H 'Authorization: Bearer tok-alice' http://127.0.0.1:8000/users/me
//! #  200  {"scopes":"me","username":"alice"}
//! curl -i http://127.0.0.1:8000/users/me
//! #  401  WWW-Authenticate: Bearer
//! #       {"detail":"Not authenticated"}
//! curl -i -H 'Authorization: Bearer tok-guessed' http://127.0.0.1:8000/users/me
//! #  401  WWW-Authenticate: Bearer error="invalid_token", error_description="unknown token"
//! #       {"detail":"Invalid token"}
//! ```

use axum::{Json, Router, routing::get};
use serde_json::{Value, json};
use warden::{
    AuthRejection, BearerToken, ConfigError, OAuth2PasswordBearer, Security,
    scopes::{DeclareScopes, SecurityScopes},
    security::Verifier,
};

warden::scopes! {
    /// What `/users/me/items` needs besides the `me` of its router.
    Items = ["items"];
}

/// The tokens: who each belongs to, and the scopes it grants.
const TOKENS: [(&str, &str, &str); 2] = [("tok-johndoe", "johndoe", "me items"), ("tok-alice", "alice", "me")];

/// Turns a bearer token into its user, if it grants the route's scopes.
#[derive(Clone)]
struct Users {
    scheme: OAuth2PasswordBearer,
}

impl Verifier for Users {
    type Scheme = OAuth2PasswordBearer;
    type Output = &'static str;

    fn scheme(&self) -> &OAuth2PasswordBearer {
        &self.scheme
    }

    async fn verify(&self, token: &BearerToken, scopes: &SecurityScopes) -> Result<&'static str, AuthRejection> {
        let Some((_, user, granted)) = TOKENS.iter().find(|(known, ..)| token.ct_eq(known)) else {
            return Err(AuthRejection::invalid_token("unknown token"));
        };
        scopes.authorize(*granted)?;
        Ok(user)
    }
}

/// The application: everything under `/users/me` needs `me`.
fn app() -> Result<Router, ConfigError> {
    let scheme =
        OAuth2PasswordBearer::builder("token").scope("me", "Your profile").scope("items", "Your items").build()?;
    let users_me = Router::new().route("/", get(me)).route("/items", get(items)).layer(DeclareScopes::new(["me"])?);
    Ok(Router::new().nest("/users/me", users_me).with_state(Users { scheme }))
}

async fn me(user: Security<Users>) -> Json<Value> {
    Json(json!({ "username": *user, "scopes": user.scopes().scope_str() }))
}

async fn items(user: Security<Users, Items>) -> Json<Value> {
    Json(json!({ "owner": *user, "scopes": user.scopes().scope_str() }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = match std::env::args().skip(1).collect::<Vec<_>>().as_slice() {
        [] => 8000,
        [flag, port] if flag == "--port" => port.parse()?,
        _ => return Err("usage: scopes [--port N]".into()),
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
        let doc: Vec<&str> = include_str!("scopes.rs").lines().map_while(|line| line.strip_prefix("//!")).collect();
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
