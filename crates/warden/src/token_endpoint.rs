//! The OAuth2 password request form (RFC 6749 §4.3.2) and the token
//! response (§5.1): the two halves of a `/token` endpoint.
//!
//! [`OAuth2PasswordRequestForm`] extracts `grant_type`, `username`,
//! `password`, `scope`, `client_id` and `client_secret` from an
//! `application/x-www-form-urlencoded` body, like FastAPI's class of the same
//! name; [`OAuth2PasswordRequestFormStrict`] also requires
//! `grant_type=password`. Anything else is refused with a `400` and an
//! RFC 6749 §5.2 error object ([`TokenFormRejection`]), checked in this order
//! (D12, D19):
//!
//! | request | answer |
//! | --- | --- |
//! | a media type other than `application/x-www-form-urlencoded` (multipart, JSON, text, none) | `{"error":"invalid_request", …}` |
//! | one of the six fields given twice, empty occurrences included | `{"error":"invalid_request", …}` |
//! | a `grant_type` other than exactly `password` (`PASSWORD`, `password\n`) | `{"error":"unsupported_grant_type"}` |
//! | no `username` or `password` (or no `grant_type`, strict form) | `{"error":"invalid_request", …}` |
//!
//! The media type is the `Content-Type` up to `;`, without surrounding
//! SP/HTAB, compared case-insensitively: `charset` and other parameters are
//! ignored. The body is decoded like a query string (D22): split at `&`, then
//! at the first `=`, `+` and `%XX` decoded, the bytes read as UTF-8 with
//! U+FFFD for each invalid sequence. An empty value counts as absent, and
//! unknown fields are ignored even when repeated. `scope` is split at SP
//! only: empty scopes are dropped, duplicates kept, and any other character
//! (HTAB, LF) stays inside its scope (D13).
//!
//! The body is read with axum's `Bytes` extractor, so
//! `DefaultBodyLimit` applies; a body that is too large keeps its `413`.
//! Error responses carry `Cache-Control: no-store` (RFC 6749 §5.2) and never
//! a `WWW-Authenticate` header, and their descriptions never repeat what the
//! client sent.
//!
//! [`TokenResponse`] is the success answer: `{"access_token": …,
//! "token_type": "bearer"}` with `Cache-Control: no-store` and
//! `Pragma: no-cache`.
//!
//! # Example
//!
//! ```
//! use axum::{Router, routing::post, body::Body, http::Request};
//! use tower::ServiceExt;
//! use warden::{OAuth2PasswordRequestForm, TokenResponse};
//!
//! async fn token(form: OAuth2PasswordRequestForm) -> TokenResponse {
//!     // Look the user up and check `form.password` (in constant time) here.
//!     TokenResponse::bearer(form.username)
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let app = Router::new().route("/token", post(token));
//! let form = |body: &'static str| {
//!     Request::post("/token")
//!         .header("content-type", "application/x-www-form-urlencoded")
//!         .body(Body::from(body))
//! };
//!
//! let response = app.clone().oneshot(form("username=alice&password=secret")?).await?;
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.headers()["cache-control"], "no-store");
//!
//! // Another grant type: 400 with an RFC 6749 error object.
//! let response = app.oneshot(form("grant_type=client_credentials&username=alice&password=secret")?).await?;
//! assert_eq!(response.status(), 400);
//! assert_eq!(response.headers()["content-type"], "application/json");
//! assert!(response.headers().get("www-authenticate").is_none());
//! let body = axum::body::to_bytes(response.into_body(), 1024).await?;
//! assert_eq!(&body[..], br#"{"error":"unsupported_grant_type"}"#);
//! # Ok(()) }
//! ```

use std::{borrow::Cow, fmt, ops::Deref, time::Duration};

