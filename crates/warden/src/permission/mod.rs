//! Composable permissions: fastapi-has-permissions for axum.
//!
//! A **permission** checks a request and answers [`Verdict::Allow`],
//! [`Verdict::Deny`] (optionally with a reason) or [`Verdict::Skip`] (it has
//! no opinion). Permissions compose with `&`, `|` and `!`, left to right and
//! lazily: a branch that is not reached does not run, and its inputs are not
//! extracted. The root of the tree turns the result into the answer:
//!
//! ```text
//! PASS                       -> the handler runs
//! FAIL(reason, status, ...)  -> {"detail": reason}, 403 unless a status was set
//! SKIP                       -> the root's own error ("Permission denied", ...)
//! ```
//!
//! | piece | what it is |
//! | --- | --- |
//! | [`Permission`] + [`PermissionMeta`] | the traits: an async check, and the error settings |
//! | [`All`] (`a & b`), [`Any`] (`a \| b`), [`Not`] (`!a`) | composition ([`compose`]) |
//! | [`PermissionExt`] | `.with_message()`, `.with_status()`, `.with_code()`, `.with_header()` per instance; `.and()`, `.or()` |
//! | [`wrappers`] | `AllowSkipped`, `DenySkipped`, `Advisory`, `WithError`, `When`, `SkipUnresolved`, `FailUnresolved`, `Undocumented` |
//! | [`builtin`] | `Allow`, `Deny`, `IsAuthenticated`, `HasRole`, `HasScope` |
//! | [`from_fn`] | a plain async function or closure, its arguments extracted like a handler's |
//! | [`RequirePermission`] | a layer for a route or a whole router, run before any body is read |
//! | [`Guard`] | the same as an extractor |
//! | [`check`], [`require`], [`evaluate_root`] | checks inside a handler |
//! | [`Policy`] | a permission per action, chosen by HTTP method |
//! | [`testing`] | `assert_allowed`, `assert_denied`, `assert_skipped` for unit tests |
//!
//! The [guide](crate::_documentation::permissions) walks from one
//! permission to a composed policy with custom errors.
//!
//! # Error settings
//!
//! Every permission has four settings, `message`, `status`, `code` and
//! `headers`, at three levels:
//!
//! 1. **type defaults**: override [`PermissionMeta::default_message`] and its
//!    siblings (`Permission denied` and `403` unless changed);
//! 2. **instance overrides**: `perm.with_message("…").with_status(StatusCode::NOT_FOUND)`
//!    ([`PermissionExt`]), or your own [`PermissionMeta::config`];
//! 3. **computed values**: override the getter itself
//!    ([`PermissionMeta::message`]) to build the message from the
//!    permission's fields.
//!
//! The answer is `{"detail": message}`, or `{"detail": {"code": …,
//! "message": …}}` when a code is set, with the headers added.

use std::{borrow::Cow, fmt, future::Future};

use axum_core::{
    extract::FromRequestParts,
    response::{IntoResponse, Response},
};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, request::Parts};

use crate::{AuthErrorKind, AuthRejection};

pub mod builtin;
pub mod compose;
mod func;
mod guard;
mod policy;
pub mod testing;
pub mod wrappers;

pub use self::{
    builtin::{Allow, Deny, HasRole, HasScope, IsAuthenticated, ScopeSet},
    compose::{All, Any, Not},
    func::{FnPermission, PermissionFn, from_fn},
    guard::{
        Guard, RequirePermission, RequirePermissionService, check, evaluate_root, evaluate_root_now, require,
        require_now,
    },
    policy::{Action, Policy},
    wrappers::Configured,
};

