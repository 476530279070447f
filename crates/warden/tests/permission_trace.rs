//! A denied request logs which permission branches ran; the answer never
//! shows them. Its own test binary: tracing caches callsite interest
//! process-wide, so a test running beside it without a subscriber could
//! hide the events.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use axum::{Router, http::Request, routing::get};
use serde_json::json;
use warden::permission::{Deny, RequirePermission};

use support::{Captured, Typed};

#[test]
fn a_denial_logs_the_branches_that_ran_but_the_answer_does_not_show_them() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let response = tracing::subscriber::with_default(subscriber, || {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let app: Router = Router::new()
                .route("/", get(|| async { "ok" }))
                .route_layer(RequirePermission::new(Typed("secret-branch") & (Deny | Deny)));
            tower::ServiceExt::oneshot(app, Request::get("/").body(axum::body::Body::empty()).unwrap()).await.unwrap()
        })
    });
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("permission denied"), "{log}");
    assert!(log.contains("Typed -> fail"), "{log}");
    assert!(log.contains("All -> fail"), "{log}");
    assert!(!log.contains("Deny"), "branches after the failure did not run: {log}");
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let body = runtime.block_on(support::body(response));
    assert_eq!(body, json!({"detail": {"code": "typed", "message": "needs secret-branch"}}));
}
