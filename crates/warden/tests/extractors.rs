//! How `Auth<S>`, `Option<Auth<S>>` and `Result<Auth<S>, AuthRejection>`
//! answer, and the per-scheme not-authenticated hook.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use axum::{Json, Router, extract::FromRef, http::StatusCode, routing::get};
use serde_json::{Value, json};
use support::{authorization, get as send};
use warden::{ApiKey, Auth, AuthErrorKind, AuthRejection, HttpBasic, HttpBearer};

#[tokio::test]
async fn required_scheme_answers_401_with_its_challenge_when_credentials_are_missing() {
    let app = Router::new().route("/", get(|Auth(_): Auth<HttpBearer>| async { "ok" })).with_state(HttpBearer::new());
    let answer = send(&app, "/", &[]).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.challenges, ["Bearer"]);
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    assert_eq!(answer.body, json!({"detail": "Not authenticated"}));
}

#[tokio::test]
async fn optional_scheme_is_none_only_when_credentials_are_absent() {
    async fn echo(creds: Option<Auth<HttpBasic>>) -> Json<Value> {
        Json(json!(creds.map(|Auth(c)| c.username().to_owned())))
    }
    let app = Router::new().route("/", get(echo)).with_state(HttpBasic::new("api").unwrap());
    assert_eq!(send(&app, "/", &[]).await.body, Value::Null);
    assert_eq!(authorization(&app, "/", b"Bearer abc").await.body, Value::Null);
    assert_eq!(authorization(&app, "/", b"Basic dXNlcjpwYXNz").await.body, json!("user"));
    let malformed = authorization(&app, "/", b"Basic !!!!").await;
    assert_eq!(malformed.status, 401, "malformed credentials are not absent");
}

#[tokio::test]
async fn result_lets_the_handler_decide() {
    async fn decide(creds: Result<Auth<HttpBearer>, AuthRejection>) -> (StatusCode, Json<Value>) {
        match creds {
            Ok(Auth(c)) => (StatusCode::OK, Json(json!({"token": c.token()}))),
            Err(rejection) => (
                StatusCode::IM_A_TEAPOT,
                Json(json!({"kind": format!("{:?}", rejection.kind()), "status": rejection.status().as_u16()})),
            ),
        }
    }
    let app = Router::new().route("/", get(decide)).with_state(HttpBearer::new());
    let response = send(&app, "/", &[]).await;
    assert_eq!((response.status, response.body), (418, json!({"kind": "Missing", "status": 401})));
    let response = authorization(&app, "/", b"Bearer \"x\"").await;
    assert_eq!((response.status, response.body), (418, json!({"kind": "InvalidRequest", "status": 400})));
    let response = authorization(&app, "/", b"Bearer abc").await;
    assert_eq!((response.status, response.body), (200, json!({"token": "abc"})));
}

#[tokio::test]
async fn rejection_exposes_kind_status_and_challenges() {
    async fn inspect(creds: Result<Auth<HttpBasic>, AuthRejection>) -> Json<Value> {
        let rejection = creds.err().unwrap();
        Json(json!({
            "missing": rejection.kind() == AuthErrorKind::Missing,
            "status": rejection.status().as_u16(),
            "challenge": rejection.challenges()[0].to_string(),
            "realm": rejection.challenges()[0].get("realm"),
        }))
    }
    let app = Router::new().route("/", get(inspect)).with_state(HttpBasic::new("api").unwrap());
    let answer = send(&app, "/", &[]).await;
    assert_eq!(
        answer.body,
        json!({"missing": true, "status": 401, "challenge": r#"Basic realm="api", charset="UTF-8""#, "realm": "api"})
    );
}

#[tokio::test]
async fn legacy_hook_answers_403_without_a_challenge_for_missing_credentials_only() {
    let legacy = HttpBearer::builder().on_not_authenticated(AuthRejection::legacy_forbidden).build().unwrap();
    let app = Router::new().route("/", get(|Auth(_): Auth<HttpBearer>| async { "ok" })).with_state(legacy);
    let missing = authorization(&app, "/", b"Bearer\tabc").await;
    assert_eq!(missing.status, 403);
    assert!(missing.challenges.is_empty());
    assert_eq!(missing.body, json!({"detail": "Not authenticated"}));
    let malformed = authorization(&app, "/", b"Bearer \"abc\"").await;
    assert_eq!(malformed.status, 400, "the hook never replaces the 400s (D18)");
}

#[tokio::test]
async fn hook_can_build_any_answer_from_the_default_one() {
    let basic = HttpBasic::builder("api")
        .on_not_authenticated(|rejection: AuthRejection| rejection.with_detail("Log in first"))
        .build()
        .unwrap();
    let app = Router::new().route("/", get(|Auth(_): Auth<HttpBasic>| async { "ok" })).with_state(basic);
    let answer = send(&app, "/", &[]).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.challenges, [r#"Basic realm="api", charset="UTF-8""#]);
    assert_eq!(answer.body, json!({"detail": "Log in first"}));
    let malformed = authorization(&app, "/", b"Basic !!!!").await;
    assert_eq!(malformed.body, json!({"detail": "Log in first"}), "FastAPI's hook covers malformed Basic too");
}

#[tokio::test]
async fn two_configurations_of_one_scheme_type_live_in_one_state() {
    struct Admin;
    #[derive(Clone, FromRef)]
    struct State {
        users: HttpBasic,
        admins: HttpBasic<Admin>,
        key: ApiKey,
    }
    let state = State {
        users: HttpBasic::new("users").unwrap(),
        admins: HttpBasic::new("admins").unwrap().with_marker(),
        key: ApiKey::query("k").unwrap(),
    };
    let app = Router::new()
        .route("/user", get(|Auth(_): Auth<HttpBasic>| async { "user" }))
        .route("/admin", get(|Auth(_): Auth<HttpBasic<Admin>>, Auth(_): Auth<ApiKey>| async { "admin" }))
        .with_state(state);
    assert_eq!(send(&app, "/user", &[]).await.challenges, [r#"Basic realm="users", charset="UTF-8""#]);
    assert_eq!(send(&app, "/admin", &[]).await.challenges, [r#"Basic realm="admins", charset="UTF-8""#]);
    let basic_only = authorization(&app, "/admin", b"Basic dXNlcjpwYXNz").await;
    assert_eq!(basic_only.challenges, ["APIKey"], "the first failing scheme answers");
}

#[tokio::test]
async fn rejection_is_left_in_the_response_extensions() {
    use tower::ServiceExt as _;
    let app = Router::new().route("/", get(|Auth(_): Auth<HttpBearer>| async { "ok" })).with_state(HttpBearer::new());
    let request = axum::http::Request::get("/").body(axum::body::Body::empty()).unwrap();
    let response = app.oneshot(request).await.unwrap();
    let rejection = response.extensions().get::<AuthRejection>().unwrap();
    assert_eq!(rejection.kind(), AuthErrorKind::Missing);
}
