//! Operation security: the security requirements of an operation and the
//! traits that find them in its extractors, permissions and layers.

use std::collections::BTreeMap;

use http::StatusCode;
use serde_json::{Map, Value};

use super::{DescribeScheme, KeyLocation, SecuritySchemeObject};
use crate::{AuthRejection, Challenge, Scheme, permission::PermissionMeta};

/// One Security Requirement Object: every scheme it names, together (AND),
/// each with the scopes it needs. The empty requirement (`{}`) lets a
/// request in without credentials.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Requirement {
    schemes: Vec<(String, Vec<String>)>,
}

impl Requirement {
    /// The schemes, each with its scopes, in the order they were met.
    pub fn schemes(&self) -> impl ExactSizeIterator<Item = (&str, &[String])> {
        self.schemes.iter().map(|(name, scopes)| (name.as_str(), scopes.as_slice()))
    }

    /// True for `{}`: no credentials needed.
    pub fn is_empty(&self) -> bool {
        self.schemes.is_empty()
    }

    fn scopes_of(&self, name: &str) -> Option<&[String]> {
        self.schemes.iter().find(|(scheme, _)| scheme == name).map(|(_, scopes)| scopes.as_slice())
    }

    /// Both requirements at once: a scheme named in both keeps this one's
    /// scopes first, then the other's, without duplicates.
    fn merged(&self, other: &Self) -> Self {
        let mut merged = self.clone();
        for (name, scopes) in &other.schemes {
            match merged.schemes.iter_mut().find(|(scheme, _)| scheme == name) {
                Some((_, mine)) => append_unique(mine, scopes.iter().cloned()),
                None => merged.schemes.push((name.clone(), scopes.clone())),
            }
        }
        merged
    }

    /// The other non-empty alternatives of `alternatives` that `self`
    /// holds: smaller requirements that already let a request in.
    fn smaller_within<'a>(&'a self, alternatives: &'a [Self]) -> impl Iterator<Item = &'a Self> {
        alternatives.iter().filter(move |smaller| *smaller != self && !smaller.is_empty() && smaller.is_within(self))
    }

    /// True when every scheme of `self` is in `other` with at least its scopes.
    fn is_within(&self, other: &Self) -> bool {
        self.schemes.iter().all(|(name, scopes)| {
            other.scopes_of(name).is_some_and(|theirs| scopes.iter().all(|scope| theirs.contains(scope)))
        })
    }

    fn to_json(&self) -> Value {
        let object: Map<String, Value> =
            self.schemes.iter().map(|(name, scopes)| (name.clone(), Value::from(scopes.clone()))).collect();
        Value::Object(object)
    }
}

fn append_unique(list: &mut Vec<String>, more: impl IntoIterator<Item = String>) {
    for item in more {
        if !list.contains(&item) {
            list.push(item);
        }
    }
}

/// An operation's security: alternatives (OR), each a [`Requirement`] (AND),
/// as OpenAPI's `security` array lists them (POLICY D14).
///
/// Built from what protects the operation: [`and`](Self::and) for two
/// checks that must both pass, [`or`](Self::or) for either,
/// [`optional`](Self::optional) for credentials a request may leave out.
///
/// ```
/// use warden::openapi::SecurityRequirements as R;
///
/// // Basic and an API key, both required: one requirement object.
/// let both = R::scheme("HTTPBasic").and(R::scheme("APIKeyHeader"));
/// assert_eq!(both.to_json(), serde_json::json!([{ "HTTPBasic": [], "APIKeyHeader": [] }]));
///
/// // Three optional schemes: each alone, or none.
/// let any = R::scheme("A").optional().and(R::scheme("B").optional()).and(R::scheme("C").optional());
/// assert_eq!(any.to_json(), serde_json::json!([{ "A": [] }, { "B": [] }, { "C": [] }, {}]));
///
/// // Scopes declared around a requirement come first.
/// let scoped = R::scheme("OAuth2").with_scopes(["me"]).with_scopes(["items"]);
/// assert_eq!(scoped.to_json(), serde_json::json!([{ "OAuth2": ["items", "me"] }]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityRequirements {
    alternatives: Vec<Requirement>,
}

impl Default for SecurityRequirements {
    fn default() -> Self {
        Self::anonymous()
    }
}

