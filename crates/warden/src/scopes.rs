//! OAuth2 scopes: what a route needs, carried from the outermost requirement
//! inwards (FastAPI's `SecurityScopes`).
//!
//! A route declares the scopes it needs in two places, both checked when the
//! app is built:
//!
//! * on a router or route, with the [`DeclareScopes`] layer;
//! * on an extractor, with a [`ScopeList`] type parameter of
//!   [`Security<V, L>`](crate::Security), written with [`scopes!`](macro@crate::scopes).
//!
//! The **effective** scopes of a requirement are its parent's, then its own,
//! without duplicates (the first one kept): a `DeclareScopes(["me"])` around
//! a `Security<V, Items>` with `Items = ["items", "me"]` needs `me items`.
//! That is FastAPI's order since 0.122, and the order the challenge lists
//! them in: `Bearer scope="me items"`.
//!
//! [`SecurityScopes`] is that list. A [`Verifier`](crate::security::Verifier)
//! receives it with the token; a handler can take it as an extractor to read
//! what the layers around it declared. [`SecurityScopes::authorize`] is the
//! RFC 6750 check: every required scope granted, or `403` with
//! `Bearer error="insufficient_scope", scope="…"`.
//!
//! ```
//! use warden::scopes::{GrantedScopes, SecurityScopes};
//!
//! let route = SecurityScopes::from_static(&["me"])?.with(["items", "me"])?;
//! assert_eq!(route.scope_str(), "me items");
//! assert_eq!(route.challenge().to_string(), r#"Bearer scope="me items""#);
//!
//! let granted = ["me"];
//! let rejection = route.authorize(&granted[..]).unwrap_err();
//! assert_eq!(rejection.status(), 403);
//! assert_eq!(
//!     rejection.challenges()[0].to_string(),
//!     r#"Bearer error="insufficient_scope", scope="me items""#
//! );
//! # Ok::<(), warden::ConfigError>(())
//! ```

use std::{
    borrow::Cow,
    convert::Infallible,
    fmt,
    future::Future,
    sync::Arc,
    task::{Context, Poll},
};

use axum_core::extract::FromRequestParts;
use http::{Request, request::Parts};
use tower_layer::Layer;
use tower_service::Service;

use crate::{AuthRejection, Challenge, ConfigError};

/// Whether `scope` is an RFC 6749 §3.3 `scope-token`:
/// `1*( %x21 / %x23-5B / %x5D-7E )`, printable ASCII except SP, `"` and `\`.
///
/// A `const fn`, so that [`scopes!`](macro@crate::scopes) checks its list when the
/// program is compiled.
pub const fn is_scope_token(scope: &str) -> bool {
    let bytes = scope.as_bytes();
    if bytes.is_empty() {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !(b == 0x21 || (b >= 0x23 && b <= 0x5B) || (b >= 0x5D && b <= 0x7E)) {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether `scopes` holds the same scope twice (for [`scopes!`](macro@crate::scopes)).
#[doc(hidden)]
pub const fn has_duplicate(scopes: &[&str]) -> bool {
    let mut i = 0;
    while i < scopes.len() {
        let mut j = i + 1;
        while j < scopes.len() {
            if const_str_eq(scopes[i], scopes[j]) {
                return true;
            }
            j += 1;
        }
        i += 1;
    }
    false
}

const fn const_str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Checks one scope name of a configuration.
pub(crate) fn check_scope_token(scope: &str) -> Result<(), ConfigError> {
    if is_scope_token(scope) {
        Ok(())
    } else {
        Err(ConfigError::InvalidScope(format!(
            "{scope:?} is not an RFC 6749 scope-token (printable ASCII except space, '\"' and '\\', not empty)"
        )))
    }
}

/// A list of scopes known when the program is compiled: the `L` of
/// [`Security<V, L>`](crate::Security). Write one with
/// [`scopes!`](macro@crate::scopes); `()` is the empty list.
pub trait ScopeList: Send + Sync + 'static {
    /// The scopes, in order, without duplicates, each a `scope-token`.
    const SCOPES: &'static [&'static str];
}

impl ScopeList for () {
    const SCOPES: &'static [&'static str] = &[];
}

