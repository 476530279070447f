//! OAuth2 password flow with argon2 password hashes and JWT access tokens.
//!
//! A port of FastAPI's `docs_src/security/tutorial004_an_py310.py`
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
//!   `jwt.decode(token, SECRET_KEY, algorithms=["HS256"])` does (`exp`,
//!   `nbf` and `iat` checked when present, `exp` not required, a token with
//!   an `aud` refused), then look up `sub`: any failure is
//!   `401 {"detail":"Could not validate credentials"}` with
//!   `WWW-Authenticate: Bearer`; a disabled user is `400 Inactive user`.
//!
//! The one user is the tutorial's `johndoe`, password `secret`, stored as
//! the tutorial's pwdlib hash. Like every FastAPI app, it redirects
//! `/users/me` to `/users/me/` (`307`, `Location: http://{Host}/users/me/`),
//! and answers other methods `405` with `Allow` and unknown paths `404`.
//!
//! Run with `cargo run -p warden --features jwt,password --example security_tutorial004 -- --port 8000`
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
//! * warden writes no OpenAPI document (`/openapi.json` is `404`), so
//!   FastAPI's `test_openapi_schema` has no counterpart.

mod support;

use std::{
    collections::HashMap,
    error::Error,
    process::ExitCode,
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use axum::{
    Json, Router,
    extract::{FromRef, FromRequestParts, State},
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use support::oauth2::{self, Call, Login, Step, TOKEN_PATH};
use warden::{
    Auth, AuthErrorKind, AuthRejection, Challenge, OAuth2PasswordBearer, OAuth2PasswordRequestForm, Secret,
    TokenResponse,
    jwt::{Algorithm, DecodingKey, EncodingKey, Header, JwtError, JwtVerifier, encode},
    password::verify_password_or_dummy,
};

/// The example's name, for messages.
const NAME: &str = "security_tutorial004";

/// The tutorial's `SECRET_KEY` (made with `openssl rand -hex 32`; never use
/// this one): the 64 characters are the HMAC key.
const SECRET_KEY: &str = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7";

/// The tutorial's `ALGORITHM`.
const ALGORITHM: Algorithm = Algorithm::Hs256;

/// The tutorial's `ACCESS_TOKEN_EXPIRE_MINUTES`.
const ACCESS_TOKEN_EXPIRE_MINUTES: u64 = 30;

/// johndoe's password, `secret`, hashed by pwdlib (the tutorial's hash).
const JOHNDOE_HASHED_PASSWORD: &str =
    "$argon2id$v=19$m=65536,t=3,p=4$wagCPXjifgvUFBzq4hqe3w$CYaIb8sB+wtD+Vu/P4uod1+Qof8h+1g7bbDlBID48Rc";

/// The current user's routes.
const USERS_ME: &str = "/users/me/";
const USERS_ME_ITEMS: &str = "/users/me/items/";

/// Every route's path, for the slash redirects.
const ROUTES: &[&str] = &[TOKEN_PATH, USERS_ME, USERS_ME_ITEMS];

/// The tutorial's `User` model, in its field order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct User {
    username: String,
    email: Option<String>,
    full_name: Option<String>,
    disabled: Option<bool>,
}

/// The tutorial's `UserInDB`: the user and the argon2 hash of the password.
#[derive(Debug, Clone)]
struct UserInDb {
    user: User,
    hashed_password: String,
}

/// Users by name.
type Users = HashMap<String, UserInDb>;

/// The tutorial's `fake_users_db`: johndoe only.
fn fake_users_db() -> Users {
    let johndoe = UserInDb {
        user: User {
            username: "johndoe".to_owned(),
            email: Some("johndoe@example.com".to_owned()),
            full_name: Some("John Doe".to_owned()),
            disabled: Some(false),
        },
        hashed_password: JOHNDOE_HASHED_PASSWORD.to_owned(),
    };
    HashMap::from([(johndoe.user.username.clone(), johndoe)])
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

/// Why the app could not be built.
type AppError = Box<dyn Error + Send + Sync>;

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
    // PyJWT's jwt.decode: exp, nbf and iat are checked when present, none
    // is required; a token with an `aud` is refused, as no audience is set.
    let jwt = JwtVerifier::builder(DecodingKey::from_secret(SECRET_KEY.as_bytes())?, [ALGORITHM])
        .exp_optional()
        .reject_future_iat()
        .build()?;
    let state = App {
        bearer: OAuth2PasswordBearer::new("token")?,
        challenge: Challenge::new("Bearer")?,
        users: Arc::new(users),
        key: EncodingKey::from_secret(SECRET_KEY.as_bytes())?,
        jwt,
    };
    let router = Router::new()
        .route(TOKEN_PATH, oauth2::post(login_for_access_token))
        .route(USERS_ME, oauth2::get(read_users_me))
        .route(USERS_ME_ITEMS, oauth2::get(read_own_items))
        .with_state(state);
    Ok(oauth2::starlette(router, ROUTES))
}

/// The tutorial's `create_access_token`: `data` with `exp` added, `expires_delta`
/// (15 minutes if `None`) from now, signed with the secret.
fn create_access_token<T: Serialize>(
    key: &EncodingKey,
    data: &T,
    expires_delta: Option<Duration>,
) -> Result<String, JwtError> {
    /// `data`'s claims, then `exp`, the order PyJWT writes them in.
    #[derive(Serialize)]
    struct WithExpiry<'a, T> {
        #[serde(flatten)]
        data: &'a T,
        exp: u64,
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs());
    let exp = now + expires_delta.unwrap_or(Duration::from_secs(15 * 60)).as_secs();
    encode(&Header::new(ALGORITHM), &WithExpiry { data, exp }, key)
}

