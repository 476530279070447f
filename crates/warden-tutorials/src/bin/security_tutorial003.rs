//! OAuth2 password flow with a login form: `POST /token` gives a token,
//! `GET /users/me` looks its user up.
//!
//! A port of FastAPI's `docs_src/security/tutorial003.py`
//! (["Simple OAuth2 with Password and Bearer"](https://fastapi.tiangolo.com/tutorial/security/simple-oauth2/)),
//! insecure on purpose, as the tutorial is:
//!
//! * `POST /token` takes an [`OAuth2PasswordRequestForm`] and compares the
//!   tutorial's "fake hash" (`"fakehashed" + password`) with the stored one
//!   (in constant time); the token it answers is the user name itself.
//! * `GET /users/me` reads the bearer token as a user name
//!   (`fake_decode_token`): an unknown one is
//!   `401 {"detail":"Not authenticated"}` with `WWW-Authenticate: Bearer`
//!   (FastAPI 0.163.2's answer; older tutorials said "Invalid authentication
//!   credentials"), a disabled user (`alice`) is
//!   `400 {"detail":"Inactive user"}`, and the answer is the whole stored
//!   user, `hashed_password` included, as the tutorial returns it.
//!
//! The users are the tutorial's: `johndoe` (password `secret`) and `alice`
//! (password `secret2`, disabled). Like every FastAPI app, it redirects
//! `/users/me/` and `/token/` to the routes (`307`), and answers other
//! methods `405` with `Allow` and unknown paths `404`.
//!
//! Run with `cargo run -p warden-tutorials --bin security_tutorial003 -- --port 8000`
//! (the port defaults to 8000; the server listens on 127.0.0.1 only and stops
//! on Ctrl-C or SIGTERM). It prints these requests on startup:
//!
//! ```text
//! curl -i -d 'username=johndoe' -d 'password=secret' 'http://127.0.0.1:8000/token'
//!     # 200, {"access_token":"johndoe","token_type":"bearer"}
//! curl -i -d 'username=johndoe' -d 'password=incorrect' 'http://127.0.0.1:8000/token'
//!     # 400, {"detail":"Incorrect username or password"}
//! curl -i -d 'username=johndoe' 'http://127.0.0.1:8000/token'
//!     # no password -> 400, {"error":"invalid_request","error_description":"…"}
//! curl -i -H 'Authorization: Bearer johndoe' 'http://127.0.0.1:8000/users/me'
//!     # 200, {"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false,"hashed_password":"fakehashedsecret"}
//! curl -i -H 'Authorization: Bearer alice' 'http://127.0.0.1:8000/users/me'
//!     # 400, {"detail":"Inactive user"}
//! curl -i -H 'Authorization: Bearer nonexistent' 'http://127.0.0.1:8000/users/me'
//!     # 401, WWW-Authenticate: Bearer, {"detail":"Not authenticated"}
//! curl -i 'http://127.0.0.1:8000/users/me'
//!     # 401, WWW-Authenticate: Bearer, {"detail":"Not authenticated"}
//! ```
//!
//! # Differences from FastAPI
//!
//! * A token form FastAPI would refuse with `422` and a validation list
//!   (a missing `username` or `password`, a body that is not a form) is
//!   `400` with an RFC 6749 error object,
//!   `{"error":"invalid_request","error_description":…}`, and a `grant_type`
//!   other than `password` is `400 {"error":"unsupported_grant_type"}`
//!   (POLICY D12, D19). These errors carry `Cache-Control: no-store`
//!   (RFC 6749 §5.2). A repeated form field is refused too, where FastAPI
//!   takes the last one (D12), and `scope` is split at spaces only (D13).
//! * A bearer token that is not an RFC 6750 `b64token` (`Bearer a b`) is
//!   `400` with `Bearer error="invalid_request"` (D6, D18), where FastAPI
//!   looks the text up as a user name and answers `401 Not authenticated`.
//!   `Bearer` with nothing after it is missing credentials (D7): the same
//!   `401 Not authenticated` FastAPI gives after looking up the empty name.
//! * warden writes no OpenAPI document (`/openapi.json` is `404`), so
//!   FastAPI's `test_openapi_schema` has no counterpart.

