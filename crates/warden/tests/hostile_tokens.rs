//! The hostile-token suite: every token of `tests/fixtures/jwt/hostile.json`
//! (minted by PyJWT, jwcrypto, authlib and python-jose, and by hand where no
//! library would write the bytes, with `tests/fixtures/jwt/hostile.py`) is
//! verified by a [`JwtVerifier`] built as the configuration it was minted
//! for, and must be accepted or refused as the fixture says.
//!
//! One test per configuration; each reports every token that got the wrong
//! answer at once, not just the first. A token is verified three times,
//! with [`JwtVerifier::verify`] twice (the second time through the header
//! memo of a thread that has seen the header verify) and once with
//! [`JwtVerifier::verify_async`]: all three must give the expected answer,
//! and a panic counts as a wrong answer.
//!
//! The verifiers read the time from a [`FixedClock`] at the fixture's
//! `now`, so the checked-in tokens never expire. The configurations mirror
//! how the demo service (`crates/warden-demo`) and the tutorial ports
//! (`crates/warden-tutorials/src/jwt.rs`) build theirs; the fixture holds the key
//! material and, under `configs`, what each one checks.

#![cfg(feature = "jwt")]
// Test helpers unwrap, as the tests do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt::Write as _,
    panic::{AssertUnwindSafe, catch_unwind},
    path::{Path, PathBuf},
    sync::LazyLock,
};

use serde::{Deserialize, de::DeserializeOwned};
use serde_json::Value;
use warden::jwt::{Algorithm, DecodingKey, FixedClock, JwtVerifier, KeySet, KeySource};

/// `hostile.json`, as far as the test reads it.
#[derive(Debug, Deserialize)]
struct Fixture {
    now: i64,
    max_token_len: usize,
    configs: BTreeMap<String, Config>,
    suite: BTreeMap<String, Vec<Case>>,
}

/// What a configuration checks, as the generator wrote it.
#[derive(Debug, Deserialize)]
struct Config {
    verifier: Spec,
}

#[derive(Debug, Deserialize)]
struct Spec {
    algorithms: Vec<String>,
    secret: Option<String>,
    public_key_pem: Option<String>,
    kid: Option<String>,
    issuer: Option<String>,
    audience: Option<String>,
    typ: Option<String>,
    #[serde(default)]
    required_claims: Vec<String>,
}

/// One token and what must become of it.
#[derive(Debug, Deserialize)]
struct Case {
    id: String,
    description: String,
    lib: String,
    expect: Expect,
    kind: Option<String>,
    token: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Expect {
    Accept,
    Refuse,
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jwt")
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let text = std::fs::read_to_string(fixture_dir().join("hostile.json")).expect("hostile.json is readable");
    serde_json::from_str(&text).expect("hostile.json is a suite")
});

fn spec(config: &str) -> &'static Spec {
    &FIXTURE.configs.get(config).unwrap_or_else(|| panic!("no configuration {config} in hostile.json")).verifier
}

fn public_pem(spec: &Spec) -> Vec<u8> {
    std::fs::read(fixture_dir().join(spec.public_key_pem.as_deref().unwrap())).unwrap()
}

/// The configuration's one public key, under its RFC 7638 thumbprint: the
/// demo with `--signing-key` publishes it so, and a token without `kid`
/// still finds it (the one key that fits).
fn signing_key_set(spec: &Spec, key: DecodingKey) -> KeySet {
    KeySet::new().with_key(spec.kid.as_deref().unwrap(), key)
}

fn algorithms(spec: &Spec) -> Vec<Algorithm> {
    spec.algorithms.iter().map(|name| name.parse().unwrap()).collect()
}

fn clock() -> FixedClock {
    FixedClock::at(FIXTURE.now)
}

/// How one verification ended: `Ok`, or the error kind's name.
type Outcome = Result<(), String>;

/// A verifier under test, erased to its three ways of verifying.
struct Target {
    name: &'static str,
    verify: Box<dyn Fn(&str) -> Outcome>,
    verify_async: Box<dyn Fn(&str) -> Outcome>,
}

