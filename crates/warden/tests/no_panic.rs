//! No request, however malformed, makes a scheme panic or answer 5xx.
//!
//! Random header bytes (every byte a `HeaderValue` can hold, obs-text
//! included), repeated lines, huge values and random query strings are sent
//! to every scheme, required and optional.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use std::sync::LazyLock;

use axum::{Router, routing::get};
use proptest::prelude::*;
use warden::{
    ApiKey, Auth, HttpBasic, HttpBearer, HttpScheme, OAuth2, OAuth2AuthorizationCodeBearer,
    OAuth2ClientCredentialsBearer, OAuth2PasswordBearer, OpenIdConnect,
};

/// Built once, as an app builds its schemes at startup.
static APP: LazyLock<Router> = LazyLock::new(app);

/// Every route requires or accepts one scheme.
fn app() -> Router {
    let basic = HttpBasic::new("api").unwrap();
    let bearer = HttpBearer::new();
    let digest = HttpScheme::digest();
    let header = ApiKey::header("X-API-Key").unwrap();
    let query = ApiKey::query("api_key").unwrap();
    let cookie = ApiKey::cookie("session").unwrap();
    macro_rules! routes {
        ($router:expr, $($path:literal / $opt:literal => $ty:ty = $state:expr),* $(,)?) => {
            $router
            $(
                .route($path, get(|_: Auth<$ty>| async { "ok" }).with_state($state.clone()))
                .route($opt, get(|_: Option<Auth<$ty>>| async { "ok" }).with_state($state.clone()))
            )*
        };
    }
    let password = OAuth2PasswordBearer::new("token").unwrap();
    let code = OAuth2AuthorizationCodeBearer::new("authorize", "token").unwrap();
    let client = OAuth2ClientCredentialsBearer::new("token").unwrap();
    let oauth2 = OAuth2::builder().build().unwrap();
    let oidc = OpenIdConnect::new("https://example.com/.well-known/openid-configuration").unwrap();
    let router = routes!(Router::new(),
        "/oauth2" / "/oauth2-opt" => OAuth2PasswordBearer = password,
        "/code" / "/code-opt" => OAuth2AuthorizationCodeBearer = code,
        "/client" / "/client-opt" => OAuth2ClientCredentialsBearer = client,
        "/base" / "/base-opt" => OAuth2 = oauth2,
        "/oidc" / "/oidc-opt" => OpenIdConnect = oidc,
    );
    routes!(jwt_routes(router),
        "/basic" / "/basic-opt" => HttpBasic = basic,
        "/bearer" / "/bearer-opt" => HttpBearer = bearer,
        "/digest" / "/digest-opt" => HttpScheme = digest,
        "/header" / "/header-opt" => ApiKey = header,
        "/query" / "/query-opt" => ApiKey = query,
        "/cookie" / "/cookie-opt" => ApiKey = cookie,
    )
}

/// `/jwt` and `/jwt-opt`: `Security<JwtBearer<ScopedClaims>>` over an HS256
/// key, so that random tokens reach the JWT parser.
#[cfg(feature = "jwt")]
fn jwt_routes(router: Router) -> Router {
    use warden::{
        Security,
        jwt::JwtBearer,
        jwt::{Algorithm, DecodingKey, JwtVerifier, ScopedClaims},
    };
    type CurrentUser = JwtBearer<ScopedClaims>;
    let jwt = JwtVerifier::builder(
        DecodingKey::from_secret(b"a no-panic secret of 32 bytes!!!").unwrap(),
        [Algorithm::Hs256],
    )
    .build()
    .unwrap();
    let verifier = JwtBearer::new(OAuth2PasswordBearer::new("token").unwrap(), jwt);
    router
        .route("/jwt", get(|_: Security<CurrentUser>| async { "ok" }).with_state(verifier.clone()))
        .route("/jwt-opt", get(|_: Option<Security<CurrentUser>>| async { "ok" }).with_state(verifier))
}

#[cfg(not(feature = "jwt"))]
fn jwt_routes(router: Router) -> Router {
    router
}

/// Every route of [`app`].
static PATHS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let jwt = if cfg!(feature = "jwt") { &["/jwt", "/jwt-opt"][..] } else { &[] };
    SCHEME_PATHS.iter().chain(jwt).copied().collect()
});

