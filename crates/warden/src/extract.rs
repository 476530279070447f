//! The [`Auth`] extractor.

use std::{fmt, future::Future, ops::Deref};

use axum_core::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;

use crate::{AuthRejection, Scheme};

/// Credentials of scheme `S`, extracted from the request.
///
/// The scheme's configuration comes from the router state through
/// [`FromRef`], so an app can hold several (see [`scheme`](crate::scheme)).
///
/// | handler argument | credentials present | absent | malformed / ambiguous |
/// | --- | --- | --- | --- |
/// | `Auth<S>` | runs | scheme's `401` | `401` / `400` |
/// | `Option<Auth<S>>` | `Some` | `None` | `401` / `400` |
/// | `Result<Auth<S>, AuthRejection>` | `Ok` | `Err` | `Err` |
///
/// Behind a [`RequireAuth<S>`](crate::RequireAuth) layer with the same scheme
/// configuration, `Auth<S>` reuses the credentials the layer extracted
/// instead of parsing the request again; a different configuration of the
/// same type parses for itself.
///
/// # Example
///
/// ```
/// use axum::{Router, extract::FromRef, routing::get};
/// use warden::{ApiKey, Auth, HttpBasic};
///
/// /// Two configurations of one scheme type: the marker tells them apart.
/// struct Admin;
///
/// #[derive(Clone, FromRef)]
/// struct AppState {
///     users: HttpBasic,
///     admins: HttpBasic<Admin>,
///     key: ApiKey,
/// }
///
/// async fn user(Auth(creds): Auth<HttpBasic>) -> String { creds.username().to_owned() }
/// async fn admin(Auth(creds): Auth<HttpBasic<Admin>>) -> String { creds.username().to_owned() }
/// async fn maybe(key: Option<Auth<ApiKey>>) -> &'static str {
///     if key.is_some() { "with key" } else { "anonymous" }
/// }
///
/// let state = AppState {
///     users: HttpBasic::new("users")?,
///     admins: HttpBasic::new("admins")?.with_marker(),
///     key: ApiKey::header("X-API-Key")?,
/// };
/// let app: Router = Router::new()
///     .route("/user", get(user))
///     .route("/admin", get(admin))
///     .route("/maybe", get(maybe))
///     .with_state(state);
/// # Ok::<(), warden::ConfigError>(())
/// ```
pub struct Auth<S: Scheme>(pub S::Credentials);

impl<S: Scheme> Auth<S> {
    /// The credentials.
    pub fn into_inner(self) -> S::Credentials {
        self.0
    }
}

impl<S: Scheme> Deref for Auth<S> {
    type Target = S::Credentials;

    fn deref(&self) -> &S::Credentials {
        &self.0
    }
}

impl<S: Scheme> Clone for Auth<S> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<S: Scheme> fmt::Debug for Auth<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Auth").field(&self.0).finish()
    }
}

/// Credentials a [`RequireAuth`](crate::RequireAuth) layer already extracted,
/// in the request extensions, with the [identity](Scheme::identity) of the
/// configuration that extracted them.
pub(crate) struct Resolved<S: Scheme> {
    pub(crate) identity: usize,
    pub(crate) credentials: S::Credentials,
}

impl<S: Scheme> Clone for Resolved<S> {
    fn clone(&self) -> Self {
        Self { identity: self.identity, credentials: self.credentials.clone() }
    }
}

/// Credentials a layer already extracted with this very configuration.
#[inline]
fn cached<S: Scheme>(parts: &Parts, scheme: &S) -> Option<S::Credentials> {
    let identity = scheme.identity()?;
    let resolved = parts.extensions.get::<Resolved<S>>()?;
    (resolved.identity == identity).then(|| resolved.credentials.clone())
}

/// `scheme`'s credentials: reused from a layer when it used the same
/// configuration, else parsed.
pub(crate) fn resolve<S: Scheme>(parts: &Parts, scheme: &S) -> Result<Option<S::Credentials>, AuthRejection> {
    match cached(parts, scheme) {
        Some(credentials) => Ok(Some(credentials)),
        None => scheme.extract(parts),
    }
}

// Extraction never waits, so both impls answer with a ready future rather
// than an `async fn` state machine.
impl<St, S> FromRequestParts<St> for Auth<S>
where
    S: Scheme + FromRef<St>,
    St: Send + Sync,
{
    type Rejection = AuthRejection;

    fn from_request_parts(parts: &mut Parts, state: &St) -> impl Future<Output = Result<Self, AuthRejection>> + Send {
        std::future::ready(required(parts, state))
    }
}

#[inline]
fn required<St, S: Scheme + FromRef<St>>(parts: &Parts, state: &St) -> Result<Auth<S>, AuthRejection> {
    let scheme = S::from_ref(state);
    match resolve(parts, &scheme)? {
        Some(credentials) => Ok(Auth(credentials)),
        None => Err(scheme.not_authenticated()),
    }
}

impl<St, S> OptionalFromRequestParts<St> for Auth<S>
where
    S: Scheme + FromRef<St>,
    St: Send + Sync,
{
    type Rejection = AuthRejection;

    fn from_request_parts(
        parts: &mut Parts,
        state: &St,
    ) -> impl Future<Output = Result<Option<Self>, AuthRejection>> + Send {
        std::future::ready(resolve(parts, &S::from_ref(state)).map(|credentials| credentials.map(Self)))
    }
}
