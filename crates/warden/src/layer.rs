//! [`RequireAuth`]: a scheme required for every route under a router.
//!
//! FastAPI's `APIRouter(dependencies=[Depends(scheme)])`. Requests without
//! valid credentials get the scheme's answer before any handler runs;
//! handlers can still take [`Auth<S>`](crate::Auth) to read the credentials,
//! which are then not parsed a second time.
//!
//! # Example
//!
//! ```
//! use axum::{Router, routing::get, body::Body, http::Request};
//! use tower::ServiceExt;
//! use warden::{ApiKey, RequireAuth};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let protected: Router = Router::new()
//!     .route("/ping", get(|| async { "pong" }))
//!     .route_layer(RequireAuth::new(ApiKey::header("X-API-Key")?));
//! let app = Router::new().nest("/admin", protected);
//!
//! let response = app.clone().oneshot(Request::get("/admin/ping").body(Body::empty())?).await?;
//! assert_eq!(response.status(), 401);
//! assert_eq!(response.headers()["www-authenticate"], "APIKey");
//!
//! let request = Request::get("/admin/ping").header("x-api-key", "k").body(Body::empty())?;
//! assert_eq!(app.oneshot(request).await?.status(), 200);
//! # Ok(()) }
//! ```

use std::task::{Context, Poll};

use axum_core::response::{IntoResponse, Response};
use http::Request;
use tower_layer::Layer;
use tower_service::Service;

use crate::{Scheme, extract::Resolved, future::ResponseFuture};

/// A [`Layer`] that requires scheme `S` for every request; see the
/// [module documentation](self).
#[derive(Debug, Clone)]
pub struct RequireAuth<S> {
    scheme: S,
}

impl<S: Scheme> RequireAuth<S> {
    /// Requires `scheme`.
    pub fn new(scheme: S) -> Self {
        Self { scheme }
    }

    /// The scheme every request must authenticate with.
    pub fn scheme(&self) -> &S {
        &self.scheme
    }
}

impl<S: Scheme, Svc> Layer<Svc> for RequireAuth<S> {
    type Service = RequireAuthService<S, Svc>;

    fn layer(&self, inner: Svc) -> Self::Service {
        RequireAuthService { scheme: self.scheme.clone(), inner }
    }
}

/// The service of [`RequireAuth`].
#[derive(Debug, Clone)]
pub struct RequireAuthService<S, Svc> {
    scheme: S,
    inner: Svc,
}

impl<S, Svc, B> Service<Request<B>> for RequireAuthService<S, Svc>
where
    S: Scheme,
    Svc: Service<Request<B>>,
    Svc::Response: IntoResponse,
{
    type Response = Response;
    type Error = Svc::Error;
    type Future = ResponseFuture<Svc::Future, Svc::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let (mut parts, body) = request.into_parts();
        let rejection = match self.scheme.extract(&parts) {
            Ok(Some(credentials)) => {
                if let Some(identity) = self.scheme.identity() {
                    parts.extensions.insert(Resolved::<S> { identity, credentials });
                }
                return ResponseFuture::inner(self.inner.call(Request::from_parts(parts, body)));
            }
            Ok(None) => self.scheme.not_authenticated(),
            Err(rejection) => rejection,
        };
        ResponseFuture::ready(rejection.into_response())
    }
}
