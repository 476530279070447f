//! Wrappers that change what a permission's result means.
//!
//! | wrapper | `PASS` | `FAIL f` | `SKIP r` | missing input |
//! | --- | --- | --- | --- | --- |
//! | [`AllowSkipped`] | pass | `f` | **pass** | sent |
//! | [`DenySkipped`] | pass | `f` | **fail** with the wrapper's settings | sent |
//! | [`Advisory`] | pass | **skip** with `f`'s reason | skip | sent |
//! | [`WithError`] | pass | `f` with the wrapper's settings first | skip | sent |
//! | [`When`]`(g, p)` | `p`'s result when `g` passes; otherwise `SKIP` with `g`'s reason and `p` is not checked | | | sent |
//! | [`SkipUnresolved`] | pass | `f` | skip | **skip** (a malformed input's `400` is still sent) |
//! | [`FailUnresolved`] | pass | `f` | skip | **fail** with the wrapper's settings (a `400` is still sent) |
//! | [`Undocumented`] | unchanged; kept out of the OpenAPI document | | | |
//! | [`Configured`] | unchanged; its own message, status, code and headers | | | |
//!
//! Wrappers have the default settings (`Permission denied`, `403`) unless
//! given others with [`PermissionExt`](super::PermissionExt).

use std::borrow::Cow;

use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use super::{
    Cx, ErrorConfig, Outcome, Permission, PermissionMeta, Unresolved, Verdict, evaluate, evaluate_now, settings_first,
};

/// The `with_*` setters of a wrapper with a `config: ErrorConfig` field.
macro_rules! settings_setters {
    () => {
        /// Sets the message.
        #[must_use]
        pub fn with_message(mut self, message: impl Into<Cow<'static, str>>) -> Self {
            self.config.message = Some(message.into());
            self
        }

        /// Sets the status.
        #[must_use]
        pub fn with_status(mut self, status: StatusCode) -> Self {
            self.config.status = Some(status);
            self
        }

        /// Sets the code.
        #[must_use]
        pub fn with_code(mut self, code: impl Into<Cow<'static, str>>) -> Self {
            self.config.code = Some(code.into());
            self
        }

        /// Adds a header.
        #[must_use]
        pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
            self.config.headers.get_or_insert_with(HeaderMap::new).append(name, value);
            self
        }
    };
}

/// A permission with its own instance settings; see
/// [`PermissionExt::with_message`](super::PermissionExt::with_message).
#[derive(Debug, Clone, Default)]
pub struct Configured<P> {
    inner: P,
    config: ErrorConfig,
}

impl<P> Configured<P> {
    /// `inner` with no settings of its own yet.
    pub fn new(inner: P) -> Self {
        Self { inner, config: ErrorConfig::default() }
    }

    /// `inner` with `config`.
    pub fn with_config(inner: P, config: ErrorConfig) -> Self {
        Self { inner, config }
    }

    /// The wrapped permission.
    pub const fn inner(&self) -> &P {
        &self.inner
    }

    settings_setters!();
}

impl<P: PermissionMeta> PermissionMeta for Configured<P> {
    fn config(&self) -> Option<&ErrorConfig> {
        Some(&self.config)
    }

    fn default_message(&self) -> Cow<'static, str> {
        self.inner.message()
    }

    fn default_status(&self) -> StatusCode {
        self.inner.status()
    }

    fn default_code(&self) -> Option<Cow<'static, str>> {
        self.inner.code()
    }

    fn default_headers(&self) -> Option<HeaderMap> {
        self.inner.headers()
    }

    fn name(&self) -> Cow<'static, str> {
        self.inner.name()
    }

    fn is_documented(&self) -> bool {
        self.inner.is_documented()
    }
}

// The inner check's `Deny` is completed with *these* settings by `evaluate`.
impl<S: Send + Sync, P: Permission<S>> Permission<S> for Configured<P> {
    const ANSWERS_AT_ONCE: bool = P::ANSWERS_AT_ONCE;

