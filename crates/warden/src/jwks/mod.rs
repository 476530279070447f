//! JWK sets fetched from a URL, cached as `Cache-Control` allows, and OpenID
//! Connect discovery.
//!
//! * [`JwksSource`] fetches an identity provider's JWK set (RFC 7517 §5)
//!   over HTTPS and is the [`KeySource`](crate::jwt::KeySource) of a
//!   [`JwtVerifier`](crate::jwt::JwtVerifier): lookups never wait, keys are
//!   refetched when `Cache-Control` says they are stale or a token names an
//!   unknown `kid` (rate-limited, one fetch shared by every caller, at
//!   most [`max_waiters`](JwksSourceBuilder::max_waiters) waiting for it and
//!   the next refused at once with `503` and `Retry-After: 1`), and
//!   when the provider is down the last good keys stay in use. Its
//!   documentation lists each rule; [`JwksSourceBuilder`] the settings.
//! * [`OidcDiscovery`] reads an OpenID Provider's metadata (OpenID Connect
//!   Discovery 1.0), checks that its `issuer` is the one expected (§4.3) and
//!   gives the issuer to require in tokens and a source for its `jwks_uri`.
//! * [`JwksError`] says why a source or a discovery could not be built
//!   ([`JwksErrorKind::is_config`]), or why a fetch failed. Token
//!   verification never sees it except as the `source` of a
//!   [`JwtError`](crate::jwt::JwtError): a request is answered `401
//!   invalid_token`, never `5xx`, whatever the provider does (the one
//!   `503` is a declared overload: too many requests waiting for a fetch).
//!
//! The HTTP client is hyper's over rustls (aws-lc-rs, the operating
//! system's root certificates). It speaks HTTP/1.1, follows no redirect,
//! keeps no connection open between fetches, and enforces a deadline on the
//! whole fetch and a limit on the body size. Plain `http` is accepted for
//! loopback hosts (tests, sidecars) and otherwise only when allowed.
//!
//! # Example
//!
//! A provider on a local port publishes a key; a token signed with it
//! verifies. (An HMAC key keeps the example short, and takes
//! [`allow_symmetric_keys`](JwksSourceBuilder::allow_symmetric_keys), without
//! which a fetched set's secret keys are skipped: providers publish RSA, EC or
//! Ed25519 public keys, which need no such setting.)
//!
//! ```
//! use axum::{Router, routing::get};
//! use serde_json::json;
//! use warden::jwks::JwksSource;
//! use warden::jwt::{Algorithm, EncodingKey, JwtVerifier, ScopedClaims, TokenIssuer};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let secret = b"a 32-byte secret for the example";
//! let jwks = json!({ "keys": [{
//!     "kty": "oct", "kid": "2024-06", "alg": "HS256", "use": "sig",
//!     "k": "YSAzMi1ieXRlIHNlY3JldCBmb3IgdGhlIGV4YW1wbGU",
//! }]});
//! let provider = Router::new().route(
//!     "/jwks.json",
//!     get(move || async move { ([("cache-control", "public, max-age=300")], axum::Json(jwks)) }),
//! );
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let url = format!("http://{}/jwks.json", listener.local_addr()?);
//! tokio::spawn(async move { axum::serve(listener, provider).await });
//!
//! let keys = JwksSource::builder(url).allow_symmetric_keys(true).build()?;
//! let verifier = JwtVerifier::<ScopedClaims, _>::builder(keys, [Algorithm::Hs256]).build()?;
//! let token = TokenIssuer::new(EncodingKey::from_secret(secret)?, Algorithm::Hs256)?
//!     .kid("2024-06")
//!     .issue("johndoe", &["me"])?;
//!
//! // The first verification fetches the keys, the next ones read them from memory.
//! let claims = verifier.verify_async(&token).await?;
//! assert_eq!(claims.sub, "johndoe");
//! assert!(verifier.verify(&token).is_ok());
//! # Ok(()) }
//! ```

mod cache_control;
mod discovery;
mod error;
mod http;
mod source;

pub use discovery::{OidcDiscovery, OidcDiscoveryBuilder, ProviderMetadata};
pub use error::{JwksError, JwksErrorKind};
pub use source::{JwksSource, JwksSourceBuilder};