use axum_core::{
    body::Body,
    extract::{FromRequest, Request, rejection::BytesRejection},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;

use crate::{
    Secret,
    parse::{Single, single_header, trim_ows},
};

/// The one media type that is a form (D12).
const FORM_MEDIA_TYPE: &[u8] = b"application/x-www-form-urlencoded";

/// The only grant type the password form accepts (RFC 6749 §4.3.2).
const PASSWORD_GRANT: &str = "password";

/// The fields of an OAuth2 password request (RFC 6749 §4.3.2), as FastAPI's
/// `OAuth2PasswordRequestForm` has them: `grant_type` is optional.
///
/// Extract it in a handler, or call [`parse`](Self::parse) without axum. See
/// the [module documentation](self) for the rules and an example.
///
/// `Debug` shows neither the password nor the client secret:
///
/// ```
/// use axum::http::HeaderValue;
/// use warden::OAuth2PasswordRequestForm;
///
/// let content_type = HeaderValue::from_static("application/x-www-form-urlencoded");
/// let form = OAuth2PasswordRequestForm::parse(Some(&content_type), b"username=alice&password=swordfish&scope=me+items")?;
/// assert_eq!(form.username, "alice");
/// assert!(form.password.ct_eq("swordfish"));
/// assert_eq!(form.scopes, ["me", "items"]);
/// assert!(!format!("{form:?}").contains("swordfish"));
/// # Ok::<_, warden::token_endpoint::TokenFormRejection>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuth2PasswordRequestForm {
    /// `grant_type`: `Some("password")` or absent (any other value is refused).
    pub grant_type: Option<String>,
    /// `username`, never empty.
    pub username: String,
    /// `password`, never empty.
    pub password: Secret,
    /// `scope` split at SP, empty scopes dropped, duplicates kept (D13).
    pub scopes: Vec<String>,
    /// `client_id`, if given and not empty.
    pub client_id: Option<String>,
    /// `client_secret`, if given and not empty.
    pub client_secret: Option<Secret>,
}

impl OAuth2PasswordRequestForm {
    /// Parses a request body whose `Content-Type` is `content_type`, applying
    /// every rule of the [module documentation](self) in order. This is what
    /// the extractor does once it has read the body.
    ///
    /// # Errors
    ///
    /// A `400` [`TokenFormRejection`]: [`InvalidRequest`](TokenFormErrorKind::InvalidRequest)
    /// for a body that is not a form, a repeated field or a missing
    /// `username` or `password`;
    /// [`UnsupportedGrantType`](TokenFormErrorKind::UnsupportedGrantType) for
    /// a `grant_type` other than `password`.
    pub fn parse(content_type: Option<&HeaderValue>, body: &[u8]) -> Result<Self, TokenFormRejection> {
        check_media_type(content_type)?;
        Self::from_form_body(body, false)
    }

    /// The rules after the media type: fields, grant type, required fields.
    fn from_form_body(body: &[u8], strict: bool) -> Result<Self, TokenFormRejection> {
        let fields = Fields::parse(body)?;
        let grant_type = non_empty(fields.grant_type);
        if grant_type.as_deref().is_some_and(|grant_type| grant_type != PASSWORD_GRANT) {
            return Err(TokenFormRejection::new(TokenFormErrorKind::UnsupportedGrantType, None));
        }
        if strict && grant_type.is_none() {
            return Err(TokenFormRejection::missing("grant_type"));
        }
        let username = non_empty(fields.username).ok_or_else(|| TokenFormRejection::missing("username"))?;
        let password = non_empty(fields.password).ok_or_else(|| TokenFormRejection::missing("password"))?;
        let scopes = fields.scope.as_deref().map(split_scopes).unwrap_or_default();
        Ok(Self {
            grant_type,
            username,
            password: Secret::from(password),
            scopes,
            client_id: non_empty(fields.client_id),
            client_secret: non_empty(fields.client_secret).map(Secret::from),
        })
    }
}

impl<S> FromRequest<S> for OAuth2PasswordRequestForm
where
    S: Send + Sync,
{
    type Rejection = TokenFormRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = read_form_body(req, state).await?;
        Self::from_form_body(&body, false)
    }
}

/// [`OAuth2PasswordRequestForm`] with a required `grant_type`, which must be
/// `password` (RFC 6749 §4.3.2; FastAPI's `OAuth2PasswordRequestFormStrict`).
///
/// ```
/// use axum::http::HeaderValue;
/// use warden::{OAuth2PasswordRequestFormStrict, token_endpoint::TokenFormErrorKind};
///
/// let content_type = HeaderValue::from_static("application/x-www-form-urlencoded");
/// let missing = OAuth2PasswordRequestFormStrict::parse(Some(&content_type), b"username=alice&password=secret");
/// assert_eq!(missing.unwrap_err().kind(), TokenFormErrorKind::InvalidRequest);
///
/// let form = OAuth2PasswordRequestFormStrict::parse(Some(&content_type), b"grant_type=password&username=alice&password=secret")?;
/// assert_eq!(form.grant_type.as_deref(), Some("password"));
/// # Ok::<_, warden::token_endpoint::TokenFormRejection>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuth2PasswordRequestFormStrict(pub OAuth2PasswordRequestForm);

