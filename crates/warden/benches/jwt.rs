//! Cost of verifying a JWT through warden, beside the bare aws-lc-rs
//! signature check of the same message with a key parsed once.
//!
//! For each of HS256, RS256 (2048-bit), ES256 and EdDSA, with the keys of
//! the PyJWT fixture (`tests/fixtures/jwt/pyjwt.json`) and PyJWT's claims
//! (`sub`, `scopes`, `iat`, `nbf`, `exp` an hour from now, `aud`, `iss`):
//!
//! * `jwt/<ALG>/primitive`: `hmac::verify` / `ParsedPublicKey::verify_sig`
//!   of the token's signing input and decoded signature;
//! * `jwt/<ALG>/warden`: `JwtVerifier::verify` without a cache (split,
//!   base64url, header, allow-list, key, signature, payload, registered
//!   claims with audience and issuer, claims into a struct, `Arc`);
//! * `jwt/<ALG>/warden_ignored`: the same with `C = serde::de::IgnoredAny`,
//!   so that the claims are validated as JSON but build nothing: warden's
//!   own cost without the application's claims type;
//! * `jwt/<ALG>/cache_hit`: the same verifier with `.cache(1024)`, the token
//!   already verified.
//!
//! warden's overhead is `warden - primitive`. The clock is the system clock,
//! as in production.
//!
//! On a noisy machine, `WARDEN_BENCH_PAIRED=<rounds>` (see [`paired`]) times
//! the cases in alternating short batches and prints the median per-round
//! difference with the primitive.
//!
//! Instruction counts: with `WARDEN_BENCH_LOOP=<ALG>/<case>:<iterations>`
//! (for example `RS256/warden:10000`) the binary skips criterion and runs one
//! case in a plain loop, for `valgrind --tool=callgrind --toggle-collect=jwt::run`
//! (which counts the loop's verifications alone: divide by the iterations)
//! or `perf stat -e instructions:u` (subtract a run of 0 iterations).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{hint::black_box, time::Duration};

use aws_lc_rs::{
    hmac,
    signature::{self, ParsedPublicKey},
};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use criterion::{Criterion, criterion_group};
use serde::{Deserialize, de::IgnoredAny};
use serde_json::{Value, json};
use warden::jwt::{Algorithm, Clock as _, DecodingKey, EncodingKey, Header, JwtVerifier, SystemClock, encode};

/// PyJWT's claims, as an application would declare them.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Claims {
    sub: String,
    scopes: Vec<String>,
    exp: i64,
}

/// The bare primitive: a key parsed once, verifying bytes.
enum Primitive {
    Hmac(Box<hmac::Key>),
    Public(ParsedPublicKey),
}

impl Primitive {
    #[inline(always)]
    fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            Self::Hmac(key) => hmac::verify(key, message, signature).is_ok(),
            Self::Public(key) => key.verify_sig(message, signature).is_ok(),
        }
    }
}

struct Case {
    alg: &'static str,
    token: String,
    signing_input: Vec<u8>,
    signature: Vec<u8>,
    primitive: Primitive,
    uncached: JwtVerifier<Claims>,
    ignored: JwtVerifier<IgnoredAny>,
    cached: JwtVerifier<Claims>,
}

fn pem_der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|line| !line.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD.decode(body).unwrap()
}

