//! The OAuth2 password request form and the token response: ROUTES.md 4.6,
//! POLICY.md D12, D13, D19 and D22, and RFC 6749 §4.3.2, §5.1 and §5.2.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Duration;

use axum::{
    Json, Router,
    body::Body,
    extract::DefaultBodyLimit,
    http::{HeaderMap, HeaderValue, Request},
    routing::post,
};
use http_body_util::BodyExt as _;
use proptest::prelude::*;
use serde_json::{Value, json};
use tower::ServiceExt as _;
use warden::{
    OAuth2PasswordRequestForm, OAuth2PasswordRequestFormStrict, Secret, TokenResponse,
    token_endpoint::{TokenFormErrorKind, TokenFormRejection},
};

const FORM: &str = "application/x-www-form-urlencoded";

/// The `/token-echo` shape of ROUTES.md 4.6.
fn echo(form: &OAuth2PasswordRequestForm) -> Value {
    json!({
        "grant_type": form.grant_type,
        "username": form.username,
        "password": form.password.expose(),
        "scopes": form.scopes,
        "client_id": form.client_id,
        "client_secret": form.client_secret.as_ref().map(Secret::expose),
    })
}

/// `/plain` and `/strict` echo their form.
fn app() -> Router {
    Router::new()
        .route("/plain", post(|form: OAuth2PasswordRequestForm| async move { Json(echo(&form)) }))
        .route("/strict", post(|form: OAuth2PasswordRequestFormStrict| async move { Json(echo(&form)) }))
}

struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Value,
}

/// Posts `body` to `uri` with one `Content-Type` line per entry of `content_types`.
async fn send(app: &Router, uri: &str, content_types: &[&[u8]], body: &[u8]) -> Answer {
    let mut request = Request::post(uri);
    for content_type in content_types {
        request = request.header("content-type", HeaderValue::from_bytes(content_type).unwrap());
    }
    let response = app.clone().oneshot(request.body(Body::from(body.to_vec())).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    // No body is `null`; a body that is not JSON fails the test.
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|error| panic!("the body is not JSON ({error}): {bytes:?}"))
    };
    Answer { status, headers, body }
}

/// Posts a form body to `uri`.
async fn post_form(uri: &str, body: &[u8]) -> Answer {
    send(&app(), uri, &[FORM.as_bytes()], body).await
}

/// Parses `body` as the plain form.
fn plain(body: &[u8]) -> Result<OAuth2PasswordRequestForm, TokenFormRejection> {
    OAuth2PasswordRequestForm::parse(Some(&HeaderValue::from_static(FORM)), body)
}

/// Parses `body` as the strict form.
fn strict(body: &[u8]) -> Result<OAuth2PasswordRequestFormStrict, TokenFormRejection> {
    OAuth2PasswordRequestFormStrict::parse(Some(&HeaderValue::from_static(FORM)), body)
}

/// The error code of a refused body.
fn error_of<T: std::fmt::Debug>(result: Result<T, TokenFormRejection>) -> TokenFormErrorKind {
    result.unwrap_err().kind()
}

/// A token error as RFC 6749 §5.2 and D12 want it.
fn assert_token_error(answer: &Answer, error: &str) {
    assert_eq!(answer.status, 400);
    assert_eq!(answer.headers["content-type"], "application/json");
    assert_eq!(answer.headers["cache-control"], "no-store");
    assert!(answer.headers.get("www-authenticate").is_none());
    assert_eq!(answer.body["error"], error, "{}", answer.body);
}

// ---- the fields ------------------------------------------------------------

#[tokio::test]
async fn all_six_fields_are_extracted() {
    let answer = post_form(
        "/plain",
        b"grant_type=password&username=alice&password=secret&scope=a%20b&client_id=cid&client_secret=csec",
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.body,
        json!({"grant_type": "password", "username": "alice", "password": "secret", "scopes": ["a", "b"],
               "client_id": "cid", "client_secret": "csec"})
    );
}

