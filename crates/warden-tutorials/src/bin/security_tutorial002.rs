//! OAuth2 password bearer: a dependency turns the token into the current
//! user.
//!
//! A port of FastAPI's `docs_src/security/tutorial002.py`
//! (["Get Current User"](https://fastapi.tiangolo.com/tutorial/security/get-current-user/)):
//! `GET /users/me` requires a bearer token, and the [`CurrentUser`]
//! extractor (FastAPI's `get_current_user` dependency) "decodes" it with the
//! tutorial's `fake_decode_token`: any token `t` is the user `t + "fakedecoded"`,
//! `john@example.com`, `John Doe`, `disabled: null`. Nothing is checked;
//! `security_tutorial003` looks users up and `security_tutorial004` signs
//! tokens.
//!
//! Like every FastAPI app, it redirects `/users/me/` to `/users/me` (`307`,
//! `Location: http://{Host}/users/me`, the query string kept), and answers
//! other methods `405` with `Allow: GET` and unknown paths `404`.
//!
//! Run with `cargo run -p warden-tutorials --bin security_tutorial002 -- --port 8000`
//! (the port defaults to 8000; the server listens on 127.0.0.1 only and stops
//! on Ctrl-C or SIGTERM). It prints these requests on startup:
//!
//! ```text
//! curl -i -H 'Authorization: Bearer testtoken' 'http://127.0.0.1:8000/users/me'
//!     # 200, {"username":"testtokenfakedecoded","email":"john@example.com","full_name":"John Doe","disabled":null}
//! curl -i 'http://127.0.0.1:8000/users/me'
//!     # 401, WWW-Authenticate: Bearer, {"detail":"Not authenticated"}
//! curl -i -H 'Authorization: Bearer testtoken' 'http://127.0.0.1:8000/users/me/'
//!     # 307, location: http://127.0.0.1:8000/users/me
//! ```
//!
//! # Differences from FastAPI
//!
//! * A bearer token that is not an RFC 6750 `b64token` is `400` with
//!   `Bearer error="invalid_request"` (POLICY D6, D18); FastAPI decodes it
//!   like any other.
//! * `Bearer` with nothing after it is `401 Not authenticated` (D7) where
//!   FastAPI decodes the empty token into the user `fakedecoded`.
//! * warden writes no OpenAPI document (`/openapi.json` is `404`), so
//!   FastAPI's `test_openapi_schema` has no counterpart.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use axum::{Json, Router, extract::FromRequestParts, http::request::Parts};
use warden::{Auth, AuthRejection, ConfigError, OAuth2PasswordBearer};
use warden_tutorials::{
    oauth2::{self, Call, Step},
    starlette,
    users::User,
};

/// The binary's name, for messages.
const NAME: &str = "security_tutorial002";

/// The only route.
const USERS_ME: &str = "/users/me";

/// Every route's path, for the slash redirects.
const ROUTES: &[&str] = &[USERS_ME];

/// The application: `GET /users/me` behind an OAuth2 password bearer.
///
/// # Errors
///
/// A scheme configuration error (none for the token URL `token`).
fn app() -> Result<Router, ConfigError> {
    let router =
        Router::new().route(USERS_ME, starlette::get(read_users_me)).with_state(OAuth2PasswordBearer::new("token")?);
    Ok(starlette::routing(router, ROUTES))
}

/// The tutorial's `fake_decode_token`: every token is a user.
fn fake_decode_token(token: &str) -> User {
    User {
        username: format!("{token}fakedecoded"),
        email: Some("john@example.com".to_owned()),
        full_name: Some("John Doe".to_owned()),
        disabled: None,
    }
}

/// The user of the request's bearer token: FastAPI's `get_current_user`.
#[derive(Debug)]
struct CurrentUser(User);

impl FromRequestParts<OAuth2PasswordBearer> for CurrentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &OAuth2PasswordBearer) -> Result<Self, AuthRejection> {
        let Auth(token) = Auth::<OAuth2PasswordBearer>::from_request_parts(parts, state).await?;
        Ok(Self(fake_decode_token(token.as_str())))
    }
}

/// The current user.
async fn read_users_me(CurrentUser(user): CurrentUser) -> Json<User> {
    Json(user)
}

/// The requests of FastAPI's `tests/test_tutorial/test_security/test_tutorial002.py`.
const STEPS: &[Step] = &[
    Step::Call(Call::get(
        USERS_ME,
        &[("Authorization", "Bearer testtoken")],
        200,
        None,
        r#"{"username":"testtokenfakedecoded","email":"john@example.com","full_name":"John Doe","disabled":null}"#,
    )),
    Step::Call(Call::get(USERS_ME, &[], 401, Some("Bearer"), warden_tutorials::NOT_AUTHENTICATED)),
    Step::Call(Call { headers: &[("Authorization", "Bearer testtoken")], ..Call::redirect("/users/me/", USERS_ME) }),
];

#[tokio::main]
async fn main() -> ExitCode {
    oauth2::serve(NAME, app, USERS_ME, STEPS).await
}

/// The cases of FastAPI's `test_tutorial002.py`, with warden's answers.
#[cfg(test)]
mod tests {
    use serde_json::json;

    use warden_tutorials::testing::{self, Req, assert_detail};

    use super::*;

    /// `test_no_token`.
    #[tokio::test]
    async fn no_token() {
        let answer = Req::get(USERS_ME).send(&app().unwrap()).await;
        assert_detail(&answer, 401, Some("Bearer"), "Not authenticated");
    }

    /// `test_token`.
    #[tokio::test]
    async fn token() {
        let answer = Req::get(USERS_ME).bearer("testtoken").send(&app().unwrap()).await;
        assert_eq!(answer.status, 200);
        assert!(answer.challenges().is_empty());
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert_eq!(
            answer.body,
            json!({
                "username": "testtokenfakedecoded",
                "email": "john@example.com",
                "full_name": "John Doe",
                "disabled": null,
            })
        );
    }

    /// The token is not checked: anything decodes, another scheme is no token.
    #[tokio::test]
    async fn any_token_is_a_user() {
        let app = app().unwrap();
        let answer = Req::get(USERS_ME).bearer("alice").send(&app).await;
        assert_eq!(answer.body["username"], "alicefakedecoded");
        let answer = Req::get(USERS_ME).header("authorization", "Basic dGVzdHRva2Vu").send(&app).await;
        assert_eq!((answer.status, answer.challenges()), (401, vec!["Bearer"]));
        // D7: FastAPI decodes the empty token into "fakedecoded".
        let answer = Req::get(USERS_ME).header("authorization", "Bearer ").send(&app).await;
        assert_eq!(answer.status, 401);
    }

    /// `/users/me/` is redirected to the route; other methods are `405`;
    /// unknown paths `404`.
    #[tokio::test]
    async fn routing_is_starlettes() {
        let app = app().unwrap();
        testing::assert_starlette_routing(&app, &[("GET", USERS_ME)]).await;
        let answer = Req::get("/users/me/").bearer("testtoken").redirected(&app, "http://testserver/users/me").await;
        assert_eq!(answer.body["username"], "testtokenfakedecoded");
    }

    /// Every request printed on startup gets the answer printed next to it.
    #[tokio::test]
    async fn printed_requests_get_the_printed_answers() {
        testing::replay(&app().unwrap(), STEPS).await;
    }

    /// The module documentation shows what the binary prints on port 8000.
    #[test]
    fn documentation_shows_the_printed_requests() {
        testing::assert_documented(include_str!("security_tutorial002.rs"), STEPS);
    }
}
