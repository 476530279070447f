//! A router that documents the security of every route it holds.

use std::{convert::Infallible, fmt, sync::Arc};

use axum::{
    Router,
    extract::Request,
    handler::Handler,
    http::Method,
    response::IntoResponse,
    routing::{MethodRouter, Route},
};
use tower_layer::Layer;
use tower_service::Service;

use super::{
    document::{OpenApiError, OperationSecurity, SecurityDocument},
    security::{DocContext, DocumentHandlerArgs, DocumentLayer, SecurityRequirements},
};

/// How an operation's requirements are found once the state is known.
type DocFn<S> = Arc<dyn Fn(&S, &mut DocContext) -> SecurityRequirements + Send + Sync>;

/// The documentation of a handler with argument list `T`.
fn handler_doc<T: DocumentHandlerArgs<S> + 'static, S: 'static>() -> DocFn<S> {
    Arc::new(|state, cx| T::document(state, cx))
}

/// `doc` behind `layer`.
fn layered<S: 'static, L: DocumentLayer + Send + Sync + 'static>(doc: DocFn<S>, layer: Arc<L>) -> DocFn<S> {
    Arc::new(move |state, cx| {
        let inner = doc(state, cx);
        layer.document(cx, inner)
    })
}

/// `doc` read with `state` from now on.
fn stated<S: Send + Sync + 'static, S2: 'static>(doc: DocFn<S>, state: S) -> DocFn<S2> {
    Arc::new(move |_, cx| doc(&state, cx))
}

/// The routing core of warden's documenting routers: a router and the
/// operations it documents, each with what finds its requirements once the
/// state is known. The four routers are this type over the router they
/// wrap: [`Routes`] over axum's [`Router`], [`MethodRoutes`] over its
/// [`MethodRouter`] and, with the `utoipa-axum` feature,
/// [`SecuredRouter`](super::utoipa_axum::SecuredRouter) and
/// [`SecuredMethodRouter`](super::utoipa_axum::SecuredMethodRouter) over
/// utoipa-axum's. What they share ([`protect`](Self::protect),
/// [`layer`](Self::layer), [`fallback`](Self::fallback),
/// [`with_state`](Self::with_state), and [`nest`](Self::nest) and
/// [`merge`](Self::merge) for the two that hold paths) is written once, here.
pub struct Documented<R, S> {
    pub(crate) router: R,
    pub(crate) operations: Operations<S>,
}

impl<R, S> fmt::Debug for Documented<R, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Documented").field("operations", &self.operations).finish_non_exhaustive()
    }
}

/// A router joins undocumented: its routes are served, and the document
/// does not list them.
impl<R: core::Routing<S>, S: 'static> From<R> for Documented<R, S> {
    fn from(router: R) -> Self {
        Self { router, operations: Operations::new() }
    }
}

impl<R: core::Routing<S>, S: Clone + Send + Sync + 'static> Documented<R, S> {
    /// Protects every route added so far with `layer` (axum's
    /// `route_layer`), and documents what it requires
    /// ([`RequireAuth`](crate::RequireAuth),
    /// [`RequirePermission`](crate::permission::RequirePermission),
    /// [`DeclareScopes`](crate::scopes::DeclareScopes)).
    #[must_use]
    pub fn protect<L: core::RouteLayer + DocumentLayer>(self, layer: L) -> Self {
        Self { router: self.router.route_layer(layer.clone()), operations: self.operations.protected(layer) }
    }

    /// Adds a layer that changes nothing the documentation shows (tracing,
    /// timeouts, compression): axum's `layer`.
    #[must_use]
    pub fn layer<L: core::AnyLayer>(self, layer: L) -> Self {
        Self { router: self.router.layer(layer), operations: self.operations }
    }

    /// Answers what no route takes with `handler` (axum's `fallback`: for a
    /// method router, the methods no handler takes, a `405` by default); not
    /// documented as an operation.
    #[must_use]
    pub fn fallback<H: Handler<T, S>, T: 'static>(self, handler: H) -> Self {
        Self { router: self.router.fallback(handler), operations: self.operations }
    }

    /// Gives the routes their state, as axum's `with_state` does; the
    /// documentation reads its schemes from it.
    pub fn with_state<S2: Clone + Send + Sync + 'static>(self, state: S) -> Documented<R::WithState<S2>, S2> {
        Documented { router: self.router.with_state(state.clone()), operations: self.operations.stated(state) }
    }
}