/// Declares a [`ScopeList`] type, checked when the program is compiled:
/// every scope must be an RFC 6749 `scope-token` and appear once.
///
/// ```
/// warden::scopes! {
///     /// What `/users/me/items/` needs.
///     pub ReadItems = ["items", "me"];
/// }
/// use warden::scopes::ScopeList;
/// assert_eq!(ReadItems::SCOPES, ["items", "me"]);
/// ```
///
/// A space inside a scope, or a repeated scope, does not compile:
///
/// ```compile_fail,E0080
/// warden::scopes! { Bad = ["read items"]; }
/// ```
///
/// ```compile_fail,E0080
/// warden::scopes! { Twice = ["me", "me"]; }
/// ```
#[macro_export]
macro_rules! scopes {
    ($($(#[$meta:meta])* $vis:vis $name:ident = [$($scope:expr),* $(,)?];)+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        $vis struct $name;

        impl $crate::scopes::ScopeList for $name {
            const SCOPES: &'static [&'static str] = {
                const SCOPES: &[&str] = &[$($scope),*];
                let mut i = 0;
                while i < SCOPES.len() {
                    assert!($crate::scopes::is_scope_token(SCOPES[i]), "a scope must be an RFC 6749 scope-token");
                    i += 1;
                }
                assert!(!$crate::scopes::has_duplicate(SCOPES), "a scope is listed twice");
                SCOPES
            };
        }

        // Evaluated when the program is compiled, used or not.
        const _: &[&str] = <$name as $crate::scopes::ScopeList>::SCOPES;
    )+};
}