/// The user of a valid token: FastAPI's `get_current_user`.
#[derive(Debug)]
struct CurrentUser(User);

impl FromRequestParts<App> for CurrentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, AuthRejection> {
        let Auth(token) = Auth::<OAuth2PasswordBearer>::from_request_parts(parts, app).await?;
        let credentials_exception = || {
            AuthRejection::new(AuthErrorKind::InvalidToken)
                .with_challenge(app.challenge.clone())
                .with_detail("Could not validate credentials")
        };
        let token_data = app.jwt.verify(token.as_str()).map_err(|_| credentials_exception())?;
        let username = token_data.sub.as_deref().ok_or_else(credentials_exception)?;
        let user = app.users.get(username).ok_or_else(credentials_exception)?;
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
            return Err(AuthRejection::new(AuthErrorKind::Forbidden)
                .with_status(StatusCode::BAD_REQUEST)
                .with_detail("Inactive user"));
        }
        Ok(Self(user))
    }
}

/// The tutorial's `authenticate_user`, on a blocking thread: the user when
/// `password` matches, and the dummy-hash work when there is no such user.
async fn authenticate_user(users: Arc<Users>, username: String, password: Secret) -> Result<Option<User>, Response> {
    tokio::task::spawn_blocking(move || {
        let user = users.get(&username);
        let valid = verify_password_or_dummy(password.expose(), user.map(|user| user.hashed_password.as_str()));
        user.filter(|_| valid).map(|user| user.user.clone())
    })
    .await
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
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
    Json(json!([{ "item_id": "Foo", "owner": user.username }]))
}

/// johndoe's login form.
const JOHNDOE: &[(&str, &str)] = &[("username", "johndoe"), ("password", "secret")];

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
        r#"{"detail":"Incorrect username or password"}"#,
    )),
    Step::Login(Login { var: "TOKEN", form: JOHNDOE }),
    Step::Call(Call::get(
        USERS_ME,
        &[("Authorization", "Bearer $TOKEN")],
        200,
        None,
        r#"{"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false}"#,
    )),
    Step::Call(Call::get(
        USERS_ME_ITEMS,
        &[("Authorization", "Bearer $TOKEN")],
        200,
        None,
        r#"[{"item_id":"Foo","owner":"johndoe"}]"#,
    )),
    Step::Call(Call::get(
        USERS_ME,
        &[("Authorization", "Bearer nonexistent")],
        401,
        Some("Bearer"),
        r#"{"detail":"Could not validate credentials"}"#,
    )),
    Step::Call(Call { headers: &[("Authorization", "Bearer $TOKEN")], ..Call::redirect("/users/me", USERS_ME) }),
];

/// The requests printed on startup, each followed by its answer in a comment.
fn listing(base: &str) -> String {
    oauth2::listing(STEPS, base)
}

#[tokio::main]
async fn main() -> ExitCode {
    support::serve(NAME, app, USERS_ME, listing).await
}

/// The cases of FastAPI's `test_tutorial004.py`, with warden's answers.
/// Each login runs argon2 (slow in a debug build), so only the tests about
/// logging in log in; the others sign their tokens with `create_access_token`.
#[cfg(test)]
mod tests {
    use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
    use warden::password::{hash_password, verify_password};

    use super::{
        support::{
            oauth2::testing::{self, Answer, Req, TEST_HOST, login},
            testing::documented,
        },
        *,
    };

    /// FastAPI's `test_token_no_sub`: `{"data":"foo"}`, signed with the secret, no `exp`.
    const NO_SUB: &str =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJkYXRhIjoiZm9vIn0.9ynBhuYb4e6aW3oJr_K_TBgwcMTDpRToQIE25L57rOE";
    /// `test_token_no_username`: `{"sub":"foo"}`, no such user.
    const NO_USERNAME: &str =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmb28ifQ.NnExK_dlNAYyzACrXtXDrcWOgGY2JuPbI4eDaHdfK5Y";
    /// `test_token_nonexistent_user`: `{"sub":"username:bob"}`.
    const NONEXISTENT_USER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VybmFtZTpib2IifQ.HcfCW67Uda-0gz54ZWTqmtgJnZeNem0Q757eTa9EZuw";