fn cases() -> Vec<Case> {
    let fixture: Value = serde_json::from_str(include_str!("../tests/fixtures/jwt/pyjwt.json")).unwrap();
    let text = |family: &str, name: &str| fixture["keys"][family][name].as_str().unwrap().to_owned();
    let now = SystemClock.now();
    let mut claims = fixture["claims"].clone();
    claims["iat"] = json!(now);
    claims["nbf"] = json!(now);
    claims["exp"] = json!(now + 3600);

    let secret = text("hmac", "secret");
    let specs: [(&str, EncodingKey, DecodingKey, Primitive); 4] = [
        (
            "HS256",
            EncodingKey::from_secret(secret.as_bytes()).unwrap(),
            DecodingKey::from_secret(secret.as_bytes()).unwrap(),
            Primitive::Hmac(Box::new(hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes()))),
        ),
        (
            "RS256",
            EncodingKey::from_rsa_pem(text("rsa", "private_pkcs8_pem").as_bytes()).unwrap(),
            DecodingKey::from_rsa_pem(text("rsa", "public_spki_pem").as_bytes()).unwrap(),
            Primitive::Public(
                ParsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, pem_der(&text("rsa", "public_spki_pem")))
                    .unwrap(),
            ),
        ),
        (
            "ES256",
            EncodingKey::from_ec_pem(text("p256", "private_pkcs8_pem").as_bytes()).unwrap(),
            DecodingKey::from_ec_pem(text("p256", "public_spki_pem").as_bytes()).unwrap(),
            Primitive::Public(
                ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, pem_der(&text("p256", "public_spki_pem")))
                    .unwrap(),
            ),
        ),
        (
            "EdDSA",
            EncodingKey::from_ed25519_pem(text("ed25519", "private_pkcs8_pem").as_bytes()).unwrap(),
            DecodingKey::from_ed25519_pem(text("ed25519", "public_spki_pem").as_bytes()).unwrap(),
            Primitive::Public(
                ParsedPublicKey::new(&signature::ED25519, pem_der(&text("ed25519", "public_spki_pem"))).unwrap(),
            ),
        ),
    ];
    specs
        .into_iter()
        .map(|(alg, encoding, decoding, primitive)| {
            let algorithm: Algorithm = alg.parse().unwrap();
            let token = encode(&Header::new(algorithm).with_kid("bench-1"), &claims, &encoding).unwrap();
            let (signing_input, signature) = token.rsplit_once('.').unwrap();
            let build = |cache: bool| {
                let builder = JwtVerifier::<Claims>::builder(decoding.clone(), [algorithm])
                    .audience("warden-tests")
                    .issuer("https://pyjwt.example");
                if cache { builder.cache(1024) } else { builder }.build().unwrap()
            };
            let ignored = JwtVerifier::<IgnoredAny>::builder(decoding.clone(), [algorithm])
                .audience("warden-tests")
                .issuer("https://pyjwt.example")
                .build()
                .unwrap();
            let case = Case {
                ignored,
                alg,
                signing_input: signing_input.as_bytes().to_vec(),
                signature: URL_SAFE_NO_PAD.decode(signature).unwrap(),
                primitive,
                uncached: build(false),
                cached: build(true),
                token,
            };
            assert!(case.primitive.verify(&case.signing_input, &case.signature), "{alg} primitive");
            assert!(case.uncached.verify(&case.token).is_ok(), "{alg} warden");
            assert!(case.cached.verify(&case.token).is_ok(), "{alg} warm the cache");
            assert!(case.cached.verify(&case.token).unwrap().from_cache(), "{alg} cache hit");
            case
        })
        .collect()
}

/// What is measured of a case.
#[derive(Clone, Copy)]
enum Which {
    Primitive,
    Warden,
    WardenIgnored,
    CacheHit,
}

const WHICH: [(&str, Which); 4] = [
    ("primitive", Which::Primitive),
    ("warden", Which::Warden),
    ("warden_ignored", Which::WardenIgnored),
    ("cache_hit", Which::CacheHit),
];

/// One verification. Never inlined, so that every case pays the same call
/// and so that `valgrind --tool=callgrind --toggle-collect=jwt::run` counts
/// the verifications alone (not the set-up, which verifies too).
#[inline(never)]
fn run(case: &Case, which: Which) {
    match which {
        Which::Primitive => assert!(case.primitive.verify(black_box(&case.signing_input), black_box(&case.signature))),
        Which::Warden => drop(black_box(case.uncached.verify(black_box(&case.token)).unwrap())),
        Which::WardenIgnored => drop(black_box(case.ignored.verify(black_box(&case.token)).unwrap())),
        Which::CacheHit => drop(black_box(case.cached.verify(black_box(&case.token)).unwrap())),
    }
}

fn bench(c: &mut Criterion) {
    let cases = cases();
    let mut group = c.benchmark_group("jwt");
    group.warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    for case in &cases {
        for (name, which) in WHICH {
            group.bench_function(format!("{}/{name}", case.alg), |b| b.iter(|| run(case, which)));
        }
    }
    group.finish();
}

criterion_group!(benches, bench);