/// The effective scopes of a requirement: the outer requirements' first,
/// then its own, without duplicates. See the [module documentation](self).
///
/// Cloning is cheap: a list declared in a [`ScopeList`] is a static slice,
/// and one built at run time is shared.
#[derive(Clone)]
pub struct SecurityScopes(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static [&'static str]),
    Shared(Arc<[Cow<'static, str>]>),
}

impl SecurityScopes {
    /// No scopes.
    pub const fn new() -> Self {
        Self(Repr::Static(&[]))
    }

    /// The scopes of a [`ScopeList`] (already checked).
    pub const fn of<L: ScopeList>() -> Self {
        Self(Repr::Static(L::SCOPES))
    }

    /// A static list, used as is (it allocates nothing).
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidScope`] when a scope is not a `scope-token` or
    /// appears twice.
    pub fn from_static(scopes: &'static [&'static str]) -> Result<Self, ConfigError> {
        for scope in scopes {
            check_scope_token(scope)?;
        }
        if has_duplicate(scopes) {
            return Err(ConfigError::InvalidScope(format!("{scopes:?} lists a scope twice")));
        }
        Ok(Self(Repr::Static(scopes)))
    }

    /// This list followed by `more`, without duplicates: the effective scopes
    /// of a requirement nested inside this one.
    ///
    /// ```
    /// use warden::scopes::SecurityScopes;
    ///
    /// let mid = SecurityScopes::new().with(["a", "c"])?;
    /// let leaf = mid.with(["b", "a"])?;
    /// assert_eq!(leaf.scopes().collect::<Vec<_>>(), ["a", "c", "b"]);
    /// # Ok::<(), warden::ConfigError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidScope`] when one of `more` is not a `scope-token`.
    pub fn with<I>(&self, more: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator,
        I::Item: Into<Cow<'static, str>>,
    {
        let more = more.into_iter().map(Into::into).collect::<Vec<Cow<'static, str>>>();
        for scope in &more {
            check_scope_token(scope)?;
        }
        Ok(self.appended(more))
    }

    /// This list followed by the scopes of `L`, without duplicates: the
    /// effective scopes of a requirement declared with a [`ScopeList`],
    /// checked when the program was compiled, so this cannot fail. It
    /// allocates only when both lists are non-empty.
    ///
    /// ```
    /// use warden::scopes::SecurityScopes;
    ///
    /// warden::scopes! { Mid = ["a", "c"]; Leaf = ["b", "a"]; }
    /// let leaf = SecurityScopes::new().then::<Mid>().then::<Leaf>();
    /// assert_eq!(leaf.scope_str(), "a c b");
    /// ```
    pub fn then<L: ScopeList>(&self) -> Self {
        self.then_static(L::SCOPES)
    }

    fn then_static(&self, more: &'static [&'static str]) -> Self {
        if more.is_empty() {
            return self.clone();
        }
        if self.is_empty() {
            return Self(Repr::Static(more));
        }
        self.appended(more.iter().map(|&scope| Cow::Borrowed(scope)))
    }

    /// The scopes as a list to build on; static ones stay borrowed.
    fn to_list(&self) -> Vec<Cow<'static, str>> {
        match &self.0 {
            Repr::Static(list) => list.iter().map(|&scope| Cow::Borrowed(scope)).collect(),
            Repr::Shared(list) => list.to_vec(),
        }
    }

    /// This list followed by `more` (checked already), without duplicates.
    fn appended(&self, more: impl IntoIterator<Item = Cow<'static, str>>) -> Self {
        let mut list = self.to_list();
        for scope in more {
            if !list.contains(&scope) {
                list.push(scope);
            }
        }
        Self(Repr::Shared(list.into()))
    }

    /// The scopes, outermost first.
    pub fn scopes(&self) -> impl ExactSizeIterator<Item = &str> + Clone + '_ {
        let (statics, shared): (&[&str], &[Cow<'static, str>]) = match &self.0 {
            Repr::Static(list) => (list, &[]),
            Repr::Shared(list) => (&[], list),
        };
        ScopesIter { statics: statics.iter(), shared: shared.iter() }
    }

    /// How many scopes there are.
    pub fn len(&self) -> usize {
        self.scopes().len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `scope` is one of them.
    pub fn contains(&self, scope: &str) -> bool {
        self.scopes().any(|s| s == scope)
    }

    /// The scopes joined by single spaces (FastAPI's `scope_str`), the value
    /// of a challenge's `scope` parameter.
    pub fn scope_str(&self) -> String {
        let mut out = String::new();
        for (i, scope) in self.scopes().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(scope);
        }
        out
    }

    /// The challenge of the FastAPI scopes tutorial: `Bearer scope="…"`, or
    /// `Bearer` when no scope is needed.
    pub fn challenge(&self) -> Challenge {
        let challenge = Challenge::known_token("Bearer");
        if self.is_empty() { challenge } else { challenge.param_lossy("scope", &self.scope_str()) }
    }

    /// The first scope that `granted` lacks, if any.
    pub fn missing<G: GrantedScopes + ?Sized>(&self, granted: &G) -> Option<&str> {
        self.scopes().find(|scope| !granted.has_scope(scope))
    }

    /// RFC 6750 §3.1: every scope granted, or `403` with
    /// `Bearer error="insufficient_scope", scope="<all of them>"` and
    /// `{"detail":"Not enough permissions"}`.
    ///
    /// # Errors
    ///
    /// The `insufficient_scope` rejection when a scope is missing.
    pub fn authorize<G: GrantedScopes + ?Sized>(&self, granted: &G) -> Result<(), AuthRejection> {
        match self.missing(granted) {
            None => Ok(()),
            Some(_) => Err(AuthRejection::insufficient_scope(self.scopes())),
        }
    }
}

impl Default for SecurityScopes {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for SecurityScopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.scopes()).finish()
    }
}

impl PartialEq for SecurityScopes {
    fn eq(&self, other: &Self) -> bool {
        self.scopes().eq(other.scopes())
    }
}

impl Eq for SecurityScopes {}

#[derive(Clone)]
struct ScopesIter<'a> {
    statics: std::slice::Iter<'a, &'static str>,
    shared: std::slice::Iter<'a, Cow<'static, str>>,
}

