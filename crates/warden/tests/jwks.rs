//! `JwksSource` and `OidcDiscovery` against a provider on a local port that
//! serves real keys (tests/fixtures/jwks/keys.json) with the `Cache-Control`,
//! status and body each test sets, counting the key set fetches.
//!
//! Time is a shared `FixedClock` (the source's freshness and rate limit, and
//! the verifier's `exp`): tests move it instead of sleeping. Background
//! refreshes are awaited by polling the provider's hit count.

#![cfg(feature = "jwks")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use std::{
    net::SocketAddr,
    sync::{
        Arc, LazyLock, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    Json, Router,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde_json::{Value, json};
use support::Captured;
use tokio::{sync::RwLock, task::JoinHandle};
use warden::{
    AuthRejection,
    jwks::{JwksErrorKind, JwksSource, JwksSourceBuilder, OidcDiscovery},
    jwt::{Algorithm, EncodingKey, FixedClock, Header, JwtErrorKind, JwtVerifier, encode},
};

const NOW: i64 = 1_700_000_000;

static KEYS: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(include_str!("fixtures/jwks/keys.json")).expect("keys.json is JSON"));

/// The public JWK of fixture key `name`.
fn jwk(name: &str) -> Value {
    KEYS[name]["jwk"].clone()
}

fn jwk_set(names: &[&str]) -> Value {
    json!({ "keys": names.iter().map(|name| jwk(name)).collect::<Vec<_>>() })
}

/// A token signed with fixture key `name`, naming `kid` in its header.
fn token_as(name: &str, kid: &str, claims: &Value) -> String {
    let pem = KEYS[name]["private_pem"].as_str().unwrap().as_bytes();
    let (alg, key) = match KEYS[name]["alg"].as_str().unwrap() {
        "RS256" => (Algorithm::Rs256, EncodingKey::from_rsa_pem(pem)),
        "ES256" => (Algorithm::Es256, EncodingKey::from_ec_pem(pem)),
        "EdDSA" => (Algorithm::EdDsa, EncodingKey::from_ed25519_pem(pem)),
        other => panic!("no such algorithm in the fixtures: {other}"),
    };
    encode(&Header::new(alg).with_kid(kid), claims, &key.unwrap()).unwrap()
}

/// A token signed with fixture key `name` under its own kid, valid for the
/// 30 days the tests move the clock through.
fn token(name: &str) -> String {
    token_as(name, name, &json!({ "sub": "johndoe", "exp": NOW + 30 * 24 * 3600 }))
}

/// What the provider answers; tests change it while it runs.
#[derive(Clone)]
struct Behaviour {
    jwks: Value,
    cache_control: Option<&'static str>,
    status: StatusCode,
    raw_body: Option<String>,
    delay: Duration,
    discovery: Value,
}

struct Shared {
    behaviour: Mutex<Behaviour>,
    jwks_hits: AtomicUsize,
    /// Held for writing by a test to keep key set answers waiting.
    gate: RwLock<()>,
}

async fn serve_jwks(State(shared): State<Arc<Shared>>) -> Response {
    shared.jwks_hits.fetch_add(1, Ordering::SeqCst);
    let _open = shared.gate.read().await;
    let behaviour = shared.behaviour.lock().unwrap().clone();
    if !behaviour.delay.is_zero() {
        tokio::time::sleep(behaviour.delay).await;
    }
    let mut response = match behaviour.raw_body {
        Some(body) => body.into_response(),
        None => Json(behaviour.jwks).into_response(),
    };
    *response.status_mut() = behaviour.status;
    if let Some(cache_control) = behaviour.cache_control {
        response.headers_mut().insert(header::CACHE_CONTROL, cache_control.parse().unwrap());
    }
    response
}

async fn serve_discovery(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(shared.behaviour.lock().unwrap().discovery.clone())
}

/// An identity provider on 127.0.0.1: `/jwks.json` and
/// `/.well-known/openid-configuration`.
struct Provider {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Provider {
    async fn start(jwks: Value) -> Self {
        let shared = Arc::new(Shared {
            behaviour: Mutex::new(Behaviour {
                jwks,
                cache_control: None,
                status: StatusCode::OK,
                raw_body: None,
                delay: Duration::ZERO,
                discovery: Value::Null,
            }),
            jwks_hits: AtomicUsize::new(0),
            gate: RwLock::new(()),
        });
        let app = Router::new()
            .route("/jwks.json", get(serve_jwks))
            .route("/.well-known/openid-configuration", get(serve_discovery))
            .with_state(Arc::clone(&shared));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        Self { addr, shared, stop: Some(stop), task: Some(task) }
    }

    fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn jwks_url(&self) -> String {
        format!("{}/jwks.json", self.origin())
    }

    fn hits(&self) -> usize {
        self.shared.jwks_hits.load(Ordering::SeqCst)
    }

    fn set(&self, change: impl FnOnce(&mut Behaviour)) {
        change(&mut self.shared.behaviour.lock().unwrap());
    }

    /// Stops listening: later fetches get "connection refused".
    async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }
}

/// Waits (up to 5 s of real time) until the provider has been hit `n` times.
async fn until_hits(provider: &Provider, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while provider.hits() < n {
        assert!(Instant::now() < deadline, "expected {n} fetches, saw {}", provider.hits());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Gives a background refresh, if one was (wrongly) started, time to show.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(50)).await;
}