#![forbid(unsafe_code)]

use std::{process::ExitCode, sync::LazyLock};

use axum::{
    Json, Router,
    extract::{FromRef, FromRequestParts},
    http::request::Parts,
};
use warden::{
    Auth, AuthErrorKind, AuthRejection, Challenge, ConfigError, OAuth2PasswordBearer, OAuth2PasswordRequestForm,
    TokenResponse, ct_eq,
};
use warden_tutorials::{
    oauth2::{self, Call, Step, TOKEN_PATH},
    starlette,
    users::{self, INACTIVE, INCORRECT, UserInDb, Users, inactive_user, incorrect_username_or_password},
};

/// The binary's name, for messages.
const NAME: &str = "security_tutorial003";

/// The current user's route.
const USERS_ME: &str = "/users/me";

/// Every route's path, for the slash redirects.
const ROUTES: &[&str] = &[TOKEN_PATH, USERS_ME];

/// The tutorial's `fake_users_db`, with its fake hashes; a [`UserInDb`] is
/// sent with its fields in the tutorial's order, `hashed_password` last.
static FAKE_USERS_DB: LazyLock<Users> = LazyLock::new(|| {
    users::users([
        UserInDb::new("johndoe", "John Doe", "johndoe@example.com", "fakehashedsecret", false),
        UserInDb::new("alice", "Alice Wonderson", "alice@example.com", "fakehashedsecret2", true),
    ])
});

/// The tutorial's `get_user`.
fn get_user(username: &str) -> Option<UserInDb> {
    FAKE_USERS_DB.get(username).cloned()
}

/// The tutorial's `fake_hash_password`: NOT a hash, never do this.
fn fake_hash_password(password: &str) -> String {
    format!("fakehashed{password}")
}

/// The router state: the scheme and its challenge.
#[derive(Debug, Clone)]
struct App {
    bearer: OAuth2PasswordBearer,
    /// `Bearer`, sent with the application's own `401`s.
    challenge: Challenge,
}

impl FromRef<App> for OAuth2PasswordBearer {
    fn from_ref(app: &App) -> Self {
        app.bearer
    }
}

/// The application: `POST /token` and `GET /users/me`.
///
/// # Errors
///
/// A scheme configuration error (none for the token URL `token`).
fn app() -> Result<Router, ConfigError> {
    let state = App { bearer: OAuth2PasswordBearer::new("token")?, challenge: Challenge::new("Bearer")? };
    let router = Router::new()
        .route(TOKEN_PATH, starlette::post(login))
        .route(USERS_ME, starlette::get(read_users_me))
        .with_state(state);
    Ok(starlette::routing(router, ROUTES))
}

/// The user named by the bearer token: FastAPI's `get_current_user`.
#[derive(Debug)]
struct CurrentUser(UserInDb);

impl FromRequestParts<App> for CurrentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, AuthRejection> {
        let Auth(token) = Auth::<OAuth2PasswordBearer>::from_request_parts(parts, app).await?;
        // The tutorial's fake_decode_token: the token is the user name.
        match get_user(token.as_str()) {
            Some(user) => Ok(Self(user)),
            // FastAPI 0.163.2's tutorial: `401 Not authenticated`, `Bearer`.
            None => Err(AuthRejection::new(AuthErrorKind::InvalidToken)
                .with_challenge(app.challenge.clone())
                .with_detail("Not authenticated")),
        }
    }
}

/// The current user unless disabled: FastAPI's `get_current_active_user`.
#[derive(Debug)]
struct ActiveUser(UserInDb);

impl FromRequestParts<App> for ActiveUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, AuthRejection> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, app).await?;
        if user.user.disabled == Some(true) {
            return Err(inactive_user());
        }
        Ok(Self(user))
    }
}

