//! Specifications of `warden::jwt`: PyJWT's tokens verify, every way a token
//! can be wrong answers RFC 6750's `401 invalid_token`, time comes from the
//! injected clock, and the verified-token cache never outlives a token.
//!
//! The fixtures (`tests/fixtures/jwt/pyjwt.json`) are minted by PyJWT with
//! `tests/fixtures/jwt/mint.py`; their dates are fixed and the clock here is
//! a `FixedClock` at the fixture's `now`, so they never expire.

#![cfg(feature = "jwt")]
// Helpers shared by the tests unwrap, as the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{
    sync::{Arc, LazyLock},
    time::Duration,
};

use axum::response::IntoResponse as _;
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use proptest::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};
use warden::{
    AuthRejection,
    jwt::{
        Algorithm, DecodingKey, EncodingKey, FixedClock, Header, JwkSet, JwtConfigError, JwtError, JwtErrorKind,
        JwtVerifier, KeySet, KeySource, ScopedClaims, TokenIssuer, encode,
    },
};

static FIXTURE: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(include_str!("fixtures/jwt/pyjwt.json")).expect("pyjwt.json is JSON"));

fn now() -> i64 {
    FIXTURE["now"].as_i64().unwrap()
}

fn key_text(family: &str, name: &str) -> &'static str {
    FIXTURE["keys"][family][name].as_str().unwrap()
}

fn pyjwt_token(alg: &str) -> &'static str {
    FIXTURE["tokens"][alg]["token"].as_str().unwrap()
}

fn extra(name: &str) -> &'static str {
    FIXTURE["extra"][name].as_str().unwrap()
}

/// The claims PyJWT put in every token.
#[derive(Debug, Deserialize, PartialEq)]
struct Claims {
    sub: String,
    scopes: Vec<String>,
    exp: i64,
    iat: i64,
    aud: String,
}

/// The public key of the fixture family `family`, from its PEM.
fn public_key(family: &str) -> DecodingKey {
    match family {
        "hmac" => DecodingKey::from_secret(key_text("hmac", "secret").as_bytes()).unwrap(),
        "rsa" => DecodingKey::from_rsa_pem(key_text("rsa", "public_spki_pem").as_bytes()).unwrap(),
        "p256" | "p384" => DecodingKey::from_ec_pem(key_text(family, "public_spki_pem").as_bytes()).unwrap(),
        "ed25519" => DecodingKey::from_ed25519_pem(key_text("ed25519", "public_spki_pem").as_bytes()).unwrap(),
        _ => unreachable!("{family}"),
    }
}

fn family_of(alg: &str) -> &'static str {
    FIXTURE["tokens"][alg]["key"].as_str().unwrap()
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at(now()))
}

/// A verifier as the fixtures need it: audience and issuer, fixed clock.
fn verifier<K: KeySource>(keys: K, algorithms: impl IntoIterator<Item = Algorithm>) -> JwtVerifier<Claims, K> {
    JwtVerifier::builder(keys, algorithms)
        .audience("warden-tests")
        .issuer("https://pyjwt.example")
        .clock(clock())
        .build()
        .unwrap()
}

fn single(alg: &str) -> JwtVerifier<Claims> {
    verifier(public_key(family_of(alg)), [alg.parse().unwrap()])
}

fn b64(json: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(json).unwrap())
}

/// A token with exactly this header and these claims, HS256-signed with the
/// fixture secret by aws-lc-rs directly (warden's `encode` writes only
/// headers it understands).
fn sign_hs256(header: &Value, claims: &Value) -> String {
    sign_hs256_raw(&format!("{}.{}", b64(header), b64(claims)))
}

/// `signed` and its HS256 signature with the fixture secret, whatever `signed` is.
fn sign_hs256_raw(signed: &str) -> String {
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, key_text("hmac", "secret").as_bytes());
    let tag = aws_lc_rs::hmac::sign(&key, signed.as_bytes());
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
}

