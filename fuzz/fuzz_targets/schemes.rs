//! Any header bytes, any query: every scheme answers `Ok(None)`, `Ok(Some)`
//! or a 400/401 rejection, never panics, and what it returns holds together.

#![no_main]

use std::sync::LazyLock;

use http::{HeaderValue, Request, Uri, header};
use libfuzzer_sys::fuzz_target;
use warden::{ApiKey, HttpBasic, HttpBearer, HttpScheme, OAuth2PasswordBearer, Scheme};

/// Built once, as an app builds its schemes at startup (a scheme's settings
/// live for the rest of the process).
static BASIC: LazyLock<HttpBasic> = LazyLock::new(|| HttpBasic::new("api").unwrap());
static BEARER: LazyLock<HttpBearer> = LazyLock::new(HttpBearer::new);
static DIGEST: LazyLock<HttpScheme> = LazyLock::new(HttpScheme::digest);
static OAUTH2: LazyLock<OAuth2PasswordBearer> = LazyLock::new(|| OAuth2PasswordBearer::new("token").unwrap());
static KEYS: LazyLock<[ApiKey; 3]> = LazyLock::new(|| {
    [ApiKey::header("X-API-Key").unwrap(), ApiKey::query("api_key").unwrap(), ApiKey::cookie("session").unwrap()]
});

fuzz_target!(|data: &[u8]| {
    // Fields separated by NUL: Authorization lines, then X-API-Key, Cookie, query.
    let mut fields = data.split(|&b| b == 0);
    let mut request = Request::get("/");
    for name in [header::AUTHORIZATION, header::AUTHORIZATION, "x-api-key".parse().unwrap(), header::COOKIE] {
        if let Some(value) = fields.next().and_then(|bytes| HeaderValue::from_bytes(bytes).ok()) {
            request = request.header(name, value);
        }
    }
    if let Some(query) = fields.next()
        && let Ok(uri) = Uri::try_from([b"/?".as_slice(), query].concat())
    {
        request = request.uri(uri);
    }
    let Ok(request) = request.body(()) else { return };
    let (parts, ()) = request.into_parts();

    let basic = *BASIC;
    if let Ok(Some(creds)) = basic.extract(&parts) {
        assert!(!creds.username().contains(':'), "the user-id ends at the first colon");
        assert!(!creds.password().chars().any(char::is_control), "no control characters (D5)");
    }
    check(&basic, &parts);
    if let Ok(Some(creds)) = BEARER.extract(&parts) {
        assert!(!creds.token().is_empty());
        assert!(creds.scheme().eq_ignore_ascii_case("bearer"));
    }
    check(&*BEARER, &parts);
    check(&*DIGEST, &parts);
    check(&*OAUTH2, &parts);
    for key in KEYS.iter().copied() {
        if let Ok(Some(found)) = key.extract(&parts) {
            assert!(!found.as_str().is_empty(), "an empty key is missing");
        }
        check(&key, &parts);
    }
});

/// A rejection is a 400 or a 401; missing credentials give a 401 with a challenge.
fn check<S: Scheme>(scheme: &S, parts: &http::request::Parts) {
    match scheme.extract(parts) {
        Ok(Some(_)) => {}
        Ok(None) => {
            let missing = scheme.not_authenticated();
            assert_eq!(missing.status(), 401);
            assert!(!missing.challenges().is_empty());
        }
        Err(rejection) => assert!(matches!(rejection.status().as_u16(), 400 | 401), "{rejection:?}"),
    }
}