fn source_for(provider: &Provider, clock: &Arc<FixedClock>) -> JwksSourceBuilder {
    JwksSource::builder(provider.jwks_url()).clock(Arc::clone(clock))
}

fn verifier(source: JwksSource, clock: &Arc<FixedClock>) -> JwtVerifier<Value, JwksSource> {
    JwtVerifier::builder(source, [Algorithm::Rs256, Algorithm::Es256, Algorithm::EdDsa])
        .clock(Arc::clone(clock))
        .build()
        .unwrap()
}

fn setup(provider: &Provider) -> (Arc<FixedClock>, JwtVerifier<Value, JwksSource>) {
    let clock = Arc::new(FixedClock::at(NOW));
    let verifier = verifier(source_for(provider, &clock).build().unwrap(), &clock);
    (clock, verifier)
}

fn assert_invalid_token_401(err: warden::jwt::JwtError) {
    let rejection = AuthRejection::from(err);
    assert_eq!(rejection.status(), 401);
    assert!(rejection.challenges()[0].to_string().contains(r#"error="invalid_token""#));
}

// ---- first fetch and reads --------------------------------------------

#[tokio::test]
async fn the_first_verification_fetches_the_keys_and_the_next_ones_read_them_from_memory() {
    let provider = Provider::start(jwk_set(&["rsa-2024", "ec-2025", "ed-2026"])).await;
    let (_clock, verifier) = setup(&provider);

    let claims = verifier.verify_async(&token("rsa-2024")).await.unwrap();
    assert_eq!(claims["sub"], "johndoe");
    assert_eq!(provider.hits(), 1);

    for _ in 0..5 {
        for name in ["rsa-2024", "ec-2025", "ed-2026"] {
            verifier.verify(&token(name)).unwrap();
            verifier.verify_async(&token(name)).await.unwrap();
        }
    }
    settle().await;
    assert_eq!(provider.hits(), 1);
    assert_eq!(verifier.keys().key_set().unwrap().len(), 3);
}

#[tokio::test]
async fn a_synchronous_verification_with_no_keys_yet_is_refused_and_starts_a_background_fetch() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    let (_clock, verifier) = setup(&provider);

    let err = verifier.verify(&token("rsa-2024")).unwrap_err();
    assert_eq!(err.kind(), JwtErrorKind::KeyUnavailable);
    until_hits(&provider, 1).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while verifier.keys().key_set().is_none() {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    verifier.verify(&token("rsa-2024")).unwrap();
    assert_eq!(provider.hits(), 1);
}

// ---- rotation and unknown kids ----------------------------------------

#[tokio::test]
async fn a_rotated_key_verifies_after_the_refetch_its_unknown_kid_triggers() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    let (clock, verifier) = setup(&provider);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();

    // The provider publishes its next key; tokens signed with it start arriving.
    provider.set(|b| b.jwks = jwk_set(&["rsa-2024", "rsa-2025"]));
    clock.advance(Duration::from_secs(30));
    verifier.verify_async(&token("rsa-2025")).await.unwrap();
    assert_eq!(provider.hits(), 2);

    // Both keys now verify from memory.
    verifier.verify(&token("rsa-2024")).unwrap();
    verifier.verify(&token("rsa-2025")).unwrap();
    settle().await;
    assert_eq!(provider.hits(), 2);
}

#[tokio::test]
async fn an_unknown_kid_refetches_once_and_is_then_refused_with_401_invalid_token() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    let (clock, verifier) = setup(&provider);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();

    clock.advance(Duration::from_secs(30));
    let stranger = token_as("ec-2025", "not-published", &json!({ "sub": "mallory", "exp": NOW + 3600 }));
    let err = verifier.verify_async(&stranger).await.unwrap_err();
    assert_eq!(err.kind(), JwtErrorKind::UnknownKey);
    assert_eq!(provider.hits(), 2, "one refetch for the unknown kid");
    assert_invalid_token_401(err);

    // Within the interval, unknown kids are refused without fetching.
    for _ in 0..10 {
        assert_eq!(verifier.verify_async(&stranger).await.unwrap_err().kind(), JwtErrorKind::UnknownKey);
    }
    clock.advance(Duration::from_secs(29));
    assert_eq!(verifier.verify_async(&stranger).await.unwrap_err().kind(), JwtErrorKind::UnknownKey);
    assert_eq!(provider.hits(), 2);

    // Once the interval has passed, the next unknown kid may refetch again.
    clock.advance(Duration::from_secs(1));
    assert_eq!(verifier.verify_async(&stranger).await.unwrap_err().kind(), JwtErrorKind::UnknownKey);
    assert_eq!(provider.hits(), 3);
}

#[tokio::test]
async fn a_clock_set_back_does_not_stop_refetches() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    let (clock, verifier) = setup(&provider);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();
    provider.set(|b| b.jwks = jwk_set(&["rsa-2024", "rsa-2025"]));
    clock.set(NOW - 3600);
    verifier.verify_async(&token("rsa-2025")).await.unwrap();
    assert_eq!(provider.hits(), 2);
}

