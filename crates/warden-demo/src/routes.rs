//! The routes and their handlers: the routes of FastAPI's scopes tutorial
//! (`POST /token`, `/users/me/`, `/users/me/items/`, `/status/`), `/whoami/`
//! over HTTP Basic, `/metrics/` for the operator's API key and the published
//! JWK set. The router that serves them is [`open`](crate::app::open)'s.

use std::time::Duration;

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};
use warden::{
    ApiKey, Auth, AuthRejection, HttpBasic, OAuth2PasswordRequestForm, Secret, Security, TokenResponse, jwt::encode,
    scopes::GrantedScopes, token_endpoint::TokenFormRejection,
};
use warden_tutorials::{jwt::unix_now, starlette, users::own_items};

use crate::{
    NAME,
    app::Service,
    auth::{ActiveUser, BUSY_TEXT, CurrentUser, INCORRECT_TEXT, Unjudged, authenticate, internal_error},
    database::{Db, User},
    signing::Claims,
};

pub(crate) use warden_tutorials::oauth2::TOKEN_PATH;

/// What a login asking for a scope the user does not hold gets.
const NOT_GRANTED: &str = "A requested scope is not granted to this user";

/// How long an access token is valid.
const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// The routes.
pub(crate) const USERS_ME: &str = "/users/me/";
pub(crate) const USERS_ME_ITEMS: &str = "/users/me/items/";
pub(crate) const STATUS: &str = "/status/";
pub(crate) const WHOAMI: &str = "/whoami/";
pub(crate) const METRICS: &str = "/metrics/";
/// The OpenAPI document and Swagger UI, as FastAPI serves them.
pub(crate) const OPENAPI_PATH: &str = "/openapi.json";
pub(crate) const DOCS_PATH: &str = "/docs";
/// The public key of `--signing-key`, as a JWK set (RFC 8615, RFC 8414's
/// `jwks_uri` convention).
pub(crate) const JWKS_PATH: &str = "/.well-known/jwks.json";

/// How long a client may keep the JWK set: five minutes.
const JWKS_CACHE_CONTROL: &str = "public, max-age=300";

/// Every route's path, for the slash redirects.
pub(crate) const ROUTES: &[&str] =
    &[TOKEN_PATH, USERS_ME, USERS_ME_ITEMS, STATUS, WHOAMI, METRICS, OPENAPI_PATH, DOCS_PATH, JWKS_PATH];

/// `GET /.well-known/jwks.json`: the `--signing-key`'s public key, to be
/// cached five minutes; `404` without a signing key (an HMAC secret is
/// never published).
pub(crate) fn published_keys(jwks: Option<&Value>) -> Response {
    match jwks {
        Some(jwks) => ([(header::CACHE_CONTROL, HeaderValue::from_static(JWKS_CACHE_CONTROL))], Json(jwks.clone()))
            .into_response(),
        None => starlette::not_found(),
    }
}

/// `POST /token`: an access token for the user and the scopes asked for,
/// which must be among the user's (none asked for, none granted). A
/// disabled user gets the answer of a wrong password.
pub(crate) async fn login(State(service): State<Service>, form: OAuth2PasswordRequestForm) -> Response {
    let row = match authenticate(&service, form.username, form.password).await {
        Ok(Some(row)) => row,
        Ok(None) => return TokenFormRejection::invalid_grant(INCORRECT_TEXT).into_response(),
        Err(Unjudged::Busy(busy)) => {
            return TokenFormRejection::temporarily_unavailable(BUSY_TEXT, busy.retry_after()).into_response();
        }
        Err(Unjudged::Failed) => return internal_error().into_response(),
    };
    // RFC 6749 §5.2: a scope beyond those the user holds is `invalid_scope`.
    if form.scopes.iter().any(|scope| !row.scopes.has_scope(scope)) {
        return TokenFormRejection::invalid_scope(NOT_GRANTED).into_response();
    }
    let exp = unix_now() + ACCESS_TOKEN_LIFETIME.as_secs();
    let claims = Claims { sub: row.user.username, scope: form.scopes.join(" "), exp };
    match encode(&service.signer.header, &claims, &service.signer.key) {
        // RFC 6749 §5.1: `expires_in`, `Cache-Control: no-store`, `Pragma: no-cache`.
        Ok(token) => TokenResponse::bearer(token).expires_in(ACCESS_TOKEN_LIFETIME).into_response(),
        Err(_) => internal_error().into_response(),
    }
}

