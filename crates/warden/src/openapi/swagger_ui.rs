//! Swagger UI, served from the files of swagger-ui-dist 5.36.0 that the
//! `axum-warden-swagger-ui` crate vendors, so that building needs no network.

use std::{borrow::Cow, fmt};

use axum::{
    Router,
    body::Body,
    http::{
        HeaderValue,
        header::{CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS},
    },
    response::Response,
    routing::get,
};
use bytes::Bytes;
use serde::Serialize;
use serde_json::{Map, Value};

// The vendored files, unchanged.
use swagger_ui::{BUNDLE_JS, CSS, OAUTH2_REDIRECT_HTML, OAUTH2_REDIRECT_JS};

/// Swagger UI for an OpenAPI document, as FastAPI serves it: the page at the
/// docs path (`/docs` by default) and the files it loads under it.
///
/// | route | answer |
/// | --- | --- |
/// | `GET /docs` | the page: loads Swagger UI and the OpenAPI document; `Cache-Control: no-cache` |
/// | `GET /docs/swagger-ui-bundle.js` | the vendored script, `text/javascript` |
/// | `GET /docs/swagger-ui.css` | the vendored style sheet, `text/css` |
/// | `GET /docs/oauth2-redirect` | the page Swagger UI's OAuth2 flows return to, `text/html` |
/// | `GET /docs/oauth2-redirect.js` | its script, `text/javascript` |
///
/// The vendored files are sent with `Cache-Control: public, max-age=86400`;
/// every answer has `X-Content-Type-Options: nosniff`. `/docs/` is not the
/// page (axum answers `404`): the page loads its files by absolute paths.
///
/// The page calls `SwaggerUIBundle` with FastAPI's defaults: `url` (the
/// OpenAPI document), `dom_id: "#swagger-ui"`, `layout: "BaseLayout"`,
/// `deepLinking`, `showExtensions` and `showCommonExtensions` all `true`,
/// `oauth2RedirectUrl` (the origin and `/docs/oauth2-redirect`), and the
/// `apis` and standalone presets. [`parameters`](SwaggerUiBuilder::parameters)
/// adds to them or replaces them (FastAPI's `swagger_ui_parameters`), and
/// [`init_oauth`](SwaggerUiBuilder::init_oauth) calls `ui.initOAuth` (FastAPI's
/// `swagger_ui_init_oauth`). The page is rendered once, when built; every
/// JSON value in it is escaped so that none can end the `<script>` element.
///
/// # Example
///
/// ```
/// use axum::{Json, Router, body::Body, http::Request, routing::get};
/// use serde_json::json;
/// use tower::ServiceExt;
/// use warden::openapi::SwaggerUi;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let docs = SwaggerUi::builder("/openapi.json")
///     .title("Items API")
///     .init_oauth(json!({ "clientId": "docs", "usePkceWithAuthorizationCodeGrant": true }))
///     .build()?;
/// let app: Router = Router::new()
///     .route("/openapi.json", get(|| async { Json(json!({ "openapi": "3.1.0" })) }))
///     .merge(docs.router());
///
/// let response = app.clone().oneshot(Request::get("/docs").body(Body::empty())?).await?;
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.headers()["content-type"], "text/html; charset=utf-8");
///
/// let response = app.oneshot(Request::get("/docs/swagger-ui-bundle.js").body(Body::empty())?).await?;
/// assert_eq!(response.headers()["cache-control"], "public, max-age=86400");
///
/// // A docs path must start with `/` and not end with one.
/// assert!(SwaggerUi::builder("/openapi.json").docs_path("/docs/").build().is_err());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SwaggerUi {
    docs_path: String,
    openapi_url: String,
    title: String,
    page: Bytes,
}

impl SwaggerUi {
    /// Swagger UI at `/docs`, titled "Swagger UI", for the OpenAPI document
    /// at `openapi_url`.
    ///
    /// # Errors
    ///
    /// [`SwaggerUiError::InvalidUrl`] when `openapi_url` is empty or contains
    /// whitespace or control characters.
    pub fn new(openapi_url: impl Into<Cow<'static, str>>) -> Result<Self, SwaggerUiError> {
        Self::builder(openapi_url).build()
    }

    /// A builder for Swagger UI showing the OpenAPI document at
    /// `openapi_url` (`/openapi.json`, or a full URL).
    pub fn builder(openapi_url: impl Into<Cow<'static, str>>) -> SwaggerUiBuilder {
        SwaggerUiBuilder {
            openapi_url: openapi_url.into(),
            docs_path: Cow::Borrowed("/docs"),
            title: Cow::Borrowed("Swagger UI"),
            parameters: Map::new(),
            init_oauth: None,
            error: None,
        }
    }