#[tokio::test]
async fn grant_type_is_optional_in_the_plain_form() {
    let answer = post_form("/plain", b"username=alice&password=secret").await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.body,
        json!({"grant_type": null, "username": "alice", "password": "secret", "scopes": [],
               "client_id": null, "client_secret": null})
    );
}

#[tokio::test]
async fn strict_form_requires_grant_type() {
    assert_token_error(&post_form("/strict", b"username=u&password=p").await, "invalid_request");
    assert_token_error(&post_form("/strict", b"").await, "invalid_request");
    let minimal = post_form("/strict", b"grant_type=password&username=u&password=p").await;
    assert_eq!(minimal.status, 200);
    assert_eq!(
        minimal.body,
        json!({"grant_type": "password", "username": "u", "password": "p", "scopes": [],
               "client_id": null, "client_secret": null})
    );
}

#[test]
fn strict_form_derefs_to_the_plain_one() {
    let form = strict(b"grant_type=password&username=u&password=p").unwrap();
    assert_eq!(form.username, "u");
    let inner: OAuth2PasswordRequestForm = form.clone().into();
    assert_eq!(inner, form.into_inner());
}

// ---- rule 1: the media type ---------------------------------------------------

#[tokio::test]
async fn media_type_ignores_parameters_case_and_surrounding_whitespace() {
    for content_type in [
        "application/x-www-form-urlencoded; charset=utf-8",
        "APPLICATION/X-WWW-FORM-URLENCODED",
        "Application/X-Www-Form-Urlencoded;charset=latin1",
        "application/x-www-form-urlencoded \t; a=b",
    ] {
        let answer =
            send(&app(), "/strict", &[content_type.as_bytes()], b"grant_type=password&username=u&password=p").await;
        assert_eq!(answer.status, 200, "{content_type}");
        assert_eq!(answer.body["username"], "u");
    }
}

#[tokio::test]
async fn a_body_that_is_not_a_form_is_an_invalid_request() {
    let body = b"username=u&password=p";
    for content_type in [
        &b"multipart/form-data; boundary=x"[..],
        b"application/json",
        b"text/plain",
        b"application/x-www-form-urlencoded-x",
        b"application/x-www-form-urlencoded,text/plain",
        b"",
        b"application/x-www-form-urlencoded\xe9",
    ] {
        let answer = send(&app(), "/plain", &[content_type], body).await;
        assert_token_error(&answer, "invalid_request");
    }
    assert_token_error(&send(&app(), "/plain", &[], body).await, "invalid_request");
}

#[tokio::test]
async fn a_multipart_body_is_not_read_as_a_form() {
    let body = b"--x\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nu\r\n\
                 --x\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\np\r\n--x--\r\n";
    let answer = send(&app(), "/plain", &[b"multipart/form-data; boundary=x"], body).await;
    assert_token_error(&answer, "invalid_request");
}

