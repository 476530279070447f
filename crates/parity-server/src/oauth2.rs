//! ROUTES.md 4.4: the OAuth2 schemes and OpenID Connect.
//!
//! Every one of them extracts a bearer token (POLICY D7, D8, D18). The
//! "required scopes (not enforced)" of `/oauth2-authcode` and `/oidc-scoped`
//! are declared with [`DeclareScopes`], which documents them and checks
//! nothing.

use axum::Json;
use serde_json::{Value, json};
use warden::{
    Auth, BearerToken, ConfigError, OAuth2, OAuth2AuthorizationCodeBearer, OAuth2PasswordBearer, OpenIdConnect, Scheme,
    openapi::{Routes, get},
    scheme::oauth2::OAuth2Flow,
    scopes::DeclareScopes,
};

/// The OpenID Connect discovery URL of the `/oidc*` routes.
const DISCOVERY_URL: &str = "https://example.com/.well-known/openid-configuration";

fn token(token: Option<&BearerToken>) -> Json<Value> {
    Json(json!({ "token": token.map(BearerToken::as_str) }))
}

fn authorization(token: Option<&BearerToken>) -> Json<Value> {
    Json(json!({ "authorization": token.map(BearerToken::as_str) }))
}

async fn token_echo<S: Scheme<Credentials = BearerToken>>(Auth(bearer): Auth<S>) -> Json<Value> {
    token(Some(&bearer))
}

async fn token_echo_optional<S: Scheme<Credentials = BearerToken>>(bearer: Option<Auth<S>>) -> Json<Value> {
    token(bearer.as_deref())
}

async fn authorization_echo<S: Scheme<Credentials = BearerToken>>(Auth(bearer): Auth<S>) -> Json<Value> {
    authorization(Some(&bearer))
}

async fn authorization_echo_optional<S: Scheme<Credentials = BearerToken>>(bearer: Option<Auth<S>>) -> Json<Value> {
    authorization(bearer.as_deref())
}

/// `/oauth2*` and `/oidc*`.
///
/// # Errors
///
/// A scheme configuration error (none expected).
pub fn router() -> Result<Routes, ConfigError> {
    let oidc = OpenIdConnect::new(DISCOVERY_URL)?;
    Ok(Routes::new()
        .route("/oauth2", get(token_echo::<OAuth2PasswordBearer>).with_state(OAuth2PasswordBearer::new("token")?))
        .route(
            "/oauth2-optional",
            get(token_echo_optional::<OAuth2PasswordBearer>)
                .with_state(OAuth2PasswordBearer::builder("token").scheme_name("OAuth2Optional").build()?),
        )
        .route(
            "/oauth2-authcode",
            get(token_echo::<OAuth2AuthorizationCodeBearer>)
                .with_state(
                    OAuth2AuthorizationCodeBearer::builder("authorize", "token")
                        .refresh_url("refresh")
                        .scope("read", "Read access")
                        .scope("write", "Write access")
                        .scheme_name("OAuth2AuthCode")
                        .build()?,
                )
                .protect(DeclareScopes::new(["read"])?),
        )
        .route(
            "/oauth2-authcode-optional",
            get(token_echo_optional::<OAuth2AuthorizationCodeBearer>).with_state(
                OAuth2AuthorizationCodeBearer::builder("authorize", "token")
                    .scheme_name("OAuth2AuthCodeOptional")
                    .build()?,
            ),
        )
        .route(
            "/oauth2-base",
            get(authorization_echo::<OAuth2>).with_state(
                OAuth2::builder()
                    .flow(OAuth2Flow::implicit("https://example.com/authorize").scope("read", "Read access"))
                    .scheme_name("OAuth2Implicit")
                    .description("Bare OAuth2 base class")
                    .build()?,
            ),
        )
        .route(
            "/oauth2-base-optional",
            get(authorization_echo_optional::<OAuth2>)
                .with_state(OAuth2::builder().scheme_name("OAuth2BaseOptional").build()?),
        )
        .route("/oidc", get(authorization_echo::<OpenIdConnect>).with_state(oidc))
        .route(
            "/oidc-scoped",
            get(authorization_echo::<OpenIdConnect>)
                .with_state(oidc)
                .protect(DeclareScopes::new(["openid", "profile"])?),
        )
        .route(
            "/oidc-optional",
            get(authorization_echo_optional::<OpenIdConnect>).with_state(
                OpenIdConnect::builder(DISCOVERY_URL)
                    .scheme_name("OpenIdConnectOptional")
                    .description("Optional OIDC")
                    .build()?,
            ),
        ))
}
