//! Permissions composed with `&`, `|` and `!`, checked by a `Guard` before the
//! handler runs: `GET /drafts` is for admins, and for editors whose account
//! is not suspended. Each check reads the `User` the bearer token belongs to
//! (never a header the client sets), so no token is that extractor's `401`;
//! `WithError` gives every refusal of the tree one `403` message.
//!
//! Run it with `cargo run -p axum-warden --example permissions -- --port 8000`
//! (the port defaults to 8000), then try these (under each, the status,
//! headers and body it gets):
//!
//! ```text
//! curl -i -H 'Authorization: Bearer tok-ada' http://127.0.0.1:8000/drafts
//! #  200  {"reader":"ada"}
//! curl -i -H 'Authorization: Bearer tok-eve' http://127.0.0.1:8000/drafts
//! #  200  {"reader":"eve"}
//! curl -i -H 'Authorization: Bearer tok-sam' http://127.0.0.1:8000/drafts
//! #  403  {"detail":"Only admins and active editors can read drafts"}
//! curl -i -H 'Authorization: Bearer tok-val' http://127.0.0.1:8000/drafts
//! #  403  {"detail":"Only admins and active editors can read drafts"}
//! curl -i -H 'X-Role: admin' http://127.0.0.1:8000/drafts
//! #  401  WWW-Authenticate: Bearer
//! #       {"detail":"Not authenticated"}
//! ```

use axum::{
    Json, Router,
    extract::{FromRef, FromRequestParts},
    http::request::Parts,
    routing::get,
};
use serde_json::{Value, json};
use warden::{
    Auth, AuthRejection, HttpBearer,
    permission::{All, Any, Cx, Guard, Not, Permission, PermissionMeta, Unresolved, Verdict, wrappers::WithError},
};

/// A user, found by their bearer token (a fixed table; see the `jwt` example).
#[derive(Clone, Copy)]
struct User {
    token: &'static str,
    name: &'static str,
    role: &'static str,
    suspended: bool,
}

const USERS: [User; 4] = [
    User { token: "tok-ada", name: "ada", role: "admin", suspended: false },
    User { token: "tok-eve", name: "eve", role: "editor", suspended: false },
    User { token: "tok-sam", name: "sam", role: "editor", suspended: true },
    User { token: "tok-val", name: "val", role: "viewer", suspended: false },
];

impl FromRequestParts<AppState> for User {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AuthRejection> {
        let Auth(token) = Auth::<HttpBearer>::from_request_parts(parts, state).await?;
        let user = USERS.into_iter().find(|user| token.credentials_eq(user.token));
        user.ok_or_else(|| AuthRejection::invalid_token("unknown token"))
    }
}

/// A permission that asks a question about the user: `UserIs(|user| user.suspended)`.
#[derive(Clone, Copy)]
struct UserIs(fn(&User) -> bool);

impl PermissionMeta for UserIs {}

impl Permission<AppState> for UserIs {
    async fn check(&self, cx: &mut Cx<'_, AppState>) -> Result<Verdict, Unresolved> {
        Ok((self.0)(&cx.extract::<User>().await?).into())
    }
}

warden::permission_ops!(UserIs);

/// `admin | (editor & !suspended)`, with one message for every refusal.
type CanReadDrafts = WithError<Any<UserIs, All<UserIs, Not<UserIs>>>>;

#[derive(Clone, FromRef)]
struct AppState {
    bearer: HttpBearer,
    can_read_drafts: CanReadDrafts,
}

/// The application: `GET /drafts` behind the `CanReadDrafts` guard.
fn app() -> Router {
    let tree = UserIs(|u| u.role == "admin") | (UserIs(|u| u.role == "editor") & !UserIs(|u| u.suspended));
    let can_read_drafts = WithError::new(tree).with_message("Only admins and active editors can read drafts");
    Router::new().route("/drafts", get(drafts)).with_state(AppState { bearer: HttpBearer::new(), can_read_drafts })
}

async fn drafts(_: Guard<CanReadDrafts>, user: User) -> Json<Value> {
    Json(json!({ "reader": user.name }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = match std::env::args().skip(1).collect::<Vec<_>>().as_slice() {
        [] => 8000,
        [flag, port] if flag == "--port" => port.parse()?,
        _ => return Err("usage: permissions [--port N]".into()),
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
            include_str!("permissions.rs").lines().map_while(|line| line.strip_prefix("//!")).collect();
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