/// What a client gets for a refused token: `401`, RFC 6750's challenge with
/// the description, and FastAPI's body.
fn assert_refused(result: Result<impl std::fmt::Debug, JwtError>, kind: JwtErrorKind, description: &str) {
    let error = result.expect_err("the token must be refused");
    assert_eq!(error.kind(), kind, "{error:?}");
    let response = AuthRejection::from(error).into_response();
    assert_eq!(response.status(), 401);
    let challenges: Vec<_> = response.headers().get_all("www-authenticate").iter().collect();
    assert_eq!(challenges.len(), 1);
    assert_eq!(
        challenges[0].to_str().unwrap(),
        format!(r#"Bearer error="invalid_token", error_description="{description}""#)
    );
}

const ALGORITHMS: [&str; 12] =
    ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"];

// ---- PyJWT's tokens -------------------------------------------------------

#[test]
fn pyjwt_tokens_verify_for_every_algorithm() {
    for alg in ALGORITHMS {
        let verified = single(alg).verify(pyjwt_token(alg)).unwrap_or_else(|error| panic!("{alg}: {error:?}"));
        assert_eq!(verified.sub, "johndoe");
        assert_eq!(verified.scopes, ["me", "items"]);
        assert_eq!(verified.aud, "warden-tests");
        assert_eq!(verified.algorithm().as_str(), alg);
        assert_eq!(verified.expires_at(), Some(1_690_001_800));
        assert!(!verified.from_cache());
    }
}

#[test]
fn pyjwt_tokens_verify_through_the_jwk_set_by_kid() {
    let mut jwks: JwkSet = serde_json::from_value(FIXTURE["jwks"].clone()).unwrap();
    jwks.keys.push(serde_json::from_value(FIXTURE["keys"]["hmac"]["jwk"].clone()).unwrap());
    let keys = KeySet::from_jwks(&jwks);
    assert_eq!(keys.len(), 5);
    let verifier = verifier(keys, Algorithm::ALL);
    for alg in ALGORITHMS {
        let verified = verifier.verify(pyjwt_token(alg)).unwrap_or_else(|error| panic!("{alg}: {error:?}"));
        assert_eq!(verified.sub, "johndoe");
    }
}

#[test]
fn a_token_without_kid_uses_the_one_key_that_fits() {
    let jwks: JwkSet = serde_json::from_value(FIXTURE["jwks"].clone()).unwrap();
    let verifier = verifier(KeySet::from_jwks(&jwks), [Algorithm::Es256]);
    assert_eq!(verifier.verify(extra("no_kid_es256")).unwrap().sub, "johndoe");
}

#[test]
fn audience_may_be_an_array() {
    assert_eq!(single("HS256").verify(extra("aud_array_hs256")).map(|v| v.sub.clone()).ok(), None);
    // The claims type above wants a string `aud`; the registered check alone passes.
    let verifier = JwtVerifier::<Value>::builder(public_key("hmac"), [Algorithm::Hs256])
        .audience("warden-tests")
        .clock(clock())
        .build()
        .unwrap();
    assert!(verifier.verify(extra("aud_array_hs256")).is_ok());
}

#[test]
fn every_key_format_verifies_the_same_tokens() {
    let der = base64::engine::general_purpose::STANDARD.decode(key_text("rsa", "public_der_b64")).unwrap();
    let rsa_jwk = serde_json::from_value(FIXTURE["keys"]["rsa"]["jwk"].clone()).unwrap();
    let rsa_keys = [
        DecodingKey::from_rsa_pem(key_text("rsa", "public_spki_pem").as_bytes()).unwrap(),
        DecodingKey::from_rsa_pem(key_text("rsa", "public_pkcs1_pem").as_bytes()).unwrap(),
        DecodingKey::from_rsa_der(&der).unwrap(),
        DecodingKey::from_jwk(&rsa_jwk).unwrap(),
    ];
    for key in rsa_keys {
        for alg in ["RS256", "PS512"] {
            assert!(verifier(key.clone(), [alg.parse().unwrap()]).verify(pyjwt_token(alg)).is_ok(), "{alg} {key:?}");
        }
    }
    let raw = URL_SAFE_NO_PAD.decode(key_text("ed25519", "public_raw_b64url")).unwrap();
    let ed_jwk = serde_json::from_value(FIXTURE["keys"]["ed25519"]["jwk"].clone()).unwrap();
    for key in [DecodingKey::from_ed25519_raw(&raw).unwrap(), DecodingKey::from_jwk(&ed_jwk).unwrap()] {
        assert!(verifier(key, [Algorithm::EdDsa]).verify(pyjwt_token("EdDSA")).is_ok());
    }
    for (family, alg) in [("p256", "ES256"), ("p384", "ES384")] {
        let jwk = serde_json::from_value(FIXTURE["keys"][family]["jwk"].clone()).unwrap();
        let key = DecodingKey::from_jwk(&jwk).unwrap();
        assert!(verifier(key, [alg.parse().unwrap()]).verify(pyjwt_token(alg)).is_ok());
    }
    let oct = serde_json::from_value(FIXTURE["keys"]["hmac"]["jwk"].clone()).unwrap();
    assert!(verifier(DecodingKey::from_jwk(&oct).unwrap(), [Algorithm::Hs512]).verify(pyjwt_token("HS512")).is_ok());
}

#[test]
fn warden_signs_with_every_private_key_format_and_verifies_its_own_tokens() {
    let claims = FIXTURE["claims"].clone();
    let signers = [
        ("HS256", EncodingKey::from_secret(key_text("hmac", "secret").as_bytes()).unwrap()),
        ("RS256", EncodingKey::from_rsa_pem(key_text("rsa", "private_pkcs8_pem").as_bytes()).unwrap()),
        ("PS384", EncodingKey::from_rsa_pem(key_text("rsa", "private_pkcs1_pem").as_bytes()).unwrap()),
        ("ES256", EncodingKey::from_ec_pem(key_text("p256", "private_pkcs8_pem").as_bytes()).unwrap()),
        ("ES256", EncodingKey::from_ec_pem(key_text("p256", "private_sec1_pem").as_bytes()).unwrap()),
        ("ES384", EncodingKey::from_ec_pem(key_text("p384", "private_sec1_pem").as_bytes()).unwrap()),
        ("EdDSA", EncodingKey::from_ed25519_pem(key_text("ed25519", "private_pkcs8_pem").as_bytes()).unwrap()),
    ];
    for (alg, key) in signers {
        let alg: Algorithm = alg.parse().unwrap();
        let token = encode(&Header::new(alg), &claims, &key).unwrap();
        // Verified with the PEM public key PyJWT wrote, and with the key's own public half.
        let family = match alg {
            Algorithm::Hs256 => "hmac",
            Algorithm::Es256 => "p256",
            Algorithm::Es384 => "p384",
            Algorithm::EdDsa => "ed25519",
            _ => "rsa",
        };
        assert_eq!(verifier(public_key(family), [alg]).verify(&token).unwrap().sub, "johndoe", "{alg}");
        assert!(verifier(key.decoding_key().unwrap(), [alg]).verify(&token).is_ok(), "{alg}");
    }
}

#[test]
fn signing_with_a_key_of_another_family_is_refused() {
    let key = EncodingKey::from_secret(b"secret").unwrap();
    let error = encode(&Header::new(Algorithm::Rs256), &json!({}), &key).unwrap_err();
    assert_eq!(error.kind(), JwtErrorKind::KeyMismatch);
    let error = encode(&Header::new(Algorithm::Hs256), &json!([1]), &key).unwrap_err();
    assert_eq!(error.kind(), JwtErrorKind::Encoding, "claims must be a JSON object");
}

#[test]
fn issuer_mints_fastapi_tutorial_tokens() {
    let clock = clock();
    let secret = b"09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7";
    let issuer = TokenIssuer::new(EncodingKey::from_secret(secret).unwrap(), Algorithm::Hs256)
        .unwrap()
        .ttl(Duration::from_secs(30 * 60))
        .clock(Arc::clone(&clock));
    let token = issuer.issue("johndoe", &["me", "items"]).unwrap();
    let payload = token.split('.').nth(1).unwrap();
    let payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    assert_eq!(payload, json!({"sub": "johndoe", "scopes": ["me", "items"], "exp": now() + 1800}));
    assert_eq!(warden::jwt::dangerous::decode_header(&token).unwrap(), Header::new(Algorithm::Hs256));

    let verifier = JwtVerifier::<ScopedClaims>::builder(DecodingKey::from_secret(secret).unwrap(), [Algorithm::Hs256])
        .clock(Arc::clone(&clock))
        .build()
        .unwrap();
    let claims = verifier.verify(&token).unwrap();
    assert!(claims.has_scope("items"));
    assert_eq!(claims.missing_scope(&["me", "admin"]), Some("admin"));
    assert!(TokenIssuer::new(EncodingKey::from_secret(secret).unwrap(), Algorithm::Es256).is_err());
}

// ---- refused tokens: 401 invalid_token ------------------------------------

#[test]
fn tampered_payload_is_refused() {
    for alg in ALGORITHMS {
        let token = pyjwt_token(alg);
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut claims = FIXTURE["claims"].clone();
        claims["sub"] = json!("admin");
        parts[1] = b64(&claims);
        assert_refused(
            single(alg).verify(&parts.join(".")),
            JwtErrorKind::InvalidSignature,
            "the token signature is invalid",
        );
    }
}

#[test]
fn tampered_signature_is_refused() {
    for alg in ALGORITHMS {
        let token = pyjwt_token(alg);
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
        bytes[5] ^= 1;
        let tampered = format!("{signed}.{}", URL_SAFE_NO_PAD.encode(&bytes));
        assert_refused(single(alg).verify(&tampered), JwtErrorKind::InvalidSignature, "the token signature is invalid");
        let truncated = format!("{signed}.{}", URL_SAFE_NO_PAD.encode(&bytes[..bytes.len() - 3]));
        assert_refused(
            single(alg).verify(&truncated),
            JwtErrorKind::InvalidSignature,
            "the token signature is invalid",
        );
    }
}

#[test]
fn expired_token_is_refused_at_exp_exactly() {
    let clock = clock();
    let verifier = JwtVerifier::<Claims>::builder(public_key("rsa"), [Algorithm::Rs256])
        .audience("warden-tests")
        .clock(Arc::clone(&clock))
        .build()
        .unwrap();
    clock.set(1_690_001_799);
    assert!(verifier.verify(pyjwt_token("RS256")).is_ok());
    clock.set(1_690_001_800);
    assert_refused(verifier.verify(pyjwt_token("RS256")), JwtErrorKind::Expired, "the token has expired");
}

#[test]
fn not_yet_valid_token_is_refused_until_nbf() {
    let clock = clock();
    let verifier = JwtVerifier::<Claims>::builder(public_key("p256"), [Algorithm::Es256])
        .audience("warden-tests")
        .clock(Arc::clone(&clock))
        .build()
        .unwrap();
    clock.set(1_689_999_999);
    assert_refused(verifier.verify(pyjwt_token("ES256")), JwtErrorKind::NotYetValid, "the token is not yet valid");
    clock.set(1_690_000_000);
    assert!(verifier.verify(pyjwt_token("ES256")).is_ok());
}

#[test]
fn leeway_accepts_a_little_past_exp_and_before_nbf() {
    let clock = clock();
    let verifier = JwtVerifier::<Claims>::builder(public_key("ed25519"), [Algorithm::EdDsa])
        .audience("warden-tests")
        .leeway(Duration::from_secs(30))
        .clock(Arc::clone(&clock))
        .build()
        .unwrap();
    clock.set(1_690_001_829);
    assert!(verifier.verify(pyjwt_token("EdDSA")).is_ok(), "29 s past exp, within 30 s of leeway");
    clock.set(1_690_001_830);
    assert_refused(verifier.verify(pyjwt_token("EdDSA")), JwtErrorKind::Expired, "the token has expired");
    clock.set(1_689_999_970);
    assert!(verifier.verify(pyjwt_token("EdDSA")).is_ok(), "30 s before nbf");
    clock.set(1_689_999_969);
    assert_refused(verifier.verify(pyjwt_token("EdDSA")), JwtErrorKind::NotYetValid, "the token is not yet valid");
}

#[test]
fn alg_none_is_refused_in_any_case() {
    let verifier = single("HS256");
    assert_refused(
        verifier.verify(extra("alg_none")),
        JwtErrorKind::DisallowedAlgorithm,
        "the token algorithm is not allowed",
    );
    let payload = b64(&FIXTURE["claims"]);
    for alg in ["none", "None", "NONE", "nOnE"] {
        let header = b64(&json!({"alg": alg, "typ": "JWT"}));
        for signature in ["", "AAAA"] {
            let token = format!("{header}.{payload}.{signature}");
            assert_refused(
                verifier.verify(&token),
                JwtErrorKind::DisallowedAlgorithm,
                "the token algorithm is not allowed",
            );
        }
    }
}

#[test]
fn hs256_signed_with_the_rsa_public_key_pem_is_refused() {
    // The HS/RS confusion attack: the attacker signs with HMAC, using the
    // server's public key PEM as the secret.
    let pem = key_text("rsa", "public_spki_pem");
    let attacker_key = EncodingKey::from_secret(pem.as_bytes()).unwrap();
    let token = encode(&Header::new(Algorithm::Hs256).with_kid("rsa-1"), &FIXTURE["claims"], &attacker_key).unwrap();

    // Even a verifier that (wrongly) allows HS256 beside RS256 refuses it:
    // the RSA key verifies RSA algorithms only.
    let keys = KeySet::new().with_key("rsa-1", public_key("rsa")).with_key("hmac-1", public_key("hmac"));
    let verifier = verifier(keys, [Algorithm::Rs256, Algorithm::Hs256]);
    assert_refused(verifier.verify(&token), JwtErrorKind::KeyMismatch, "the token algorithm does not match the key");

    // A verifier of the single RSA key that allows only RS256 refuses the algorithm first.
    assert_refused(
        single("RS256").verify(&token),
        JwtErrorKind::DisallowedAlgorithm,
        "the token algorithm is not allowed",
    );

    // And the single RSA key cannot be configured for HS256 at all.
    let misconfigured = JwtVerifier::<Claims>::builder(public_key("rsa"), [Algorithm::Rs256, Algorithm::Hs256]).build();
    assert_eq!(misconfigured.unwrap_err(), JwtConfigError::AlgorithmWithoutKey(Algorithm::Hs256));
}

#[test]
fn an_algorithm_outside_the_allow_list_is_refused() {
    let verifier = verifier(public_key("rsa"), [Algorithm::Rs256]);
    assert_refused(
        verifier.verify(pyjwt_token("PS256")),
        JwtErrorKind::DisallowedAlgorithm,
        "the token algorithm is not allowed",
    );
    assert_refused(
        verifier.verify(pyjwt_token("RS512")),
        JwtErrorKind::DisallowedAlgorithm,
        "the token algorithm is not allowed",
    );
}

#[test]
fn an_unknown_kid_is_refused() {
    let keys = KeySet::new().with_key("other", public_key("rsa"));
    let verifier = verifier(keys, [Algorithm::Rs256]);
    assert_refused(verifier.verify(pyjwt_token("RS256")), JwtErrorKind::UnknownKey, "no key matches the token");
}

#[test]
fn wrong_audience_is_refused() {
    let verifier = JwtVerifier::<Claims>::builder(public_key("hmac"), [Algorithm::Hs256])
        .audience("another-api")
        .clock(clock())
        .build()
        .unwrap();
    assert_refused(
        verifier.verify(pyjwt_token("HS256")),
        JwtErrorKind::InvalidAudience,
        "the token audience is not accepted",
    );
    // A verifier that names no audience refuses a token meant for one.
    let no_audience =
        JwtVerifier::<Claims>::builder(public_key("hmac"), [Algorithm::Hs256]).clock(clock()).build().unwrap();
    assert_refused(
        no_audience.verify(pyjwt_token("HS256")),
        JwtErrorKind::InvalidAudience,
        "the token audience is not accepted",
    );
}

#[test]
fn wrong_issuer_is_refused() {
    let verifier = JwtVerifier::<Claims>::builder(public_key("hmac"), [Algorithm::Hs256])
        .audience("warden-tests")
        .issuer("https://evil.example")
        .clock(clock())
        .build()
        .unwrap();
    assert_refused(
        verifier.verify(pyjwt_token("HS256")),
        JwtErrorKind::InvalidIssuer,
        "the token issuer is not accepted",
    );
}

#[test]
fn a_missing_required_claim_is_named() {
    let verifier = JwtVerifier::<Claims>::builder(public_key("hmac"), [Algorithm::Hs256])
        .audience("warden-tests")
        .require_claim("jti")
        .clock(clock())
        .build()
        .unwrap();
    assert_refused(
        verifier.verify(pyjwt_token("HS256")),
        JwtErrorKind::MissingClaim,
        "the token is missing the jti claim",
    );
}

#[test]
fn claims_that_do_not_fit_the_claims_type_are_refused() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Admin {
        role: String,
    }
    let verifier = JwtVerifier::<Admin>::builder(public_key("hmac"), [Algorithm::Hs256])
        .audience("warden-tests")
        .clock(clock())
        .build()
        .unwrap();
    assert_refused(verifier.verify(pyjwt_token("HS256")), JwtErrorKind::InvalidClaims, "the token claims are invalid");
}

