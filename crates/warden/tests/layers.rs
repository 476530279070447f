//! `RequireAuth` (router-wide protection) and `RejectionResponderLayer`
//! (app-wide rendering of rejections).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use axum::{
    Json, Router,
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
    routing::get,
};
use serde_json::{Value, json};
use support::{authorization, get as send};
use warden::{
    ApiKey, Auth, AuthErrorKind, AuthRejection, HttpBearer, ProblemJson, RejectionResponderLayer, RequireAuth, Scheme,
};

/// A bearer scheme that counts how often it parses a request.
#[derive(Clone, Default)]
struct Counting {
    bearer: HttpBearer,
    calls: Arc<AtomicUsize>,
}

impl Scheme for Counting {
    type Credentials = warden::HttpCredentials;

    fn extract(&self, parts: &Parts) -> Result<Option<Self::Credentials>, AuthRejection> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.bearer.extract(parts)
    }

    fn not_authenticated(&self) -> AuthRejection {
        self.bearer.not_authenticated()
    }

    fn identity(&self) -> Option<usize> {
        self.bearer.identity()
    }
}

#[tokio::test]
async fn require_auth_protects_every_route_under_it() {
    let protected: Router = Router::new()
        .route("/a", get(|| async { "a" }))
        .route_layer(RequireAuth::new(ApiKey::header("X-Key").unwrap()));
    let app = Router::new().nest("/p", protected).route("/open", get(|| async { "open" }));
    let missing = send(&app, "/p/a", &[]).await;
    assert_eq!((missing.status, missing.challenges), (401, vec!["APIKey".to_owned()]));
    let through = send(&app, "/p/a", &[("x-key", b"k")]).await;
    assert_eq!((through.status, through.body), (200, json!("a")));
    assert_eq!(send(&app, "/p/a", &[("x-key", b"k"), ("x-key", b"k")]).await.status, 400);
    let open = send(&app, "/open", &[]).await;
    assert_eq!((open.status, open.body), (200, json!("open")));
}

#[tokio::test]
async fn handlers_behind_require_auth_read_the_credentials_without_parsing_again() {
    let scheme = Counting::default();
    let calls = Arc::clone(&scheme.calls);
    let app = Router::new()
        .route("/", get(|Auth(c): Auth<Counting>| async move { c.token().to_owned() }))
        .route_layer(RequireAuth::new(scheme.clone()))
        .with_state(scheme);
    let answer = authorization(&app, "/", b"Bearer tok").await;
    assert_eq!((answer.status, answer.body), (200, json!("tok")), "the handler read the layer's credentials");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_layer_never_lends_its_credentials_to_another_configuration_of_the_same_type() {
    async fn admin(Auth(key): Auth<ApiKey>) -> String {
        key.into_string()
    }
    async fn maybe_admin(key: Option<Auth<ApiKey>>) -> Json<Value> {
        Json(json!(key.map(|Auth(key)| key.into_string())))
    }
    let app: Router = Router::new()
        .route("/admin", get(admin).with_state(ApiKey::header("X-Admin-Key").unwrap()))
        .route("/maybe", get(maybe_admin).with_state(ApiKey::query("admin").unwrap()))
        .route_layer(RequireAuth::new(ApiKey::header("X-API-Key").unwrap()));
    let user_key: &[(&str, &[u8])] = &[("x-api-key", b"user-key")];
    let answer = send(&app, "/admin", user_key).await;
    assert_eq!((answer.status, answer.challenges), (401, vec!["APIKey".to_owned()]));
    let answer = send(&app, "/maybe", user_key).await;
    assert_eq!((answer.status, answer.body), (200, Value::Null), "absent for its own configuration");
    let both = send(&app, "/admin", &[("x-api-key", b"user-key"), ("x-admin-key", b"admin-key")]).await;
    assert_eq!((both.status, both.body), (200, json!("admin-key")), "the handler's own configuration");
}

#[tokio::test]
async fn without_a_layer_the_extractor_parses_once() {
    let scheme = Counting::default();
    let calls = Arc::clone(&scheme.calls);
    let app = Router::new().route("/", get(|Auth(_): Auth<Counting>| async { "ok" })).with_state(scheme);
    let answer = authorization(&app, "/", b"Bearer tok").await;
    assert_eq!((answer.status, answer.body), (200, json!("ok")), "the handler ran");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

fn bearer_app() -> Router {
    Router::new().route("/", get(|Auth(_): Auth<HttpBearer>| async { "ok" })).with_state(HttpBearer::new())
}

#[tokio::test]
async fn problem_json_renders_every_rejection_and_keeps_the_challenges() {
    let app = bearer_app().layer(RejectionResponderLayer::new(ProblemJson));
    let answer = send(&app, "/", &[]).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.challenges, ["Bearer"]);
    assert_eq!(answer.content_type.as_deref(), Some("application/problem+json"));
    assert_eq!(
        answer.body,
        json!({"type": "about:blank", "title": "Unauthorized", "status": 401, "detail": "Not authenticated"})
    );
    let bad = authorization(&app, "/", b"Bearer \"x\"").await;
    assert_eq!((bad.status, bad.body["status"].clone()), (400, json!(400)));
}

#[tokio::test]
async fn a_closure_responder_sees_the_kind() {
    let responder = |rejection: AuthRejection| -> Response {
        let code = match rejection.kind() {
            AuthErrorKind::Missing => "login_required",
            _ => "bad_credentials",
        };
        (rejection.status(), Json(json!({"error": code}))).into_response()
    };
    let app = bearer_app().layer(RejectionResponderLayer::new(responder));
    assert_eq!(send(&app, "/", &[]).await.body, json!({"error": "login_required"}));
    assert_eq!(authorization(&app, "/", b"Bearer \"x\"").await.body, json!({"error": "bad_credentials"}));
}

#[tokio::test]
async fn responses_that_are_not_warden_rejections_pass_through() {
    async fn own_error() -> Response {
        let mut response = (StatusCode::UNAUTHORIZED, Json(json!({"detail": "No credentials"}))).into_response();
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic, Bearer"));
        response
    }
    let app = Router::new().route("/", get(own_error)).layer(RejectionResponderLayer::new(ProblemJson));
    let answer = send(&app, "/", &[]).await;
    assert_eq!(answer.challenges, ["Basic, Bearer"]);
    assert_eq!(answer.body, json!({"detail": "No credentials"}));
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
}

#[tokio::test]
async fn headers_added_by_layers_inside_the_responder_survive_the_new_rendering() {
    use axum::middleware::map_response;
    async fn add_headers(mut response: Response) -> Response {
        let headers = response.headers_mut();
        headers.insert("x-request-id", HeaderValue::from_static("42"));
        headers.append(header::SET_COOKIE, HeaderValue::from_static("a=1"));
        headers.append(header::SET_COOKIE, HeaderValue::from_static("b=2"));
        response
    }
    let app = bearer_app().layer(map_response(add_headers)).layer(RejectionResponderLayer::new(ProblemJson));
    let answer = send(&app, "/", &[]).await;
    assert_eq!(answer.headers["x-request-id"], "42");
    let cookies: Vec<_> = answer.headers.get_all(header::SET_COOKIE).iter().collect();
    assert_eq!(cookies, ["a=1", "b=2"]);
    assert_eq!(answer.challenges, ["Bearer"], "the challenge appears once");
    assert_eq!(answer.content_type.as_deref(), Some("application/problem+json"));
}