#[tokio::test]
async fn a_json_body_is_not_read_as_a_form() {
    let answer = send(&app(), "/plain", &[b"application/json"], br#"{"username": "u", "password": "p"}"#).await;
    assert_token_error(&answer, "invalid_request");
}

#[tokio::test]
async fn two_content_type_lines_are_an_invalid_request() {
    let answer = send(&app(), "/plain", &[FORM.as_bytes(), FORM.as_bytes()], b"username=u&password=p").await;
    assert_token_error(&answer, "invalid_request");
}

#[test]
fn the_media_type_is_checked_before_the_grant_type() {
    let text = HeaderValue::from_static("text/plain");
    let refused = OAuth2PasswordRequestForm::parse(Some(&text), b"grant_type=refresh_token");
    assert_eq!(error_of(refused), TokenFormErrorKind::InvalidRequest);
    assert_eq!(
        error_of(OAuth2PasswordRequestForm::parse(None, b"username=u&password=p")),
        TokenFormErrorKind::InvalidRequest
    );
}

// ---- rule 2: repeated fields --------------------------------------------------------

#[tokio::test]
async fn a_repeated_field_is_an_invalid_request() {
    assert_token_error(&post_form("/plain", b"username=first&username=second&password=p").await, "invalid_request");
    for field in ["grant_type", "username", "password", "scope", "client_id", "client_secret"] {
        let body = format!("grant_type=password&username=u&password=p&{field}=x&{field}=x");
        assert_eq!(error_of(plain(body.as_bytes())), TokenFormErrorKind::InvalidRequest, "{field}");
    }
}

#[tokio::test]
async fn an_empty_occurrence_counts_as_a_repetition() {
    assert_token_error(&post_form("/plain", b"username=&username=bob&password=p").await, "invalid_request");
    assert_eq!(error_of(plain(b"username&username=bob&password=p")), TokenFormErrorKind::InvalidRequest);
    assert_eq!(error_of(plain(b"username=u&password=p&scope=&scope=")), TokenFormErrorKind::InvalidRequest);
}

#[tokio::test]
async fn a_repeated_grant_type_is_refused_before_its_value_is_looked_at() {
    let answer = post_form("/strict", b"grant_type=refresh_token&grant_type=password&username=u&password=p").await;
    assert_token_error(&answer, "invalid_request");
}

#[test]
fn field_names_are_compared_after_decoding() {
    assert_eq!(error_of(plain(b"username=a&user%6Eame=b&password=p")), TokenFormErrorKind::InvalidRequest);
    assert_eq!(plain(b"user%6Eame=a&pass%77ord=p").unwrap().username, "a");
}

#[tokio::test]
async fn unknown_fields_are_ignored_even_when_repeated() {
    let answer = post_form("/strict", b"grant_type=password&username=u&password=p&foo=1&foo=2").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["username"], "u");
    assert_eq!(plain(b"Username=x&username=u&password=p&PASSWORD=y").unwrap().username, "u");
}

// ---- rule 3: the grant type ---------------------------------------------------------

#[tokio::test]
async fn grant_type_must_be_exactly_password() {
    for grant_type in ["PASSWORD", "password%0A", "%20password", "password+", "refresh_token", "client_credentials"] {
        let body = format!("grant_type={grant_type}&username=u&password=p");
        for uri in ["/plain", "/strict"] {
            let answer = post_form(uri, body.as_bytes()).await;
            assert_token_error(&answer, "unsupported_grant_type");
            assert_eq!(answer.body, json!({"error": "unsupported_grant_type"}), "{uri} {grant_type}");
        }
    }
}

#[test]
fn the_grant_type_is_checked_before_the_fields_it_requires() {
    assert_eq!(error_of(plain(b"grant_type=client_credentials")), TokenFormErrorKind::UnsupportedGrantType);
    assert_eq!(error_of(strict(b"grant_type=authorization_code&code=x")), TokenFormErrorKind::UnsupportedGrantType);
}

// ---- rule 4: required fields ----------------------------------------------------------

#[tokio::test]
async fn username_and_password_are_required_and_described() {
    for body in [&b"password=p"[..], b"username=u", b"", b"grant_type=password"] {
        let answer = post_form("/plain", body).await;
        assert_token_error(&answer, "invalid_request");
        assert!(answer.body["error_description"].is_string(), "{}", answer.body);
    }
}

#[tokio::test]
async fn an_empty_value_counts_as_absent() {
    assert_token_error(&post_form("/strict", b"grant_type=password&username=u&password=").await, "invalid_request");
    assert_eq!(error_of(plain(b"username=&password=p")), TokenFormErrorKind::InvalidRequest);
    assert_eq!(error_of(plain(b"username&password=p")), TokenFormErrorKind::InvalidRequest, "no `=`: value \"\"");
    assert_eq!(error_of(strict(b"grant_type=&username=u&password=p")), TokenFormErrorKind::InvalidRequest);
    let form = plain(b"grant_type=&username=u&password=p&scope=&client_id=&client_secret=").unwrap();
    assert_eq!(form.grant_type, None);
    assert!(form.scopes.is_empty());
    assert_eq!(form.client_id, None);
    assert_eq!(form.client_secret, None);
}

