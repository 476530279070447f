//! ROUTES.md 4.1: HTTP Basic, Bearer, Digest and a generic scheme.
//!
//! Each route has its own scheme configuration as its router state, so one
//! app holds many configurations of one scheme type without markers.

use axum::Json;
use serde_json::Value;
use warden::{
    Auth, AuthRejection, ConfigError, HttpBasic, HttpBearer, HttpScheme, Scheme,
    openapi::{Routes, get},
    scopes::DeclareScopes,
};

use crate::echo;

async fn basic_echo(Auth(creds): Auth<HttpBasic>) -> Json<Value> {
    Json(echo::basic(&creds))
}

async fn basic_echo_optional(creds: Option<Auth<HttpBasic>>) -> Json<Value> {
    echo::or_null(creds, |Auth(creds)| echo::basic(&creds))
}

async fn creds_echo<S: Scheme<Credentials = warden::HttpCredentials>>(Auth(creds): Auth<S>) -> Json<Value> {
    Json(echo::creds(&creds))
}

async fn creds_echo_optional<S: Scheme<Credentials = warden::HttpCredentials>>(creds: Option<Auth<S>>) -> Json<Value> {
    echo::or_null(creds, |Auth(creds)| echo::creds(&creds))
}

/// `/basic*`, `/bearer*`, `/digest*` and `/httpbase-custom*`.
///
/// # Errors
///
/// A scheme configuration error (none expected).
pub fn router() -> Result<Routes, ConfigError> {
    let basic = |realm: &str, name: Option<&'static str>| {
        let builder = HttpBasic::builder(realm);
        match name {
            Some(name) => builder.scheme_name(name),
            None => builder,
        }
        .build()
    };
    let bearer = |name: &'static str| HttpBearer::builder().scheme_name(name);
    let digest = || HttpScheme::builder("digest");
    Ok(Routes::new()
        .route("/basic", get(basic_echo).with_state(basic("api", None)?))
        .route("/basic-realm", get(basic_echo).with_state(basic("test realm", None)?))
        .route(
            "/basic-realm-quote",
            get(basic_echo).with_state(basic(r#"a "quoted" realm"#, Some("BasicQuotedRealm"))?),
        )
        .route("/basic-optional", get(basic_echo_optional).with_state(basic("api", Some("BasicOptional"))?))
        .route(
            "/basic-optional-realm",
            get(basic_echo_optional).with_state(basic("opt realm", Some("BasicOptionalRealm"))?),
        )
        .route(
            "/basic-named",
            get(basic_echo).with_state(
                HttpBasic::builder("api").scheme_name("BasicCustom").description("Custom basic description").build()?,
            ),
        )
        .route("/bearer", get(creds_echo::<HttpBearer>).with_state(HttpBearer::new()))
        .route("/bearer-optional", get(creds_echo_optional::<HttpBearer>).with_state(bearer("BearerOptional").build()?))
        .route(
            "/bearer-format",
            get(creds_echo::<HttpBearer>)
                .with_state(bearer("BearerJWT").bearer_format("JWT").description("JWT bearer token").build()?),
        )
        .route(
            "/bearer-scoped",
            get(creds_echo::<HttpBearer>)
                .with_state(bearer("BearerScoped").build()?)
                .protect(DeclareScopes::new(["role:admin"])?),
        )
        .route(
            "/bearer-legacy403",
            get(creds_echo::<HttpBearer>)
                .with_state(bearer("BearerLegacy403").on_not_authenticated(AuthRejection::legacy_forbidden).build()?),
        )
        .route("/digest", get(creds_echo::<HttpScheme>).with_state(HttpScheme::digest()))
        .route(
            "/digest-optional",
            get(creds_echo_optional::<HttpScheme>).with_state(digest().scheme_name("DigestOptional").build()?),
        )
        .route(
            "/digest-named",
            get(creds_echo::<HttpScheme>)
                .with_state(digest().scheme_name("DigestCustom").description("Custom digest description").build()?),
        )
        .route(
            "/httpbase-custom",
            get(creds_echo::<HttpScheme>).with_state(
                HttpScheme::builder("custom-scheme")
                    .scheme_name("CustomScheme")
                    .description("HTTPBase with a custom scheme")
                    .build()?,
            ),
        )
        .route(
            "/httpbase-custom-optional",
            get(creds_echo_optional::<HttpScheme>)
                .with_state(HttpScheme::builder("custom-scheme").scheme_name("CustomSchemeOptional").build()?),
        ))
}
