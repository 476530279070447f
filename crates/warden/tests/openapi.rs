//! Every scheme's OpenAPI Security Scheme Object and name equal FastAPI's
//! for the same configuration: each configuration of the parity server
//! (shared/conformance/ROUTES.md) is built here and compared with the
//! `components.securitySchemes` entry of the FastAPI reference app
//! (`crates/parity-server/tests/conformance/openapi-fastapi.json`, vendored
//! from shared/conformance/).

#![cfg(feature = "openapi")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::{collections::BTreeMap, path::Path};

use serde_json::{Value, json};
use utoipa::openapi::security::SecurityScheme;
use warden::{
    ApiKey, ApiKeyLocation, HttpBasic, HttpBearer, HttpScheme, OAuth2, OAuth2AuthorizationCodeBearer,
    OAuth2ClientCredentialsBearer, OAuth2PasswordBearer, OpenIdConnect,
    openapi::{DescribeScheme, SecuritySchemeObject},
    scheme::OAuth2Flow,
};

/// FastAPI's `components.securitySchemes`.
fn fastapi_schemes() -> BTreeMap<String, Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../parity-server/tests/conformance/openapi-fastapi.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let document: Value = serde_json::from_str(&text).unwrap();
    serde_json::from_value(document["components"]["securitySchemes"].clone()).unwrap()
}

fn described(scheme: &impl DescribeScheme) -> (String, SecuritySchemeObject) {
    (scheme.openapi_name().to_owned(), scheme.security_scheme())
}

fn json_of(object: &SecuritySchemeObject) -> Value {
    serde_json::to_value(object).unwrap()
}

const OIDC_URL: &str = "https://example.com/.well-known/openid-configuration";

/// The parity server's scheme configurations, by the name each publishes.
fn parity_schemes() -> Vec<(String, SecuritySchemeObject)> {
    let basic = |name: &'static str| described(&HttpBasic::builder("api").scheme_name(name).build().unwrap());
    let bearer = |name: &'static str| described(&HttpBearer::builder().scheme_name(name).build().unwrap());
    let digest = |name: &'static str| described(&HttpScheme::builder("digest").scheme_name(name).build().unwrap());
    let header_key = |name: &'static str| {
        described(&ApiKey::header_builder("X-API-Key").unwrap().scheme_name(name).build().unwrap())
    };
    let password = |name: &'static str, scopes: &[(&'static str, &'static str)]| {
        let mut builder = OAuth2PasswordBearer::builder("token").scheme_name(name);
        for (scope, description) in scopes {
            builder = builder.scope(*scope, *description);
        }
        described(&builder.build().unwrap())
    };
    vec![
        // Defaults: the type's FastAPI name.
        described(&HttpBasic::new("api").unwrap()),
        described(&HttpBearer::new()),
        described(&HttpScheme::digest()),
        described(&ApiKey::header("X-API-Key").unwrap()),
        described(&ApiKey::query("api_key").unwrap()),
        described(&ApiKey::cookie("session").unwrap()),
        described(&OAuth2PasswordBearer::new("token").unwrap()),
        described(&OpenIdConnect::new(OIDC_URL).unwrap()),
        // HTTP schemes, named.
        basic("BasicQuotedRealm"),
        basic("BasicLatin1Realm"),
        basic("BasicOptional"),
        basic("BasicOptionalRealm"),
        described(
            &HttpBasic::builder("api")
                .scheme_name("BasicCustom")
                .description("Custom basic description")
                .build()
                .unwrap(),
        ),
        bearer("BearerOptional"),
        described(
            &HttpBearer::builder()
                .scheme_name("BearerJWT")
                .bearer_format("JWT")
                .description("JWT bearer token")
                .build()
                .unwrap(),
        ),
        bearer("BearerScoped"),
        bearer("BearerLegacy403"),
        digest("DigestOptional"),
        described(
            &HttpScheme::builder("digest")
                .scheme_name("DigestCustom")
                .description("Custom digest description")
                .build()
                .unwrap(),
        ),
        described(
            &HttpScheme::builder("custom-scheme")
                .scheme_name("CustomScheme")
                .description("HTTPBase with a custom scheme")
                .build()
                .unwrap(),
        ),
        described(&HttpScheme::builder("custom-scheme").scheme_name("CustomSchemeOptional").build().unwrap()),
        // API keys, named.
        header_key("APIKeyHeaderOptional"),
        described(
            &ApiKey::builder(ApiKeyLocation::Query("api_key".to_owned()))
                .scheme_name("APIKeyQueryOptional")
                .build()
                .unwrap(),
        ),
        described(
            &ApiKey::builder(ApiKeyLocation::Cookie("session".to_owned()))
                .scheme_name("APIKeyCookieOptional")
                .build()
                .unwrap(),
        ),
        described(
            &ApiKey::header_builder("X-Token")
                .unwrap()
                .scheme_name("TokenHeader")
                .description("Token in X-Token header")
                .build()
                .unwrap(),
        ),
        // Combinations and permissions.
        basic("MultiBasic"),
        bearer("MultiBearer"),
        header_key("MultiKey"),
        basic("BothBasic"),
        header_key("BothKey"),
        bearer("PermBearer"),
        password("PermOAuth2", &[("read", "Read"), ("write", "Write")]),
        // OAuth2 and OpenID Connect.
        password("OAuth2Optional", &[]),
        described(
            &OAuth2::builder()
                .flow(OAuth2Flow::implicit("https://example.com/authorize").scope("read", "Read access"))
                .scheme_name("OAuth2Implicit")
                .description("Bare OAuth2 base class")
                .build()
                .unwrap(),
        ),
        described(&OAuth2::builder().scheme_name("OAuth2BaseOptional").build().unwrap()),
        described(
            &OAuth2AuthorizationCodeBearer::builder("authorize", "token")
                .refresh_url("refresh")
                .scope("read", "Read access")
                .scope("write", "Write access")
                .scheme_name("OAuth2AuthCode")
                .build()
                .unwrap(),
        ),
        described(
            &OAuth2AuthorizationCodeBearer::builder("authorize", "token")
                .scheme_name("OAuth2AuthCodeOptional")
                .build()
                .unwrap(),
        ),
        password(
            "OAuth2Scoped",
            &[("me", "Read information about the current user."), ("items", "Read items."), ("admin", "Admin.")],
        ),
        password("ScopesEcho", &[("a", "A"), ("b", "B"), ("c", "C")]),
        described(
            &OpenIdConnect::builder(OIDC_URL)
                .scheme_name("OpenIdConnectOptional")
                .description("Optional OIDC")
                .build()
                .unwrap(),
        ),
    ]
}

