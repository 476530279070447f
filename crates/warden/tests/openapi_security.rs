//! Each operation's security in the OpenAPI document comes from what
//! protects it: extractors, guards, route layers and every branch of a
//! permission; its 401, 403 and 400 answers are documented with their
//! `WWW-Authenticate` challenges (POLICY D14 for the requirement objects).

#![cfg(feature = "openapi")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use axum::{
    Json,
    extract::FromRef,
    http::{HeaderMap, Method, StatusCode},
};
use serde_json::{Value, json};
use warden::{
    ApiKey, Auth, AuthRejection, HttpBasic, HttpBearer, HttpScheme, OAuth2PasswordBearer, RequireAuth,
    openapi::{OpenApiError, Routes, SecurityDocument, get, post},
    permission::{
        Allow, Deny, Guard, HasScope, IsAuthenticated, PermissionExt, RequirePermission, ScopeSet,
        wrappers::{SkipUnresolved, Undocumented},
    },
    scopes::DeclareScopes,
};

fn document(routes: Routes) -> Value {
    let (_, security) = routes.split().unwrap();
    security.to_openapi_json("test", "1")
}

fn operation<'d>(document: &'d Value, path: &str) -> &'d Value {
    &document["paths"][path]["get"]
}

fn security(document: &Value, path: &str) -> Option<Value> {
    operation(document, path).get("security").cloned()
}

fn challenges(document: &Value, path: &str, status: &str) -> Value {
    operation(document, path)["responses"][status]["headers"]["WWW-Authenticate"]["schema"]["examples"].clone()
}

#[derive(Clone, FromRef)]
struct Schemes {
    basic: HttpBasic,
    bearer: HttpBearer,
    key: ApiKey,
}

fn schemes() -> Schemes {
    Schemes { basic: HttpBasic::new("api").unwrap(), bearer: HttpBearer::new(), key: ApiKey::header("X-Key").unwrap() }
}