#[tokio::test]
async fn the_synchronous_path_never_fetches_for_an_unknown_kid() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    let (clock, verifier) = setup(&provider);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();
    clock.advance(Duration::from_secs(30));

    let err = verifier.verify(&token("rsa-2025")).unwrap_err();
    assert_eq!(err.kind(), JwtErrorKind::UnknownKey);
    settle().await;
    assert_eq!(provider.hits(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_unknown_kid_tokens_shares_one_fetch() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    let (clock, verifier) = setup(&provider);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();
    clock.advance(Duration::from_secs(30));

    // Hold the provider's answer so that every request arrives during the fetch.
    let gate = provider.shared.gate.write().await;
    let mut burst = tokio::task::JoinSet::new();
    for i in 0..50 {
        let verifier = verifier.clone();
        let stranger = token_as("ec-2025", &format!("unknown-{i}"), &json!({ "sub": "mallory", "exp": NOW + 3600 }));
        burst.spawn(async move { verifier.verify_async(&stranger).await });
    }
    until_hits(&provider, 2).await;
    settle().await;
    drop(gate);
    while let Some(outcome) = burst.join_next().await {
        assert_eq!(outcome.unwrap().unwrap_err().kind(), JwtErrorKind::UnknownKey);
    }
    assert_eq!(provider.hits(), 2, "the whole burst made one fetch");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_tokens_signed_with_a_new_key_shares_one_fetch_and_all_verify() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    let (clock, verifier) = setup(&provider);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();
    provider.set(|b| b.jwks = jwk_set(&["rsa-2024", "ed-2026"]));
    clock.advance(Duration::from_secs(30));

    let gate = provider.shared.gate.write().await;
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let verifier = verifier.clone();
        burst.spawn(async move { verifier.verify_async(&token("ed-2026")).await.map(|claims| claims["sub"].clone()) });
    }
    until_hits(&provider, 2).await;
    drop(gate);
    while let Some(outcome) = burst.join_next().await {
        assert_eq!(outcome.unwrap().unwrap(), "johndoe");
    }
    assert_eq!(provider.hits(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiters_beyond_max_waiters_are_refused_at_once_with_503_and_the_rest_verify_after_one_fetch() {
    const CAP: usize = 8;
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    let clock = Arc::new(FixedClock::at(NOW));
    let verifier = verifier(source_for(&provider, &clock).max_waiters(CAP).build().unwrap(), &clock);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();
    provider.set(|b| b.jwks = jwk_set(&["rsa-2024", "ed-2026"]));
    clock.advance(Duration::from_secs(30));

    // A slow provider: the fetch cannot land while the gate is held.
    let gate = provider.shared.gate.write().await;
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..=CAP {
        let verifier = verifier.clone();
        burst.spawn(async move { verifier.verify_async(&token("ed-2026")).await.map(|claims| claims["sub"].clone()) });
    }
    until_hits(&provider, 2).await;
    // The one beyond the cap is answered while the fetch is still held...
    let refused = tokio::time::timeout(Duration::from_secs(5), burst.join_next())
        .await
        .expect("the excess waiter is refused at once")
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert_eq!(refused.kind(), JwtErrorKind::Overloaded);
    let rejection = AuthRejection::from(refused);
    assert_eq!(rejection.status(), 503);
    assert_eq!(rejection.headers()["retry-after"], "1");
    // ...and nobody else is.
    settle().await;
    assert_eq!(burst.len(), CAP);
    assert!(burst.try_join_next().is_none());

    drop(gate);
    while let Some(outcome) = burst.join_next().await {
        assert_eq!(outcome.unwrap().unwrap(), "johndoe");
    }
    assert_eq!(provider.hits(), 2, "one fetch for the whole burst");

    // The places are given back: the next burst of CAP waits, none is refused.
    clock.advance(Duration::from_secs(30));
    let gate = provider.shared.gate.write().await;
    for i in 0..CAP {
        let verifier = verifier.clone();
        let stranger = token_as("ec-2025", &format!("unknown-{i}"), &json!({ "sub": "mallory", "exp": NOW + 3600 }));
        burst.spawn(async move { verifier.verify_async(&stranger).await.map(|claims| claims["sub"].clone()) });
    }
    until_hits(&provider, 3).await;
    drop(gate);
    while let Some(outcome) = burst.join_next().await {
        assert_eq!(outcome.unwrap().unwrap_err().kind(), JwtErrorKind::UnknownKey);
    }
    assert_eq!(provider.hits(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiters_share_the_one_fetch_task_and_spawn_none_of_their_own() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    let (clock, verifier) = setup(&provider);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();
    provider.set(|b| b.jwks = jwk_set(&["rsa-2024", "ed-2026"]));
    clock.advance(Duration::from_secs(30));
    settle().await;
    let metrics = tokio::runtime::Handle::current().metrics();
    let before = metrics.num_alive_tasks();

    let gate = provider.shared.gate.write().await;
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let verifier = verifier.clone();
        burst.spawn(async move { verifier.verify_async(&token("ed-2026")).await.map(|_| ()) });
    }
    until_hits(&provider, 2).await;
    settle().await;
    // The burst's own 100 tasks, the fetch, and the provider's connection
    // tasks; not one task more per waiter.
    let extra = metrics.num_alive_tasks().saturating_sub(before + 100);
    assert!(extra <= 5, "{extra} tasks beyond the waiters themselves");
    drop(gate);
    while let Some(outcome) = burst.join_next().await {
        outcome.unwrap().unwrap();
    }
    assert_eq!(provider.hits(), 2);
}

#[tokio::test]
async fn a_caller_that_gives_up_does_not_cancel_the_fetch_others_wait_for() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    let (clock, verifier) = setup(&provider);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();
    provider.set(|b| b.jwks = jwk_set(&["rsa-2024", "ed-2026"]));
    clock.advance(Duration::from_secs(30));

    let gate = provider.shared.gate.write().await;
    let impatient = {
        let verifier = verifier.clone();
        tokio::spawn(async move { verifier.verify_async(&token("ed-2026")).await })
    };
    until_hits(&provider, 2).await;
    impatient.abort(); // its client disconnected
    let patient = {
        let verifier = verifier.clone();
        tokio::spawn(async move { verifier.verify_async(&token("ed-2026")).await })
    };
    settle().await;
    drop(gate);
    assert_eq!(patient.await.unwrap().unwrap()["sub"], "johndoe");
    assert_eq!(provider.hits(), 2);
}

// ---- Cache-Control ----------------------------------------------------

#[tokio::test]
async fn max_age_is_honoured_no_refetch_before_it_runs_out_one_after() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    provider.set(|b| b.cache_control = Some("public, max-age=120"));
    let (clock, verifier) = setup(&provider);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();
    assert!(!verifier.keys().is_stale());

    clock.advance(Duration::from_secs(119));
    verifier.verify(&token("rsa-2024")).unwrap();
    verifier.verify_async(&token("rsa-2024")).await.unwrap();
    settle().await;
    assert_eq!(provider.hits(), 1, "fresh for 120 s");

    clock.advance(Duration::from_secs(1));
    assert!(verifier.keys().is_stale());
    verifier.verify(&token("rsa-2024")).unwrap();
    until_hits(&provider, 2).await;
    settle().await;
    assert_eq!(provider.hits(), 2, "one background refetch, however many verifications");
}

#[tokio::test]
async fn stale_keys_still_verify_while_the_refetch_is_in_flight() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    provider.set(|b| b.cache_control = Some("max-age=60"));
    let (clock, verifier) = setup(&provider);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();

    let gate = provider.shared.gate.write().await;
    clock.advance(Duration::from_secs(60));
    verifier.verify_async(&token("rsa-2024")).await.unwrap();
    until_hits(&provider, 2).await;
    // The refetch is waiting on the provider: verifications go on with the stale keys.
    for _ in 0..5 {
        verifier.verify_async(&token("rsa-2024")).await.unwrap();
        verifier.verify(&token("rsa-2024")).unwrap();
    }
    drop(gate);
    settle().await;
    assert_eq!(provider.hits(), 2);
}

#[tokio::test]
async fn no_store_refetches_no_more_often_than_the_minimum_ttl() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    provider.set(|b| b.cache_control = Some("no-store"));
    let clock = Arc::new(FixedClock::at(NOW));
    let verifier = verifier(source_for(&provider, &clock).min_ttl(Duration::from_secs(90)).build().unwrap(), &clock);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();

    clock.advance(Duration::from_secs(89));
    verifier.verify(&token("rsa-2024")).unwrap();
    settle().await;
    assert_eq!(provider.hits(), 1);

    clock.advance(Duration::from_secs(1));
    verifier.verify(&token("rsa-2024")).unwrap();
    until_hits(&provider, 2).await;
}