impl SecurityRequirements {
    /// `[{}]`: anyone may call; nothing to document.
    pub fn anonymous() -> Self {
        Self { alternatives: vec![Requirement::default()] }
    }

    /// `[{name: []}]`: credentials of the scheme named `name`.
    pub fn scheme(name: impl Into<String>) -> Self {
        Self { alternatives: vec![Requirement { schemes: vec![(name.into(), Vec::new())] }] }
    }

    /// The alternatives, in order.
    pub fn alternatives(&self) -> &[Requirement] {
        &self.alternatives
    }

    /// True when a request without credentials gets through and nothing else
    /// is listed: the operation has no `security` to publish.
    pub fn is_anonymous(&self) -> bool {
        self.alternatives.iter().all(Requirement::is_empty)
    }

    /// Both `self` and `other` must be met: every alternative of one with
    /// every alternative of the other.
    #[must_use]
    #[allow(clippy::needless_pass_by_value, reason = "by value like `or`, so that chains read alike")]
    pub fn and(self, other: Self) -> Self {
        let mut alternatives = Vec::with_capacity(self.alternatives.len() * other.alternatives.len());
        for mine in &self.alternatives {
            for theirs in &other.alternatives {
                alternatives.push(mine.merged(theirs));
            }
        }
        Self { alternatives }.normalized()
    }

    /// Either `self` or `other` suffices.
    #[must_use]
    pub fn or(mut self, other: Self) -> Self {
        self.alternatives.extend(other.alternatives);
        self.normalized()
    }

    /// `self`, or no credentials at all: adds `{}` (POLICY D14).
    #[must_use]
    pub fn optional(self) -> Self {
        self.or(Self::anonymous())
    }

    /// Every scheme of every alternative needs `scopes` first, then its
    /// own: what a requirement declared around this one adds.
    #[must_use]
    pub fn with_scopes<I>(mut self, scopes: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let outer: Vec<String> = scopes.into_iter().map(|scope| scope.as_ref().to_owned()).collect();
        if outer.is_empty() {
            return self;
        }
        for requirement in &mut self.alternatives {
            for (_, scopes) in &mut requirement.schemes {
                let mut list = outer.clone();
                append_unique(&mut list, std::mem::take(scopes));
                *scopes = list;
            }
        }
        self.normalized()
    }

    /// The `security` array.
    pub fn to_json(&self) -> Value {
        Value::Array(self.alternatives.iter().map(Requirement::to_json).collect())
    }

    /// Drops repeated alternatives, and an alternative of several schemes
    /// each of which is enough on its own through a smaller alternative
    /// ("A and B" next to "A" and "B" says nothing more).
    fn normalized(mut self) -> Self {
        let mut unique: Vec<Requirement> = Vec::with_capacity(self.alternatives.len());
        for requirement in self.alternatives.drain(..) {
            if !unique.contains(&requirement) {
                unique.push(requirement);
            }
        }
        let redundant: Vec<bool> = unique
            .iter()
            .map(|requirement| {
                requirement.schemes.len() > 1
                    && requirement.schemes.iter().all(|(name, _)| {
                        requirement.smaller_within(&unique).any(|smaller| smaller.scopes_of(name).is_some())
                    })
            })
            .collect();
        self.alternatives =
            unique.into_iter().zip(redundant).filter(|(_, redundant)| !redundant).map(|(r, _)| r).collect();
        self
    }
}

/// An answer an operation can give instead of its own, as documented.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocumentedAnswer {
    descriptions: Vec<String>,
    challenges: Vec<String>,
}

impl DocumentedAnswer {
    /// Why the answer is given, one line per cause.
    pub fn descriptions(&self) -> impl ExactSizeIterator<Item = &str> {
        self.descriptions.iter().map(String::as_str)
    }

    /// The `WWW-Authenticate` challenges it carries, if any.
    pub fn challenges(&self) -> impl ExactSizeIterator<Item = &str> {
        self.challenges.iter().map(String::as_str)
    }

    pub(crate) fn merge(&mut self, other: &Self) {
        append_unique(&mut self.descriptions, other.descriptions.iter().cloned());
        append_unique(&mut self.challenges, other.challenges.iter().cloned());
    }
}