/// A permission's answer about one request, before its error settings are
/// applied. `true` and `false` convert into `Allow` and `Deny(None)`.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The request may go on.
    Allow,
    /// The request is refused; the reason, if any, becomes the message.
    Deny(Option<Cow<'static, str>>),
    /// The permission has no opinion; compositions go on without it.
    Skip(Option<Cow<'static, str>>),
    /// A finished result, kept as it is: its empty fields are **not** filled
    /// from the permission's settings.
    Outcome(Outcome),
}

impl Verdict {
    /// `Deny` with `reason` (`fail(r)` in fastapi-has-permissions).
    pub fn deny(reason: impl Into<Cow<'static, str>>) -> Self {
        Self::Deny(Some(reason.into()))
    }

    /// `Skip` with `reason`.
    pub fn skip(reason: impl Into<Cow<'static, str>>) -> Self {
        Self::Skip(Some(reason.into()))
    }

    /// Applies `permission`'s settings: a `Deny` becomes a complete failure.
    #[inline(always)]
    fn into_outcome<P: PermissionMeta + ?Sized>(self, permission: &P) -> Outcome {
        match self {
            Self::Allow => Outcome::Pass,
            Self::Deny(reason) => Outcome::Fail(to_failed(permission, reason)),
            Self::Skip(reason) => Outcome::Skip(reason),
            Self::Outcome(outcome) => outcome,
        }
    }
}

impl From<bool> for Verdict {
    fn from(allowed: bool) -> Self {
        if allowed { Self::Allow } else { Self::Deny(None) }
    }
}

impl From<Outcome> for Verdict {
    fn from(outcome: Outcome) -> Self {
        Self::Outcome(outcome)
    }
}

/// The result of evaluating a permission: `PASS`, `SKIP(reason?)` or
/// `FAIL(reason?, status?, code?, headers?)`.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Allowed.
    Pass,
    /// No opinion.
    Skip(Option<Cow<'static, str>>),
    /// Refused.
    Fail(Failure),
}

impl Outcome {
    /// True for `Pass`.
    pub fn is_pass(&self) -> bool {
        matches!(self, Self::Pass)
    }

    /// The reason of a `Skip` or `Fail`.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Pass => None,
            Self::Skip(reason) => reason.as_deref(),
            Self::Fail(failure) => failure.reason(),
        }
    }

    /// `"bool"` for `Pass`, `"Skipped"`, `"Failed"`: fastapi-has-permissions'
    /// names of the three results.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Pass => "bool",
            Self::Skip(_) => "Skipped",
            Self::Fail(_) => "Failed",
        }
    }

    fn summary(&self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Skip(_) => "skip",
            Self::Fail(_) => "fail",
        }
    }
}

/// Why a permission refused, as far as it says: every field is optional and
/// the root fills the empty ones from its own settings.
///
/// Kept small (a reason, a status and one pointer) so that results move
/// cheaply through a tree: the rarely set code and headers share one box.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Failure {
    reason: Option<Cow<'static, str>>,
    status: Option<StatusCode>,
    extra: Option<Box<FailureExtra>>,
}

/// A failure's reason, status, code and headers, taken apart.
type FailureFields = (Option<Cow<'static, str>>, Option<StatusCode>, Option<Cow<'static, str>>, Option<HeaderMap>);

#[derive(Debug, Clone, Default, PartialEq)]
struct FailureExtra {
    code: Option<Cow<'static, str>>,
    headers: Option<HeaderMap>,
}

impl Failure {
    /// A failure with no field set (`FAIL()`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the reason.
    #[must_use]
    pub fn with_reason(mut self, reason: impl Into<Cow<'static, str>>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// Sets the status.
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = Some(status);
        self
    }

    /// Sets the code.
    #[must_use]
    pub fn with_code(mut self, code: impl Into<Cow<'static, str>>) -> Self {
        self.extra.get_or_insert_with(Box::default).code = Some(code.into());
        self
    }

    /// Adds a header.
    #[must_use]
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.extra.get_or_insert_with(Box::default).headers.get_or_insert_with(HeaderMap::new).append(name, value);
        self
    }

    /// The reason, if set.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// The status, if set.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The code, if set.
    pub fn code(&self) -> Option<&str> {
        self.extra.as_ref()?.code.as_deref()
    }

    /// The headers, if set.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.extra.as_ref()?.headers.as_ref()
    }

    /// A failure from its four fields.
    #[inline(always)]
    fn from_fields(
        reason: Option<Cow<'static, str>>,
        status: Option<StatusCode>,
        code: Option<Cow<'static, str>>,
        headers: Option<HeaderMap>,
    ) -> Self {
        let extra = (code.is_some() || headers.is_some()).then(|| Box::new(FailureExtra { code, headers }));
        Self { reason, status, extra }
    }

    /// The four fields, taken apart.
    #[inline]
    fn into_fields(self) -> FailureFields {
        let (code, headers) = self.extra.map_or((None, None), |extra| (extra.code, extra.headers));
        (self.reason, self.status, code, headers)
    }
}

