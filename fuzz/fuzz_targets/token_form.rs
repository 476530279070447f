//! Any Content-Type and body: the token form parses or answers a 400/413
//! RFC 6749 error, never panics, and what it returns holds together.

#![no_main]

use http::HeaderValue;
use libfuzzer_sys::fuzz_target;
use warden::{OAuth2PasswordRequestForm, OAuth2PasswordRequestFormStrict};

fuzz_target!(|data: &[u8]| {
    // The Content-Type, a NUL, then the body.
    let (content_type, body) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (&b"application/x-www-form-urlencoded"[..], data),
    };
    let content_type = HeaderValue::from_bytes(content_type).ok();
    match OAuth2PasswordRequestForm::parse(content_type.as_ref(), body) {
        Ok(form) => {
            assert!(!form.username.is_empty());
            assert!(!form.password.expose().is_empty());
            assert!(form.scopes.iter().all(|scope| !scope.is_empty() && !scope.contains(' ')));
            assert!(form.grant_type.as_deref().is_none_or(|grant| grant == "password"));
        }
        Err(rejection) => assert_eq!(rejection.status(), 400),
    }
    if let Ok(strict) = OAuth2PasswordRequestFormStrict::parse(content_type.as_ref(), body) {
        assert_eq!(strict.grant_type.as_deref(), Some("password"));
    }
});