impl OAuth2PasswordRequestFormStrict {
    /// Like [`OAuth2PasswordRequestForm::parse`], with `grant_type` required.
    ///
    /// # Errors
    ///
    /// Those of [`OAuth2PasswordRequestForm::parse`], and
    /// [`InvalidRequest`](TokenFormErrorKind::InvalidRequest) when
    /// `grant_type` is missing or empty.
    pub fn parse(content_type: Option<&HeaderValue>, body: &[u8]) -> Result<Self, TokenFormRejection> {
        check_media_type(content_type)?;
        OAuth2PasswordRequestForm::from_form_body(body, true).map(Self)
    }

    /// The form itself.
    pub fn into_inner(self) -> OAuth2PasswordRequestForm {
        self.0
    }
}

impl Deref for OAuth2PasswordRequestFormStrict {
    type Target = OAuth2PasswordRequestForm;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl From<OAuth2PasswordRequestFormStrict> for OAuth2PasswordRequestForm {
    fn from(strict: OAuth2PasswordRequestFormStrict) -> Self {
        strict.0
    }
}

impl<S> FromRequest<S> for OAuth2PasswordRequestFormStrict
where
    S: Send + Sync,
{
    type Rejection = TokenFormRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = read_form_body(req, state).await?;
        OAuth2PasswordRequestForm::from_form_body(&body, true).map(Self)
    }
}

/// Checks the one `Content-Type` line, then reads the body under axum's
/// `DefaultBodyLimit`. A body that is not a form is not read at all.
async fn read_form_body<S>(req: Request, state: &S) -> Result<Bytes, TokenFormRejection>
where
    S: Send + Sync,
{
    match single_header(req.headers(), &header::CONTENT_TYPE) {
        Single::One(content_type) => check_media_type(Some(content_type))?,
        Single::Absent => check_media_type(None)?,
        Single::Duplicate => {
            return Err(TokenFormRejection::invalid_request("the request has more than one Content-Type"));
        }
    }
    Bytes::from_request(req, state).await.map_err(|rejection| TokenFormRejection::from_body_error(&rejection))
}

/// Rule 1: the media type, up to `;` and without SP/HTAB around it, must be
/// `application/x-www-form-urlencoded`, in any case.
fn check_media_type(content_type: Option<&HeaderValue>) -> Result<(), TokenFormRejection> {
    let media_type =
        content_type.map_or(&b""[..], |value| value.as_bytes().split(|&byte| byte == b';').next().unwrap_or_default());
    if trim_ows(media_type).eq_ignore_ascii_case(FORM_MEDIA_TYPE) {
        Ok(())
    } else {
        Err(TokenFormRejection::invalid_request("the body must be application/x-www-form-urlencoded"))
    }
}

/// The six fields as sent (an empty value is still `Some("")` here, so that
/// `username=&username=bob` is a repetition).
#[derive(Default)]
struct Fields {
    grant_type: Option<String>,
    username: Option<String>,
    password: Option<String>,
    scope: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

impl Fields {
    /// Rule 2: decodes the body like a query string (D22) and refuses a field
    /// that occurs twice. Unknown names are skipped.
    fn parse(body: &[u8]) -> Result<Self, TokenFormRejection> {
        let mut fields = Self::default();
        for (name, value) in form_urlencoded::parse(body) {
            let (slot, name) = match &*name {
                "grant_type" => (&mut fields.grant_type, "grant_type"),
                "username" => (&mut fields.username, "username"),
                "password" => (&mut fields.password, "password"),
                "scope" => (&mut fields.scope, "scope"),
                "client_id" => (&mut fields.client_id, "client_id"),
                "client_secret" => (&mut fields.client_secret, "client_secret"),
                _ => continue,
            };
            if slot.is_some() {
                return Err(TokenFormRejection::invalid_request(format!(
                    "the form field `{name}` occurs more than once"
                )));
            }
            *slot = Some(value.into_owned());
        }
        Ok(fields)
    }
}

/// An empty value counts as absent.
fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|value| !value.is_empty())
}

/// `scope` split at SP only, empty parts dropped (RFC 6749 §3.3, D13).
fn split_scopes(scope: &str) -> Vec<String> {
    scope.split(' ').filter(|scope| !scope.is_empty()).map(str::to_owned).collect()
}

/// The RFC 6749 §5.2 error code of a [`TokenFormRejection`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenFormErrorKind {
    /// `invalid_request`: not a form, a repeated field, a missing field, or a
    /// body that could not be read.
    InvalidRequest,
    /// `unsupported_grant_type`: a `grant_type` other than `password`.
    UnsupportedGrantType,
    /// `invalid_grant`: the application refused the credentials (a wrong
    /// password, an unknown user); see [`TokenFormRejection::invalid_grant`].
    InvalidGrant,
    /// `invalid_scope`: the application refused a requested scope; see
    /// [`TokenFormRejection::invalid_scope`].
    InvalidScope,
    /// `temporarily_unavailable`: the credentials could not be checked now
    /// (password checks past their limits); see
    /// [`TokenFormRejection::temporarily_unavailable`].
    TemporarilyUnavailable,
}

