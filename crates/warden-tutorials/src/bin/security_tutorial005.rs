//! OAuth2 scopes: JWT access tokens that carry the scopes granted at login,
//! checked per route.
//!
//! A port of FastAPI's `docs_src/security/tutorial005.py`
//! (["OAuth2 scopes"](https://fastapi.tiangolo.com/advanced/security/oauth2-scopes/)):
//!
//! * `POST /token` checks the password against the user's argon2 hash
//!   ([`verify_password_or_dummy`], so an unknown user costs what a wrong
//!   password costs) and answers a JWT whose claims are
//!   `{"sub": user, "scope": "<the form's scopes joined by spaces>", "exp": now + 30 min}`,
//!   signed HS256 with the tutorial's `SECRET_KEY`; a wrong password or user
//!   is `400 {"detail":"Incorrect username or password"}`.
//! * [`CurrentUser`] is the tutorial's `get_current_user` as a warden
//!   [`Verifier`]: it receives the route's effective scopes
//!   ([`SecurityScopes`]) and answers `401` with
//!   `WWW-Authenticate: Bearer scope="<scopes>"` (`Bearer` when none):
//!   `Could not validate credentials` for a token that does not verify, has
//!   no `sub` or names no user, then `Not enough permissions` for a
//!   required scope the token lacks.
//! * The dependency chain is the tutorial's: [`ActiveUser`]
//!   (`get_current_active_user`) asks for `me` and refuses a disabled user
//!   with `400 Inactive user`; `/users/me/items/` adds `items` around it
//!   with a [`DeclareScopes`] layer, so its scopes are `items me`, the
//!   route's first, as FastAPI orders them; `/status/` asks for none.
//!
//! The users are the tutorial's: `johndoe` (password `secret`) and `alice`
//! (password `secretalice`, disabled), with the tutorial's pwdlib hashes.
//! The users, `create_access_token`, `authenticate_user` and the PyJWT-like
//! verifier are those of `security_tutorial004`, in the crate's `users` and
//! `jwt` modules.
//! Like every FastAPI app, it redirects `/users/me` to `/users/me/` (`307`,
//! `Location: http://{Host}/users/me/`), and answers other methods `405`
//! with `Allow` and unknown paths `404`.
//!
//! Run with `cargo run -p warden-tutorials --bin security_tutorial005 -- --port 8000`
//! (the port defaults to 8000; the server listens on 127.0.0.1 only and stops
//! on Ctrl-C or SIGTERM). It prints these requests on startup:
//!
//! ```text
//! curl -i -d 'username=johndoe' -d 'password=secret' --data-urlencode 'scope=me items' 'http://127.0.0.1:8000/token'
//!     # 200, {"access_token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.…","token_type":"bearer"}
//! curl -i -d 'username=johndoe' -d 'password=wrong' 'http://127.0.0.1:8000/token'
//!     # 400, {"detail":"Incorrect username or password"}
//! ME_ITEMS=$(curl -s -d 'username=johndoe' -d 'password=secret' --data-urlencode 'scope=me items' 'http://127.0.0.1:8000/token' | sed -E 's/.*"access_token":"([^"]*)".*/\1/')
//! ME=$(curl -s -d 'username=johndoe' -d 'password=secret' -d 'scope=me' 'http://127.0.0.1:8000/token' | sed -E 's/.*"access_token":"([^"]*)".*/\1/')
//! ALICE=$(curl -s -d 'username=alice' -d 'password=secretalice' -d 'scope=me' 'http://127.0.0.1:8000/token' | sed -E 's/.*"access_token":"([^"]*)".*/\1/')
//! curl -i -H "Authorization: Bearer $ME_ITEMS" 'http://127.0.0.1:8000/users/me/items/'
//!     # 200, [{"item_id":"Foo","owner":"johndoe"}]
//! curl -i -H "Authorization: Bearer $ME" 'http://127.0.0.1:8000/users/me/items/'
//!     # 401, WWW-Authenticate: Bearer scope="items me", {"detail":"Not enough permissions"}
//! curl -i -H "Authorization: Bearer $ME" 'http://127.0.0.1:8000/users/me/'
//!     # 200, {"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false}
//! curl -i -H "Authorization: Bearer $ALICE" 'http://127.0.0.1:8000/users/me/'
//!     # 400, {"detail":"Inactive user"}
//! curl -i -H "Authorization: Bearer $ALICE" 'http://127.0.0.1:8000/status/'
//!     # 200, {"status":"ok"}
//! curl -i -H 'Authorization: Bearer nonexistent' 'http://127.0.0.1:8000/users/me/'
//!     # 401, WWW-Authenticate: Bearer scope="me", {"detail":"Could not validate credentials"}
//! curl -i 'http://127.0.0.1:8000/status/'
//!     # 401, WWW-Authenticate: Bearer, {"detail":"Not authenticated"}
//! curl -i -H "Authorization: Bearer $ME" 'http://127.0.0.1:8000/users/me'
//!     # 307, location: http://127.0.0.1:8000/users/me/
//! ```
//!
//! # Differences from FastAPI
//!
//! * Token form errors are `400` RFC 6749 error objects
//!   (`{"error":"invalid_request",…}`, `{"error":"unsupported_grant_type"}`)
//!   instead of FastAPI's `422` validation lists (POLICY D12, D19); a
//!   repeated field is refused (D12); `scope` is split at spaces only
//!   (D13).
//! * A bearer token that is not an RFC 6750 `b64token` is `400` with
//!   `Bearer error="invalid_request"` (D6, D18), and `Bearer` alone is
//!   `401 Not authenticated` with `Bearer` (D7); FastAPI answers both
//!   `401 Could not validate credentials` with the scopes challenge.
//! * A token without `exp` is `401 Could not validate credentials` (PyJWT
//!   accepts it, and it would never expire; POLICY, "Defaults warden
//!   adds"). FastAPI's tests never send a valid one: their three tokens
//!   without `exp` have no usable `sub` and are refused either way.
//! * A token whose `scope` claim is not a string (`null`, a number, a list)
//!   makes FastAPI's `scope.split(" ")` raise, a `500`; warden answers
//!   `401 Could not validate credentials` (no request is a 5xx).
//! * The application's own `401`s, with `Bearer scope="…"` and no `error`
//!   parameter, and its `400 Inactive user` are sent as the tutorial writes
//!   them (D20); see the demo service (`crates/warden-demo`) for warden's RFC 6750 answers
//!   (`invalid_token`, `403 insufficient_scope`).
//! * warden writes no OpenAPI document (`/openapi.json` is `404`), so
//!   FastAPI's `test_openapi_schema` has no counterpart.
//!
//! [`Verifier`]: warden::security::Verifier
//! [`DeclareScopes`]: warden::scopes::DeclareScopes
//! [`verify_password_or_dummy`]: warden::password::verify_password_or_dummy

