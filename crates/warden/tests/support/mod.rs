//! Sends one request through a router and reads the answer, for the specs.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use axum::{Router, body::Body, http::Request};
use http_body_util::BodyExt as _;
use serde_json::Value;
use tower::ServiceExt as _;

/// What a client sees.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub challenges: Vec<String>,
    pub content_type: Option<String>,
    pub body: Value,
    pub headers: axum::http::HeaderMap,
}

/// `GET uri` with `headers` (raw bytes, sent in order, duplicates kept).
pub async fn get(app: &Router, uri: &str, headers: &[(&str, &[u8])]) -> Answer {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, axum::http::HeaderValue::from_bytes(value).unwrap());
    }
    let response = app.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let challenges =
        headers.get_all("www-authenticate").iter().map(|v| String::from_utf8(v.as_bytes().to_vec()).unwrap()).collect();
    let content_type = headers.get("content-type").map(|v| v.to_str().unwrap().to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = decode(content_type.as_deref(), &bytes);
    Answer { status, challenges, content_type, body, headers }
}

/// A body as a value: `null` when there is none; the JSON itself when its
/// type is JSON (`application/json`, `…+json`), and the test fails when it
/// does not parse; any other body as one JSON string of its text. So "the
/// body is null" never passes on a body that is there.
fn decode(content_type: Option<&str>, bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    let text = || String::from_utf8(bytes.to_vec()).unwrap_or_else(|_| panic!("the body is not UTF-8: {bytes:?}"));
    let essence = content_type.unwrap_or_default().split(';').next().unwrap_or_default().trim();
    if essence == "application/json" || essence.ends_with("+json") {
        serde_json::from_slice(bytes)
            .unwrap_or_else(|error| panic!("the {essence} body is not JSON ({error}): {}", text()))
    } else {
        Value::String(text())
    }
}

/// `GET uri` with a single `Authorization` value.
pub async fn authorization(app: &Router, uri: &str, value: &[u8]) -> Answer {
    get(app, uri, &[("authorization", value)]).await
}

/// The body text of `GET uri`, with `authorization` as the `Authorization`
/// value unless it is empty.
pub async fn get_text(app: &Router, uri: &str, authorization: &[u8]) -> String {
    let mut request = Request::get(uri);
    if !authorization.is_empty() {
        request = request.header("authorization", axum::http::HeaderValue::from_bytes(authorization).unwrap());
    }
    let response = app.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The body of a response, as [`get`] reads it (see [`decode`]).
pub async fn body(response: axum::response::Response) -> Value {
    let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    decode(content_type.as_deref(), &bytes)
}

/// A permission that always refuses, with type defaults (status 418, code
/// `typed`) and a message computed from its field.
pub struct Typed(pub &'static str);

impl warden::permission::PermissionMeta for Typed {
    fn default_status(&self) -> axum::http::StatusCode {
        axum::http::StatusCode::IM_A_TEAPOT
    }

    fn default_code(&self) -> Option<std::borrow::Cow<'static, str>> {
        Some("typed".into())
    }

    fn message(&self) -> std::borrow::Cow<'static, str> {
        format!("needs {}", self.0).into()
    }
}

impl<S: Send + Sync> warden::permission::Permission<S> for Typed {
    async fn check(
        &self,
        _: &mut warden::permission::Cx<'_, S>,
    ) -> Result<warden::permission::Verdict, warden::permission::Unresolved> {
        Ok(warden::permission::Verdict::Deny(None))
    }
}

warden::permission_ops!(Typed);

/// A tracing `MakeWriter` into a shared buffer, for tests that read logs.
#[derive(Clone, Default)]
pub struct Captured(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Self;

    fn make_writer(&'a self) -> Self {
        self.clone()
    }
}
