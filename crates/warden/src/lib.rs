//! FastAPI-grade HTTP security for [axum]: every standard authentication
//! scheme as an extractor, with RFC-correct `401`/`403`/`400` answers and
//! proper `WWW-Authenticate` challenges.
//!
//! # Quick start
//!
//! ```
//! use axum::{Router, routing::get, body::Body, http::Request};
//! use tower::ServiceExt;
//! use warden::{Auth, HttpBasic};
//!
//! async fn me(Auth(creds): Auth<HttpBasic>) -> String {
//!     format!("hello {}", creds.username())
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let app = Router::new().route("/me", get(me)).with_state(HttpBasic::new("api")?);
//!
//! // No credentials: 401 with a challenge a browser or curl --anyauth understands.
//! let response = app.oneshot(Request::get("/me").body(Body::empty())?).await?;
//! assert_eq!(response.status(), 401);
//! assert_eq!(response.headers()["www-authenticate"], r#"Basic realm="api", charset="UTF-8""#);
//! # Ok(()) }
//! ```
//!
//! # Overview
//!
//! * A **scheme** ([`HttpBasic`], [`HttpBearer`], [`HttpScheme`] for Digest
//!   and any other name, [`ApiKey`] in a header, query or cookie, the OAuth2
//!   bearers [`OAuth2PasswordBearer`], [`OAuth2AuthorizationCodeBearer`],
//!   [`OAuth2ClientCredentialsBearer`] and [`OAuth2`], and [`OpenIdConnect`])
//!   is a configuration value, checked when it is built ([`ConfigError`])
//!   and kept in the router state. Each has a module in [`scheme`] with its
//!   parsing rules, its challenge and a runnable example.
//! * [`Auth<S>`] extracts a scheme's credentials; `Option<Auth<S>>` is `None`
//!   only when they are absent, never when they are malformed.
//! * [`AuthRejection`] is the one rejection of every scheme: kind, status,
//!   challenges and FastAPI's `{"detail": …}` body.
//! * Errors can be changed per scheme (the not-authenticated hook, see
//!   [`SchemeOptions::on_not_authenticated`](scheme::SchemeOptions::on_not_authenticated))
//!   and app-wide ([`RejectionResponderLayer`], [`ProblemJson`]).
//! * [`RequireAuth`] protects every route under a router.
//! * [`ct_eq`] and [`Secret`] compare passwords and keys in constant time;
//!   credentials never show in `Debug`.
//! * [`Security<V, L>`](Security) runs a [`Verifier`]
//!   (FastAPI's `get_current_user`) with the route's
//!   [scopes](mod@scopes): declared with [`scopes!`] and
//!   [`DeclareScopes`](scopes::DeclareScopes), outer ones first. With the
//!   `jwt` feature, `jwt::JwtBearer` verifies JWTs and
//!   answers RFC 6750's `401 invalid_token` and `403 insufficient_scope`.
//! * [`token_endpoint`] is the token endpoint's side: the password request form, with
//!   RFC 6749 `400`s, and the token response.
//! * Features: `jwt` (JWT verification and signing on aws-lc-rs, a
//!   verified-token cache), `jwks` (JWK sets fetched from a URL, OpenID
//!   Connect discovery), `password` (argon2 hashing compatible with pwdlib,
//!   and `PasswordVerifier`, which bounds the memory and concurrency of login
//!   checks and answers `503` with `Retry-After` past them),
//!   `openapi` (each scheme's OpenAPI security scheme object, as FastAPI
//!   publishes it; each operation's security requirements and error
//!   answers, found in what protects it, as JSON or utoipa; Swagger UI
//!   served from vendored files), `utoipa-axum` (utoipa-axum's router
//!   documenting security too).
//! * [`permission`] composes checks with `&`, `|` and `!`, with
//!   fastapi-has-permissions' error rules; the
//!   [guide](_documentation::permissions) walks through it.
//!
//! warden matches FastAPI's answers except where FastAPI breaks an RFC; the
//! [differences](_documentation::differences) are listed with their RFC
//! sections and the tests that pin them.
//!
//! [axum]: https://docs.rs/axum

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod _documentation;

/// The README's Rust blocks, compiled as doctests (with every feature, as
/// they use them) so that they cannot drift from the API. Only `cargo test`
/// reads the file: it is outside the package.
#[cfg(all(doctest, feature = "jwt", feature = "openapi", feature = "password"))]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
pub mod challenge;
mod config_error;
mod extract;
pub mod future;
#[cfg(feature = "jwks")]
pub mod jwks;
#[cfg(feature = "jwt")]
pub mod jwt;
pub mod layer;
#[cfg(feature = "openapi")]
pub mod openapi;
mod parse;
#[cfg(feature = "password")]
pub mod password;
pub mod permission;
pub mod rejection;
pub mod responder;
pub mod scheme;
pub mod scopes;
mod secret;
pub mod security;
pub mod token_endpoint;

pub use crate::{
    challenge::Challenge,
    config_error::ConfigError,
    extract::Auth,
    layer::RequireAuth,
    rejection::{AuthErrorKind, AuthRejection},
    responder::{ProblemJson, RejectionResponder, RejectionResponderLayer},
    scheme::{
        ApiKey, ApiKeyCredentials, ApiKeyLocation, BasicCredentials, BearerToken, HttpBasic, HttpBearer,
        HttpCredentials, HttpScheme, OAuth2, OAuth2AuthorizationCodeBearer, OAuth2ClientCredentialsBearer,
        OAuth2PasswordBearer, OpenIdConnect, Scheme,
    },
    secret::{Secret, ct_eq},
    security::{Security, Verifier},
    token_endpoint::{OAuth2PasswordRequestForm, OAuth2PasswordRequestFormStrict, TokenResponse},
};
