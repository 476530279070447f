//! What the OAuth2 examples share besides [`super`]'s port and listing:
//!
//! * FastAPI's routing answers, which are Starlette's: a path missing its
//!   trailing slash (or with one too many) is redirected, `307` to the
//!   absolute URL of the route; an unknown path is
//!   `404 {"detail":"Not Found"}`; a method a route does not serve is
//!   `405 {"detail":"Method Not Allowed"}` with `Allow` ([`starlette`],
//!   [`get`], [`post`]);
//! * printed requests that post a form or send a token kept from a login
//!   ([`Step`], [`listing`]), and (for the tests) a client that replays
//!   them and follows redirects like FastAPI's `TestClient`.

use std::{fmt, net::SocketAddr, process::ExitCode};

use axum::{
    Json, Router,
    extract::Request,
    handler::Handler,
    http::{HeaderMap, HeaderValue, StatusCode, Uri, header},
    response::{IntoResponse, Response},
    routing::MethodRouter,
};
use serde_json::json;
use tower::ServiceExt as _;

use super::shell_quote;

/// The address the server listens on, which Starlette puts in a redirect's
/// URL when the request has no `Host` header. [`super::serve_on`] adds it
/// to every request; without it (in the tests) such a redirect is relative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ServerAddress(pub(crate) SocketAddr);

/// A `GET` route as FastAPI has it: `HEAD` and every other method are
/// `405` with `Allow: GET` (axum would also answer `HEAD`).
pub(crate) fn get<H, T, S>(handler: H) -> MethodRouter<S>
where
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    axum::routing::get(handler).head(not_allowed("GET")).fallback(not_allowed("GET"))
}

/// A `POST` route as FastAPI has it: other methods are `405` with
/// `Allow: POST`.
pub(crate) fn post<H, T, S>(handler: H) -> MethodRouter<S>
where
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    axum::routing::post(handler).fallback(not_allowed("POST"))
}

/// [`get`], documented: the operation's security comes from the handler's
/// arguments (feature `openapi`).
#[cfg(feature = "openapi")]
pub(crate) fn documented_get<H, T, S>(handler: H) -> warden::openapi::MethodRoutes<S>
where
    H: Handler<T, S>,
    T: warden::openapi::DocumentHandlerArgs<S> + 'static,
    S: Clone + Send + Sync + 'static,
{
    warden::openapi::get(handler).undocumented(|router| router.head(not_allowed("GET"))).fallback(not_allowed("GET"))
}

/// [`post`], documented.
#[cfg(feature = "openapi")]
pub(crate) fn documented_post<H, T, S>(handler: H) -> warden::openapi::MethodRoutes<S>
where
    H: Handler<T, S>,
    T: warden::openapi::DocumentHandlerArgs<S> + 'static,
    S: Clone + Send + Sync + 'static,
{
    warden::openapi::post(handler).fallback(not_allowed("POST"))
}

/// A handler answering [`method_not_allowed`].
fn not_allowed(allow: &'static str) -> impl FnOnce() -> std::future::Ready<Response> + Clone + Send + Sync + 'static {
    move || std::future::ready(method_not_allowed(allow))
}

/// Starlette's `405`: `{"detail":"Method Not Allowed"}` and `Allow`.
pub(crate) fn method_not_allowed(allow: &'static str) -> Response {
    let mut response = (StatusCode::METHOD_NOT_ALLOWED, Json(json!({"detail": "Method Not Allowed"}))).into_response();
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// Starlette's `404`: `{"detail":"Not Found"}`.
pub(crate) fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"detail": "Not Found"}))).into_response()
}

