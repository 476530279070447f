//! The warden parity server: the routes of `shared/conformance/ROUTES.md`,
//! built on warden, for `replay.py`.
//!
//! Each section of ROUTES.md section 4 is a module that returns a [`Router`];
//! [`app`] merges them.

#![forbid(unsafe_code)]

use axum::Router;
use warden::ConfigError;

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

/// Every route of the parity server.
///
/// # Errors
///
/// A scheme configuration error; none is expected, since the one route whose
/// configuration cannot work (`/basic-realm-latin1`, D2) is not mounted.
pub fn app() -> Result<Router, ConfigError> {
    Ok(Router::new()
        .merge(http_schemes::router()?)
        .merge(api_keys::router()?)
        .merge(combinations::router()?)
        .merge(oauth2::router()?)
        .merge(scopes::router()?)
        .merge(tokens::router())
        .merge(permissions::router()?)
        .layer(axum::middleware::from_fn(http_layer::reject_invalid_target)))
}