#[test]
fn malformed_tokens_are_refused() {
    let token = pyjwt_token("HS256");
    let (header, rest) = token.split_once('.').unwrap();
    let (payload, signature) = rest.split_once('.').unwrap();
    let verifier = single("HS256");
    let malformed = [
        String::new(),
        "abc".to_owned(),
        format!("{header}.{payload}"),
        format!("{header}.{payload}.{signature}.{signature}"),
        format!("{header}.{payload}.{signature}."),
        format!(".{payload}.{signature}"),
        format!("{header}=.{payload}.{signature}"),
        format!("{header}.{payload}.{signature}="),
        // Signed as it is, so that only the padding can be the reason.
        sign_hs256_raw(&format!("{header}.{payload}=")),
        sign_hs256_raw(&format!("{header}.{payload}.")),
        format!("{}.{payload}.{signature}", header.replace('J', "+")),
        format!("{header}.{payload}.{signature} "),
        format!("{}.{payload}.{signature}", URL_SAFE_NO_PAD.encode(b"{\"alg\":\"HS256\"")),
        format!("{}.{payload}.{signature}", URL_SAFE_NO_PAD.encode(b"[\"HS256\"]")),
        format!("{}.{payload}.{signature}", URL_SAFE_NO_PAD.encode(b"{\"alg\":\"HS256\",\"kid\":\"\xff\"}")),
        format!("{}.{payload}.{signature}", URL_SAFE_NO_PAD.encode(b"{\"alg\":256}")),
        format!("{}.{payload}.{signature}", URL_SAFE_NO_PAD.encode(b"{\"typ\":\"JWT\"}")),
    ];
    for token in &malformed {
        assert_refused(verifier.verify(token), JwtErrorKind::Malformed, "the token is malformed");
    }
}