/// `router` with Starlette's answer to a path none of `routes` has, as
/// written: when it is one of them once percent-decoded (`/item%73/`), the
/// route's answer, as Starlette routes the decoded path; else a `307`
/// redirect to the other spelling of the path when that is one of `routes`
/// (see [`slash_redirect`]); else `404`.
pub(crate) fn starlette(router: Router, routes: &'static [&'static str]) -> Router {
    let routed = router.clone();
    router.fallback(move |mut request: Request| {
        let routed = routed.clone();
        async move {
            let decoded = percent_decode(request.uri().path());
            if routes.contains(&decoded.as_str()) {
                let target = match request.uri().query() {
                    Some(query) => format!("{decoded}?{query}"),
                    None => decoded,
                };
                if let Ok(uri) = Uri::try_from(target) {
                    *request.uri_mut() = uri;
                    return routed.oneshot(request).await.unwrap_or_else(|never| match never {});
                }
            }
            let server = request.extensions().get::<ServerAddress>().copied();
            answer_unrouted(routes, request.uri(), request.headers(), server)
        }
    })
}

/// The redirect of [`slash_redirect`], or `404`.
fn answer_unrouted(routes: &[&str], uri: &Uri, headers: &HeaderMap, server: Option<ServerAddress>) -> Response {
    let Some(location) = slash_redirect(routes, uri, headers, server) else {
        return not_found();
    };
    match HeaderValue::try_from(location) {
        // Starlette's RedirectResponse: no body and no Content-Type.
        Ok(location) => (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, location)]).into_response(),
        Err(_) => not_found(),
    }
}

/// Where Starlette redirects a request for a path no route has
/// (`Router.redirect_slashes`), if anywhere.
///
/// The path is percent-decoded (as uvicorn does), then its trailing slashes
/// are all removed, or one is added when it has none; when a route has that
/// path, whatever its methods, the answer is a `307` to
/// `http://{Host}{path}?{query}` (the first `Host` header read as
/// ISO-8859-1; without one, the address the server listens on, the port left
/// out when it is 80; without that, the bare path), the query string kept as
/// sent, and the whole URL percent-encoded by Python's
/// `quote(url, safe=":/%#?=@[]!$&'()*+,;")`. The root path is never
/// redirected.
pub(crate) fn slash_redirect(
    routes: &[&str],
    uri: &Uri,
    headers: &HeaderMap,
    server: Option<ServerAddress>,
) -> Option<String> {
    let path = percent_decode(uri.path());
    if path == "/" {
        return None;
    }
    let other = if path.ends_with('/') { path.trim_end_matches('/').to_owned() } else { format!("{path}/") };
    if !routes.contains(&other.as_str()) {
        return None;
    }
    let mut url = match (headers.get(header::HOST), server) {
        (Some(host), _) => {
            format!("http://{}{other}", host.as_bytes().iter().map(|&b| char::from(b)).collect::<String>())
        }
        (None, Some(ServerAddress(address))) if address.port() == 80 => format!("http://{}{other}", address.ip()),
        (None, Some(ServerAddress(address))) => format!("http://{}:{}{other}", address.ip(), address.port()),
        (None, None) => other,
    };
    if let Some(query) = uri.query().filter(|query| !query.is_empty()) {
        url.push('?');
        url.push_str(query);
    }
    Some(python_quote(&url))
}

/// Python's `urllib.parse.unquote`: `%XX` escapes become bytes, a malformed
/// `%` stays, and the bytes are read as UTF-8 with U+FFFD for invalid ones.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match (bytes.get(i), bytes.get(i + 1), bytes.get(i + 2)) {
            (Some(b'%'), Some(&high), Some(&low)) => hex_value(high).zip(hex_value(low)).map(|(h, l)| h * 16 + l),
            _ => None,
        };
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.extend(bytes.get(i));
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).and_then(|value| u8::try_from(value).ok())
}

/// Python's `urllib.parse.quote(text, safe=":/%#?=@[]!$&'()*+,;")`, the
/// quoting of Starlette's `RedirectResponse`: UTF-8 bytes other than ASCII
/// letters, digits, `_.-~` and the safe characters become `%XX`.
fn python_quote(text: &str) -> String {
    const SAFE: &[u8] = b":/%#?=@[]!$&'()*+,;_.-~";
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric() || SAFE.contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The path of the token endpoint every OAuth2 example serves.
pub(crate) const TOKEN_PATH: &str = "/token";

/// A field of a form body, as `(name, value)` before encoding.
pub(crate) type Field = (&'static str, &'static str);

/// A line printed on startup.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step {
    /// `NAME=$(curl -s -d … /token | sed …)`: logs in and keeps the access
    /// token in the shell variable `NAME`, for the requests below.
    Login(Login),
    /// A request, followed by the answer it gets in a comment.
    Call(Call),
}

