//! What each scheme publishes in an OpenAPI 3.1 document (feature
//! `openapi`): its name under `components.securitySchemes` and its
//! [Security Scheme Object](https://spec.openapis.org/oas/v3.1.0#security-scheme-object).
//!
//! Every scheme implements [`DescribeScheme`]. For the same configuration
//! the object serializes to what FastAPI publishes, and the name defaults to
//! FastAPI's (the class name: `HTTPBasic`, `APIKeyHeader`,
//! `OAuth2PasswordBearer`, …) unless the scheme was given one with
//! `scheme_name`:
//!
//! ```
//! use serde_json::json;
//! use warden::{ApiKey, HttpBearer, OAuth2PasswordBearer, openapi::DescribeScheme};
//!
//! let key = ApiKey::header("X-API-Key")?;
//! assert_eq!(key.openapi_name(), "APIKeyHeader");
//! assert_eq!(
//!     serde_json::to_value(key.security_scheme())?,
//!     json!({ "type": "apiKey", "in": "header", "name": "X-API-Key" })
//! );
//!
//! let bearer = HttpBearer::builder().scheme_name("BearerJWT").bearer_format("JWT").build()?;
//! assert_eq!(bearer.openapi_name(), "BearerJWT");
//! assert_eq!(
//!     serde_json::to_value(bearer.security_scheme())?,
//!     json!({ "type": "http", "scheme": "bearer", "bearerFormat": "JWT" })
//! );
//!
//! let oauth2 = OAuth2PasswordBearer::builder("token").scope("me", "Read your profile.").build()?;
//! assert_eq!(
//!     serde_json::to_value(oauth2.security_scheme())?,
//!     json!({ "type": "oauth2", "flows": { "password": {
//!         "tokenUrl": "token", "scopes": { "me": "Read your profile." }
//!     }}})
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Operation security
//!
//! [`Routes`] is axum's `Router` that remembers, for each route added with
//! [`get`], [`post`], [`put`], [`patch`], [`delete`] (and the other
//! methods), what protects it:
//!
//! | what protects the operation | its `security` |
//! | --- | --- |
//! | `Auth<S>`, `Security<V, L>` (with `L`'s scopes) | `[{S: []}]` |
//! | two of them | one object, `[{A: [], B: []}]`: both are required (D14) |
//! | `Option<Auth<S>>`, `Result<Auth<S>, _>` | `[{S: []}, {}]`: optional (D14) |
//! | [`protect`](Routes::protect) with `RequireAuth` | its scheme, with the handler's |
//! | [`protect`](Routes::protect) with `DeclareScopes` | its scopes, before those inside |
//! | `RequirePermission`, `Guard<P>` | every branch of the permission: `&` one object, `\|` alternatives, `HasScope`'s scopes, `IsAuthenticated`'s scheme |
//! | `State`, `Json`, `Path`, `Query`, `HeaderMap`, … | nothing |
//!
//! Each operation also documents the answers its protection gives: the
//! scheme's `401` with its `WWW-Authenticate` challenges (or the `403` of
//! the legacy hook), `400` for malformed credentials (not for a cookie), a
//! verifier's `invalid_token` and `insufficient_scope` (naming the
//! operation's scopes), each permission's status and message.
//!
//! [`Routes::split`] gives the router and the [`SecurityDocument`], which
//! writes itself into a JSON document ([`SecurityDocument::apply_to_json`],
//! [`SecurityDocument::to_openapi_json`]) or a utoipa `OpenApi`
//! ([`SecurityDocument::apply_to`]). Two different schemes under one name
//! are an error then, when the app is built.
//!
//! ```
//! use serde_json::json;
//! use warden::{ApiKey, Auth, HttpBasic, RequireAuth, openapi::{Routes, get}};
//!
//! async fn me(Auth(_): Auth<HttpBasic>, _: Option<Auth<ApiKey>>) {}
//!
//! #[derive(Clone, axum::extract::FromRef)]
//! struct Schemes { basic: HttpBasic, key: ApiKey }
//!
//! let schemes = Schemes { basic: HttpBasic::new("api")?, key: ApiKey::header("X-API-Key")? };
//! // Another key configuration needs a name of its own: two under one name
//! // are an error.
//! let admin_key = ApiKey::header_builder("X-Admin")?.scheme_name("AdminKey").build()?;
//! let admin = Routes::new().route("/stats", get(|| async {})).protect(RequireAuth::new(admin_key));
//! let (_router, security) = Routes::new()
//!     .route("/me", get(me))
//!     .with_state(schemes)
//!     .nest("/admin", admin)
//!     .split()?;
//! let document = security.to_openapi_json("api", "1");
//! assert_eq!(
//!     document["paths"]["/me"]["get"]["security"],
//!     json!([{ "HTTPBasic": [], "APIKeyHeader": [] }, { "HTTPBasic": [] }])
//! );
//! assert_eq!(document["paths"]["/admin/stats"]["get"]["security"], json!([{ "AdminKey": [] }]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Your own extractors implement [`DocumentSecurity`], your permissions
//! [`DocumentPermission`]; an extractor of another crate that reads no
//! credentials goes in [`Undocumented`]. With the `utoipa-axum` feature,
//! `openapi::utoipa_axum::SecuredRouter` and `warden::routes!` do the same
//! for utoipa-axum apps.
//!
//! # utoipa
//!
//! A [`SecuritySchemeObject`] converts into utoipa's
//! [`SecurityScheme`](utoipa::openapi::security::SecurityScheme), to add to
//! an `OpenApi` document's components. The one object utoipa cannot hold is
//! an HTTP scheme outside its fixed list (`basic`, `bearer`, `digest`,
//! `hoba`, `mutual`, `negotiate`, `oauth`, `scram-sha-1`, `scram-sha-256`,
//! `vapid`), such as FastAPI's `HTTPBase(scheme="custom-scheme")`: the
//! conversion refuses it rather than publish another scheme.
//!
//! ```
//! use utoipa::openapi::security::SecurityScheme;
//! use warden::{HttpBasic, HttpScheme, openapi::DescribeScheme};
//!
//! let basic = SecurityScheme::try_from(&HttpBasic::new("api")?.security_scheme())?;
//! assert!(matches!(basic, SecurityScheme::Http(_)));
//! assert!(SecurityScheme::try_from(&HttpScheme::new("custom-scheme")?.security_scheme()).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::{collections::BTreeMap, fmt};

