//! Verified credentials: [`Security<V, L>`] runs a [`Verifier`] on a
//! scheme's credentials with the route's [scopes](mod@crate::scopes).
//!
//! FastAPI writes `Security(get_current_user, scopes=["items"])`; warden
//! writes `Security<CurrentUser, Items>`, where `CurrentUser` is a
//! [`Verifier`] in the router state and `Items` a
//! [`ScopeList`]. The extractor
//!
//! 1. extracts the verifier's scheme (its own errors first: missing
//!    credentials are the scheme's `401`, and the 400s of POLICY D6/D10);
//! 2. computes the effective scopes: those of the [`DeclareScopes`](crate::scopes::DeclareScopes)
//!    layers around the route, then `L`'s, without duplicates;
//! 3. calls [`Verifier::verify`] with both, and hands the handler what it
//!    returns.
//!
//! With a JWT verifier (`JwtBearer`, feature `jwt`) enforcement is the
//! RFC 6750 default: an invalid, expired or not-yet-valid token answers `401`
//! with `Bearer error="invalid_token"`, and missing scopes `403` with
//! `Bearer error="insufficient_scope", scope="…"`.
//! `JwtBearer::map_rejection` restores the FastAPI tutorial's answers in a
//! few lines.
//!
//! To require a verifier for a whole router without reading its output, use
//! axum's `middleware::from_extractor_with_state::<Security<V, L>, _>`.
//!
//! # Example
//!
//! A verifier of API keys that names the user, and a handler that needs it:
//!
//! ```
//! use axum::{Router, routing::get, body::Body, http::Request};
//! use tower::ServiceExt;
//! use warden::{ApiKey, ApiKeyCredentials, AuthRejection, Security, scopes::SecurityScopes, security::Verifier};
//!
//! #[derive(Clone)]
//! struct KeyOwner { scheme: ApiKey }
//!
//! impl Verifier for KeyOwner {
//!     type Scheme = ApiKey;
//!     type Output = &'static str;
//!
//!     fn scheme(&self) -> &ApiKey { &self.scheme }
//!
//!     async fn verify(&self, key: &ApiKeyCredentials, _: &SecurityScopes) -> Result<&'static str, AuthRejection> {
//!         if key.ct_eq("k-alice") { Ok("alice") } else { Err(AuthRejection::invalid_token("unknown key")) }
//!     }
//! }
//!
//! async fn me(owner: Security<KeyOwner>) -> String { format!("hello {}", *owner) }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let app = Router::new().route("/me", get(me)).with_state(KeyOwner { scheme: ApiKey::header("X-API-Key")? });
//!
//! let missing = app.clone().oneshot(Request::get("/me").body(Body::empty())?).await?;
//! assert_eq!(missing.status(), 401);
//! assert_eq!(missing.headers()["www-authenticate"], "APIKey");
//!
//! let ok = app.oneshot(Request::get("/me").header("x-api-key", "k-alice").body(Body::empty())?).await?;
//! assert_eq!(ok.status(), 200);
//! # Ok(()) }
//! ```

use std::{fmt, future::Future, marker::PhantomData, ops::Deref};

use axum_core::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;

use crate::{
    AuthRejection, BearerToken, Scheme,
    extract::resolve,
    scheme::HttpCredentials,
    scopes::{ScopeList, SecurityScopes, declared},
};

/// Turns a scheme's credentials into what a handler needs (a user, the
/// token's claims) or a rejection, given the scopes the route needs.
///
/// This is FastAPI's `get_current_user` dependency: put one in the router
/// state and take [`Security<V, L>`] in handlers.
///
/// ```
/// use warden::{AuthRejection, AuthErrorKind, BearerToken, OAuth2PasswordBearer, scopes::SecurityScopes, security::Verifier};
///
/// /// Tokens are `"<user>.<scope>.<scope>"` (a test format, not a JWT).
/// #[derive(Clone)]
/// struct CurrentUser { scheme: OAuth2PasswordBearer }
///
/// impl Verifier for CurrentUser {
///     type Scheme = OAuth2PasswordBearer;
///     type Output = String;
///
///     fn scheme(&self) -> &OAuth2PasswordBearer { &self.scheme }
///
///     async fn verify(&self, token: &BearerToken, scopes: &SecurityScopes) -> Result<String, AuthRejection> {
///         let mut parts = token.as_str().split('.');
///         let user = parts.next().unwrap_or_default().to_owned();
///         let granted: Vec<&str> = parts.collect();
///         // FastAPI's tutorial answers 401 "Not enough permissions" with the scopes challenge:
///         if scopes.missing(&granted[..]).is_some() {
///             return Err(AuthRejection::new(AuthErrorKind::InsufficientScope)
///                 .with_status(http::StatusCode::UNAUTHORIZED)
///                 .with_challenge(scopes.challenge())
///                 .with_detail("Not enough permissions"));
///         }
///         Ok(user)
///     }
/// }
/// ```
pub trait Verifier: Clone + Send + Sync + 'static {
    /// The scheme whose credentials are verified.
    type Scheme: Scheme;
    /// What the handler receives.
    type Output: Send + 'static;

    /// The scheme configuration.
    fn scheme(&self) -> &Self::Scheme;

    /// Verifies `credentials` for a route that needs `scopes`.
    ///
    /// # Errors
    ///
    /// The answer the request gets instead: usually
    /// [`AuthRejection::invalid_token`] (401) or
    /// [`SecurityScopes::authorize`]'s `insufficient_scope` (403).
    fn verify(
        &self,
        credentials: &<Self::Scheme as Scheme>::Credentials,
        scopes: &SecurityScopes,
    ) -> impl Future<Output = Result<Self::Output, AuthRejection>> + Send;

    /// Whether [`verify`](Self::verify) refuses with RFC 6750's answers:
    /// `401 invalid_token` for a token it does not accept and
    /// `403 insufficient_scope` for one that lacks a scope the route needs.
    /// The OpenAPI documentation (feature `openapi`) lists those answers
    /// for the routes that use this verifier. False unless the verifier
    /// says so; `JwtBearer` (feature `jwt`) does, and a
    /// verifier that wraps one answers what it answers.
    fn answers_rfc6750(&self) -> bool {
        false
    }
}