impl TokenFormErrorKind {
    /// The `error` code: `invalid_request`, `unsupported_grant_type`,
    /// `invalid_grant`, `invalid_scope` or `temporarily_unavailable`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidGrant => "invalid_grant",
            Self::InvalidScope => "invalid_scope",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
        }
    }
}

impl fmt::Display for TokenFormErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a token request was refused: an RFC 6749 §5.2 error object.
///
/// As a response it is
///
/// ```text
/// HTTP/1.1 400 Bad Request
/// content-type: application/json
/// cache-control: no-store
///
/// {"error":"invalid_request","error_description":"the form field `username` is required"}
/// ```
///
/// The status is `400`, except when the body could not be read (then it is
/// the status of axum's body rejection: `413` for a body over the limit) and
/// for [`temporarily_unavailable`](Self::temporarily_unavailable) (`503`
/// with `Retry-After`).
/// The description never repeats what the client sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenFormRejection {
    kind: TokenFormErrorKind,
    status: StatusCode,
    description: Option<Cow<'static, str>>,
    /// The `Retry-After` of a `503`.
    retry_after: Option<Duration>,
}

impl TokenFormRejection {
    fn new(kind: TokenFormErrorKind, description: Option<Cow<'static, str>>) -> Self {
        Self { kind, status: StatusCode::BAD_REQUEST, description, retry_after: None }
    }

    fn invalid_request(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(TokenFormErrorKind::InvalidRequest, Some(description.into()))
    }

    fn missing(field: &'static str) -> Self {
        Self::invalid_request(format!("the form field `{field}` is required"))
    }

    /// A body that could not be read keeps axum's status (`413` for a body
    /// over the limit, `400` otherwise); its text names no request data.
    fn from_body_error(rejection: &BytesRejection) -> Self {
        Self {
            kind: TokenFormErrorKind::InvalidRequest,
            status: rejection.status(),
            description: Some(Cow::Owned(rejection.body_text())),
            retry_after: None,
        }
    }

    /// RFC 6749 §5.2 `invalid_grant`, for a token endpoint that refuses the
    /// resource owner's credentials: `400`
    /// `{"error":"invalid_grant","error_description":…}`. Say the same thing
    /// for an unknown user and a wrong password.
    ///
    /// ```
    /// let refused = warden::token_endpoint::TokenFormRejection::invalid_grant("incorrect username or password");
    /// assert_eq!(refused.status(), 400);
    /// assert_eq!(
    ///     refused.body_json(),
    ///     serde_json::json!({"error": "invalid_grant", "error_description": "incorrect username or password"})
    /// );
    /// ```
    pub fn invalid_grant(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(TokenFormErrorKind::InvalidGrant, Some(description.into()))
    }

    /// RFC 6749 §5.2 `invalid_scope`, for a requested scope the application
    /// does not grant: `400 {"error":"invalid_scope","error_description":…}`.
    pub fn invalid_scope(description: impl Into<Cow<'static, str>>) -> Self {
        Self::new(TokenFormErrorKind::InvalidScope, Some(description.into()))
    }

    /// `temporarily_unavailable` (RFC 6749 §4.1.2.1's code, in §5.2's
    /// form), for a token endpoint that could not check the credentials now
    /// (a [`PasswordVerifier`](crate::password::PasswordVerifier) past its
    /// limits, say): `503`
    /// `{"error":"temporarily_unavailable","error_description":…}` with
    /// `Retry-After` (whole seconds, rounded up, at least 1).
    ///
    /// ```
    /// use std::time::Duration;
    /// use axum::response::IntoResponse;
    ///
    /// let busy = warden::token_endpoint::TokenFormRejection::temporarily_unavailable("try again shortly", Duration::from_secs(1));
    /// let response = busy.into_response();
    /// assert_eq!(response.status(), 503);
    /// assert_eq!(response.headers()["retry-after"], "1");
    /// assert_eq!(response.headers()["cache-control"], "no-store");
    ///
    /// let busy = warden::token_endpoint::TokenFormRejection::temporarily_unavailable("try again shortly", Duration::from_millis(1500));
    /// assert_eq!(
    ///     busy.body_json(),
    ///     serde_json::json!({"error": "temporarily_unavailable", "error_description": "try again shortly"})
    /// );
    /// assert_eq!(busy.into_response().headers()["retry-after"], "2");
    /// ```
    pub fn temporarily_unavailable(description: impl Into<Cow<'static, str>>, retry_after: Duration) -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            retry_after: Some(retry_after),
            ..Self::new(TokenFormErrorKind::TemporarilyUnavailable, Some(description.into()))
        }
    }

    /// The error code.
    pub fn kind(&self) -> TokenFormErrorKind {
        self.kind
    }

    /// The response status: `400`, or axum's status for a body that could
    /// not be read.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `error_description`, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The response body: `{"error": …}` and `error_description` when there
    /// is one.
    pub fn body_json(&self) -> serde_json::Value {
        let mut body = serde_json::Map::new();
        body.insert("error".to_owned(), self.kind.as_str().into());
        if let Some(description) = &self.description {
            body.insert("error_description".to_owned(), description.as_ref().into());
        }
        body.into()
    }
}

