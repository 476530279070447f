//! Specifications of `Security<V, L>`, scopes and `JwtBearer`: what a client
//! gets, end to end through an axum router.
//!
//! * The scheme answers first: no token is its `401 Bearer`, a token that is
//!   not a b64token its `400` (POLICY D6, D7).
//! * A token the verifier refuses (tampered, expired, `alg: none`, HS/RS
//!   confused, unknown `kid`, not a JWT) is `401` with
//!   `Bearer error="invalid_token"` (RFC 6750 §3.1).
//! * A valid token without a required scope is `403` with
//!   `Bearer error="insufficient_scope", scope="<every required scope>"`.
//! * The required scopes are the outer layers' first, then the extractor's,
//!   without duplicates (FastAPI >= 0.122).

#![cfg(feature = "jwt")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::{
    sync::{Arc, LazyLock, Mutex},
    time::Duration,
};

use axum::{Router, middleware::from_extractor_with_state, routing::get};
use serde_json::{Value, json};
use support::{authorization, get as send};
use warden::{
    AuthErrorKind, AuthRejection, BearerToken, OAuth2PasswordBearer, Security,
    jwt::JwtBearer,
    jwt::{Algorithm, DecodingKey, FixedClock, JwkSet, JwtVerifier, KeySet, ScopedClaims, Verified},
    scopes::{DeclareScopes, SecurityScopes},
    security::Verifier,
};

static FIXTURE: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(include_str!("fixtures/jwt/pyjwt.json")).expect("pyjwt.json is JSON"));

warden::scopes! {
    Me = ["me"];
    ItemsMe = ["items", "me"];
    Admin = ["admin"];
}

type CurrentUser = JwtBearer<ScopedClaims, OAuth2PasswordBearer, KeySet>;

fn now() -> i64 {
    FIXTURE["now"].as_i64().unwrap()
}

fn pyjwt(alg: &str) -> String {
    FIXTURE["tokens"][alg]["token"].as_str().unwrap().to_owned()
}

/// Every fixture key by `kid`, HMAC included, as a resource server would
/// hold them.
fn keys() -> KeySet {
    let jwks: JwkSet = serde_json::from_value(FIXTURE["jwks"].clone()).unwrap();
    let secret = FIXTURE["keys"]["hmac"]["secret"].as_str().unwrap();
    KeySet::from_jwks(&jwks).with_key("hmac-1", DecodingKey::from_secret(secret.as_bytes()).unwrap())
}

fn current_user(clock: &Arc<FixedClock>) -> CurrentUser {
    let scheme = OAuth2PasswordBearer::builder("token")
        .scope("me", "Read the current user")
        .scope("items", "Read items")
        .scope("admin", "Administer")
        .build()
        .unwrap();
    let jwt = JwtVerifier::builder(keys(), Algorithm::ALL)
        .audience("warden-tests")
        .issuer("https://pyjwt.example")
        .clock(clock.clone())
        .build()
        .unwrap();
    JwtBearer::new(scheme, jwt)
}

async fn user_items(user: Security<CurrentUser, ItemsMe>) -> String {
    format!("{} {}", user.sub, user.scopes().scope_str())
}

async fn maybe_user(user: Option<Security<CurrentUser>>) -> String {
    user.map_or_else(|| "anonymous".to_owned(), |user| user.sub.clone())
}

async fn declared(scopes: SecurityScopes) -> String {
    scopes.scope_str()
}

fn app(clock: &Arc<FixedClock>) -> Router {
    Router::new()
        .route("/items", get(user_items))
        .route("/maybe", get(maybe_user))
        .route("/nested", get(user_items).route_layer(DeclareScopes::new(["admin", "items"]).unwrap()))
        .route("/declared", get(declared).route_layer(DeclareScopes::new(["items", "me"]).unwrap()))
        .layer(DeclareScopes::new(["me"]).unwrap())
        .with_state(current_user(clock))
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at(now()))
}

fn bearer(token: &str) -> Vec<u8> {
    format!("Bearer {token}").into_bytes()
}