#![forbid(unsafe_code)]

use std::{process::ExitCode, sync::Arc, time::Duration};

use axum::{
    Json, Router,
    extract::{FromRef, FromRequestParts, State},
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use warden::{
    AuthErrorKind, AuthRejection, BearerToken, OAuth2PasswordBearer, OAuth2PasswordRequestForm, Security,
    TokenResponse,
    jwt::{EncodingKey, JwtVerifier},
    scopes::{DeclareScopes, SecurityScopes},
    security::Verifier,
};
use warden_tutorials::{
    jwt::{
        ACCESS_TOKEN_EXPIRE_MINUTES, AppError, authenticate_user, create_access_token, credentials_exception,
        encoding_key, pyjwt_verifier,
    },
    oauth2::{self, Call, Login, Step, TOKEN_PATH},
    starlette,
    users::{
        self, ALICE_HASHED_PASSWORD, ALICE_ME, INACTIVE, INCORRECT, JOHNDOE_HASHED_PASSWORD, JOHNDOE_ITEMS,
        JOHNDOE_JSON, JOHNDOE_ME, JOHNDOE_ME_ITEMS, User, UserInDb, Users, inactive_user,
        incorrect_username_or_password, own_items,
    },
};

/// The binary's name, for messages.
const NAME: &str = "security_tutorial005";

/// The routes.
const USERS_ME: &str = "/users/me/";
const USERS_ME_ITEMS: &str = "/users/me/items/";
const STATUS: &str = "/status/";

/// Every route's path, for the slash redirects.
const ROUTES: &[&str] = &[TOKEN_PATH, USERS_ME, USERS_ME_ITEMS, STATUS];

warden::scopes! {
    /// What `get_current_active_user` asks `get_current_user` for.
    pub Me = ["me"];
}

/// The tutorial's `fake_users_db`.
fn fake_users_db() -> Users {
    users::users([
        UserInDb::new("johndoe", "John Doe", "johndoe@example.com", JOHNDOE_HASHED_PASSWORD, false),
        UserInDb::new("alice", "Alice Chains", "alicechains@example.com", ALICE_HASHED_PASSWORD, true),
    ])
}

/// The claims `get_current_user` reads; `exp` and the others are checked by
/// the verifier and otherwise ignored.
#[derive(Debug, Deserialize)]
struct TokenPayload {
    sub: Option<String>,
    /// The granted scopes, space-separated; absent is `""`, as the
    /// tutorial's `payload.get("scope", "")`.
    #[serde(default = "no_scope")]
    scope: Value,
}

fn no_scope() -> Value {
    Value::String(String::new())
}

/// The tutorial's `get_current_user`: the user of a valid token that grants
/// every scope the route needs. See the [module documentation](self).
#[derive(Debug, Clone)]
struct CurrentUser {
    scheme: OAuth2PasswordBearer,
    jwt: JwtVerifier<TokenPayload>,
    users: Arc<Users>,
}

impl Verifier for CurrentUser {
    type Scheme = OAuth2PasswordBearer;
    type Output = User;

    fn scheme(&self) -> &OAuth2PasswordBearer {
        &self.scheme
    }

    async fn verify(&self, token: &BearerToken, security_scopes: &SecurityScopes) -> Result<User, AuthRejection> {
        // `Bearer scope="items me"`, or `Bearer` when the route needs no scope.
        let authenticate_value = security_scopes.challenge();
        let invalid = || credentials_exception(authenticate_value.clone());
        let payload = self.jwt.verify(token.as_str()).map_err(|_| invalid())?;
        let username = payload.sub.as_deref().ok_or_else(invalid)?;
        let Value::String(scope) = &payload.scope else {
            return Err(invalid());
        };
        let token_scopes: Vec<&str> = scope.split(' ').collect();
        let user = self.users.get(username).ok_or_else(invalid)?;
        if security_scopes.missing(&token_scopes[..]).is_some() {
            return Err(AuthRejection::new(AuthErrorKind::InsufficientScope)
                .with_status(StatusCode::UNAUTHORIZED)
                .with_challenge(authenticate_value)
                .with_detail("Not enough permissions"));
        }
        Ok(user.user.clone())
    }
}

/// The current user, with the scope `me` (and the route's), unless disabled:
/// the tutorial's `get_current_active_user`.
#[derive(Debug)]
struct ActiveUser(User);

impl FromRequestParts<App> for ActiveUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, AuthRejection> {
        let user = Security::<CurrentUser, Me>::from_request_parts(parts, app).await?.into_inner();
        if user.disabled == Some(true) {
            return Err(inactive_user());
        }
        Ok(Self(user))
    }
}

