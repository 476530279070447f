//! The echo shapes of ROUTES.md section 3.

use axum::Json;
use serde_json::{Value, json};
use warden::{ApiKeyCredentials, BasicCredentials, HttpCredentials};

/// `{"username": u, "password": p}`.
pub fn basic(creds: &BasicCredentials) -> Value {
    json!({ "username": creds.username(), "password": creds.password() })
}

/// `{"scheme": s, "credentials": c}`.
pub fn creds(creds: &HttpCredentials) -> Value {
    json!({ "scheme": creds.scheme(), "credentials": creds.credentials() })
}

/// `{"api_key": k}` with `k` null when absent.
pub fn key(key: Option<&ApiKeyCredentials>) -> Json<Value> {
    Json(json!({ "api_key": key.map(ApiKeyCredentials::as_str) }))
}

/// `null` or the echo.
pub fn or_null<T>(value: Option<T>, echo: impl FnOnce(T) -> Value) -> Json<Value> {
    Json(value.map_or(Value::Null, echo))
}
