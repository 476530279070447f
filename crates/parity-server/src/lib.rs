//! The warden parity server: the routes of `shared/conformance/ROUTES.md`,
//! built on warden, for `replay.py`.
//!
//! Each section of ROUTES.md section 4 is a module that returns its
//! [`Routes`]; [`app`] merges them and serves their OpenAPI document at
//! `/openapi.json`.

#![forbid(unsafe_code)]

use std::{fmt, sync::Arc};

use axum::{Json, Router, routing::get};
use serde_json::Value;
use warden::{
    ConfigError,
    openapi::{OpenApiError, Routes, SecurityDocument},
};

pub mod api_keys;
pub mod combinations;
pub mod echo;
pub mod http_layer;
pub mod http_schemes;
pub mod listener;
pub mod oauth2;
pub mod permissions;
pub mod scopes;
pub mod token_format;
pub mod tokens;

/// Why the app cannot be built.
#[derive(Debug)]
pub enum AppError {
    /// A scheme configuration error.
    Config(ConfigError),
    /// The OpenAPI document cannot be built.
    OpenApi(OpenApiError),
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(error) => error.fmt(f),
            Self::OpenApi(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for AppError {}

impl From<ConfigError> for AppError {
    fn from(error: ConfigError) -> Self {
        Self::Config(error)
    }
}

impl From<OpenApiError> for AppError {
    fn from(error: OpenApiError) -> Self {
        Self::OpenApi(error)
    }
}

/// Every documented route of the parity server, and their security.
///
/// # Errors
///
/// As [`app`].
pub fn routes() -> Result<(Router, SecurityDocument), AppError> {
    Ok(Routes::new()
        .merge(http_schemes::router()?)
        .merge(api_keys::router()?)
        .merge(combinations::router()?)
        .merge(oauth2::router()?)
        .merge(scopes::router()?)
        .merge(tokens::router())
        .merge(permissions::router()?)
        .split()?)
}

/// The OpenAPI document of the parity server: the security of every route,
/// with the title and version of the FastAPI reference app.
///
/// # Errors
///
/// As [`app`].
pub fn openapi() -> Result<Value, AppError> {
    let (_, security) = routes()?;
    Ok(security.to_openapi_json("fastapi-security-conformance", "0.163.2"))
}

/// Every route of the parity server, and `GET /openapi.json`.
///
/// # Errors
///
/// A scheme configuration error, or two schemes with one OpenAPI name; none
/// is expected, since the one route whose configuration cannot work
/// (`/basic-realm-latin1`, D2) is not mounted.
pub fn app() -> Result<Router, AppError> {
    let (router, security) = routes()?;
    let document = Arc::new(security.to_openapi_json("fastapi-security-conformance", "0.163.2"));
    Ok(router
        .route("/openapi.json", get(move || async move { Json(Value::clone(&document)) }))
        .layer(axum::middleware::from_fn(http_layer::reject_invalid_target)))
}
