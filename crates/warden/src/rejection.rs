//! The one rejection type of every warden scheme.
//!
//! An [`AuthRejection`] is the answer a request gets when a scheme cannot
//! authenticate it: a [kind](AuthErrorKind), a status code, the
//! `WWW-Authenticate` [challenges](Challenge), an optional `detail` and extra
//! headers. As a response it is
//!
//! ```text
//! HTTP/1.1 401 Unauthorized
//! www-authenticate: Basic realm="api", charset="UTF-8"
//! content-type: application/json
//!
//! {"detail":"Not authenticated"}
//! ```
//!
//! with one `WWW-Authenticate` line per challenge, and the rejection itself
//! stored in the response's extensions so that a
//! [`RejectionResponderLayer`](crate::RejectionResponderLayer) can render it
//! differently for the whole app.
//!
//! | kind | status | challenge | RFC |
//! | --- | --- | --- | --- |
//! | [`Missing`](AuthErrorKind::Missing) | 401 | the scheme's, without `error` | RFC 9110 §15.5.2, RFC 6750 §3.1 |
//! | [`Malformed`](AuthErrorKind::Malformed) | 401 | the scheme's | RFC 7617 §2 |
//! | [`InvalidRequest`](AuthErrorKind::InvalidRequest) | 400 | `Bearer error="invalid_request"` for bearer schemes, none otherwise | RFC 6750 §3.1, RFC 9110 §5.3 |
//! | [`InvalidCredentials`](AuthErrorKind::InvalidCredentials) | 401 | the scheme's | RFC 9110 §15.5.2 |
//! | [`InvalidToken`](AuthErrorKind::InvalidToken) | 401 | `Bearer error="invalid_token", …` from [`AuthRejection::invalid_token`] | RFC 6750 §3.1 |
//! | [`InsufficientScope`](AuthErrorKind::InsufficientScope) | 403 | `Bearer error="insufficient_scope", scope="…"` from [`AuthRejection::insufficient_scope`] | RFC 6750 §3.1 |
//! | [`Forbidden`](AuthErrorKind::Forbidden) | 403 | none unless the application adds one | RFC 9110 §15.5.4 |
//! | [`PermissionDenied`](AuthErrorKind::PermissionDenied) | the permission's (403 by default) | the permission's headers | RFC 9110 §15.5.4 |

use std::{borrow::Cow, fmt};

use axum_core::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};

use crate::Challenge;

/// What went wrong, independent of how it is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthErrorKind {
    /// No credentials for the scheme: no header, an empty value, another
    /// scheme, or a bearer scheme with nothing after it.
    Missing,
    /// Credentials of the right scheme that cannot be decoded (Basic: not
    /// strict base64, not UTF-8, a control character, no colon, or nothing
    /// after `Basic`).
    Malformed,
    /// A request no scheme should guess at: several `Authorization` lines, a
    /// repeated API key, or a bearer token that is not a `b64token`.
    InvalidRequest,
    /// Well-formed credentials that the application refused (a wrong password).
    InvalidCredentials,
    /// A bearer token that is invalid, expired or not yet valid.
    InvalidToken,
    /// A valid token without the scopes the resource needs.
    InsufficientScope,
    /// Authenticated, but not allowed.
    Forbidden,
    /// A [permission](crate::permission) refused the request; its settings
    /// decide the status (403 unless set).
    PermissionDenied,
    /// The credentials could not be checked now: a declared limit was
    /// reached (password checks queued past their timeout, too many requests
    /// waiting for a key fetch) or a dependency is down. `503` with
    /// `Retry-After` (RFC 9110 §15.6.4, §10.2.3).
    Unavailable,
}

impl AuthErrorKind {
    /// The status code this kind answers with unless told otherwise.
    pub const fn default_status(self) -> StatusCode {
        match self {
            Self::Missing | Self::Malformed | Self::InvalidCredentials | Self::InvalidToken => StatusCode::UNAUTHORIZED,
            Self::InvalidRequest => StatusCode::BAD_REQUEST,
            Self::InsufficientScope | Self::Forbidden | Self::PermissionDenied => StatusCode::FORBIDDEN,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// A lowercase description, for logs and `Display`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing credentials",
            Self::Malformed => "malformed credentials",
            Self::InvalidRequest => "invalid authentication request",
            Self::InvalidCredentials => "invalid credentials",
            Self::InvalidToken => "invalid token",
            Self::InsufficientScope => "insufficient scope",
            Self::Forbidden => "forbidden",
            Self::PermissionDenied => "permission denied",
            Self::Unavailable => "temporarily unavailable",
        }
    }
}

