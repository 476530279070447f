//! The HTTP-layer checks hyper leaves to the application (POLICY D16).
//!
//! hyper already answers `400` for a control character in a header value,
//! and for most invalid request-target bytes, but it accepts raw bytes
//! 0x80–0xFF in the request-target when they form UTF-8. RFC 9112 §3.2
//! allows only VCHAR there, and §3 says to answer `400` rather than guess, so
//! this layer does that before routing.

use axum::{
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Answers `400` when the request-target has a byte outside VCHAR.
pub async fn reject_invalid_target(request: Request, next: Next) -> Response {
    let target = request.uri().path_and_query().map_or("", |target| target.as_str());
    if !target.bytes().all(|b| b.is_ascii_graphic()) {
        return StatusCode::BAD_REQUEST.into_response();
    }
    next.run(request).await
}
