//! utoipa-axum's router with warden's security documentation (feature
//! `utoipa-axum`).
//!
//! An app that builds its document with utoipa-axum changes two names:
//! `utoipa_axum::router::OpenApiRouter` becomes [`SecuredRouter`] and
//! `utoipa_axum::routes!` becomes [`warden::routes!`](crate::routes). Each
//! handler's `#[utoipa::path]` still gives its operation (summary,
//! parameters, bodies, responses); warden adds the `security` its
//! extractors, guards and layers need, the 401/403/400 answers with their
//! challenges, and the schemes under `components.securitySchemes`. Where
//! warden finds security, it replaces a `security(…)` written in
//! `#[utoipa::path]`.
//!
//! ```
//! use axum::Json;
//! use serde_json::json;
//! use utoipa::openapi::OpenApi;
//! use warden::{Auth, HttpBearer, openapi::utoipa_axum::SecuredRouter};
//!
//! /// The current user.
//! #[utoipa::path(get, path = "/users/me", responses((status = OK, description = "The user")))]
//! async fn me(Auth(_): Auth<HttpBearer>) -> Json<serde_json::Value> {
//!     Json(json!({ "username": "johndoe" }))
//! }
//!
//! let (router, api): (axum::Router, OpenApi) = SecuredRouter::new()
//!     .routes(warden::routes!(me))
//!     .with_state(HttpBearer::new())
//!     .split_for_parts()?;
//!
//! let api = serde_json::to_value(&api)?;
//! let operation = &api["paths"]["/users/me"]["get"];
//! assert_eq!(operation["summary"], "The current user.");
//! assert_eq!(operation["security"], json!([{ "HTTPBearer": [] }]));
//! assert_eq!(operation["responses"]["401"]["headers"]["WWW-Authenticate"]["schema"]["examples"], json!(["Bearer"]));
//! assert_eq!(api["components"]["securitySchemes"]["HTTPBearer"], json!({ "type": "http", "scheme": "bearer" }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use axum::{Router, handler::Handler, http::Method, routing::MethodRouter};
use utoipa::openapi::{HttpMethod, OpenApi};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

use super::{
    DocumentHandlerArgs, OpenApiError,
    routes::{
        self, Documented, Operations,
        core::{AnyLayer, RouteLayer, Routing},
    },
};

/// What [`warden::routes!`](crate::routes) makes: utoipa-axum's
/// [`UtoipaMethodRouter`] and the security documentation of its handlers.
pub type SecuredMethodRouter<S = ()> = Documented<UtoipaMethodRouter<S>, S>;

impl<S: Clone + Send + Sync + 'static> SecuredMethodRouter<S> {
    /// `routes`, with no operation documented yet. Use
    /// [`warden::routes!`](crate::routes), which documents every handler.
    pub fn new(routes: UtoipaMethodRouter<S>) -> Self {
        Self { router: routes, operations: Operations::new() }
    }

    /// Documents `handler`, served at `path` for `methods` (what its
    /// `#[utoipa::path]` says), from its arguments.
    #[must_use]
    pub fn document<H, T>(mut self, _handler: &H, path: &str, methods: &[HttpMethod]) -> Self
    where
        H: Handler<T, S>,
        T: DocumentHandlerArgs<S> + 'static,
    {
        let path = if path.is_empty() { "/" } else { path };
        for method in methods {
            self.operations.push_handler::<T>(path.to_owned(), to_method(method));
        }
        self
    }

    /// Changes the axum method router in a way the documentation does not
    /// show (utoipa-axum's `UtoipaMethodRouterExt::map`).
    #[must_use]
    pub fn map(self, change: impl FnOnce(MethodRouter<S>) -> MethodRouter<S>) -> Self {
        let (schemas, paths, router) = self.router;
        Self { router: (schemas, paths, change(router)), operations: self.operations }
    }
}

/// utoipa-axum's method router is axum's with the paths and schemas of its
/// handlers: the core's calls go to the axum part.
impl<S: Clone + Send + Sync + 'static> Routing<S> for UtoipaMethodRouter<S> {
    type WithState<S2: Clone + Send + Sync + 'static> = UtoipaMethodRouter<S2>;

    fn route_layer<L: RouteLayer>(self, layer: L) -> Self {
        let (schemas, paths, router) = self;
        (schemas, paths, router.route_layer(layer))
    }

    fn layer<L: AnyLayer>(self, layer: L) -> Self {
        let (schemas, paths, router) = self;
        (schemas, paths, router.layer(layer))
    }

    fn fallback<H: Handler<T, S>, T: 'static>(self, handler: H) -> Self {
        let (schemas, paths, router) = self;
        (schemas, paths, router.fallback(handler))
    }

    fn with_state<S2: Clone + Send + Sync + 'static>(self, state: S) -> UtoipaMethodRouter<S2> {
        let (schemas, paths, router) = self;
        (schemas, paths, router.with_state(state))
    }
}