impl<R: core::PathRouting<S>, S: Clone + Send + Sync + 'static> Documented<R, S> {
    /// Serves `routes` under `path`, as axum's `Router::nest` does, their
    /// operations too.
    #[must_use]
    pub fn nest(mut self, path: &str, routes: Self) -> Self {
        self.router = self.router.nest(path, routes.router);
        self.operations.extend(routes.operations.nested(path));
        self
    }

    /// Adds the routes of `other`: documented ones, or a plain router of the
    /// same kind, whose routes are served undocumented.
    #[must_use]
    pub fn merge(mut self, other: impl Into<Self>) -> Self {
        let other = other.into();
        self.router = self.router.merge(other.router);
        self.operations.extend(other.operations);
        self
    }
}

/// What the routing core asks of the router it wraps, and the layers it
/// takes: public so that bounds can name them, in a private module so that
/// nobody else implements them.
pub(crate) mod core {
    use super::*;

    /// A layer axum's `route_layer` takes (every such layer is one).
    pub trait RouteLayer: Layer<Route, Service = Self::RouteService> + Clone + Send + Sync + 'static {
        /// Its service.
        type RouteService: Service<Request, Response = Self::RouteResponse, Error = Infallible, Future = Self::RouteFuture>
            + Clone
            + Send
            + Sync
            + 'static;
        /// The service's response.
        type RouteResponse: IntoResponse + 'static;
        /// The service's future.
        type RouteFuture: Send + 'static;
    }

    impl<L> RouteLayer for L
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request, Error = Infallible> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        type RouteService = L::Service;
        type RouteResponse = <L::Service as Service<Request>>::Response;
        type RouteFuture = <L::Service as Service<Request>>::Future;
    }

    /// A layer axum's `layer` takes (every such layer is one).
    pub trait AnyLayer: Layer<Route, Service = Self::AnyService> + Clone + Send + Sync + 'static {
        /// Its service.
        type AnyService: Service<Request, Response = Self::AnyResponse, Error = Self::AnyError, Future = Self::AnyFuture>
            + Clone
            + Send
            + Sync
            + 'static;
        /// The service's response.
        type AnyResponse: IntoResponse + 'static;
        /// The service's error.
        type AnyError: Into<Infallible> + 'static;
        /// The service's future.
        type AnyFuture: Send + 'static;
    }

    impl<L> AnyLayer for L
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        type AnyService = L::Service;
        type AnyResponse = <L::Service as Service<Request>>::Response;
        type AnyError = <L::Service as Service<Request>>::Error;
        type AnyFuture = <L::Service as Service<Request>>::Future;
    }

    /// A router the core wraps: axum's `route_layer`, `layer`, `fallback`
    /// and `with_state`, by their own names.
    pub trait Routing<S>: Sized {
        /// The same router once its state is given.
        type WithState<S2: Clone + Send + Sync + 'static>;
        /// `route_layer`.
        fn route_layer<L: RouteLayer>(self, layer: L) -> Self;
        /// `layer`.
        fn layer<L: AnyLayer>(self, layer: L) -> Self;
        /// `fallback`.
        fn fallback<H: Handler<T, S>, T: 'static>(self, handler: H) -> Self;
        /// `with_state`.
        fn with_state<S2: Clone + Send + Sync + 'static>(self, state: S) -> Self::WithState<S2>;
    }

    /// A router that holds paths: `nest` and `merge`.
    pub trait PathRouting<S>: Routing<S> {
        /// `nest`.
        fn nest(self, path: &str, other: Self) -> Self;
        /// `merge`.
        fn merge(self, other: Self) -> Self;
    }

    /// Implements [`Routing`] for routers whose own methods have its names
    /// (axum's two, utoipa-axum's `OpenApiRouter`), and [`PathRouting`] for
    /// those listed after `paths:`.
    macro_rules! by_own_methods {
        ($($router:ident),+ ; paths: $($path_router:ident),+) => {
            $(
                impl<S: Clone + Send + Sync + 'static> $crate::openapi::routes::core::Routing<S> for $router<S> {
                    type WithState<S2: Clone + Send + Sync + 'static> = $router<S2>;

                    fn route_layer<L: $crate::openapi::routes::core::RouteLayer>(self, layer: L) -> Self {
                        Self::route_layer(self, layer)
                    }

                    fn layer<L: $crate::openapi::routes::core::AnyLayer>(self, layer: L) -> Self {
                        Self::layer(self, layer)
                    }

                    fn fallback<H: axum::handler::Handler<T, S>, T: 'static>(self, handler: H) -> Self {
                        Self::fallback(self, handler)
                    }

                    fn with_state<S2: Clone + Send + Sync + 'static>(self, state: S) -> $router<S2> {
                        Self::with_state(self, state)
                    }
                }
            )+
            $(
                impl<S: Clone + Send + Sync + 'static> $crate::openapi::routes::core::PathRouting<S> for $path_router<S> {
                    fn nest(self, path: &str, other: Self) -> Self {
                        Self::nest(self, path, other)
                    }

                    fn merge(self, other: Self) -> Self {
                        Self::merge(self, other)
                    }
                }
            )+
        };
    }
    pub(crate) use by_own_methods;

    by_own_methods!(Router, MethodRouter; paths: Router);
}

