//! OAuth2 password flow with argon2 password hashes and JWT access tokens.
//!
//! A port of FastAPI's `docs_src/security/tutorial004.py`
//! (["OAuth2 with Password (and hashing), Bearer with JWT tokens"](https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/)):
//!
//! * `POST /token` takes an [`OAuth2PasswordRequestForm`] and checks the
//!   password against the user's argon2 hash with
//!   [`verify_password_or_dummy`]: an unknown user costs the same argon2 work
//!   as a wrong password (the tutorial's `DUMMY_HASH`), and both are
//!   `401 {"detail":"Incorrect username or password"}` with
//!   `WWW-Authenticate: Bearer`. Argon2 runs on tokio's blocking threads.
//! * The access token is the tutorial's JWT, byte for byte what PyJWT signs:
//!   header `{"alg":"HS256","typ":"JWT"}`, claims `{"sub": user, "exp": …}`
//!   expiring 30 minutes on, HMAC-SHA256 with the tutorial's `SECRET_KEY`
//!   (the 64 characters themselves are the key).
//! * `GET /users/me/` and `GET /users/me/items/` verify the token as PyJWT's
//!   `jwt.decode(token, SECRET_KEY, algorithms=["HS256"])` does (`nbf` and
//!   `iat` checked when present, a token with an `aud` refused), but with
//!   `exp` required, then look up `sub`: any failure is
//!   `401 {"detail":"Could not validate credentials"}` with
//!   `WWW-Authenticate: Bearer`; a disabled user is `400 Inactive user`.
//!
//! The one user is the tutorial's `johndoe`, password `secret`, stored as
//! the tutorial's pwdlib hash. The users, `create_access_token`,
//! `authenticate_user` and the PyJWT-like verifier are the same in
//! `security_tutorial005`; both take them from the crate's `users` and
//! `jwt` modules. Like every FastAPI app, it redirects
//! `/users/me` to `/users/me/` (`307`, `Location: http://{Host}/users/me/`),
//! and answers other methods `405` with `Allow` and unknown paths `404`.
//!
//! Run with `cargo run -p warden-tutorials --bin security_tutorial004 -- --port 8000`
//! (the port defaults to 8000; the server listens on 127.0.0.1 only and stops
//! on Ctrl-C or SIGTERM). It prints these requests on startup:
//!
//! ```text
//! curl -i -d 'username=johndoe' -d 'password=secret' 'http://127.0.0.1:8000/token'
//!     # 200, {"access_token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.…","token_type":"bearer"}
//! curl -i -d 'username=johndoe' -d 'password=incorrect' 'http://127.0.0.1:8000/token'
//!     # 401, WWW-Authenticate: Bearer, {"detail":"Incorrect username or password"}
//! TOKEN=$(curl -s -d 'username=johndoe' -d 'password=secret' 'http://127.0.0.1:8000/token' | sed -E 's/.*"access_token":"([^"]*)".*/\1/')
//! curl -i -H "Authorization: Bearer $TOKEN" 'http://127.0.0.1:8000/users/me/'
//!     # 200, {"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false}
//! curl -i -H "Authorization: Bearer $TOKEN" 'http://127.0.0.1:8000/users/me/items/'
//!     # 200, [{"item_id":"Foo","owner":"johndoe"}]
//! curl -i -H 'Authorization: Bearer nonexistent' 'http://127.0.0.1:8000/users/me/'
//!     # 401, WWW-Authenticate: Bearer, {"detail":"Could not validate credentials"}
//! curl -i -H "Authorization: Bearer $TOKEN" 'http://127.0.0.1:8000/users/me'
//!     # 307, location: http://127.0.0.1:8000/users/me/
//! ```
//!
//! # Differences from FastAPI
//!
//! * Token form errors are `400` RFC 6749 error objects
//!   (`{"error":"invalid_request",…}`, `{"error":"unsupported_grant_type"}`)
//!   instead of FastAPI's `422` validation lists (POLICY D12, D19); a
//!   repeated field is refused (D12).
//! * A bearer token that is not an RFC 6750 `b64token` is `400` with
//!   `Bearer error="invalid_request"` (D6, D18) before the JWT is looked at,
//!   and `Bearer` alone is `401 Not authenticated` (D7); FastAPI answers
//!   both `401 Could not validate credentials`.
//! * Claims PyJWT would only fail on later are refused at once, with the
//!   same `401`: a `sub` that is not a string, claims that are not an object.
//! * A token without `exp` is refused with the same `401` (PyJWT accepts
//!   it, and it would never expire; POLICY, "Defaults warden adds").
//!   FastAPI's tests never send a valid one: their three tokens without
//!   `exp` have no usable `sub` and are refused either way.
//! * warden writes no OpenAPI document (`/openapi.json` is `404`), so
//!   FastAPI's `test_openapi_schema` has no counterpart.
//!
//! [`verify_password_or_dummy`]: warden::password::verify_password_or_dummy

