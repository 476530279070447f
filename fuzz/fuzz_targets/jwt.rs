//! Any token text: verification answers `Ok` only for a token signed with
//! the key, and otherwise an error whose rejection is a 401; it never
//! panics. Any JSON: a JWK set parses or is refused, never panics.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use warden::{
    AuthRejection,
    jwt::{Algorithm, DecodingKey, JwkSet, JwtVerifier, KeySet},
};

/// 64 bytes: long enough for HS512 (RFC 7518 §3.2), and so for HS256 and HS384.
static SECRET: &[u8] = b"a fuzzing secret of 64 bytes, as RFC 7518 asks of HS512 keys!!!!";

/// The HMAC algorithms with one secret under `kid` "h" (a verifier refuses
/// algorithms its keys cannot verify); `exp` optional so that more inputs
/// reach the claims.
static VERIFIER: LazyLock<JwtVerifier<Value, KeySet>> = LazyLock::new(|| {
    let keys = KeySet::new().with_key("h", DecodingKey::from_secret(SECRET).unwrap());
    JwtVerifier::builder(keys, [Algorithm::Hs256, Algorithm::Hs384, Algorithm::Hs512]).exp_optional().audience("a").build().unwrap()
});

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = std::str::from_utf8(data) {
        match VERIFIER.verify(token) {
            Ok(verified) => assert!(verified.claims().is_object()),
            Err(error) => assert_eq!(AuthRejection::from(error).status(), 401),
        }
        let _ = warden::jwt::dangerous::decode_header(token);
    }
    if let Ok(set) = serde_json::from_slice::<JwkSet>(data) {
        let _ = KeySet::from_jwks(&set);
    }
});
