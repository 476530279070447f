//! warden's demo server: every scheme on its own route, each echoing what it
//! extracted as JSON.
//!
//! The routes port FastAPI's `fastapi.security` classes, as its security
//! tutorials use them (`docs_src/security/tutorial006_an_py310.py` for Basic,
//! the `HTTPBearer`, `HTTPDigest`, `HTTPBase`, `APIKeyHeader`, `APIKeyQuery`
//! and `APIKeyCookie` reference examples, `auto_error=False` for the optional
//! scheme and `APIRouter(dependencies=[…])` for the protected router):
//!
//! | route | scheme | handler takes | echo |
//! | --- | --- | --- | --- |
//! | `/basic` | `HttpBasic`, realm `api` | `Auth<HttpBasic>` | `{"username", "password"}` |
//! | `/bearer` | `HttpBearer` | `Auth<HttpBearer>` | `{"scheme", "credentials"}` |
//! | `/digest` | `HttpScheme::digest()` | `Auth<HttpScheme<Digest>>` | `{"scheme", "credentials"}` |
//! | `/custom` | `HttpScheme::new("custom-scheme")` | `Auth<HttpScheme>` | `{"scheme", "credentials"}` |
//! | `/key-header` | `ApiKey::header("X-API-Key")` | `Auth<ApiKey<InHeader>>` | `{"api_key"}` |
//! | `/key-query` | `ApiKey::query("api_key")` | `Auth<ApiKey<InQuery>>` | `{"api_key"}` |
//! | `/key-cookie` | `ApiKey::cookie("session")` | `Auth<ApiKey<InCookie>>` | `{"api_key"}` |
//! | `/optional` | `HttpBearer`, optional | `Option<Auth<HttpBearer>>` | `{"authenticated", …}` |
//! | `/admin/ping` | `RequireAuth` with `HttpBasic<Admin>`, realm `admin` | `Auth<HttpBasic<Admin>>` | `{"ping", "username"}` |
//!
//! The routes only extract credentials; checking them is the application's
//! job (see the `security_tutorial007` example).
//!
//! Run with `cargo run -p warden --example demo -- --port 8000` (the port
//! defaults to 8000; the server listens on 127.0.0.1 only and stops on Ctrl-C
//! or SIGTERM). On startup it prints, for every route, a correct request, a
//! missing one and a malformed one, with the answer each gets:
//!
//! ```text
//! # /basic: HTTP Basic, realm "api": Auth<HttpBasic>
//! curl -i -u 'john:secret' 'http://127.0.0.1:8000/basic'
//!     # 200, {"password":"secret","username":"john"}
//! curl -i 'http://127.0.0.1:8000/basic'
//!     # 401, WWW-Authenticate: Basic realm="api", charset="UTF-8", {"detail":"Not authenticated"}
//! curl -i -H 'Authorization: Basic !!!!' 'http://127.0.0.1:8000/basic'
//!     # 401, WWW-Authenticate: Basic realm="api", charset="UTF-8", {"detail":"Not authenticated"}
//!
//! # /bearer: HTTP Bearer: Auth<HttpBearer>
//! curl -i -H 'Authorization: Bearer abc.def.ghi' 'http://127.0.0.1:8000/bearer'
//!     # 200, {"credentials":"abc.def.ghi","scheme":"Bearer"}
//! curl -i 'http://127.0.0.1:8000/bearer'
//!     # 401, WWW-Authenticate: Bearer, {"detail":"Not authenticated"}
//! curl -i -H 'Authorization: Bearer "quoted"' 'http://127.0.0.1:8000/bearer'
//!     # 400, WWW-Authenticate: Bearer error="invalid_request", error_description="the bearer token is not a b64token (RFC 6750 section 2.1)", {"detail":"Invalid bearer token"}
//!
//! # /digest: HTTP Digest, credentials passed unparsed: Auth<HttpScheme<Digest>> with HttpScheme::digest()
//! curl -i -H 'Authorization: Digest username="john", nonce="abc"' 'http://127.0.0.1:8000/digest'
//!     # 200, {"credentials":"username=\"john\", nonce=\"abc\"","scheme":"Digest"}
//! curl -i 'http://127.0.0.1:8000/digest'
//!     # 401, WWW-Authenticate: Digest, {"detail":"Not authenticated"}
//! curl -i -H 'Authorization: Digest a' -H 'Authorization: Digest b' 'http://127.0.0.1:8000/digest'
//!     # 400, {"detail":"Multiple Authorization headers"}
//!
//! # /custom: any scheme by name: Auth<HttpScheme> with HttpScheme::new("custom-scheme")
//! curl -i -H 'Authorization: custom-scheme tok123' 'http://127.0.0.1:8000/custom'
//!     # 200, {"credentials":"tok123","scheme":"custom-scheme"}
//! curl -i 'http://127.0.0.1:8000/custom'
//!     # 401, WWW-Authenticate: Custom-Scheme, {"detail":"Not authenticated"}
//! curl -i -H 'Authorization: custom-scheme' 'http://127.0.0.1:8000/custom'
//!     # 401, WWW-Authenticate: Custom-Scheme, {"detail":"Not authenticated"}
//!
//! # /key-header: API key in a header: Auth<ApiKey<_>> with ApiKey::header("X-API-Key")
//! curl -i -H 'X-API-Key: secret-key' 'http://127.0.0.1:8000/key-header'
//!     # 200, {"api_key":"secret-key"}
//! curl -i 'http://127.0.0.1:8000/key-header'
//!     # 401, WWW-Authenticate: APIKey, {"detail":"Not authenticated"}
//! curl -i -H 'X-API-Key: one' -H 'X-API-Key: two' 'http://127.0.0.1:8000/key-header'
//!     # 400, {"detail":"Multiple API keys"}
//!
//! # /key-query: API key in the query string: Auth<ApiKey<_>> with ApiKey::query("api_key")
//! curl -i 'http://127.0.0.1:8000/key-query?api_key=secret%20key'
//!     # 200, {"api_key":"secret key"}
//! curl -i 'http://127.0.0.1:8000/key-query'
//!     # 401, WWW-Authenticate: APIKey, {"detail":"Not authenticated"}
//! curl -i 'http://127.0.0.1:8000/key-query?api_key=one&api_key=two'
//!     # 400, {"detail":"Multiple API keys"}
//!
//! # /key-cookie: API key in a cookie: Auth<ApiKey<_>> with ApiKey::cookie("session"); an empty cookie is missing
//! curl -i -H 'Cookie: session=abc123' 'http://127.0.0.1:8000/key-cookie'
//!     # 200, {"api_key":"abc123"}
//! curl -i 'http://127.0.0.1:8000/key-cookie'
//!     # 401, WWW-Authenticate: APIKey, {"detail":"Not authenticated"}
//! curl -i -H 'Cookie: session=""' 'http://127.0.0.1:8000/key-cookie'
//!     # 401, WWW-Authenticate: APIKey, {"detail":"Not authenticated"}
//!
//! # /optional: optional Bearer: Option<Auth<HttpBearer>> is None only when nothing was sent
//! curl -i -H 'Authorization: Bearer abc.def.ghi' 'http://127.0.0.1:8000/optional'
//!     # 200, {"authenticated":true,"credentials":"abc.def.ghi","scheme":"Bearer"}
//! curl -i 'http://127.0.0.1:8000/optional'
//!     # 200, {"authenticated":false}
//! curl -i -H 'Authorization: Bearer "quoted"' 'http://127.0.0.1:8000/optional'
//!     # 400, WWW-Authenticate: Bearer error="invalid_request", error_description="the bearer token is not a b64token (RFC 6750 section 2.1)", {"detail":"Invalid bearer token"}
//!
//! # /admin/ping: a router behind RequireAuth::new(HttpBasic<Admin>), realm "admin"
//! curl -i -u 'root:hunter2' 'http://127.0.0.1:8000/admin/ping'
//!     # 200, {"ping":"pong","username":"root"}
//! curl -i 'http://127.0.0.1:8000/admin/ping'
//!     # 401, WWW-Authenticate: Basic realm="admin", charset="UTF-8", {"detail":"Not authenticated"}
//! curl -i -H 'Authorization: Basic am9obnNlY3JldA==' 'http://127.0.0.1:8000/admin/ping'
//!     # 401, WWW-Authenticate: Basic realm="admin", charset="UTF-8", {"detail":"Not authenticated"}
//! ```
//!
//! Where warden answers differently from FastAPI (see
//! `docs/differences.md`): Basic challenges always carry a realm and
//! `charset="UTF-8"` (D1); a bearer token that is not a `b64token` is a `400`
//! with `Bearer error="invalid_request"`, even for an optional scheme (D6,
//! D18); a repeated `Authorization` line, API-key header or query parameter
//! is a `400` (D10), while a repeated cookie is not (the last one wins).

