//! Helpers for unit tests of permissions, with no server: build a request,
//! evaluate the permission as the root, and assert the result.
//!
//! ```
//! use axum::http::{Request, StatusCode};
//! use warden::permission::{Deny, PermissionExt, testing};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let hidden = Deny.with_message("Not found").with_status(StatusCode::NOT_FOUND);
//! let denial = testing::assert_denied(&hidden, Request::get("/").body(()).unwrap(), &()).await;
//! assert_eq!(denial.message, "Not found");
//! assert_eq!(denial.status, StatusCode::NOT_FOUND);
//! assert_eq!(denial.code, None);
//! # }
//! ```

// These helpers are for tests: they panic with the result when an assertion fails.
#![allow(clippy::panic)]

use http::{HeaderMap, Request, StatusCode};

use super::{Outcome, Permission, Unresolved, evaluate_root, render_failure};

/// The error the root would answer with.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Denial {
    /// The message (`detail`, or `detail.message` with a code).
    pub message: String,
    /// The status code.
    pub status: StatusCode,
    /// The code, if any.
    pub code: Option<String>,
    /// The headers.
    pub headers: HeaderMap,
}

/// Evaluates `permission` for `request` as the root.
///
/// # Errors
///
/// An input the permission could not extract.
pub async fn outcome<S, P>(permission: &P, request: Request<()>, state: &S) -> Result<Outcome, Unresolved>
where
    P: Permission<S> + ?Sized,
    S: Send + Sync,
{
    let (mut parts, ()) = request.into_parts();
    evaluate_root(permission, &mut parts, state).await
}

/// Asserts that `permission` allows `request`.
///
/// # Panics
///
/// When it does not, with the result.
pub async fn assert_allowed<S, P>(permission: &P, request: Request<()>, state: &S)
where
    P: Permission<S> + ?Sized,
    S: Send + Sync,
{
    match outcome(permission, request, state).await {
        Ok(Outcome::Pass) => {}
        other => panic!("expected the permission to allow, got {other:?}"),
    }
}

/// Asserts that `permission` fails for `request` and returns the error the
/// root would answer with.
///
/// # Panics
///
/// When it allows or skips, or an input is missing.
pub async fn assert_denied<S, P>(permission: &P, request: Request<()>, state: &S) -> Denial
where
    P: Permission<S> + ?Sized,
    S: Send + Sync,
{
    match outcome(permission, request, state).await {
        Ok(failed @ Outcome::Fail(_)) => {
            let failure = render_failure(permission, failed).unwrap_or_default();
            Denial {
                message: failure.reason().unwrap_or_default().to_owned(),
                status: failure.status().unwrap_or(StatusCode::FORBIDDEN),
                code: failure.code().map(str::to_owned),
                headers: failure.headers().cloned().unwrap_or_default(),
            }
        }
        other => panic!("expected the permission to deny, got {other:?}"),
    }
}

/// Asserts that `permission` skips `request` and returns the skip reason.
///
/// # Panics
///
/// When it allows or fails, or an input is missing.
pub async fn assert_skipped<S, P>(permission: &P, request: Request<()>, state: &S) -> Option<String>
where
    P: Permission<S> + ?Sized,
    S: Send + Sync,
{
    match outcome(permission, request, state).await {
        Ok(Outcome::Skip(reason)) => reason.map(|reason| reason.into_owned()),
        other => panic!("expected the permission to skip, got {other:?}"),
    }
}