#[tokio::test]
async fn whitespace_is_a_value() {
    let answer = post_form("/strict", b"grant_type=password&username=%20&password=%20").await;
    assert_eq!(answer.status, 200);
    assert_eq!((&answer.body["username"], &answer.body["password"]), (&json!(" "), &json!(" ")));
}

// ---- scopes (D13) -----------------------------------------------------------------------

#[tokio::test]
async fn scope_is_split_at_spaces_only() {
    let answer = post_form("/plain", b"username=u&password=p&scope=%20a%20%20b%09c%0Ad%20").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["scopes"], json!(["a", "b\tc\nd"]));
}

#[test]
fn scope_keeps_duplicates_and_decodes_plus_as_space() {
    assert_eq!(plain(b"username=u&password=p&scope=a%20a%20b").unwrap().scopes, ["a", "a", "b"]);
    assert_eq!(plain(b"username=u&password=p&scope=me+items").unwrap().scopes, ["me", "items"]);
    assert_eq!(plain(b"username=u&password=p&scope=+++").unwrap().scopes, Vec::<String>::new());
}

// ---- decoding (D22) ----------------------------------------------------------------------

#[tokio::test]
async fn the_body_is_decoded_like_a_query_string() {
    let form = plain(b"username=j%C3%B6hn&password=a+b%2Bc").unwrap();
    assert_eq!((form.username.as_str(), form.password.expose()), ("jöhn", "a b+c"));
    let form = plain(b"username=100%&password=%zz%4").unwrap();
    assert_eq!((form.username.as_str(), form.password.expose()), ("100%", "%zz%4"), "a malformed % stays literal");
    let form = plain(b"&&username=a=b&&password=p&").unwrap();
    assert_eq!(form.username, "a=b", "split at the first `=`, empty parts skipped");
    let form = plain(b"username=a;password=b&password=p").unwrap();
    assert_eq!(form.username, "a;password=b", "`;` is not a separator");
}

#[tokio::test]
async fn invalid_utf8_becomes_the_replacement_character() {
    let answer = post_form("/strict", b"grant_type=password&username=%FF&password=p").await;
    assert_eq!(answer.body["username"], "\u{fffd}");
    let answer = post_form("/plain", b"username=caf\xe9&password=p").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["username"], "caf\u{fffd}", "a raw 0xE9 is not latin-1 (D22)");
}

#[tokio::test]
async fn raw_utf8_bytes_are_utf8() {
    let answer = post_form("/strict", "grant_type=password&username=jöhn&password=p".as_bytes()).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["username"], "jöhn");
}

// ---- the error response (RFC 6749 §5.2) -------------------------------------------------

#[tokio::test]
async fn errors_never_repeat_what_the_client_sent() {
    let bodies: [&[u8]; 4] = [
        b"username=u&password=hunter2&password=hunter2",
        b"grant_type=hunter2&username=u&password=hunter2",
        b"username=hunter2&client_secret=hunter2",
        b"username=u&password=p&client_secret=hunter2&client_secret=hunter2",
    ];
    for body in bodies {
        let answer = post_form("/plain", body).await;
        assert_eq!(answer.status, 400);
        assert!(!answer.body.to_string().contains("hunter2"), "{}", answer.body);
        let rejection = plain(body).unwrap_err();
        assert!(!rejection.to_string().contains("hunter2"));
        assert!(!format!("{rejection:?}").contains("hunter2"));
    }
}