#[test]
fn malformed_tokens_are_refused_after_a_token_with_the_same_header_verified() {
    // A verified token's header is remembered with the length of its
    // signature, where the next token's last dot is looked for first.
    let token = pyjwt_token("HS256");
    let (header, rest) = token.split_once('.').unwrap();
    let (payload, signature) = rest.split_once('.').unwrap();
    let verifier = single("HS256");
    verifier.verify(token).unwrap();
    let (left, right) = signature.split_at(20);
    let malformed = [
        // A dot where the signature would start, and one in the signature.
        format!("{header}.{payload}.{left}.{}", &right[1..]),
        // The first dot is where the last is expected.
        format!("{header}.{signature}"),
        format!("{header}.{payload}"),
        format!("{header}.{payload}.{signature}.{signature}"),
        format!("{header}.{payload}.{signature}."),
        format!("{header}.{payload}.{signature}="),
        format!("{header}.{payload}.{signature} "),
        sign_hs256_raw(&format!("{header}.{payload}.")),
        format!("{header}.{left}.{right}.{signature}"),
    ];
    for token in &malformed {
        assert_refused(verifier.verify(token), JwtErrorKind::Malformed, "the token is malformed");
    }
    assert!(verifier.verify(token).is_ok());
}

#[test]
fn non_canonical_base64_is_refused() {
    // 2 bytes encode to 3 characters whose last carries 2 unused bits.
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","x":"1"}"#);
    assert_eq!(header.len() % 4, 3);
    let mut lenient = header.clone().into_bytes();
    let last = lenient.last_mut().unwrap();
    *last = match *last {
        b'A'..=b'Y' | b'a'..=b'y' => *last + 1,
        _ => *last - 1,
    };
    let lenient = String::from_utf8(lenient).unwrap();
    assert!(URL_SAFE_NO_PAD.decode(&lenient).is_err());
    let token = format!("{lenient}.e30.AAAA");
    assert_refused(single("HS256").verify(&token), JwtErrorKind::Malformed, "the token is malformed");
}

#[test]
fn a_critical_header_parameter_is_refused() {
    // Properly signed, so that only `crit` can be the reason (RFC 7515 §4.1.11).
    let token = sign_hs256(&json!({"alg": "HS256", "crit": ["exp"], "exp": 1}), &FIXTURE["claims"]);
    assert_refused(
        single("HS256").verify(&token),
        JwtErrorKind::UnsupportedCritical,
        "the token has an unsupported critical header parameter",
    );
}

#[test]
fn registered_claims_of_the_wrong_type_are_refused() {
    for (claim, value) in [("exp", json!("1690001800")), ("nbf", json!(true)), ("iat", json!([1])), ("sub", json!(7))] {
        let mut claims = FIXTURE["claims"].clone();
        claims[claim] = value;
        let token = sign_hs256(&json!({"alg": "HS256"}), &claims);
        assert_refused(single("HS256").verify(&token), JwtErrorKind::InvalidClaims, "the token claims are invalid");
    }
}

#[test]
fn claims_that_are_not_a_json_object_are_refused() {
    let header = json!({"alg": "HS256"});
    for claims in [json!([1, 2]), json!("johndoe"), json!(null)] {
        let token = sign_hs256(&header, &claims);
        assert_refused(single("HS256").verify(&token), JwtErrorKind::Malformed, "the token is malformed");
    }
}

// ---- the claims, read in one pass -----------------------------------------

#[test]
fn claims_of_every_shape_come_out_as_serde_json_makes_them() {
    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(tag = "kind")]
    enum Kind {
        User { name: String },
        Service,
    }
    #[derive(Debug, Deserialize, PartialEq)]
    struct Shaped {
        sub: Option<String>,
        exp: Option<f64>,
        nbf: u64,
        aud: Vec<String>,
        kinds: Vec<Kind>,
        #[serde(flatten)]
        rest: std::collections::BTreeMap<String, Value>,
    }
    let claims = json!({
        "sub": "jo\u{e9}\"doe\u{1f600}", "exp": now() + 60, "nbf": now() - 1, "aud": ["api", "warden-tests"],
        "kinds": [{"kind": "User", "name": "x"}, {"kind": "Service"}],
        "iss": "https://pyjwt.example", "n": -0.0, "big": u64::MAX, "small": i64::MIN, "float": 1.5e-7,
        "nested": {"a": [1, null, true, {"b": "c"}], "e": {}},
    });
    let token = sign_hs256(&json!({"alg": "HS256"}), &claims);
    let verifier = JwtVerifier::<Shaped>::builder(public_key("hmac"), [Algorithm::Hs256])
        .audience("warden-tests")
        .issuer("https://pyjwt.example")
        .clock(clock())
        .build()
        .unwrap();
    let expected: Shaped = serde_json::from_value(claims).unwrap();
    assert_eq!(*verifier.verify(&token).unwrap(), expected);
    // Escaped member names are the names they spell, for the claims type
    // and for the checks alike.
    let payload = format!(r#"{{"\u0073ub": "a", "\u0065xp": {}, "aud": "warden-tests"}}"#, now() - 1);
    let escaped = sign_hs256_raw(&format!("{}.{}", b64(&json!({"alg": "HS256"})), URL_SAFE_NO_PAD.encode(payload)));
    assert_refused(single("HS256").verify(&escaped), JwtErrorKind::Expired, "the token has expired");
}