/// The primitives' times on the machine the overhead budget (400 ns) was
/// set on, as its issue gives them: HMAC-SHA256 about 0.2 µs, RSA-2048
/// about 12 µs, P-256 about 36 µs, Ed25519 about 25 µs (aws-lc-rs). The
/// paired mode scales warden's added time by them, so that a run on a
/// slower (or busier) machine is judged against the budget as it was meant.
const REFERENCE_PRIMITIVE_NS: [(&str, f64); 4] =
    [("HS256", 200.0), ("RS256", 12_000.0), ("ES256", 36_000.0), ("EdDSA", 25_000.0)];

/// `WARDEN_BENCH_PAIRED=<rounds>`: each round times a short batch of the
/// primitive, then one of each warden case, back to back, and the
/// differences are taken per round. On a shared machine whose speed drifts
/// (frequency, neighbours), the median of the per-round differences is a
/// steadier measure of warden's overhead than the difference of two medians
/// measured seconds apart.
///
/// The last column, "at reference", is the added time scaled by how much
/// slower the primitive runs here than on the machine the budget was set on
/// (see [`REFERENCE_PRIMITIVE_NS`]): `added × reference / primitive`.
fn paired(rounds: usize) {
    let cases = cases();
    println!("{:<24} {:>12} {:>12} {:>12} {:>14}", "case", "median", "primitive", "added", "at reference");
    for case in &cases {
        // Batches of about 200 µs, long enough for each case to run warm.
        for _ in 0..20 {
            run(case, Which::Primitive);
        }
        let start = std::time::Instant::now();
        for _ in 0..20 {
            run(case, Which::Primitive);
        }
        let once = start.elapsed().as_nanos() / 20;
        let batch = (200_000 / once.max(1)).clamp(4, 1000) as u32;
        let time = |which: Which| {
            let start = std::time::Instant::now();
            for _ in 0..batch {
                run(case, which);
            }
            start.elapsed().as_nanos() as f64 / f64::from(batch)
        };
        for _ in 0..rounds / 10 {
            for (_, which) in WHICH {
                time(which);
            }
        }
        let mut primitive = Vec::with_capacity(rounds);
        let mut others: Vec<(&str, Vec<f64>, Vec<f64>)> =
            WHICH[1..].iter().map(|(name, _)| (*name, Vec::new(), Vec::new())).collect();
        for _ in 0..rounds {
            let base = time(Which::Primitive);
            primitive.push(base);
            for ((_, which), (_, times, added)) in WHICH[1..].iter().zip(others.iter_mut()) {
                let took = time(*which);
                times.push(took);
                added.push(took - base);
            }
        }
        let median = |values: &mut Vec<f64>| {
            values.sort_by(f64::total_cmp);
            values[values.len() / 2]
        };
        let base = median(&mut primitive);
        let reference = REFERENCE_PRIMITIVE_NS.iter().find(|(alg, _)| *alg == case.alg).map_or(base, |(_, ns)| *ns);
        println!(
            "{:<24} {:>10.1}ns {:>25} {:>10.2}x slower",
            format!("{}/primitive", case.alg),
            base,
            "",
            base / reference
        );
        for (name, mut times, mut added) in others {
            let added = median(&mut added);
            let time = median(&mut times);
            let case_name = format!("{}/{name}", case.alg);
            if name == "cache_hit" {
                // Judged by its own time: no signature to compare with.
                println!("{case_name:<24} {time:>10.1}ns");
            } else {
                let scaled = added * reference / base;
                println!("{case_name:<24} {time:>10.1}ns {base:>10.1}ns {added:>+10.1}ns {scaled:>+12.1}ns");
            }
        }
    }
}

fn main() {
    if let Ok(spec) = std::env::var("WARDEN_BENCH_LOOP") {
        let (name, iterations) = spec.split_once(':').unwrap_or((&spec, "10000"));
        let (alg, which) = name.split_once('/').expect("WARDEN_BENCH_LOOP=<ALG>/<case>:<iterations>");
        let iterations: u64 = iterations.parse().unwrap();
        let cases = cases();
        let case = cases.iter().find(|case| case.alg == alg).expect("unknown algorithm");
        let which = WHICH.iter().find(|(name, _)| *name == which).expect("unknown case").1;
        for _ in 0..iterations {
            run(case, which);
        }
        return;
    }
    if let Ok(rounds) = std::env::var("WARDEN_BENCH_PAIRED") {
        paired(rounds.parse().unwrap_or(400));
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