impl From<Failure> for Outcome {
    fn from(failure: Failure) -> Self {
        Self::Fail(failure)
    }
}

/// Per-instance error settings. Empty strings count as unset.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ErrorConfig {
    /// The message.
    pub message: Option<Cow<'static, str>>,
    /// The status code.
    pub status: Option<StatusCode>,
    /// The code.
    pub code: Option<Cow<'static, str>>,
    /// The headers.
    pub headers: Option<HeaderMap>,
}

/// A clone unless empty: `{}` is unset, as in Python.
#[inline]
fn non_empty_headers(headers: Option<&HeaderMap>) -> Option<HeaderMap> {
    headers.filter(|headers| !headers.is_empty()).cloned()
}

/// `Some` unless empty: Python's truthiness, which the error rules follow.
#[inline]
fn non_empty(text: Option<&Cow<'static, str>>) -> Option<Cow<'static, str>> {
    text.filter(|text| !text.is_empty()).cloned()
}

/// The error settings and name of a permission, which do not depend on the
/// router state. Every method has a default; a permission that keeps all of
/// them writes `impl PermissionMeta for MyPermission {}`.
pub trait PermissionMeta: Send + Sync {
    /// The instance settings, if the permission has any.
    #[inline]
    fn config(&self) -> Option<&ErrorConfig> {
        None
    }

    /// The type's default message.
    #[inline]
    fn default_message(&self) -> Cow<'static, str> {
        Cow::Borrowed("Permission denied")
    }

    /// The type's default status.
    #[inline]
    fn default_status(&self) -> StatusCode {
        StatusCode::FORBIDDEN
    }

    /// The type's default code.
    #[inline]
    fn default_code(&self) -> Option<Cow<'static, str>> {
        None
    }

    /// The type's default headers.
    #[inline]
    fn default_headers(&self) -> Option<HeaderMap> {
        None
    }

    /// The message: the instance's, else the type's. Override it to compute
    /// the message from the permission's fields.
    #[inline]
    fn message(&self) -> Cow<'static, str> {
        non_empty(self.config().and_then(|c| c.message.as_ref())).unwrap_or_else(|| self.default_message())
    }

    /// The status: the instance's, else the type's.
    #[inline]
    fn status(&self) -> StatusCode {
        self.config().and_then(|c| c.status).unwrap_or_else(|| self.default_status())
    }

    /// The code: the instance's, else the type's.
    #[inline]
    fn code(&self) -> Option<Cow<'static, str>> {
        non_empty(self.config().and_then(|c| c.code.as_ref())).or_else(|| self.default_code())
    }

    /// The headers: the instance's, else the type's (an empty map counts as
    /// unset).
    #[inline]
    fn headers(&self) -> Option<HeaderMap> {
        non_empty_headers(self.config().and_then(|c| c.headers.as_ref())).or_else(|| self.default_headers())
    }

    /// The name used in logs.
    fn name(&self) -> Cow<'static, str> {
        let full = std::any::type_name::<Self>();
        let base = full.split('<').next().unwrap_or(full);
        Cow::Borrowed(base.rsplit("::").next().unwrap_or(base))
    }

    /// False for permissions kept out of the OpenAPI document
    /// ([`Undocumented`](wrappers::Undocumented)).
    fn is_documented(&self) -> bool {
        true
    }
}