/// `POST /token`: the user name as the token, for the right password.
async fn login(form: OAuth2PasswordRequestForm) -> Result<Json<TokenResponse>, AuthRejection> {
    let user = get_user(&form.username).ok_or_else(incorrect_username_or_password)?;
    let hashed_password = fake_hash_password(form.password.expose());
    if !ct_eq(hashed_password.as_bytes(), user.hashed_password.as_bytes()) {
        return Err(incorrect_username_or_password());
    }
    Ok(Json(TokenResponse::bearer(user.user.username)))
}

/// `GET /users/me`: the stored user, as the tutorial returns it.
async fn read_users_me(ActiveUser(user): ActiveUser) -> Json<UserInDb> {
    Json(user)
}

/// The requests of FastAPI's `tests/test_tutorial/test_security/test_tutorial003.py`.
const STEPS: &[Step] = &[
    Step::Call(Call::post(
        TOKEN_PATH,
        &[("username", "johndoe"), ("password", "secret")],
        200,
        None,
        r#"{"access_token":"johndoe","token_type":"bearer"}"#,
    )),
    Step::Call(Call::post(TOKEN_PATH, &[("username", "johndoe"), ("password", "incorrect")], 400, None, INCORRECT)),
    Step::Call(
        Call::post(
            TOKEN_PATH,
            &[("username", "johndoe")],
            400,
            None,
            r#"{"error":"invalid_request","error_description":"…"}"#,
        )
        .note("no password"),
    ),
    Step::Call(Call::get(
        USERS_ME,
        &[("Authorization", "Bearer johndoe")],
        200,
        None,
        r#"{"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false,"hashed_password":"fakehashedsecret"}"#,
    )),
    Step::Call(Call::get(USERS_ME, &[("Authorization", "Bearer alice")], 400, None, INACTIVE)),
    Step::Call(Call::get(
        USERS_ME,
        &[("Authorization", "Bearer nonexistent")],
        401,
        Some("Bearer"),
        warden_tutorials::NOT_AUTHENTICATED,
    )),
    Step::Call(Call::get(USERS_ME, &[], 401, Some("Bearer"), warden_tutorials::NOT_AUTHENTICATED)),
];

#[tokio::main]
async fn main() -> ExitCode {
    oauth2::serve(NAME, app, USERS_ME, STEPS).await
}

/// The cases of FastAPI's `test_tutorial003.py`, with warden's answers.
#[cfg(test)]
mod tests {
    use serde_json::json;

    use warden_tutorials::testing::{self, Answer, Req, assert_detail};

    use super::*;

    async fn post_token(fields: &[(&'static str, &'static str)]) -> Answer {
        Req::post_form(TOKEN_PATH, fields).send(&app().unwrap()).await
    }

    async fn get_me(authorization: Option<&str>) -> Answer {
        Req::get(USERS_ME).authorization(authorization).send(&app().unwrap()).await
    }

    /// A `400 {"detail":"Incorrect username or password"}` without challenge.
    fn assert_incorrect(answer: &Answer) {
        assert_detail(answer, 400, None, "Incorrect username or password");
    }

    /// `test_login`.
    #[tokio::test]
    async fn login() {
        let answer = post_token(&[("username", "johndoe"), ("password", "secret")]).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert_eq!(answer.body, json!({"access_token": "johndoe", "token_type": "bearer"}));
        // FastAPI's answer has no caching headers; the tutorial does not add them.
        assert_eq!(answer.header("cache-control"), None);
    }

    /// `test_login_incorrect_password`.
    #[tokio::test]
    async fn login_incorrect_password() {
        assert_incorrect(&post_token(&[("username", "johndoe"), ("password", "incorrect")]).await);
    }

    /// `test_login_incorrect_username`.
    #[tokio::test]
    async fn login_incorrect_username() {
        assert_incorrect(&post_token(&[("username", "foo"), ("password", "secret")]).await);
    }

    /// `test_no_token`.
    #[tokio::test]
    async fn no_token() {
        assert_detail(&get_me(None).await, 401, Some("Bearer"), "Not authenticated");
    }

    /// `test_token`: the stored user, `hashed_password` included.
    #[tokio::test]
    async fn token() {
        let answer = get_me(Some("Bearer johndoe")).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert_eq!(
            answer.body,
            json!({
                "username": "johndoe",
                "full_name": "John Doe",
                "email": "johndoe@example.com",
                "hashed_password": "fakehashedsecret",
                "disabled": false,
            })
        );
    }

