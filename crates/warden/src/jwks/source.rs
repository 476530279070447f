//! [`JwksSource`]: a JWK set fetched from a URL, cached, refetched.

use std::{
    fmt,
    future::Future,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use arc_swap::ArcSwap;
use tokio::sync::watch;

use super::{
    JwksError, JwksErrorKind,
    cache_control::{self, TtlBounds},
    http::{FetchUrl, HttpClient, check_url, fetch_limits},
};
use crate::jwt::{Clock, DecodingKey, Header, Jwk, JwkSet, JwtError, JwtErrorKind, KeySet, KeySource, SystemClock};

/// The `Accept` header of a key set fetch: RFC 7517 §8.5's media type, then
/// plain JSON (which most providers send).
const ACCEPT_JWK_SET: &str = "application/jwk-set+json, application/json";

/// A JWK set fetched from a URL: a [`KeySource`] for
/// [`JwtVerifier`](crate::jwt::JwtVerifier).
///
/// * **Reads never wait.** The current keys are an immutable snapshot behind
///   an atomic pointer; a verification loads it, finds the key by `kid` and
///   clones its `Arc` (no lock, no await). A refresh swaps in a new
///   snapshot.
/// * **Freshness follows `Cache-Control`** (`max-age` minus `Age`;
///   `no-cache`/`no-store` mean "as soon as allowed"), clamped to
///   [`min_ttl`](JwksSourceBuilder::min_ttl)..[`max_ttl`](JwksSourceBuilder::max_ttl),
///   with [`default_ttl`](JwksSourceBuilder::default_ttl) when the provider
///   says nothing. `s-maxage` is for shared caches and is ignored, and so is
///   `Expires`.
/// * **Stale keys keep working.** A lookup that finds the keys stale still
///   answers from them and starts one refetch in the background (on the
///   current tokio runtime).
/// * **An unknown `kid` refetches** (in
///   [`verify_async`](crate::jwt::JwtVerifier::verify_async)), then looks
///   again, once; still unknown, the token is refused with
///   [`UnknownKey`](JwtErrorKind::UnknownKey) (`401 invalid_token`).
/// * **Fetches are rate-limited and shared.** At most one fetch starts per
///   [`refetch_interval`](JwksSourceBuilder::refetch_interval) (30 s by
///   default), whatever triggers it; callers that need one while it is in
///   flight wait for it (at most the fetch [`timeout`](JwksSourceBuilder::timeout))
///   and use its result instead of fetching again. The fetch is one task;
///   its waiters hold no task of their own, only a place among at most
///   [`max_waiters`](JwksSourceBuilder::max_waiters) (1,024 by default).
///   Beyond that a verification is refused at once with
///   [`Overloaded`](JwtErrorKind::Overloaded), which answers `503` with
///   `Retry-After: 1`: the token was not judged.
/// * **A provider that is down changes nothing.** A failed fetch (connection
///   refused, timeout, non-`200` status, a body that is too large or not a
///   JWK set with a usable key) is logged at WARN under `warden::jwks` and
///   the last good keys stay in use, as long as it takes. While tokens keep
///   arriving, the fetch is retried once per refetch interval.
/// * **Before any fetch has succeeded** there are no keys, and tokens are
///   refused with [`KeyUnavailable`](JwtErrorKind::KeyUnavailable): a `401`
///   with `error="invalid_token"`, as RFC 6750 §3.1 has it for a token that
///   cannot be validated. The client is not told about the provider (a `5xx`
///   would invite it to retry the same token); the WARN log tells the
///   operator. Call [`refresh`](Self::refresh) at startup to fail fast
///   instead.
///
/// Fetching needs a tokio runtime (axum's): outside one, lookups answer
/// from the keys already fetched and nothing is fetched.
///
/// `JwksSource` is a handle: clones share the keys and the fetcher.
///
/// ```no_run
/// use warden::jwks::JwksSource;
/// use warden::jwt::{Algorithm, JwtVerifier, ScopedClaims};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let keys = JwksSource::builder("https://idp.example/.well-known/jwks.json").build()?;
/// keys.refresh().await?; // optional: fail at startup if the provider is unreachable
/// let verifier = JwtVerifier::<ScopedClaims, _>::builder(keys, [Algorithm::Rs256])
///     .issuer("https://idp.example/")
///     .audience("api")
///     .build()?;
/// # let token = "";
/// let claims = verifier.verify_async(token).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct JwksSource {
    inner: Arc<Inner>,
}