/// A permission check for routers with state `S`.
///
/// Implement one of the two checks, and [`PermissionMeta`]:
///
/// * [`check`](Self::check), an `async fn`, for checks that extract inputs
///   or wait on anything;
/// * [`check_now`](Self::check_now) with [`ANSWERS_AT_ONCE`](Self::ANSWERS_AT_ONCE)
///   set to `true`, for checks that answer from the request at once. Trees
///   made only of these are evaluated without creating a single future.
///
/// A permission that implements neither refuses every request. Get `&`, `|`
/// and `!` with [`permission_ops!`](crate::permission_ops), or use
/// [`PermissionExt::and`], [`PermissionExt::or`] and [`Not::new`].
///
/// # Example
///
/// ```
/// use warden::permission::{Cx, Permission, PermissionMeta, Unresolved, Verdict};
///
/// /// Allows requests that carry an `X-Admin: yes` header.
/// struct IsAdmin;
///
/// impl PermissionMeta for IsAdmin {
///     fn default_message(&self) -> std::borrow::Cow<'static, str> {
///         "Admin role required".into()
///     }
/// }
///
/// impl<S: Send + Sync> Permission<S> for IsAdmin {
///     const ANSWERS_AT_ONCE: bool = true;
///
///     fn check_now(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
///         Ok(cx.header("x-admin").is_some_and(|v| v == "yes").into())
///     }
/// }
/// warden::permission_ops!(IsAdmin);
/// ```
pub trait Permission<S: Send + Sync>: PermissionMeta {
    /// True when [`check_now`](Self::check_now) answers and
    /// [`check`](Self::check) need not be called. Compositions and wrappers
    /// are `true` when all their parts are.
    const ANSWERS_AT_ONCE: bool = false;

    /// Checks the request.
    ///
    /// The default calls [`check_now`](Self::check_now).
    ///
    /// # Errors
    ///
    /// [`Unresolved`] when an input the check needs cannot be extracted (a
    /// required header is missing, say): the input's own rejection is sent
    /// unless a [`SkipUnresolved`](wrappers::SkipUnresolved) or
    /// [`FailUnresolved`](wrappers::FailUnresolved) wrapper catches it.
    fn check(&self, cx: &mut Cx<'_, S>) -> impl Future<Output = Result<Verdict, Unresolved>> + Send {
        std::future::ready(self.check_now(cx))
    }

    /// Checks the request at once, for permissions whose
    /// [`ANSWERS_AT_ONCE`](Self::ANSWERS_AT_ONCE) is `true`.
    ///
    /// The default refuses: a permission that implements neither check
    /// allows nothing.
    ///
    /// # Errors
    ///
    /// As for [`check`](Self::check).
    fn check_now(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        let _ = cx;
        tracing::error!(
            target: "warden::permission",
            permission = %self.name(),
            "permission implements neither check nor check_now (or sets ANSWERS_AT_ONCE without check_now): refusing",
        );
        Ok(Verdict::Deny(None))
    }
}

/// An input a permission needed and could not get: the rejection of its
/// extractor, sent as it is unless a wrapper catches it.
pub struct Unresolved(Box<Response>);

impl Unresolved {
    /// Wraps the rejection of an input.
    pub fn new(rejection: impl IntoResponse) -> Self {
        Self(Box::new(rejection.into_response()))
    }

    /// The status of the input's rejection.
    pub fn status(&self) -> StatusCode {
        self.0.status()
    }

    /// True when the input was not missing but malformed or ambiguous (a
    /// `400`, such as a bearer token that is not a `b64token`): such a
    /// request is answered as it is, whatever wraps the permission.
    pub fn is_bad_request(&self) -> bool {
        self.0.status() == StatusCode::BAD_REQUEST
    }
}

impl fmt::Debug for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Unresolved").field(&self.0.status()).finish()
    }
}

impl IntoResponse for Unresolved {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// What a check sees: the request parts, the router state, and the inputs it
/// extracts on demand.
pub struct Cx<'a, S> {
    parts: &'a mut Parts,
    state: &'a S,
    depth: u16,
    trace: Option<Vec<TraceEntry>>,
}

#[derive(Debug)]
struct TraceEntry {
    depth: u16,
    name: Cow<'static, str>,
    result: &'static str,
}