#[test]
fn rejection_exposes_kind_status_description_and_body() {
    let rejection = plain(b"username=u").unwrap_err();
    assert_eq!(rejection.kind(), TokenFormErrorKind::InvalidRequest);
    assert_eq!(rejection.kind().as_str(), "invalid_request");
    assert_eq!(rejection.status(), 400);
    assert_eq!(rejection.description(), Some("the form field `password` is required"));
    assert_eq!(
        rejection.body_json(),
        json!({"error": "invalid_request", "error_description": "the form field `password` is required"})
    );
    assert_eq!(rejection.to_string(), "invalid_request: the form field `password` is required");
    let error: Box<dyn std::error::Error> = Box::new(rejection);
    assert!(error.source().is_none());

    let rejection = plain(b"grant_type=x").unwrap_err();
    assert_eq!(rejection.description(), None);
    assert_eq!(rejection.to_string(), "unsupported_grant_type");
}

#[tokio::test]
async fn a_body_over_the_limit_keeps_its_413() {
    let app = app().layer(DefaultBodyLimit::max(64));
    let mut body = b"username=u&password=p&padding=".to_vec();
    body.resize(1000, b'x');
    let answer = send(&app, "/plain", &[FORM.as_bytes()], &body).await;
    assert_eq!(answer.status, 413);
    assert_eq!(answer.headers["content-type"], "application/json");
    assert_eq!(answer.body["error"], "invalid_request");
    let small = send(&app, "/plain", &[FORM.as_bytes()], b"username=u&password=p").await;
    assert_eq!(small.status, 200);
}

#[tokio::test]
async fn result_lets_the_handler_decide() {
    async fn token(form: Result<OAuth2PasswordRequestForm, TokenFormRejection>) -> Json<Value> {
        Json(json!(form.map_err(|rejection| rejection.kind().as_str()).map(|form| form.username)))
    }
    let app = Router::new().route("/", post(token));
    let answer = send(&app, "/", &[FORM.as_bytes()], b"grant_type=x").await;
    assert_eq!(answer.body, json!({"Err": "unsupported_grant_type"}));
}

// ---- secrets in Debug ------------------------------------------------------------------

#[test]
fn debug_shows_neither_password_nor_client_secret() {
    let form = plain(b"username=alice&password=swordfish&client_id=app&client_secret=marlin").unwrap();
    let debug = format!("{form:?}");
    assert!(debug.contains("alice") && debug.contains("app"), "{debug}");
    assert!(!debug.contains("swordfish") && !debug.contains("marlin"), "{debug}");
    let strict = strict(b"grant_type=password&username=alice&password=swordfish&client_secret=marlin").unwrap();
    assert!(!format!("{strict:?}").contains("swordfish"));
    assert!(!format!("{strict:?}").contains("marlin"));
}

// ---- the token response (RFC 6749 §5.1) ---------------------------------------------------

#[test]
fn a_bearer_response_is_the_fastapi_tutorial_answer() {
    let json = serde_json::to_string(&TokenResponse::bearer("alice.me")).unwrap();
    assert_eq!(json, r#"{"access_token":"alice.me","token_type":"bearer"}"#);
}

#[tokio::test]
async fn json_of_a_bearer_response_is_exactly_access_token_and_token_type() {
    let app = Router::new().route("/", post(|| async { Json(TokenResponse::bearer("t")) }));
    let answer = send(&app, "/", &[], b"").await;
    assert_eq!(answer.body, json!({"access_token": "t", "token_type": "bearer"}));
}

#[tokio::test]
async fn a_token_response_is_never_cached() {
    let app = Router::new().route("/", post(|| async { TokenResponse::bearer("t") }));
    let answer = send(&app, "/", &[], b"").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["content-type"], "application/json");
    assert_eq!(answer.headers["cache-control"], "no-store");
    assert_eq!(answer.headers["pragma"], "no-cache");
    assert_eq!(answer.body, json!({"access_token": "t", "token_type": "bearer"}));
}