fn assert_invalid_token(answer: &support::Answer) {
    assert_eq!(answer.status, 401, "{answer:?}");
    assert_eq!(answer.challenges.len(), 1);
    assert!(answer.challenges[0].starts_with(r#"Bearer error="invalid_token", error_description=""#), "{answer:?}");
}

#[tokio::test]
async fn pyjwt_tokens_of_every_algorithm_pass() {
    let app = app(&clock());
    for alg in
        ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]
    {
        let answer = authorization(&app, "/items", &bearer(&pyjwt(alg))).await;
        assert_eq!(answer.status, 200, "{alg}: {answer:?}");
    }
}

#[tokio::test]
async fn the_handler_sees_the_effective_scopes_outer_first() {
    let app = app(&clock());
    // `me` from the router layer, then the extractor's `items` (its `me` is a duplicate).
    let answer = support::get_text(&app, "/items", &bearer(&pyjwt("HS256"))).await;
    assert_eq!(answer, "johndoe me items");
    assert_eq!(support::get_text(&app, "/declared", b"").await, "me items");
}

#[tokio::test]
async fn a_missing_scope_is_403_insufficient_scope_naming_every_required_scope() {
    let app = app(&clock());
    let answer = authorization(&app, "/nested", &bearer(&pyjwt("RS256"))).await;
    assert_eq!(answer.status, 403);
    assert_eq!(answer.challenges, [r#"Bearer error="insufficient_scope", scope="me admin items""#]);
    assert_eq!(answer.body, json!({"detail": "Not enough permissions"}));
}

#[tokio::test]
async fn without_a_token_the_scheme_answers() {
    let app = app(&clock());
    let answer = send(&app, "/items", &[]).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.challenges, ["Bearer"]);
    assert_eq!(answer.body, json!({"detail": "Not authenticated"}));
    // D7: `Bearer` alone is missing too.
    assert_eq!(authorization(&app, "/items", b"Bearer   ").await.challenges, ["Bearer"]);
}

#[tokio::test]
async fn a_token_that_is_not_a_b64token_is_400_before_any_verification() {
    let answer = authorization(&app(&clock()), "/items", b"Bearer a,b").await;
    assert_eq!(answer.status, 400);
    assert!(answer.challenges[0].starts_with(r#"Bearer error="invalid_request""#));
}

#[tokio::test]
async fn tampered_tokens_are_invalid() {
    let token = pyjwt("ES256");
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let (header, _) = signed.split_once('.').unwrap();
    // Another payload under the original signature: johndoe made admin.
    let forged_claims = json!({"sub": "johndoe", "scopes": ["me", "items", "admin"], "exp": now() + 60,
        "aud": "warden-tests", "iss": "https://pyjwt.example"});
    let payload = base64_url(&serde_json::to_vec(&forged_claims).unwrap());
    let app = app(&clock());
    assert_invalid_token(&authorization(&app, "/items", &bearer(&format!("{header}.{payload}.{signature}"))).await);
    // One signature character changed.
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    let token = format!("{signed}.{flipped}{}", &signature[1..]);
    assert_invalid_token(&authorization(&app, "/items", &bearer(&token)).await);
}

#[tokio::test]
async fn expired_tokens_are_invalid() {
    let clock = clock();
    let app = app(&clock);
    let token = pyjwt("EdDSA");
    assert_eq!(authorization(&app, "/items", &bearer(&token)).await.status, 200);
    clock.advance(Duration::from_secs(3600));
    let answer = authorization(&app, "/items", &bearer(&token)).await;
    assert_invalid_token(&answer);
    assert!(answer.challenges[0].contains("expired"), "{answer:?}");
}

#[tokio::test]
async fn not_yet_valid_tokens_are_invalid() {
    let clock = Arc::new(FixedClock::at(FIXTURE["claims"]["nbf"].as_i64().unwrap() - 3600));
    assert_invalid_token(&authorization(&app(&clock), "/items", &bearer(&pyjwt("PS256"))).await);
}

#[tokio::test]
async fn alg_none_is_invalid() {
    let token = FIXTURE["extra"]["alg_none"].as_str().unwrap();
    assert_invalid_token(&authorization(&app(&clock()), "/items", &bearer(token)).await);
}

#[tokio::test]
async fn an_hs256_token_signed_with_the_rsa_public_key_is_invalid() {
    use aws_lc_rs::hmac;
    let header = base64_url(br#"{"alg":"HS256","kid":"rsa-1","typ":"JWT"}"#);
    let claims = base64_url(&serde_json::to_vec(&FIXTURE["claims"]).unwrap());
    let signed = format!("{header}.{claims}");
    let pem = FIXTURE["keys"]["rsa"]["public_spki_pem"].as_str().unwrap();
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, pem.as_bytes()), signed.as_bytes());
    let token = format!("{signed}.{}", base64_url(tag.as_ref()));
    assert_invalid_token(&authorization(&app(&clock()), "/items", &bearer(&token)).await);
}

#[tokio::test]
async fn an_unknown_kid_is_invalid() {
    let token = pyjwt("RS256");
    let (_, rest) = token.split_once('.').unwrap();
    let header = base64_url(br#"{"alg":"RS256","kid":"rotated-away","typ":"JWT"}"#);
    assert_invalid_token(&authorization(&app(&clock()), "/items", &bearer(&format!("{header}.{rest}"))).await);
}

#[tokio::test]
async fn garbage_is_invalid() {
    let app = app(&clock());
    for token in ["garbage", "a.b.c", "a.b", "eyJ.eyJ.AAAA"] {
        assert_invalid_token(&authorization(&app, "/items", &bearer(token)).await);
    }
}

#[tokio::test]
async fn optional_security_is_none_only_without_credentials() {
    let app = app(&clock());
    assert_eq!(support::get_text(&app, "/maybe", b"").await, "anonymous");
    assert_eq!(support::get_text(&app, "/maybe", &bearer(&pyjwt("HS512"))).await, "johndoe");
    assert_invalid_token(&authorization(&app, "/maybe", &bearer("a.b.c")).await);
}

#[tokio::test]
async fn fastapi_tutorial_answers_are_a_map_rejection_away() {
    let clock = clock();
    let tutorial = current_user(&clock).map_rejection(|rejection, scopes| {
        let detail = match rejection.kind() {
            AuthErrorKind::InsufficientScope => "Not enough permissions",
            _ => "Could not validate credentials",
        };
        AuthRejection::new(rejection.kind())
            .with_status(axum::http::StatusCode::UNAUTHORIZED)
            .with_challenge(scopes.challenge())
            .with_detail(detail)
    });
    async fn admin(_: Security<CurrentUser, Admin>) {}
    let app = Router::new().route("/admin", get(admin)).with_state(tutorial);
    let answer = authorization(&app, "/admin", &bearer(&pyjwt("ES384"))).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.challenges, [r#"Bearer scope="admin""#]);
    assert_eq!(answer.body, json!({"detail": "Not enough permissions"}));
    let answer = authorization(&app, "/admin", &bearer("not.a.jwt")).await;
    assert_eq!((answer.status, answer.body), (401, json!({"detail": "Could not validate credentials"})));
}

#[tokio::test]
async fn a_router_can_require_a_verifier_without_reading_it() {
    let clock = clock();
    let admin_only: Router = Router::new()
        .route("/stats", get(|| async { "stats" }))
        .route_layer(from_extractor_with_state::<Security<CurrentUser, Admin>, _>(current_user(&clock)));
    let answer = authorization(&admin_only, "/stats", &bearer(&pyjwt("HS256"))).await;
    assert_eq!(answer.status, 403);
    assert_eq!(answer.challenges, [r#"Bearer error="insufficient_scope", scope="admin""#]);
    assert_eq!(send(&admin_only, "/stats", &[]).await.status, 401);
}

/// A verifier that records what it was given.
#[derive(Clone)]
struct Recorder {
    scheme: OAuth2PasswordBearer,
    seen: Arc<Mutex<Vec<(String, String)>>>,
}

impl Verifier for Recorder {
    type Scheme = OAuth2PasswordBearer;
    type Output = ();

    fn scheme(&self) -> &OAuth2PasswordBearer {
        &self.scheme
    }

    async fn verify(&self, token: &BearerToken, scopes: &SecurityScopes) -> Result<(), AuthRejection> {
        self.seen.lock().unwrap().push((token.as_str().to_owned(), scopes.scope_str()));
        Ok(())
    }
}

#[tokio::test]
async fn the_verifier_gets_the_token_and_the_effective_scopes_once_per_extractor() {
    let recorder = Recorder { scheme: OAuth2PasswordBearer::new("token").unwrap(), seen: Arc::default() };
    async fn handler(_: Security<Recorder, ItemsMe>, _: Security<Recorder, Me>) {}
    let app = Router::new()
        .route("/", get(handler))
        .layer(DeclareScopes::new(["admin"]).unwrap())
        .with_state(recorder.clone());
    assert_eq!(authorization(&app, "/", b"Bearer t0k3n").await.status, 200);
    let seen = recorder.seen.lock().unwrap().clone();
    assert_eq!(seen, [("t0k3n".to_owned(), "admin items me".to_owned()), ("t0k3n".to_owned(), "admin me".to_owned())]);
}

#[test]
fn verified_claims_deref_to_the_claims_type() {
    fn sub(claims: &Verified<ScopedClaims>) -> &str {
        &claims.sub
    }
    let jwt = current_user(&clock());
    let verified = jwt.jwt().verify(&pyjwt("HS256")).unwrap();
    assert_eq!(sub(&verified), "johndoe");
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
