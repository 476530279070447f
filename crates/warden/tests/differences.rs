//! One specification per POLICY.md difference (D-rule) that warden's schemes
//! implement: where warden answers differently from FastAPI 0.163.2 because
//! an RFC says so. `docs/differences.md` cites each test by name.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use axum::{Json, Router, routing::get};
use serde_json::{Value, json};
use support::{authorization, get as send};
use warden::{
    ApiKey, Auth, BearerToken, ConfigError, HttpBasic, HttpBearer, HttpScheme, OAuth2, OAuth2AuthorizationCodeBearer,
    OAuth2ClientCredentialsBearer, OAuth2PasswordBearer, OpenIdConnect, Scheme,
};

const NOT_AUTHENTICATED: &str = r#"{"detail":"Not authenticated"}"#;

fn not_authenticated() -> Value {
    serde_json::from_str(NOT_AUTHENTICATED).unwrap()
}

fn basic_app(realm: &str) -> Router {
    async fn echo(creds: Option<Auth<HttpBasic>>) -> Json<Value> {
        Json(creds.map_or(Value::Null, |Auth(c)| json!({"username": c.username(), "password": c.password()})))
    }
    Router::new().route("/", get(echo)).with_state(HttpBasic::new(realm).unwrap())
}

fn bearer_app() -> Router {
    async fn echo(creds: Option<Auth<HttpBearer>>) -> Json<Value> {
        Json(creds.map_or(Value::Null, |Auth(c)| json!({"scheme": c.scheme(), "credentials": c.credentials()})))
    }
    Router::new().route("/", get(echo)).with_state(HttpBearer::new())
}

fn generic_app(name: &str) -> Router {
    async fn echo(Auth(c): Auth<HttpScheme>) -> Json<Value> {
        Json(json!({"scheme": c.scheme(), "credentials": c.credentials()}))
    }
    Router::new().route("/", get(echo)).with_state(HttpScheme::new(name).unwrap())
}

fn key_app(scheme: ApiKey) -> Router {
    async fn echo(key: Option<Auth<ApiKey>>) -> Json<Value> {
        Json(json!({"api_key": key.map(|Auth(k)| k.into_string())}))
    }
    Router::new().route("/", get(echo)).with_state(scheme)
}