#[test]
fn claims_json_is_strict_even_where_the_claims_type_does_not_look() {
    let verifier = JwtVerifier::<serde::de::IgnoredAny>::builder(public_key("hmac"), [Algorithm::Hs256])
        .exp_optional()
        .clock(clock())
        .build()
        .unwrap();
    let header = b64(&json!({"alg": "HS256"}));
    for payload in [r#"{"x": "\ud800"}"#, r#"{"x": [1,]}"#, r#"{"x": 01}"#, "{\"x\": \"\u{1}\"}", r#"{"x": 1} 2"#] {
        let token = sign_hs256_raw(&format!("{header}.{}", URL_SAFE_NO_PAD.encode(payload)));
        assert_refused(verifier.verify(&token), JwtErrorKind::Malformed, "the token is malformed");
    }
    let deep = format!(r#"{{"x": {}{}}}"#, "[".repeat(70), "]".repeat(70));
    let token = sign_hs256_raw(&format!("{header}.{}", URL_SAFE_NO_PAD.encode(deep)));
    assert_refused(verifier.verify(&token), JwtErrorKind::Malformed, "the token is malformed");
}

#[test]
fn a_remembered_header_never_changes_an_answer() {
    let token = pyjwt_token("HS256");
    let (header, rest) = token.split_once('.').unwrap();
    let (payload, signature) = rest.split_once('.').unwrap();
    let mut claims = FIXTURE["claims"].clone();
    claims["sub"] = json!("admin");
    let tokens = [
        token.to_owned(),
        format!("{header}.{}.{signature}", b64(&claims)),
        format!("{header}.{payload}=.{signature}"),
        format!("{header}.{payload}.{signature}="),
        format!("{header}.{payload}"),
        format!("{header}.{payload}.{signature}.x"),
        sign_hs256_raw(&format!("{header}.{}", b64(&json!({"sub": "x"})))),
    ];
    let answers = |verifiers: &[JwtVerifier<Claims>]| -> Vec<Result<(), JwtErrorKind>> {
        verifiers
            .iter()
            .flat_map(|verifier| {
                tokens.iter().map(|token| verifier.verify(token).map(drop).map_err(|error| error.kind()))
            })
            .collect()
    };
    let verifiers = || {
        [
            single("HS256"),
            JwtVerifier::builder(public_key("hmac"), [Algorithm::Hs512]).clock(clock()).build().unwrap(),
            JwtVerifier::builder(public_key("hmac"), [Algorithm::Hs256]).clock(clock()).build().unwrap(),
        ]
    };
    // A thread that never verified this header, and one that just did.
    let (fresh, remembered) = std::thread::scope(|scope| {
        let fresh = scope.spawn(|| answers(&verifiers())).join().unwrap();
        let remembered = scope
            .spawn(|| {
                assert!(single("HS256").verify(pyjwt_token("HS256")).is_ok());
                answers(&verifiers())
            })
            .join()
            .unwrap();
        (fresh, remembered)
    });
    assert_eq!(fresh, remembered);
    assert_eq!(fresh[0], Ok(()));
    assert_eq!(fresh[7], Err(JwtErrorKind::DisallowedAlgorithm));
}

#[test]
fn long_tokens_verify_too() {
    let mut claims = FIXTURE["claims"].clone();
    claims["sub"] = json!("x".repeat(5000));
    let key = EncodingKey::from_rsa_pem(key_text("rsa", "private_pkcs8_pem").as_bytes()).unwrap();
    let token = encode(&Header::new(Algorithm::Rs256), &claims, &key).unwrap();
    assert!(token.len() > 6000);
    assert_eq!(single("RS256").verify(&token).unwrap().sub.len(), 5000);
}

// ---- configuration errors, when built -------------------------------------

#[test]
fn configuration_errors_are_reported_when_built() {
    let build = |algorithms: &[Algorithm]| {
        JwtVerifier::<Claims>::builder(public_key("p256"), algorithms.iter().copied()).build().map(|_| ())
    };
    assert_eq!(build(&[]), Err(JwtConfigError::NoAlgorithms));
    assert_eq!(build(&[Algorithm::Es384]), Err(JwtConfigError::AlgorithmWithoutKey(Algorithm::Es384)));
    assert_eq!(build(&[Algorithm::Es256]), Ok(()));
    let zero_cache = JwtVerifier::<Claims>::builder(public_key("p256"), [Algorithm::Es256]).cache(0).build();
    assert_eq!(zero_cache.unwrap_err(), JwtConfigError::ZeroCacheCapacity);
    let empty_audience = JwtVerifier::<Claims>::builder(public_key("p256"), [Algorithm::Es256]).audience("").build();
    assert!(matches!(empty_audience.unwrap_err(), JwtConfigError::InvalidClaimSetting(_)));
    let empty_set = JwtVerifier::<Claims, _>::builder(KeySet::new(), [Algorithm::Es256]).build();
    assert_eq!(empty_set.unwrap_err(), JwtConfigError::AlgorithmWithoutKey(Algorithm::Es256));
}

#[test]
fn keys_that_cannot_work_are_refused_when_built() {
    assert!(DecodingKey::from_secret(b"").is_err());
    assert!(DecodingKey::from_rsa_pem(key_text("p256", "public_spki_pem").as_bytes()).is_err());
    assert!(DecodingKey::from_ec_pem(key_text("rsa", "public_spki_pem").as_bytes()).is_err());
    assert!(DecodingKey::from_ed25519_pem(key_text("p256", "public_spki_pem").as_bytes()).is_err());
    assert!(DecodingKey::from_rsa_pem(key_text("rsa", "private_pkcs8_pem").as_bytes()).is_err(), "a private key PEM");
    assert!(DecodingKey::from_rsa_components(&[0xff; 128], &[1, 0, 1]).is_err(), "1024-bit RSA");
    assert!(EncodingKey::from_rsa_pem(key_text("rsa", "public_spki_pem").as_bytes()).is_err());
    assert!(EncodingKey::from_ec_pem(key_text("ed25519", "private_pkcs8_pem").as_bytes()).is_err());
    let error = DecodingKey::from_rsa_pem(b"not a pem").unwrap_err();
    assert!(error.to_string().starts_with("unusable key: "));
}

#[test]
fn secrets_never_show_in_debug() {
    let secret = key_text("hmac", "secret");
    let shown = format!(
        "{:?} {:?} {:?}",
        DecodingKey::from_secret(secret.as_bytes()).unwrap(),
        EncodingKey::from_secret(secret.as_bytes()).unwrap(),
        TokenIssuer::new(EncodingKey::from_secret(secret.as_bytes()).unwrap(), Algorithm::Hs256).unwrap(),
    );
    assert!(!shown.contains("warden-hmac"), "{shown}");
    let private = EncodingKey::from_rsa_pem(key_text("rsa", "private_pkcs8_pem").as_bytes()).unwrap();
    assert_eq!(format!("{private:?}"), "EncodingKey { family: Rsa, .. }");
}

// ---- the verified-token cache ---------------------------------------------

fn cached_verifier(clock: &Arc<FixedClock>, capacity: usize) -> JwtVerifier<Claims> {
    JwtVerifier::builder(public_key("rsa"), [Algorithm::Rs256, Algorithm::Ps256])
        .audience("warden-tests")
        .clock(Arc::clone(clock))
        .cache(capacity)
        .build()
        .unwrap()
}

#[test]
fn cache_hit_shares_the_claims_of_the_first_verification() {
    let verifier = cached_verifier(&clock(), 16);
    let first = verifier.verify(pyjwt_token("RS256")).unwrap();
    let second = verifier.verify(pyjwt_token("RS256")).unwrap();
    assert!(!first.from_cache());
    assert!(second.from_cache());
    assert!(Arc::ptr_eq(&first.clone().into_claims(), &second.clone().into_claims()));
    assert_eq!(second.algorithm(), Algorithm::Rs256);
    assert_eq!(second.expires_at(), Some(1_690_001_800));
    assert_eq!(verifier.cache_len(), 1);
}

#[test]
fn cache_never_serves_a_token_past_exp() {
    let clock = clock();
    let verifier = cached_verifier(&clock, 16);
    assert!(verifier.verify(pyjwt_token("RS256")).is_ok());
    clock.set(1_690_001_799);
    assert!(verifier.verify(pyjwt_token("RS256")).unwrap().from_cache());
    clock.set(1_690_001_800);
    assert_refused(verifier.verify(pyjwt_token("RS256")), JwtErrorKind::Expired, "the token has expired");
    assert_eq!(verifier.cache_len(), 0, "the expired entry is dropped");
}

#[test]
fn cache_never_serves_a_token_before_nbf() {
    let clock = clock();
    let verifier = cached_verifier(&clock, 16);
    assert!(verifier.verify(pyjwt_token("RS256")).is_ok());
    clock.set(1_689_999_999);
    assert_refused(verifier.verify(pyjwt_token("RS256")), JwtErrorKind::NotYetValid, "the token is not yet valid");
}

#[test]
fn cache_compares_the_whole_token() {
    let verifier = cached_verifier(&clock(), 16);
    let token = pyjwt_token("RS256");
    assert!(verifier.verify(token).is_ok());
    // Same header, payload and all but the last signature byte.
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    *bytes.last_mut().unwrap() ^= 1;
    let forged = format!("{signed}.{}", URL_SAFE_NO_PAD.encode(&bytes));
    assert_refused(verifier.verify(&forged), JwtErrorKind::InvalidSignature, "the token signature is invalid");
    assert_refused(
        verifier.verify(&token[..token.len() - 2]),
        JwtErrorKind::InvalidSignature,
        "the token signature is invalid",
    );
}

#[test]
fn cache_is_bounded() {
    let clock = clock();
    let verifier = cached_verifier(&clock, 8);
    let key = EncodingKey::from_rsa_pem(key_text("rsa", "private_pkcs8_pem").as_bytes()).unwrap();
    for n in 0..40 {
        let mut claims = FIXTURE["claims"].clone();
        claims["sub"] = json!(format!("user-{n}"));
        let token = encode(&Header::new(Algorithm::Ps256), &claims, &key).unwrap();
        assert_eq!(verifier.verify(&token).unwrap().sub, format!("user-{n}"));
        assert!(verifier.cache_len() <= 8, "{} entries", verifier.cache_len());
    }
    verifier.clear_cache();
    assert_eq!(verifier.cache_len(), 0);
}

#[test]
fn tokens_without_exp_are_verified_but_not_cached() {
    let secret = key_text("hmac", "secret");
    let verifier =
        JwtVerifier::<Value>::builder(DecodingKey::from_secret(secret.as_bytes()).unwrap(), [Algorithm::Hs256])
            .exp_optional()
            .clock(clock())
            .cache(16)
            .build()
            .unwrap();
    let token = sign_hs256(&json!({"alg": "HS256"}), &json!({"sub": "johndoe"}));
    assert!(verifier.verify(&token).is_ok());
    assert!(!verifier.verify(&token).unwrap().from_cache());
    assert_eq!(verifier.cache_len(), 0);
}

#[test]
fn cache_is_shared_by_clones_and_threads() {
    let verifier = cached_verifier(&clock(), 64);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let verifier = verifier.clone();
            scope.spawn(move || {
                for _ in 0..50 {
                    assert_eq!(verifier.verify(pyjwt_token("RS256")).unwrap().sub, "johndoe");
                    assert_eq!(verifier.verify(pyjwt_token("PS256")).unwrap().sub, "johndoe");
                }
            });
        }
    });
    assert_eq!(verifier.cache_len(), 2);
}

