//! The authentication schemes, one module each.
//!
//! | scheme | module | credentials | challenge when missing |
//! | --- | --- | --- | --- |
//! | [`HttpBasic`] | [`basic`] | [`BasicCredentials`] | `Basic realm="…", charset="UTF-8"` |
//! | [`HttpBearer`] | [`bearer`] | [`HttpCredentials`] | `Bearer` |
//! | [`HttpScheme`] (Digest or any other name) | [`http_scheme`] | [`HttpCredentials`] | the title-cased name: `Digest`, `Custom-Scheme` |
//! | [`ApiKey`] in a header, query or cookie | [`api_key`] | [`ApiKeyCredentials`] | `APIKey` |
//! | [`OAuth2PasswordBearer`], [`OAuth2AuthorizationCodeBearer`], [`OAuth2ClientCredentialsBearer`], [`OAuth2`] | [`oauth2`] | [`BearerToken`] | `Bearer` |
//! | [`OpenIdConnect`] | [`openid_connect`] | [`BearerToken`] | `Bearer` |
//!
//! A scheme is a configuration value. Handlers receive its credentials
//! through [`Auth<S>`](crate::Auth), which finds the scheme in the router
//! state with [`FromRef`](axum_core::extract::FromRef). To use two
//! configurations of one scheme type in one app (two realms, two key names),
//! give each a marker type: `HttpBasic<Admin>` and `HttpBasic` are different
//! types, so the state can hold both.
//!
//! # Memory
//!
//! A scheme is configuration for the life of the program. Building one
//! allocates its settings once and never frees them; in exchange every scheme
//! is `Copy`, and taking it out of the router state on each request copies a
//! pointer instead of touching a reference count (two atomic operations on
//! every request). Build schemes when the app starts, not per request. The
//! constructors without settings ([`HttpBearer::new`], [`HttpScheme::digest`])
//! allocate nothing: they point at shared defaults.

use std::{borrow::Cow, fmt, sync::Arc};

use http::request::Parts;

use crate::{AuthErrorKind, AuthRejection, Challenge};

pub mod api_key;
pub mod basic;
pub mod bearer;
pub mod http_scheme;
pub mod oauth2;
pub mod openid_connect;

pub use self::{
    api_key::{ApiKey, ApiKeyCredentials, ApiKeyLocation},
    basic::{BasicCredentials, HttpBasic},
    bearer::HttpBearer,
    http_scheme::{HttpCredentials, HttpScheme},
    oauth2::{
        BearerToken, OAuth2, OAuth2AuthorizationCodeBearer, OAuth2ClientCredentialsBearer, OAuth2Flow,
        OAuth2PasswordBearer,
    },
    openid_connect::OpenIdConnect,
};

/// An authentication scheme: how to find credentials in a request and how to
/// answer when they are missing.
///
/// warden implements it for every scheme in this module; implement it for
/// your own scheme to get [`Auth<S>`](crate::Auth), `Option<Auth<S>>` and
/// [`RequireAuth`](crate::RequireAuth) for free.
pub trait Scheme: Clone + Send + Sync + 'static {
    /// What a successful extraction yields.
    type Credentials: Clone + fmt::Debug + Send + Sync + 'static;

    /// Looks for this scheme's credentials.
    ///
    /// Returns `Ok(None)` when they are **absent** (the only case an optional
    /// scheme turns into `None`) and `Err` when they are present but cannot be
    /// accepted.
    ///
    /// # Errors
    ///
    /// A rejection for credentials that are malformed or ambiguous.
    fn extract(&self, parts: &Parts) -> Result<Option<Self::Credentials>, AuthRejection>;

    /// The answer for absent credentials, after the scheme's
    /// [hook](SchemeOptions::on_not_authenticated).
    fn not_authenticated(&self) -> AuthRejection;

    /// Which configuration this is: two values with the same identity accept
    /// exactly the same credentials, so credentials one of them extracted (in
    /// a [`RequireAuth`](crate::RequireAuth) layer) can serve the other.
    /// `None`, the default, never reuses another extraction.
    fn identity(&self) -> Option<usize> {
        None
    }
}

/// A hook that turns the default "not authenticated" rejection into another
/// one (FastAPI's `make_not_authenticated_error`).
pub type NotAuthenticatedHook = Arc<dyn Fn(AuthRejection) -> AuthRejection + Send + Sync>;

/// What every scheme configuration has besides its own settings: the OpenAPI
/// name and description, and the not-authenticated hook.
#[derive(Clone, Default)]
pub struct SchemeOptions {
    name: Option<Cow<'static, str>>,
    description: Option<Cow<'static, str>>,
    hook: Option<NotAuthenticatedHook>,
}

impl SchemeOptions {
    /// No name, no description, no hook.
    pub const fn new() -> Self {
        Self { name: None, description: None, hook: None }
    }

    /// Sets the name the scheme has in OpenAPI `components.securitySchemes`.
    pub fn set_name(&mut self, name: impl Into<Cow<'static, str>>) {
        self.name = Some(name.into());
    }

    /// Sets the OpenAPI description.
    pub fn set_description(&mut self, description: impl Into<Cow<'static, str>>) {
        self.description = Some(description.into());
    }