mod support;

use std::process::ExitCode;

use axum::{Json, Router, extract::FromRef, routing::get};
use serde_json::{Value, json};
use support::{Header, NOT_AUTHENTICATED, Try, with};
use warden::{ApiKey, Auth, ConfigError, HttpBasic, HttpBearer, HttpCredentials, HttpScheme, RequireAuth};

/// The example's name, for messages.
const NAME: &str = "demo";

/// Marker of the Digest scheme, to tell it from the custom one in the state.
enum Digest {}
/// Marker of the API key sent in a header.
enum InHeader {}
/// Marker of the API key sent in the query string.
enum InQuery {}
/// Marker of the API key sent in a cookie.
enum InCookie {}
/// Marker of the Basic scheme that protects `/admin`.
enum Admin {}

/// Every scheme of the demo; handlers find theirs with [`FromRef`].
#[derive(Clone, FromRef)]
struct AppState {
    basic: HttpBasic,
    bearer: HttpBearer,
    digest: HttpScheme<Digest>,
    custom: HttpScheme,
    key_header: ApiKey<InHeader>,
    key_query: ApiKey<InQuery>,
    key_cookie: ApiKey<InCookie>,
    admin: HttpBasic<Admin>,
}

impl AppState {
    /// The schemes, checked as they are built.
    fn new() -> Result<Self, ConfigError> {
        Ok(Self {
            basic: HttpBasic::new("api")?,
            bearer: HttpBearer::new(),
            digest: HttpScheme::digest().with_marker(),
            custom: HttpScheme::new("custom-scheme")?,
            key_header: ApiKey::header("X-API-Key")?.with_marker(),
            key_query: ApiKey::query("api_key")?.with_marker(),
            key_cookie: ApiKey::cookie("session")?.with_marker(),
            admin: HttpBasic::new("admin")?.with_marker(),
        })
    }
}