    /// The path of the page (`/docs`).
    pub fn docs_path(&self) -> &str {
        &self.docs_path
    }

    /// The URL of the OpenAPI document the page loads.
    pub fn openapi_url(&self) -> &str {
        &self.openapi_url
    }

    /// The page title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// A router serving the page and its files, for any router state; merge
    /// it into the app's router.
    pub fn router<S>(&self) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        let docs = &self.docs_path;
        let page = self.page.clone();
        Router::new()
            .route(docs, get(move || std::future::ready(page_response(page.clone()))))
            .route(&format!("{docs}/swagger-ui-bundle.js"), get(bundle_js))
            .route(&format!("{docs}/swagger-ui.css"), get(css))
            .route(&format!("{docs}/oauth2-redirect"), get(oauth2_redirect_html))
            .route(&format!("{docs}/oauth2-redirect.js"), get(oauth2_redirect_js))
    }
}

impl<S> From<SwaggerUi> for Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    fn from(swagger_ui: SwaggerUi) -> Self {
        swagger_ui.router()
    }
}

impl fmt::Debug for SwaggerUi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SwaggerUi")
            .field("docs_path", &self.docs_path)
            .field("openapi_url", &self.openapi_url)
            .field("title", &self.title)
            .finish_non_exhaustive()
    }
}

/// Builds a [`SwaggerUi`]; the configuration is checked by
/// [`build`](Self::build).
#[derive(Debug)]
#[must_use]
pub struct SwaggerUiBuilder {
    openapi_url: Cow<'static, str>,
    docs_path: Cow<'static, str>,
    title: Cow<'static, str>,
    parameters: Map<String, Value>,
    init_oauth: Option<Value>,
    error: Option<SwaggerUiError>,
}

impl SwaggerUiBuilder {
    /// The path of the page (`/docs` by default): `/` and segments of ASCII
    /// letters, digits, `-`, `.`, `_` and `~`, without a trailing `/`. The
    /// files are served under it.
    pub fn docs_path(mut self, path: impl Into<Cow<'static, str>>) -> Self {
        self.docs_path = path.into();
        self
    }

    /// The page title ("Swagger UI" by default); HTML-escaped on the page.
    pub fn title(mut self, title: impl Into<Cow<'static, str>>) -> Self {
        self.title = title.into();
        self
    }

    /// Swagger UI parameters (a JSON object), added to the defaults or
    /// replacing them key by key, `url` included; a later call adds to an
    /// earlier one. An `oauth2RedirectUrl` given here replaces the default
    /// one. `presets` cannot be given: they are functions, not JSON.
    pub fn parameters(mut self, parameters: Value) -> Self {
        match parameters {
            Value::Object(parameters) => self.parameters.extend(parameters),
            other => self.fail(SwaggerUiError::InvalidParameters(format!("not a JSON object: {other}"))),
        }
        self
    }

    /// The OAuth2 settings Swagger UI's authorize dialog starts with (a JSON
    /// object such as `{"clientId": "docs", "usePkceWithAuthorizationCodeGrant": true}`),
    /// passed to `ui.initOAuth`.
    pub fn init_oauth(mut self, init_oauth: Value) -> Self {
        self.init_oauth = Some(init_oauth);
        self
    }

    /// Checks the configuration and renders the page.
    ///
    /// # Errors
    ///
    /// [`SwaggerUiError`] for a docs path, an OpenAPI URL, parameters or
    /// `initOAuth` settings that cannot work.
    pub fn build(self) -> Result<SwaggerUi, SwaggerUiError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        check_docs_path(&self.docs_path)?;
        check_openapi_url(&self.openapi_url)?;
        if self.parameters.contains_key("presets") {
            return Err(SwaggerUiError::InvalidParameters(
                "`presets` are functions and cannot be given as JSON".to_owned(),
            ));
        }
        let init_oauth = match self.init_oauth {
            None => None,
            Some(Value::Object(init_oauth)) => Some(init_oauth),
            Some(other) => return Err(SwaggerUiError::InvalidInitOAuth(format!("not a JSON object: {other}"))),
        };
        let page = render_page(&self.docs_path, &self.openapi_url, &self.title, &self.parameters, init_oauth.as_ref())
            .map_err(|err| SwaggerUiError::InvalidParameters(err.to_string()))?;
        Ok(SwaggerUi {
            docs_path: self.docs_path.into_owned(),
            openapi_url: self.openapi_url.into_owned(),
            title: self.title.into_owned(),
            page: Bytes::from(page),
        })
    }

    /// Keeps the first error, for `build`.
    fn fail(&mut self, error: SwaggerUiError) {
        self.error.get_or_insert(error);
    }
}