/// What documenting one operation collects besides its requirements: the
/// schemes it names and the error answers it can give. The `Document*`
/// traits write into it.
#[derive(Debug, Default)]
pub struct DocContext {
    pub(crate) schemes: BTreeMap<String, SecuritySchemeObject>,
    pub(crate) conflicts: Vec<String>,
    pub(crate) answers: BTreeMap<u16, DocumentedAnswer>,
    /// Schemes whose missing scopes are `403 insufficient_scope`.
    pub(crate) scope_refusing: Vec<String>,
    /// Each scheme's answer to missing credentials, documented once the
    /// requirements show whether its absence can refuse a request.
    pub(crate) missing: Vec<(String, AuthRejection)>,
    /// Answers to malformed credentials that are not a `400`.
    pub(crate) malformed: Vec<AuthRejection>,
    /// The request body an extractor reads, by media type, with its schema.
    pub(crate) request_body: Option<(String, serde_json::Value)>,
}

impl DocContext {
    /// A context for one operation.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `scheme` under its OpenAPI name with the answers it gives
    /// (its answer to missing credentials, with the challenge, where their
    /// absence can refuse the request, and to malformed Basic credentials;
    /// `400` to repeated or malformed ones, with `Bearer
    /// error="invalid_request"` for a bearer scheme, and none for a cookie
    /// key) and returns the requirement `[{name: []}]`.
    pub fn scheme<Sc: Scheme + DescribeScheme>(&mut self, scheme: &Sc) -> SecurityRequirements {
        let name = scheme.openapi_name().to_owned();
        let object = scheme.security_scheme();
        let cookie = matches!(object, SecuritySchemeObject::ApiKey { location: KeyLocation::Cookie, .. });
        let basic =
            matches!(&object, SecuritySchemeObject::Http { scheme, .. } if scheme.eq_ignore_ascii_case("basic"));
        let bearer = match &object {
            SecuritySchemeObject::Http { scheme, .. } => scheme.eq_ignore_ascii_case("bearer"),
            SecuritySchemeObject::OAuth2 { .. } | SecuritySchemeObject::OpenIdConnect { .. } => true,
            SecuritySchemeObject::ApiKey { .. } => false,
        };
        match self.schemes.get(&name) {
            Some(known) if *known != object => {
                if !self.conflicts.contains(&name) {
                    self.conflicts.push(name.clone());
                }
            }
            Some(_) => {}
            None => {
                self.schemes.insert(name.clone(), object);
            }
        }
        let missing = scheme.not_authenticated();
        if basic {
            // Malformed Basic credentials get the answer to missing ones,
            // optional or not (D17).
            self.malformed.push(missing.clone().with_detail("Malformed credentials"));
        }
        if !self.missing.iter().any(|(known, _)| *known == name) {
            self.missing.push((name.clone(), missing));
        }
        if bearer {
            // A token that is not a b64token (D6), two Authorization lines (D10).
            self.rejection(&crate::scheme::bearer::invalid_request(
                "the token is not a b64token, or sent twice",
                "Malformed or repeated credentials",
            ));
        } else if !cookie {
            // Repeated credentials (D10).
            self.answer(StatusCode::BAD_REQUEST, "Malformed or repeated credentials", []);
        }
        SecurityRequirements::scheme(name)
    }

    /// Records that the operation can answer `rejection`: its status, its
    /// `detail` and its challenges.
    pub fn rejection(&mut self, rejection: &AuthRejection) {
        let description = rejection.detail().unwrap_or("Refused").to_owned();
        self.answer(rejection.status(), description, rejection.challenges());
    }

    /// Records that a token of the scheme named `name` lacking a scope the
    /// operation needs is `403 insufficient_scope`, naming the scopes the
    /// operation's requirements list for it.
    pub fn insufficient_scope(&mut self, name: &str) {
        if !self.scope_refusing.iter().any(|known| known == name) {
            self.scope_refusing.push(name.to_owned());
        }
    }