// ---- key sources that wait -----------------------------------------------

/// A source that "fetches" its key set the first time a kid is unknown.
struct Fetching {
    current: std::sync::Mutex<Arc<KeySet>>,
    fetched: std::sync::atomic::AtomicUsize,
}

impl KeySource for Fetching {
    type Key<'a> = Arc<DecodingKey>;

    fn resolve(&self, header: &Header<'_>) -> Result<Arc<DecodingKey>, JwtError> {
        let snapshot = Arc::clone(&self.current.lock().unwrap());
        snapshot.find(header).cloned()
    }

    async fn resolve_async(&self, header: &Header<'_>) -> Result<Arc<DecodingKey>, JwtError> {
        match self.resolve(header) {
            Err(error) if error.kind() == JwtErrorKind::UnknownKey => {
                tokio::task::yield_now().await;
                self.fetched.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let jwks: JwkSet = serde_json::from_value(FIXTURE["jwks"].clone()).unwrap();
                *self.current.lock().unwrap() = Arc::new(KeySet::from_jwks(&jwks));
                self.resolve(header)
            }
            other => other,
        }
    }
}

#[tokio::test]
async fn an_async_source_can_fetch_on_an_unknown_kid() {
    let source = Fetching { current: Default::default(), fetched: Default::default() };
    let verifier = verifier(source, [Algorithm::Es384]);
    assert_refused(verifier.verify(pyjwt_token("ES384")), JwtErrorKind::UnknownKey, "no key matches the token");
    assert_eq!(verifier.verify_async(pyjwt_token("ES384")).await.unwrap().sub, "johndoe");
    assert_eq!(verifier.keys().fetched.load(std::sync::atomic::Ordering::SeqCst), 1);
    // The fetched set is now in memory: the sync path finds the key too.
    assert!(verifier.verify(pyjwt_token("ES384")).is_ok());
}

#[tokio::test]
async fn verify_async_with_a_static_key_answers_as_verify() {
    let verifier = single("EdDSA");
    assert_eq!(verifier.verify_async(pyjwt_token("EdDSA")).await.unwrap().sub, "johndoe");
    assert_refused(
        verifier.verify_async(extra("alg_none")).await,
        JwtErrorKind::DisallowedAlgorithm,
        "the token algorithm is not allowed",
    );
}

// ---- never a panic ---------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any bytes, as the `str` a bearer header would give.
    #[test]
    fn arbitrary_tokens_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let token = String::from_utf8_lossy(&bytes);
        let _ = single("HS256").verify(&token);
        let _ = single("RS256").verify(&token);
    }

    /// Three segments of base64url characters and dots: past the splitter.
    #[test]
    fn arbitrary_segments_never_panic(token in "[A-Za-z0-9_=.+/-]{0,300}") {
        let _ = single("ES256").verify(&token);
    }

    /// Headers and claims of arbitrary JSON-ish text, properly signed, so
    /// that the JSON reader and the claims checks see them.
    #[test]
    fn arbitrary_signed_json_never_panics(header in r#"\{("[a-z]{1,4}":("[A-Za-z0-9]{0,6}"|-?[0-9]{1,20}(\.[0-9]+)?|\[\]|null|true),?){0,4}\}"#,
                                         claims in r#"[\[\{"a-z0-9:,.\\ eE+-]{0,80}"#) {
        let secret = key_text("hmac", "secret");
        let signed = format!("{}.{}", URL_SAFE_NO_PAD.encode(header.as_bytes()), URL_SAFE_NO_PAD.encode(claims.as_bytes()));
        let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret.as_bytes());
        let tag = aws_lc_rs::hmac::sign(&key, signed.as_bytes());
        let token = format!("{signed}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()));
        let _ = single("HS256").verify(&token);
        let _ = JwtVerifier::<Value>::builder(public_key("hmac"), [Algorithm::Hs256]).exp_optional().any_audience().build().unwrap().verify(&token);
    }
}

