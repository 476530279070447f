//! Swagger UI (`warden::openapi::SwaggerUi`): the page FastAPI serves at
//! `/docs`, its vendored files, and the configuration refused when built.

#![cfg(feature = "openapi")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::Path;

use axum::{Router, body::Body, http::Request};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;
use warden::openapi::{SwaggerUi, SwaggerUiError};

/// What a client sees.
struct Answer {
    status: u16,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).unwrap_or_else(|| panic!("no {name} header")).to_str().unwrap()
    }

    fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }
}

async fn get(app: &Router, uri: &str) -> Answer {
    let response = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    Answer { status, headers, body }
}

fn app(swagger_ui: &SwaggerUi) -> Router {
    swagger_ui.router()
}

async fn page(swagger_ui: &SwaggerUi) -> String {
    let answer = get(&app(swagger_ui), swagger_ui.docs_path()).await;
    assert_eq!(answer.status, 200);
    answer.text().to_owned()
}

fn vendored(file: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../swagger-ui/assets").join(file)).unwrap()
}

/// The text of the page's inline script (the one calling `SwaggerUIBundle`).
fn inline_script(page: &str) -> &str {
    let start = page.find("<script>\n").expect("an inline script") + "<script>\n".len();
    let end = start + page[start..].find("</script>").expect("the script's end");
    &page[start..end]
}

#[tokio::test]
async fn the_page_is_html_at_docs_and_never_cached_stale() {
    let answer = get(&app(&SwaggerUi::new("/openapi.json").unwrap()), "/docs").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), "text/html; charset=utf-8");
    assert_eq!(answer.header("cache-control"), "no-cache");
    assert_eq!(answer.header("x-content-type-options"), "nosniff");
    assert!(answer.text().starts_with("<!DOCTYPE html>"));
    assert!(answer.text().contains("<title>Swagger UI</title>"));
}