    /// Replaces the scheme's "not authenticated" answer (missing credentials,
    /// and for Basic also malformed ones, which FastAPI answers the same way).
    /// The 400s for ambiguous or unusable requests (POLICY D6, D10) are never
    /// passed to the hook.
    ///
    /// [`AuthRejection::legacy_forbidden`] is FastAPI's documented legacy
    /// answer, `403 {"detail":"Not authenticated"}` without a challenge.
    pub fn on_not_authenticated<F>(&mut self, hook: F)
    where
        F: Fn(AuthRejection) -> AuthRejection + Send + Sync + 'static,
    {
        self.hook = Some(Arc::new(hook));
    }

    /// The OpenAPI name, if one was set.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The OpenAPI description, if one was set.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Builds the "not authenticated" rejection of `kind` with `challenge`,
    /// passed through the hook: what a [`Scheme`] answers for missing
    /// credentials.
    pub fn not_authenticated(&self, kind: AuthErrorKind, challenge: &Challenge) -> AuthRejection {
        let rejection = AuthRejection::new(kind).with_challenge(challenge.clone());
        match &self.hook {
            Some(hook) => hook(rejection),
            None => rejection,
        }
    }
}

impl fmt::Debug for SchemeOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemeOptions")
            .field("name", &self.name)
            .field("description", &self.description)
            .field("hook", &self.hook.as_ref().map(|_| "Fn"))
            .finish()
    }
}

/// Adds the builder methods every scheme shares to a builder with an
/// `options: SchemeOptions` field.
macro_rules! shared_builder_methods {
    () => {
        /// Sets the name the scheme has in OpenAPI `components.securitySchemes`.
        pub fn scheme_name(mut self, name: impl Into<std::borrow::Cow<'static, str>>) -> Self {
            self.options.set_name(name);
            self
        }

        /// Sets the OpenAPI description.
        pub fn description(mut self, description: impl Into<std::borrow::Cow<'static, str>>) -> Self {
            self.options.set_description(description);
            self
        }

        /// Replaces the "not authenticated" answer; see
        /// [`SchemeOptions::on_not_authenticated`](crate::scheme::SchemeOptions::on_not_authenticated).
        pub fn on_not_authenticated<F>(mut self, hook: F) -> Self
        where
            F: Fn(crate::AuthRejection) -> crate::AuthRejection + Send + Sync + 'static,
        {
            self.options.on_not_authenticated(hook);
            self
        }
    };
}
pub(crate) use shared_builder_methods;

/// `Copy`, `Debug` and the accessors every scheme handle shares. A handle is
/// a `&'static` reference to its configuration plus a marker type, so taking
/// it out of the router state on every request copies one pointer.
macro_rules! scheme_handle {
    ($name:ident, $inner:ty) => {
        impl<M> Clone for $name<M> {
            fn clone(&self) -> Self {
                *self
            }
        }

        impl<M> Copy for $name<M> {}

        impl<M> std::fmt::Debug for $name<M> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(self.inner, f)
            }
        }

        impl<M> $name<M> {
            /// Keeps `inner` for the rest of the process; see the
            /// [`scheme`](crate::scheme) module's "Memory" section.
            fn from_inner(inner: $inner) -> Self {
                Self::from_static(Box::leak(Box::new(inner)))
            }

            /// A handle to a configuration that is already `'static`.
            const fn from_static(inner: &'static $inner) -> Self {
                Self { inner, marker: std::marker::PhantomData }
            }

            /// The address of the configuration, the same for every copy.
            fn address(&self) -> usize {
                std::ptr::from_ref(self.inner) as usize
            }

            /// The OpenAPI name, description and hook of this scheme.
            pub fn options(&self) -> &crate::scheme::SchemeOptions {
                &self.inner.options
            }

            /// Changes the marker type, to hold a second configuration of this
            /// scheme type in the same router state.
            pub fn with_marker<N>(self) -> $name<N> {
                $name { inner: self.inner, marker: std::marker::PhantomData }
            }
        }
    };
}
pub(crate) use scheme_handle;

/// Declares a credential that is one secret string: `as_str`,
/// `into_string`, a constant-time `ct_eq`, a redacted `Debug`, and no `==`.
macro_rules! secret_text {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// `Debug` hides it; there is no `==`: compare with
        /// [`ct_eq`](Self::ct_eq), which takes constant time.
        #[derive(Clone)]
        pub struct $name(String);

        impl $name {
            /// The value.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The value, owned.
            pub fn into_string(self) -> String {
                self.0
            }

            /// Compares the value with `expected` in constant time.
            pub fn ct_eq(&self, expected: &str) -> bool {
                crate::secret::ct_eq(self.0.as_bytes(), expected.as_bytes())
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_tuple(stringify!($name)).field(&crate::secret::REDACTED).finish()
            }
        }
    };
}
pub(crate) use secret_text;

/// Request parts for the schemes' unit tests: `GET uri` with `headers`, in
/// order, duplicates kept.
#[cfg(test)]
pub(crate) fn test_parts(uri: &str, headers: &[(&str, &[u8])]) -> Parts {
    let mut request = http::Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(()).unwrap_or_default().into_parts().0
}

/// [`test_parts`] with one `Authorization` line per item of `lines`.
#[cfg(test)]
pub(crate) fn authorization_parts(lines: &[&[u8]]) -> Parts {
    let headers: Vec<(&str, &[u8])> = lines.iter().map(|line| ("authorization", *line)).collect();
    test_parts("/", &headers)
}