/// The demo application.
///
/// # Errors
///
/// A scheme configuration error (none for the names above).
fn app() -> Result<Router, ConfigError> {
    let state = AppState::new()?;
    // Every route under /admin requires the admin Basic credentials before
    // its handler runs (FastAPI's `APIRouter(dependencies=[Depends(scheme)])`).
    let admin = Router::new().route("/ping", get(admin_ping)).route_layer(RequireAuth::new(state.admin));
    Ok(Router::new()
        .route("/basic", get(basic))
        .route("/bearer", get(bearer))
        .route("/digest", get(digest))
        .route("/custom", get(custom))
        .route("/key-header", get(key_header))
        .route("/key-query", get(key_query))
        .route("/key-cookie", get(key_cookie))
        .route("/optional", get(optional))
        .nest("/admin", admin)
        .with_state(state))
}

/// `{"scheme": s, "credentials": c}`.
fn credentials_json(credentials: &HttpCredentials) -> Value {
    json!({ "scheme": credentials.scheme(), "credentials": credentials.credentials() })
}

async fn basic(Auth(credentials): Auth<HttpBasic>) -> Json<Value> {
    Json(json!({ "username": credentials.username(), "password": credentials.password() }))
}

async fn bearer(Auth(credentials): Auth<HttpBearer>) -> Json<Value> {
    Json(credentials_json(&credentials))
}