#[test]
fn every_scheme_of_the_parity_server_is_documented_exactly_as_fastapi_documents_it() {
    let fastapi = fastapi_schemes();
    let ours: BTreeMap<String, Value> =
        parity_schemes().iter().map(|(name, object)| (name.clone(), json_of(object))).collect();
    for (name, object) in &ours {
        assert_eq!(Some(object), fastapi.get(name), "{name}");
    }
    let missing: Vec<&String> = fastapi.keys().filter(|name| !ours.contains_key(*name)).collect();
    assert!(missing.is_empty(), "FastAPI documents schemes the parity server's configurations do not: {missing:?}");
}

#[test]
fn the_default_names_are_fastapi_s_class_names() {
    assert_eq!(HttpBasic::new("api").unwrap().openapi_name(), "HTTPBasic");
    assert_eq!(HttpBearer::new().openapi_name(), "HTTPBearer");
    assert_eq!(HttpScheme::digest().openapi_name(), "HTTPDigest");
    assert_eq!(HttpScheme::new("custom-scheme").unwrap().openapi_name(), "HTTPBase");
    assert_eq!(ApiKey::header("X-API-Key").unwrap().openapi_name(), "APIKeyHeader");
    assert_eq!(ApiKey::query("k").unwrap().openapi_name(), "APIKeyQuery");
    assert_eq!(ApiKey::cookie("k").unwrap().openapi_name(), "APIKeyCookie");
    assert_eq!(OAuth2PasswordBearer::new("token").unwrap().openapi_name(), "OAuth2PasswordBearer");
    assert_eq!(
        OAuth2AuthorizationCodeBearer::new("authorize", "token").unwrap().openapi_name(),
        "OAuth2AuthorizationCodeBearer"
    );
    assert_eq!(OAuth2::builder().build().unwrap().openapi_name(), "OAuth2");
    assert_eq!(OpenIdConnect::new(OIDC_URL).unwrap().openapi_name(), "OpenIdConnect");
}

#[test]
fn the_client_credentials_flow_which_fastapi_lacks_is_documented_with_its_token_url() {
    let scheme = OAuth2ClientCredentialsBearer::builder("https://idp.example/token")
        .scope("jobs:run", "Run jobs")
        .build()
        .unwrap();
    assert_eq!(scheme.openapi_name(), "OAuth2ClientCredentialsBearer");
    assert_eq!(
        serde_json::to_value(scheme.security_scheme()).unwrap(),
        json!({ "type": "oauth2", "flows": { "clientCredentials": {
            "tokenUrl": "https://idp.example/token", "scopes": { "jobs:run": "Run jobs" }
        }}})
    );
}

#[test]
fn every_object_but_an_unregistered_http_scheme_converts_into_utoipa_unchanged() {
    for (name, object) in parity_schemes() {
        let converted = SecurityScheme::try_from(&object);
        if json_of(&object)["scheme"] == "custom-scheme" {
            let Err(err) = converted else { panic!("{name}: utoipa cannot hold a custom scheme") };
            assert_eq!(err.scheme(), "custom-scheme", "{name}");
        } else {
            let converted = converted.unwrap_or_else(|err| panic!("{name}: {err}"));
            assert_eq!(serde_json::to_value(converted).unwrap(), json_of(&object), "{name}");
        }
    }
}

#[test]
fn descriptions_are_published_and_readable() {
    let scheme = HttpBasic::builder("api").description("Staff only").build().unwrap();
    assert_eq!(scheme.security_scheme().description(), Some("Staff only"));
    assert_eq!(HttpBearer::new().security_scheme().description(), None);
}