    /// The answers that depend on the final `requirements`: a scheme's
    /// answer to missing credentials when their absence can refuse the
    /// request (the scheme is in every alternative, or no alternative lets
    /// an anonymous request in and the scheme is in one that is not
    /// another plus more), and `403 insufficient_scope` for scoped schemes.
    pub(crate) fn finish(&mut self, requirements: &SecurityRequirements) {
        let alternatives = requirements.alternatives();
        let anonymous_allowed = alternatives.iter().any(Requirement::is_empty);
        let refusing: Vec<AuthRejection> = self
            .missing
            .iter()
            .filter(|(name, _)| {
                let in_every = alternatives.iter().all(|alternative| alternative.scopes_of(name).is_some());
                let alone_enough = alternatives.iter().any(|alternative| {
                    alternative.scopes_of(name).is_some() && alternative.smaller_within(alternatives).next().is_none()
                });
                in_every || (!anonymous_allowed && alone_enough)
            })
            .map(|(_, rejection)| rejection.clone())
            .collect();
        for rejection in refusing.iter().chain(std::mem::take(&mut self.malformed).iter()) {
            self.rejection(rejection);
        }
        let mut refusals = Vec::new();
        for requirement in requirements.alternatives() {
            for (name, scopes) in requirement.schemes() {
                if !scopes.is_empty() && self.scope_refusing.iter().any(|known| known == name) {
                    refusals.push(AuthRejection::insufficient_scope(scopes.iter().map(String::as_str)));
                }
            }
        }
        for rejection in &refusals {
            self.rejection(rejection);
        }
    }

    /// Records the request body the operation reads: `schema` (a JSON
    /// Schema) in `media_type`. The first extractor to record one wins.
    pub fn request_body(&mut self, media_type: &str, schema: serde_json::Value) {
        if self.request_body.is_none() {
            self.request_body = Some((media_type.to_owned(), schema));
        }
    }

    /// Records `permission`'s refusal: its status and message.
    pub fn refusal<P: PermissionMeta + ?Sized>(&mut self, permission: &P) {
        self.answer(permission.status(), permission.message(), []);
    }

    /// Records that the operation can answer `status`, for `description`,
    /// with `challenges` in `WWW-Authenticate`.
    pub fn answer<'c>(
        &mut self,
        status: StatusCode,
        description: impl Into<String>,
        challenges: impl IntoIterator<Item = &'c Challenge>,
    ) {
        let answer = DocumentedAnswer {
            descriptions: vec![description.into()],
            challenges: challenges.into_iter().map(ToString::to_string).collect(),
        };
        self.answers.entry(status.as_u16()).or_default().merge(&answer);
    }
}

/// An extractor whose security an operation's documentation shows.
///
/// warden's extractors implement it ([`Auth`](crate::Auth),
/// [`Security`](crate::Security), [`Guard`](crate::permission::Guard), …),
/// and so do axum's extractors that read no credentials (`State`, `Json`,
/// `Path`, `Query`, `HeaderMap`, …), which document nothing. `Option<E>`
/// and `Result<E, _>` make `E`'s credentials optional. An extractor of your
/// own implements it too, or is wrapped in [`Undocumented`] (or
/// [`UndocumentedBody`] for one that reads the body).
///
/// ```
/// use axum::{extract::FromRef, http::request::Parts};
/// use warden::{Auth, HttpBearer, openapi::{DocContext, DocumentSecurity, SecurityRequirements}};
///
/// /// The current user, from a bearer token.
/// struct CurrentUser(String);
///
/// impl<S: Send + Sync> axum::extract::FromRequestParts<S> for CurrentUser
/// where
///     HttpBearer: FromRef<S>,
/// {
///     type Rejection = warden::AuthRejection;
///     async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
///         let Auth(creds) = Auth::<HttpBearer>::from_request_parts(parts, state).await?;
///         Ok(Self(creds.token().to_owned()))
///     }
/// }
///
/// impl<S> DocumentSecurity<S> for CurrentUser
/// where
///     HttpBearer: FromRef<S>,
/// {
///     fn document(state: &S, cx: &mut DocContext) -> SecurityRequirements {
///         <Auth<HttpBearer>>::document(state, cx)
///     }
/// }
/// ```
pub trait DocumentSecurity<S> {
    /// The requirements this extractor adds, read with the router state.
    fn document(state: &S, cx: &mut DocContext) -> SecurityRequirements;
}

/// A permission whose inputs an operation's documentation shows: every
/// branch's credentials, `&` as AND, `|` as OR.
///
/// A permission that reads no credentials implements it by recording its
/// refusal:
///
/// ```
/// use warden::openapi::{DocContext, DocumentPermission, SecurityRequirements};
/// use warden::permission::PermissionMeta;
///
///
/// struct BusinessHours;
/// impl PermissionMeta for BusinessHours {}
///
/// impl<S> DocumentPermission<S> for BusinessHours {
///     fn document(&self, _: &S, cx: &mut DocContext) -> SecurityRequirements {
///         cx.refusal(self);
///         SecurityRequirements::anonymous()
///     }
/// }
/// ```
pub trait DocumentPermission<S> {
    /// The requirements of this permission's inputs.
    fn document(&self, state: &S, cx: &mut DocContext) -> SecurityRequirements;
}