#![forbid(unsafe_code)]

use std::{process::ExitCode, sync::Arc, time::Duration};

use axum::{
    Json, Router,
    extract::{FromRef, FromRequestParts, State},
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};
use warden::{
    Auth, AuthErrorKind, AuthRejection, Challenge, OAuth2PasswordBearer, OAuth2PasswordRequestForm, TokenResponse,
    jwt::{EncodingKey, JwtVerifier},
};
use warden_tutorials::{
    jwt::{
        ACCESS_TOKEN_EXPIRE_MINUTES, AppError, authenticate_user, create_access_token, credentials_exception,
        encoding_key, pyjwt_verifier,
    },
    oauth2::{self, Call, Login, Step, TOKEN_PATH},
    starlette,
    users::{
        self, INCORRECT, JOHNDOE, JOHNDOE_HASHED_PASSWORD, JOHNDOE_ITEMS, JOHNDOE_JSON, User, UserInDb, Users,
        inactive_user, own_items,
    },
};

/// The binary's name, for messages.
const NAME: &str = "security_tutorial004";

/// The current user's routes.
const USERS_ME: &str = "/users/me/";
const USERS_ME_ITEMS: &str = "/users/me/items/";

/// Every route's path, for the slash redirects.
const ROUTES: &[&str] = &[TOKEN_PATH, USERS_ME, USERS_ME_ITEMS];

/// The tutorial's `fake_users_db`: johndoe only.
fn fake_users_db() -> Users {
    users::users([UserInDb::new("johndoe", "John Doe", "johndoe@example.com", JOHNDOE_HASHED_PASSWORD, false)])
}

/// The claims the routes read (the tutorial's `TokenData`); the others,
/// `exp` included, are checked by the verifier and otherwise ignored.
#[derive(Debug, Deserialize)]
struct TokenData {
    sub: Option<String>,
}

/// The router state.
#[derive(Debug, Clone)]
struct App {
    bearer: OAuth2PasswordBearer,
    /// `Bearer`, sent with the application's own `401`s.
    challenge: Challenge,
    users: Arc<Users>,
    key: EncodingKey,
    jwt: JwtVerifier<TokenData>,
}

impl FromRef<App> for OAuth2PasswordBearer {
    fn from_ref(app: &App) -> Self {
        app.bearer
    }
}

/// The application with the tutorial's users.
///
/// # Errors
///
/// A scheme, key or verifier configuration error (none for the tutorial's).
fn app() -> Result<Router, AppError> {
    app_with(fake_users_db())
}

/// The application with `users`.
fn app_with(users: Users) -> Result<Router, AppError> {
    let state = App {
        bearer: OAuth2PasswordBearer::new("token")?,
        challenge: Challenge::new("Bearer")?,
        users: Arc::new(users),
        key: encoding_key()?,
        jwt: pyjwt_verifier()?,
    };
    let router = Router::new()
        .route(TOKEN_PATH, starlette::post(login_for_access_token))
        .route(USERS_ME, starlette::get(read_users_me))
        .route(USERS_ME_ITEMS, starlette::get(read_own_items))
        .with_state(state);
    Ok(starlette::routing(router, ROUTES))
}

/// The user of a valid token: FastAPI's `get_current_user`.
#[derive(Debug)]
struct CurrentUser(User);

impl FromRequestParts<App> for CurrentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, AuthRejection> {
        let Auth(token) = Auth::<OAuth2PasswordBearer>::from_request_parts(parts, app).await?;
        let invalid = || credentials_exception(app.challenge.clone());
        let token_data = app.jwt.verify(token.as_str()).map_err(|_| invalid())?;
        let username = token_data.sub.as_deref().ok_or_else(invalid)?;
        let user = app.users.get(username).ok_or_else(invalid)?;
        Ok(Self(user.user.clone()))
    }
}

/// The current user unless disabled: FastAPI's `get_current_active_user`.
#[derive(Debug)]
struct ActiveUser(User);

impl FromRequestParts<App> for ActiveUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, AuthRejection> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, app).await?;
        if user.disabled == Some(true) {
            return Err(inactive_user());
        }
        Ok(Self(user))
    }
}