use serde::{Serialize, Serializer, ser::SerializeMap};

use crate::scheme::{
    SchemeOptions,
    oauth2::{FlowKind, OAuth2Flow},
};

/// A scheme as an OpenAPI document describes it.
pub trait DescribeScheme {
    /// The scheme's key in `components.securitySchemes` (and in every
    /// security requirement naming it): the `scheme_name` it was built with,
    /// or FastAPI's default for its type.
    fn openapi_name(&self) -> &str;

    /// The Security Scheme Object.
    fn security_scheme(&self) -> SecuritySchemeObject;
}

/// An OpenAPI 3.1 Security Scheme Object; serializes to its JSON form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type")]
#[non_exhaustive]
pub enum SecuritySchemeObject {
    /// `http`: an `Authorization` scheme (RFC 9110 §11).
    #[serde(rename = "http")]
    Http {
        /// The description, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        /// The scheme name, as registered with IANA (`basic`, `bearer`, …).
        scheme: String,
        /// For `bearer`: how the token is formatted (`JWT`), a hint only.
        #[serde(rename = "bearerFormat", skip_serializing_if = "Option::is_none")]
        bearer_format: Option<String>,
    },
    /// `apiKey`: a key in a header, a query parameter or a cookie.
    #[serde(rename = "apiKey")]
    ApiKey {
        /// The description, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        /// Where the key is sent.
        #[serde(rename = "in")]
        location: KeyLocation,
        /// The header, parameter or cookie name.
        name: String,
    },
    /// `oauth2`: the flows a client can get a token by.
    #[serde(rename = "oauth2")]
    OAuth2 {
        /// The description, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        /// The flows, each once (an empty object for none).
        #[serde(serialize_with = "serialize_flows")]
        flows: Vec<OAuth2Flow>,
    },
    /// `openIdConnect`: the provider's discovery document.
    #[serde(rename = "openIdConnect")]
    OpenIdConnect {
        /// The description, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        /// The discovery URL.
        #[serde(rename = "openIdConnectUrl")]
        url: String,
    },
}

/// Where an `apiKey` scheme's key is sent (OpenAPI's `in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum KeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// `flows` as an OpenAPI OAuth Flows Object: each flow under its kind's name.
fn serialize_flows<S: Serializer>(flows: &[OAuth2Flow], serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(flows.len()))?;
    for flow in flows {
        map.serialize_entry(flow.kind().openapi_name(), &FlowObject(flow))?;
    }
    map.end()
}

/// An OpenAPI OAuth Flow Object.
struct FlowObject<'a>(&'a OAuth2Flow);

impl Serialize for FlowObject<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let flow = self.0;
        let mut map = serializer.serialize_map(None)?;
        if let Some(url) = flow.authorization_url() {
            map.serialize_entry("authorizationUrl", url)?;
        }
        if let Some(url) = flow.token_url() {
            map.serialize_entry("tokenUrl", url)?;
        }
        if let Some(url) = flow.refresh_url_str() {
            map.serialize_entry("refreshUrl", url)?;
        }
        let scopes: BTreeMap<&str, &str> = flow.scopes().collect();
        map.serialize_entry("scopes", &scopes)?;
        map.end()
    }
}

impl SecuritySchemeObject {
    /// The description, if any.
    pub fn description(&self) -> Option<&str> {
        match self {
            Self::Http { description, .. }
            | Self::ApiKey { description, .. }
            | Self::OAuth2 { description, .. }
            | Self::OpenIdConnect { description, .. } => description.as_deref(),
        }
    }

    /// An `http` object for `scheme`.
    pub(crate) fn http(options: &SchemeOptions, scheme: &str, bearer_format: Option<&str>) -> Self {
        Self::Http {
            description: description(options),
            scheme: scheme.to_owned(),
            bearer_format: bearer_format.map(str::to_owned),
        }
    }

