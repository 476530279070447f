//! JSON Web Tokens: verification with a typed validation, signing, and a
//! verified-token cache (RFC 7515, RFC 7519, RFC 7517).
//!
//! * A [`JwtVerifier<C>`](JwtVerifier) turns a bearer token into your
//!   claims type `C`, or into a [`JwtError`] that `?` makes the RFC 6750
//!   answer: `401` with `Bearer error="invalid_token", error_description="…"`.
//! * Keys are parsed once: a [`DecodingKey`] (HMAC secret, RSA, EC P-256 /
//!   P-384, Ed25519, from PEM, DER, components or a [`Jwk`]) or a [`KeySet`]
//!   looked up by `kid`. Any [`KeySource`] will do; a fetching source (the
//!   JWKS fetcher) answers [`JwtVerifier::verify_async`].
//! * The allow-list of [`Algorithm`]s is required; `none` never passes, and
//!   a key verifies only its own [family](AlgorithmFamily) (no HS/RS
//!   confusion).
//! * [`encode`] and [`TokenIssuer`] sign; [`ScopedClaims`] are FastAPI's
//!   OAuth2 scopes tutorial tokens.
//! * Time comes from a [`Clock`]: [`SystemClock`], or [`FixedClock`] in tests.
//!
//! Signatures are aws-lc-rs's.
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//! use axum::{Router, routing::get, body::Body, http::Request, extract::State};
//! use tower::ServiceExt;
//! use warden::{Auth, AuthRejection, OAuth2PasswordBearer, jwt::*};
//!
//! #[derive(Clone)]
//! struct App { bearer: OAuth2PasswordBearer, jwt: JwtVerifier<ScopedClaims> }
//! impl axum::extract::FromRef<App> for OAuth2PasswordBearer {
//!     fn from_ref(app: &App) -> Self { app.bearer }
//! }
//!
//! async fn me(State(app): State<App>, Auth(token): Auth<OAuth2PasswordBearer>) -> Result<String, AuthRejection> {
//!     let claims = app.jwt.verify(token.as_str())?;
//!     if let Some(_scope) = claims.missing_scope(&["me"]) {
//!         return Err(AuthRejection::insufficient_scope(["me"]));
//!     }
//!     Ok(format!("hello {}", claims.sub))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let secret = b"09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7";
//! let clock = std::sync::Arc::new(FixedClock::at(1_690_000_000));
//! let issuer = TokenIssuer::new(EncodingKey::from_secret(secret)?, Algorithm::Hs256)?
//!     .ttl(Duration::from_secs(30 * 60))
//!     .clock(clock.clone());
//! let jwt = JwtVerifier::builder(DecodingKey::from_secret(secret)?, [Algorithm::Hs256])
//!     .clock(clock.clone())
//!     .build()?;
//! let app = Router::new()
//!     .route("/users/me", get(me))
//!     .with_state(App { bearer: OAuth2PasswordBearer::new("token")?, jwt });
//!
//! let token = issuer.issue("johndoe", &["me", "items"])?;
//! let ok = app.clone().oneshot(Request::get("/users/me")
//!     .header("authorization", format!("Bearer {token}")).body(Body::empty())?).await?;
//! assert_eq!(ok.status(), 200);
//!
//! // Half an hour later the same token has expired:
//! clock.advance(Duration::from_secs(30 * 60));
//! let expired = app.oneshot(Request::get("/users/me")
//!     .header("authorization", format!("Bearer {token}")).body(Body::empty())?).await?;
//! assert_eq!(expired.status(), 401);
//! assert_eq!(
//!     expired.headers()["www-authenticate"],
//!     r#"Bearer error="invalid_token", error_description="the token has expired""#
//! );
//! # Ok(()) }
//! ```

mod algorithm;
mod bearer;
mod cache;
mod claims;
mod clock;
pub mod dangerous;
mod encode;
mod error;
mod header;
mod jwk;
mod key;
mod parse;
mod pem;
mod source;
mod verifier;

pub(crate) use algorithm::AlgorithmSet;
pub use algorithm::{Algorithm, AlgorithmFamily, UnknownAlgorithm};
pub use bearer::JwtBearer;
pub use clock::{Clock, FixedClock, SystemClock};
pub use encode::{ScopedClaims, TokenIssuer, encode};
pub use error::{JwtConfigError, JwtError, JwtErrorKind, KeyError};
pub use header::Header;
pub use jwk::{Jwk, JwkSet, KeySet};
pub use key::{DecodingKey, EncodingKey};
#[cfg(fuzzing)]
#[doc(hidden)]
pub use parse::one_pass::fuzz_claims;
pub use source::KeySource;
pub use verifier::{JwtVerifier, JwtVerifierBuilder, Verified};