/// `POST /token`: a JWT for `sub` = the user name, for the right password.
async fn login_for_access_token(
    State(app): State<App>,
    form: OAuth2PasswordRequestForm,
) -> Result<Json<TokenResponse>, Response> {
    let Some(user) = authenticate_user(app.users.clone(), form.username, form.password).await? else {
        return Err(AuthRejection::new(AuthErrorKind::InvalidCredentials)
            .with_challenge(app.challenge.clone())
            .with_detail("Incorrect username or password")
            .into_response());
    };
    let expires = Duration::from_secs(ACCESS_TOKEN_EXPIRE_MINUTES * 60);
    let access_token = create_access_token(&app.key, &json!({ "sub": user.username }), Some(expires))
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
    Ok(Json(TokenResponse::bearer(access_token)))
}

/// `GET /users/me/`: the active user, without the hash.
async fn read_users_me(ActiveUser(user): ActiveUser) -> Json<User> {
    Json(user)
}

/// `GET /users/me/items/`: the active user's items.
async fn read_own_items(ActiveUser(user): ActiveUser) -> Json<Value> {
    own_items(&user.username)
}

/// A `200` from `/token`: a JWT with the tutorial's header.
const TOKEN_ANSWER: &str = r#"{"access_token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.…","token_type":"bearer"}"#;

/// The requests of FastAPI's `tests/test_tutorial/test_security/test_tutorial004.py`.
const STEPS: &[Step] = &[
    Step::Call(Call::post(TOKEN_PATH, JOHNDOE, 200, None, TOKEN_ANSWER)),
    Step::Call(Call::post(
        TOKEN_PATH,
        &[("username", "johndoe"), ("password", "incorrect")],
        401,
        Some("Bearer"),
        INCORRECT,
    )),
    Step::Login(Login { var: "TOKEN", form: JOHNDOE }),
    Step::Call(Call::get(USERS_ME, &[("Authorization", "Bearer $TOKEN")], 200, None, JOHNDOE_JSON)),
    Step::Call(Call::get(USERS_ME_ITEMS, &[("Authorization", "Bearer $TOKEN")], 200, None, JOHNDOE_ITEMS)),
    Step::Call(Call::get(
        USERS_ME,
        &[("Authorization", "Bearer nonexistent")],
        401,
        Some("Bearer"),
        r#"{"detail":"Could not validate credentials"}"#,
    )),
    Step::Call(Call { headers: &[("Authorization", "Bearer $TOKEN")], ..Call::redirect("/users/me", USERS_ME) }),
];

#[tokio::main]
async fn main() -> ExitCode {
    oauth2::serve(NAME, app, USERS_ME, STEPS).await
}

/// The cases of FastAPI's `test_tutorial004.py`, with warden's answers.
/// Each login runs argon2 (slow in a debug build), so only the tests about
/// logging in log in; the others sign their tokens with `create_access_token`.
#[cfg(test)]
mod tests {
    use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
    use warden::{
        jwt::{Algorithm, EncodingKey, Header, JwtErrorKind, encode},
        password::{hash_password, verify_password},
    };

    use warden_tutorials::{
        jwt::{ALGORITHM, SECRET_KEY, unix_now},
        testing::{
            self, Answer, Req, assert_detail,
            jwt::{NO_SUB, NO_USERNAME, NONEXISTENT_USER, get_me},
            login,
        },
    };

    use super::*;

    fn key() -> EncodingKey {
        encoding_key().unwrap()
    }

    /// A token as `/token` makes it, for `username`.
    fn token_for(username: &str) -> String {
        create_access_token(&key(), &json!({ "sub": username }), Some(Duration::from_secs(30 * 60))).unwrap()
    }

    /// `401 {"detail": detail}` with `WWW-Authenticate: Bearer`.
    fn assert_unauthorized(answer: &Answer, detail: &str) {
        assert_detail(answer, 401, Some("Bearer"), detail);
    }