impl<'a> Iterator for ScopesIter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match self.statics.next() {
            Some(scope) => Some(scope),
            None => self.shared.next().map(|scope| &**scope),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let len = self.statics.len() + self.shared.len();
        (len, Some(len))
    }
}

impl ExactSizeIterator for ScopesIter<'_> {}

/// The scopes a request's layers declared, outermost first; empty when none
/// did. Never rejects.
impl<St: Send + Sync> FromRequestParts<St> for SecurityScopes {
    type Rejection = Infallible;

    fn from_request_parts(parts: &mut Parts, _: &St) -> impl Future<Output = Result<Self, Infallible>> + Send {
        std::future::ready(Ok(declared(parts)))
    }
}

/// What the [`DeclareScopes`] layers around this request declared.
pub(crate) fn declared(parts: &Parts) -> SecurityScopes {
    parts.extensions.get::<SecurityScopes>().cloned().unwrap_or_default()
}

/// What a token grants, for [`SecurityScopes::authorize`].
///
/// Implemented for lists of scopes and for `jwt::ScopedClaims` (feature `jwt`);
/// implement it for your claims type to let
/// `jwt::JwtBearer` enforce scopes.
pub trait GrantedScopes {
    /// Whether `scope` was granted.
    fn has_scope(&self, scope: &str) -> bool;
}

impl<T: AsRef<str>> GrantedScopes for [T] {
    fn has_scope(&self, scope: &str) -> bool {
        self.iter().any(|granted| granted.as_ref() == scope)
    }
}

impl<T: AsRef<str>> GrantedScopes for Vec<T> {
    fn has_scope(&self, scope: &str) -> bool {
        self.as_slice().has_scope(scope)
    }
}

impl<G: GrantedScopes + ?Sized> GrantedScopes for &G {
    fn has_scope(&self, scope: &str) -> bool {
        (**self).has_scope(scope)
    }
}

impl<G: GrantedScopes + ?Sized> GrantedScopes for Arc<G> {
    fn has_scope(&self, scope: &str) -> bool {
        (**self).has_scope(scope)
    }
}

/// A space-separated `scope` claim (RFC 8693 §4.2, RFC 9068 §2.2.3), such as
/// `"items me"`.
impl GrantedScopes for str {
    fn has_scope(&self, scope: &str) -> bool {
        self.split(' ').any(|granted| granted == scope)
    }
}

impl GrantedScopes for String {
    fn has_scope(&self, scope: &str) -> bool {
        self.as_str().has_scope(scope)
    }
}

#[cfg(feature = "jwt")]
impl GrantedScopes for crate::jwt::ScopedClaims {
    fn has_scope(&self, scope: &str) -> bool {
        Self::has_scope(self, scope)
    }
}

/// A [`Layer`] declaring scopes every request below it needs, in addition to
/// (after) those of the layers around it. It **checks nothing itself**: the
/// [`Security`](crate::Security) extractors and the handlers below read the
/// effective list, and a verifier enforces it. See the
/// [module documentation](self).
///
/// FastAPI's `dependencies=[Security(get_current_user, scopes=[...])]`,
/// which enforces, is axum's
/// `middleware::from_extractor_with_state::<Security<CurrentUser, Scopes>, _>(state)`
/// (see [`verify`](crate::security)); inside a `DeclareScopes`, that verifier
/// sees these scopes too.
///
/// ```
/// use axum::{Router, routing::get};
/// use warden::scopes::{DeclareScopes, SecurityScopes};
///
/// async fn needs(scopes: SecurityScopes) -> String { scopes.scope_str() }
///
/// let app: Router = Router::new()
///     .route("/items", get(needs).route_layer(DeclareScopes::new(["items", "me"])?))
///     .layer(DeclareScopes::new(["me"])?);
/// // GET /items answers "me items".
/// # Ok::<(), warden::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct DeclareScopes {
    scopes: SecurityScopes,
}