struct Inner {
    url: FetchUrl,
    http: HttpClient,
    ttl: TtlBounds,
    refetch_interval: i64,
    allow_symmetric_keys: bool,
    clock: Arc<dyn Clock>,
    /// The keys verifications read.
    current: ArcSwap<Snapshot>,
    /// Held by the one fetch in flight.
    fetching: tokio::sync::Mutex<()>,
    /// The refetch task in flight, if any: its waiters wait for the sender
    /// to be dropped, when the task ends.
    round: Mutex<Option<watch::Receiver<()>>>,
    /// Verifications waiting for a refetch, and the most allowed.
    waiters: AtomicUsize,
    max_waiters: usize,
    /// Fetches finished (successful or not); bumped after `current` is swapped.
    attempts: AtomicU64,
    /// Bumped after a key set that lacks one of the previous set's keys is
    /// swapped in (see [`KeySource::revision`]).
    revision: AtomicU64,
    /// When the last fetch started (clock seconds), `NEVER` before the first.
    last_attempt: AtomicI64,
}

const NEVER: i64 = i64::MIN;

/// One immutable state of the cache.
#[derive(Default)]
struct Snapshot {
    /// The last good keys; `None` until a fetch succeeds.
    keys: Option<KeySet>,
    /// The JWKs those keys came from, to tell whether the next set drops one.
    jwks: Vec<Jwk>,
    /// Clock seconds until which `keys` are fresh.
    fresh_until: i64,
    /// Why the last fetch failed, if it did.
    last_error: Option<JwksError>,
}

impl JwksSource {
    /// A builder for the JWK set at `url` (`https`, or `http` to a loopback
    /// host; see [`allow_http`](JwksSourceBuilder::allow_http)).
    pub fn builder(url: impl Into<String>) -> JwksSourceBuilder {
        JwksSourceBuilder::new(url.into())
    }

    /// The URL the keys are fetched from.
    pub fn url(&self) -> String {
        self.inner.url.as_uri().to_string()
    }

    /// The keys now in use (a clone of the snapshot; the keys are shared),
    /// `None` before the first successful fetch.
    pub fn key_set(&self) -> Option<KeySet> {
        self.inner.current.load().keys.clone()
    }

    /// Whether the keys in use are past their freshness lifetime (or there
    /// are none).
    pub fn is_stale(&self) -> bool {
        let snapshot = self.inner.current.load();
        snapshot.keys.is_none() || self.inner.clock.now() >= snapshot.fresh_until
    }

    /// Fetches the key set now, whatever its freshness and the rate limit
    /// (after the fetch in flight, if any), and returns how it went.
    /// Useful at startup, to fail fast when the provider is unreachable.
    ///
    /// On failure the last good keys stay in use, as on any failed fetch.
    ///
    /// # Errors
    ///
    /// Why the fetch failed ([`JwksErrorKind`]: `Connect`, `Timeout`,
    /// `Status`, `TooLarge`, `InvalidJson`, `NoUsableKeys`).
    pub async fn refresh(&self) -> Result<(), JwksError> {
        let inner = Arc::clone(&self.inner);
        detached(async move {
            let _in_flight = inner.fetching.lock().await;
            inner.fetch().await
        })
        .await
        .unwrap_or_else(|| Err(JwksError::new(JwksErrorKind::Connect, "no tokio runtime to fetch on")))
    }
}

impl Inner {
    /// Whether the rate limit allows a fetch to start at `now`.
    fn may_fetch(&self, now: i64) -> bool {
        let last = self.last_attempt.load(Ordering::Acquire);
        // A clock set back (a test's, or a wall clock) must not stop fetches.
        last == NEVER || now < last || now.saturating_sub(last) >= self.refetch_interval
    }