/// The handlers of one path, by method, with their documentation: axum's
/// [`MethodRouter`] that remembers what each handler's arguments require.
/// Start one with [`get`], [`post`], [`put`], [`patch`] or [`delete`].
pub type MethodRoutes<S = ()> = Documented<MethodRouter<S>, S>;

macro_rules! method_fns {
    ($($name:ident, $method:ident;)+) => {
        $(
            #[doc = concat!("Routes `", stringify!($method), "` requests to `handler`, documented from its arguments.")]
            pub fn $name<H, T, S>(handler: H) -> MethodRoutes<S>
            where
                H: Handler<T, S>,
                T: DocumentHandlerArgs<S> + 'static,
                S: Clone + Send + Sync + 'static,
            {
                let mut operations = Operations::new();
                operations.push_handler::<T>(String::new(), Method::$method);
                Documented { router: axum::routing::$name(handler), operations }
            }
        )+

        impl<S: Clone + Send + Sync + 'static> MethodRoutes<S> {
            $(
                #[doc = concat!("Also routes `", stringify!($method), "` requests to `handler`.")]
                #[must_use]
                pub fn $name<H, T>(mut self, handler: H) -> Self
                where
                    H: Handler<T, S>,
                    T: DocumentHandlerArgs<S> + 'static,
                {
                    self.router = self.router.$name(handler);
                    self.operations.0.retain(|operation| operation.method != Method::$method);
                    self.operations.push_handler::<T>(String::new(), Method::$method);
                    self
                }
            )+
        }
    };
}

method_fns! {
    get, GET;
    post, POST;
    put, PUT;
    patch, PATCH;
    delete, DELETE;
    head, HEAD;
    options, OPTIONS;
    trace, TRACE;
}

impl<S: Clone + Send + Sync + 'static> MethodRoutes<S> {
    /// Changes the axum method router in a way the documentation does not
    /// show: a handler for a method that is not an operation (a `405` for
    /// `HEAD`, say).
    #[must_use]
    pub fn undocumented(self, change: impl FnOnce(MethodRouter<S>) -> MethodRouter<S>) -> Self {
        Self { router: change(self.router), operations: self.operations }
    }

    /// The axum method router, without documentation.
    pub fn into_method_router(self) -> MethodRouter<S> {
        self.router
    }
}

pub(crate) struct Operation<S> {
    path: String,
    method: Method,
    doc: DocFn<S>,
}

/// The documented operations of a router, with what finds each one's
/// requirements once the state is known.
pub(crate) struct Operations<S>(pub(crate) Vec<Operation<S>>);

impl<S> fmt::Debug for Operations<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|operation| format!("{} {}", operation.method, operation.path)))
            .finish()
    }
}

impl<S: 'static> Operations<S> {
    pub(crate) const fn new() -> Self {
        Self(Vec::new())
    }

    /// Documents `method path` with the requirements of the handler
    /// argument list `T`.
    pub(crate) fn push_handler<T: DocumentHandlerArgs<S> + 'static>(&mut self, path: String, method: Method) {
        self.0.push(Operation { path, method, doc: handler_doc::<T, S>() });
    }

    pub(crate) fn extend(&mut self, other: Self) {
        self.0.extend(other.0);
    }

    /// These operations served under `prefix`, paths joined as axum's
    /// `Router::nest` joins them.
    pub(crate) fn nested(self, prefix: &str) -> Self {
        Self(
            self.0
                .into_iter()
                .map(|operation| Operation { path: nested_path(prefix, &operation.path), ..operation })
                .collect(),
        )
    }

    /// These operations behind `layer`.
    pub(crate) fn protected<L: DocumentLayer + Send + Sync + 'static>(self, layer: L) -> Self {
        let shared = Arc::new(layer);
        Self(
            self.0
                .into_iter()
                .map(|operation| Operation { doc: layered(operation.doc, Arc::clone(&shared)), ..operation })
                .collect(),
        )
    }

    /// These operations reading their schemes from `state`.
    pub(crate) fn stated<S2: 'static>(self, state: S) -> Operations<S2>
    where
        S: Clone + Send + Sync,
    {
        Operations(
            self.0
                .into_iter()
                .map(|operation| Operation {
                    path: operation.path,
                    method: operation.method,
                    doc: stated(operation.doc, state.clone()),
                })
                .collect(),
        )
    }
}