async fn digest(Auth(credentials): Auth<HttpScheme<Digest>>) -> Json<Value> {
    Json(credentials_json(&credentials))
}

async fn custom(Auth(credentials): Auth<HttpScheme>) -> Json<Value> {
    Json(credentials_json(&credentials))
}

async fn key_header(Auth(key): Auth<ApiKey<InHeader>>) -> Json<Value> {
    Json(json!({ "api_key": key.as_str() }))
}

async fn key_query(Auth(key): Auth<ApiKey<InQuery>>) -> Json<Value> {
    Json(json!({ "api_key": key.as_str() }))
}

async fn key_cookie(Auth(key): Auth<ApiKey<InCookie>>) -> Json<Value> {
    Json(json!({ "api_key": key.as_str() }))
}

/// `None` only when no bearer token was sent; a malformed one is still a 400.
async fn optional(credentials: Option<Auth<HttpBearer>>) -> Json<Value> {
    Json(match credentials {
        Some(Auth(credentials)) => json!({
            "authenticated": true,
            "scheme": credentials.scheme(),
            "credentials": credentials.credentials(),
        }),
        None => json!({ "authenticated": false }),
    })
}

/// Behind `RequireAuth`, `Auth` reuses the credentials the layer extracted.
async fn admin_ping(Auth(credentials): Auth<HttpBasic<Admin>>) -> Json<Value> {
    Json(json!({ "ping": "pong", "username": credentials.username() }))
}

/// A route and its three requests: correct, missing, malformed.
#[derive(Debug, Clone, Copy)]
struct Route {
    path: &'static str,
    about: &'static str,
    tries: [Try; 3],
}

const BEARER_INVALID_REQUEST: &str =
    r#"Bearer error="invalid_request", error_description="the bearer token is not a b64token (RFC 6750 section 2.1)""#;

/// A request with nothing but the URL, answered `401` with `challenge`.
const fn missing(challenge: &'static str) -> Try {
    with(&[], 401, Some(challenge), NOT_AUTHENTICATED)
}