    /// The refetch round in flight, or a new one: one task running
    /// [`refetch_here`](Self::refetch_here) on the current tokio runtime, so
    /// that a caller that gives up (a client that disconnects) does not
    /// cancel the fetch others wait for. Its receiver's `changed()` returns
    /// when the round ends. `None` without a tokio runtime.
    fn round(self: &Arc<Self>, seen: u64) -> Option<watch::Receiver<()>> {
        let mut round = self.round.lock().unwrap_or_else(PoisonError::into_inner);
        // A round whose task ended (or was dropped unrun) has no sender.
        if let Some(running) = round.as_ref().filter(|running| running.has_changed().is_ok()) {
            return Some(running.clone());
        }
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        let (done, waiting) = watch::channel(());
        *round = Some(waiting.clone());
        let inner = Arc::clone(self);
        runtime.spawn(async move {
            inner.refetch_here(seen).await;
            // Callers from now on start a new round; then this one's wake.
            *inner.round.lock().unwrap_or_else(PoisonError::into_inner) = None;
            drop(done);
        });
        Some(waiting)
    }

    /// A place among the verifications waiting for a refetch, `None` when
    /// all [`max_waiters`](JwksSourceBuilder::max_waiters) are taken.
    fn wait_place(&self) -> Option<WaitPlace<'_>> {
        self.waiters
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |waiting| {
                (waiting < self.max_waiters).then_some(waiting + 1)
            })
            .ok()
            .map(|_| WaitPlace(&self.waiters))
    }

    /// Fetches unless another fetch finished since the caller saw `seen`
    /// attempts (its result is the caller's too) or the rate limit forbids.
    async fn refetch_here(&self, seen: u64) {
        let _in_flight = self.fetching.lock().await;
        if self.attempts.load(Ordering::Acquire) != seen || !self.may_fetch(self.clock.now()) {
            return;
        }
        let _ = self.fetch().await;
    }

    /// One fetch; the caller holds `fetching`. Swaps in the new snapshot:
    /// the new keys, or the old ones with the error.
    async fn fetch(&self) -> Result<(), JwksError> {
        self.last_attempt.store(self.clock.now(), Ordering::Release);
        let result = self.fetch_key_set().await;
        let previous = self.current.load_full();
        let outcome = match result {
            Ok((keys, jwks, ttl)) => {
                tracing::debug!(target: "warden::jwks", url = %self.url.as_uri(), keys = keys.len(), ttl = ?ttl, "fetched the JWK set");
                let dropped = previous.jwks.iter().find(|old| !jwks.contains(old)).map(|jwk| jwk.kid.clone());
                let fresh_until = self.clock.now().saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX));
                self.current.store(Arc::new(Snapshot { keys: Some(keys), jwks, fresh_until, last_error: None }));
                // After the swap: a verification that read the old revision
                // may still have used the old key, and its cache entry then
                // goes stale here; one that reads the new revision finds the
                // new keys only.
                if let Some(kid) = dropped {
                    tracing::info!(target: "warden::jwks", url = %self.url.as_uri(), kid = kid.as_deref(), "a key left the JWK set; tokens it verified are verified again");
                    self.revision.fetch_add(1, Ordering::AcqRel);
                }
                Ok(())
            }
            Err(err) => {
                tracing::warn!(
                    target: "warden::jwks",
                    url = %self.url.as_uri(),
                    error = %err,
                    kept_keys = previous.keys.as_ref().map_or(0, KeySet::len),
                    "fetching the JWK set failed; keeping the last good keys"
                );
                self.current.store(Arc::new(Snapshot {
                    keys: previous.keys.clone(),
                    jwks: previous.jwks.clone(),
                    fresh_until: previous.fresh_until,
                    last_error: Some(err.clone()),
                }));
                Err(err)
            }
        };
        self.attempts.fetch_add(1, Ordering::AcqRel);
        outcome
    }

    async fn fetch_key_set(&self) -> Result<(KeySet, Vec<Jwk>, Duration), JwksError> {
        let fetched = self.http.get(&self.url, ACCEPT_JWK_SET).await?;
        let set: JwkSet = serde_json::from_slice(&fetched.body).map_err(|err| {
            JwksError::new(JwksErrorKind::InvalidJson, format!("{} is not a JWK set", self.url.as_uri()))
                .with_source(err)
        })?;
        let keys = if self.allow_symmetric_keys {
            KeySet::from_jwks(&set)
        } else {
            let (secret, public): (Vec<&Jwk>, Vec<&Jwk>) = set.keys.iter().partition(|jwk| jwk.kty == "oct");
            for jwk in secret {
                tracing::warn!(
                    target: "warden::jwks",
                    url = %self.url.as_uri(),
                    kid = jwk.kid.as_deref(),
                    "skipping a symmetric (oct) key: a published key set must not hold secrets (see allow_symmetric_keys)"
                );
            }
            KeySet::from_jwks(&JwkSet { keys: public.into_iter().cloned().collect() })
        };
        if keys.is_empty() {
            return Err(JwksError::new(
                JwksErrorKind::NoUsableKeys,
                format!("{} has {} keys, none usable for signatures", self.url.as_uri(), set.keys.len()),
            ));
        }
        Ok((keys, set.keys, self.ttl.ttl(cache_control::freshness(&fetched.headers))))
    }
}

