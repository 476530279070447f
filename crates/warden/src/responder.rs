//! App-wide rendering of every [`AuthRejection`].
//!
//! Every warden rejection is sent as FastAPI's `{"detail": …}` JSON by default,
//! and carries itself in the response extensions. A
//! [`RejectionResponderLayer`] around the app finds it there and renders it
//! again with a [`RejectionResponder`]: a closure, or [`ProblemJson`] for
//! RFC 9457 `application/problem+json`. Handlers and extractors stay as they
//! are; responses that are not warden rejections pass through untouched.
//!
//! # Example
//!
//! ```
//! use axum::{Router, routing::get, body::Body, http::Request};
//! use tower::ServiceExt;
//! use warden::{Auth, HttpBearer, ProblemJson, RejectionResponderLayer};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let app = Router::new()
//!     .route("/me", get(|Auth(_): Auth<HttpBearer>| async { "me" }))
//!     .with_state(HttpBearer::new())
//!     .layer(RejectionResponderLayer::new(ProblemJson));
//!
//! let response = app.oneshot(Request::get("/me").body(Body::empty())?).await?;
//! assert_eq!(response.status(), 401);
//! assert_eq!(response.headers()["content-type"], "application/problem+json");
//! assert_eq!(response.headers()["www-authenticate"], "Bearer");
//! # Ok(()) }
//! ```

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use axum_core::response::{IntoResponse, Response};
use http::{HeaderName, Request, header};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::AuthRejection;

/// Renders an [`AuthRejection`] as a response.
///
/// Implemented for closures `Fn(AuthRejection) -> Response`.
pub trait RejectionResponder: Clone + Send + Sync + 'static {
    /// The response for `rejection`.
    fn respond(&self, rejection: AuthRejection) -> Response;
}

impl<F> RejectionResponder for F
where
    F: Fn(AuthRejection) -> Response + Clone + Send + Sync + 'static,
{
    fn respond(&self, rejection: AuthRejection) -> Response {
        self(rejection)
    }
}

/// RFC 9457 problem details: `application/problem+json` with `type`,
/// `title`, `status` and `detail`, keeping the status, the challenges and the
/// extra headers of the rejection.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProblemJson;

impl RejectionResponder for ProblemJson {
    fn respond(&self, rejection: AuthRejection) -> Response {
        let status = rejection.status();
        let body = serde_json::json!({
            "type": "about:blank",
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": rejection.detail_json(),
        });
        let mut response = rejection.response_with(&body, "application/problem+json");
        response.extensions_mut().insert(rejection);
        response
    }
}

/// A [`Layer`] that renders every warden rejection under it with `R`; see the
/// [module documentation](self).
#[derive(Debug, Clone)]
pub struct RejectionResponderLayer<R> {
    responder: R,
}

impl<R: RejectionResponder> RejectionResponderLayer<R> {
    /// Renders rejections with `responder`.
    pub fn new(responder: R) -> Self {
        Self { responder }
    }
}

impl<R: RejectionResponder, Svc> Layer<Svc> for RejectionResponderLayer<R> {
    type Service = RejectionResponderService<R, Svc>;

    fn layer(&self, inner: Svc) -> Self::Service {
        RejectionResponderService { responder: self.responder.clone(), inner }
    }
}

/// The service of [`RejectionResponderLayer`].
#[derive(Debug, Clone)]
pub struct RejectionResponderService<R, Svc> {
    responder: R,
    inner: Svc,
}

impl<R, Svc, B> Service<Request<B>> for RejectionResponderService<R, Svc>
where
    R: RejectionResponder,
    Svc: Service<Request<B>>,
    Svc::Response: IntoResponse,
{
    type Response = Response;
    type Error = Svc::Error;
    type Future = RespondFuture<R, Svc::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        RespondFuture { future: self.inner.call(request), responder: self.responder.clone() }
    }
}

/// Carries over the headers that layers between the handler and the
/// responder added to the original answer (CORS, a request id, cookies):
/// every header the new answer does not set itself, except those that
/// describe the old body or the old challenges, which the responder decides.
fn keep_outer_headers(original: &Response, mut rendered: Response) -> Response {
    let own: Vec<HeaderName> = rendered.headers().keys().cloned().collect();
    for (name, value) in original.headers() {
        let describes_old_answer =
            name == header::CONTENT_TYPE || name == header::CONTENT_LENGTH || name == header::WWW_AUTHENTICATE;
        if !describes_old_answer && !own.contains(name) {
            rendered.headers_mut().append(name.clone(), value.clone());
        }
    }
    rendered
}

pin_project! {
    /// The response future of [`RejectionResponderService`].
    #[derive(Debug)]
    pub struct RespondFuture<R, F> {
        #[pin]
        future: F,
        responder: R,
    }
}

impl<R, F, T, E> Future for RespondFuture<R, F>
where
    R: RejectionResponder,
    F: Future<Output = Result<T, E>>,
    T: IntoResponse,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        this.future.poll(cx).map_ok(|response| {
            let mut response = response.into_response();
            match response.extensions_mut().remove::<AuthRejection>() {
                Some(rejection) => keep_outer_headers(&response, this.responder.respond(rejection)),
                None => response,
            }
        })
    }
}