/// A Swagger UI configuration that cannot work, found when it is built
/// (never when a request arrives).
///
/// ```
/// use warden::openapi::{SwaggerUi, SwaggerUiError};
///
/// let err = SwaggerUi::builder("/openapi.json").docs_path("docs").build().unwrap_err();
/// assert!(matches!(err, SwaggerUiError::InvalidDocsPath(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SwaggerUiError {
    /// A docs path that does not start with `/`, ends with `/`, or has a
    /// segment that is empty, `.`, `..`, or holds a character other than
    /// ASCII letters, digits, `-`, `.`, `_` and `~`.
    InvalidDocsPath(String),
    /// An OpenAPI URL that is empty or contains whitespace or control
    /// characters.
    InvalidUrl(String),
    /// Swagger UI parameters that are not a JSON object, or that set
    /// `presets`.
    InvalidParameters(String),
    /// `initOAuth` settings that are not a JSON object.
    InvalidInitOAuth(String),
}

impl fmt::Display for SwaggerUiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidDocsPath(why) => write!(f, "invalid swagger ui docs path: {why}"),
            Self::InvalidUrl(why) => write!(f, "invalid openapi url: {why}"),
            Self::InvalidParameters(why) => write!(f, "invalid swagger ui parameters: {why}"),
            Self::InvalidInitOAuth(why) => write!(f, "invalid swagger ui initOAuth settings: {why}"),
        }
    }
}

impl std::error::Error for SwaggerUiError {}

/// A path axum can route and the page can name in HTML and JavaScript
/// without escaping.
fn check_docs_path(path: &str) -> Result<(), SwaggerUiError> {
    let refuse = |why: &str| Err(SwaggerUiError::InvalidDocsPath(format!("{path:?} {why}")));
    let Some(rest) = path.strip_prefix('/') else {
        return refuse("does not start with `/`");
    };
    if rest.is_empty() || rest.ends_with('/') {
        return refuse("ends with `/`");
    }
    if path.chars().any(char::is_whitespace) {
        return refuse("contains whitespace");
    }
    for segment in rest.split('/') {
        if segment.is_empty() || segment == "." || segment == ".." {
            return refuse("has an empty, `.` or `..` segment");
        }
        if !segment.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"-._~".contains(&byte)) {
            return refuse("has a character other than ASCII letters, digits, `-`, `.`, `_`, `~` and `/`");
        }
    }
    Ok(())
}

fn check_openapi_url(url: &str) -> Result<(), SwaggerUiError> {
    if url.is_empty() {
        return Err(SwaggerUiError::InvalidUrl("the openapi url is empty".to_owned()));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(SwaggerUiError::InvalidUrl(format!("{url:?} contains whitespace or control characters")));
    }
    Ok(())
}

/// The page: FastAPI's `get_swagger_ui_html` with absolute asset paths.
fn render_page(
    docs_path: &str,
    openapi_url: &str,
    title: &str,
    parameters: &Map<String, Value>,
    init_oauth: Option<&Map<String, Value>>,
) -> Result<String, serde_json::Error> {
    let docs_html = html_escape(docs_path);
    let mut page = format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n\
         <link type=\"text/css\" rel=\"stylesheet\" href=\"{docs_html}/swagger-ui.css\">\n\
         <title>{title}</title>\n</head>\n<body>\n<div id=\"swagger-ui\">\n</div>\n\
         <script src=\"{docs_html}/swagger-ui-bundle.js\"></script>\n\
         <!-- `SwaggerUIBundle` is now available on the page -->\n<script>\nconst ui = SwaggerUIBundle({{\n",
        title = html_escape(title),
    );

    // `url` and FastAPI's `swagger_ui_default_parameters`, in its order,
    // each replaced by a parameter of the same name; then the other
    // parameters.
    let defaults = [
        ("url", Value::from(openapi_url)),
        ("dom_id", Value::from("#swagger-ui")),
        ("layout", Value::from("BaseLayout")),
        ("deepLinking", Value::Bool(true)),
        ("showExtensions", Value::Bool(true)),
        ("showCommonExtensions", Value::Bool(true)),
    ];
    let is_default = |key: &str| defaults.iter().any(|(default, _)| *default == key);
    let config = defaults
        .iter()
        .map(|(key, value)| (*key, parameters.get(*key).unwrap_or(value)))
        .chain(parameters.iter().map(|(key, value)| (key.as_str(), value)).filter(|(key, _)| !is_default(key)));
    for (key, value) in config {
        page.push_str(&format!("{}: {},\n", script_json(key)?, script_json(value)?));
    }
    if !parameters.contains_key("oauth2RedirectUrl") {
        let redirect = script_json(&format!("{docs_path}/oauth2-redirect"))?;
        page.push_str(&format!("oauth2RedirectUrl: window.location.origin + {redirect},\n"));
    }
    page.push_str("presets: [\nSwaggerUIBundle.presets.apis,\nSwaggerUIBundle.SwaggerUIStandalonePreset\n],\n})\n");
    if let Some(init_oauth) = init_oauth {
        page.push_str(&format!("ui.initOAuth({})\n", script_json(init_oauth)?));
    }
    page.push_str("</script>\n</body>\n</html>\n");
    Ok(page)
}