impl<'a, S> Cx<'a, S> {
    /// A context for one evaluation. The trace of the branches that ran is
    /// recorded only when `warden::permission` logs at DEBUG.
    pub fn new(parts: &'a mut Parts, state: &'a S) -> Self {
        let trace = tracing::enabled!(target: "warden::permission", tracing::Level::DEBUG).then(Vec::new);
        Self { parts, state, depth: 0, trace }
    }

    /// The request parts.
    pub fn parts(&self) -> &Parts {
        self.parts
    }

    /// The request parts, to change them (extensions, say).
    pub fn parts_mut(&mut self) -> &mut Parts {
        self.parts
    }

    /// The router state.
    pub fn state(&self) -> &S {
        self.state
    }

    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.parts.headers.get(name)
    }

    /// Extracts an input the way a handler argument is extracted; an
    /// optional one as `cx.extract::<Option<E>>()`.
    ///
    /// # Errors
    ///
    /// The extractor's rejection, as [`Unresolved`].
    pub async fn extract<E>(&mut self) -> Result<E, Unresolved>
    where
        E: FromRequestParts<S>,
        E::Rejection: IntoResponse,
    {
        E::from_request_parts(self.parts, self.state).await.map_err(Unresolved::new)
    }

    /// One level deeper in the tree (counted only for the trace).
    #[inline(always)]
    fn enter(&mut self) {
        if self.trace.is_some() {
            self.depth = self.depth.saturating_add(1);
        }
    }

    /// One level up.
    #[inline(always)]
    fn leave(&mut self) {
        if self.trace.is_some() {
            self.depth = self.depth.saturating_sub(1);
        }
    }

    /// Adds a branch to the trace.
    #[cold]
    #[inline(never)]
    fn record(&mut self, name: Cow<'static, str>, result: &'static str) {
        let depth = self.depth;
        if let Some(trace) = &mut self.trace {
            trace.push(TraceEntry { depth, name, result });
        }
    }

    fn log_denial(&self, root: &str, outcome: &Outcome) {
        if let Some(trace) = &self.trace {
            let branches: Vec<String> = trace
                .iter()
                .map(|e| format!("{}{} -> {}", "  ".repeat(usize::from(e.depth)), e.name, e.result))
                .collect();
            tracing::debug!(
                target: "warden::permission",
                root,
                result = outcome.summary(),
                branches = %branches.join("\n"),
                "permission denied",
            );
        }
    }
}

impl<S> fmt::Debug for Cx<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The path only: a query string can carry an API key.
        f.debug_struct("Cx")
            .field("method", &self.parts.method)
            .field("path", &self.parts.uri.path())
            .finish_non_exhaustive()
    }
}

