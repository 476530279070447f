//! ROUTES.md 4.2: API keys in a header, a query parameter and a cookie, and a
//! router protected as a whole.

use axum::Json;
use serde_json::{Value, json};
use warden::{
    ApiKey, Auth, ConfigError, RequireAuth,
    openapi::{Routes, get},
};

use crate::echo;

async fn key_echo(Auth(key): Auth<ApiKey>) -> Json<Value> {
    echo::key(Some(&key))
}

async fn key_echo_optional(key: Option<Auth<ApiKey>>) -> Json<Value> {
    echo::key(key.as_deref())
}

/// The `/apikey-header` scheme, which also protects `/router-sec`.
///
/// # Errors
///
/// A scheme configuration error (none expected).
pub fn header_key() -> Result<ApiKey, ConfigError> {
    ApiKey::header("X-API-Key")
}

/// `/apikey-*` and `/router-sec/ping`.
///
/// # Errors
///
/// A scheme configuration error (none expected).
pub fn router() -> Result<Routes, ConfigError> {
    let named = |builder: warden::scheme::api_key::ApiKeyBuilder, name: &'static str| builder.scheme_name(name).build();
    let header = || ApiKey::header_builder("X-API-Key");
    let query = || warden::ApiKeyLocation::Query("api_key".to_owned());
    let cookie = || warden::ApiKeyLocation::Cookie("session".to_owned());
    let router_sec = Routes::new()
        .route("/ping", get(|| async { Json(json!({ "ok": true })) }))
        .protect(RequireAuth::new(header_key()?));
    Ok(Routes::new()
        .route("/apikey-header", get(key_echo).with_state(header_key()?))
        .route("/apikey-header-optional", get(key_echo_optional).with_state(named(header()?, "APIKeyHeaderOptional")?))
        .route("/apikey-query", get(key_echo).with_state(ApiKey::query("api_key")?))
        .route(
            "/apikey-query-optional",
            get(key_echo_optional).with_state(named(ApiKey::builder(query()), "APIKeyQueryOptional")?),
        )
        .route("/apikey-cookie", get(key_echo).with_state(ApiKey::cookie("session")?))
        .route(
            "/apikey-cookie-optional",
            get(key_echo_optional).with_state(named(ApiKey::builder(cookie()), "APIKeyCookieOptional")?),
        )
        .route(
            "/apikey-named",
            get(key_echo).with_state(
                ApiKey::header_builder("X-Token")?
                    .scheme_name("TokenHeader")
                    .description("Token in X-Token header")
                    .build()?,
            ),
        )
        .nest("/router-sec", router_sec))
}