#[tokio::test]
async fn a_max_age_beyond_the_maximum_ttl_is_capped() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    provider.set(|b| b.cache_control = Some("max-age=31536000"));
    let clock = Arc::new(FixedClock::at(NOW));
    let verifier = verifier(source_for(&provider, &clock).max_ttl(Duration::from_secs(3600)).build().unwrap(), &clock);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();

    clock.advance(Duration::from_secs(3599));
    verifier.verify(&token("rsa-2024")).unwrap();
    settle().await;
    assert_eq!(provider.hits(), 1);
    clock.advance(Duration::from_secs(1));
    verifier.verify(&token("rsa-2024")).unwrap();
    until_hits(&provider, 2).await;
}

#[tokio::test]
async fn without_cache_control_the_default_ttl_applies() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    let clock = Arc::new(FixedClock::at(NOW));
    let verifier =
        verifier(source_for(&provider, &clock).default_ttl(Duration::from_secs(300)).build().unwrap(), &clock);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();

    clock.advance(Duration::from_secs(299));
    verifier.verify(&token("rsa-2024")).unwrap();
    settle().await;
    assert_eq!(provider.hits(), 1);
    clock.advance(Duration::from_secs(1));
    verifier.verify(&token("rsa-2024")).unwrap();
    until_hits(&provider, 2).await;
}

// ---- provider down ----------------------------------------------------