/// The router state.
#[derive(Debug, Clone)]
struct App {
    current_user: CurrentUser,
    key: EncodingKey,
}

impl FromRef<App> for CurrentUser {
    fn from_ref(app: &App) -> Self {
        app.current_user.clone()
    }
}

/// The application.
///
/// # Errors
///
/// A scheme, scope, key or verifier configuration error (none for the
/// tutorial's).
fn app() -> Result<Router, AppError> {
    let scheme = OAuth2PasswordBearer::builder("token")
        .scope("me", "Read information about the current user.")
        .scope("items", "Read items.")
        .build()?;
    let current_user = CurrentUser { scheme, jwt: pyjwt_verifier()?, users: Arc::new(fake_users_db()) };
    let state = App { current_user, key: encoding_key()? };
    let router = Router::new()
        .route(TOKEN_PATH, starlette::post(login_for_access_token))
        .route(USERS_ME, starlette::get(read_users_me))
        // Security(get_current_active_user, scopes=["items"]): the route's
        // scope, outside get_current_active_user's `me`.
        .route(USERS_ME_ITEMS, starlette::get(read_own_items).route_layer(DeclareScopes::new(["items"])?))
        .route(STATUS, starlette::get(read_system_status))
        .with_state(state);
    Ok(starlette::routing(router, ROUTES))
}

