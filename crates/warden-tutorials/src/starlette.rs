//! FastAPI's routing answers, which are Starlette's, around an axum router:
//!
//! * a path missing its trailing slash (or with one too many) is redirected,
//!   `307` to the absolute URL of the route, the query string kept
//!   ([`routing`], [`slash_redirect`]);
//! * a percent-encoded spelling of a route's path (`/item%73/`) is the route
//!   itself, as Starlette routes the decoded path;
//! * an unknown path is `404 {"detail":"Not Found"}` ([`not_found`]);
//! * a method a route does not serve is `405 {"detail":"Method Not Allowed"}`
//!   with `Allow` ([`get`], [`post`], [`method_not_allowed`]), `HEAD`
//!   included, which axum would answer for a `GET` route.

use std::net::SocketAddr;

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

/// The address the server listens on, which Starlette puts in a redirect's
/// URL when the request has no `Host` header. [`serve_on`](crate::serve::serve_on) adds it
/// to every request; without it (in the tests) such a redirect is relative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerAddress(pub SocketAddr);

/// A `GET` route as FastAPI has it: `HEAD` and every other method are
/// `405` with `Allow: GET` (axum would also answer `HEAD`).
pub fn get<H, T, S>(handler: H) -> MethodRouter<S>
where
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    axum::routing::get(handler).head(not_allowed("GET")).fallback(not_allowed("GET"))
}

/// A `POST` route as FastAPI has it: other methods are `405` with
/// `Allow: POST`.
pub fn post<H, T, S>(handler: H) -> MethodRouter<S>
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
pub fn documented_get<H, T, S>(handler: H) -> warden::openapi::MethodRoutes<S>
where
    H: Handler<T, S>,
    T: warden::openapi::DocumentHandlerArgs<S> + 'static,
    S: Clone + Send + Sync + 'static,
{
    warden::openapi::get(handler).undocumented(|router| router.head(not_allowed("GET"))).fallback(not_allowed("GET"))
}

/// [`post`], documented.
#[cfg(feature = "openapi")]
pub fn documented_post<H, T, S>(handler: H) -> warden::openapi::MethodRoutes<S>
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
pub fn method_not_allowed(allow: &'static str) -> Response {
    let mut response = (StatusCode::METHOD_NOT_ALLOWED, Json(json!({"detail": "Method Not Allowed"}))).into_response();
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// Starlette's `404`: `{"detail":"Not Found"}`.
pub fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"detail": "Not Found"}))).into_response()
}

/// `router` with Starlette's answer to a path none of `routes` has, as
/// written: when it is one of them once percent-decoded (`/item%73/`), the
/// route's answer, as Starlette routes the decoded path; else a `307`
/// redirect to the other spelling of the path when that is one of `routes`
/// (see [`slash_redirect`]); else `404`.
pub fn routing(router: Router, routes: &'static [&'static str]) -> Router {
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
pub fn slash_redirect(
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

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, SocketAddr};

    use axum::http::{HeaderMap, HeaderValue, Uri};

    use super::{ServerAddress, python_quote, slash_redirect};

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
}