impl fmt::Display for TokenFormRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.as_str())?;
        if let Some(description) = &self.description {
            write!(f, ": {description}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TokenFormRejection {}

impl IntoResponse for TokenFormRejection {
    fn into_response(self) -> Response {
        tracing::trace!(
            target: "warden::rejection",
            kind = self.kind.as_str(),
            status = self.status.as_u16(),
            description = self.description.as_deref(),
            "rejecting token request",
        );
        let mut response = json_response(&self.body_json());
        *response.status_mut() = self.status;
        if let Some(retry_after) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, crate::rejection::retry_after_value(retry_after));
        }
        response
    }
}

/// A successful token response (RFC 6749 §5.1).
///
/// `Serialize` leaves out the fields that are not set, so
/// `Json(TokenResponse::bearer(token))` is exactly FastAPI's tutorial answer
/// `{"access_token": token, "token_type": "bearer"}`. As a response of its
/// own it adds the `Cache-Control: no-store` and `Pragma: no-cache` headers
/// that §5.1 requires. `Debug` shows neither token.
///
/// ```
/// use std::time::Duration;
/// use warden::TokenResponse;
///
/// let response = TokenResponse::bearer("alice.me").expires_in(Duration::from_secs(3600)).scope(["me"]);
/// assert_eq!(
///     serde_json::to_value(&response)?,
///     serde_json::json!({"access_token": "alice.me", "token_type": "bearer", "expires_in": 3600, "scope": "me"}),
/// );
/// assert!(!format!("{response:?}").contains("alice.me"));
/// # Ok::<_, serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct TokenResponse {
    access_token: String,
    token_type: Cow<'static, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_in: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
}

impl TokenResponse {
    /// A response with `access_token` and the token type `bearer`
    /// (RFC 6750 §4; the case FastAPI's tutorial uses).
    pub fn bearer(access_token: impl Into<String>) -> Self {
        Self {
            access_token: access_token.into(),
            token_type: Cow::Borrowed("bearer"),
            expires_in: None,
            refresh_token: None,
            scope: None,
        }
    }

    /// Sets `expires_in`, the token's lifetime in whole seconds (fractions
    /// are dropped).
    #[must_use]
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.expires_in = Some(lifetime.as_secs());
        self
    }

    /// Sets `refresh_token`.
    #[must_use]
    pub fn refresh_token(mut self, refresh_token: impl Into<String>) -> Self {
        self.refresh_token = Some(refresh_token.into());
        self
    }

    /// Sets `scope` to the granted scopes joined by SP (RFC 6749 §3.3); no
    /// scopes leave it out.
    #[must_use]
    pub fn scope<I>(mut self, scopes: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let mut joined = String::new();
        for scope in scopes {
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(scope.as_ref());
        }
        self.scope = (!joined.is_empty()).then_some(joined);
        self
    }

    /// The access token.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The token type (`bearer`).
    pub fn token_type(&self) -> &str {
        &self.token_type
    }
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &crate::secret::REDACTED)
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| crate::secret::REDACTED))
            .field("scope", &self.scope)
            .finish()
    }
}

impl IntoResponse for TokenResponse {
    fn into_response(self) -> Response {
        let mut response = json_response(&self);
        response.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        response
    }
}

/// `200`, `Content-Type: application/json` and `Cache-Control: no-store`
/// (RFC 6749 §5.1 and §5.2 alike).
fn json_response(body: &impl Serialize) -> Response {
    // Strings, numbers and maps of them always serialize.
    let body = serde_json::to_vec(body).unwrap_or_default();
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