/// `POST /token`: a JWT for the user and the scopes the form asked for.
async fn login_for_access_token(
    State(app): State<App>,
    form: OAuth2PasswordRequestForm,
) -> Result<Json<TokenResponse>, Response> {
    let users = app.current_user.users.clone();
    let Some(user) = authenticate_user(users, form.username, form.password).await? else {
        return Err(incorrect_username_or_password().into_response());
    };
    /// The claims `/token` signs, in the tutorial's order.
    #[derive(Serialize)]
    struct Claims {
        sub: String,
        scope: String,
    }
    let claims = Claims { sub: user.username, scope: form.scopes.join(" ") };
    let expires = Duration::from_secs(ACCESS_TOKEN_EXPIRE_MINUTES * 60);
    let access_token = create_access_token(&app.key, &claims, Some(expires))
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
    Ok(Json(TokenResponse::bearer(access_token)))
}

/// `GET /users/me/`: the active user (scope `me`).
async fn read_users_me(ActiveUser(user): ActiveUser) -> Json<User> {
    Json(user)
}

/// `GET /users/me/items/`: the active user's items (scopes `items me`).
async fn read_own_items(ActiveUser(user): ActiveUser) -> Json<Value> {
    own_items(&user.username)
}

/// `GET /status/`: any valid token of a known user, no scope, disabled or not.
async fn read_system_status(_user: Security<CurrentUser>) -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The requests of FastAPI's `tests/test_tutorial/test_security/test_tutorial005.py`.
const STEPS: &[Step] = &[
    Step::Call(Call::post(
        TOKEN_PATH,
        JOHNDOE_ME_ITEMS,
        200,
        None,
        r#"{"access_token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.…","token_type":"bearer"}"#,
    )),
    Step::Call(Call::post(TOKEN_PATH, &[("username", "johndoe"), ("password", "wrong")], 400, None, INCORRECT)),
    Step::Login(Login { var: "ME_ITEMS", form: JOHNDOE_ME_ITEMS }),
    Step::Login(Login { var: "ME", form: JOHNDOE_ME }),
    Step::Login(Login { var: "ALICE", form: ALICE_ME }),
    Step::Call(Call::get(USERS_ME_ITEMS, &[("Authorization", "Bearer $ME_ITEMS")], 200, None, JOHNDOE_ITEMS)),
    Step::Call(Call::get(
        USERS_ME_ITEMS,
        &[("Authorization", "Bearer $ME")],
        401,
        Some(r#"Bearer scope="items me""#),
        r#"{"detail":"Not enough permissions"}"#,
    )),
    Step::Call(Call::get(USERS_ME, &[("Authorization", "Bearer $ME")], 200, None, JOHNDOE_JSON)),
    Step::Call(Call::get(USERS_ME, &[("Authorization", "Bearer $ALICE")], 400, None, INACTIVE)),
    Step::Call(Call::get(STATUS, &[("Authorization", "Bearer $ALICE")], 200, None, r#"{"status":"ok"}"#)),
    Step::Call(Call::get(
        USERS_ME,
        &[("Authorization", "Bearer nonexistent")],
        401,
        Some(r#"Bearer scope="me""#),
        r#"{"detail":"Could not validate credentials"}"#,
    )),
    Step::Call(Call::get(STATUS, &[], 401, Some("Bearer"), warden_tutorials::NOT_AUTHENTICATED)),
    Step::Call(Call { headers: &[("Authorization", "Bearer $ME")], ..Call::redirect("/users/me", USERS_ME) }),
];

#[tokio::main]
async fn main() -> ExitCode {
    oauth2::serve(NAME, app, USERS_ME, STEPS).await
}

/// The cases of FastAPI's `test_tutorial005.py`, with warden's answers.
/// Each login runs argon2 (slow in a debug build), so only the tests about
/// logging in log in; the others sign their tokens with `create_access_token`.
#[cfg(test)]
mod tests {
    use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
    use warden::password::{hash_password, verify_password};

    use warden_tutorials::{
        jwt::ALGORITHM,
        testing::{
            self, Answer, Req, assert_detail,
            jwt::{NO_SUB, NO_USERNAME, NONEXISTENT_USER, get_me},
            login,
        },
    };

    use super::*;

    /// A token as `/token` makes it, for `username` and `scope`.
    fn token_for(username: &str, scope: &str) -> String {
        let key = encoding_key().unwrap();
        create_access_token(&key, &json!({ "sub": username, "scope": scope }), Some(Duration::from_secs(1800))).unwrap()
    }

    /// The form of a login as `username`/`password`, asking for `scope` if any.
    fn form(
        username: &'static str,
        password: &'static str,
        scope: Option<&'static str>,
    ) -> Vec<(&'static str, &'static str)> {
        let mut form = vec![("username", username), ("password", password)];
        form.extend(scope.map(|scope| ("scope", scope)));
        form
    }

    /// `401 {"detail": detail}` with the challenge `challenge`.
    fn assert_unauthorized(answer: &Answer, challenge: &str, detail: &str) {
        assert_detail(answer, 401, Some(challenge), detail);
    }

    /// `400 {"detail":"Incorrect username or password"}`, no challenge.
    fn assert_incorrect(answer: &Answer) {
        assert_detail(answer, 400, None, "Incorrect username or password");
    }

    /// `test_login`: the token's claims are `sub`, `scope`, `exp`, in PyJWT's order.
    #[tokio::test]
    async fn login_gives_a_jwt() {
        let answer = Req::post_form(TOKEN_PATH, JOHNDOE_ME_ITEMS).send(&app().unwrap()).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body["token_type"], "bearer");
        let token = answer.body["access_token"].as_str().unwrap();
        let claims = token.split('.').nth(1).unwrap();
        let claims = String::from_utf8(URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();
        let exp = claims.strip_prefix(r#"{"sub":"johndoe","scope":"me items","exp":"#).unwrap();
        assert!(exp.strip_suffix('}').unwrap().parse::<u64>().is_ok(), "{claims}");
    }

    /// `test_login_incorrect_password`.
    #[tokio::test]
    async fn login_incorrect_password() {
        let answer = Req::post_form(TOKEN_PATH, &form("johndoe", "incorrect", None)).send(&app().unwrap()).await;
        assert_incorrect(&answer);
    }

    /// `test_login_incorrect_username`: the same answer, after the dummy hash.
    #[tokio::test]
    async fn login_incorrect_username() {
        let answer = Req::post_form(TOKEN_PATH, &form("foo", "secret", None)).send(&app().unwrap()).await;
        assert_incorrect(&answer);
    }

    /// `test_no_token`: the scheme's challenge, without scopes.
    #[tokio::test]
    async fn no_token() {
        assert_unauthorized(&get_me(&app().unwrap(), None).await, "Bearer", "Not authenticated");
    }

    /// `test_token`: a login with the scope `me` opens `/users/me`.
    #[tokio::test]
    async fn token() {
        let app = app().unwrap();
        let access_token = login(&app, &form("johndoe", "secret", Some("me"))).await;
        let answer = get_me(&app, Some(&format!("Bearer {access_token}"))).await;
        assert_eq!(answer.status, 200);
        assert_eq!(
            answer.body,
            json!({"username": "johndoe", "full_name": "John Doe", "email": "johndoe@example.com", "disabled": false})
        );
    }

    /// `test_incorrect_token`: the challenge names the route's scopes.
    #[tokio::test]
    async fn incorrect_token() {
        let answer = get_me(&app().unwrap(), Some("Bearer nonexistent")).await;
        assert_unauthorized(&answer, r#"Bearer scope="me""#, "Could not validate credentials");
    }

    /// `test_incorrect_token_type`.
    #[tokio::test]
    async fn incorrect_token_type() {
        let answer = get_me(&app().unwrap(), Some("Notexistent testtoken")).await;
        assert_unauthorized(&answer, "Bearer", "Not authenticated");
    }

    /// `test_verify_password`, and alice's hash, which the tests never check.
    #[test]
    fn verify_password_of_the_tutorial_hashes() {
        assert_eq!(verify_password("secret", JOHNDOE_HASHED_PASSWORD), Ok(true));
        assert_eq!(verify_password("secretalice", ALICE_HASHED_PASSWORD), Ok(true));
    }

    /// `test_get_password_hash`.
    #[test]
    fn get_password_hash() {
        assert!(hash_password("secretalice").unwrap().starts_with("$argon2id$v=19$m=65536,t=3,p=4$"));
    }

    /// `test_create_access_token`.
    #[test]
    fn create_access_token_adds_exp() {
        let key = encoding_key().unwrap();
        let token = create_access_token(&key, &json!({"data": "foo"}), None).unwrap();
        let claims = token.split('.').nth(1).unwrap();
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();
        assert_eq!(claims["data"], "foo");
        assert!(claims["exp"].is_u64());
    }

    /// `test_token_no_sub`, `test_token_no_username`,
    /// `test_token_inexistent_user`: valid signatures, no usable `sub`, and
    /// no `exp`, which the verifier requires (PyJWT does not).
    #[tokio::test]
    async fn tokens_without_a_known_sub() {
        let app = app().unwrap();
        for token in [NO_SUB, NO_USERNAME, NONEXISTENT_USER] {
            let answer = get_me(&app, Some(&format!("Bearer {token}"))).await;
            assert_unauthorized(&answer, r#"Bearer scope="me""#, "Could not validate credentials");
        }
    }

    /// A token without `exp` never expires, so it is refused even for a
    /// known user with the right scope (PyJWT would accept it), with the
    /// tutorial's own `401`; the same claims with an `exp` open the route.
    #[tokio::test]
    async fn a_token_without_exp_is_refused() {
        let app = app().unwrap();
        let key = encoding_key().unwrap();
        let claims = json!({"sub": "johndoe", "scope": "me"});
        let without_exp = warden::jwt::encode(&warden::jwt::Header::new(ALGORITHM), &claims, &key).unwrap();
        let answer = get_me(&app, Some(&format!("Bearer {without_exp}"))).await;
        assert_unauthorized(&answer, r#"Bearer scope="me""#, "Could not validate credentials");
        let answer = get_me(&app, Some(&format!("Bearer {}", token_for("johndoe", "me")))).await;
        assert_eq!(answer.status, 200);
    }

    /// `test_token_no_scope`: a login without scopes does not open `/users/me`.
    #[tokio::test]
    async fn token_no_scope() {
        let app = app().unwrap();
        let access_token = login(&app, &form("johndoe", "secret", None)).await;
        let answer = get_me(&app, Some(&format!("Bearer {access_token}"))).await;
        assert_unauthorized(&answer, r#"Bearer scope="me""#, "Not enough permissions");
    }

    /// `test_token_inactive_user`.
    #[tokio::test]
    async fn token_inactive_user() {
        let app = app().unwrap();
        let access_token = login(&app, &form("alice", "secretalice", Some("me"))).await;
        let answer = get_me(&app, Some(&format!("Bearer {access_token}"))).await;
        assert_detail(&answer, 400, None, "Inactive user");
    }

    /// `test_read_items`.
    #[tokio::test]
    async fn read_items() {
        let app = app().unwrap();
        let access_token = login(&app, &form("johndoe", "secret", Some("me items"))).await;
        let answer = Req::get(USERS_ME_ITEMS).bearer(&access_token).send(&app).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, json!([{"item_id": "Foo", "owner": "johndoe"}]));
    }

    /// `test_read_system_status`: any scope, or none.
    #[tokio::test]
    async fn read_system_status() {
        let app = app().unwrap();
        let access_token = login(&app, &form("johndoe", "secret", None)).await;
        let answer = Req::get(STATUS).bearer(&access_token).send(&app).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, json!({"status": "ok"}));
    }

    /// `test_read_system_status_no_token`.
    #[tokio::test]
    async fn read_system_status_no_token() {
        let answer = Req::get(STATUS).send(&app().unwrap()).await;
        assert_unauthorized(&answer, "Bearer", "Not authenticated");
    }

    /// The challenge lists the effective scopes, the route's `items` before
    /// `get_current_active_user`'s `me`, for both of the verifier's `401`s;
    /// the scopes are checked after the user is found, the active check last.
    #[tokio::test]
    async fn scopes_follow_the_dependency_chain() {
        let app = app().unwrap();
        let items_me = r#"Bearer scope="items me""#;
        for (scope, status) in [("me items", 200), ("items me", 200), ("me", 401), ("items", 401), ("", 401)] {
            let answer = Req::get(USERS_ME_ITEMS).bearer(&token_for("johndoe", scope)).send(&app).await;
            assert_eq!(answer.status, status, "{scope:?}");
            if status == 401 {
                assert_unauthorized(&answer, items_me, "Not enough permissions");
            }
        }
        let answer = Req::get(USERS_ME_ITEMS).bearer("nonexistent").send(&app).await;
        assert_unauthorized(&answer, items_me, "Could not validate credentials");
        // An unknown user is refused before the scopes are looked at.
        let answer = Req::get(USERS_ME_ITEMS).bearer(&token_for("bob", "")).send(&app).await;
        assert_unauthorized(&answer, items_me, "Could not validate credentials");
        // /status/ needs no scope: its challenge is a bare `Bearer`.
        let answer = Req::get(STATUS).bearer("nonexistent").send(&app).await;
        assert_unauthorized(&answer, "Bearer", "Could not validate credentials");
        // A disabled user: the missing scope first, then the active check;
        // /status/ does not check.
        let answer = Req::get(USERS_ME).bearer(&token_for("alice", "")).send(&app).await;
        assert_unauthorized(&answer, r#"Bearer scope="me""#, "Not enough permissions");
        let answer = Req::get(USERS_ME_ITEMS).bearer(&token_for("alice", "me items")).send(&app).await;
        assert_eq!((answer.status, answer.body), (400, json!({"detail": "Inactive user"})));
        let answer = Req::get(STATUS).bearer(&token_for("alice", "")).send(&app).await;
        assert_eq!(answer.status, 200);
    }

    /// Scopes are compared whole, split at single spaces as the tutorial's
    /// `scope.split(" ")`; a `scope` claim that is not a string is refused.
    #[tokio::test]
    async fn scope_claims_are_read_as_the_tutorial_reads_them() {
        let app = app().unwrap();
        for scope in ["mee", "ME", " me", "me "] {
            let ok = Req::get(USERS_ME).bearer(&token_for("johndoe", scope)).send(&app).await.status;
            assert_eq!(ok, if scope.split(' ').any(|s| s == "me") { 200 } else { 401 }, "{scope:?}");
        }
        let key = encoding_key().unwrap();
        for scope in [json!(null), json!(["me"]), json!(1)] {
            let token = create_access_token(&key, &json!({"sub": "johndoe", "scope": scope}), None).unwrap();
            let answer = Req::get(STATUS).bearer(&token).send(&app).await;
            assert_unauthorized(&answer, "Bearer", "Could not validate credentials");
        }
        // No `scope` claim at all is no scope.
        let token = create_access_token(&key, &json!({"sub": "johndoe"}), None).unwrap();
        assert_eq!(Req::get(STATUS).bearer(&token).send(&app).await.status, 200);
        let answer = Req::get(USERS_ME).bearer(&token).send(&app).await;
        assert_unauthorized(&answer, r#"Bearer scope="me""#, "Not enough permissions");
    }

    /// The routes' other spellings are redirected; other methods are `405`;
    /// unknown paths `404`.
    #[tokio::test]
    async fn routing_is_starlettes() {
        let app = app().unwrap();
        let routes = [("POST", TOKEN_PATH), ("GET", USERS_ME), ("GET", USERS_ME_ITEMS), ("GET", STATUS)];
        testing::assert_starlette_routing(&app, &routes).await;
    }

    /// Every request printed on startup gets the answer printed next to it.
    #[tokio::test]
    async fn printed_requests_get_the_printed_answers() {
        testing::replay(&app().unwrap(), STEPS).await;
    }

    /// The module documentation shows what the binary prints on port 8000.
    #[test]
    fn documentation_shows_the_printed_requests() {
        testing::assert_documented(include_str!("security_tutorial005.rs"), STEPS);
    }
}