impl Target {
    fn new<C, K>(name: &'static str, verifier: JwtVerifier<C, K>) -> Self
    where
        C: DeserializeOwned + Send + Sync + 'static,
        K: KeySource + 'static,
    {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let sync = verifier.clone();
        Self {
            name,
            verify: Box::new(move |token| {
                guarded(|| sync.verify(token).map(drop).map_err(|e| format!("{:?}", e.kind())))
            }),
            verify_async: Box::new(move |token| {
                guarded(|| {
                    runtime.block_on(verifier.verify_async(token)).map(drop).map_err(|e| format!("{:?}", e.kind()))
                })
            }),
        }
    }
}

/// `verify`'s outcome, a panic turned into an outcome of its own.
fn guarded(verify: impl FnOnce() -> Outcome) -> Outcome {
    catch_unwind(AssertUnwindSafe(verify)).unwrap_or_else(|_| Err("PANIC".to_owned()))
}

fn matches(case: &Case, outcome: &Outcome) -> bool {
    match (case.expect, outcome) {
        (Expect::Accept, Ok(())) => true,
        (Expect::Refuse, Err(kind)) => kind != "PANIC" && case.kind.as_ref().is_none_or(|expected| expected == kind),
        _ => false,
    }
}

fn show(outcome: &Outcome) -> String {
    match outcome {
        Ok(()) => "accepted".to_owned(),
        Err(kind) => format!("refused ({kind})"),
    }
}

/// Runs every token of `config` through each target; panics with the list
/// of wrong answers.
fn run(config: &str, targets: &[Target]) {
    let cases = FIXTURE.suite.get(config).unwrap_or_else(|| panic!("no tokens for {config} in hostile.json"));
    let mut wrong = String::new();
    let mut failures = 0;
    let mut accepted_hostile = BTreeSet::new();
    for target in targets {
        for case in cases {
            let first = (target.verify)(&case.token);
            let again = (target.verify)(&case.token);
            let asynchronous = (target.verify_async)(&case.token);
            if [&first, &again, &asynchronous].iter().all(|outcome| matches(case, outcome)) {
                continue;
            }
            failures += 1;
            if case.expect == Expect::Refuse && [&first, &again, &asynchronous].iter().any(|outcome| outcome.is_ok()) {
                accepted_hostile.insert(case.id.as_str());
            }
            let expected = match (case.expect, &case.kind) {
                (Expect::Accept, _) => "accept".to_owned(),
                (Expect::Refuse, None) => "refuse".to_owned(),
                (Expect::Refuse, Some(kind)) => format!("refuse ({kind})"),
            };
            let got = if first == again && again == asynchronous {
                show(&first)
            } else {
                format!("verify {}, again {}, verify_async {}", show(&first), show(&again), show(&asynchronous))
            };
            writeln!(
                wrong,
                "  [{}] {}: expected {expected}, {got}\n      {} [{}]",
                target.name, case.id, case.description, case.lib
            )
            .unwrap();
        }
    }
    assert!(
        failures == 0,
        "{config}: {failures} of {} verifications answered wrongly ({} hostile tokens accepted):\n{wrong}",
        cases.len() * targets.len(),
        accepted_hostile.len(),
    );
}

// ---- the configurations ----------------------------------------------------

/// The demo's access-token claims, as `crates/warden-demo/src/signing.rs` declares them.
#[derive(Debug, Deserialize)]
#[allow(dead_code, reason = "read only to be deserialized, as the demo reads them")]
struct DemoClaims {
    sub: String,
    #[serde(default)]
    scope: String,
    /// Never read, as the demo never reads it: the verifier checks `exp`.
    #[serde(skip_deserializing)]
    exp: u64,
}

/// Tutorial 004's `TokenData`.
#[derive(Debug, Deserialize)]
#[allow(dead_code, reason = "read only to be deserialized, as the port reads them")]
struct TokenData {
    sub: Option<String>,
}

/// Tutorial 005's `TokenPayload`.
#[derive(Debug, Deserialize)]
#[allow(dead_code, reason = "read only to be deserialized, as the port reads them")]
struct TokenPayload {
    sub: Option<String>,
    #[serde(default)]
    scope: Value,
}

/// An RFC 9068 access token's claims (beside `iss`, `aud`, `exp` and `iat`,
/// which the verifier checks).
#[derive(Debug, Deserialize)]
#[allow(dead_code, reason = "read only to be deserialized")]
struct AccessToken {
    sub: String,
    client_id: String,
    jti: String,
}

/// The demo service with its HMAC secret (`WARDEN_DEMO_SECRET`): HS256 only,
/// built as `crates/warden-demo/src/app.rs` builds it.
#[test]
fn demo_hs256_accepts_its_tokens_and_refuses_every_forgery() {
    let spec = spec("demo-hs256");
    let key = DecodingKey::from_secret(spec.secret.as_deref().unwrap().as_bytes()).unwrap();
    let verifier = JwtVerifier::<DemoClaims>::builder(key, algorithms(spec)).clock(clock()).build().unwrap();
    run("demo-hs256", &[Target::new("demo", verifier)]);
}

/// The demo with `--signing-key` and an asymmetric key: only that key's
/// algorithm, the key published under its thumbprint.
fn signing_demo(config: &str, key: fn(&[u8]) -> Result<DecodingKey, warden::jwt::KeyError>) {
    let spec = spec(config);
    let keys = signing_key_set(spec, key(&public_pem(spec)).unwrap());
    let verifier = JwtVerifier::<DemoClaims, _>::builder(keys, algorithms(spec)).clock(clock()).build().unwrap();
    run(config, &[Target::new("demo", verifier)]);
}

/// `--signing-key` with an RSA-2048 key: RS256 only.
#[test]
fn demo_rs256_accepts_its_tokens_and_refuses_every_forgery() {
    signing_demo("demo-rs256", DecodingKey::from_rsa_pem);
}

/// `--signing-key` with a P-256 key: ES256 only.
#[test]
fn demo_es256_accepts_its_tokens_and_refuses_every_forgery() {
    signing_demo("demo-es256", DecodingKey::from_ec_pem);
}

/// `--signing-key` with an Ed25519 key: EdDSA, also named Ed25519 (RFC 9864).
#[test]
fn demo_eddsa_accepts_its_tokens_and_refuses_every_forgery() {
    signing_demo("demo-eddsa", DecodingKey::from_ed25519_pem);
}

/// The ports of FastAPI's tutorials 004 and 005, built as
/// `warden_tutorials::jwt::pyjwt_verifier` builds theirs, with each
/// tutorial's claims type.
#[test]
fn tutorial_ports_accept_their_tokens_and_refuse_every_forgery() {
    let spec = spec("tutorial");
    let key = || DecodingKey::from_secret(spec.secret.as_deref().unwrap().as_bytes()).unwrap();
    let tutorial004 = JwtVerifier::<TokenData>::builder(key(), algorithms(spec)).clock(clock()).build().unwrap();
    let tutorial005 = JwtVerifier::<TokenPayload>::builder(key(), algorithms(spec)).clock(clock()).build().unwrap();
    run("tutorial", &[Target::new("tutorial004", tutorial004), Target::new("tutorial005", tutorial005)]);
}

/// An RFC 9068 access-token verifier: RS256, fixed `iss` and `aud`, the
/// claims RFC 9068 §2.2 requires; `typ` must be `at+jwt` (§4).
#[test]
fn at_jwt_accepts_its_tokens_and_refuses_every_forgery() {
    let spec = spec("at+jwt");
    assert_eq!(spec.typ.as_deref(), Some("at+jwt"));
    let keys = signing_key_set(spec, DecodingKey::from_rsa_pem(&public_pem(spec)).unwrap());
    let mut builder = JwtVerifier::<AccessToken, _>::builder(keys, algorithms(spec))
        .issuer(spec.issuer.clone().unwrap())
        .audience(spec.audience.clone().unwrap())
        .require_typ("at+jwt")
        .clock(clock());
    for claim in &spec.required_claims {
        builder = builder.require_claim(claim.clone());
    }
    run("at+jwt", &[Target::new("at+jwt", builder.build().unwrap())]);
}

// ---- the fixture itself ----------------------------------------------------

/// The kinds a token may be expected to be refused with.
const KINDS: &[&str] = &[
    "Malformed",
    "DisallowedAlgorithm",
    "UnsupportedCritical",
    "UnknownKey",
    "KeyMismatch",
    "InvalidSignature",
    "InvalidClaims",
    "Expired",
    "NotYetValid",
    "InvalidAudience",
    "InvalidIssuer",
    "MissingClaim",
];

/// Every configuration has a test above, valid and hostile tokens, ids of
/// its own and only known error kinds; the length limit the suite assumes
/// is 8 KiB.
#[test]
fn the_fixture_is_a_suite() {
    let tested = ["demo-hs256", "demo-rs256", "demo-es256", "demo-eddsa", "tutorial", "at+jwt"];
    assert_eq!(FIXTURE.configs.keys().map(String::as_str).collect::<BTreeSet<_>>(), BTreeSet::from(tested));
    assert_eq!(FIXTURE.suite.keys().map(String::as_str).collect::<BTreeSet<_>>(), BTreeSet::from(tested));
    assert_eq!(FIXTURE.max_token_len, 8 * 1024);
    for (config, cases) in &FIXTURE.suite {
        let ids: BTreeSet<_> = cases.iter().map(|case| case.id.as_str()).collect();
        assert_eq!(ids.len(), cases.len(), "{config}: an id twice");
        let accepted = cases.iter().filter(|case| case.expect == Expect::Accept).count();
        assert!(accepted >= 20 && cases.len() - accepted >= 200, "{config}: {accepted} of {}", cases.len());
        for case in cases {
            if let Some(kind) = &case.kind {
                assert!(KINDS.contains(&kind.as_str()), "{}: unknown kind {kind}", case.id);
                assert_eq!(case.expect, Expect::Refuse, "{}: a kind for an accepted token", case.id);
            }
        }
    }
}
