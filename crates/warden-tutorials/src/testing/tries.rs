//! Sends the printed requests of the Basic and API-key tutorials
//! ([`Try`]) through an app, as curl sends them.

use axum::{
    Router,
    body::Body,
    http::{Request, header},
};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use http_body_util::BodyExt as _;
use serde_json::Value;
use tower::ServiceExt as _;

use crate::listing::{Header, Try};

/// What a client sees.
#[derive(Debug)]
pub struct Answer {
    /// The status.
    pub status: u16,
    /// The `WWW-Authenticate` lines, in order.
    pub challenges: Vec<String>,
    /// The `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The JSON body; `null` when there is none.
    pub body: Value,
    /// The body as sent, for the printed answers.
    pub raw: String,
}

/// `Basic base64(user:password)`, the `Authorization` value of `curl -u`.
pub fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

/// `GET uri` with `headers` (sent in order, repeated names kept) through `app`.
pub async fn get(app: Router, uri: &str, headers: &[(&str, impl AsRef<str>)]) -> Answer {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, value.as_ref());
    }
    let response = app.oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let challenges = response
        .headers()
        .get_all(header::WWW_AUTHENTICATE)
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .collect();
    let content_type = response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap() };
    Answer { status, challenges, content_type, body, raw: String::from_utf8(bytes.to_vec()).unwrap() }
}

/// Sends `attempt` to `path` through `app` as curl would.
pub async fn send(app: Router, path: &str, attempt: &Try) -> Answer {
    let headers: Vec<(&str, String)> = attempt
        .headers
        .iter()
        .map(|header| match *header {
            Header::Basic(user, password) => ("authorization", basic(user, password)),
            Header::Raw(name, value) => (name, value.to_owned()),
        })
        .collect();
    get(app, &format!("{path}{}", attempt.query), &headers).await
}
