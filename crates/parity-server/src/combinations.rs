//! ROUTES.md 4.3: several schemes on one route.

use axum::{
    Json,
    extract::FromRef,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};
use warden::{
    ApiKey, Auth, ConfigError, HttpBasic, HttpBearer,
    openapi::{Routes, get},
};

use crate::echo;

/// The schemes of `/multi` and `/basic-and-apikey`: one Basic, one Bearer and
/// one API key each, told apart from the other routes' by the router state.
#[derive(Clone, FromRef)]
struct Schemes {
    basic: HttpBasic,
    bearer: HttpBearer,
    key: ApiKey,
}

/// Three optional schemes, resolved in order; the handler itself answers 401
/// when none was sent (an application error, passed through verbatim, D20).
async fn multi(
    basic: Option<Auth<HttpBasic>>,
    bearer: Option<Auth<HttpBearer>>,
    key: Option<Auth<ApiKey>>,
) -> Response {
    if basic.is_none() && bearer.is_none() && key.is_none() {
        let mut response = (StatusCode::UNAUTHORIZED, Json(json!({ "detail": "No credentials" }))).into_response();
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic, Bearer"));
        return response;
    }
    Json(json!({
        "basic": basic.map(|Auth(creds)| echo::basic(&creds)),
        "bearer": bearer.map(|Auth(creds)| echo::creds(&creds)),
        "api_key": key.map(|Auth(key)| key.into_string()),
    }))
    .into_response()
}

/// Both schemes required; the first failing one answers.
async fn basic_and_key(Auth(basic): Auth<HttpBasic>, Auth(key): Auth<ApiKey>) -> Json<Value> {
    Json(json!({ "basic": echo::basic(&basic), "api_key": key.as_str() }))
}

/// `/multi` and `/basic-and-apikey`.
///
/// # Errors
///
/// A scheme configuration error (none expected).
pub fn router() -> Result<Routes, ConfigError> {
    let header = || ApiKey::header_builder("X-API-Key");
    let multi_schemes = Schemes {
        basic: HttpBasic::builder("api").scheme_name("MultiBasic").build()?,
        bearer: HttpBearer::builder().scheme_name("MultiBearer").build()?,
        key: header()?.scheme_name("MultiKey").build()?,
    };
    let both_schemes = Schemes {
        basic: HttpBasic::builder("api").scheme_name("BothBasic").build()?,
        bearer: HttpBearer::new(),
        key: header()?.scheme_name("BothKey").build()?,
    };
    Ok(Routes::new()
        .route("/multi", get(multi).with_state(multi_schemes))
        .route("/basic-and-apikey", get(basic_and_key).with_state(both_schemes)))
}