#[tokio::test]
async fn the_page_loads_the_openapi_document_and_the_files_by_absolute_paths() {
    let page = page(&SwaggerUi::new("/openapi.json").unwrap()).await;
    assert!(page.contains(r#"<link type="text/css" rel="stylesheet" href="/docs/swagger-ui.css">"#), "{page}");
    assert!(page.contains(r#"<script src="/docs/swagger-ui-bundle.js"></script>"#), "{page}");
    let script = inline_script(&page);
    assert!(script.contains(r#""url": "/openapi.json","#), "{script}");
    assert!(script.contains(r#"oauth2RedirectUrl: window.location.origin + "/docs/oauth2-redirect","#), "{script}");
}

#[tokio::test]
async fn the_page_calls_swagger_ui_with_fastapis_defaults() {
    let page = page(&SwaggerUi::new("/openapi.json").unwrap()).await;
    let script = inline_script(&page);
    assert!(script.starts_with("const ui = SwaggerUIBundle({\n"), "{script}");
    for line in [
        r##""dom_id": "#swagger-ui","##,
        r#""layout": "BaseLayout","#,
        r#""deepLinking": true,"#,
        r#""showExtensions": true,"#,
        r#""showCommonExtensions": true,"#,
        "presets: [\nSwaggerUIBundle.presets.apis,\nSwaggerUIBundle.SwaggerUIStandalonePreset\n],",
    ] {
        assert!(script.contains(line), "{line} missing from {script}");
    }
    assert!(page.contains(r#"<div id="swagger-ui">"#));
}

#[tokio::test]
async fn docs_with_a_trailing_slash_is_not_the_page() {
    let answer = get(&app(&SwaggerUi::new("/openapi.json").unwrap()), "/docs/").await;
    assert_eq!(answer.status, 404);
    assert!(!answer.text().contains("SwaggerUIBundle"));
}

#[tokio::test]
async fn each_vendored_file_is_served_byte_for_byte_with_its_type_and_a_day_of_caching() {
    let app = app(&SwaggerUi::new("/openapi.json").unwrap());
    for (uri, file, content_type) in [
        ("/docs/swagger-ui-bundle.js", "swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
        ("/docs/swagger-ui.css", "swagger-ui.css", "text/css; charset=utf-8"),
        ("/docs/oauth2-redirect", "oauth2-redirect.html", "text/html; charset=utf-8"),
        ("/docs/oauth2-redirect.js", "oauth2-redirect.js", "text/javascript; charset=utf-8"),
    ] {
        let answer = get(&app, uri).await;
        assert_eq!(answer.status, 200, "{uri}");
        assert!(answer.body == vendored(file), "{uri} is not {file}");
        assert_eq!(answer.header("content-type"), content_type, "{uri}");
        assert_eq!(answer.header("cache-control"), "public, max-age=86400", "{uri}");
        assert_eq!(answer.header("x-content-type-options"), "nosniff", "{uri}");
    }
}

#[tokio::test]
async fn the_oauth2_redirect_page_finds_its_script_beside_it() {
    // The vendored page loads `oauth2-redirect.js` relative to
    // `/docs/oauth2-redirect`, that is `/docs/oauth2-redirect.js`.
    let html = String::from_utf8(vendored("oauth2-redirect.html")).unwrap();
    assert!(html.contains(r#"<script src="oauth2-redirect.js"></script>"#), "{html}");
    let answer = get(&app(&SwaggerUi::new("/openapi.json").unwrap()), "/docs/oauth2-redirect.js").await;
    assert_eq!(answer.status, 200);
    assert!(answer.text().contains("swaggerUIRedirectOauth2"));
}

#[tokio::test]
async fn a_custom_docs_path_and_title_are_used_and_the_title_is_escaped() {
    let swagger_ui = SwaggerUi::builder("/api/v1/openapi.json")
        .docs_path("/api/v1/docs")
        .title("Items & <Orders> \"API\"")
        .build()
        .unwrap();
    assert_eq!(swagger_ui.docs_path(), "/api/v1/docs");
    assert_eq!(swagger_ui.openapi_url(), "/api/v1/openapi.json");
    assert_eq!(swagger_ui.title(), "Items & <Orders> \"API\"");
    let app = app(&swagger_ui);

    let page = page(&swagger_ui).await;
    assert!(page.contains("<title>Items &amp; &lt;Orders&gt; &quot;API&quot;</title>"), "{page}");
    assert!(!page.contains("<Orders>"));
    assert!(page.contains(r#"href="/api/v1/docs/swagger-ui.css""#));
    assert!(page.contains(r#"src="/api/v1/docs/swagger-ui-bundle.js""#));
    assert!(page.contains(r#""url": "/api/v1/openapi.json","#));
    assert!(page.contains(r#"window.location.origin + "/api/v1/docs/oauth2-redirect""#));

    assert_eq!(get(&app, "/api/v1/docs/swagger-ui.css").await.status, 200);
    assert_eq!(get(&app, "/api/v1/docs/oauth2-redirect").await.status, 200);
    assert_eq!(get(&app, "/docs").await.status, 404);
    assert_eq!(get(&app, "/docs/swagger-ui.css").await.status, 404);
}

#[tokio::test]
async fn a_parameter_containing_a_closing_script_tag_cannot_end_the_script() {
    let attack = "</script><script>alert(1)</script><!--\u{2028}&";
    let swagger_ui = SwaggerUi::builder("/openapi.json")
        .parameters(json!({ "docExpansion": attack, attack: true }))
        .build()
        .unwrap();
    let page = page(&swagger_ui).await;
    // The bundle's script element and the inline one, no other.
    assert_eq!(page.matches("</script>").count(), 2, "{page}");
    assert_eq!(page.matches("<script").count(), 2, "{page}");
    assert!(!page.contains("<!--\u{2028}"));
    // The escaped value reads back as the original.
    let line = inline_script(&page).lines().find(|line| line.starts_with(r#""docExpansion": "#)).unwrap();
    let json = line.trim_start_matches(r#""docExpansion": "#).trim_end_matches(',');
    assert_eq!(serde_json::from_str::<Value>(json).unwrap(), attack);
    assert!(json.contains(r"\u003c/script\u003e"), "{json}");
}

#[tokio::test]
async fn parameters_are_added_to_the_defaults_and_replace_them_by_name() {
    let swagger_ui = SwaggerUi::builder("/openapi.json")
        .parameters(json!({ "deepLinking": false, "syntaxHighlight": { "theme": "obsidian" } }))
        .parameters(json!({ "layout": "StandaloneLayout" }))
        .build()
        .unwrap();
    let page = page(&swagger_ui).await;
    let script = inline_script(&page);
    assert!(script.contains(r#""deepLinking": false,"#), "{script}");
    assert!(!script.contains(r#""deepLinking": true"#), "{script}");
    assert!(script.contains(r#""layout": "StandaloneLayout","#), "{script}");
    assert!(script.contains(r#""syntaxHighlight": {"theme":"obsidian"},"#), "{script}");
    assert!(script.contains(r##""dom_id": "#swagger-ui","##), "{script}");
}

#[tokio::test]
async fn an_oauth2_redirect_url_parameter_replaces_the_default_one() {
    let swagger_ui = SwaggerUi::builder("/openapi.json")
        .parameters(json!({ "oauth2RedirectUrl": "https://example.com/docs/oauth2-redirect" }))
        .build()
        .unwrap();
    let script = inline_script(&page(&swagger_ui).await).to_owned();
    assert!(script.contains(r#""oauth2RedirectUrl": "https://example.com/docs/oauth2-redirect","#), "{script}");
    assert!(!script.contains("window.location.origin"), "{script}");
}

#[tokio::test]
async fn init_oauth_is_called_when_set_and_not_otherwise() {
    let without = page(&SwaggerUi::new("/openapi.json").unwrap()).await;
    assert!(!without.contains("initOAuth"), "{without}");

    let swagger_ui = SwaggerUi::builder("/openapi.json")
        .init_oauth(json!({ "clientId": "docs", "usePkceWithAuthorizationCodeGrant": true }))
        .build()
        .unwrap();
    let script = inline_script(&page(&swagger_ui).await).to_owned();
    let call = script.lines().find(|line| line.starts_with("ui.initOAuth(")).expect(&script);
    let argument = call.trim_start_matches("ui.initOAuth(").trim_end_matches(')');
    assert_eq!(
        serde_json::from_str::<Value>(argument).unwrap(),
        json!({ "clientId": "docs", "usePkceWithAuthorizationCodeGrant": true })
    );
    // After the `SwaggerUIBundle` call that defines `ui`.
    assert!(script.find("})\nui.initOAuth(").is_some(), "{script}");
}

#[test]
fn bad_docs_paths_are_refused_when_built() {
    for path in [
        "",
        "docs",
        "/",
        "/docs/",
        "/my docs",
        "/docs\t",
        "//docs",
        "/api//docs",
        "/docs/..",
        "/./docs",
        "/{id}",
        "/:docs",
        "/*docs",
        "/docs?x=1",
        "/docs#top",
        "/d\u{f6}cs",
        "/docs\"",
    ] {
        let err = SwaggerUi::builder("/openapi.json").docs_path(path).build().unwrap_err();
        assert!(matches!(err, SwaggerUiError::InvalidDocsPath(_)), "{path:?}: {err:?}");
        assert!(err.to_string().starts_with("invalid swagger ui docs path: "), "{err}");
    }
    for path in ["/docs", "/api/v1/docs", "/api-docs", "/_docs.v2~x"] {
        assert!(SwaggerUi::builder("/openapi.json").docs_path(path).build().is_ok(), "{path:?}");
    }
}

#[test]
fn bad_openapi_urls_parameters_and_init_oauth_are_refused_when_built() {
    for url in ["", "/openapi .json", "/openapi.json\n"] {
        assert!(matches!(SwaggerUi::new(url), Err(SwaggerUiError::InvalidUrl(_))), "{url:?}");
    }
    assert!(SwaggerUi::new("https://example.com/openapi.json").is_ok());

    let not_object = SwaggerUi::builder("/openapi.json").parameters(json!(["deepLinking"])).build();
    assert!(matches!(not_object, Err(SwaggerUiError::InvalidParameters(_))), "{not_object:?}");
    let presets = SwaggerUi::builder("/openapi.json").parameters(json!({ "presets": [] })).build();
    assert!(matches!(presets, Err(SwaggerUiError::InvalidParameters(_))), "{presets:?}");
    let init_oauth = SwaggerUi::builder("/openapi.json").init_oauth(json!("docs")).build();
    assert!(matches!(init_oauth, Err(SwaggerUiError::InvalidInitOAuth(_))), "{init_oauth:?}");
}

#[tokio::test]
async fn the_router_serves_under_any_state_and_merges_into_an_app() {
    #[derive(Clone)]
    struct AppState;

    let swagger_ui = SwaggerUi::new("/openapi.json").unwrap();
    let app: Router = Router::new()
        .route("/openapi.json", axum::routing::get(|| async { axum::Json(json!({ "openapi": "3.1.0" })) }))
        .merge(swagger_ui.router::<AppState>())
        .with_state(AppState);
    assert_eq!(get(&app, "/docs").await.status, 200);
    assert_eq!(get(&app, "/openapi.json").await.status, 200);

    let from: Router = swagger_ui.into();
    assert_eq!(get(&from, "/docs/swagger-ui.css").await.status, 200);
}