/// Every route of [`app`], as printed on startup.
const ROUTES: [Route; 9] = [
    Route {
        path: "/basic",
        about: r#"HTTP Basic, realm "api": Auth<HttpBasic>"#,
        tries: [
            with(&[Header::Basic("john", "secret")], 200, None, r#"{"password":"secret","username":"john"}"#),
            missing(r#"Basic realm="api", charset="UTF-8""#),
            with(
                &[Header::Raw("Authorization", "Basic !!!!")],
                401,
                Some(r#"Basic realm="api", charset="UTF-8""#),
                NOT_AUTHENTICATED,
            ),
        ],
    },
    Route {
        path: "/bearer",
        about: "HTTP Bearer: Auth<HttpBearer>",
        tries: [
            with(
                &[Header::Raw("Authorization", "Bearer abc.def.ghi")],
                200,
                None,
                r#"{"credentials":"abc.def.ghi","scheme":"Bearer"}"#,
            ),
            missing("Bearer"),
            with(
                &[Header::Raw("Authorization", r#"Bearer "quoted""#)],
                400,
                Some(BEARER_INVALID_REQUEST),
                r#"{"detail":"Invalid bearer token"}"#,
            ),
        ],
    },
    Route {
        path: "/digest",
        about: "HTTP Digest, credentials passed unparsed: Auth<HttpScheme<Digest>> with HttpScheme::digest()",
        tries: [
            with(
                &[Header::Raw("Authorization", r#"Digest username="john", nonce="abc""#)],
                200,
                None,
                r#"{"credentials":"username=\"john\", nonce=\"abc\"","scheme":"Digest"}"#,
            ),
            missing("Digest"),
            with(
                &[Header::Raw("Authorization", "Digest a"), Header::Raw("Authorization", "Digest b")],
                400,
                None,
                r#"{"detail":"Multiple Authorization headers"}"#,
            ),
        ],
    },
    Route {
        path: "/custom",
        about: r#"any scheme by name: Auth<HttpScheme> with HttpScheme::new("custom-scheme")"#,
        tries: [
            with(
                &[Header::Raw("Authorization", "custom-scheme tok123")],
                200,
                None,
                r#"{"credentials":"tok123","scheme":"custom-scheme"}"#,
            ),
            missing("Custom-Scheme"),
            with(&[Header::Raw("Authorization", "custom-scheme")], 401, Some("Custom-Scheme"), NOT_AUTHENTICATED),
        ],
    },
    Route {
        path: "/key-header",
        about: r#"API key in a header: Auth<ApiKey<_>> with ApiKey::header("X-API-Key")"#,
        tries: [
            with(&[Header::Raw("X-API-Key", "secret-key")], 200, None, r#"{"api_key":"secret-key"}"#),
            missing("APIKey"),
            with(
                &[Header::Raw("X-API-Key", "one"), Header::Raw("X-API-Key", "two")],
                400,
                None,
                r#"{"detail":"Multiple API keys"}"#,
            ),
        ],
    },
    Route {
        path: "/key-query",
        about: r#"API key in the query string: Auth<ApiKey<_>> with ApiKey::query("api_key")"#,
        tries: [
            Try { query: "?api_key=secret%20key", ..with(&[], 200, None, r#"{"api_key":"secret key"}"#) },
            missing("APIKey"),
            Try { query: "?api_key=one&api_key=two", ..with(&[], 400, None, r#"{"detail":"Multiple API keys"}"#) },
        ],
    },
    Route {
        path: "/key-cookie",
        about: r#"API key in a cookie: Auth<ApiKey<_>> with ApiKey::cookie("session"); an empty cookie is missing"#,
        tries: [
            with(&[Header::Raw("Cookie", "session=abc123")], 200, None, r#"{"api_key":"abc123"}"#),
            missing("APIKey"),
            with(&[Header::Raw("Cookie", r#"session="""#)], 401, Some("APIKey"), NOT_AUTHENTICATED),
        ],
    },
    Route {
        path: "/optional",
        about: "optional Bearer: Option<Auth<HttpBearer>> is None only when nothing was sent",
        tries: [
            with(
                &[Header::Raw("Authorization", "Bearer abc.def.ghi")],
                200,
                None,
                r#"{"authenticated":true,"credentials":"abc.def.ghi","scheme":"Bearer"}"#,
            ),
            with(&[], 200, None, r#"{"authenticated":false}"#),
            with(
                &[Header::Raw("Authorization", r#"Bearer "quoted""#)],
                400,
                Some(BEARER_INVALID_REQUEST),
                r#"{"detail":"Invalid bearer token"}"#,
            ),
        ],
    },
    Route {
        path: "/admin/ping",
        about: r#"a router behind RequireAuth::new(HttpBasic<Admin>), realm "admin""#,
        tries: [
            with(&[Header::Basic("root", "hunter2")], 200, None, r#"{"ping":"pong","username":"root"}"#),
            missing(r#"Basic realm="admin", charset="UTF-8""#),
            with(
                &[Header::Raw("Authorization", "Basic am9obnNlY3JldA==")],
                401,
                Some(r#"Basic realm="admin", charset="UTF-8""#),
                NOT_AUTHENTICATED,
            ),
        ],
    },
];

/// The requests printed on startup: for every route a heading, then each
/// request followed by its answer in a comment.
fn listing(base: &str) -> String {
    let mut text = String::new();
    for route in &ROUTES {
        text.push_str(&format!("\n# {}: {}\n", route.path, route.about));
        text.push_str(&support::listing(&route.tries, base, route.path));
    }
    text
}

#[tokio::main]
async fn main() -> ExitCode {
    support::serve(NAME, app, "", listing).await
}

/// Every answer the demo prints, checked against the app, one test per route.
#[cfg(test)]
mod tests {
    use axum::{
        body::Body,
        http::{Request, header},
    };
    use base64::{Engine as _, engine::general_purpose::STANDARD};
    use tower::ServiceExt as _;

    use super::{
        support::{
            parse_port, shell_quote,
            testing::{self, Answer},
        },
        *,
    };

    impl Try {
        /// The curl command for this request to `path` on `base` (`http://127.0.0.1:8000`).
        fn curl(&self, base: &str, path: &str) -> String {
            self.command(base, path)
        }
    }

    async fn get(uri: &str, headers: &[(&str, String)]) -> Answer {
        testing::get(app().unwrap(), uri, headers).await
    }

    /// Sends `attempt` to `path` as curl would.
    async fn send(path: &str, attempt: &Try) -> Answer {
        testing::send(app().unwrap(), path, attempt).await
    }

    /// Replays the three printed requests of `path` and checks the printed
    /// answers: status, every `WWW-Authenticate` line, JSON body.
    async fn check_route(path: &str) {
        let route = ROUTES.iter().find(|route| route.path == path).unwrap();
        for (attempt, what) in route.tries.iter().zip(["correct", "missing", "malformed"]) {
            let line = attempt.curl("http://127.0.0.1:8000", path);
            let answer = send(path, attempt).await;
            assert_eq!(answer.status, attempt.status, "{what}: {line}");
            assert_eq!(answer.challenges, Vec::from_iter(attempt.challenge.map(str::to_owned)), "{what}: {line}");
            assert_eq!(answer.content_type.as_deref(), Some("application/json"), "{what}: {line}");
            assert_eq!(answer.raw, attempt.body, "{what}: {line}");
        }
    }

    #[tokio::test]
    async fn basic_route() {
        check_route("/basic").await;
    }

    #[tokio::test]
    async fn bearer_route() {
        check_route("/bearer").await;
    }

    #[tokio::test]
    async fn digest_route() {
        check_route("/digest").await;
    }

    #[tokio::test]
    async fn custom_scheme_route() {
        check_route("/custom").await;
    }

    #[tokio::test]
    async fn api_key_header_route() {
        check_route("/key-header").await;
    }

    #[tokio::test]
    async fn api_key_query_route() {
        check_route("/key-query").await;
    }

    #[tokio::test]
    async fn api_key_cookie_route() {
        check_route("/key-cookie").await;
    }

    #[tokio::test]
    async fn optional_route() {
        check_route("/optional").await;
    }

    #[tokio::test]
    async fn require_auth_route() {
        check_route("/admin/ping").await;
    }

    /// The printed list is the app's route list: every path is printed once,
    /// with a correct request first (200), and anything else is a 404.
    #[tokio::test]
    async fn every_route_is_printed_once_with_a_correct_request_first() {
        let paths: Vec<&str> = ROUTES.iter().map(|route| route.path).collect();
        assert_eq!(
            paths,
            [
                "/basic",
                "/bearer",
                "/digest",
                "/custom",
                "/key-header",
                "/key-query",
                "/key-cookie",
                "/optional",
                "/admin/ping"
            ]
        );
        for route in &ROUTES {
            assert_eq!(route.tries[0].status, 200, "{}", route.path);
            assert!(route.tries[2].status == 400 || route.tries[2].status == 401, "{}", route.path);
        }
        assert_eq!(get("/admin", &[]).await.status, 404);
        assert_eq!(get("/nothing", &[]).await.status, 404);
    }

    /// The schemes do not leak into each other's routes: Basic credentials
    /// are missing for Bearer, a bearer token is missing for Basic and the
    /// optional route, and `/basic`'s realm is not `/admin`'s.
    #[tokio::test]
    async fn each_route_answers_for_its_own_scheme_only() {
        let basic = ("authorization", format!("Basic {}", STANDARD.encode("john:secret")));
        let answer = get("/bearer", std::slice::from_ref(&basic)).await;
        assert_eq!((answer.status, answer.challenges), (401, vec!["Bearer".to_owned()]));
        let answer = get("/optional", std::slice::from_ref(&basic)).await;
        assert_eq!((answer.status, answer.body), (200, json!({"authenticated": false})));
        let answer = get("/digest", std::slice::from_ref(&basic)).await;
        assert_eq!((answer.status, answer.challenges), (401, vec!["Digest".to_owned()]));
        let answer = get("/basic", &[("authorization", "Bearer abc".to_owned())]).await;
        assert_eq!((answer.status, answer.challenges), (401, vec![r#"Basic realm="api", charset="UTF-8""#.to_owned()]));
        let answer = get("/admin/ping", &[("x-api-key", "secret-key".to_owned())]).await;
        assert_eq!(
            (answer.status, answer.challenges),
            (401, vec![r#"Basic realm="admin", charset="UTF-8""#.to_owned()])
        );
    }

    /// The admin router is protected by the layer, not only by its handler's
    /// extractor: the layer answers before the method is routed, so an
    /// unauthenticated `POST /admin/ping` is a 401 where an unprotected route
    /// answers 405.
    #[tokio::test]
    async fn require_auth_answers_before_method_routing() {
        let post = |uri: &str, authorization: Option<String>| {
            let mut request = Request::post(uri);
            if let Some(value) = authorization {
                request = request.header(header::AUTHORIZATION, value);
            }
            app().unwrap().oneshot(request.body(Body::empty()).unwrap())
        };
        let response = post("/admin/ping", None).await.unwrap();
        assert_eq!(response.status(), 401);
        assert_eq!(response.headers()[header::WWW_AUTHENTICATE], r#"Basic realm="admin", charset="UTF-8""#);
        let root = Some(format!("Basic {}", STANDARD.encode("root:hunter2")));
        assert_eq!(post("/admin/ping", root).await.unwrap().status(), 405);
        assert_eq!(post("/basic", None).await.unwrap().status(), 405);
    }

    /// Cookies are the D10 exception: a repeated cookie is no error, the last wins.
    #[tokio::test]
    async fn repeated_cookie_last_wins() {
        let answer = get("/key-cookie", &[("cookie", "session=first; other=x; session=last".to_owned())]).await;
        assert_eq!((answer.status, answer.body), (200, json!({"api_key": "last"})));
    }

    /// The module documentation shows what the demo prints on port 8000.
    #[test]
    fn documentation_shows_the_printed_requests() {
        let documented = testing::documented(include_str!("demo.rs"));
        assert_eq!(format!("\n{documented}"), listing("http://127.0.0.1:8000"));
    }

    #[test]
    fn curl_lines_quote_for_the_shell() {
        let base = "http://h:1";
        assert_eq!(ROUTES[0].tries[0].curl(base, "/basic"), "curl -i -u 'john:secret' 'http://h:1/basic'");
        assert_eq!(
            ROUTES[1].tries[2].curl(base, "/bearer"),
            r#"curl -i -H 'Authorization: Bearer "quoted"' 'http://h:1/bearer'"#
        );
        assert_eq!(
            ROUTES[4].tries[2].curl(base, "/key-header"),
            "curl -i -H 'X-API-Key: one' -H 'X-API-Key: two' 'http://h:1/key-header'"
        );
        assert_eq!(
            ROUTES[5].tries[2].curl(base, "/key-query"),
            "curl -i 'http://h:1/key-query?api_key=one&api_key=two'"
        );
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn port_is_parsed_by_hand() {
        let parse = |args: &[&str]| parse_port(args.iter().map(|arg| (*arg).to_owned()));
        assert_eq!(parse(&[]), Ok(Some(8000)));
        assert_eq!(parse(&["--port", "18103"]), Ok(Some(18103)));
        assert_eq!(parse(&["--port=18103"]), Ok(Some(18103)));
        assert_eq!(parse(&["--help"]), Ok(None));
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "-1"]).is_err());
        assert!(parse(&["8000"]).is_err());
    }
}