#[test]
fn optional_token_fields_are_written_when_set() {
    let response = TokenResponse::bearer("at")
        .expires_in(Duration::from_millis(3_600_900))
        .refresh_token("rt")
        .scope(["me", "items"]);
    assert_eq!(
        serde_json::to_value(&response).unwrap(),
        json!({"access_token": "at", "token_type": "bearer", "expires_in": 3600, "refresh_token": "rt",
               "scope": "me items"})
    );
    assert_eq!((response.access_token(), response.token_type()), ("at", "bearer"));
    let no_scopes = TokenResponse::bearer("at").scope(Vec::<String>::new());
    assert_eq!(serde_json::to_value(no_scopes).unwrap(), json!({"access_token": "at", "token_type": "bearer"}));
}

#[test]
fn token_response_debug_hides_the_tokens() {
    let debug = format!("{:?}", TokenResponse::bearer("access-secret").refresh_token("refresh-secret").scope(["me"]));
    assert!(!debug.contains("access-secret") && !debug.contains("refresh-secret"), "{debug}");
    assert!(debug.contains("bearer") && debug.contains("me"), "{debug}");
}

// ---- no panics ------------------------------------------------------------------------------

/// Bytes that favour the form's own syntax and field names.
fn form_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"grant_type".to_vec()),
        Just(b"username".to_vec()),
        Just(b"password".to_vec()),
        Just(b"scope".to_vec()),
        Just(b"client_id".to_vec()),
        Just(b"client_secret".to_vec()),
        Just(b"=".to_vec()),
        Just(b"&".to_vec()),
        Just(b"%".to_vec()),
        Just(b"+".to_vec()),
        Just(b"%FF".to_vec()),
        prop::collection::vec(any::<u8>(), 0..8),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

/// Content types near and far from the form's.
fn content_type() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        Just(Some(FORM.as_bytes().to_vec())),
        Just(Some(b"APPLICATION/x-www-form-URLENCODED ; charset=utf-8".to_vec())),
        Just(None),
        prop::collection::vec(any::<u8>(), 0..48).prop_map(Some),
    ]
}

/// What every outcome must satisfy.
fn check(result: Result<OAuth2PasswordRequestForm, TokenFormRejection>) -> Result<(), TestCaseError> {
    match result {
        Ok(form) => {
            prop_assert!(!form.username.is_empty() && !form.password.expose().is_empty());
            prop_assert!(form.grant_type.as_deref().is_none_or(|grant_type| grant_type == "password"));
            prop_assert!(form.scopes.iter().all(|scope| !scope.is_empty() && !scope.contains(' ')));
        }
        Err(rejection) => {
            prop_assert_eq!(rejection.status(), 400);
            prop_assert!(rejection.body_json()["error"].is_string());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bodies_and_content_types_never_panic(content_type in content_type(), body in form_bytes()) {
        // Bytes a header value cannot hold (CR, LF, NUL...) never reach an extractor.
        let header = content_type.and_then(|bytes| HeaderValue::from_bytes(&bytes).ok());
        let plain = OAuth2PasswordRequestForm::parse(header.as_ref(), &body);
        let strict = OAuth2PasswordRequestFormStrict::parse(header.as_ref(), &body);
        if let Ok(strict) = &strict {
            prop_assert_eq!(plain.as_ref().ok(), Some(&strict.0), "strict accepts a subset of plain");
        }
        check(plain)?;
        check(strict.map(OAuth2PasswordRequestFormStrict::into_inner))?;
    }

    #[test]
    fn random_bytes_through_the_extractor_answer_200_or_400(body in prop::collection::vec(any::<u8>(), 0..256)) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let (plain, strict) = runtime.block_on(async {
            (post_form("/plain", &body).await.status, post_form("/strict", &body).await.status)
        });
        prop_assert!(plain == 200 || plain == 400);
        prop_assert!(strict == 200 || strict == 400);
    }
}

#[tokio::test]
async fn a_huge_body_is_parsed_without_trouble() {
    let mut body = b"username=u&password=p&".to_vec();
    body.extend(b"foo=%FF%&".repeat(200_000));
    let answer = send(&app().layer(DefaultBodyLimit::disable()), "/plain", &[FORM.as_bytes()], &body).await;
    assert_eq!(answer.status, 200);
}
