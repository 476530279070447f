//! The parity server's `/openapi.json` against the FastAPI reference app's
//! document (`tests/conformance/openapi-fastapi.json`, vendored from
//! `shared/conformance/`): the security
//! schemes and every operation's `security` are FastAPI's, except where
//! POLICY D14 says otherwise.
//!
//! D14: several required schemes are one requirement object (AND), where
//! FastAPI lists them as alternatives; optional security adds the empty
//! requirement `{}`. The routes each rule applies to are listed below, from
//! ROUTES.md ("opt." or `auto_error=False`, and "both required").

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeSet;

use axum::{body::Body, http::Request};
use http_body_util::BodyExt;
use serde_json::{Map, Value, json};
use tower::ServiceExt;

/// Routes whose credentials are optional: D14 adds `{}`.
const OPTIONAL: &[&str] = &[
    "/basic-optional",
    "/basic-optional-realm",
    "/bearer-optional",
    "/digest-optional",
    "/httpbase-custom-optional",
    "/apikey-header-optional",
    "/apikey-query-optional",
    "/apikey-cookie-optional",
    "/multi",
    "/oauth2-optional",
    "/oauth2-base-optional",
    "/oauth2-authcode-optional",
    "/scopes-echo",
    "/oidc-optional",
];

/// Routes whose schemes are all required together: D14 makes FastAPI's
/// alternatives one requirement object.
const ALL_REQUIRED: &[&str] = &["/basic-and-apikey"];

/// Routes of the reference app the parity server does not mount, with the
/// rule that keeps them out: a realm outside ISO-8859-1 cannot be sent, so
/// the scheme is a configuration error (D2).
const NOT_MOUNTED: &[(&str, &str, &str)] = &[("/basic-realm-latin1", "BasicLatin1Realm", "D2")];

fn reference() -> Value {
    serde_json::from_str(include_str!("conformance/openapi-fastapi.json")).expect("openapi-fastapi.json is JSON")
}

async fn served() -> Value {
    let app = parity_server::app().expect("the parity server builds");
    let response = app.oneshot(Request::get("/openapi.json").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&body).expect("/openapi.json is JSON")
}

/// FastAPI's `security` of `path`, changed as D14 asks.
fn expected_security(path: &str, fastapi: Option<&Value>) -> Option<Value> {
    let mut alternatives = fastapi?.as_array().expect("security is an array").clone();
    if ALL_REQUIRED.contains(&path) {
        let mut together = Map::new();
        for alternative in alternatives {
            together.extend(alternative.as_object().expect("a requirement is an object").clone());
        }
        alternatives = vec![Value::Object(together)];
    }
    if OPTIONAL.contains(&path) {
        alternatives.push(json!({}));
    }
    Some(Value::Array(alternatives))
}

fn operations(document: &Value) -> BTreeSet<(String, String)> {
    let mut operations = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("a path item").keys() {
            operations.insert((method.to_uppercase(), path.clone()));
        }
    }
    operations
}

#[tokio::test]
async fn every_security_scheme_is_fastapis() {
    let ours = served().await;
    let theirs = reference();
    let ours = ours["components"]["securitySchemes"].as_object().expect("our schemes");
    let theirs = theirs["components"]["securitySchemes"].as_object().expect("FastAPI's schemes");
    for (name, scheme) in theirs {
        if NOT_MOUNTED.iter().any(|(_, unmounted, _)| unmounted == name) {
            assert!(!ours.contains_key(name), "{name} belongs to a route that is not mounted");
            continue;
        }
        assert_eq!(ours.get(name), Some(scheme), "scheme {name}");
    }
    for name in ours.keys() {
        assert!(theirs.contains_key(name), "scheme {name} is not in FastAPI's document");
    }
}

#[tokio::test]
async fn every_operation_is_documented_and_no_other() {
    let ours = operations(&served().await);
    let mut theirs = operations(&reference());
    for (path, _, _) in NOT_MOUNTED {
        theirs.remove(&("GET".to_owned(), (*path).to_owned()));
    }
    assert_eq!(ours, theirs);
}

#[tokio::test]
async fn every_operations_security_is_fastapis_but_for_d14() {
    let ours = served().await;
    let theirs = reference();
    let mut differences = Vec::new();
    for (method, path) in operations(&theirs) {
        if NOT_MOUNTED.iter().any(|(unmounted, _, _)| *unmounted == path) {
            continue;
        }
        let method = method.to_lowercase();
        let expected = expected_security(&path, theirs["paths"][&path][&method].get("security"));
        let actual = ours["paths"][&path][&method].get("security").cloned();
        if actual != expected {
            differences.push(format!("{method} {path}: expected {expected:?}, got {actual:?}"));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[tokio::test]
async fn the_d14_routes_do_differ_from_fastapi() {
    // The tables above name only routes where D14 changes something.
    let theirs = reference();
    for path in OPTIONAL.iter().chain(ALL_REQUIRED) {
        let security = theirs["paths"][path]["get"].get("security");
        assert_ne!(expected_security(path, security).as_ref(), security, "{path}");
    }
}

#[tokio::test]
async fn a_protected_operation_documents_its_challenge() {
    let ours = served().await;
    let unauthorized = &ours["paths"]["/basic-realm"]["get"]["responses"]["401"];
    assert_eq!(unauthorized["description"], "Not authenticated; Malformed credentials");
    assert_eq!(
        unauthorized["headers"]["WWW-Authenticate"]["schema"]["examples"],
        json!([r#"Basic realm="test realm", charset="UTF-8""#])
    );
    // The legacy hook answers 403, without a challenge.
    let legacy = &ours["paths"]["/bearer-legacy403"]["get"]["responses"];
    assert!(legacy.get("401").is_none());
    assert!(legacy["403"].get("headers").is_none());
    // A permission's own status and message.
    assert_eq!(ours["paths"]["/perm/custom-instance"]["get"]["responses"]["451"]["description"], "Instance message");
    // An open operation documents no error.
    assert!(ours["paths"]["/perm/allow"]["get"].get("responses").is_none());
}