    /// `test_login`: a JWT whose claims are `sub` and `exp`, 30 minutes on.
    #[tokio::test]
    async fn login_gives_a_jwt() {
        let answer = Req::post_form(TOKEN_PATH, JOHNDOE).send(&app().unwrap()).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body["token_type"], "bearer");
        assert_eq!(answer.body.as_object().unwrap().len(), 2);
        let token = answer.body["access_token"].as_str().unwrap();
        let [header, claims, _] = token.split('.').collect::<Vec<_>>()[..] else { panic!("{token}") };
        assert_eq!(URL_SAFE_NO_PAD.decode(header).unwrap(), br#"{"alg":"HS256","typ":"JWT"}"#);
        let claims = String::from_utf8(URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();
        // PyJWT's bytes: `sub`, then `exp` as an integer.
        let exp: u64 =
            claims.strip_prefix(r#"{"sub":"johndoe","exp":"#).unwrap().strip_suffix('}').unwrap().parse().unwrap();
        let now = unix_now();
        assert!((now + 30 * 60 - 5..=now + 30 * 60).contains(&exp), "{exp} {now}");
    }

    /// `test_login_incorrect_password`: `401` with the bearer challenge.
    #[tokio::test]
    async fn login_incorrect_password() {
        let answer = Req::post_form(TOKEN_PATH, &[("username", "johndoe"), ("password", "incorrect")])
            .send(&app().unwrap())
            .await;
        assert_unauthorized(&answer, "Incorrect username or password");
    }

    /// `test_login_incorrect_username`: the same answer, after the dummy hash.
    #[tokio::test]
    async fn login_incorrect_username() {
        let answer =
            Req::post_form(TOKEN_PATH, &[("username", "foo"), ("password", "secret")]).send(&app().unwrap()).await;
        assert_unauthorized(&answer, "Incorrect username or password");
    }

    /// `test_no_token`.
    #[tokio::test]
    async fn no_token() {
        assert_unauthorized(&get_me(&app().unwrap(), None).await, "Not authenticated");
    }

    /// `test_token`: the token `/token` gave opens `/users/me`.
    #[tokio::test]
    async fn token() {
        let app = app().unwrap();
        let access_token = login(&app, JOHNDOE).await;
        let answer = get_me(&app, Some(&format!("Bearer {access_token}"))).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert_eq!(
            answer.body,
            json!({"username": "johndoe", "full_name": "John Doe", "email": "johndoe@example.com", "disabled": false})
        );
    }

    /// `test_incorrect_token`.
    #[tokio::test]
    async fn incorrect_token() {
        assert_unauthorized(
            &get_me(&app().unwrap(), Some("Bearer nonexistent")).await,
            "Could not validate credentials",
        );
    }

    /// `test_incorrect_token_type`.
    #[tokio::test]
    async fn incorrect_token_type() {
        assert_unauthorized(&get_me(&app().unwrap(), Some("Notexistent testtoken")).await, "Not authenticated");
    }

    /// `test_verify_password`: the tutorial's hash of `secret` verifies.
    #[test]
    fn verify_password_of_the_tutorial_hash() {
        assert_eq!(verify_password("secret", JOHNDOE_HASHED_PASSWORD), Ok(true));
    }

    /// `test_get_password_hash`.
    #[test]
    fn get_password_hash() {
        assert!(hash_password("johndoe").unwrap().starts_with("$argon2id$v=19$m=65536,t=3,p=4$"));
    }

    /// `test_create_access_token`: any claims, `exp` added.
    #[test]
    fn create_access_token_adds_exp() {
        let token = create_access_token(&key(), &json!({"data": "foo"}), None).unwrap();
        let claims = token.split('.').nth(1).unwrap();
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();
        assert_eq!(claims["data"], "foo");
        assert!(claims["exp"].as_u64().unwrap() > unix_now() + 14 * 60);
    }

    /// `test_token_no_sub`, `test_token_no_username`,
    /// `test_token_nonexistent_user`: valid signatures, no usable `sub`, and
    /// no `exp`, which the verifier requires (PyJWT does not): refused by the
    /// verifier already, with FastAPI's `401`.
    #[tokio::test]
    async fn tokens_without_a_known_sub() {
        let app = app().unwrap();
        let verifier = pyjwt_verifier::<TokenData>().unwrap();
        for token in [NO_SUB, NO_USERNAME, NONEXISTENT_USER] {
            let refused = verifier.verify(token).unwrap_err();
            assert_eq!((refused.kind(), refused.claim()), (JwtErrorKind::MissingClaim, Some("exp")), "{token}");
            let answer = get_me(&app, Some(&format!("Bearer {token}"))).await;
            assert_unauthorized(&answer, "Could not validate credentials");
        }
    }

    /// `test_token_inactive_user`: FastAPI's test adds alice (disabled,
    /// password `secretalice`), logs her in, and is refused.
    #[tokio::test]
    async fn token_inactive_user() {
        let mut users = fake_users_db();
        let hashed_password = hash_password("secretalice").unwrap();
        let alice = UserInDb::new("alice", "Alice Wonderson", "alice@example.com", &hashed_password, true);
        users.insert("alice".to_owned(), alice);
        let app = app_with(users).unwrap();
        let access_token = login(&app, &[("username", "alice"), ("password", "secretalice")]).await;
        let answer = get_me(&app, Some(&format!("Bearer {access_token}"))).await;
        assert_detail(&answer, 400, None, "Inactive user");
    }

    /// `test_read_items`.
    #[tokio::test]
    async fn read_items() {
        let app = app().unwrap();
        let access_token = login(&app, JOHNDOE).await;
        let answer = Req::get(USERS_ME_ITEMS).bearer(&access_token).send(&app).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, json!([{"item_id": "Foo", "owner": "johndoe"}]));
    }

    /// What PyJWT's `jwt.decode` refuses is refused, and so is a token
    /// without `exp`, which PyJWT accepts; each refused token is valid but
    /// for the one thing it is refused for.
    #[tokio::test]
    async fn tokens_are_checked_as_pyjwt_does_but_exp_is_required() {
        let app = app().unwrap();
        let now = unix_now();
        let exp = now + 60;
        let signed = |claims: Value, alg: Algorithm, secret: &str| {
            encode(&Header::new(alg), &claims, &EncodingKey::from_secret(secret.as_bytes()).unwrap()).unwrap()
        };
        let answer = Req::get(USERS_ME)
            .bearer(&signed(json!({"sub": "johndoe", "exp": exp}), ALGORITHM, SECRET_KEY))
            .send(&app)
            .await;
        assert_eq!(answer.status, 200);
        for (why, token) in [
            ("without exp", signed(json!({"sub": "johndoe"}), ALGORITHM, SECRET_KEY)),
            ("with a null exp", signed(json!({"sub": "johndoe", "exp": null}), ALGORITHM, SECRET_KEY)),
            ("expired", signed(json!({"sub": "johndoe", "exp": now - 1}), ALGORITHM, SECRET_KEY)),
            ("not yet valid", signed(json!({"sub": "johndoe", "exp": exp, "nbf": now + 60}), ALGORITHM, SECRET_KEY)),
            (
                "issued in the future",
                signed(json!({"sub": "johndoe", "exp": exp, "iat": now + 60}), ALGORITHM, SECRET_KEY),
            ),
            ("for an audience", signed(json!({"sub": "johndoe", "exp": exp, "aud": "api"}), ALGORITHM, SECRET_KEY)),
            (
                "another secret",
                signed(json!({"sub": "johndoe", "exp": exp}), ALGORITHM, "another secret of at least 32 bytes"),
            ),
            ("another algorithm", signed(json!({"sub": "johndoe", "exp": exp}), Algorithm::Hs512, SECRET_KEY)),
            ("a sub that is no string", signed(json!({"sub": 7, "exp": exp}), ALGORITHM, SECRET_KEY)),
            ("a null sub", signed(json!({"sub": null, "exp": exp}), ALGORITHM, SECRET_KEY)),
            (
                "unsigned",
                format!(
                    "{}.",
                    signed(json!({"sub": "johndoe", "exp": exp}), ALGORITHM, SECRET_KEY).rsplit_once('.').unwrap().0
                ),
            ),
        ] {
            let answer = Req::get(USERS_ME).bearer(&token).send(&app).await;
            assert_eq!(answer.status, 401, "{why}");
            assert_eq!(answer.body, json!({"detail": "Could not validate credentials"}), "{why}");
        }
        // A token made like /token's opens both routes.
        let token = token_for("johndoe");
        assert_eq!(Req::get(USERS_ME_ITEMS).bearer(&token).send(&app).await.status, 200);
    }

    /// The routes' other spellings are redirected; other methods are `405`;
    /// unknown paths `404`.
    #[tokio::test]
    async fn routing_is_starlettes() {
        let app = app().unwrap();
        testing::assert_starlette_routing(&app, &[("POST", TOKEN_PATH), ("GET", USERS_ME), ("GET", USERS_ME_ITEMS)])
            .await;
    }

    /// Every request printed on startup gets the answer printed next to it.
    #[tokio::test]
    async fn printed_requests_get_the_printed_answers() {
        testing::replay(&app().unwrap(), STEPS).await;
    }

    /// The module documentation shows what the binary prints on port 8000.
    #[test]
    fn documentation_shows_the_printed_requests() {
        testing::assert_documented(include_str!("security_tutorial004.rs"), STEPS);
    }
}