/// A login whose access token is kept in a shell variable.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Login {
    /// The shell variable: `ME` is used as `$ME` in a header value.
    pub(crate) var: &'static str,
    /// The form posted to [`TOKEN_PATH`].
    pub(crate) form: &'static [Field],
}

/// A request and the answer it gets (pinned by the tests).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Call {
    pub(crate) method: &'static str,
    /// The path, with the query string if any.
    pub(crate) path: &'static str,
    /// Sent as they are, except that `$NAME` in a value is the token of the
    /// [`Login`] that set `NAME`.
    pub(crate) headers: &'static [(&'static str, &'static str)],
    /// The form body (`application/x-www-form-urlencoded`, as `curl -d`).
    pub(crate) form: &'static [Field],
    /// Printed before the answer: `no scope -> 401, …`.
    pub(crate) note: Option<&'static str>,
    pub(crate) status: u16,
    pub(crate) challenge: Option<&'static str>,
    /// The path and query of the `Location` of a redirect, after the base URL.
    pub(crate) location: Option<&'static str>,
    /// The body as sent; `…` stands for any text without a `"` (a JWT).
    pub(crate) body: &'static str,
}

impl Call {
    /// `GET path` with `headers`, answered `status` with `challenge` and `body`.
    pub(crate) const fn get(
        path: &'static str,
        headers: &'static [(&'static str, &'static str)],
        status: u16,
        challenge: Option<&'static str>,
        body: &'static str,
    ) -> Self {
        Self { method: "GET", path, headers, form: &[], note: None, status, challenge, location: None, body }
    }

    /// `POST path` with the form `form`, answered `status` with `challenge` and `body`.
    pub(crate) const fn post(
        path: &'static str,
        form: &'static [Field],
        status: u16,
        challenge: Option<&'static str>,
        body: &'static str,
    ) -> Self {
        Self { method: "POST", path, headers: &[], form, note: None, status, challenge, location: None, body }
    }

    /// `GET path`, redirected (`307`, no body) to the base URL and `location`.
    pub(crate) const fn redirect(path: &'static str, location: &'static str) -> Self {
        Self { location: Some(location), ..Self::get(path, &[], 307, None, "") }
    }

    /// The same request with a note printed before its answer.
    pub(crate) const fn note(self, note: &'static str) -> Self {
        Self { note: Some(note), ..self }
    }

    /// The curl command for this request against `base` (`http://127.0.0.1:8000`).
    pub(crate) fn command(&self, base: &str) -> String {
        let mut line = "curl -i".to_owned();
        if self.form.is_empty() && self.method != "GET" {
            line.push_str(" -X ");
            line.push_str(self.method);
        }
        for (name, value) in self.headers {
            line.push_str(" -H ");
            line.push_str(&header_argument(name, value));
        }
        line.push_str(&form_arguments(self.form));
        line.push(' ');
        line.push_str(&shell_quote(&format!("{base}{}", self.path)));
        line
    }

    /// The expected answer: note, status, challenge, location, body.
    fn answer(&self, base: &str) -> String {
        let mut parts = vec![self.status.to_string()];
        if let Some(challenge) = self.challenge {
            parts.push(format!("WWW-Authenticate: {challenge}"));
        }
        if let Some(location) = self.location {
            parts.push(format!("location: {base}{location}"));
        }
        if !self.body.is_empty() {
            parts.push(self.body.to_owned());
        }
        let note = self.note.map(|note| format!("{note} -> ")).unwrap_or_default();
        format!("{note}{}", parts.join(", "))
    }
}

