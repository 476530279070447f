//! Running a permission for a request: as a layer, an extractor, or a call
//! inside a handler.

use std::{
    fmt,
    marker::PhantomData,
    sync::Arc,
    task::{Context, Poll},
};

use axum_core::{
    extract::{FromRef, FromRequestParts},
    response::{IntoResponse, Response},
};
use http::{Request, request::Parts};
use tower_layer::Layer;
use tower_service::Service;

use crate::future::ResponseFuture;

use super::{Cx, Outcome, Permission, PermissionMeta, PermissionRejection, Unresolved, evaluate, evaluate_now, render};

/// Evaluates `permission` as the root of its tree and returns the raw result
/// (the "evaluate without raising" of fastapi-has-permissions).
///
/// # Errors
///
/// An input the permission could not extract.
pub async fn evaluate_root<S, P>(permission: &P, parts: &mut Parts, state: &S) -> Result<Outcome, Unresolved>
where
    P: Permission<S> + ?Sized,
    S: Send + Sync,
{
    if P::ANSWERS_AT_ONCE {
        return evaluate_root_now(permission, parts, state);
    }
    let mut cx = Cx::new(parts, state);
    let outcome = evaluate(permission, &mut cx).await;
    log_denial(&cx, permission, &outcome);
    outcome
}

/// [`evaluate_root`] without a future, for a permission that
/// [answers at once](Permission::ANSWERS_AT_ONCE) (for others it calls
/// [`Permission::check_now`], which refuses unless implemented).
///
/// # Errors
///
/// An input the permission could not extract.
pub fn evaluate_root_now<S, P>(permission: &P, parts: &mut Parts, state: &S) -> Result<Outcome, Unresolved>
where
    P: Permission<S> + ?Sized,
    S: Send + Sync,
{
    let mut cx = Cx::new(parts, state);
    let outcome = evaluate_now(permission, &mut cx);
    log_denial(&cx, permission, &outcome);
    outcome
}

fn log_denial<S, P: PermissionMeta + ?Sized>(cx: &Cx<'_, S>, permission: &P, outcome: &Result<Outcome, Unresolved>) {
    if let Ok(outcome) = outcome
        && !outcome.is_pass()
    {
        cx.log_denial(&permission.name(), outcome);
    }
}

/// [`require`] without a future, for a permission that answers at once.
///
/// # Errors
///
/// The rendered denial, or the rejection of a missing input.
pub fn require_now<S, P>(permission: &P, parts: &mut Parts, state: &S) -> Result<(), PermissionRejection>
where
    P: Permission<S> + ?Sized,
    S: Send + Sync,
{
    let outcome = evaluate_root_now(permission, parts, state).map_err(PermissionRejection::Unresolved)?;
    match render(permission, outcome) {
        None => Ok(()),
        Some(rejection) => Err(PermissionRejection::Denied(rejection)),
    }
}

/// True if `permission` allows the request; a missing input counts as no.
pub async fn check<S, P>(permission: &P, parts: &mut Parts, state: &S) -> bool
where
    P: Permission<S> + ?Sized,
    S: Send + Sync,
{
    matches!(evaluate_root(permission, parts, state).await, Ok(Outcome::Pass))
}

/// `Ok(())` if `permission` allows the request, else the answer to send
/// (the "require" of fastapi-has-permissions).
///
/// # Errors
///
/// The rendered denial, or the rejection of a missing input.
pub async fn require<S, P>(permission: &P, parts: &mut Parts, state: &S) -> Result<(), PermissionRejection>
where
    P: Permission<S> + ?Sized,
    S: Send + Sync,
{
    if P::ANSWERS_AT_ONCE {
        return require_now(permission, parts, state);
    }
    let outcome = evaluate_root(permission, parts, state).await.map_err(PermissionRejection::Unresolved)?;
    match render(permission, outcome) {
        None => Ok(()),
        Some(rejection) => Err(PermissionRejection::Denied(rejection)),
    }
}

/// A [`Layer`] that runs a permission before the routes under it, and so
/// before any handler argument (a JSON body included) is extracted: a `403`
/// is never masked by a `422`.
///
/// Use it with `Router::route_layer` for one route or a whole router.
///
/// ```
/// use axum::{Router, routing::get, body::Body, http::Request};
/// use tower::ServiceExt;
/// use warden::permission::{Deny, RequirePermission};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let app: Router = Router::new().route("/", get(|| async { "ok" })).route_layer(RequirePermission::new(Deny));
/// let response = app.oneshot(Request::get("/").body(Body::empty())?).await?;
/// assert_eq!(response.status(), 403);
/// # Ok(()) }
/// ```
pub struct RequirePermission<P, S = ()> {
    permission: Arc<P>,
    state: S,
}