    /// An `apiKey` object.
    pub(crate) fn api_key(options: &SchemeOptions, location: KeyLocation, name: &str) -> Self {
        Self::ApiKey { description: description(options), location, name: name.to_owned() }
    }

    /// An `oauth2` object with `flows`.
    pub(crate) fn oauth2(options: &SchemeOptions, flows: &[OAuth2Flow]) -> Self {
        Self::OAuth2 { description: description(options), flows: flows.to_vec() }
    }

    /// An `openIdConnect` object.
    pub(crate) fn open_id_connect(options: &SchemeOptions, url: &str) -> Self {
        Self::OpenIdConnect { description: description(options), url: url.to_owned() }
    }
}

fn description(options: &SchemeOptions) -> Option<String> {
    options.description().map(str::to_owned)
}

/// The name `options` gives a scheme, or `default`.
pub(crate) fn name_or<'a>(options: &'a SchemeOptions, default: &'static str) -> &'a str {
    options.name().unwrap_or(default)
}

/// A [`SecuritySchemeObject`] utoipa cannot hold: an HTTP scheme outside
/// utoipa's list of scheme names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsupportedByUtoipa {
    scheme: String,
}

impl UnsupportedByUtoipa {
    /// The HTTP scheme name utoipa has no variant for.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }
}

impl fmt::Display for UnsupportedByUtoipa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "utoipa has no HTTP authentication scheme named {:?}", self.scheme)
    }
}

impl std::error::Error for UnsupportedByUtoipa {}

impl TryFrom<&SecuritySchemeObject> for utoipa::openapi::security::SecurityScheme {
    type Error = UnsupportedByUtoipa;

    fn try_from(object: &SecuritySchemeObject) -> Result<Self, UnsupportedByUtoipa> {
        use utoipa::openapi::security::{
            AuthorizationCode, ClientCredentials, Flow, Implicit, OAuth2, Password, Scopes,
        };
        if let SecuritySchemeObject::OAuth2 { description, flows } = object {
            // Built flow by flow: utoipa reads flows untagged, and would take
            // an authorization-code flow for an implicit one.
            let flows = flows.iter().filter_map(|flow| {
                let scopes = Scopes::from_iter(flow.scopes());
                let refresh = flow.refresh_url_str();
                Some(match (flow.kind(), flow.authorization_url(), flow.token_url()) {
                    (FlowKind::Implicit, Some(authorize), _) => Flow::Implicit(match refresh {
                        Some(refresh) => Implicit::with_refresh_url(authorize, scopes, refresh),
                        None => Implicit::new(authorize, scopes),
                    }),
                    (FlowKind::Password, _, Some(token)) => Flow::Password(match refresh {
                        Some(refresh) => Password::with_refresh_url(token, scopes, refresh),
                        None => Password::new(token, scopes),
                    }),
                    (FlowKind::ClientCredentials, _, Some(token)) => Flow::ClientCredentials(match refresh {
                        Some(refresh) => ClientCredentials::with_refresh_url(token, scopes, refresh),
                        None => ClientCredentials::new(token, scopes),
                    }),
                    (FlowKind::AuthorizationCode, Some(authorize), Some(token)) => {
                        Flow::AuthorizationCode(match refresh {
                            Some(refresh) => AuthorizationCode::with_refresh_url(authorize, token, scopes, refresh),
                            None => AuthorizationCode::new(authorize, token, scopes),
                        })
                    }
                    // Every flow is built with the URLs its kind needs.
                    _ => return None,
                })
            });
            return Ok(Self::OAuth2(match description {
                Some(description) => OAuth2::with_description(flows, description.as_str()),
                None => OAuth2::new(flows),
            }));
        }
        // The other objects have one JSON form in both types.
        let unsupported = || UnsupportedByUtoipa {
            scheme: match object {
                SecuritySchemeObject::Http { scheme, .. } => scheme.clone(),
                _ => String::new(),
            },
        };
        let json = serde_json::to_value(object).map_err(|_| unsupported())?;
        serde_json::from_value(json).map_err(|_| unsupported())
    }
}

// Operation security: requirements, the traits that find them, the router
// that collects them and the document they go into.
mod document;
mod impls;
mod routes;
mod security;
pub use document::{OpenApiError, OperationSecurity, SecurityDocument};
pub use routes::{Documented, MethodRoutes, Routes, delete, get, head, options, patch, post, put, trace};
pub use security::{
    DocContext, DocumentHandlerArgs, DocumentLayer, DocumentPermission, DocumentSecurity, DocumentedAnswer,
    Requirement, SecurityRequirements, Undocumented, UndocumentedBody,
};

// utoipa-axum's router, documenting security too.
#[cfg(feature = "utoipa-axum")]
pub mod utoipa_axum;

// Swagger UI, served from vendored files.
mod swagger_ui;
pub use swagger_ui::{SwaggerUi, SwaggerUiBuilder, SwaggerUiError};