const SCHEME_PATHS: [&str; 22] = [
    "/oauth2",
    "/oauth2-opt",
    "/code",
    "/code-opt",
    "/client",
    "/client-opt",
    "/base",
    "/base-opt",
    "/oidc",
    "/oidc-opt",
    "/basic",
    "/basic-opt",
    "/bearer",
    "/bearer-opt",
    "/digest",
    "/digest-opt",
    "/header",
    "/header-opt",
    "/query",
    "/query-opt",
    "/cookie",
    "/cookie-opt",
];

/// Bytes a header value may hold: HTAB, SP..=0x7E and obs-text (RFC 9110 §5.5).
fn field_value() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![Just(b'\t'), 0x20u8..=0x7e, 0x80u8..=0xff];
    let prefix = prop_oneof![
        Just(b"".to_vec()),
        Just(b"Basic ".to_vec()),
        Just(b"bearer ".to_vec()),
        Just(b"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.".to_vec()),
        Just(b"Digest ".to_vec()),
        Just(b"session=".to_vec()),
    ];
    (prefix, proptest::collection::vec(byte, 0..64)).prop_map(|(mut p, rest)| {
        p.extend(rest);
        p
    })
}

/// A query string of characters a URI may hold, `%`, `&` and `=` often.
fn query() -> impl Strategy<Value = String> {
    proptest::string::string_regex("(api_key|api%5Fkey|%[0-9A-Fa-fz]{0,2}|[&=+a-z0-9~._-]){0,20}").unwrap()
}

fn assert_not_5xx(status: u16) {
    assert!(status < 500, "answered {status}");
    assert!(matches!(status, 200 | 400 | 401), "unexpected {status}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// One line each of `Authorization`, `X-API-Key` and `Cookie` (any of
    /// them absent), and sometimes a second `Authorization` line.
    #[test]
    fn random_credentials_never_panic_or_answer_5xx(
        lines in proptest::collection::vec(proptest::option::of(field_value()), 3),
        second_authorization in proptest::option::weighted(0.1, field_value()),
        query in query(),
        path in 0..PATHS.len(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let uri = format!("{}?{}", PATHS[path], query);
        let mut headers: Vec<(&str, &[u8])> = Vec::new();
        for (name, line) in ["authorization", "x-api-key", "cookie"].into_iter().zip(&lines) {
            if let Some(line) = line {
                headers.push((name, line.as_slice()));
            }
        }
        if let Some(line) = &second_authorization {
            headers.push(("authorization", line.as_slice()));
        }
        let answer = runtime.block_on(support::get(&APP, &uri, &headers));
        assert_not_5xx(answer.status);
    }

    /// Strict base64 of random bytes after `Basic `: the Basic decoder sees
    /// well-formed and near-well-formed credentials, not only noise.
    #[test]
    fn random_basic_credentials_never_panic_or_answer_5xx(bytes in proptest::collection::vec(prop_oneof![3 => 0x20u8..0x7f, 1 => any::<u8>()], 0..40)) {
        use base64::Engine as _;
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let value = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(&bytes));
        for path in ["/basic", "/basic-opt"] {
            let answer = runtime.block_on(support::get(&APP, path, &[("authorization", value.as_bytes())]));
            // ROUTES §2: UTF-8 (D4), a colon, no byte 0x00–0x1F or 0x7F (D5).
            let valid = std::str::from_utf8(&bytes).is_ok_and(|t| t.contains(':') && !t.bytes().any(|b| b < 0x20 || b == 0x7f));
            assert_eq!(answer.status, if valid { 200 } else { 401 }, "{:?}", String::from_utf8_lossy(&bytes));
        }
    }
}

#[tokio::test]
async fn huge_values_never_panic_or_answer_5xx() {
    let app = &*APP;
    let big_b64 = format!("Basic {}", "QUFB".repeat(250_000));
    let big_token = format!("Bearer {}", "a".repeat(1_000_000));
    let big_cookie = format!("session={}", "x".repeat(1_000_000));
    let many_cookies = "a=b; ".repeat(100_000);
    for path in PATHS.iter().copied() {
        for (name, value) in [
            ("authorization", big_b64.as_bytes()),
            ("authorization", big_token.as_bytes()),
            ("cookie", big_cookie.as_bytes()),
            ("cookie", many_cookies.as_bytes()),
            ("x-api-key", big_token.as_bytes()),
        ] {
            assert_not_5xx(support::get(app, path, &[(name, value)]).await.status);
        }
    }
}