impl<P> RequirePermission<P, ()> {
    /// Requires `permission`; its inputs see the state `()`.
    pub fn new(permission: P) -> Self {
        Self { permission: Arc::new(permission), state: () }
    }
}

impl<P, S> RequirePermission<P, S> {
    /// Gives the permission's inputs the router state `state`.
    pub fn with_state<S2>(self, state: S2) -> RequirePermission<P, S2> {
        RequirePermission { permission: self.permission, state }
    }

    /// The permission every request must pass.
    pub fn permission(&self) -> &P {
        &self.permission
    }

    /// The state the permission's inputs see.
    pub fn state(&self) -> &S {
        &self.state
    }
}

impl<P, S: Clone> Clone for RequirePermission<P, S> {
    fn clone(&self) -> Self {
        Self { permission: Arc::clone(&self.permission), state: self.state.clone() }
    }
}

impl<P, S> fmt::Debug for RequirePermission<P, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequirePermission").field("permission", &std::any::type_name::<P>()).finish_non_exhaustive()
    }
}

impl<P, S: Clone, Svc> Layer<Svc> for RequirePermission<P, S> {
    type Service = RequirePermissionService<P, S, Svc>;

    fn layer(&self, inner: Svc) -> Self::Service {
        RequirePermissionService { permission: Arc::clone(&self.permission), state: self.state.clone(), inner }
    }
}

/// The service of [`RequirePermission`].
pub struct RequirePermissionService<P, S, Svc> {
    permission: Arc<P>,
    state: S,
    inner: Svc,
}

impl<P, S: Clone, Svc: Clone> Clone for RequirePermissionService<P, S, Svc> {
    fn clone(&self) -> Self {
        Self { permission: Arc::clone(&self.permission), state: self.state.clone(), inner: self.inner.clone() }
    }
}

impl<P, S, Svc> fmt::Debug for RequirePermissionService<P, S, Svc> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequirePermissionService")
            .field("permission", &std::any::type_name::<P>())
            .finish_non_exhaustive()
    }
}

impl<P, S, Svc, B> Service<Request<B>> for RequirePermissionService<P, S, Svc>
where
    P: Permission<S> + 'static,
    S: Clone + Send + Sync + 'static,
    Svc: Service<Request<B>> + Clone + Send + 'static,
    Svc::Future: Send,
    Svc::Response: IntoResponse,
    B: Send + 'static,
{
    type Response = Response;
    type Error = Svc::Error;
    type Future = ResponseFuture<Svc::Future, Svc::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        if P::ANSWERS_AT_ONCE {
            // Decided here, with no future and no allocation.
            let (mut parts, body) = request.into_parts();
            return match require_now(&*self.permission, &mut parts, &self.state) {
                Ok(()) => ResponseFuture::inner(self.inner.call(Request::from_parts(parts, body))),
                Err(rejection) => ResponseFuture::ready(rejection.into_response()),
            };
        }
        let permission = Arc::clone(&self.permission);
        let state = self.state.clone();
        // The clone is the one polled ready; keep it for this call (tower's idiom).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        ResponseFuture::boxed(Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            match require(&*permission, &mut parts, &state).await {
                Ok(()) => inner.call(Request::from_parts(parts, body)).await.map(IntoResponse::into_response),
                Err(rejection) => Ok(rejection.into_response()),
            }
        }))
    }
}

/// A permission as an extractor: `Guard<P>` in a handler's arguments
/// refuses the request unless the permission `P` of the router state
/// ([`FromRef`]) allows it. Put it before any body extractor, as axum runs
/// the arguments in order.
///
/// ```
/// use axum::{Router, extract::FromRef, routing::get};
/// use warden::permission::{Allow, Guard};
///
/// #[derive(Clone, FromRef)]
/// struct AppState {
///     can_read: Allow,
/// }
///
/// let app: Router = Router::new()
///     .route("/", get(|_: Guard<Allow>| async { "read" }))
///     .with_state(AppState { can_read: Allow });
/// ```
pub struct Guard<P>(PhantomData<fn() -> P>);

impl<P> fmt::Debug for Guard<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Guard").field(&std::any::type_name::<P>()).finish()
    }
}

impl<S, P> FromRequestParts<S> for Guard<P>
where
    P: Permission<S> + FromRef<S>,
    S: Send + Sync,
{
    type Rejection = PermissionRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PermissionRejection> {
        require(&P::from_ref(state), parts, state).await.map(|()| Self(PhantomData))
    }
}