    /// `test_incorrect_token`: an unknown user name is FastAPI 0.163.2's
    /// `401 Not authenticated` with `Bearer`, as if there were no token.
    #[tokio::test]
    async fn incorrect_token() {
        let answer = get_me(Some("Bearer nonexistent")).await;
        assert_detail(&answer, 401, Some("Bearer"), "Not authenticated");
        assert_eq!(answer.raw, get_me(None).await.raw);
    }

    /// `test_incorrect_token_type`.
    #[tokio::test]
    async fn incorrect_token_type() {
        assert_detail(&get_me(Some("Notexistent testtoken")).await, 401, Some("Bearer"), "Not authenticated");
    }

    /// `test_inactive_user`: no challenge.
    #[tokio::test]
    async fn inactive_user() {
        assert_detail(&get_me(Some("Bearer alice")).await, 400, None, "Inactive user");
    }

    /// Login does not look at `disabled`: alice gets her token, then
    /// `/users/me` refuses it.
    #[tokio::test]
    async fn a_disabled_user_still_logs_in() {
        let answer = post_token(&[("username", "alice"), ("password", "secret2")]).await;
        assert_eq!(answer.body, json!({"access_token": "alice", "token_type": "bearer"}));
        assert_incorrect(&post_token(&[("username", "alice"), ("password", "secret")]).await);
    }

    /// D12, D19: FastAPI's 422s are RFC 6749 error objects; the optional
    /// `grant_type` must be `password` when sent; extra fields are ignored.
    #[tokio::test]
    async fn token_form_errors_are_rfc_6749() {
        let app = app().unwrap();
        for body in ["username=johndoe", "password=secret", "", "username=johndoe&password=secret&password=secret"] {
            let answer = Req::new("POST", TOKEN_PATH).form(body).send(&app).await;
            assert_eq!(answer.status, 400, "{body}");
            assert_eq!(answer.body["error"], "invalid_request", "{body}");
            assert!(answer.challenges().is_empty());
            assert_eq!(answer.header("cache-control"), Some("no-store"));
        }
        // No body and no Content-Type at all.
        let no_body = Req::new("POST", TOKEN_PATH).send(&app).await;
        assert_eq!((no_body.status, &no_body.body["error"]), (400, &json!("invalid_request")));
        let answer =
            post_token(&[("grant_type", "client_credentials"), ("username", "johndoe"), ("password", "secret")]).await;
        assert_eq!((answer.status, &answer.body), (400, &json!({"error": "unsupported_grant_type"})));
        let answer = post_token(&[
            ("grant_type", "password"),
            ("username", "johndoe"),
            ("password", "secret"),
            ("scope", "me items"),
            ("client_id", "x"),
            ("extra", "ignored"),
        ])
        .await;
        assert_eq!(answer.body, json!({"access_token": "johndoe", "token_type": "bearer"}));
    }

    /// `/users/me/` and `/token/` are redirected; other methods are `405`;
    /// unknown paths `404`.
    #[tokio::test]
    async fn routing_is_starlettes() {
        let app = app().unwrap();
        testing::assert_starlette_routing(&app, &[("POST", TOKEN_PATH), ("GET", USERS_ME)]).await;
        // A redirected login keeps its method and form, as TestClient follows it.
        let answer = Req::post_form("/token/", &[("username", "johndoe"), ("password", "secret")])
            .redirected(&app, "http://testserver/token")
            .await;
        assert_eq!(answer.body["access_token"], "johndoe");
    }

    /// Every request printed on startup gets the answer printed next to it.
    #[tokio::test]
    async fn printed_requests_get_the_printed_answers() {
        testing::replay(&app().unwrap(), STEPS).await;
    }

    /// The module documentation shows what the binary prints on port 8000.
    #[test]
    fn documentation_shows_the_printed_requests() {
        testing::assert_documented(include_str!("security_tutorial003.rs"), STEPS);
    }
}
