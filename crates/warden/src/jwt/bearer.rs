//! [`JwtBearer`]: the [`Verifier`] of JWT bearer tokens that
//! [`Security<V, L>`](crate::Security) runs, with RFC 6750's answers.

use std::{fmt, sync::Arc};

use serde::de::DeserializeOwned;

use super::{DecodingKey, JwtErrorKind, JwtVerifier, KeySource, Verified};
use crate::{
    AuthRejection, OAuth2PasswordBearer, Scheme,
    scopes::{GrantedScopes, SecurityScopes},
    security::{TokenCredentials, Verifier},
};

type MapRejection = Arc<dyn Fn(AuthRejection, &SecurityScopes) -> AuthRejection + Send + Sync>;

/// A [`Verifier`] of JWT bearer tokens: a scheme that extracts the token
/// and a [`JwtVerifier`] whose claims `C` say which scopes were granted.
///
/// | token | answer |
/// | --- | --- |
/// | absent | the scheme's `401`, challenge `Bearer` |
/// | not a JWT, bad signature, wrong `alg`, expired, not yet valid, wrong `aud`/`iss` | `401`, `Bearer error="invalid_token", error_description="…"` |
/// | valid, a required scope not granted | `403`, `Bearer error="insufficient_scope", scope="<required scopes>"` |
/// | valid, every scope granted | the handler gets [`Verified<C>`] |
///
/// # Example: the scopes of FastAPI's tutorial, RFC style
///
/// ```
/// use axum::{Router, routing::get, body::Body, http::Request};
/// use tower::ServiceExt;
/// use warden::{OAuth2PasswordBearer, Security, jwt::*, jwt::JwtBearer};
///
/// warden::scopes! { pub Items = ["items", "me"]; }
///
/// type CurrentUser = JwtBearer<ScopedClaims>;
///
/// async fn items(user: Security<CurrentUser, Items>) -> String {
///     format!("items of {}", user.sub)
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let secret = b"09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7";
/// let scheme = OAuth2PasswordBearer::builder("token").scope("me", "Read me").scope("items", "Read items").build()?;
/// let verifier = JwtVerifier::builder(DecodingKey::from_secret(secret)?, [Algorithm::Hs256]).build()?;
/// let app = Router::new().route("/items", get(items)).with_state(JwtBearer::new(scheme, verifier));
///
/// let issuer = TokenIssuer::new(EncodingKey::from_secret(secret)?, Algorithm::Hs256)?;
/// let call = |token: String| Request::get("/items").header("authorization", format!("Bearer {token}")).body(Body::empty());
///
/// let ok = app.clone().oneshot(call(issuer.issue("johndoe", &["me", "items"])?)?).await?;
/// assert_eq!(ok.status(), 200);
///
/// let no_items = app.clone().oneshot(call(issuer.issue("johndoe", &["me"])?)?).await?;
/// assert_eq!(no_items.status(), 403);
/// assert_eq!(no_items.headers()["www-authenticate"], r#"Bearer error="insufficient_scope", scope="items me""#);
///
/// let forged = app.oneshot(call("not.a.jwt".to_owned())?).await?;
/// assert_eq!(forged.status(), 401);
/// assert!(forged.headers()["www-authenticate"].to_str()?.starts_with(r#"Bearer error="invalid_token""#));
/// # Ok(()) }
/// ```
pub struct JwtBearer<C, S = OAuth2PasswordBearer, K = DecodingKey> {
    scheme: S,
    jwt: JwtVerifier<C, K>,
    map_rejection: Option<MapRejection>,
}

impl<C, S: Clone, K> Clone for JwtBearer<C, S, K> {
    fn clone(&self) -> Self {
        Self { scheme: self.scheme.clone(), jwt: self.jwt.clone(), map_rejection: self.map_rejection.clone() }
    }
}

impl<C, S: fmt::Debug, K> fmt::Debug for JwtBearer<C, S, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtBearer")
            .field("scheme", &self.scheme)
            .field("jwt", &self.jwt)
            .field("map_rejection", &self.map_rejection.is_some())
            .finish()
    }
}

impl<C, S, K> JwtBearer<C, S, K> {
    /// Verifies the tokens `scheme` extracts with `jwt`.
    pub fn new(scheme: S, jwt: JwtVerifier<C, K>) -> Self {
        Self { scheme, jwt, map_rejection: None }
    }

    /// Rewrites the `invalid_token` and `insufficient_scope` rejections,
    /// given the route's scopes. FastAPI's scopes tutorial answers both
    /// with `401` and its own challenge:
    ///
    /// ```
    /// use warden::{AuthErrorKind, AuthRejection, OAuth2PasswordBearer, jwt::*, jwt::JwtBearer};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let jwt = JwtVerifier::<ScopedClaims>::builder(DecodingKey::from_secret(b"a secret of at least 32 bytes!!!")?, [Algorithm::Hs256]).build()?;
    /// let current_user = JwtBearer::new(OAuth2PasswordBearer::new("token")?, jwt).map_rejection(|rejection, scopes| {
    ///     let detail = match rejection.kind() {
    ///         AuthErrorKind::InsufficientScope => "Not enough permissions",
    ///         _ => "Could not validate credentials",
    ///     };
    ///     AuthRejection::new(rejection.kind())
    ///         .with_status(http::StatusCode::UNAUTHORIZED)
    ///         .with_challenge(scopes.challenge())
    ///         .with_detail(detail)
    /// });
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn map_rejection<F>(mut self, map: F) -> Self
    where
        F: Fn(AuthRejection, &SecurityScopes) -> AuthRejection + Send + Sync + 'static,
    {
        self.map_rejection = Some(Arc::new(map));
        self
    }

    /// The scheme.
    pub fn scheme(&self) -> &S {
        &self.scheme
    }

    /// The JWT verifier.
    pub fn jwt(&self) -> &JwtVerifier<C, K> {
        &self.jwt
    }

    fn reject(&self, rejection: AuthRejection, scopes: &SecurityScopes) -> AuthRejection {
        match &self.map_rejection {
            Some(map) => map(rejection, scopes),
            None => rejection,
        }
    }
}

impl<C, S, K> Verifier for JwtBearer<C, S, K>
where
    C: DeserializeOwned + GrantedScopes + Send + Sync + 'static,
    S: Scheme,
    S::Credentials: TokenCredentials + Sync,
    K: KeySource + 'static,
    for<'a> K::Key<'a>: Send,
{
    type Scheme = S;
    type Output = Verified<C>;

    fn scheme(&self) -> &S {
        &self.scheme
    }

    fn answers_rfc6750(&self) -> bool {
        true
    }

    async fn verify(
        &self,
        credentials: &S::Credentials,
        scopes: &SecurityScopes,
    ) -> Result<Verified<C>, AuthRejection> {
        let token = credentials.token();
        // The keys in memory first; only a key the source has not fetched
        // yet (an unknown `kid`, no keys so far) waits, boxed so that the
        // common path keeps the request's future small.
        let verified = match self.jwt.verify(token) {
            Err(error) if matches!(error.kind(), JwtErrorKind::UnknownKey | JwtErrorKind::KeyUnavailable) => {
                Box::pin(self.jwt.verify_async(token)).await
            }
            verified => verified,
        };
        let verified = match verified {
            Ok(verified) => verified,
            Err(error) => return Err(self.reject(error.into(), scopes)),
        };
        match scopes.authorize(verified.claims()) {
            Ok(()) => Ok(verified),
            Err(rejection) => Err(self.reject(rejection, scopes)),
        }
    }
}