fn to_method(method: &HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Post => Method::POST,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Trace => Method::TRACE,
    }
}

/// utoipa-axum's [`OpenApiRouter`] that also documents each operation's
/// security: see the [module documentation](self).
pub type SecuredRouter<S = ()> = Documented<OpenApiRouter<S>, S>;

impl<S: Clone + Send + Sync + 'static> Default for SecuredRouter<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Clone + Send + Sync + 'static> SecuredRouter<S> {
    /// An empty router with utoipa-axum's default document (title and
    /// version from Cargo).
    pub fn new() -> Self {
        Self { router: OpenApiRouter::new(), operations: Operations::new() }
    }

    /// An empty router that adds to `openapi`.
    pub fn with_openapi(openapi: OpenApi) -> Self {
        Self { router: OpenApiRouter::with_openapi(openapi), operations: Operations::new() }
    }

    /// Adds the handlers of [`warden::routes!`](crate::routes), with their
    /// operations and security.
    #[must_use]
    pub fn routes(mut self, routes: SecuredMethodRouter<S>) -> Self {
        self.router = self.router.routes(routes.router);
        self.operations.extend(routes.operations);
        self
    }

    /// Adds an axum method router at `path`, served and not documented.
    #[must_use]
    pub fn route(self, path: &str, method_router: MethodRouter<S>) -> Self {
        Self { router: self.router.route(path, method_router), operations: self.operations }
    }
}

routes::core::by_own_methods!(OpenApiRouter; paths: OpenApiRouter);

impl SecuredRouter<()> {
    /// The router to serve and utoipa's document, with every operation's
    /// security written in (see
    /// [`SecurityDocument::apply_to`](super::SecurityDocument::apply_to)).
    ///
    /// # Errors
    ///
    /// [`OpenApiError::ConflictingSchemes`] for two scheme configurations
    /// with one OpenAPI name; [`OpenApiError::Utoipa`] for a scheme utoipa
    /// cannot hold.
    pub fn split_for_parts(self) -> Result<(Router, OpenApi), OpenApiError> {
        let security = self.operations.document()?;
        let (router, mut api) = self.router.split_for_parts();
        security.apply_to(&mut api)?;
        Ok((router, api))
    }
}

/// utoipa-axum's `routes!` for [`SecuredRouter`]: the same handlers
/// (annotated with `#[utoipa::path]`, named by identifier or module path),
/// each also documented from its arguments. The app must depend on `utoipa`
/// and `axum`, as utoipa-axum's macro asks.
///
/// ```
/// use warden::{Auth, ApiKey, openapi::utoipa_axum::SecuredRouter};
///
/// mod items {
///     use warden::{Auth, ApiKey};
///     #[utoipa::path(get, path = "/items")]
///     pub async fn list(Auth(_): Auth<ApiKey>) {}
///     #[utoipa::path(post, path = "/items")]
///     pub async fn create(Auth(_): Auth<ApiKey>) {}
/// }
///
/// let router: SecuredRouter<ApiKey> = SecuredRouter::new().routes(warden::routes!(items::list, items::create));
/// # let _ = router.with_state::<()>(ApiKey::header("X-API-Key")?).split_for_parts()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[macro_export]
macro_rules! routes {
    ($($first:ident $(:: $rest:ident)*),+ $(,)?) => {{
        #[allow(unused_mut)]
        let mut secured = $crate::openapi::utoipa_axum::SecuredMethodRouter::new(
            $crate::openapi::utoipa_axum::__private::utoipa_axum::routes!($($first $(:: $rest)*),+)
        );
        $( secured = $crate::routes!(@document secured [] $first $(:: $rest)*); )+
        secured
    }};
    (@document $secured:ident [$($module:ident)*] $handler:ident) => {
        $crate::openapi::utoipa_axum::__private::pastey::paste! {
            $secured.document(
                &$($module ::)* $handler,
                &<$($module ::)* [<__path_ $handler>] as $crate::openapi::utoipa_axum::__private::utoipa::Path>::path(),
                &<$($module ::)* [<__path_ $handler>] as $crate::openapi::utoipa_axum::__private::utoipa::Path>::methods(),
            )
        }
    };
    (@document $secured:ident [$($module:ident)*] $head:ident :: $($tail:tt)+) => {
        $crate::routes!(@document $secured [$($module)* $head] $($tail)+)
    };
}

#[doc(hidden)]
pub mod __private {
    pub use pastey;
    pub use utoipa;
    pub use utoipa_axum;
}
