//! The bounded `PasswordVerifier` behind an axum route, as a login uses it:
//! `?` turns a check that found no place into `503` with `Retry-After`.
//! (The limits themselves are counted inside the blocking task by the unit
//! tests of src/password.rs.)

#![cfg(feature = "password")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    body::Body,
    extract::{FromRef, State},
    http::{Request, Response},
    routing::get,
};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;
use warden::{
    Auth, AuthRejection, HttpBasic,
    password::{PasswordHasher, PasswordVerifier},
};

#[derive(Clone)]
struct App {
    basic: HttpBasic,
    passwords: PasswordVerifier,
    johndoe: Arc<str>,
}

impl FromRef<App> for HttpBasic {
    fn from_ref(app: &App) -> Self {
        app.basic
    }
}

async fn whoami(State(app): State<App>, Auth(creds): Auth<HttpBasic>) -> Result<&'static str, AuthRejection> {
    let stored = (creds.username() == "johndoe").then_some(&*app.johndoe);
    Ok(if app.passwords.verify_or_dummy(creds.password(), stored).await? { "johndoe" } else { "refused" })
}

fn app(hasher: &PasswordHasher, passwords: PasswordVerifier) -> Router {
    let state =
        App { basic: HttpBasic::new("api").unwrap(), passwords, johndoe: hasher.hash("secret").unwrap().into() };
    Router::new().route("/whoami", get(whoami)).with_state(state)
}

fn login(user: &str, password: &str) -> Request<Body> {
    use base64::Engine as _;
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    Request::get("/whoami").header("authorization", format!("Basic {credentials}")).body(Body::empty()).unwrap()
}

async fn body(response: Response<Body>) -> String {
    String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
}

#[tokio::test]
async fn a_login_is_judged_by_the_bounded_check() {
    let hasher = PasswordHasher::builder().memory_kib(64).iterations(1).parallelism(1).build().unwrap();
    let app = app(&hasher, PasswordVerifier::new(hasher.clone()).unwrap());
    assert_eq!(body(app.clone().oneshot(login("johndoe", "secret")).await.unwrap()).await, "johndoe");
    assert_eq!(body(app.clone().oneshot(login("johndoe", "guess")).await.unwrap()).await, "refused");
    assert_eq!(body(app.oneshot(login("mallory", "secret")).await.unwrap()).await, "refused");
}

#[tokio::test]
async fn a_login_that_finds_no_place_in_time_is_503_with_retry_after_and_fastapi_s_body() {
    // One check at a time, no waiting; the first (8 MiB, 3 passes) still runs
    // when the second asks, in the same poll of `join!`.
    let hasher = PasswordHasher::builder().memory_kib(8192).iterations(3).parallelism(1).build().unwrap();
    let passwords =
        PasswordVerifier::builder(hasher.clone()).concurrency(1).queue_timeout(Duration::ZERO).build().unwrap();
    let app = app(&hasher, passwords);
    let (first, second) = tokio::join!(app.clone().oneshot(login("alice", "a")), app.oneshot(login("bob", "b")));
    let (first, second) = (first.unwrap(), second.unwrap());
    assert_eq!(first.status(), 200);
    assert_eq!(second.status(), 503);
    assert_eq!(second.headers()["retry-after"], "1");
    assert!(second.headers().get("www-authenticate").is_none());
    assert_eq!(body(second).await, r#"{"detail":"Service Unavailable"}"#);
    assert_eq!(body(first).await, "refused");
}
