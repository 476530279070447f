//! OAuth2's password flow: `POST /token` reads the password request form
//! (`OAuth2PasswordRequestForm`) and answers a `TokenResponse`, and
//! `GET /users/me` takes the token with `Auth<OAuth2PasswordBearer>` (the
//! scheme whose OpenAPI flow points clients at `token`). The form's errors
//! are RFC 6749's `400`s with `Cache-Control: no-store`, where FastAPI
//! answers `422`; a wrong password is `invalid_grant`, the same for an
//! unknown user. Tokens here are fixed strings compared in constant time; a
//! real server stores random ones or signs them (see the `jwt` example), and
//! checks password hashes (the `password` feature).
//!
//! Run it with `cargo run -p axum-warden --example oauth2_password -- --port 8000`
//! (the port defaults to 8000), then try these (under each, the status,
//! headers and body it gets):
//!
//! ```text
//! curl -i -d 'username=johndoe&password=secret' http://127.0.0.1:8000/token
//! #  200  Cache-Control: no-store
//! #       Pragma: no-cache
//! #       {"access_token":"tok-johndoe-7f3a","token_type":"bearer"}
//! curl -i -d 'username=johndoe&password=wrong' http://127.0.0.1:8000/token
//! #  400  Cache-Control: no-store
//! #       {"error":"invalid_grant","error_description":"incorrect username or password"}
//! curl -i -d 'grant_type=client_credentials&username=johndoe&password=secret' http://127.0.0.1:8000/token
//! #  400  {"error":"unsupported_grant_type"}
//! curl -i -d 'username=johndoe' http://127.0.0.1:8000/token
//! #  400  {"error":"invalid_request","error_description":"the form field `password` is required"}
//! curl -i -H 'Authorization: Bearer tok-johndoe-7f3a' http://127.0.0.1:8000/users/me
//! #  200  {"username":"johndoe"}
//! curl -i http://127.0.0.1:8000/users/me
//! #  401  WWW-Authenticate: Bearer
//! #       {"detail":"Not authenticated"}
//! curl -i -H 'Authorization: Bearer tok-guessed' http://127.0.0.1:8000/users/me
//! #  401  WWW-Authenticate: Bearer error="invalid_token", error_description="unknown token"
//! #       {"detail":"Invalid token"}
//! ```

use axum::{
    Json, Router,
    routing::{get, post},
};
use serde_json::{Value, json};
use warden::{
    Auth, AuthRejection, ConfigError, OAuth2PasswordBearer, OAuth2PasswordRequestForm, TokenResponse,
    token_endpoint::TokenFormRejection,
};

/// The accounts: username, password, and the token `/token` hands out.
const USERS: [(&str, &str, &str); 2] =
    [("johndoe", "secret", "tok-johndoe-7f3a"), ("alice", "wonderland", "tok-alice-91c2")];

/// The application: the token endpoint and a route that needs a token.
fn app() -> Result<Router, ConfigError> {
    Ok(Router::new()
        .route("/token", post(token))
        .route("/users/me", get(me))
        .with_state(OAuth2PasswordBearer::new("token")?))
}

async fn token(form: OAuth2PasswordRequestForm) -> Result<TokenResponse, TokenFormRejection> {
    match USERS.iter().find(|(username, ..)| *username == form.username) {
        Some((_, password, token)) if form.password.ct_eq(password) => Ok(TokenResponse::bearer(*token)),
        _ => Err(TokenFormRejection::invalid_grant("incorrect username or password")),
    }
}

async fn me(Auth(token): Auth<OAuth2PasswordBearer>) -> Result<Json<Value>, AuthRejection> {
    let Some((username, ..)) = USERS.iter().find(|(.., known)| token.ct_eq(known)) else {
        return Err(AuthRejection::invalid_token("unknown token"));
    };
    Ok(Json(json!({ "username": username })))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = match std::env::args().skip(1).collect::<Vec<_>>().as_slice() {
        [] => 8000,
        [flag, port] if flag == "--port" => port.parse()?,
        _ => return Err("usage: oauth2_password [--port N]".into()),
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
        let doc: Vec<&str> =
            include_str!("oauth2_password.rs").lines().map_while(|line| line.strip_prefix("//!")).collect();
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

    /// What curl sends for `args` (`-i`, `-H 'Name: value'`, `-d form` as a
    /// form `POST`, the URL); a word in single quotes is kept whole.
    fn request(args: &str) -> Request<Body> {
        let mut words = args
            .split('\'')
            .enumerate()
            .flat_map(|(i, part)| if i % 2 == 1 { vec![part] } else { part.split_whitespace().collect() });
        let (mut request, mut form) = (Request::builder(), None);
        while let Some(word) = words.next() {
            request = match word {
                "-i" => request,
                "-d" => {
                    form = words.next();
                    request.method("POST").header("content-type", "application/x-www-form-urlencoded")
                }
                "-H" => words.next().unwrap().split_once(": ").map(|(n, v)| request.header(n, v)).unwrap(),
                url => request.uri(url.strip_prefix("http://127.0.0.1:8000").unwrap()),
            };
        }
        request.body(form.map_or_else(Body::empty, |form| Body::from(form.to_owned()))).unwrap()
    }
}