    fn check_now(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        self.inner.check_now(cx)
    }

    async fn check(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        self.inner.check(cx).await
    }
}

/// Declares a wrapper type whose settings are its own (the defaults) and
/// whose checks map the inner result with `map`.
macro_rules! result_wrapper {
    ($(#[$doc:meta])* $name:ident, $map:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name<P>(pub P);

        impl<P: PermissionMeta> PermissionMeta for $name<P> {
            fn is_documented(&self) -> bool {
                self.0.is_documented()
            }
        }

        impl<S: Send + Sync, P: Permission<S>> Permission<S> for $name<P> {
            const ANSWERS_AT_ONCE: bool = P::ANSWERS_AT_ONCE;

            fn check_now(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
                let map: fn(Result<Outcome, Unresolved>) -> Result<Verdict, Unresolved> = $map;
                map(evaluate_now(&self.0, cx))
            }

            async fn check(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
                let map: fn(Result<Outcome, Unresolved>) -> Result<Verdict, Unresolved> = $map;
                map(evaluate(&self.0, cx).await)
            }
        }

        crate::permission_ops!($name<P>);
    };
}

result_wrapper!(
    /// A skip allows.
    AllowSkipped,
    |outcome| Ok(match outcome? {
        Outcome::Skip(_) => Verdict::Allow,
        other => Verdict::Outcome(other),
    })
);

result_wrapper!(
    /// A skip fails, with the wrapper's settings.
    DenySkipped,
    |outcome| Ok(match outcome? {
        Outcome::Skip(_) => Verdict::Deny(None),
        other => Verdict::Outcome(other),
    })
);

result_wrapper!(
    /// A failure only abstains: the permission can help, never refuse.
    Advisory,
    |outcome| Ok(match outcome? {
        Outcome::Fail(mut failure) => Verdict::Skip(failure.reason.take()),
        other => Verdict::Outcome(other),
    })
);

result_wrapper!(
    /// A missing input skips instead of being sent. A malformed one (a `400`)
    /// is still sent.
    SkipUnresolved,
    |outcome| match outcome {
        Ok(outcome) => Ok(Verdict::Outcome(outcome)),
        Err(unresolved) if unresolved.is_bad_request() => Err(unresolved),
        Err(_) => Ok(Verdict::Skip(None)),
    }
);

result_wrapper!(
    /// A missing input fails, with the wrapper's settings, instead of being
    /// sent. A malformed one (a `400`) is still sent.
    FailUnresolved,
    |outcome| match outcome {
        Ok(outcome) => Ok(Verdict::Outcome(outcome)),
        Err(unresolved) if unresolved.is_bad_request() => Err(unresolved),
        Err(_) => Ok(Verdict::Deny(None)),
    }
);

/// One error for a whole subtree, at any depth: a failure inside takes the
/// wrapper's message, status, code and headers where they are set, and keeps
/// its own where they are not.
///
/// ```
/// use warden::permission::{Deny, wrappers::WithError};
/// use http::StatusCode;
///
/// // A 404 instead of a 403 does not tell the caller the resource exists.
/// let hidden = WithError::new(Deny).with_message("Not found").with_status(StatusCode::NOT_FOUND);
/// ```
#[derive(Debug, Clone, Default)]
pub struct WithError<P> {
    inner: P,
    config: ErrorConfig,
}

impl<P> WithError<P> {
    /// Wraps `inner`; set the error with the `with_*` methods.
    pub fn new(inner: P) -> Self {
        Self { inner, config: ErrorConfig::default() }
    }

    /// Wraps `inner` with `config`.
    pub fn with_config(inner: P, config: ErrorConfig) -> Self {
        Self { inner, config }
    }

    /// The wrapped permission.
    pub const fn inner(&self) -> &P {
        &self.inner
    }

    settings_setters!();
}

impl<P: PermissionMeta> PermissionMeta for WithError<P> {
    fn config(&self) -> Option<&ErrorConfig> {
        Some(&self.config)
    }

    fn is_documented(&self) -> bool {
        self.inner.is_documented()
    }
}

impl<P: PermissionMeta> WithError<P> {
    /// The inner result, a failure taking this wrapper's settings first.
    fn rewrite(&self, outcome: Outcome) -> Verdict {
        Verdict::Outcome(match outcome {
            Outcome::Fail(failure) => Outcome::from(settings_first(Some(&self.config), failure, self)),
            other => other,
        })
    }
}

impl<S: Send + Sync, P: Permission<S>> Permission<S> for WithError<P> {
    const ANSWERS_AT_ONCE: bool = P::ANSWERS_AT_ONCE;

    fn check_now(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        Ok(self.rewrite(evaluate_now(&self.inner, cx)?))
    }

    async fn check(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        Ok(self.rewrite(evaluate(&self.inner, cx).await?))
    }
}

/// `p`, checked only when guard `g` passes; otherwise a skip with `g`'s reason.
#[derive(Debug, Clone, Copy, Default)]
pub struct When<G, P> {
    guard: G,
    inner: P,
}

impl<G, P> When<G, P> {
    /// `inner` when `guard` passes.
    pub const fn new(guard: G, inner: P) -> Self {
        Self { guard, inner }
    }

    /// The guard and the permission it gates.
    pub const fn parts(&self) -> (&G, &P) {
        (&self.guard, &self.inner)
    }
}

impl<G: PermissionMeta, P: PermissionMeta> PermissionMeta for When<G, P> {
    fn is_documented(&self) -> bool {
        self.inner.is_documented()
    }
}

/// The body of `When`'s checks; `|child| eval` evaluates one child.
macro_rules! when_body {
    ($this:ident, |$child:ident| $eval:expr) => {{
        let guard = {
            let $child = &$this.guard;
            $eval
        }?;
        match guard {
            Outcome::Pass => Ok(Verdict::Outcome({
                let $child = &$this.inner;
                $eval
            }?)),
            Outcome::Skip(reason) => Ok(Verdict::Skip(reason)),
            Outcome::Fail(mut failure) => Ok(Verdict::Skip(failure.reason.take())),
        }
    }};
}

impl<S: Send + Sync, G: Permission<S>, P: Permission<S>> Permission<S> for When<G, P> {
    const ANSWERS_AT_ONCE: bool = G::ANSWERS_AT_ONCE && P::ANSWERS_AT_ONCE;

    fn check_now(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        when_body!(self, |child| evaluate_now(child, cx))
    }

    async fn check(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        when_body!(self, |child| evaluate(child, cx).await)
    }
}

/// `p`, kept out of the OpenAPI document; its checks and errors are unchanged.
#[derive(Debug, Clone, Copy, Default)]
pub struct Undocumented<P>(pub P);

impl<P: PermissionMeta> PermissionMeta for Undocumented<P> {
    fn config(&self) -> Option<&ErrorConfig> {
        self.0.config()
    }

    fn default_message(&self) -> Cow<'static, str> {
        self.0.message()
    }

    fn default_status(&self) -> StatusCode {
        self.0.status()
    }

    fn default_code(&self) -> Option<Cow<'static, str>> {
        self.0.code()
    }

    fn default_headers(&self) -> Option<HeaderMap> {
        self.0.headers()
    }

    fn name(&self) -> Cow<'static, str> {
        self.0.name()
    }

    fn is_documented(&self) -> bool {
        false
    }
}

impl<S: Send + Sync, P: Permission<S>> Permission<S> for Undocumented<P> {
    const ANSWERS_AT_ONCE: bool = P::ANSWERS_AT_ONCE;

    fn check_now(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        self.0.check_now(cx)
    }

    async fn check(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        self.0.check(cx).await
    }
}

crate::permission_ops!(Configured<P>, WithError<P>, When<G, P>, Undocumented<P>);