#[tokio::test]
async fn when_the_provider_answers_500_the_last_good_keys_still_verify() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    let (clock, verifier) = setup(&provider);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();

    provider.set(|b| b.status = StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(verifier.keys().refresh().await.unwrap_err().kind(), JwksErrorKind::Status);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();

    // Stale and failing: the background refetches fail, the keys stay.
    clock.advance(Duration::from_secs(24 * 3600));
    verifier.verify_async(&token("rsa-2024")).await.unwrap();
    until_hits(&provider, 3).await;
    settle().await;
    verifier.verify(&token("rsa-2024")).unwrap();
    verifier.verify_async(&token("rsa-2024")).await.unwrap();

    // An unknown kid is still a 401, never the provider's 5xx.
    clock.advance(Duration::from_secs(30));
    let err = verifier.verify_async(&token("rsa-2025")).await.unwrap_err();
    assert_eq!(err.kind(), JwtErrorKind::UnknownKey);
    assert_invalid_token_401(err);
}

#[tokio::test]
async fn when_the_provider_is_gone_the_last_good_keys_still_verify() {
    let mut provider = Provider::start(jwk_set(&["rsa-2024", "ec-2025"])).await;
    let (clock, verifier) = setup(&provider);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();

    provider.stop().await;
    assert_eq!(verifier.keys().refresh().await.unwrap_err().kind(), JwksErrorKind::Connect);
    clock.advance(Duration::from_secs(24 * 3600));
    for _ in 0..3 {
        verifier.verify_async(&token("rsa-2024")).await.unwrap();
        verifier.verify(&token("ec-2025")).unwrap();
        settle().await;
    }
    clock.advance(Duration::from_secs(30));
    assert_eq!(verifier.verify_async(&token("rsa-2025")).await.unwrap_err().kind(), JwtErrorKind::UnknownKey);
    verifier.verify_async(&token("ec-2025")).await.unwrap();
}

/// Every WARN of this test binary, from the moment it is first touched: a
/// global subscriber, so that the interest tracing caches per callsite is
/// rebuilt for it whatever other tests did before.
static WARNINGS: LazyLock<Captured> = LazyLock::new(|| {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    captured
});

#[tokio::test]
async fn a_failed_fetch_is_logged_at_warn_with_the_url_and_the_reason() {
    let warnings = WARNINGS.clone();
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    let (_clock, verifier) = setup(&provider);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();
    provider.set(|b| b.status = StatusCode::BAD_GATEWAY);
    verifier.keys().refresh().await.unwrap_err();

    let log = String::from_utf8(warnings.0.lock().unwrap().clone()).unwrap();
    let line = log.lines().find(|line| line.contains(&provider.jwks_url())).unwrap_or_else(|| panic!("{log}"));
    assert!(line.contains("WARN"), "{line}");
    assert!(line.contains("keeping the last good keys"), "{line}");
    assert!(line.contains("502"), "{line}");
    assert!(line.contains("kept_keys=1"), "{line}");
}

#[tokio::test]
async fn a_body_that_is_not_a_usable_key_set_keeps_the_last_good_keys() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    let (_clock, verifier) = setup(&provider);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();

    provider.set(|b| b.raw_body = Some("<html>maintenance</html>".to_owned()));
    assert_eq!(verifier.keys().refresh().await.unwrap_err().kind(), JwksErrorKind::InvalidJson);
    provider.set(|b| {
        b.raw_body = None;
        b.jwks = json!({ "keys": [] });
    });
    assert_eq!(verifier.keys().refresh().await.unwrap_err().kind(), JwksErrorKind::NoUsableKeys);
    provider
        .set(|b| b.jwks = json!({ "keys": [{ "kty": "RSA", "use": "enc", "kid": "enc", "n": "AQAB", "e": "AQAB" }] }));
    assert_eq!(verifier.keys().refresh().await.unwrap_err().kind(), JwksErrorKind::NoUsableKeys);

    verifier.verify_async(&token("rsa-2024")).await.unwrap();
    assert_eq!(verifier.keys().key_set().unwrap().len(), 1);
}

/// An HMAC key in a published set: anyone who fetches the set could sign.
const OCT_SECRET: &[u8] = b"a 32-byte secret for the example";

fn oct_set_with(names: &[&str]) -> Value {
    let mut set = jwk_set(names);
    set["keys"].as_array_mut().unwrap().push(json!({
        "kty": "oct", "kid": "oct-1", "alg": "HS256", "use": "sig",
        "k": "YSAzMi1ieXRlIHNlY3JldCBmb3IgdGhlIGV4YW1wbGU",
    }));
    set
}

fn oct_token() -> String {
    let claims = json!({ "sub": "mallory", "exp": NOW + 3600 });
    encode(&Header::new(Algorithm::Hs256).with_kid("oct-1"), &claims, &EncodingKey::from_secret(OCT_SECRET).unwrap())
        .unwrap()
}