impl JwksSource {
    /// Starts one background refetch if the keys are stale and the rate
    /// limit allows, on the current tokio runtime (none: nothing happens).
    fn refresh_in_background_if_stale(&self, snapshot: &Snapshot) {
        let inner = &self.inner;
        let now = inner.clock.now();
        if (snapshot.keys.is_some() && now < snapshot.fresh_until) || !inner.may_fetch(now) {
            return;
        }
        // Joins the round in flight, if any; nobody waits for it.
        let _ = inner.round(inner.attempts.load(Ordering::Acquire));
    }
}

/// A waiting verification's place, given back when it is dropped.
struct WaitPlace<'a>(&'a AtomicUsize);

impl Drop for WaitPlace<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Runs `work` as a task on the current tokio runtime and waits for it, so
/// that dropping the wait does not cancel the work. `None` without a tokio
/// runtime (the HTTP client needs one; nothing is fetched), or if the task
/// panicked or the runtime shut down.
async fn detached<T: Send + 'static>(work: impl Future<Output = T> + Send + 'static) -> Option<T> {
    tokio::runtime::Handle::try_current().ok()?.spawn(work).await.ok()
}

fn lookup(snapshot: &Snapshot, header: &Header<'_>) -> Result<Arc<DecodingKey>, JwtError> {
    match &snapshot.keys {
        Some(keys) => keys.find(header).cloned(),
        None => Err(unavailable(snapshot)),
    }
}

#[cold]
fn unavailable(snapshot: &Snapshot) -> JwtError {
    let err = JwtError::new(JwtErrorKind::KeyUnavailable);
    match &snapshot.last_error {
        Some(cause) => err.with_source(cause.clone()),
        None => err,
    }
}

impl KeySource for JwksSource {
    type Key<'a> = Arc<DecodingKey>;

    /// Changes when a fetched set drops a key of the set before it.
    fn revision(&self) -> u64 {
        self.inner.revision.load(Ordering::Acquire)
    }

    /// From the current snapshot, never waiting. Stale keys are used and a
    /// background refetch is started; an unknown `kid` is refused at once
    /// (only [`resolve_async`](KeySource::resolve_async) refetches for it).
    fn resolve(&self, header: &Header<'_>) -> Result<Arc<DecodingKey>, JwtError> {
        let snapshot = self.inner.current.load();
        self.refresh_in_background_if_stale(&snapshot);
        lookup(&snapshot, header)
    }

    /// As [`resolve`](KeySource::resolve), but with no keys yet, or a `kid`
    /// that is not in the set, it waits for a refetch (rate-limited,
    /// shared with concurrent callers) and looks once more; with
    /// [`max_waiters`](JwksSourceBuilder::max_waiters) already waiting, it
    /// is refused at once with [`Overloaded`](JwtErrorKind::Overloaded).
    async fn resolve_async(&self, header: &Header<'_>) -> Result<Arc<DecodingKey>, JwtError> {
        let inner = &self.inner;
        let seen = inner.attempts.load(Ordering::Acquire);
        let first = {
            let snapshot = inner.current.load();
            if snapshot.keys.is_some() {
                self.refresh_in_background_if_stale(&snapshot);
            }
            lookup(&snapshot, header)
        };
        match first {
            Err(err) if matches!(err.kind(), JwtErrorKind::UnknownKey | JwtErrorKind::KeyUnavailable) => {
                // Wait only for a fetch that is running or allowed to start:
                // a flood of tokens naming made-up kids inside the rate limit
                // is refused at once, without a task or a place in the queue.
                let in_flight = inner.fetching.try_lock().is_err();
                if !in_flight && !inner.may_fetch(inner.clock.now()) {
                    return Err(err);
                }
                let Some(_place) = inner.wait_place() else {
                    return Err(JwtError::new(JwtErrorKind::Overloaded));
                };
                let Some(mut done) = inner.round(seen) else { return Err(err) };
                // Err once the round's task has ended: its result is in `current`.
                let _ = done.changed().await;
                lookup(&inner.current.load(), header)
            }
            first => first,
        }
    }
}