impl fmt::Display for AuthErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `detail` member of the JSON body.
#[derive(Debug, Clone, PartialEq)]
enum Detail {
    Text(Cow<'static, str>),
    Json(serde_json::Value),
}

#[derive(Debug, Clone)]
struct Inner {
    kind: AuthErrorKind,
    status: StatusCode,
    challenges: Vec<Challenge>,
    detail: Detail,
    headers: HeaderMap,
    reason: Option<&'static str>,
}

/// An authentication or authorization failure, ready to be sent.
///
/// See the [module documentation](self) for the kinds and their answers.
/// Handlers that want to decide for themselves take
/// `Result<Auth<S>, AuthRejection>` and look at [`kind`](Self::kind),
/// [`status`](Self::status) and [`challenges`](Self::challenges).
///
/// # Example
///
/// ```
/// use warden::{AuthErrorKind, AuthRejection, Challenge};
///
/// let rejection = AuthRejection::new(AuthErrorKind::InvalidCredentials)
///     .with_challenge(Challenge::new("Basic")?.param("realm", "api")?)
///     .with_detail("Incorrect username or password");
/// assert_eq!(rejection.status(), 401);
/// assert_eq!(rejection.challenges()[0].to_string(), r#"Basic realm="api""#);
/// # Ok::<(), warden::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct AuthRejection(Box<Inner>);

impl AuthRejection {
    /// A rejection of `kind` with its default status, no challenge, and the
    /// detail `"Not authenticated"` (FastAPI's) for 401s, `"Forbidden"` for
    /// 403s and `"Bad Request"` for 400s.
    pub fn new(kind: AuthErrorKind) -> Self {
        let status = kind.default_status();
        let detail = match status {
            StatusCode::UNAUTHORIZED => "Not authenticated",
            StatusCode::FORBIDDEN => "Forbidden",
            StatusCode::SERVICE_UNAVAILABLE => "Service Unavailable",
            _ => "Bad Request",
        };
        Self(Box::new(Inner {
            kind,
            status,
            challenges: Vec::new(),
            detail: Detail::Text(Cow::Borrowed(detail)),
            headers: HeaderMap::new(),
            reason: None,
        }))
    }

    /// FastAPI's answer before 0.122 and its documented legacy recipe:
    /// `403 {"detail":"Not authenticated"}` with no challenge. Use it as a
    /// scheme's [not-authenticated hook](crate::scheme::SchemeOptions::on_not_authenticated):
    ///
    /// ```
    /// use warden::{AuthRejection, HttpBearer};
    ///
    /// let bearer = HttpBearer::builder().on_not_authenticated(AuthRejection::legacy_forbidden).build()?;
    /// # Ok::<(), warden::ConfigError>(())
    /// ```
    #[must_use]
    pub fn legacy_forbidden(self) -> Self {
        Self::new(AuthErrorKind::Missing).with_status(StatusCode::FORBIDDEN)
    }

    /// RFC 6750 §3.1 `invalid_token`: `401` with
    /// `Bearer error="invalid_token", error_description="…"`, for a bearer
    /// token that is invalid, expired or not yet valid. Characters of
    /// `description` that cannot be sent become `?`.
    ///
    /// ```
    /// let rejection = warden::AuthRejection::invalid_token("the token has expired");
    /// assert_eq!(rejection.status(), 401);
    /// assert_eq!(
    ///     rejection.challenges()[0].to_string(),
    ///     r#"Bearer error="invalid_token", error_description="the token has expired""#
    /// );
    /// ```
    pub fn invalid_token(description: &str) -> Self {
        let challenge = Challenge::known_token("Bearer")
            .param_lossy("error", "invalid_token")
            .param_lossy("error_description", description);
        Self::new(AuthErrorKind::InvalidToken).with_challenge(challenge).with_detail("Invalid token")
    }

