//! Differential: the one-pass claims reader (`de::claims` and the
//! registered-claims checks), the two-pass reading the verifier falls back
//! on, and the header's JSON reader, against a reference made of
//! `serde_json`, a visitor that refuses duplicate member names at any depth,
//! and the rules of the registered claims written again over its
//! `serde_json::Value` (see `warden::jwt::de::differential`). Every input
//! (any bytes, and the same spliced as a claim's value into realistic
//! claims) is read under four validations as `serde_json::Value`, a
//! struct and `IgnoredAny`: the decisions must be the same, and so must
//! the claims and dates read when they accept. A disagreement panics.
//!
//! Seeds: `fuzz/seeds/jwt_claims/`; dictionary: `fuzz/jwt_claims.dict`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| warden::jwt::fuzz_claims(data));