#[tokio::test]
async fn a_symmetric_key_in_a_fetched_set_is_skipped_with_a_warning_unless_allowed() {
    let provider = Provider::start(oct_set_with(&["rsa-2024"])).await;
    let clock = Arc::new(FixedClock::at(NOW));
    let warnings = WARNINGS.clone();
    let verifier = JwtVerifier::<Value, _>::builder(
        source_for(&provider, &clock).build().unwrap(),
        [Algorithm::Rs256, Algorithm::Hs256],
    )
    .clock(Arc::clone(&clock))
    .build()
    .unwrap();

    // The public key verifies; a token signed with the published secret is
    // refused as signed by a key the set does not have.
    verifier.verify_async(&token("rsa-2024")).await.unwrap();
    let err = verifier.verify_async(&oct_token()).await.unwrap_err();
    assert_eq!(err.kind(), JwtErrorKind::UnknownKey);
    assert_invalid_token_401(err);
    assert_eq!(verifier.keys().key_set().unwrap().len(), 1);
    let logs = warnings.text();
    assert!(logs.contains("WARN") && logs.contains("symmetric") && logs.contains("oct-1"), "{logs}");

    // A set of secrets alone has no usable key.
    provider.set(|b| b.jwks = oct_set_with(&[]));
    assert_eq!(verifier.keys().refresh().await.unwrap_err().kind(), JwksErrorKind::NoUsableKeys);

    // Opted in (a set served to this application alone), the secret verifies.
    let allowed = JwtVerifier::<Value, _>::builder(
        source_for(&provider, &clock).allow_symmetric_keys(true).build().unwrap(),
        [Algorithm::Hs256],
    )
    .clock(Arc::clone(&clock))
    .build()
    .unwrap();
    assert_eq!(allowed.verify_async(&oct_token()).await.unwrap()["sub"], "mallory");
}

#[tokio::test]
async fn with_no_keys_ever_tokens_are_refused_with_401_invalid_token_not_5xx() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    provider.set(|b| b.status = StatusCode::SERVICE_UNAVAILABLE);
    let (clock, verifier) = setup(&provider);

    let err = verifier.verify_async(&token("rsa-2024")).await.unwrap_err();
    assert_eq!(err.kind(), JwtErrorKind::KeyUnavailable);
    let cause = std::error::Error::source(&err).expect("the fetch error is the source").to_string();
    assert!(cause.contains("503"), "{cause}");
    assert_invalid_token_401(err);
    assert_eq!(provider.hits(), 1);

    // Retries are rate-limited like any fetch.
    assert_eq!(verifier.verify_async(&token("rsa-2024")).await.unwrap_err().kind(), JwtErrorKind::KeyUnavailable);
    assert_eq!(verifier.verify(&token("rsa-2024")).unwrap_err().kind(), JwtErrorKind::KeyUnavailable);
    settle().await;
    assert_eq!(provider.hits(), 1);

    // The provider comes back: the next allowed fetch brings the keys.
    provider.set(|b| b.status = StatusCode::OK);
    clock.advance(Duration::from_secs(30));
    verifier.verify_async(&token("rsa-2024")).await.unwrap();
    assert_eq!(provider.hits(), 2);
}

// ---- limits -------------------------------------------------------------

#[tokio::test]
async fn a_response_larger_than_the_limit_is_refused() {
    let provider = Provider::start(jwk_set(&["rsa-2024", "rsa-2025", "ec-2025", "ed-2026"])).await;
    let clock = Arc::new(FixedClock::at(NOW));
    let source = source_for(&provider, &clock).max_response_bytes(512).build().unwrap();
    assert_eq!(source.refresh().await.unwrap_err().kind(), JwksErrorKind::TooLarge);
    assert!(source.key_set().is_none());
}

#[tokio::test]
async fn a_provider_slower_than_the_timeout_fails_the_fetch() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    provider.set(|b| b.delay = Duration::from_secs(5));
    let clock = Arc::new(FixedClock::at(NOW));
    let source = source_for(&provider, &clock).timeout(Duration::from_millis(200)).build().unwrap();
    let started = Instant::now();
    assert_eq!(source.refresh().await.unwrap_err().kind(), JwksErrorKind::Timeout);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn urls_and_settings_that_cannot_work_are_refused_at_build() {
    for url in ["not a url", "ftp://idp.example/jwks.json", "http://idp.example/jwks.json", "/jwks.json"] {
        let err = JwksSource::builder(url).build().unwrap_err();
        assert_eq!(err.kind(), JwksErrorKind::InvalidUrl, "{url}");
        assert!(err.kind().is_config());
    }
    assert!(JwksSource::builder("http://idp.example/jwks.json").allow_http(true).build().is_ok());
    let bad = [
        JwksSource::builder("https://idp.example/jwks").timeout(Duration::ZERO),
        JwksSource::builder("https://idp.example/jwks").max_response_bytes(0),
        JwksSource::builder("https://idp.example/jwks").max_waiters(0),
        JwksSource::builder("https://idp.example/jwks")
            .min_ttl(Duration::from_secs(600))
            .max_ttl(Duration::from_secs(60)),
    ];
    for builder in bad {
        assert_eq!(builder.build().unwrap_err().kind(), JwksErrorKind::InvalidConfig);
    }
}

#[test]
fn outside_a_tokio_runtime_nothing_is_fetched_and_nothing_panics() {
    let clock = Arc::new(FixedClock::at(NOW));
    let source = JwksSource::builder("http://127.0.0.1:9/jwks.json").clock(Arc::clone(&clock)).build().unwrap();
    let verifier = verifier(source, &clock);
    assert_eq!(verifier.verify(&token("rsa-2024")).unwrap_err().kind(), JwtErrorKind::KeyUnavailable);
}