/// `value` as JSON that can sit inside a `<script>` element: `<`, `>` and
/// `&` (which only occur in strings) as `\u` escapes, so that no value can
/// write `</script>` or `<!--`, and U+2028 and U+2029 too, which older
/// JavaScript engines take for line ends.
fn script_json(value: &(impl Serialize + ?Sized)) -> Result<String, serde_json::Error> {
    let json = serde_json::to_string(value)?;
    let mut escaped = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => escaped.push_str("\\u003c"),
            '>' => escaped.push_str("\\u003e"),
            '&' => escaped.push_str("\\u0026"),
            '\u{2028}' => escaped.push_str("\\u2028"),
            '\u{2029}' => escaped.push_str("\\u2029"),
            c => escaped.push(c),
        }
    }
    Ok(escaped)
}

/// `text` as HTML text or a quoted attribute value.
fn html_escape(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#x27;"),
            c => escaped.push(c),
        }
    }
    Cow::Owned(escaped)
}

const TEXT_HTML: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");
const TEXT_JAVASCRIPT: HeaderValue = HeaderValue::from_static("text/javascript; charset=utf-8");
const TEXT_CSS: HeaderValue = HeaderValue::from_static("text/css; charset=utf-8");
/// The vendored files change only with the crate version.
const CACHE_ONE_DAY: HeaderValue = HeaderValue::from_static("public, max-age=86400");
/// The page changes with the configuration: revalidate it.
const NO_CACHE: HeaderValue = HeaderValue::from_static("no-cache");
const NOSNIFF: HeaderValue = HeaderValue::from_static("nosniff");

fn response(body: Bytes, content_type: HeaderValue, cache_control: HeaderValue) -> Response {
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, content_type);
    headers.insert(CACHE_CONTROL, cache_control);
    headers.insert(X_CONTENT_TYPE_OPTIONS, NOSNIFF);
    response
}

fn page_response(page: Bytes) -> Response {
    response(page, TEXT_HTML, NO_CACHE)
}

async fn bundle_js() -> Response {
    response(Bytes::from_static(BUNDLE_JS), TEXT_JAVASCRIPT, CACHE_ONE_DAY)
}

async fn css() -> Response {
    response(Bytes::from_static(CSS), TEXT_CSS, CACHE_ONE_DAY)
}

async fn oauth2_redirect_html() -> Response {
    response(Bytes::from_static(OAUTH2_REDIRECT_HTML), TEXT_HTML, CACHE_ONE_DAY)
}

async fn oauth2_redirect_js() -> Response {
    response(Bytes::from_static(OAUTH2_REDIRECT_JS), TEXT_JAVASCRIPT, CACHE_ONE_DAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_escapes_what_could_end_the_script_element() {
        let value = Value::String("</script><!-- & \u{2028}\u{2029}".to_owned());
        let escaped = script_json(&value).unwrap();
        assert_eq!(escaped, r#""\u003c/script\u003e\u003c!-- \u0026 \u2028\u2029""#);
        assert_eq!(serde_json::from_str::<Value>(&escaped).unwrap(), value);
    }

    #[test]
    fn html_escape_escapes_markup_and_quotes() {
        assert_eq!(html_escape(r#"<b>"A" & 'B'</b>"#), "&lt;b&gt;&quot;A&quot; &amp; &#x27;B&#x27;&lt;/b&gt;");
        assert!(matches!(html_escape("Swagger UI"), Cow::Borrowed(_)));
    }
}