impl Operations<()> {
    /// The security document of these operations.
    pub(crate) fn document(&self) -> Result<SecurityDocument, OpenApiError> {
        let mut document = SecurityDocument::default();
        for operation in &self.0 {
            let mut cx = DocContext::new();
            let requirements = (operation.doc)(&(), &mut cx);
            cx.finish(&requirements);
            document.add(OperationSecurity::new(operation.path.clone(), operation.method.clone(), requirements), cx)?;
        }
        Ok(document)
    }
}

/// `path` nested under `prefix`, as axum joins them.
fn nested_path(prefix: &str, path: &str) -> String {
    let path = if path.is_empty() { "/" } else { path };
    if prefix.ends_with('/') {
        format!("{prefix}{}", path.trim_start_matches('/'))
    } else if path == "/" {
        prefix.to_owned()
    } else {
        format!("{prefix}{path}")
    }
}

/// axum's [`Router`] that documents the security of each route added with
/// [`route`](Self::route) or protected with [`protect`](Self::protect).
/// [`split`](Routes::split) gives the router to serve and the
/// [`SecurityDocument`] to publish.
///
/// ```
/// use axum::Json;
/// use serde_json::{Value, json};
/// use warden::{Auth, HttpBasic, openapi::{Routes, get}};
///
/// async fn me(Auth(creds): Auth<HttpBasic>) -> Json<Value> {
///     Json(json!({ "username": creds.username() }))
/// }
///
/// let (router, security) = Routes::new()
///     .route("/users/me", get(me))
///     .route("/status", get(|| async { "ok" }))
///     .with_state(HttpBasic::new("api")?)
///     .split()?;
///
/// let openapi = security.to_openapi_json("example", "1.0.0");
/// assert_eq!(openapi["paths"]["/users/me"]["get"]["security"], json!([{ "HTTPBasic": [] }]));
/// assert_eq!(
///     openapi["paths"]["/users/me"]["get"]["responses"]["401"]["headers"]["WWW-Authenticate"]["schema"]["examples"],
///     json!([r#"Basic realm="api", charset="UTF-8""#])
/// );
/// assert_eq!(openapi["components"]["securitySchemes"]["HTTPBasic"], json!({ "type": "http", "scheme": "basic" }));
/// assert!(openapi["paths"]["/status"]["get"].get("security").is_none());
/// # let _: axum::Router = router;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type Routes<S = ()> = Documented<Router<S>, S>;

impl<S: Clone + Send + Sync + 'static> Default for Routes<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Clone + Send + Sync + 'static> Routes<S> {
    /// No routes.
    pub fn new() -> Self {
        Self { router: Router::new(), operations: Operations::new() }
    }

    /// Adds the handlers of `path`, as axum's `Router::route` does (and
    /// panics as it does on an invalid or repeated path).
    #[must_use]
    pub fn route(mut self, path: &str, routes: MethodRoutes<S>) -> Self {
        self.router = self.router.route(path, routes.router);
        self.operations.extend(routes.operations.nested(path));
        self
    }

    /// The axum router, without documentation.
    pub fn into_router(self) -> Router<S> {
        self.router
    }
}

impl Routes<()> {
    /// The router to serve and the security document of its routes.
    ///
    /// # Errors
    ///
    /// [`OpenApiError::ConflictingSchemes`] when two different scheme
    /// configurations have the same OpenAPI name: a client could not tell
    /// which one an operation needs. Give one of them its own `scheme_name`.
    pub fn split(self) -> Result<(Router, SecurityDocument), OpenApiError> {
        let document = self.operations.document()?;
        Ok((self.router, document))
    }
}