// ---- OpenID Connect discovery -------------------------------------------

#[tokio::test]
async fn discovery_gives_the_issuer_and_a_source_for_jwks_uri() {
    let provider = Provider::start(jwk_set(&["ec-2025"])).await;
    let issuer = provider.origin();
    provider.set(|b| {
        b.discovery = json!({
            "issuer": issuer,
            "jwks_uri": format!("{issuer}/jwks.json"),
            "token_endpoint": format!("{issuer}/token"),
            "id_token_signing_alg_values_supported": ["ES256"],
        });
    });

    let metadata = OidcDiscovery::builder(issuer.clone()).build().unwrap().fetch().await.unwrap();
    assert_eq!(metadata.issuer(), issuer);
    assert_eq!(metadata.jwks_uri(), provider.jwks_url());
    assert_eq!(metadata.get("id_token_signing_alg_values_supported"), Some(&json!(["ES256"])));

    let clock = Arc::new(FixedClock::at(NOW));
    let verifier = JwtVerifier::<Value, _>::builder(
        metadata.jwks().clock(Arc::clone(&clock)).build().unwrap(),
        [Algorithm::Es256],
    )
    .issuer(metadata.issuer().to_owned())
    .clock(Arc::clone(&clock))
    .build()
    .unwrap();
    let good = token_as("ec-2025", "ec-2025", &json!({ "sub": "johndoe", "iss": issuer, "exp": NOW + 60 }));
    assert_eq!(verifier.verify_async(&good).await.unwrap()["sub"], "johndoe");
    let foreign =
        token_as("ec-2025", "ec-2025", &json!({ "sub": "johndoe", "iss": "https://other.example", "exp": NOW + 60 }));
    assert_eq!(verifier.verify_async(&foreign).await.unwrap_err().kind(), JwtErrorKind::InvalidIssuer);
}

#[tokio::test]
async fn discovery_refuses_a_document_that_names_another_issuer() {
    let provider = Provider::start(jwk_set(&["ec-2025"])).await;
    let issuer = provider.origin();
    let jwks_uri = provider.jwks_url();
    provider.set(|b| b.discovery = json!({ "issuer": "https://impostor.example", "jwks_uri": jwks_uri }));
    let err = OidcDiscovery::builder(issuer.clone()).build().unwrap().fetch().await.unwrap_err();
    assert_eq!(err.kind(), JwksErrorKind::IssuerMismatch);
    assert!(err.to_string().contains("impostor.example"));

    // "Identical" (§4.3): a trailing slash is a different issuer.
    provider.set(|b| b.discovery = json!({ "issuer": format!("{issuer}/"), "jwks_uri": jwks_uri }));
    let err = OidcDiscovery::builder(issuer.clone()).build().unwrap().fetch().await.unwrap_err();
    assert_eq!(err.kind(), JwksErrorKind::IssuerMismatch);
}

#[tokio::test]
async fn discovery_refuses_a_document_without_a_fetchable_jwks_uri() {
    let provider = Provider::start(jwk_set(&["ec-2025"])).await;
    let issuer = provider.origin();
    let discovery = OidcDiscovery::builder(issuer.clone()).build().unwrap();

    provider.set(|b| b.discovery = json!({ "issuer": issuer }));
    assert_eq!(discovery.fetch().await.unwrap_err().kind(), JwksErrorKind::InvalidJson);
    provider.set(|b| b.discovery = json!({ "issuer": issuer, "jwks_uri": "http://idp.example/jwks.json" }));
    assert_eq!(discovery.fetch().await.unwrap_err().kind(), JwksErrorKind::InvalidUrl);
    provider.set(|b| b.discovery = json!(["not", "an", "object"]));
    assert_eq!(discovery.fetch().await.unwrap_err().kind(), JwksErrorKind::InvalidJson);
}

#[tokio::test]
async fn discovery_can_read_a_given_url_and_still_checks_the_issuer() {
    let provider = Provider::start(jwk_set(&["ec-2025"])).await;
    let issuer = "https://accounts.example";
    let jwks_uri = provider.jwks_url();
    provider.set(|b| b.discovery = json!({ "issuer": issuer, "jwks_uri": jwks_uri }));
    let url = format!("{}/.well-known/openid-configuration", provider.origin());

    let metadata = OidcDiscovery::builder(issuer).discovery_url(url.clone()).build().unwrap().fetch().await.unwrap();
    assert_eq!(metadata.issuer(), issuer);
    let err = OidcDiscovery::builder("https://elsewhere.example").discovery_url(url).build().unwrap().fetch().await;
    assert_eq!(err.unwrap_err().kind(), JwksErrorKind::IssuerMismatch);
}

#[tokio::test]
async fn unknown_kids_inside_the_rate_limit_are_refused_at_once_without_a_fetch() {
    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    let (_clock, verifier) = setup(&provider);
    verifier.verify_async(&token("rsa-2024")).await.unwrap();
    for i in 0..50 {
        let forged = token_as("rsa-2024", &format!("made-up-{i}"), &json!({"sub": "x", "exp": NOW + 60}));
        let err = verifier.verify_async(&forged).await.unwrap_err();
        assert_eq!(err.kind(), JwtErrorKind::UnknownKey);
    }
    settle().await;
    assert_eq!(provider.hits(), 1);
}