impl fmt::Debug for JwksSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let snapshot = self.inner.current.load();
        f.debug_struct("JwksSource")
            .field("url", &self.inner.url.as_uri())
            .field("keys", &snapshot.keys.as_ref().map(KeySet::len))
            .field("fresh_until", &snapshot.fresh_until)
            .field("last_error", &snapshot.last_error.as_ref().map(JwksError::kind))
            .finish_non_exhaustive()
    }
}

/// Settings of a [`JwksSource`]; [`build`](Self::build) checks them.
///
/// | setting | default | |
/// | --- | --- | --- |
/// | [`default_ttl`](Self::default_ttl) | 10 min | freshness when the response has no `Cache-Control: max-age` |
/// | [`min_ttl`](Self::min_ttl) | 1 min | floor on any freshness, also the one for `no-cache`/`no-store` |
/// | [`max_ttl`](Self::max_ttl) | 24 h | ceiling on any freshness |
/// | [`refetch_interval`](Self::refetch_interval) | 30 s | at most one fetch per interval (unknown `kid`, stale keys, retries after a failure) |
/// | [`timeout`](Self::timeout) | 10 s | the whole fetch: connection, TLS, headers, body |
/// | [`max_response_bytes`](Self::max_response_bytes) | 1 MiB | larger bodies are refused |
/// | [`allow_http`](Self::allow_http) | off | plain `http` beyond loopback hosts |
/// | [`allow_symmetric_keys`](Self::allow_symmetric_keys) | off | `oct` (HMAC) keys in the set |
/// | [`max_waiters`](Self::max_waiters) | 1,024 | verifications waiting for a fetch; beyond, `503` at once |
/// | [`clock`](Self::clock) | monotonic | the time freshness and the rate limit are measured in |
#[must_use]
pub struct JwksSourceBuilder {
    url: String,
    allow_http: bool,
    allow_symmetric_keys: bool,
    default_ttl: Duration,
    min_ttl: Duration,
    max_ttl: Duration,
    refetch_interval: Duration,
    timeout: Duration,
    max_response_bytes: usize,
    max_waiters: usize,
    clock: Arc<dyn Clock>,
}

impl JwksSourceBuilder {
    pub(crate) fn new(url: String) -> Self {
        Self {
            url,
            allow_http: false,
            allow_symmetric_keys: false,
            default_ttl: Duration::from_secs(600),
            min_ttl: Duration::from_secs(60),
            max_ttl: Duration::from_secs(24 * 3600),
            refetch_interval: Duration::from_secs(30),
            timeout: Duration::from_secs(10),
            max_response_bytes: 1 << 20,
            max_waiters: 1024,
            clock: Arc::new(MonotonicClock::new()),
        }
    }

    /// How long keys stay fresh when the response has no usable
    /// `Cache-Control: max-age` (clamped to the min and max TTL).
    pub fn default_ttl(mut self, ttl: Duration) -> Self {
        self.default_ttl = ttl;
        self
    }

    /// The shortest freshness: a smaller `max-age`, `no-cache` or
    /// `no-store` gives this. Whole seconds.
    pub fn min_ttl(mut self, ttl: Duration) -> Self {
        self.min_ttl = ttl;
        self
    }

    /// The longest freshness, whatever `max-age` says. Whole seconds.
    pub fn max_ttl(mut self, ttl: Duration) -> Self {
        self.max_ttl = ttl;
        self
    }

    /// The least time between two fetch starts, whatever asks for them: an
    /// unknown `kid`, stale keys, a retry after a failure. Whole seconds;
    /// zero lifts the limit (concurrent callers still share one fetch).
    pub fn refetch_interval(mut self, interval: Duration) -> Self {
        self.refetch_interval = interval;
        self
    }

    /// The most verifications that wait at once for a fetch (a token naming
    /// an unknown `kid`, or the first keys); one more is refused at once
    /// with [`Overloaded`](JwtErrorKind::Overloaded) (`503`, `Retry-After:
    /// 1`). Must not be zero.
    pub fn max_waiters(mut self, waiters: usize) -> Self {
        self.max_waiters = waiters;
        self
    }

