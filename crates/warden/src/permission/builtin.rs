//! Built-in permissions: [`Allow`], [`Deny`], [`IsAuthenticated`],
//! [`HasRole`] and [`HasScope`].

use std::{borrow::Cow, collections::BTreeSet, fmt, marker::PhantomData};

use axum_core::{extract::FromRequestParts, response::IntoResponse};
use http::{HeaderMap, StatusCode, header::WWW_AUTHENTICATE};

use super::{Cx, Permission, PermissionMeta, Unresolved, Verdict};
use crate::{Scheme, extract};

/// Always allows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Allow;

impl PermissionMeta for Allow {}

impl<S: Send + Sync> Permission<S> for Allow {
    const ANSWERS_AT_ONCE: bool = true;

    fn check_now(&self, _: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        Ok(Verdict::Allow)
    }
}

/// Always refuses.
#[derive(Debug, Clone, Copy, Default)]
pub struct Deny;

impl PermissionMeta for Deny {}

impl<S: Send + Sync> Permission<S> for Deny {
    const ANSWERS_AT_ONCE: bool = true;

    fn check_now(&self, _: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        Ok(Verdict::Deny(None))
    }
}

/// Allows requests that carry credentials of scheme `Sc`.
///
/// Absent credentials refuse as the scheme does, by default
/// `401 {"detail":"Not authenticated"}` with the scheme's challenge (for a
/// Bearer scheme, `WWW-Authenticate: Bearer`); a scheme with the legacy hook
/// gives its `403` without a challenge. Malformed or ambiguous credentials
/// send the scheme's own answer (a `400` for a bearer token that is not a
/// `b64token`, say).
#[derive(Clone)]
pub struct IsAuthenticated<Sc> {
    scheme: Sc,
    status: StatusCode,
    challenges: HeaderMap,
}

impl<Sc: Scheme> IsAuthenticated<Sc> {
    /// Requires credentials of `scheme`.
    pub fn new(scheme: Sc) -> Self {
        let missing = scheme.not_authenticated();
        let mut challenges = HeaderMap::new();
        for challenge in missing.challenges() {
            challenges.append(WWW_AUTHENTICATE, challenge.to_header_value());
        }
        Self { scheme, status: missing.status(), challenges }
    }

    /// The scheme whose credentials are required.
    pub fn scheme(&self) -> &Sc {
        &self.scheme
    }
}

impl<Sc> fmt::Debug for IsAuthenticated<Sc> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IsAuthenticated").field("challenges", &self.challenges).finish_non_exhaustive()
    }
}

impl<Sc: Scheme> PermissionMeta for IsAuthenticated<Sc> {
    fn default_message(&self) -> Cow<'static, str> {
        Cow::Borrowed("Not authenticated")
    }

    fn default_status(&self) -> StatusCode {
        self.status
    }

    fn default_headers(&self) -> Option<HeaderMap> {
        (!self.challenges.is_empty()).then(|| self.challenges.clone())
    }
}

impl<S: Send + Sync, Sc: Scheme> Permission<S> for IsAuthenticated<Sc> {
    const ANSWERS_AT_ONCE: bool = true;

    fn check_now(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        match extract::resolve(cx.parts(), &self.scheme) {
            Ok(credentials) => Ok(credentials.is_some().into()),
            Err(rejection) => Err(Unresolved::new(rejection)),
        }
    }
}

/// Allows requests whose role, extracted by `R`, is one of the given roles.
///
/// `R` is any extractor that yields the current role as text: a header, a
/// claim of a verified token, a database lookup.
///
/// ```
/// use warden::permission::HasRole;
///
/// # struct RoleHeader(String);
/// # impl AsRef<str> for RoleHeader { fn as_ref(&self) -> &str { &self.0 } }
/// let staff = HasRole::<RoleHeader>::new(["admin", "moderator"]);
/// ```
pub struct HasRole<R> {
    roles: BTreeSet<Cow<'static, str>>,
    input: PhantomData<fn() -> R>,
}

impl<R> HasRole<R> {
    /// Allows the listed roles.
    pub fn new<I: IntoIterator<Item = T>, T: Into<Cow<'static, str>>>(roles: I) -> Self {
        Self { roles: roles.into_iter().map(Into::into).collect(), input: PhantomData }
    }
}

impl<R> Clone for HasRole<R> {
    fn clone(&self) -> Self {
        Self { roles: self.roles.clone(), input: PhantomData }
    }
}

impl<R> fmt::Debug for HasRole<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HasRole").field("roles", &self.roles).finish()
    }
}

impl<R> PermissionMeta for HasRole<R> {}

impl<S, R> Permission<S> for HasRole<R>
where
    S: Send + Sync,
    R: FromRequestParts<S> + AsRef<str> + Send,
    R::Rejection: IntoResponse,
{
    async fn check(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        let role: R = cx.extract().await?;
        Ok(self.roles.contains(role.as_ref()).into())
    }
}

/// Scopes a request was granted, as read by an extractor (the claims of a
/// verified token, say).
pub trait ScopeSet {
    /// True if `scope` was granted.
    fn has_scope(&self, scope: &str) -> bool;
}

/// Allows requests granted every one of the given scopes, read by `R`.
pub struct HasScope<R> {
    scopes: Vec<Cow<'static, str>>,
    input: PhantomData<fn() -> R>,
}

impl<R> HasScope<R> {
    /// Requires all the listed scopes.
    pub fn new<I: IntoIterator<Item = T>, T: Into<Cow<'static, str>>>(scopes: I) -> Self {
        Self { scopes: scopes.into_iter().map(Into::into).collect(), input: PhantomData }
    }

    /// The required scopes.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scopes.iter().map(|scope| &**scope)
    }
}

impl<R> Clone for HasScope<R> {
    fn clone(&self) -> Self {
        Self { scopes: self.scopes.clone(), input: PhantomData }
    }
}

impl<R> fmt::Debug for HasScope<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HasScope").field("scopes", &self.scopes).finish()
    }
}

impl<R> PermissionMeta for HasScope<R> {}

impl<S, R> Permission<S> for HasScope<R>
where
    S: Send + Sync,
    R: FromRequestParts<S> + ScopeSet + Send,
    R::Rejection: IntoResponse,
{
    async fn check(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        let granted: R = cx.extract().await?;
        Ok(self.scopes.iter().all(|scope| granted.has_scope(scope)).into())
    }
}

crate::permission_ops!(Allow, Deny, IsAuthenticated<Sc>, HasRole<R>, HasScope<R>);