// ---- header rules, explicit typing, limits (RFC 7797, 8725, 7518, 9864) ---

#[test]
fn a_b64_header_parameter_is_refused_with_or_without_crit() {
    // RFC 7797 §6: `b64` must be listed in `crit`; without it the header is
    // malformed, with it the extension is one warden does not support.
    for (header, kind) in [
        (json!({"alg": "HS256", "b64": false}), JwtErrorKind::Malformed),
        (json!({"alg": "HS256", "b64": true}), JwtErrorKind::Malformed),
        (json!({"alg": "HS256", "b64": false, "crit": ["b64"]}), JwtErrorKind::UnsupportedCritical),
    ] {
        let token = sign_hs256(&header, &FIXTURE["claims"]);
        let error = single("HS256").verify(&token).expect_err("b64 must be refused");
        assert_eq!(error.kind(), kind, "{header}");
    }
}

fn typed_verifier(typ: &str) -> JwtVerifier<Claims> {
    JwtVerifier::builder(public_key("hmac"), [Algorithm::Hs256])
        .audience("warden-tests")
        .issuer("https://pyjwt.example")
        .require_typ(typ.to_owned())
        .clock(clock())
        .build()
        .unwrap()
}

#[test]
fn a_required_typ_is_compared_without_case_or_application_prefix() {
    for required in ["at+jwt", "application/at+jwt", "AT+JWT"] {
        let verifier = typed_verifier(required);
        for typ in ["at+jwt", "AT+JWT", "application/at+jwt", "Application/At+Jwt"] {
            let token = sign_hs256(&json!({"alg": "HS256", "typ": typ}), &FIXTURE["claims"]);
            assert!(verifier.verify(&token).is_ok(), "typ {typ} for required {required}");
        }
        for header in [
            json!({"alg": "HS256"}),
            json!({"alg": "HS256", "typ": "JWT"}),
            json!({"alg": "HS256", "typ": "at+jwt "}),
            json!({"alg": "HS256", "typ": "application/x/at+jwt"}),
            json!({"alg": "HS256", "typ": "jwt+at"}),
        ] {
            let token = sign_hs256(&header, &FIXTURE["claims"]);
            assert_refused(verifier.verify(&token), JwtErrorKind::InvalidType, "the token type is not accepted");
        }
    }
    // Without the option any `typ` is fine.
    let token = sign_hs256(&json!({"alg": "HS256", "typ": "whatever"}), &FIXTURE["claims"]);
    assert!(single("HS256").verify(&token).is_ok());
}

#[test]
fn the_verified_token_exposes_its_header() {
    let token = sign_hs256(&json!({"alg": "HS256", "kid": "k-1", "typ": "at+jwt"}), &FIXTURE["claims"]);
    let verifier = single("HS256");
    // Twice: once parsed, once remembered by the header memo.
    for _ in 0..2 {
        let verified = verifier.verify(&token).unwrap();
        let header = verified.header();
        assert_eq!(
            (header.alg(), header.kid(), header.typ(), header.cty()),
            (Algorithm::Hs256, Some("k-1"), Some("at+jwt"), None)
        );
        assert_eq!(verified.algorithm(), Algorithm::Hs256);
    }
}

#[test]
fn hmac_secrets_shorter_than_the_hash_output_are_refused_when_built() {
    let build = |secret: &[u8], alg: Algorithm| {
        JwtVerifier::<Claims>::builder(DecodingKey::from_secret(secret).unwrap(), [alg]).build().map(|_| ())
    };
    for (alg, min) in [(Algorithm::Hs256, 32), (Algorithm::Hs384, 48), (Algorithm::Hs512, 64)] {
        assert_eq!(build(&vec![b'k'; min], alg), Ok(()), "{alg} with {min} bytes");
        assert_eq!(
            build(&vec![b'k'; min - 1], alg),
            Err(JwtConfigError::WeakHmacSecret { alg, len: min - 1, min }),
            "{alg} with {} bytes",
            min - 1
        );
    }
    // Checked against every algorithm the key is used with: 40 bytes are
    // enough for HS256, not for HS384.
    let forty = DecodingKey::from_secret(&[b'k'; 40]).unwrap();
    let both = JwtVerifier::<Claims>::builder(forty.clone(), [Algorithm::Hs256, Algorithm::Hs384]).build();
    assert_eq!(both.unwrap_err(), JwtConfigError::WeakHmacSecret { alg: Algorithm::Hs384, len: 40, min: 48 });
    // A key set: the shortest secret that can verify the algorithm counts.
    let set = KeySet::new().with_key("long", DecodingKey::from_secret(&[b'k'; 64]).unwrap()).with_key("short", forty);
    let from_set = JwtVerifier::<Claims, _>::builder(set, [Algorithm::Hs256, Algorithm::Hs512]).build();
    assert_eq!(from_set.unwrap_err(), JwtConfigError::WeakHmacSecret { alg: Algorithm::Hs512, len: 40, min: 64 });
    // The named opt-out accepts a legacy secret.
    let legacy = JwtVerifier::<Claims>::builder(DecodingKey::from_secret(b"secret").unwrap(), [Algorithm::Hs256])
        .allow_weak_hmac_secret()
        .build();
    assert!(legacy.is_ok());
    let error = build(b"secret", Algorithm::Hs256).unwrap_err();
    assert!(error.to_string().contains("RFC 7518"), "{error}");
}

#[test]
fn the_issuer_refuses_a_weak_hmac_secret_unless_asked() {
    let weak = || EncodingKey::from_secret(b"secret").unwrap();
    assert_eq!(
        TokenIssuer::new(weak(), Algorithm::Hs256).unwrap_err(),
        JwtConfigError::WeakHmacSecret { alg: Algorithm::Hs256, len: 6, min: 32 }
    );
    assert!(TokenIssuer::with_weak_hmac_secret(weak(), Algorithm::Hs256).is_ok());
    assert!(TokenIssuer::new(EncodingKey::from_secret(&[b'k'; 32]).unwrap(), Algorithm::Hs256).is_ok());
    assert!(TokenIssuer::new(EncodingKey::from_secret(&[b'k'; 32]).unwrap(), Algorithm::Hs512).is_err());
}

/// `signed` and its Ed25519 signature with the fixture key, whatever the header says.
fn sign_ed25519_raw(signed: &str) -> String {
    let pem = key_text("ed25519", "private_pkcs8_pem");
    let body: String = pem.lines().filter(|line| !line.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(body).unwrap();
    let pair = aws_lc_rs::signature::Ed25519KeyPair::from_pkcs8(&der).unwrap();
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(pair.sign(signed.as_bytes()).as_ref()))
}

#[test]
fn ed25519_is_an_algorithm_name_beside_eddsa() {
    // RFC 9864 deprecates the polymorphic `EdDSA` for the fully specified `Ed25519`.
    assert_eq!("Ed25519".parse::<Algorithm>(), Ok(Algorithm::EdDsa));
    let verifier = single("EdDSA");
    for alg in ["Ed25519", "EdDSA"] {
        let token = sign_ed25519_raw(&format!("{}.{}", b64(&json!({"alg": alg})), b64(&FIXTURE["claims"])));
        assert_eq!(verifier.verify(&token).unwrap().algorithm(), Algorithm::EdDsa, "{alg}");
    }
    for alg in ["ed25519", "ED25519", "Ed448"] {
        let token = sign_ed25519_raw(&format!("{}.{}", b64(&json!({"alg": alg})), b64(&FIXTURE["claims"])));
        assert_eq!(verifier.verify(&token).unwrap_err().kind(), JwtErrorKind::DisallowedAlgorithm, "{alg}");
    }
}