// ---- the verified-token cache -------------------------------------------

#[tokio::test]
async fn a_key_that_leaves_the_set_stops_its_cached_tokens_too() {
    let provider = Provider::start(jwk_set(&["rsa-2024", "ed-2026"])).await;
    let clock = Arc::new(FixedClock::at(NOW));
    let verifier: JwtVerifier<Value, JwksSource> =
        JwtVerifier::builder(source_for(&provider, &clock).build().unwrap(), [Algorithm::Rs256, Algorithm::EdDsa])
            .clock(Arc::clone(&clock))
            .cache(16)
            .build()
            .unwrap();
    let old = token("rsa-2024");
    assert!(!verifier.verify_async(&old).await.unwrap().from_cache());
    assert!(verifier.verify_async(&old).await.unwrap().from_cache());

    // The provider revokes rsa-2024; a token naming a kid nobody has makes
    // the source refetch, and the dropped key takes its cached tokens along.
    provider.set(|behaviour| behaviour.jwks = jwk_set(&["ed-2026"]));
    clock.advance(Duration::from_secs(30));
    let unknown = verifier.verify_async(&token_as("ed-2026", "unknown", &json!({"sub": "x", "exp": NOW + 3600}))).await;
    assert_eq!(unknown.unwrap_err().kind(), JwtErrorKind::UnknownKey, "a kid nobody has, after the refetch");
    assert_eq!(provider.hits(), 2);
    assert_eq!(verifier.verify(&old).unwrap_err().kind(), JwtErrorKind::UnknownKey);

    // A refetch that keeps every key keeps the cache.
    let kept = token("ed-2026");
    verifier.verify(&kept).unwrap();
    provider.set(|behaviour| behaviour.jwks = jwk_set(&["ed-2026", "ec-2025"]));
    clock.advance(Duration::from_secs(30));
    let unknown = verifier.verify_async(&token_as("ed-2026", "unknown", &json!({"sub": "x", "exp": NOW + 3600}))).await;
    assert_eq!(unknown.unwrap_err().kind(), JwtErrorKind::UnknownKey, "a kid nobody has, after the refetch");
    assert_eq!(provider.hits(), 3);
    assert!(verifier.verify(&kept).unwrap().from_cache());
}

// ---- through a router ---------------------------------------------------

#[tokio::test]
async fn a_router_verifies_tokens_with_keys_from_the_provider_rotation_included() {
    use axum::{body::Body, http::Request};
    use tower::ServiceExt as _;
    use warden::{OAuth2PasswordBearer, Security, jwt::JwtBearer, jwt::ScopedClaims};

    warden::scopes! { Me = ["me"]; }
    type CurrentUser = JwtBearer<ScopedClaims, OAuth2PasswordBearer, JwksSource>;
    async fn me(user: Security<CurrentUser, Me>) -> String {
        user.sub.clone()
    }

    let provider = Provider::start(jwk_set(&["rsa-2024"])).await;
    let clock = Arc::new(FixedClock::at(NOW));
    let jwt =
        JwtVerifier::builder(source_for(&provider, &clock).build().unwrap(), [Algorithm::Rs256, Algorithm::EdDsa])
            .clock(Arc::clone(&clock))
            .build()
            .unwrap();
    let app = Router::new()
        .route("/me", get(me))
        .with_state(JwtBearer::new(OAuth2PasswordBearer::new("token").unwrap(), jwt));
    let call = |name: &str, kid: &str, scopes: &[&str]| {
        let token = token_as(name, kid, &json!({ "sub": "johndoe", "scopes": scopes, "exp": NOW + 3600 }));
        let request = Request::get("/me").header("authorization", format!("Bearer {token}")).body(Body::empty());
        app.clone().oneshot(request.unwrap())
    };

    assert_eq!(call("rsa-2024", "rsa-2024", &["me"]).await.unwrap().status(), 200);
    let no_scope = call("rsa-2024", "rsa-2024", &[]).await.unwrap();
    assert_eq!(no_scope.status(), 403);
    assert_eq!(no_scope.headers()["www-authenticate"], r#"Bearer error="insufficient_scope", scope="me""#);

    // The provider rotates to a new key: its first token triggers one refetch
    // (refetches are rate-limited, so some time passes first).
    provider.set(|behaviour| behaviour.jwks = jwk_set(&["ed-2026"]));
    clock.advance(Duration::from_secs(30));
    assert_eq!(call("ed-2026", "ed-2026", &["me"]).await.unwrap().status(), 200);
    assert_eq!(provider.hits(), 2);

    // A kid the provider never published is an invalid token, not a 5xx.
    clock.advance(Duration::from_secs(600));
    let unknown = call("ed-2026", "never-published", &["me"]).await.unwrap();
    assert_eq!(unknown.status(), 401);
    assert!(unknown.headers()["www-authenticate"].to_str().unwrap().starts_with(r#"Bearer error="invalid_token""#));
}

#[test]
fn at_most_1024_verifications_wait_for_a_fetch_by_default() {
    let shown = format!("{:?}", JwksSource::builder("https://idp.example/jwks"));
    assert!(shown.contains("max_waiters: 1024,"), "{shown}");
}