/// What a [`Verifier`] returned for this request: see the
/// [module documentation](self).
///
/// | handler argument | credentials absent | present, refused | present, accepted |
/// | --- | --- | --- | --- |
/// | `Security<V, L>` | the scheme's `401` | the verifier's answer | runs |
/// | `Option<Security<V, L>>` | `None` | the verifier's answer | `Some` |
pub struct Security<V: Verifier, L: ScopeList = ()> {
    output: V::Output,
    scopes: SecurityScopes,
    _list: PhantomData<fn() -> L>,
}

impl<V: Verifier, L: ScopeList> Security<V, L> {
    /// What the verifier returned.
    pub fn into_inner(self) -> V::Output {
        self.output
    }

    /// The effective scopes the verifier was given.
    pub fn scopes(&self) -> &SecurityScopes {
        &self.scopes
    }
}

impl<V: Verifier, L: ScopeList> Deref for Security<V, L> {
    type Target = V::Output;

    fn deref(&self) -> &V::Output {
        &self.output
    }
}

impl<V: Verifier, L: ScopeList> fmt::Debug for Security<V, L>
where
    V::Output: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Security").field("output", &self.output).field("scopes", &self.scopes).finish()
    }
}

/// What a [`Security`] extraction starts from: the verifier, its scheme's
/// credentials (`None` when absent) and the effective scopes.
struct Prepared<V: Verifier> {
    verifier: V,
    credentials: Option<<V::Scheme as Scheme>::Credentials>,
    scopes: SecurityScopes,
}

fn prepare<V, L, St>(parts: &Parts, state: &St) -> Result<Prepared<V>, AuthRejection>
where
    V: Verifier + FromRef<St>,
    L: ScopeList,
{
    let verifier = V::from_ref(state);
    let credentials = resolve(parts, verifier.scheme())?;
    let scopes = declared(parts).then::<L>();
    Ok(Prepared { verifier, credentials, scopes })
}

impl<V: Verifier> Prepared<V> {
    /// Verifies the credentials; `Err(verifier)` when they are absent.
    async fn run<L: ScopeList>(self) -> Result<Result<Security<V, L>, V>, AuthRejection> {
        let Some(credentials) = self.credentials else {
            return Ok(Err(self.verifier));
        };
        let output = self.verifier.verify(&credentials, &self.scopes).await?;
        Ok(Ok(Security { output, scopes: self.scopes, _list: PhantomData }))
    }
}

impl<St, V, L> FromRequestParts<St> for Security<V, L>
where
    V: Verifier + FromRef<St>,
    L: ScopeList,
    St: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &St) -> Result<Self, AuthRejection> {
        prepare::<V, L, St>(parts, state)?.run().await?.map_err(|verifier| verifier.scheme().not_authenticated())
    }
}

impl<St, V, L> OptionalFromRequestParts<St> for Security<V, L>
where
    V: Verifier + FromRef<St>,
    L: ScopeList,
    St: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &St) -> Result<Option<Self>, AuthRejection> {
        Ok(prepare::<V, L, St>(parts, state)?.run().await?.ok())
    }
}

/// Credentials that carry a bearer token: those of the OAuth2 and OpenID
/// Connect schemes ([`BearerToken`]) and of [`HttpBearer`](crate::HttpBearer)
/// ([`HttpCredentials`]).
pub trait TokenCredentials {
    /// The token.
    fn token(&self) -> &str;
}

impl TokenCredentials for BearerToken {
    fn token(&self) -> &str {
        self.as_str()
    }
}

impl TokenCredentials for HttpCredentials {
    fn token(&self) -> &str {
        self.credentials()
    }
}