#[test]
fn tokens_longer_than_the_limit_are_refused_before_decoding() {
    // Not even base64: the length alone refuses it.
    let long = "!".repeat(8 * 1024 + 1);
    assert_refused(single("HS256").verify(&long), JwtErrorKind::TooLong, "the token is too long");
    assert_eq!(single("HS256").verify(&"!".repeat(8 * 1024)).unwrap_err().kind(), JwtErrorKind::Malformed);
    // A valid token over a smaller limit, and a longer one under a larger.
    let token = pyjwt_token("HS256");
    let tight = JwtVerifier::<Claims>::builder(public_key("hmac"), [Algorithm::Hs256])
        .audience("warden-tests")
        .clock(clock())
        .max_token_len(token.len() - 1)
        .build()
        .unwrap();
    assert_eq!(tight.verify(token).unwrap_err().kind(), JwtErrorKind::TooLong);
    let mut claims = FIXTURE["claims"].clone();
    claims["sub"] = json!("x".repeat(9000));
    let big = sign_hs256(&json!({"alg": "HS256"}), &claims);
    let roomy = JwtVerifier::<Claims>::builder(public_key("hmac"), [Algorithm::Hs256])
        .audience("warden-tests")
        .clock(clock())
        .max_token_len(16 * 1024)
        .build()
        .unwrap();
    assert_eq!(roomy.verify(&big).unwrap().sub.len(), 9000);
    assert_eq!(single("HS256").verify(&big).unwrap_err().kind(), JwtErrorKind::TooLong);
    let zero = JwtVerifier::<Claims>::builder(public_key("hmac"), [Algorithm::Hs256]).max_token_len(0).build();
    assert!(matches!(zero.unwrap_err(), JwtConfigError::InvalidClaimSetting(_)));
}

#[test]
fn an_iat_in_the_future_is_refused_unless_allowed() {
    let mut claims = FIXTURE["claims"].clone();
    claims["iat"] = json!(now() + 1);
    let token = sign_hs256(&json!({"alg": "HS256"}), &claims);
    assert_refused(single("HS256").verify(&token), JwtErrorKind::NotYetValid, "the token is not yet valid");
    let lenient = JwtVerifier::<Claims>::builder(public_key("hmac"), [Algorithm::Hs256])
        .audience("warden-tests")
        .clock(clock())
        .allow_future_iat()
        .build()
        .unwrap();
    assert!(lenient.verify(&token).is_ok());
    // Within the leeway it passes; `iat` now is fine.
    let leeway = JwtVerifier::<Claims>::builder(public_key("hmac"), [Algorithm::Hs256])
        .audience("warden-tests")
        .clock(clock())
        .leeway(Duration::from_secs(1))
        .build()
        .unwrap();
    assert!(leeway.verify(&token).is_ok());
    claims["iat"] = json!(now());
    assert!(single("HS256").verify(&sign_hs256(&json!({"alg": "HS256"}), &claims)).is_ok());
}

#[tokio::test]
async fn verify_and_verify_async_give_the_same_answer_to_every_token() {
    let mut expired = FIXTURE["claims"].clone();
    expired["exp"] = json!(now());
    let mut future_iat = FIXTURE["claims"].clone();
    future_iat["iat"] = json!(now() + 60);
    let tokens = [
        pyjwt_token("HS256").to_owned(),
        sign_hs256(&json!({"alg": "HS256", "typ": "JWT"}), &FIXTURE["claims"]),
        sign_hs256(&json!({"alg": "HS256"}), &expired),
        sign_hs256(&json!({"alg": "HS256"}), &future_iat),
        sign_hs256(&json!({"alg": "none"}), &FIXTURE["claims"]),
        sign_hs256(&json!({"alg": "HS256", "crit": ["x"]}), &FIXTURE["claims"]),
        sign_hs256(&json!({"alg": "HS256", "b64": false}), &FIXTURE["claims"]),
        format!("{}x", pyjwt_token("HS256")),
        "!".repeat(9000),
        "a.b".to_owned(),
    ];
    let verifier = typed_verifier("JWT");
    for token in &tokens {
        // Twice each, so that the header memo answers the second time.
        for _ in 0..2 {
            let sync = verifier.verify(token).map(|verified| verified.sub.clone()).map_err(|error| error.kind());
            let not_sync =
                verifier.verify_async(token).await.map(|verified| verified.sub.clone()).map_err(|error| error.kind());
            assert_eq!(sync, not_sync, "{token}");
        }
    }
}

/// Keys that run a hook while a verification resolves its key: a way to
/// make something happen between the start of a verification and its end.
struct HookedKeys {
    key: DecodingKey,
    hook: std::sync::OnceLock<Box<dyn Fn() + Send + Sync>>,
}

impl KeySource for HookedKeys {
    type Key<'a> = &'a DecodingKey;

    fn resolve(&self, _header: &Header<'_>) -> Result<&DecodingKey, JwtError> {
        if let Some(hook) = self.hook.get() {
            hook();
        }
        Ok(&self.key)
    }
}

#[test]
fn a_cache_cleared_while_a_token_is_verified_never_serves_that_token() {
    let keys = Arc::new(HookedKeys { key: public_key("rsa"), hook: std::sync::OnceLock::new() });
    let verifier = JwtVerifier::<Claims, _>::builder(Arc::clone(&keys), [Algorithm::Rs256])
        .audience("warden-tests")
        .clock(clock())
        .cache(16)
        .build()
        .unwrap();
    let token = pyjwt_token("RS256");
    let clearing = verifier.clone();
    let armed = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let once = Arc::clone(&armed);
    let _ = keys.hook.set(Box::new(move || {
        if once.swap(false, std::sync::atomic::Ordering::SeqCst) {
            // The key is resolved: the clear lands before the insert.
            clearing.clear_cache();
        }
    }));
    assert!(!verifier.verify(token).unwrap().from_cache());
    assert!(!armed.load(std::sync::atomic::Ordering::SeqCst), "the hook ran");
    // What that verification inserted after the clear is never served ...
    assert!(!verifier.verify(token).unwrap().from_cache(), "an entry from before the clear was served");
    // ... and the cache works again for verifications begun after it.
    assert!(verifier.verify(token).unwrap().from_cache());
}

#[test]
fn scoped_claims_take_a_fractional_exp_rounded_down() {
    // RFC 7519 §2: a NumericDate is any JSON number.
    let claims = json!({"sub": "johndoe", "scopes": ["me"], "exp": now() as f64 + 100.5});
    let token = sign_hs256(&json!({"alg": "HS256"}), &claims);
    let verifier =
        JwtVerifier::<ScopedClaims>::builder(public_key("hmac"), [Algorithm::Hs256]).clock(clock()).build().unwrap();
    let verified = verifier.verify(&token).unwrap();
    assert_eq!(verified.exp, now() + 100);
    assert!(verified.has_scope("me"));
}