    /// RFC 6750 §3.1 `insufficient_scope`: `403` with
    /// `Bearer error="insufficient_scope", scope="…"` naming the scopes the
    /// resource needs, space-separated. Characters that cannot be sent
    /// become `?`.
    ///
    /// ```
    /// let rejection = warden::AuthRejection::insufficient_scope(["items", "me"]);
    /// assert_eq!(rejection.status(), 403);
    /// assert_eq!(
    ///     rejection.challenges()[0].to_string(),
    ///     r#"Bearer error="insufficient_scope", scope="items me""#
    /// );
    /// ```
    pub fn insufficient_scope<'a>(required: impl IntoIterator<Item = &'a str>) -> Self {
        let scope = required.into_iter().collect::<Vec<_>>().join(" ");
        let challenge =
            Challenge::known_token("Bearer").param_lossy("error", "insufficient_scope").param_lossy("scope", &scope);
        Self::new(AuthErrorKind::InsufficientScope).with_challenge(challenge).with_detail("Not enough permissions")
    }

    /// `503 Service Unavailable` with `Retry-After` (whole seconds, at
    /// least 1) and no challenge: the credentials were not judged, because a
    /// declared limit was reached or a dependency is down. The body is
    /// `{"detail":"Service Unavailable"}`.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rejection = warden::AuthRejection::unavailable(Duration::from_secs(1));
    /// assert_eq!(rejection.status(), 503);
    /// assert_eq!(rejection.headers()["retry-after"], "1");
    /// assert!(rejection.challenges().is_empty());
    /// ```
    pub fn unavailable(retry_after: std::time::Duration) -> Self {
        Self::new(AuthErrorKind::Unavailable).with_header(header::RETRY_AFTER, retry_after_value(retry_after))
    }

    /// Replaces the status code.
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.0.status = status;
        self
    }

    /// Adds a `WWW-Authenticate` challenge.
    #[must_use]
    pub fn with_challenge(mut self, challenge: Challenge) -> Self {
        self.0.challenges.push(challenge);
        self
    }

    /// Removes every challenge.
    #[must_use]
    pub fn without_challenges(mut self) -> Self {
        self.0.challenges.clear();
        self
    }

    /// Replaces the `detail` text of the body.
    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<Cow<'static, str>>) -> Self {
        self.0.detail = Detail::Text(detail.into());
        self
    }

    /// Replaces the `detail` with any JSON value (an object with a `code`, say).
    #[must_use]
    pub fn with_detail_json(mut self, detail: serde_json::Value) -> Self {
        self.0.detail = Detail::Json(detail);
        self
    }

    /// Adds a response header other than `WWW-Authenticate` (use
    /// [`with_challenge`](Self::with_challenge) for that).
    #[must_use]
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.0.headers.append(name, value);
        self
    }

    /// Records why the credentials were refused, for logs only (never sent).
    #[must_use]
    pub(crate) fn with_reason(mut self, reason: &'static str) -> Self {
        self.0.reason = Some(reason);
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> AuthErrorKind {
        self.0.kind
    }

    /// The status code of the answer.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// The `WWW-Authenticate` challenges, in the order they are sent.
    pub fn challenges(&self) -> &[Challenge] {
        &self.0.challenges
    }

    /// The extra headers of the answer.
    pub fn headers(&self) -> &HeaderMap {
        &self.0.headers
    }

    /// The `detail` of the body when it is text.
    pub fn detail(&self) -> Option<&str> {
        match &self.0.detail {
            Detail::Text(text) => Some(text),
            Detail::Json(_) => None,
        }
    }

    /// The `detail` member of the body as JSON.
    pub fn detail_json(&self) -> serde_json::Value {
        match &self.0.detail {
            Detail::Text(text) => serde_json::Value::String(text.to_string()),
            Detail::Json(value) => value.clone(),
        }
    }

    /// The JSON body FastAPI would send: `{"detail": …}`.
    pub fn body_json(&self) -> serde_json::Value {
        serde_json::json!({ "detail": self.detail_json() })
    }

    /// The answer without the rejection in its extensions: what
    /// [`IntoResponse`] sends before a responder layer sees it.
    pub fn default_response(&self) -> Response {
        self.response_with(&self.body_json(), "application/json")
    }

    /// The status, challenges and extra headers of this rejection, with
    /// `body` as JSON of media type `content_type`: the frame for a
    /// [responder](crate::RejectionResponder) that only changes the body.
    pub fn response_with(&self, body: &serde_json::Value, content_type: &'static str) -> Response {
        let body = serde_json::to_vec(body).unwrap_or_default();
        let mut response = Response::new(axum_core::body::Body::from(body));
        *response.status_mut() = self.0.status;
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        for challenge in &self.0.challenges {
            headers.append(header::WWW_AUTHENTICATE, challenge.to_header_value());
        }
        for (name, value) in &self.0.headers {
            headers.append(name, value.clone());
        }
        response
    }
}