    fetch_limits!("the key set");

    /// Uses the symmetric (`kty: oct`, HMAC) keys of the set. Without it
    /// they are skipped, with a warning: a key set is fetched without
    /// credentials and meant to be published (RFC 7517), and whoever can
    /// read an HMAC key can sign tokens with it. Turn it on only for a key
    /// set served to this application alone (an internal endpoint behind
    /// its own authentication).
    pub fn allow_symmetric_keys(mut self, allow: bool) -> Self {
        self.allow_symmetric_keys = allow;
        self
    }

    /// The clock that freshness and the rate limit are measured with
    /// ([`FixedClock`](crate::jwt::FixedClock) in tests). The default counts
    /// seconds on the monotonic clock from the wall-clock time the builder
    /// was made, so setting the system clock back or forth changes nothing.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Checks the settings and builds the source; nothing is fetched yet
    /// (the first lookup, or [`JwksSource::refresh`], fetches).
    ///
    /// # Errors
    ///
    /// [`JwksErrorKind::InvalidUrl`] for a URL that cannot be fetched
    /// (not `http(s)`, no host, user information, plain `http` to a
    /// non-loopback host without [`allow_http`](Self::allow_http));
    /// [`JwksErrorKind::InvalidConfig`] for a zero timeout, size limit or
    /// waiter limit, or
    /// `min_ttl` above `max_ttl`; [`JwksErrorKind::Tls`] when the operating
    /// system's root certificates cannot be loaded for an `https` URL.
    pub fn build(self) -> Result<JwksSource, JwksError> {
        let url = check_url(&self.url, self.allow_http)?;
        if self.timeout.is_zero() {
            return Err(JwksError::new(JwksErrorKind::InvalidConfig, "timeout must not be zero"));
        }
        if self.max_response_bytes == 0 {
            return Err(JwksError::new(JwksErrorKind::InvalidConfig, "max_response_bytes must not be zero"));
        }
        if self.max_waiters == 0 {
            return Err(JwksError::new(JwksErrorKind::InvalidConfig, "max_waiters must not be zero"));
        }
        if self.min_ttl > self.max_ttl {
            return Err(JwksError::new(JwksErrorKind::InvalidConfig, "min_ttl must not exceed max_ttl"));
        }
        let http = HttpClient::new(&url, self.timeout, self.max_response_bytes)?;
        let ttl = TtlBounds { default: self.default_ttl, min: self.min_ttl, max: self.max_ttl };
        Ok(JwksSource {
            inner: Arc::new(Inner {
                url,
                http,
                ttl,
                refetch_interval: i64::try_from(self.refetch_interval.as_secs()).unwrap_or(i64::MAX),
                allow_symmetric_keys: self.allow_symmetric_keys,
                clock: self.clock,
                current: ArcSwap::from_pointee(Snapshot::default()),
                revision: AtomicU64::new(0),
                fetching: tokio::sync::Mutex::new(()),
                round: Mutex::new(None),
                waiters: AtomicUsize::new(0),
                max_waiters: self.max_waiters,
                attempts: AtomicU64::new(0),
                last_attempt: AtomicI64::new(NEVER),
            }),
        })
    }
}

/// The default clock: the wall-clock time when it was made, advanced by
/// [`Instant`]'s monotonic clock.
#[derive(Debug)]
struct MonotonicClock {
    base: i64,
    start: Instant,
}

impl MonotonicClock {
    fn new() -> Self {
        Self { base: SystemClock.now(), start: Instant::now() }
    }
}

impl Clock for MonotonicClock {
    fn now(&self) -> i64 {
        self.base.saturating_add(i64::try_from(self.start.elapsed().as_secs()).unwrap_or(i64::MAX))
    }
}

impl fmt::Debug for JwksSourceBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwksSourceBuilder")
            .field("url", &self.url)
            .field("allow_http", &self.allow_http)
            .field("default_ttl", &self.default_ttl)
            .field("min_ttl", &self.min_ttl)
            .field("max_ttl", &self.max_ttl)
            .field("refetch_interval", &self.refetch_interval)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_waiters", &self.max_waiters)
            .field("clock", &self.clock)
            .finish()
    }
}