impl DeclareScopes {
    /// Declares `scopes`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidScope`] when one is not a `scope-token`.
    pub fn new<I>(scopes: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator,
        I::Item: Into<Cow<'static, str>>,
    {
        Ok(Self { scopes: SecurityScopes::new().with(scopes)? })
    }

    /// The scopes this layer adds.
    pub fn scopes(&self) -> &SecurityScopes {
        &self.scopes
    }
}

impl<Svc> Layer<Svc> for DeclareScopes {
    type Service = DeclareScopesService<Svc>;

    fn layer(&self, inner: Svc) -> Self::Service {
        DeclareScopesService { scopes: self.scopes.clone(), inner }
    }
}

/// The service of [`DeclareScopes`].
#[derive(Debug, Clone)]
pub struct DeclareScopesService<Svc> {
    scopes: SecurityScopes,
    inner: Svc,
}

impl<Svc, B> Service<Request<B>> for DeclareScopesService<Svc>
where
    Svc: Service<Request<B>>,
{
    type Response = Svc::Response;
    type Error = Svc::Error;
    type Future = Svc::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let effective = match request.extensions().get::<SecurityScopes>() {
            Some(outer) => merge(outer, &self.scopes),
            None => self.scopes.clone(),
        };
        request.extensions_mut().insert(effective);
        self.inner.call(request)
    }
}

/// `outer` then `inner`, without duplicates.
fn merge(outer: &SecurityScopes, inner: &SecurityScopes) -> SecurityScopes {
    if inner.scopes().all(|scope| outer.contains(scope)) {
        return outer.clone();
    }
    outer.appended(inner.to_list())
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::scopes! {
        Items = ["items", "me"];
    }

    #[test]
    fn scope_tokens_are_printable_ascii_without_space_quote_or_backslash() {
        for ok in ["me", "items:read", "https://api.example.com/read", "!", "~", "a.b"] {
            assert!(is_scope_token(ok), "{ok}");
        }
        for bad in ["", "read items", "a\"b", "a\\b", "caf\u{e9}", "a\tb", "a\u{7f}"] {
            assert!(!is_scope_token(bad), "{bad:?}");
        }
    }

    #[test]
    fn nested_scopes_keep_the_outer_ones_first_without_duplicates() {
        let outer = SecurityScopes::from_static(&["me"]).unwrap();
        let nested = outer.then::<Items>();
        assert_eq!(nested.scopes().collect::<Vec<_>>(), ["me", "items"]);
        assert_eq!(nested.scope_str(), "me items");
        assert_eq!(SecurityScopes::new().then::<Items>().scope_str(), "items me");
    }

    #[test]
    fn the_challenge_names_the_scopes_or_none() {
        assert_eq!(SecurityScopes::new().challenge().to_string(), "Bearer");
        assert_eq!(SecurityScopes::of::<Items>().challenge().to_string(), r#"Bearer scope="items me""#);
    }

    #[test]
    fn authorize_lists_every_required_scope_when_one_is_missing() {
        let needed = SecurityScopes::of::<Items>();
        assert!(needed.authorize(&["me", "items", "admin"][..]).is_ok());
        assert!(needed.authorize("me items").is_ok());
        let rejection = needed.authorize(&vec!["me".to_owned()]).unwrap_err();
        assert_eq!(rejection.status(), 403);
        assert_eq!(rejection.challenges()[0].to_string(), r#"Bearer error="insufficient_scope", scope="items me""#);
        assert_eq!(needed.missing("me"), Some("items"));
    }

    #[test]
    fn invalid_scopes_are_configuration_errors() {
        assert!(matches!(DeclareScopes::new(["read items"]), Err(ConfigError::InvalidScope(_))));
        assert!(matches!(SecurityScopes::from_static(&["a", "a"]), Err(ConfigError::InvalidScope(_))));
        assert!(SecurityScopes::new().with(["ok", ""]).is_err());
    }

    #[test]
    fn layers_merge_outer_first() {
        let outer = SecurityScopes::from_static(&["me"]).unwrap();
        let inner = DeclareScopes::new(["items", "me"]).unwrap();
        assert_eq!(merge(&outer, inner.scopes()).scope_str(), "me items");
        assert_eq!(merge(&inner.scopes, &outer).scope_str(), "items me");
    }
}