/// A `Retry-After` value (RFC 9110 §10.2.3): `retry_after` in whole
/// seconds, rounded up, at least 1.
pub(crate) fn retry_after_value(retry_after: std::time::Duration) -> HeaderValue {
    HeaderValue::from((retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0)).max(1))
}

impl fmt::Debug for AuthRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthRejection")
            .field("kind", &self.0.kind)
            .field("status", &self.0.status)
            .field("challenges", &self.0.challenges)
            .field("detail", &self.0.detail)
            .field("reason", &self.0.reason)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for AuthRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.kind.as_str())?;
        if let Some(reason) = self.0.reason {
            write!(f, ": {reason}")?;
        }
        Ok(())
    }
}

impl std::error::Error for AuthRejection {}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        tracing::trace!(
            target: "warden::rejection",
            kind = self.0.kind.as_str(),
            status = self.0.status.as_u16(),
            reason = self.0.reason,
            "rejecting request",
        );
        let mut response = self.default_response();
        response.extensions_mut().insert(self);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_rfc_statuses() {
        assert_eq!(AuthErrorKind::Missing.default_status(), 401);
        assert_eq!(AuthErrorKind::Malformed.default_status(), 401);
        assert_eq!(AuthErrorKind::InvalidRequest.default_status(), 400);
        assert_eq!(AuthErrorKind::InvalidCredentials.default_status(), 401);
        assert_eq!(AuthErrorKind::InvalidToken.default_status(), 401);
        assert_eq!(AuthErrorKind::InsufficientScope.default_status(), 403);
        assert_eq!(AuthErrorKind::Forbidden.default_status(), 403);
    }

    #[test]
    fn response_has_one_header_line_per_challenge_and_fastapi_body() {
        let rejection = AuthRejection::new(AuthErrorKind::Missing)
            .with_challenge(Challenge::new("Basic").unwrap().param("realm", "api").unwrap())
            .with_challenge(Challenge::new("Bearer").unwrap());
        let response = rejection.into_response();
        assert_eq!(response.status(), 401);
        let challenges: Vec<_> = response.headers().get_all(header::WWW_AUTHENTICATE).iter().collect();
        assert_eq!(challenges, [r#"Basic realm="api""#, "Bearer"]);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        assert!(response.extensions().get::<AuthRejection>().is_some());
    }

    #[test]
    fn legacy_forbidden_has_no_challenge() {
        let rejection = AuthRejection::new(AuthErrorKind::Missing)
            .with_challenge(Challenge::new("Bearer").unwrap())
            .legacy_forbidden();
        assert_eq!(rejection.status(), 403);
        assert!(rejection.challenges().is_empty());
        assert_eq!(rejection.body_json(), serde_json::json!({"detail": "Not authenticated"}));
    }

    #[tokio::test]
    async fn json_detail_and_extra_headers() {
        let rejection = AuthRejection::new(AuthErrorKind::Forbidden)
            .with_detail_json(serde_json::json!({"code": "c", "message": "m"}))
            .with_header(HeaderName::from_static("x-custom"), HeaderValue::from_static("v"));
        assert_eq!(rejection.body_json(), serde_json::json!({"detail": {"code": "c", "message": "m"}}));
        let response = rejection.default_response();
        assert_eq!(response.status(), 403);
        assert_eq!(response.headers()["x-custom"], "v");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        assert!(response.headers().get(header::WWW_AUTHENTICATE).is_none(), "a 403 has no challenge");
        let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
        assert_eq!(&bytes[..], br#"{"detail":{"code":"c","message":"m"}}"#, "the body sent");
    }
}