/// `GET /users/me/`: the active user (scope `me`).
pub(crate) async fn read_users_me(ActiveUser(user): ActiveUser) -> Json<User> {
    Json(user)
}

/// `GET /users/me/items/`: the active user's items (scopes `items me`).
pub(crate) async fn read_own_items(ActiveUser(user): ActiveUser) -> Json<Value> {
    own_items(&user.username)
}

/// `GET /status/`: any valid token of a known user, disabled or not.
pub(crate) async fn read_system_status(_user: Security<CurrentUser>) -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /whoami/`: the user of HTTP Basic credentials, the same name and
/// password as a login, checked the same way (argon2, a dummy hash for an
/// unknown user, a disabled user refused like a wrong password).
pub(crate) async fn whoami(
    State(service): State<Service>,
    Auth(credentials): Auth<HttpBasic>,
) -> Result<Json<User>, AuthRejection> {
    let (username, password) = (credentials.username().to_owned(), Secret::from(credentials.password()));
    match authenticate(&service, username, password).await {
        Ok(Some(row)) => Ok(Json(row.user)),
        Ok(None) => Err(service.basic.invalid_credentials(INCORRECT_TEXT)),
        Err(Unjudged::Busy(busy)) => Err(AuthRejection::from(busy).with_detail(BUSY_TEXT)),
        Err(Unjudged::Failed) => Err(internal_error()),
    }
}

/// `GET /metrics/`: how many users there are, for the operator's API key.
pub(crate) async fn metrics(
    State(service): State<Service>,
    Auth(key): Auth<ApiKey>,
) -> Result<Json<Value>, AuthRejection> {
    if !key.ct_eq(service.operator_key.expose()) {
        return Err(service.api_key.invalid_credentials("Invalid API key"));
    }
    let (users, active) = service.db.run(Db::user_counts).await.map_err(|error| {
        eprintln!("{NAME}: counting users: {error}");
        internal_error()
    })?;
    Ok(Json(json!({ "users": users, "active_users": active })))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use rusqlite::Connection;
    use serde_json::json;
    use warden::jwt::{Algorithm, EncodingKey, Header, encode};
    use warden_tutorials::{
        jwt::unix_now,
        testing::{Req, assert_detail, login},
        users::{ALICE_ME, INCORRECT, JOHNDOE_ME, JOHNDOE_ME_ITEMS},
    };

    use super::*;
    use crate::{
        app::{Given, open},
        auth::PasswordLimits,
        listing::INVALID_GRANT,
        secrets::SecretSource,
        test_support::{TempDir, basic, open_blocking, signed},
    };

    /// johndoe logs in with scopes and reaches what they open; a missing
    /// scope is `403 insufficient_scope`; alice is disabled; a wrong
    /// password, an unknown user, a bad or expired token are refused.
    #[tokio::test]
    async fn login_scopes_disabled_alice_and_refusals() {
        let dir = TempDir::new();
        let opened = open_blocking(dir.db(), Some("a given secret of at least 32 bytes!".to_owned())).await;
        assert_eq!(opened.secret, SecretSource::File);
        let app = opened.app;

        let answer = Req::post_form(TOKEN_PATH, JOHNDOE_ME_ITEMS).send(&app).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("cache-control"), Some("no-store"));
        assert_eq!(answer.header("pragma"), Some("no-cache"));
        assert_eq!(answer.body["token_type"], "bearer");
        assert_eq!(answer.body["expires_in"], 1800);
        let me_items = answer.body["access_token"].as_str().unwrap().to_owned();
        let answer = Req::get(USERS_ME_ITEMS).bearer(&me_items).send(&app).await;
        assert_eq!((answer.status, answer.body), (200, json!([{"item_id": "Foo", "owner": "johndoe"}])));
        let answer = Req::get(USERS_ME).bearer(&me_items).send(&app).await;
        assert_eq!(answer.body["full_name"], "John Doe");

        // A NumericDate with a fraction is a NumericDate (RFC 7519 §2).
        let key = EncodingKey::from_secret(b"a given secret of at least 32 bytes!").unwrap();
        let exp = unix_now() as f64 + 60.5;
        let fractional =
            encode(&Header::new(Algorithm::Hs256), &json!({"sub": "johndoe", "scope": "me", "exp": exp}), &key)
                .unwrap();
        assert_eq!(Req::get(USERS_ME).bearer(&fractional).send(&app).await.status, 200);

        // The secret given is the one used.
        let me = signed("a given secret of at least 32 bytes!", "johndoe", "me", unix_now() + 60);
        let answer = Req::get(USERS_ME_ITEMS).bearer(&me).send(&app).await;
        let insufficient = r#"Bearer error="insufficient_scope", scope="items me""#;
        assert_detail(&answer, 403, Some(insufficient), "Not enough permissions");
        let answer = Req::get(USERS_ME)
            .bearer(&signed("a given secret of at least 32 bytes!", "johndoe", "", unix_now() + 60))
            .send(&app)
            .await;
        assert_eq!(answer.challenges(), [r#"Bearer error="insufficient_scope", scope="me""#]);

        // Wrong password, unknown user (the dummy hash): the same RFC 6749 400.
        for (username, password) in [("johndoe", "wrong"), ("nobody", "secret")] {
            let answer = Req::post_form(TOKEN_PATH, &[("username", username), ("password", password)]).send(&app).await;
            assert_eq!(answer.status, 400, "{}", answer.raw);
            assert_eq!(
                answer.body,
                json!({"error": "invalid_grant", "error_description": "Incorrect username or password"})
            );
            assert!(answer.challenges().is_empty());
        }

        // A token alice got before she was disabled: refused where an
        // active user is needed.
        let alice = signed("a given secret of at least 32 bytes!", "alice", "me", unix_now() + 60);
        assert_detail(&Req::get(USERS_ME).bearer(&alice).send(&app).await, 400, None, "Inactive user");
        assert_eq!(Req::get(STATUS).bearer(&alice).send(&app).await.body, json!({"status": "ok"}));

        // Tokens that do not verify, or whose user does not exist.
        let given = "a given secret of at least 32 bytes!";
        for (token, description) in [
            (signed(given, "johndoe", "me", unix_now() - 1), "the token has expired"),
            (
                signed("another secret of at least 32 bytes", "johndoe", "me", unix_now() + 60),
                "the token signature is invalid",
            ),
            ("nonexistent".to_owned(), "the token is malformed"),
            (signed(given, "nobody", "me", unix_now() + 60), "the token's user does not exist"),
        ] {
            let answer = Req::get(USERS_ME).bearer(&token).send(&app).await;
            let challenge = format!(r#"Bearer error="invalid_token", error_description="{description}""#);
            assert_detail(&answer, 401, Some(&challenge), "Invalid token");
        }
        // exp is required.
        let key = EncodingKey::from_secret(given.as_bytes()).unwrap();
        let no_exp = encode(&Header::new(Algorithm::Hs256), &json!({"sub": "johndoe", "scope": "me"}), &key).unwrap();
        assert_eq!(Req::get(USERS_ME).bearer(&no_exp).send(&app).await.status, 401);
        // No token: the scheme's challenge.
        let answer = Req::get(USERS_ME).send(&app).await;
        assert_eq!((answer.status, answer.challenges()), (401, vec!["Bearer"]));
    }

    /// `/whoami/` takes a login's name and password over Basic; `/metrics/`
    /// the operator's key, given or stored on the first run.
    #[tokio::test]
    async fn basic_credentials_and_the_api_key() {
        let dir = TempDir::new();
        let given = Given { api_key_file: Some("operator-key-0123456789".to_owned()), ..Given::default() };
        let path = dir.db();
        let app = tokio::task::spawn_blocking(move || open(&path, given)).await.unwrap().unwrap().app;
        let answer = Req::get(WHOAMI).header("authorization", &basic("johndoe", "secret")).send(&app).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body["username"], "johndoe");
        let answer = Req::get(WHOAMI).header("authorization", &basic("nobody", "secret")).send(&app).await;
        let realm = r#"Basic realm="warden demo", charset="UTF-8""#;
        assert_detail(&answer, 401, Some(realm), "Incorrect username or password");

        let answer = Req::get(METRICS).header("x-api-key", "operator-key-0123456789").send(&app).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, json!({ "users": 2, "active_users": 1 }));
        let answer = Req::get(METRICS).header("x-api-key", "operator-key-012345678").send(&app).await;
        assert_detail(&answer, 401, Some("APIKey"), "Invalid API key");

        // Without a given key, the one stored on the first run.
        let stored = {
            let connection = Connection::open(dir.db()).unwrap();
            Db::stored_api_key(&connection).unwrap()
        };
        assert_eq!(stored.len(), 64);
        let app = open_blocking(dir.db(), None).await.app;
        let answer = Req::get(METRICS).header("x-api-key", &stored).send(&app).await;
        assert_eq!(answer.status, 200);
    }

    /// Each user has scopes: a login asking for one the user does not hold
    /// is `400 invalid_scope`; asking for none grants none; a scope taken
    /// away no longer opens its routes, even with a token that has it.
    #[tokio::test]
    async fn a_token_grants_only_scopes_the_user_holds() {
        let dir = TempDir::new();
        let opened = open_blocking(dir.db(), None).await;
        let app = opened.app;
        let invalid_scope = json!({"error": "invalid_scope", "error_description": NOT_GRANTED});
        for scope in ["me admin", "admin", "items me Items"] {
            let form = [("username", "johndoe"), ("password", "secret"), ("scope", scope)];
            let answer = Req::post_form(TOKEN_PATH, &form).send(&app).await;
            assert_eq!((answer.status, &answer.body), (400, &invalid_scope), "{scope}");
            assert_eq!(answer.header("cache-control"), Some("no-store"));
        }
        // None asked for, none granted: the token opens /status/ only.
        let none = login(&app, &[("username", "johndoe"), ("password", "secret")]).await;
        assert_eq!(Req::get(STATUS).bearer(&none).send(&app).await.status, 200);
        let answer = Req::get(USERS_ME).bearer(&none).send(&app).await;
        assert_detail(&answer, 403, Some(r#"Bearer error="insufficient_scope", scope="me""#), "Not enough permissions");

        // alice, enabled, holds `me` but not `items`.
        let connection = Connection::open(dir.db()).unwrap();
        connection.execute("UPDATE users SET disabled = 0 WHERE username = 'alice'", []).unwrap();
        let answer =
            Req::post_form(TOKEN_PATH, &[("username", "alice"), ("password", "secretalice"), ("scope", "me items")])
                .send(&app)
                .await;
        assert_eq!((answer.status, &answer.body), (400, &invalid_scope));
        let alice = login(&app, ALICE_ME).await;
        assert_eq!(Req::get(USERS_ME).bearer(&alice).send(&app).await.body["username"], "alice");

        // johndoe loses `items`: his token that has it no longer opens items.
        let me_items = login(&app, JOHNDOE_ME_ITEMS).await;
        assert_eq!(Req::get(USERS_ME_ITEMS).bearer(&me_items).send(&app).await.status, 200);
        connection.execute("UPDATE users SET scopes = 'me' WHERE username = 'johndoe'", []).unwrap();
        let answer = Req::get(USERS_ME_ITEMS).bearer(&me_items).send(&app).await;
        let challenge = r#"Bearer error="insufficient_scope", scope="items me""#;
        assert_detail(&answer, 403, Some(challenge), "Not enough permissions");
        assert_eq!(Req::get(USERS_ME).bearer(&me_items).send(&app).await.status, 200);
        let answer = Req::post_form(TOKEN_PATH, JOHNDOE_ME_ITEMS).send(&app).await;
        assert_eq!((answer.status, &answer.body), (400, &invalid_scope));
    }

    /// A disabled user's right password gets exactly what a wrong password
    /// gets, at `/token` and at `/whoami/`: status, headers and body.
    #[tokio::test]
    async fn a_disabled_user_is_answered_like_a_wrong_password() {
        let dir = TempDir::new();
        let app = open_blocking(dir.db(), None).await.app;
        let token = |user: &'static str, password: &'static str| {
            Req::post_form(TOKEN_PATH, &[("username", user), ("password", password), ("scope", "me")])
        };
        let whoami = |user: &str, password: &str| Req::get(WHOAMI).header("authorization", &basic(user, password));
        let mut answers = Vec::new();
        for (user, password) in [("alice", "secretalice"), ("alice", "wrong"), ("johndoe", "wrong"), ("nobody", "x")] {
            let login = token(user, password).send_raw(&app).await;
            let basic = whoami(user, password).send_raw(&app).await;
            answers.push((
                user,
                password,
                (login.status, login.headers, login.raw),
                (basic.status, basic.headers, basic.raw),
            ));
        }
        let (_, _, login, basic) = &answers[0];
        assert_eq!((login.0, login.2.as_str()), (400, INVALID_GRANT));
        assert_eq!(basic.0, 401);
        assert_eq!(basic.1[axum::http::header::WWW_AUTHENTICATE], r#"Basic realm="warden demo", charset="UTF-8""#);
        assert_eq!(basic.2, INCORRECT);
        for (user, password, other_login, other_basic) in &answers[1..] {
            assert_eq!(other_login, login, "{user}:{password} at /token");
            assert_eq!(other_basic, basic, "{user}:{password} at /whoami/");
        }
        // The right password of an active user still works.
        assert_eq!(whoami("johndoe", "secret").send(&app).await.status, 200);
    }

    /// When the password checks are saturated, `/token` answers RFC 6749's
    /// `503 temporarily_unavailable` and `/whoami/` `503 {"detail": …}`,
    /// both with `Retry-After`; the other logins get their usual answers.
    #[tokio::test]
    async fn saturated_password_checks_answer_503_with_retry_after() {
        let dir = TempDir::new();
        let path = dir.db();
        let passwords =
            PasswordLimits { concurrency: Some(1), queue_timeout: Some(Duration::ZERO), ..Default::default() };
        let given = Given { passwords, ..Given::default() };
        let app = tokio::task::spawn_blocking(move || open(&path, given)).await.unwrap().unwrap().app;
        let wrong_login = Req::post_form(TOKEN_PATH, &[("username", "johndoe"), ("password", "wrong")]);
        let wrong_basic = Req::get(WHOAMI).header("authorization", &basic("johndoe", "wrong"));
        let (a, b, c, d, e, f) = tokio::join!(
            wrong_login.send(&app),
            wrong_basic.send(&app),
            wrong_login.send(&app),
            wrong_basic.send(&app),
            wrong_login.send(&app),
            wrong_basic.send(&app),
        );
        let answers = [a, b, c, d, e, f];
        let (mut busy_login, mut busy_basic, mut judged) = (0, 0, 0);
        for answer in &answers {
            match (answer.status, answer.body.get("error").is_some()) {
                (503, true) => {
                    busy_login += 1;
                    assert_eq!(
                        answer.body,
                        json!({"error": "temporarily_unavailable", "error_description": BUSY_TEXT})
                    );
                    assert_eq!(answer.header("cache-control"), Some("no-store"));
                    assert_eq!(answer.header("retry-after"), Some("1"));
                }
                (503, false) => {
                    busy_basic += 1;
                    assert_eq!(answer.body, json!({"detail": BUSY_TEXT}));
                    assert_eq!(answer.header("retry-after"), Some("1"));
                    assert!(answer.challenges().is_empty());
                }
                (400, _) => {
                    judged += 1;
                    assert_eq!(answer.raw, INVALID_GRANT);
                }
                (401, _) => {
                    judged += 1;
                    assert_detail(answer, 401, Some(r#"Basic realm="warden demo", charset="UTF-8""#), INCORRECT_TEXT);
                }
                (status, _) => panic!("{status}: {}", answer.raw),
            }
        }
        assert!(busy_login > 0 && busy_basic > 0, "{busy_login} {busy_basic}");
        assert!(judged >= 1, "one check at a time still runs");
        // Once the checks are done, logins are judged again.
        assert_eq!(Req::post_form(TOKEN_PATH, JOHNDOE_ME).send(&app).await.status, 200);
    }
}