/// A route layer whose protection an operation's documentation shows
/// ([`RequireAuth`](crate::RequireAuth),
/// [`DeclareScopes`](crate::scopes::DeclareScopes),
/// [`RequirePermission`](crate::permission::RequirePermission)).
pub trait DocumentLayer {
    /// The requirements of an operation behind this layer, given those of
    /// what it wraps.
    fn document(&self, cx: &mut DocContext, inner: SecurityRequirements) -> SecurityRequirements;
}

/// An extractor kept out of the documentation: it is extracted as `E` is,
/// and documents nothing. For extractors of other crates that read no
/// credentials.
#[derive(Debug, Clone, Copy, Default)]
pub struct Undocumented<E>(pub E);

/// [`Undocumented`] for an extractor that reads the request body (the last
/// argument of a handler).
#[derive(Debug, Clone, Copy, Default)]
pub struct UndocumentedBody<E>(pub E);

/// The argument lists of axum handlers (`(M, T1, …, Tn)` as axum's
/// `Handler` impls number them): every argument's requirements together.
pub trait DocumentHandlerArgs<S> {
    /// The requirements of all the arguments.
    fn document(state: &S, cx: &mut DocContext) -> SecurityRequirements;
}

impl<S> DocumentHandlerArgs<S> for ((),) {
    fn document(_: &S, _: &mut DocContext) -> SecurityRequirements {
        SecurityRequirements::anonymous()
    }
}

macro_rules! handler_args {
    ($($arg:ident),+) => {
        impl<S, M, $($arg: DocumentSecurity<S>,)+> DocumentHandlerArgs<S> for (M, $($arg,)+) {
            fn document(state: &S, cx: &mut DocContext) -> SecurityRequirements {
                SecurityRequirements::anonymous()$(.and($arg::document(state, cx)))+
            }
        }
    };
}

handler_args!(T1);
handler_args!(T1, T2);
handler_args!(T1, T2, T3);
handler_args!(T1, T2, T3, T4);
handler_args!(T1, T2, T3, T4, T5);
handler_args!(T1, T2, T3, T4, T5, T6);
handler_args!(T1, T2, T3, T4, T5, T6, T7);
handler_args!(T1, T2, T3, T4, T5, T6, T7, T8);
handler_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9);
handler_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10);
handler_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11);
handler_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12);
handler_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13);
handler_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14);
handler_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15);
handler_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::SecurityRequirements as R;

    #[test]
    fn a_required_scheme_beside_an_optional_one_lists_both_and_the_required_alone() {
        let requirements = R::scheme("R").and(R::scheme("O").optional());
        assert_eq!(requirements.to_json(), json!([{ "R": [], "O": [] }, { "R": [] }]));
    }

    #[test]
    fn alternatives_repeat_once() {
        let requirements = R::scheme("A").or(R::scheme("B")).or(R::scheme("A"));
        assert_eq!(requirements.to_json(), json!([{ "A": [] }, { "B": [] }]));
    }

    #[test]
    fn one_scheme_twice_merges_its_scopes_outer_first() {
        let requirements = R::scheme("S").with_scopes(["me"]).and(R::scheme("S").with_scopes(["items", "me"]));
        assert_eq!(requirements.to_json(), json!([{ "S": ["me", "items"] }]));
    }

    #[test]
    fn anonymous_is_the_identity_of_and() {
        assert_eq!(R::anonymous().and(R::scheme("A")), R::scheme("A"));
        assert!(R::anonymous().and(R::anonymous()).is_anonymous());
        assert!(!R::scheme("A").optional().is_anonymous());
    }

    #[test]
    fn either_of_two_pairs_stays_two_pairs() {
        let requirements = R::scheme("A").and(R::scheme("B")).or(R::scheme("C").and(R::scheme("D")));
        assert_eq!(requirements.to_json(), json!([{ "A": [], "B": [] }, { "C": [], "D": [] }]));
    }
}
