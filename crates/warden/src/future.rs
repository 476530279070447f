//! The response future of warden's layers.

use std::{
    fmt,
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use axum_core::response::{IntoResponse, Response};
use pin_project_lite::pin_project;

type BoxedResponse<E> = Pin<Box<dyn Future<Output = Result<Response, E>> + Send>>;

pin_project! {
    /// The response future of [`RequireAuth`](crate::RequireAuth) and
    /// [`RequirePermission`](crate::permission::RequirePermission): the inner
    /// service's answer turned into a [`Response`], an answer decided before
    /// it ran, or (for permissions that await) the boxed evaluation.
    pub struct ResponseFuture<F, E> {
        #[pin]
        state: State<F, E>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F, E> {
        Inner { #[pin] future: F },
        Ready { response: Option<Response> },
        Boxed { future: BoxedResponse<E> },
    }
}

impl<F, E> ResponseFuture<F, E> {
    /// The inner service answers.
    pub(crate) fn inner(future: F) -> Self {
        Self { state: State::Inner { future } }
    }

    /// The layer answered.
    pub(crate) fn ready(response: Response) -> Self {
        Self { state: State::Ready { response: Some(response) } }
    }

    /// The layer's own future answers.
    pub(crate) fn boxed(future: BoxedResponse<E>) -> Self {
        Self { state: State::Boxed { future } }
    }
}

impl<F, E> fmt::Debug for ResponseFuture<F, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<F, T, E> Future for ResponseFuture<F, E>
where
    F: Future<Output = Result<T, E>>,
    T: IntoResponse,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Inner { future } => future.poll(cx).map_ok(IntoResponse::into_response),
            // Polled again after it answered (a contract breach by the
            // caller): a 500 rather than a panic.
            StateProj::Ready { response } => Poll::Ready(Ok(response
                .take()
                .unwrap_or_else(|| http::StatusCode::INTERNAL_SERVER_ERROR.into_response()))),
            StateProj::Boxed { future } => future.as_mut().poll(cx),
        }
    }
}