#[test]
fn a_required_extractor_needs_its_scheme_and_documents_its_401_and_400() {
    async fn me(Auth(_): Auth<HttpBasic>) {}
    let doc = document(Routes::new().route("/me", get(me)).with_state(schemes()));
    assert_eq!(security(&doc, "/me"), Some(json!([{ "HTTPBasic": [] }])));
    assert_eq!(challenges(&doc, "/me", "401"), json!([r#"Basic realm="api", charset="UTF-8""#]));
    assert_eq!(operation(&doc, "/me")["responses"]["401"]["description"], "Not authenticated; Malformed credentials");
    assert_eq!(operation(&doc, "/me")["responses"]["400"]["description"], "Malformed or repeated credentials");
    assert_eq!(doc["components"]["securitySchemes"], json!({ "HTTPBasic": { "type": "http", "scheme": "basic" } }));
}

#[test]
fn optional_credentials_add_the_empty_requirement() {
    async fn maybe(_: Option<Auth<HttpBearer>>) {}
    async fn handled(_: Result<Auth<HttpBearer>, AuthRejection>) {}
    let doc = document(Routes::new().route("/maybe", get(maybe)).route("/handled", get(handled)).with_state(schemes()));
    assert_eq!(security(&doc, "/maybe"), Some(json!([{ "HTTPBearer": [] }, {}])));
    // A malformed bearer token is refused even when it is optional (D18).
    assert_eq!(
        challenges(&doc, "/maybe", "400"),
        json!([r#"Bearer error="invalid_request", error_description="the token is not a b64token, or sent twice""#])
    );
    assert_eq!(security(&doc, "/handled"), Some(json!([{ "HTTPBearer": [] }, {}])));
}

#[test]
fn several_required_schemes_are_one_requirement_object() {
    async fn both(Auth(_): Auth<HttpBasic>, Auth(_): Auth<ApiKey>) {}
    async fn any(_: Option<Auth<HttpBasic>>, _: Option<Auth<HttpBearer>>, _: Option<Auth<ApiKey>>) {}
    async fn required_and_optional(Auth(_): Auth<HttpBasic>, _: Option<Auth<ApiKey>>) {}
    let doc = document(
        Routes::new()
            .route("/both", get(both))
            .route("/any", get(any))
            .route("/mixed", get(required_and_optional))
            .with_state(schemes()),
    );
    assert_eq!(security(&doc, "/both"), Some(json!([{ "HTTPBasic": [], "APIKeyHeader": [] }])));
    assert_eq!(
        security(&doc, "/any"),
        Some(json!([{ "HTTPBasic": [] }, { "HTTPBearer": [] }, { "APIKeyHeader": [] }, {}]))
    );
    assert_eq!(security(&doc, "/mixed"), Some(json!([{ "HTTPBasic": [], "APIKeyHeader": [] }, { "HTTPBasic": [] }])));
}

#[test]
fn only_schemes_whose_absence_refuses_document_their_challenge() {
    async fn required_and_optional(Auth(_): Auth<ApiKey>, _: Option<Auth<HttpBearer>>) {}
    async fn all_optional(_: Option<Auth<ApiKey>>, _: Option<Auth<HttpBearer>>) {}
    async fn optional_basic(_: Option<Auth<HttpBasic>>) {}
    let doc = document(
        Routes::new()
            .route("/mixed", get(required_and_optional))
            .route("/optional", get(all_optional))
            .route("/optional-basic", get(optional_basic))
            .with_state(schemes()),
    );
    assert_eq!(challenges(&doc, "/mixed", "401"), json!(["APIKey"]));
    // Malformed credentials are refused even when they are optional (D17, D18).
    assert!(operation(&doc, "/optional")["responses"].get("401").is_none());
    assert_eq!(challenges(&doc, "/optional-basic", "401"), json!([r#"Basic realm="api", charset="UTF-8""#]));
    assert_eq!(operation(&doc, "/optional-basic")["responses"]["401"]["description"], "Malformed credentials");
    assert_eq!(operation(&doc, "/optional")["responses"]["400"]["description"], "Malformed or repeated credentials");
}

#[test]
fn either_of_two_schemes_documents_both_challenges() {
    let doc = guarded(basic() | key());
    assert_eq!(challenges(&doc, "/r", "401"), json!([r#"Basic realm="api", charset="UTF-8""#, "APIKey"]));
}

#[test]
fn extractors_that_read_no_credentials_document_nothing() {
    async fn open(_: HeaderMap, _: Method, Json(_): Json<Value>) {}
    let doc = document(Routes::new().route("/open", post(open)));
    assert!(doc["paths"]["/open"]["post"].get("security").is_none());
    assert!(doc["paths"]["/open"]["post"].get("responses").is_none());
    assert!(doc.get("components").is_none());
}

#[test]
fn a_protecting_layer_requires_its_scheme_on_every_route_under_it() {
    let admin = Routes::new()
        .route("/users", get(|| async {}))
        .route("/", get(|| async {}))
        .protect(RequireAuth::new(ApiKey::header("X-Admin").unwrap()));
    let doc = document(Routes::new().nest("/admin", admin).route("/health", get(|| async {})));
    assert_eq!(security(&doc, "/admin/users"), Some(json!([{ "APIKeyHeader": [] }])));
    assert_eq!(security(&doc, "/admin"), Some(json!([{ "APIKeyHeader": [] }])));
    assert_eq!(challenges(&doc, "/admin/users", "401"), json!(["APIKey"]));
    assert!(security(&doc, "/health").is_none());
}

#[test]
fn a_cookie_key_cannot_be_malformed_so_no_400_is_documented() {
    async fn session(Auth(_): Auth<ApiKey>) {}
    let doc = document(Routes::new().route("/session", get(session)).with_state(ApiKey::cookie("session").unwrap()));
    assert!(operation(&doc, "/session")["responses"].get("400").is_none());
    assert!(operation(&doc, "/session")["responses"].get("401").is_some());
}

#[test]
fn the_legacy_hook_documents_its_403_without_a_challenge() {
    async fn legacy(Auth(_): Auth<HttpBearer>) {}
    let bearer = HttpBearer::builder().on_not_authenticated(AuthRejection::legacy_forbidden).build().unwrap();
    let doc = document(Routes::new().route("/legacy", get(legacy)).with_state(bearer));
    let responses = &operation(&doc, "/legacy")["responses"];
    assert!(responses.get("401").is_none());
    assert_eq!(responses["403"]["description"], "Not authenticated");
    assert!(responses["403"].get("headers").is_none());
}

#[test]
fn declared_scopes_come_before_those_of_the_schemes_inside() {
    async fn items(Auth(_): Auth<OAuth2PasswordBearer>) {}
    let scheme = OAuth2PasswordBearer::builder("token").scope("me", "Me").scope("items", "Items").build().unwrap();
    let doc = document(
        Routes::new()
            .route("/items", get(items).protect(DeclareScopes::new(["me"]).unwrap()))
            .protect(DeclareScopes::new(["items", "me"]).unwrap())
            .with_state(scheme),
    );
    assert_eq!(security(&doc, "/items"), Some(json!([{ "OAuth2PasswordBearer": ["items", "me"] }])));
}

#[test]
fn each_route_reads_its_schemes_from_its_own_state() {
    async fn basic(Auth(_): Auth<HttpBasic>) {}
    let named = HttpBasic::builder("admin").scheme_name("AdminBasic").build().unwrap();
    let doc = document(
        Routes::new()
            .route("/user", get(basic).with_state(HttpBasic::new("api").unwrap()))
            .route("/admin", get(basic).with_state(named)),
    );
    assert_eq!(security(&doc, "/user"), Some(json!([{ "HTTPBasic": [] }])));
    assert_eq!(security(&doc, "/admin"), Some(json!([{ "AdminBasic": [] }])));
    assert_eq!(challenges(&doc, "/admin", "401"), json!([r#"Basic realm="admin", charset="UTF-8""#]));
}

#[test]
fn two_configurations_under_one_name_are_an_error_when_the_app_is_built() {
    async fn basic(Auth(_): Auth<HttpBasic>) {}
    async fn generic(Auth(_): Auth<HttpScheme>) {}
    let routes = Routes::new()
        .route("/a", get(basic).with_state(HttpBasic::new("a").unwrap()))
        .route("/b", get(generic).with_state(HttpScheme::builder("basic").scheme_name("HTTPBasic").build().unwrap()));
    // The same name for the same object is fine; an HttpScheme("basic")
    // publishes what HttpBasic publishes, so these two agree.
    assert!(routes.split().is_ok());

    let routes = Routes::new()
        .route("/a", get(basic).with_state(HttpBasic::new("a").unwrap()))
        .route("/b", get(basic).with_state(HttpBasic::builder("b").description("Other").build().unwrap()));
    match routes.split() {
        Err(OpenApiError::ConflictingSchemes { name }) => assert_eq!(name, "HTTPBasic"),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

// ---- permissions ---------------------------------------------------------

/// The scopes of a bearer token, read from an `X-Scopes` header after the
/// bearer scheme extracted a token (a stand-in for a verified token).
struct TokenScopes(Vec<String>);

impl ScopeSet for TokenScopes {
    fn has_scope(&self, scope: &str) -> bool {
        self.0.iter().any(|granted| granted == scope)
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for TokenScopes
where
    HttpBearer: FromRef<S>,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, AuthRejection> {
        let Auth(_) = Auth::<HttpBearer>::from_request_parts(parts, state).await?;
        let scopes = parts.headers.get("x-scopes").and_then(|value| value.to_str().ok()).unwrap_or("");
        Ok(Self(scopes.split(' ').map(str::to_owned).collect()))
    }
}

impl<S> warden::openapi::DocumentSecurity<S> for TokenScopes
where
    HttpBearer: FromRef<S>,
{
    fn document(state: &S, cx: &mut warden::openapi::DocContext) -> warden::openapi::SecurityRequirements {
        <Auth<HttpBearer>>::document(state, cx)
    }
}

fn guarded<P>(permission: P) -> Value
where
    P: warden::permission::Permission<()> + warden::openapi::DocumentPermission<()> + 'static,
{
    document(Routes::new().route("/r", get(|| async {})).protect(RequirePermission::new(permission)))
}

fn basic() -> IsAuthenticated<HttpBasic> {
    IsAuthenticated::new(HttpBasic::new("api").unwrap())
}

fn key() -> IsAuthenticated<ApiKey> {
    IsAuthenticated::new(ApiKey::header("X-Key").unwrap())
}

#[test]
fn every_branch_of_a_permission_documents_its_inputs() {
    assert_eq!(security(&guarded(basic() & key()), "/r"), Some(json!([{ "HTTPBasic": [], "APIKeyHeader": [] }])));
    assert_eq!(security(&guarded(basic() | key()), "/r"), Some(json!([{ "HTTPBasic": [] }, { "APIKeyHeader": [] }])));
    assert_eq!(security(&guarded(!basic()), "/r"), Some(json!([{ "HTTPBasic": [] }])));
    assert_eq!(security(&guarded(basic() | Allow), "/r"), Some(json!([{ "HTTPBasic": [] }, {}])));
    assert_eq!(security(&guarded(SkipUnresolved(key())), "/r"), Some(json!([{ "APIKeyHeader": [] }, {}])));
    assert!(security(&guarded(Undocumented(basic())), "/r").is_none());
}

#[test]
fn a_scope_permission_lists_its_scopes_on_the_scheme_it_reads() {
    let doc = document(Routes::new().route("/r", get(|| async {})).protect(
        RequirePermission::new(HasScope::<TokenScopes>::new(["read", "write"])).with_state(HttpBearer::new()),
    ));
    assert_eq!(security(&doc, "/r"), Some(json!([{ "HTTPBearer": ["read", "write"] }])));
    assert_eq!(operation(&doc, "/r")["responses"]["403"]["description"], "Permission denied");
}

#[test]
fn a_permissions_own_status_and_message_are_documented() {
    let hidden = Deny.with_message("Not found").with_status(StatusCode::NOT_FOUND);
    let doc = guarded(hidden);
    assert_eq!(operation(&doc, "/r")["responses"]["404"]["description"], "Not found");
    assert!(security(&doc, "/r").is_none());
}

#[test]
fn a_guard_extractor_documents_the_permission_in_the_state() {
    #[derive(Clone, FromRef)]
    struct App {
        bearer: HttpBearer,
        can_read: IsAuthenticated<HttpBearer>,
    }
    async fn read(_: Guard<IsAuthenticated<HttpBearer>>) {}
    let app = App { bearer: HttpBearer::new(), can_read: IsAuthenticated::new(HttpBearer::new()) };
    let doc = document(Routes::new().route("/read", get(read)).with_state(app));
    assert_eq!(security(&doc, "/read"), Some(json!([{ "HTTPBearer": [] }])));
}

// ---- the document ---------------------------------------------------------

#[test]
fn applying_to_a_document_keeps_what_it_already_says() {
    async fn me(Auth(_): Auth<HttpBasic>) {}
    let (_, security): (_, SecurityDocument) =
        Routes::new().route("/me", get(me)).with_state(HttpBasic::new("api").unwrap()).split().unwrap();
    let mut existing = json!({
        "openapi": "3.1.0",
        "info": { "title": "mine", "version": "2" },
        "paths": { "/me": { "get": {
            "summary": "Who am I",
            "responses": { "200": { "description": "You" }, "401": { "description": "Log in first" } },
        }}},
    });
    security.apply_to_json(&mut existing).unwrap();
    let me = &existing["paths"]["/me"]["get"];
    assert_eq!(me["summary"], "Who am I");
    assert_eq!(me["responses"]["401"], json!({ "description": "Log in first" }));
    assert_eq!(me["responses"]["400"]["description"], "Malformed or repeated credentials");
    assert_eq!(me["security"], json!([{ "HTTPBasic": [] }]));
    assert_eq!(existing["info"]["title"], "mine");

    let mut not_a_document = json!([]);
    assert_eq!(security.apply_to_json(&mut not_a_document), Err(OpenApiError::NotAnOpenApiObject));
}

#[test]
fn utoipa_gets_the_same_security_or_an_error_for_a_scheme_it_cannot_hold() {
    use utoipa::openapi::{InfoBuilder, OpenApiBuilder};
    async fn me(Auth(_): Auth<HttpScheme>) {}
    let api = || OpenApiBuilder::new().info(InfoBuilder::new().title("api").version("1").build()).build();

    let (_, digest) = Routes::new().route("/me", get(me)).with_state(HttpScheme::digest()).split().unwrap();
    let mut document = api();
    digest.apply_to(&mut document).unwrap();
    let json = serde_json::to_value(&document).unwrap();
    assert_eq!(json["paths"]["/me"]["get"]["security"], json!([{ "HTTPDigest": [] }]));
    assert_eq!(json["components"]["securitySchemes"]["HTTPDigest"], json!({ "type": "http", "scheme": "digest" }));

    let custom = HttpScheme::new("custom-scheme").unwrap();
    let (_, custom) = Routes::new().route("/me", get(me)).with_state(custom).split().unwrap();
    let mut document = api();
    assert!(matches!(custom.apply_to(&mut document), Err(OpenApiError::Utoipa(_))));
    assert!(document == api(), "left as it was");
}

#[cfg(feature = "jwt")]
#[test]
fn a_jwt_verifier_documents_invalid_token_and_insufficient_scope_with_the_final_scopes() {
    use warden::{
        Security,
        jwt::JwtBearer,
        jwt::{Algorithm, DecodingKey, JwtVerifier, ScopedClaims},
    };
    warden::scopes! { Me = ["me"]; }
    async fn items(_: Security<JwtBearer<ScopedClaims>, Me>) {}
    let scheme = OAuth2PasswordBearer::builder("token").scope("me", "Me").scope("items", "Items").build().unwrap();
    let verifier =
        JwtVerifier::builder(DecodingKey::from_secret(&[7; 32]).unwrap(), [Algorithm::Hs256]).build().unwrap();
    let doc = document(
        Routes::new()
            .route("/items", get(items).protect(DeclareScopes::new(["items"]).unwrap()))
            .with_state(JwtBearer::new(scheme, verifier)),
    );
    assert_eq!(security(&doc, "/items"), Some(json!([{ "OAuth2PasswordBearer": ["items", "me"] }])));
    let unauthorized = challenges(&doc, "/items", "401");
    let unauthorized: Vec<&str> = unauthorized.as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert!(unauthorized.contains(&"Bearer"), "{unauthorized:?}");
    assert!(unauthorized.iter().any(|c| c.starts_with(r#"Bearer error="invalid_token""#)), "{unauthorized:?}");
    assert_eq!(challenges(&doc, "/items", "403"), json!([r#"Bearer error="insufficient_scope", scope="items me""#]));
}

#[cfg(feature = "utoipa-axum")]
mod utoipa_axum_router {
    use axum::extract::State;
    use serde_json::json;
    use utoipa::openapi::{InfoBuilder, OpenApiBuilder};
    use warden::{ApiKey, Auth, HttpBasic, RequireAuth, openapi::utoipa_axum::SecuredRouter};

    mod users {
        use warden::{Auth, HttpBasic};

        /// Who am I.
        #[utoipa::path(get, path = "/me", security(("handwritten" = [])))]
        pub(crate) async fn me(Auth(_): Auth<HttpBasic>) {}

        #[utoipa::path(get, path = "/")]
        pub(crate) async fn list() {}
    }

    #[utoipa::path(post, path = "/items", responses((status = 201, description = "Created")))]
    async fn create(State(_): State<HttpBasic>, _: Option<Auth<HttpBasic>>) {}

    #[test]
    fn the_utoipa_operations_gain_their_security_and_keep_the_rest() {
        let api = OpenApiBuilder::new().info(InfoBuilder::new().title("mine").version("3").build()).build();
        let admin = SecuredRouter::new()
            .routes(warden::routes!(users::list))
            .protect(RequireAuth::new(ApiKey::header("X-Admin").unwrap()));
        let (_router, api) = SecuredRouter::with_openapi(api)
            .routes(warden::routes!(users::me))
            .routes(warden::routes!(create))
            .nest("/admin", admin)
            .with_state(HttpBasic::new("api").unwrap())
            .split_for_parts()
            .unwrap();
        let api = serde_json::to_value(&api).unwrap();
        assert_eq!(api["info"]["title"], "mine");
        let me = &api["paths"]["/me"]["get"];
        assert_eq!(me["summary"], "Who am I.");
        assert_eq!(me["security"], json!([{ "HTTPBasic": [] }]), "the handwritten requirement is replaced");
        let create = &api["paths"]["/items"]["post"];
        assert_eq!(create["security"], json!([{ "HTTPBasic": [] }, {}]));
        assert_eq!(create["responses"]["201"]["description"], "Created");
        assert_eq!(api["paths"]["/admin"]["get"]["security"], json!([{ "APIKeyHeader": [] }]));
        assert_eq!(
            api["components"]["securitySchemes"],
            json!({
                "HTTPBasic": { "type": "http", "scheme": "basic" },
                "APIKeyHeader": { "type": "apiKey", "in": "header", "name": "X-Admin" },
            })
        );
    }
}

#[test]
fn the_token_form_documents_its_request_body_and_no_security() {
    async fn token(_: warden::OAuth2PasswordRequestForm) {}
    async fn strict(_: warden::OAuth2PasswordRequestFormStrict) {}
    let doc = document(Routes::new().route("/token", post(token)).route("/strict", post(strict)));
    let body = &doc["paths"]["/token"]["post"]["requestBody"];
    assert_eq!(body["required"], true);
    let schema = &body["content"]["application/x-www-form-urlencoded"]["schema"];
    assert_eq!(schema["required"], json!(["username", "password"]));
    assert_eq!(schema["properties"]["password"]["format"], "password");
    assert!(doc["paths"]["/token"]["post"].get("security").is_none());
    let strict = &doc["paths"]["/strict"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"];
    assert_eq!(strict["schema"]["required"], json!(["grant_type", "username", "password"]));
}