    fn key() -> EncodingKey {
        EncodingKey::from_secret(SECRET_KEY.as_bytes()).unwrap()
    }

    /// A token as `/token` makes it, for `username`.
    fn token_for(username: &str) -> String {
        create_access_token(&key(), &json!({ "sub": username }), Some(Duration::from_secs(30 * 60))).unwrap()
    }

    /// `GET /users/me` (as FastAPI's tests send it, redirected to `/users/me/`).
    async fn get_me(app: &Router, authorization: Option<&str>) -> Answer {
        let request = Req::get("/users/me");
        let request = match authorization {
            Some(value) => request.header("authorization", value),
            None => request,
        };
        request.redirected(app, &format!("http://{TEST_HOST}/users/me/")).await
    }

    /// `401 {"detail": detail}` with `WWW-Authenticate: Bearer`.
    fn assert_unauthorized(answer: &Answer, detail: &str) {
        assert_eq!(answer.status, 401, "{}", answer.raw);
        assert_eq!(answer.challenges(), ["Bearer"]);
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert_eq!(answer.body, json!({ "detail": detail }));
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
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
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
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        assert!(claims["exp"].as_u64().unwrap() > now + 14 * 60);
    }

    /// `test_token_no_sub`, `test_token_no_username`,
    /// `test_token_nonexistent_user`: valid signatures, no `exp` (which
    /// PyJWT does not require), and no usable `sub`.
    #[tokio::test]
    async fn tokens_without_a_known_sub() {
        let app = app().unwrap();
        for token in [NO_SUB, NO_USERNAME, NONEXISTENT_USER] {
            let answer = get_me(&app, Some(&format!("Bearer {token}"))).await;
            assert_unauthorized(&answer, "Could not validate credentials");
        }
    }

    /// `test_token_inactive_user`: FastAPI's test adds alice (disabled,
    /// password `secretalice`), logs her in, and is refused.
    #[tokio::test]
    async fn token_inactive_user() {
        let mut users = fake_users_db();
        let alice = UserInDb {
            user: User {
                username: "alice".to_owned(),
                email: Some("alice@example.com".to_owned()),
                full_name: Some("Alice Wonderson".to_owned()),
                disabled: Some(true),
            },
            hashed_password: hash_password("secretalice").unwrap(),
        };
        users.insert("alice".to_owned(), alice);
        let app = app_with(users).unwrap();
        let access_token = login(&app, &[("username", "alice"), ("password", "secretalice")]).await;
        let answer = get_me(&app, Some(&format!("Bearer {access_token}"))).await;
        assert_eq!(answer.status, 400);
        assert!(answer.challenges().is_empty());
        assert_eq!(answer.body, json!({"detail": "Inactive user"}));
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

    /// What PyJWT's `jwt.decode` refuses is refused; what it accepts (no
    /// `exp`) is accepted.
    #[tokio::test]
    async fn tokens_are_checked_as_pyjwt_does() {
        let app = app().unwrap();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        let signed = |claims: Value, alg: Algorithm, secret: &str| {
            encode(&Header::new(alg), &claims, &EncodingKey::from_secret(secret.as_bytes()).unwrap()).unwrap()
        };
        // PyJWT does not require exp.
        let answer =
            Req::get(USERS_ME).bearer(&signed(json!({"sub": "johndoe"}), ALGORITHM, SECRET_KEY)).send(&app).await;
        assert_eq!(answer.status, 200);
        for (why, token) in [
            ("expired", signed(json!({"sub": "johndoe", "exp": now - 1}), ALGORITHM, SECRET_KEY)),
            ("not yet valid", signed(json!({"sub": "johndoe", "nbf": now + 60}), ALGORITHM, SECRET_KEY)),
            ("issued in the future", signed(json!({"sub": "johndoe", "iat": now + 60}), ALGORITHM, SECRET_KEY)),
            ("for an audience", signed(json!({"sub": "johndoe", "aud": "api"}), ALGORITHM, SECRET_KEY)),
            ("another secret", signed(json!({"sub": "johndoe"}), ALGORITHM, "another secret of at least 32 bytes")),
            ("another algorithm", signed(json!({"sub": "johndoe"}), Algorithm::Hs512, SECRET_KEY)),
            ("a sub that is no string", signed(json!({"sub": 7}), ALGORITHM, SECRET_KEY)),
            ("a null sub", signed(json!({"sub": null}), ALGORITHM, SECRET_KEY)),
            (
                "unsigned",
                format!("{}.", signed(json!({"sub": "johndoe"}), ALGORITHM, SECRET_KEY).rsplit_once('.').unwrap().0),
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

    /// The module documentation shows what the example prints on port 8000.
    #[test]
    fn documentation_shows_the_printed_requests() {
        assert_eq!(documented(include_str!("security_tutorial004.rs")), listing("http://127.0.0.1:8000"));
    }
}
