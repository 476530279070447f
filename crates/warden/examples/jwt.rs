//! JWT bearer tokens: `JwtBearer` is a ready `Verifier` that takes the token
//! from a scheme (`HttpBearer` here), verifies it with a `JwtVerifier` and
//! hands the handler its claims (`ScopedClaims`: `sub`, `scopes`, `exp`).
//! The verifier accepts HS256 only (the allow-list is required, `none` never
//! passes) and requires an unexpired `exp`; a token that fails a check is a
//! `401` `invalid_token` saying why, and a valid token without a scope the
//! route needs is a `403` `insufficient_scope` (RFC 6750).
//!
//! Run it with `cargo run -p axum-warden --features jwt --example jwt -- --port 8000`
//! (the port defaults to 8000), then paste these lines into a shell (under
//! each request, the status, headers and body it gets). The tokens are signed
//! with the example's `SECRET` (`FORGED` with another one); those of johndoe
//! and alice expire in 2100.
//!
//! ```text
//! JOHNDOE=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJqb2huZG9lIiwic2NvcGVzIjpbIm1lIiwiaXRlbXMiXSwiZXhwIjo0MTAyNDQ0ODAwfQ.j4cXx9afN0_Z1pRGoRw6ld8gYM8FMEgAEToZNpRdVEA
//! ALICE=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsInNjb3BlcyI6WyJtZSJdLCJleHAiOjQxMDI0NDQ4MDB9.9b1SD3Yw-p-huV9vSePQYkvdaYoW3l4ApIcCfviaVJ4
//! EXPIRED=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJqb2huZG9lIiwic2NvcGVzIjpbIm1lIiwiaXRlbXMiXSwiZXhwIjoxNzAwMDAwMDAwfQ.v3PQfXy9qVRWrS0OD56V2SNmg0mPAt5Yab6F4oSqCxs
//! FORGED=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJqb2huZG9lIiwic2NvcGVzIjpbIm1lIiwiaXRlbXMiXSwiZXhwIjo0MTAyNDQ0ODAwfQ.SG8ESlZAKA5we_U-glsFFEv6SlhMnAHrXFPRf-S6x0w
//! curl -i -H "Authorization: Bearer $JOHNDOE" http://127.0.0.1:8000/users/me/items
//! #  200  {"owner":"johndoe"}
//! curl -i -H "Authorization: Bearer $ALICE" http://127.0.0.1:8000/users/me/items
//! #  403  WWW-Authenticate: Bearer error="insufficient_scope", scope="items"
//! #       {"detail":"Not enough permissions"}
//! curl -i -H "Authorization: Bearer $ALICE" http://127.0.0.1:8000/users/me
//! #  200  {"scopes":["me"],"username":"alice"}
//! curl -i -H "Authorization: Bearer $EXPIRED" http://127.0.0.1:8000/users/me
//! #  401  WWW-Authenticate: Bearer error="invalid_token", error_description="the token has expired"
//! #       {"detail":"Invalid token"}
//! curl -i -H "Authorization: Bearer $FORGED" http://127.0.0.1:8000/users/me
//! #  401  WWW-Authenticate: Bearer error="invalid_token", error_description="the token signature is invalid"
//! #       {"detail":"Invalid token"}
//! curl -i http://127.0.0.1:8000/users/me
//! #  401  WWW-Authenticate: Bearer
//! #       {"detail":"Not authenticated"}
//! ```

use axum::{Json, Router, routing::get};
use serde_json::{Value, json};
use warden::{
    HttpBearer, Security,
    jwt::JwtBearer,
    jwt::{Algorithm, DecodingKey, JwtVerifier, ScopedClaims},
};

/// The HS256 secret of the tokens above. A real service reads its own from
/// a file or the environment, never from its source.
const SECRET: &[u8] = b"an example secret, 32 bytes long";

warden::scopes! {
    /// What `/users/me/items` needs.
    Items = ["items"];
}

/// The bearer token, verified as a JWT with `ScopedClaims`.
type CurrentUser = JwtBearer<ScopedClaims, HttpBearer>;

/// The application: two routes for the holders of valid tokens.
fn app() -> Result<Router, Box<dyn std::error::Error>> {
    let scheme = HttpBearer::builder().bearer_format("JWT").build()?;
    let jwt = JwtVerifier::builder(DecodingKey::from_secret(SECRET)?, [Algorithm::Hs256]).build()?;
    Ok(Router::new()
        .route("/users/me", get(me))
        .route("/users/me/items", get(items))
        .with_state(CurrentUser::new(scheme, jwt)))
}

async fn me(user: Security<CurrentUser>) -> Json<Value> {
    Json(json!({ "username": user.sub, "scopes": user.scopes }))
}

async fn items(user: Security<CurrentUser, Items>) -> Json<Value> {
    Json(json!({ "owner": user.sub }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = match std::env::args().skip(1).collect::<Vec<_>>().as_slice() {
        [] => 8000,
        [flag, port] if flag == "--port" => port.parse()?,
        _ => return Err("usage: jwt [--port N]".into()),
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
        let doc: Vec<&str> = include_str!("jwt.rs").lines().map_while(|line| line.strip_prefix("//!")).collect();
        assert!(doc.iter().any(|line| line.trim().starts_with("curl ")), "no curl line in the documentation");
        // The `NAME=value` lines, for the `"$NAME"` of the curl lines.
        let vars: Vec<_> = doc.iter().filter_map(|line| line.trim().split_once('=')).collect();
        let vars: Vec<_> = vars.into_iter().filter(|(name, _)| name.bytes().all(|b| b.is_ascii_uppercase())).collect();
        for (i, line) in doc.iter().enumerate() {
            let Some(args) = line.trim().strip_prefix("curl ") else { continue };
            let args = vars
                .iter()
                .fold(args.replace('"', "'"), |args, (name, value)| args.replace(&format!("${name}"), value));
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
            let response = super::app().unwrap().oneshot(request(&args)).await.unwrap();
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