impl Login {
    /// The shell line that logs in against `base` and keeps the token.
    pub(crate) fn command(&self, base: &str) -> String {
        format!(
            "{}=$(curl -s{} {} | sed -E 's/.*\"access_token\":\"([^\"]*)\".*/\\1/')",
            self.var,
            form_arguments(self.form),
            shell_quote(&format!("{base}{TOKEN_PATH}")),
        )
    }
}

/// `-H 'name: value'`, or in double quotes when the value expands a variable.
fn header_argument(name: &str, value: &str) -> String {
    if value.contains('$') { format!("\"{name}: {value}\"") } else { shell_quote(&format!("{name}: {value}")) }
}

/// ` -d 'name=value'` per field (`--data-urlencode` for a value curl must encode).
fn form_arguments(form: &[Field]) -> String {
    let mut arguments = String::new();
    for (name, value) in form {
        let option = if value.bytes().all(is_unreserved) { "-d" } else { "--data-urlencode" };
        arguments.push_str(&format!(" {option} {}", shell_quote(&format!("{name}={value}"))));
    }
    arguments
}

/// RFC 3986 unreserved: what curl's `--data-urlencode` leaves as it is.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~".contains(&byte)
}

/// The form body curl sends for `form`: `name=value` joined by `&`, values
/// percent-encoded except unreserved characters.
pub(crate) fn form_body(form: &[Field]) -> String {
    let mut body = String::new();
    for (name, value) in form {
        if !body.is_empty() {
            body.push('&');
        }
        body.push_str(name);
        body.push('=');
        for byte in value.bytes() {
            if is_unreserved(byte) {
                body.push(char::from(byte));
            } else {
                body.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    body
}

/// `steps` against `base`, each request followed by its answer in a comment.
pub(crate) fn listing(steps: &[Step], base: &str) -> String {
    let mut text = String::new();
    for step in steps {
        match step {
            Step::Login(login) => text.push_str(&format!("{}\n", login.command(base))),
            Step::Call(call) => text.push_str(&format!("{}\n    # {}\n", call.command(base), call.answer(base))),
        }
    }
    text
}

/// The OAuth2 example `name`'s `main`: [`super::serve`], printing the
/// listing of `steps`.
pub(crate) async fn serve<E: fmt::Display>(
    name: &'static str,
    app: fn() -> Result<Router, E>,
    path: &str,
    steps: &'static [Step],
) -> ExitCode {
    super::serve(name, app, path, |base| listing(steps, base)).await
}

/// Requests through an example's app, as FastAPI's `TestClient` sends them.
#[cfg(test)]
pub(crate) mod testing {
    use std::collections::HashMap;

    use axum::{
        Router,
        body::Body,
        http::{HeaderMap, Request, header},
    };
    use http_body_util::BodyExt as _;
    use serde_json::Value;
    use tower::ServiceExt as _;

    use super::{Call, Field, Login, Step, TOKEN_PATH, form_body};

    /// The `Host` of `TestClient`'s requests.
    pub(crate) const TEST_HOST: &str = "testserver";

    /// What a client sees.
    #[derive(Debug)]
    pub(crate) struct Answer {
        pub(crate) status: u16,
        pub(crate) headers: HeaderMap,
        /// The JSON body; `null` when there is none.
        pub(crate) body: Value,
        /// The body as sent.
        pub(crate) raw: String,
    }

    impl Answer {
        /// The `WWW-Authenticate` lines.
        pub(crate) fn challenges(&self) -> Vec<&str> {
            self.headers.get_all(header::WWW_AUTHENTICATE).iter().map(|value| value.to_str().unwrap()).collect()
        }

        /// The one value of the header `name`, if any.
        pub(crate) fn header(&self, name: &str) -> Option<&str> {
            self.headers.get(name).map(|value| value.to_str().unwrap())
        }
    }

    /// A request: method, path and query, headers (with `Host`) and an
    /// optional form body.
    #[derive(Debug, Clone)]
    pub(crate) struct Req {
        pub(crate) method: String,
        pub(crate) uri: String,
        pub(crate) headers: Vec<(String, String)>,
        pub(crate) form: Option<String>,
    }

    impl Req {
        /// `method uri` with `Host: testserver`.
        pub(crate) fn new(method: &str, uri: &str) -> Self {
            Self {
                method: method.to_owned(),
                uri: uri.to_owned(),
                headers: vec![("host".to_owned(), TEST_HOST.to_owned())],
                form: None,
            }
        }

        /// `GET uri` with `Host: testserver`.
        pub(crate) fn get(uri: &str) -> Self {
            Self::new("GET", uri)
        }

        /// `POST uri` with the form `fields`, encoded as curl and httpx do.
        pub(crate) fn post_form(uri: &str, fields: &[Field]) -> Self {
            Self::new("POST", uri).form(&form_body(fields))
        }

        /// Adds a header (a `host` replaces the default one).
        pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
            if name.eq_ignore_ascii_case("host") {
                self.headers.retain(|(have, _)| have != "host");
            }
            self.headers.push((name.to_lowercase(), value.to_owned()));
            self
        }

        /// Removes the `Host` header.
        pub(crate) fn without_host(mut self) -> Self {
            self.headers.retain(|(name, _)| name != "host");
            self
        }

        /// `Authorization: Bearer token`.
        pub(crate) fn bearer(self, token: &str) -> Self {
            self.header("authorization", &format!("Bearer {token}"))
        }

        /// `Authorization: value`, when there is a value.
        pub(crate) fn authorization(self, value: Option<&str>) -> Self {
            match value {
                Some(value) => self.header("authorization", value),
                None => self,
            }
        }

        /// Sets the body, already encoded, with the form media type.
        pub(crate) fn form(mut self, body: &str) -> Self {
            self.form = Some(body.to_owned());
            self
        }

        /// Sends the request through `app`, once; the body must be JSON or
        /// empty.
        pub(crate) async fn send(&self, app: &Router) -> Answer {
            let mut answer = self.send_raw(app).await;
            if !answer.raw.is_empty() {
                answer.body = serde_json::from_str(&answer.raw).unwrap();
            }
            answer
        }

        /// Sends the request through `app`, once, keeping the body as text
        /// (`body` is `null`).
        pub(crate) async fn send_raw(&self, app: &Router) -> Answer {
            let mut request = Request::builder().method(self.method.as_str()).uri(self.uri.as_str());
            for (name, value) in &self.headers {
                request = request.header(name.as_str(), value.as_str());
            }
            let request = match &self.form {
                Some(body) => request
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(body.clone())),
                None => request.body(Body::empty()),
            };
            let response = app.clone().oneshot(request.unwrap()).await.unwrap();
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            Answer { status, headers, body: Value::Null, raw: String::from_utf8(bytes.to_vec()).unwrap() }
        }

        /// Sends the request through `app` and follows `307` redirects to
        /// the same host, as `TestClient` does (same method, headers and
        /// body): the answers in order, the last one final.
        pub(crate) async fn follow(&self, app: &Router) -> Vec<Answer> {
            let mut answers = Vec::new();
            let mut request = self.clone();
            loop {
                let answer = request.send(app).await;
                let next = match (answer.status, answer.header("location")) {
                    (307, Some(location)) => {
                        let host = request.headers.iter().find(|(name, _)| name == "host").map(|(_, host)| host);
                        let origin = format!("http://{}", host.unwrap());
                        Some(location.strip_prefix(&origin).expect("a redirect to the same host").to_owned())
                    }
                    _ => None,
                };
                answers.push(answer);
                match next {
                    Some(uri) if answers.len() < 5 => request.uri = uri,
                    _ => return answers,
                }
            }
        }

        /// [`follow`](Self::follow), checking there was exactly one redirect,
        /// to `location`: the final answer.
        pub(crate) async fn redirected(&self, app: &Router, location: &str) -> Answer {
            let mut answers = self.follow(app).await;
            assert_eq!(answers.len(), 2, "{self:?} should be redirected once");
            let redirect = answers.remove(0);
            assert_eq!(redirect.status, 307);
            assert_eq!(redirect.header("location"), Some(location));
            assert_eq!(redirect.raw, "");
            assert_eq!(redirect.header("content-length"), Some("0"));
            assert_eq!(redirect.header("content-type"), None);
            answers.remove(0)
        }
    }

    /// Posts the login form `fields` to `/token` and returns the access token.
    pub(crate) async fn login(app: &Router, fields: &[Field]) -> String {
        let answer = Req::post_form(TOKEN_PATH, fields).send(app).await;
        assert_eq!(answer.status, 200, "{fields:?}: {}", answer.raw);
        answer.body["access_token"].as_str().unwrap().to_owned()
    }

    /// A JSON `{"detail": detail}` answered `status` with the one challenge
    /// `challenge`, or none.
    pub(crate) fn assert_detail(answer: &Answer, status: u16, challenge: Option<&str>, detail: &str) {
        assert_eq!(answer.status, status, "{}", answer.raw);
        assert_eq!(answer.challenges(), Vec::from_iter(challenge));
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert_eq!(answer.body, serde_json::json!({ "detail": detail }));
    }

    /// The module documentation of the example whose `source` this is shows
    /// what it prints on port 8000: the listing of `steps`.
    pub(crate) fn assert_documented(source: &str, steps: &[Step]) {
        assert_eq!(crate::support::testing::documented(source), super::listing(steps, "http://127.0.0.1:8000"));
    }

    /// Whether `actual` is `expected`, where a `…` in `expected` stands for
    /// any text without a `"`.
    pub(crate) fn matches(expected: &str, actual: &str) -> bool {
        match expected.split_once('…') {
            None => expected == actual,
            Some((before, after)) => {
                actual.len() >= before.len() + after.len()
                    && actual.starts_with(before)
                    && actual.ends_with(after)
                    && !actual[before.len()..actual.len() - after.len()].contains('"')
            }
        }
    }

    /// Replays the printed `steps` through `app` as curl would send them to
    /// `127.0.0.1:8000`, and checks every answer.
    pub(crate) async fn replay(app: &Router, steps: &[Step]) {
        const BASE: &str = "http://127.0.0.1:8000";
        let mut tokens: HashMap<&str, String> = HashMap::new();
        for step in steps {
            match step {
                Step::Login(Login { var, form }) => {
                    tokens.insert(var, login(app, form).await);
                }
                Step::Call(call @ Call { method, path, headers, form, .. }) => {
                    let line = call.command(BASE);
                    let mut request = Req::new(method, path).header("host", "127.0.0.1:8000");
                    // The longest names first, so that `$ME` does not eat `$ME_ITEMS`.
                    let mut vars: Vec<(&&str, &String)> = tokens.iter().collect();
                    vars.sort_by_key(|(var, _)| std::cmp::Reverse(var.len()));
                    for (name, value) in *headers {
                        let mut value = (*value).to_owned();
                        for (var, token) in &vars {
                            value = value.replace(&format!("${var}"), token);
                        }
                        assert!(!value.contains('$'), "{line}: no login sets {value}");
                        request = request.header(name, &value);
                    }
                    if !form.is_empty() {
                        request = request.form(&form_body(form));
                    }
                    let answer = request.send(app).await;
                    assert_eq!(answer.status, call.status, "{line}: {}", answer.raw);
                    assert_eq!(answer.challenges(), Vec::from_iter(call.challenge), "{line}");
                    let location = call.location.map(|location| format!("{BASE}{location}"));
                    assert_eq!(answer.header("location"), location.as_deref(), "{line}");
                    assert!(matches(call.body, &answer.raw), "{line}: {}", answer.raw);
                }
            }
        }
    }

    /// Checks Starlette's routing answers for `routes` (each served for
    /// `method`): the other spelling of each path is redirected with its
    /// query string, another method is `405` with `Allow`, an unknown path
    /// is `404` (the documentation paths too, for a tutorial port, which
    /// serves none).
    pub(crate) async fn assert_starlette_routing(app: &Router, routes: &[(&str, &str)]) {
        assert_starlette_routing_beside(app, routes, &[]).await;
    }

    /// [`assert_starlette_routing`] for an app that also serves `documentation`
    /// (`/docs`, `/openapi.json`), which are not checked as unknown.
    pub(crate) async fn assert_starlette_routing_beside(app: &Router, routes: &[(&str, &str)], documentation: &[&str]) {
        for &(method, path) in routes {
            let other = if path.ends_with('/') { path.trim_end_matches('/').to_owned() } else { format!("{path}/") };
            for (uri, location) in [
                (other.clone(), format!("http://{TEST_HOST}{path}")),
                (format!("{other}?q=1&r=a%20b"), format!("http://{TEST_HOST}{path}?q=1&r=a%20b")),
            ] {
                // Any method is redirected, before the route's own checks.
                for sent in ["GET", "POST", "DELETE"] {
                    let answer = Req::new(sent, &uri).send(app).await;
                    assert_eq!(answer.status, 307, "{sent} {uri}");
                    assert_eq!(answer.header("location"), Some(location.as_str()), "{sent} {uri}");
                    assert_eq!(answer.raw, "");
                }
            }
            // Without a Host header the address listened on is used, and the
            // bare path when that is not known either.
            let answer = Req::get(&other).without_host().send(app).await;
            assert_eq!(answer.header("location"), Some(path));
            // Every trailing slash goes, so `path//` only reaches a route without one.
            let answer = Req::get(&format!("{}//", path.trim_end_matches('/'))).send(app).await;
            if path.ends_with('/') {
                assert_eq!((answer.status, &answer.body), (404, &serde_json::json!({"detail": "Not Found"})));
            } else {
                assert_eq!(answer.status, 307);
                assert_eq!(answer.header("location"), Some(format!("http://{TEST_HOST}{path}").as_str()));
            }
            // Starlette routes the percent-decoded path: an escaped letter is
            // the route itself, and so is its other spelling's redirect.
            let trimmed = path.trim_end_matches('/');
            let (head, last) = trimmed.split_at(trimmed.len() - 1);
            let escaped = format!("{head}%{:02X}{}", last.as_bytes()[0], &path[trimmed.len()..]);
            let direct = Req::new(method, path).send(app).await;
            let answer = Req::new(method, &escaped).send(app).await;
            assert_eq!((answer.status, &answer.raw), (direct.status, &direct.raw), "{method} {escaped}");
            let escaped_other = format!("{head}%{:02X}{}", last.as_bytes()[0], &other[trimmed.len()..]);
            let answer = Req::get(&escaped_other).send(app).await;
            assert_eq!(
                answer.header("location"),
                Some(format!("http://{TEST_HOST}{path}").as_str()),
                "{escaped_other}"
            );
            let wrong = if method == "GET" { ["POST", "HEAD", "PUT"] } else { ["GET", "HEAD", "PUT"] };
            for sent in wrong {
                let answer = Req::new(sent, path).send(app).await;
                assert_eq!(answer.status, 405, "{sent} {path}");
                assert_eq!(answer.header("allow"), Some(method), "{sent} {path}");
                assert_eq!(answer.header("content-type"), Some("application/json"));
                if sent != "HEAD" {
                    assert_eq!(answer.body, serde_json::json!({"detail": "Method Not Allowed"}));
                }
            }
        }
        for unknown in ["/", "/nothing", "/nothing/", "/docs", "/openapi.json"] {
            if documentation.contains(&unknown) {
                continue;
            }
            let answer = Req::get(unknown).send(app).await;
            assert_eq!(answer.status, 404, "{unknown}");
            assert_eq!(answer.header("content-type"), Some("application/json"));
            assert_eq!(answer.body, serde_json::json!({"detail": "Not Found"}));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, SocketAddr};

    use axum::http::{HeaderMap, HeaderValue, Uri};

    use super::{Call, Login, ServerAddress, form_body, python_quote, slash_redirect, testing::matches};

    fn redirect(uri: &str, host: Option<&[u8]>, server: Option<u16>) -> Option<String> {
        let mut headers = HeaderMap::new();
        if let Some(host) = host {
            headers.insert("host", HeaderValue::from_bytes(host).unwrap());
        }
        let server = server.map(|port| ServerAddress(SocketAddr::from((Ipv4Addr::LOCALHOST, port))));
        slash_redirect(&["/items/", "/users/me"], &uri.parse::<Uri>().unwrap(), &headers, server)
    }

    #[test]
    fn redirects_follow_starlette() {
        let host = Some(&b"example.com:8000"[..]);
        assert_eq!(redirect("/items", host, None).as_deref(), Some("http://example.com:8000/items/"));
        assert_eq!(redirect("/users/me/", host, None).as_deref(), Some("http://example.com:8000/users/me"));
        assert_eq!(redirect("/users/me///", host, None).as_deref(), Some("http://example.com:8000/users/me"));
        assert_eq!(redirect("/items//", host, None), None);
        assert_eq!(redirect("/", host, None), None);
        assert_eq!(
            redirect("/items?a=1&b=%22", host, None).as_deref(),
            Some("http://example.com:8000/items/?a=1&b=%22")
        );
        assert_eq!(redirect("/items?", host, None).as_deref(), Some("http://example.com:8000/items/"));
        // The path is percent-decoded before it is compared, then quoted again.
        assert_eq!(redirect("/item%73", host, None).as_deref(), Some("http://example.com:8000/items/"));
        // Query characters Python's quote() does not keep are escaped.
        assert_eq!(
            redirect("/items?a=%7B|}", host, None).as_deref(),
            Some("http://example.com:8000/items/?a=%7B%7C%7D")
        );
        // The Host header is read as ISO-8859-1, then quoted as UTF-8.
        assert_eq!(redirect("/items", Some(b"caf\xe9"), None).as_deref(), Some("http://caf%C3%A9/items/"));
        assert_eq!(redirect("/items", None, Some(8000)).as_deref(), Some("http://127.0.0.1:8000/items/"));
        assert_eq!(redirect("/items", None, Some(80)).as_deref(), Some("http://127.0.0.1/items/"));
        assert_eq!(redirect("/items", None, None).as_deref(), Some("/items/"));
    }

    #[test]
    fn quoting_is_pythons() {
        assert_eq!(python_quote("http://h/a b?c=\"d\"&e=%20#f~"), "http://h/a%20b?c=%22d%22&e=%20#f~");
        assert_eq!(python_quote("/\u{e9}<>^`{|}\\"), "/%C3%A9%3C%3E%5E%60%7B%7C%7D%5C");
    }

    #[test]
    fn printed_lines_are_shell_commands() {
        const FORM: &[(&str, &str)] = &[("username", "johndoe"), ("password", "secret"), ("scope", "me items")];
        let login = Login { var: "ME", form: FORM };
        assert_eq!(
            login.command("http://h:1"),
            "ME=$(curl -s -d 'username=johndoe' -d 'password=secret' --data-urlencode 'scope=me items' \
             'http://h:1/token' | sed -E 's/.*\"access_token\":\"([^\"]*)\".*/\\1/')"
        );
        assert_eq!(form_body(FORM), "username=johndoe&password=secret&scope=me%20items");
        let call = Call::get("/users/me/", &[("Authorization", "Bearer $ME")], 200, None, "{}");
        assert_eq!(call.command("http://h:1"), "curl -i -H \"Authorization: Bearer $ME\" 'http://h:1/users/me/'");
        let call = Call { method: "DELETE", ..Call::redirect("/a", "/a/") };
        assert_eq!(call.command("http://h:1"), "curl -i -X DELETE 'http://h:1/a'");
    }

    #[test]
    fn an_ellipsis_matches_a_token() {
        assert!(matches(r#"{"t":"ab.…","x":1}"#, r#"{"t":"ab.cd.ef","x":1}"#));
        assert!(!matches(r#"{"t":"ab.…","x":1}"#, r#"{"t":"ab.c","y":"d","x":1}"#));
        assert!(!matches(r#"{"t":"ab.…","x":1}"#, r#"{"t":"xx","x":1}"#));
        assert!(matches("abc", "abc"));
    }
}