#[tokio::test]
async fn d1_basic_challenge_always_has_a_realm_and_charset() {
    let answer = authorization(&basic_app("api"), "/", b"Basic !!!!").await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.challenges, [r#"Basic realm="api", charset="UTF-8""#]);
    assert_eq!(answer.body, not_authenticated());
}

#[tokio::test]
async fn d2_realm_is_an_escaped_quoted_string() {
    let answer = authorization(&basic_app(r#"a "quoted" \ realm"#), "/", b"Basic !!!!").await;
    assert_eq!(answer.challenges, [r#"Basic realm="a \"quoted\" \\ realm", charset="UTF-8""#]);
}

#[test]
fn d2_unsendable_realm_is_a_configuration_error() {
    for realm in ["r\u{e9}alm", "line\nbreak", "nul\0", "del\u{7f}"] {
        let error = HttpBasic::new(realm).unwrap_err();
        assert!(matches!(error, ConfigError::InvalidChallenge(_)), "{realm:?}");
    }
}

#[tokio::test]
async fn d3_basic_requires_strict_base64() {
    // bad padding, unpadded, a non-alphabet character inside, non-zero pad bits, data after padding
    for credentials in ["dXNlcjpwYXN", "dXNlcjpwYQ", "dXNl.cjpw.YXNz", "Oh==", "Og==Og=="] {
        let answer = authorization(&basic_app("api"), "/", format!("Basic {credentials}").as_bytes()).await;
        assert_eq!(answer.status, 401, "{credentials}");
        assert_eq!(answer.body, not_authenticated());
    }
}

#[tokio::test]
async fn d4_basic_credentials_are_utf8() {
    let answer = authorization(&basic_app("api"), "/", b"Basic asO2aG46cMOkc3N3b3Jk").await;
    assert_eq!(answer.body, json!({"username": "jöhn", "password": "pässword"}));
    let latin1 = authorization(&basic_app("api"), "/", b"Basic avZobjpwYXNz").await;
    assert_eq!(latin1.status, 401);
}

#[tokio::test]
async fn d5_control_characters_in_basic_credentials_are_refused() {
    // "us\0er:pa\x01ss\x7f"
    let answer = authorization(&basic_app("api"), "/", b"Basic dXMAZXI6cGEBc3N/").await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.challenges, [r#"Basic realm="api", charset="UTF-8""#]);
}

#[tokio::test]
async fn d6_a_bearer_token_that_is_not_b64token_is_a_bad_request() {
    for token in [&br#""abc""#[..], b"abc, Basic xyz", b"t\xc3\xb6k", b"a b"] {
        let mut value = b"Bearer ".to_vec();
        value.extend_from_slice(token);
        let answer = authorization(&bearer_app(), "/", &value).await;
        assert_eq!(answer.status, 400, "{:?}", String::from_utf8_lossy(token));
        assert!(answer.challenges[0].starts_with(r#"Bearer error="invalid_request""#));
    }
}

#[tokio::test]
async fn d7_d18_bearer_with_an_empty_token_is_missing() {
    for value in [&b"Bearer"[..], b"Bearer ", b"Bearer   \t "] {
        let answer = authorization(&bearer_app(), "/", value).await;
        assert_eq!((answer.status, answer.body.clone()), (200, Value::Null));
    }
}

/// An app whose one route echoes the bearer token of the required scheme
/// `S` and, at `/optional`, of the optional one.
fn token_app<S: Scheme<Credentials = BearerToken>>(scheme: S) -> Router {
    async fn echo<S: Scheme<Credentials = BearerToken>>(Auth(token): Auth<S>) -> Json<Value> {
        Json(json!({"authorization": token.as_str()}))
    }
    async fn optional<S: Scheme<Credentials = BearerToken>>(token: Option<Auth<S>>) -> Json<Value> {
        Json(json!({"authorization": token.as_deref().map(BearerToken::as_str)}))
    }
    Router::new().route("/", get(echo::<S>)).route("/optional", get(optional::<S>)).with_state(scheme)
}

/// Every OAuth2 and OpenID Connect scheme, each as an app.
fn oauth2_apps() -> Vec<(&'static str, Router)> {
    vec![
        ("password", token_app(OAuth2PasswordBearer::new("token").unwrap())),
        ("authorization code", token_app(OAuth2AuthorizationCodeBearer::new("authorize", "token").unwrap())),
        ("client credentials", token_app(OAuth2ClientCredentialsBearer::new("token").unwrap())),
        ("base", token_app(OAuth2::builder().build().unwrap())),
        (
            "openid connect",
            token_app(OpenIdConnect::new("https://example.com/.well-known/openid-configuration").unwrap()),
        ),
    ]
}

#[tokio::test]
async fn d7_d18_every_oauth2_scheme_treats_an_empty_token_as_missing() {
    for (name, app) in oauth2_apps() {
        for value in [&b"Bearer"[..], b"Bearer ", b"bearer   \t "] {
            let answer = authorization(&app, "/", value).await;
            assert_eq!((answer.status, answer.challenges.as_slice()), (401, &["Bearer".to_owned()][..]), "{name}");
            assert_eq!(answer.body, not_authenticated());
            let answer = authorization(&app, "/optional", value).await;
            assert_eq!((answer.status, answer.body), (200, json!({"authorization": null})), "{name}");
        }
    }
}

#[tokio::test]
async fn d8_oauth2_base_and_openid_connect_extract_a_bearer_token_not_the_header() {
    for (name, app) in oauth2_apps() {
        let answer = authorization(&app, "/", b"Bearer abc.def").await;
        assert_eq!((answer.status, answer.body), (200, json!({"authorization": "abc.def"})), "{name}");
        // Another scheme is no bearer token: missing, with the Bearer challenge.
        let answer = authorization(&app, "/", b"Basic YWxpY2U6c2VjcmV0").await;
        assert_eq!((answer.status, answer.challenges.as_slice()), (401, &["Bearer".to_owned()][..]), "{name}");
        // And the D6 rules hold: a token with a space is a bad request.
        let answer = authorization(&app, "/optional", b"Bearer a b").await;
        assert_eq!(answer.status, 400, "{name}");
        assert!(answer.challenges[0].starts_with(r#"Bearer error="invalid_request""#), "{name}");
    }
}

#[tokio::test]
async fn d9_generic_scheme_compares_the_scheme_name() {
    let app = generic_app("custom-scheme");
    let answer = authorization(&app, "/", b"Anything tok").await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.challenges, ["Custom-Scheme"]);
    let answer = authorization(&app, "/", b"CUSTOM-SCHEME tok").await;
    assert_eq!(answer.body, json!({"scheme": "CUSTOM-SCHEME", "credentials": "tok"}));
}

#[tokio::test]
async fn d10_repeated_credentials_are_a_bad_request() {
    let two_lines: &[(&str, &[u8])] = &[("authorization", b"Basic dXNlcjpwYXNz"), ("authorization", b"Bearer abc")];
    assert_eq!(send(&basic_app("api"), "/", two_lines).await.status, 400);
    let answer = send(&bearer_app(), "/", two_lines).await;
    assert_eq!(answer.status, 400);
    assert!(answer.challenges[0].starts_with(r#"Bearer error="invalid_request""#));
    let header = key_app(ApiKey::header("X-API-Key").unwrap());
    assert_eq!(send(&header, "/", &[("x-api-key", b""), ("x-api-key", b"b")]).await.status, 400);
    let query = key_app(ApiKey::query("api_key").unwrap());
    assert_eq!(send(&query, "/?api_key=a&api_key=b", &[]).await.status, 400);
}

#[tokio::test]
async fn d10_repeated_cookies_are_not_rejected_the_last_wins() {
    let cookie = key_app(ApiKey::cookie("session").unwrap());
    let answer = send(&cookie, "/", &[("cookie", b"session=abc; session=def")]).await;
    assert_eq!(answer.body, json!({"api_key": "def"}));
}

#[tokio::test]
async fn d11_only_space_and_tab_are_whitespace() {
    let answer = authorization(&bearer_app(), "/", b"Bearer \xa0abc\xa0").await;
    assert_eq!(answer.status, 400);
    let answer = authorization(&bearer_app(), "/", b"Bearer \x85abc").await;
    assert_eq!(answer.status, 400);
    let answer = authorization(&basic_app("api"), "/", b"Basic\xa0dXNlcjpwYXNz").await;
    assert_eq!((answer.status, answer.body), (200, Value::Null), "NBSP does not separate the scheme");
}

#[tokio::test]
async fn d15_spaces_and_tabs_before_the_credentials_are_skipped() {
    let answer = authorization(&basic_app("api"), "/", b"Basic \t dXNlcjpwYXNz").await;
    assert_eq!(answer.body, json!({"username": "user", "password": "pass"}));
    let answer = authorization(&bearer_app(), "/", b"Bearer\tabc").await;
    assert_eq!(answer.body, Value::Null, "a tab right after the scheme makes another scheme");
}

#[tokio::test]
async fn d17_basic_without_credentials_is_malformed_even_when_optional() {
    for value in [&b"Basic"[..], b"Basic ", b"Basic    "] {
        let answer = authorization(&basic_app("api"), "/", value).await;
        assert_eq!(answer.status, 401);
        assert_eq!(answer.challenges, [r#"Basic realm="api", charset="UTF-8""#]);
    }
}

#[tokio::test]
async fn d18_optional_bearer_still_rejects_malformed_tokens() {
    let answer = authorization(&bearer_app(), "/", b"Bearer \"x\"").await;
    assert_eq!(answer.status, 400);
}

#[tokio::test]
async fn d21_non_ascii_api_key_bytes_are_latin1() {
    let app = key_app(ApiKey::header("X-API-Key").unwrap());
    let answer = send(&app, "/", &[("x-api-key", b"\xc3\xa9")]).await;
    assert_eq!(answer.body, json!({"api_key": "\u{c3}\u{a9}"}));
    let answer = send(&app, "/", &[("x-api-key", b"\xa0")]).await;
    assert_eq!(answer.body, json!({"api_key": "\u{a0}"}));
}

#[tokio::test]
async fn d22_query_keys_are_form_decoded_utf8() {
    let app = key_app(ApiKey::query("api_key").unwrap());
    assert_eq!(send(&app, "/?api_key=j%C3%B6hn", &[]).await.body, json!({"api_key": "jöhn"}));
    assert_eq!(send(&app, "/?api_key=caf%E9", &[]).await.body, json!({"api_key": "caf\u{fffd}"}));
    assert_eq!(send(&app, "/?api_key=a+b", &[]).await.body, json!({"api_key": "a b"}));
}