/// Evaluates `permission` as a branch: its check, then its settings applied
/// to a `Deny` (`to_failed`).
///
/// # Errors
///
/// An input the permission could not extract.
pub async fn evaluate<S, P>(permission: &P, cx: &mut Cx<'_, S>) -> Result<Outcome, Unresolved>
where
    P: Permission<S> + ?Sized,
    S: Send + Sync,
{
    if P::ANSWERS_AT_ONCE {
        return evaluate_now(permission, cx);
    }
    cx.enter();
    let verdict = permission.check(cx).await;
    cx.leave();
    finish(permission, cx, verdict)
}

/// [`evaluate`] for a permission that [answers at once](Permission::ANSWERS_AT_ONCE).
///
/// # Errors
///
/// An input the permission could not extract.
#[inline(always)]
pub fn evaluate_now<S, P>(permission: &P, cx: &mut Cx<'_, S>) -> Result<Outcome, Unresolved>
where
    P: Permission<S> + ?Sized,
    S: Send + Sync,
{
    let verdict = check_now_nested(permission, cx);
    finish(permission, cx, verdict)
}

/// `check_now`, one level deeper in the trace.
#[inline(always)]
fn check_now_nested<S, P>(permission: &P, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved>
where
    P: Permission<S> + ?Sized,
    S: Send + Sync,
{
    cx.enter();
    let verdict = permission.check_now(cx);
    cx.leave();
    verdict
}

/// Checks `permission` at once and returns its verdict as it is (a `Deny`
/// not yet completed with its settings), recording the branch in the trace.
/// For composites that only need to know whether a child allowed.
#[inline(always)]
pub(crate) fn verdict_now<S, P>(permission: &P, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved>
where
    P: Permission<S> + ?Sized,
    S: Send + Sync,
{
    let verdict = check_now_nested(permission, cx);
    if cx.trace.is_some() {
        let summary = match &verdict {
            Ok(Verdict::Allow | Verdict::Outcome(Outcome::Pass)) => "pass",
            Ok(Verdict::Skip(_) | Verdict::Outcome(Outcome::Skip(_))) => "skip",
            Ok(Verdict::Deny(_) | Verdict::Outcome(Outcome::Fail(_))) => "fail",
            Err(_) => "unresolved",
        };
        cx.record(permission.name(), summary);
    }
    verdict
}

/// Applies the settings of `permission` to its verdict and records the branch
/// in the trace.
#[inline(always)]
fn finish<S, P>(permission: &P, cx: &mut Cx<'_, S>, verdict: Result<Verdict, Unresolved>) -> Result<Outcome, Unresolved>
where
    P: PermissionMeta + ?Sized,
{
    let outcome = verdict.map(|verdict| verdict.into_outcome(permission));
    if cx.trace.is_some() {
        let result = match &outcome {
            Ok(outcome) => outcome.summary(),
            Err(_) => "unresolved",
        };
        cx.record(permission.name(), result);
    }
    outcome
}

/// `to_failed(p, r)`: `FAIL(r or p.message(), p.status(), p.code(), p.headers())`.
#[inline(always)]
pub fn to_failed<P: PermissionMeta + ?Sized>(permission: &P, reason: Option<Cow<'static, str>>) -> Failure {
    Failure::from_fields(
        Some(reason.filter(|reason| !reason.is_empty()).unwrap_or_else(|| permission.message())),
        Some(permission.status()),
        permission.code(),
        permission.headers(),
    )
}

/// The root's error for `outcome`, every field filled: `None` for `Pass`.
///
/// `message = root.cfg.message or f.reason or root.message()`, and the same
/// for the status, code and headers, where `f` is the failure, or
/// `to_failed(root)` for a skip (whose reason is dropped).
pub fn render_failure<P: PermissionMeta + ?Sized>(root: &P, outcome: Outcome) -> Option<Failure> {
    let failure = match outcome {
        Outcome::Pass => return None,
        Outcome::Fail(failure) => failure,
        Outcome::Skip(_) => to_failed(root, None),
    };
    Some(settings_first(root.config(), failure, root))
}

/// Each field from `config` where set, else from `failure`, else from
/// `fallback`'s getters: the rule of the root rendering and of
/// [`WithError`](wrappers::WithError).
fn settings_first<P: PermissionMeta + ?Sized>(config: Option<&ErrorConfig>, failure: Failure, fallback: &P) -> Failure {
    let (reason, status, code, headers) = failure.into_fields();
    Failure::from_fields(
        Some(
            non_empty(config.and_then(|c| c.message.as_ref()))
                .or_else(|| non_empty(reason.as_ref()))
                .unwrap_or_else(|| fallback.message()),
        ),
        Some(config.and_then(|c| c.status).or(status).unwrap_or_else(|| fallback.status())),
        non_empty(config.and_then(|c| c.code.as_ref()))
            .or_else(|| non_empty(code.as_ref()))
            .or_else(|| fallback.code()),
        non_empty_headers(config.and_then(|c| c.headers.as_ref()))
            .or(headers.filter(|headers| !headers.is_empty()))
            .or_else(|| fallback.headers()),
    )
}

/// Renders the result of the root permission: `None` for `Pass`, else the
/// answer: `{"detail": message}`, or `{"detail": {"code", "message"}}` when a
/// code is set, with the status and headers of [`render_failure`].
#[inline]
pub fn render<P: PermissionMeta + ?Sized>(root: &P, outcome: Outcome) -> Option<AuthRejection> {
    match outcome {
        Outcome::Pass => None,
        refused => Some(render_refusal(root, refused)),
    }
}

#[cold]
fn render_refusal<P: PermissionMeta + ?Sized>(root: &P, outcome: Outcome) -> AuthRejection {
    let (reason, status, code, headers) = render_failure(root, outcome).unwrap_or_default().into_fields();
    let message = reason.unwrap_or(Cow::Borrowed("Permission denied"));
    let mut rejection =
        AuthRejection::new(AuthErrorKind::PermissionDenied).with_status(status.unwrap_or(StatusCode::FORBIDDEN));
    rejection = match code {
        Some(code) => rejection.with_detail_json(serde_json::json!({ "code": code, "message": message })),
        None => rejection.with_detail(message),
    };
    for (name, value) in headers.iter().flatten() {
        rejection = rejection.with_header(name.clone(), value.clone());
    }
    rejection
}

/// Why a guarded request was refused: a denial, or an input that could not
/// be extracted.
#[derive(Debug)]
pub enum PermissionRejection {
    /// The permission refused.
    Denied(AuthRejection),
    /// An input was missing; its own rejection is the answer.
    Unresolved(Unresolved),
}

impl IntoResponse for PermissionRejection {
    fn into_response(self) -> Response {
        match self {
            Self::Denied(rejection) => rejection.into_response(),
            Self::Unresolved(unresolved) => unresolved.into_response(),
        }
    }
}

/// Instance settings and composition for every permission.
pub trait PermissionExt: PermissionMeta + Sized {
    /// `self & other`.
    fn and<B>(self, other: B) -> All<Self, B> {
        All::new(self, other)
    }

    /// `self | other`.
    fn or<B>(self, other: B) -> Any<Self, B> {
        Any::new(self, other)
    }

    /// Sets the instance message.
    fn with_message(self, message: impl Into<Cow<'static, str>>) -> Configured<Self> {
        Configured::new(self).with_message(message)
    }

    /// Sets the instance status.
    fn with_status(self, status: StatusCode) -> Configured<Self> {
        Configured::new(self).with_status(status)
    }

    /// Sets the instance code.
    fn with_code(self, code: impl Into<Cow<'static, str>>) -> Configured<Self> {
        Configured::new(self).with_code(code)
    }

    /// Adds an instance header.
    fn with_header(self, name: HeaderName, value: HeaderValue) -> Configured<Self> {
        Configured::new(self).with_header(name, value)
    }

    /// Replaces all instance settings.
    fn with_config(self, config: ErrorConfig) -> Configured<Self> {
        Configured::with_config(self, config)
    }
}

impl<T: PermissionMeta> PermissionExt for T {}

/// Implements `&`, `|` and `!` for permission types.
///
/// ```
/// # use warden::permission::{Cx, Permission, PermissionMeta, Unresolved, Verdict};
/// struct A;
/// impl PermissionMeta for A {}
/// impl<S: Send + Sync> Permission<S> for A {
///     async fn check(&self, _: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> { Ok(Verdict::Allow) }
/// }
/// warden::permission_ops!(A);
/// let composed = A & !A | A;
/// ```
#[macro_export]
macro_rules! permission_ops {
    ($($ty:ident $(<$($gen:ident),+>)?),+ $(,)?) => {$(
        impl<$($($gen,)+)? Rhs: $crate::permission::PermissionMeta> ::std::ops::BitAnd<Rhs> for $ty $(<$($gen),+>)? {
            type Output = $crate::permission::All<Self, Rhs>;
            fn bitand(self, rhs: Rhs) -> Self::Output {
                $crate::permission::All::new(self, rhs)
            }
        }

        impl<$($($gen,)+)? Rhs: $crate::permission::PermissionMeta> ::std::ops::BitOr<Rhs> for $ty $(<$($gen),+>)? {
            type Output = $crate::permission::Any<Self, Rhs>;
            fn bitor(self, rhs: Rhs) -> Self::Output {
                $crate::permission::Any::new(self, rhs)
            }
        }

        impl $(<$($gen),+>)? ::std::ops::Not for $ty $(<$($gen),+>)? {
            type Output = $crate::permission::Not<Self>;
            fn not(self) -> Self::Output {
                $crate::permission::Not::new(self)
            }
        }
    )+};
}
