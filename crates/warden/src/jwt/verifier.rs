//! [`JwtVerifier`]: the one place a token becomes claims.

use std::{borrow::Cow, fmt, marker::PhantomData, mem::MaybeUninit, ops::Deref, sync::Arc, time::Duration};

use serde::de::DeserializeOwned;

use super::{
    Algorithm, AlgorithmSet, Clock, DecodingKey, JwtConfigError, JwtError, JwtErrorKind, KeySource, SystemClock,
    TokenHeader,
    cache::{Entry, TokenCache},
    claims::{Registered, Validation},
    de,
    json::{self, Value},
    memo,
    pem::decode_b64url_into,
};

/// A token whose signature and claims were verified.
///
/// The claims are shared (`Arc<C>`): a cache hit hands out the same claims
/// without copying them, so `C` need not be `Clone`. `Verified<C>`
/// dereferences to `C`.
pub struct Verified<C> {
    claims: Arc<C>,
    alg: Algorithm,
    exp: Option<i64>,
    cached: bool,
}

impl<C> Verified<C> {
    /// The claims.
    pub fn claims(&self) -> &C {
        &self.claims
    }

    /// The shared claims.
    pub fn into_claims(self) -> Arc<C> {
        self.claims
    }

    /// The claims, owned: moved out when nothing else shares them (always
    /// without a cache), cloned otherwise.
    pub fn into_inner(self) -> C
    where
        C: Clone,
    {
        Arc::unwrap_or_clone(self.claims)
    }

    /// The algorithm the token was signed with.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The token's `exp`, in seconds since the Unix epoch.
    pub fn expires_at(&self) -> Option<i64> {
        self.exp
    }

    /// Whether the verifier's cache answered.
    pub fn from_cache(&self) -> bool {
        self.cached
    }
}

impl<C> Deref for Verified<C> {
    type Target = C;

    fn deref(&self) -> &C {
        &self.claims
    }
}

impl<C> Clone for Verified<C> {
    fn clone(&self) -> Self {
        Self { claims: Arc::clone(&self.claims), alg: self.alg, exp: self.exp, cached: self.cached }
    }
}

impl<C: fmt::Debug> fmt::Debug for Verified<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("claims", &self.claims)
            .field("alg", &self.alg)
            .field("exp", &self.exp)
            .field("cached", &self.cached)
            .finish()
    }
}

struct Inner<C, K> {
    keys: K,
    validation: Validation,
    clock: Arc<dyn Clock>,
    cache: Option<TokenCache<C>>,
}

/// Verifies tokens: signature (RFC 7515), then claims (RFC 7519), into the
/// claims type `C`.
///
/// Built once at startup with [`JwtVerifier::builder`]; cloning is a
/// reference-count increment, so it can live in the router state.
///
/// What a token must be to pass:
///
/// 1. three base64url segments, strict (no padding, canonical trailing
///    bits); a header that is a JSON object with a string `alg` and no
///    `crit`;
/// 2. an `alg` in the allow-list (`none` never is) that the key found by
///    the [`KeySource`] can verify;
/// 3. a signature that verifies;
/// 4. claims that are a JSON object with `exp` in the future (required
///    unless [`exp_optional`](JwtVerifierBuilder::exp_optional)), `nbf`
///    (when present) not in the future, each with the leeway; an `aud` among
///    the accepted audiences, and an `iss` among the accepted issuers, when
///    configured; every required claim present and not `null`;
/// 5. claims that deserialize into `C`.
///
/// The three segments are split and decoded in one pass; the claims are
/// read only once the signature is verified, in one pass that deserializes
/// `C` and records the registered claims on the way (no intermediate JSON
/// value, no second parse).
pub struct JwtVerifier<C, K = DecodingKey> {
    inner: Arc<Inner<C, K>>,
    _claims: PhantomData<fn() -> C>,
}

impl<C, K> Clone for JwtVerifier<C, K> {
    fn clone(&self) -> Self {
        Self { inner: Arc::clone(&self.inner), _claims: PhantomData }
    }
}

impl<C, K> fmt::Debug for JwtVerifier<C, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("algorithms", &self.inner.validation.algorithms)
            .field("leeway", &self.inner.validation.leeway)
            .field("audiences", &self.inner.validation.audiences)
            .field("issuers", &self.inner.validation.issuers)
            .field("clock", &self.inner.clock)
            .field("cache", &self.inner.cache)
            .finish_non_exhaustive()
    }
}

/// The three segments of a token are decoded, one after the other, into one
/// stack buffer of this size (tokens of up to about 1 360 characters); a
/// longer token's go to the heap.
const STACK_BUFFER: usize = 1024;

/// A compact JWS, its three segments decoded.
struct Segments<'b, 't> {
    header: &'b [u8],
    payload: &'b [u8],
    signature: &'b [u8],
    /// `header.payload`, what the signature covers.
    signing_input: &'t [u8],
}

/// Where the segments of a token are decoded: on the stack, or for a long
/// token on the heap. Not zeroed: the decoder writes before anything reads.
struct SegmentBuffer {
    stack: [MaybeUninit<u8>; STACK_BUFFER],
    heap: Vec<u8>,
}

impl SegmentBuffer {
    #[inline(always)]
    fn new() -> Self {
        Self { stack: [MaybeUninit::uninit(); STACK_BUFFER], heap: Vec::new() }
    }

    /// Room for the segments of `token`: every 4 characters are at most 3 bytes.
    #[inline(always)]
    fn for_token(&mut self, token: &str) -> &mut [MaybeUninit<u8>] {
        let needed = token.len() / 4 * 3 + 3;
        if needed <= STACK_BUFFER {
            &mut self.stack
        } else {
            self.heap.reserve_exact(needed);
            self.heap.spare_capacity_mut()
        }
    }
}

/// Decodes `input` (strict base64url) into the start of `buffer`, which is
/// left with what follows.
#[inline(always)]
fn decode_next<'b>(input: &[u8], buffer: &mut &'b mut [MaybeUninit<u8>]) -> Option<&'b [u8]> {
    let needed = input.len() / 4 * 3 + (input.len() % 4).saturating_sub(1);
    let (out, rest) = std::mem::take(buffer).split_at_mut_checked(needed)?;
    *buffer = rest;
    decode_b64url_into(input, out).map(|decoded| &*decoded)
}

/// The index of the last dot of `bytes`, found first where the signature of
/// a token with the same header ended (`signature` characters from the end),
/// then by a search. A dot there, after the first one (`first`), is the
/// last one or the token is malformed either way: a later dot would be in
/// the signature, which then does not decode, as it would be in the payload
/// when found by the search.
#[inline(always)]
fn last_dot(token: &str, first: usize, signature: Option<usize>) -> Option<usize> {
    if let Some(at) = signature.and_then(|len| token.len().checked_sub(len + 1))
        && at > first
        && token.as_bytes().get(at) == Some(&b'.')
    {
        return Some(at);
    }
    token.rfind('.')
}

impl<'b, 't> Segments<'b, 't> {
    /// Splits `token` at its first and last dots and decodes each segment
    /// (strict base64url) into `buffer` (of at least [`buffer_len`] bytes,
    /// not necessarily initialised).
    /// With `known`, the header segment already parsed (and followed by a
    /// dot) and the length of the signature segment of the token it came
    /// with, the header is left out (`header` is empty).
    ///
    /// A dot between the first and the last is in the payload, which then
    /// does not decode: a token of more than three segments is malformed,
    /// as one of fewer.
    #[inline(always)]
    fn decode(
        token: &'t str,
        known: Option<(usize, usize)>,
        mut buffer: &'b mut [MaybeUninit<u8>],
    ) -> Result<Self, JwtError> {
        let malformed = || JwtError::new(JwtErrorKind::Malformed);
        let bytes = token.as_bytes();
        let first = match known {
            Some((len, _)) => len,
            None => token.find('.').ok_or_else(malformed)?,
        };
        let last = last_dot(token, first, known.map(|(_, signature)| signature)).ok_or_else(malformed)?;
        if first >= last || bytes.get(first) != Some(&b'.') {
            return Err(malformed());
        }
        let header = match known {
            Some(_) => &[][..],
            None => decode_next(bytes.get(..first).ok_or_else(malformed)?, &mut buffer).ok_or_else(malformed)?,
        };
        let payload =
            decode_next(bytes.get(first + 1..last).ok_or_else(malformed)?, &mut buffer).ok_or_else(malformed)?;
        let signature = decode_next(bytes.get(last + 1..).ok_or_else(malformed)?, &mut buffer).ok_or_else(malformed)?;
        Ok(Self { header, payload, signature, signing_input: bytes.get(..last).ok_or_else(malformed)? })
    }

    /// The length of the signature segment of `token` (these segments').
    fn signature_len(&self, token: &str) -> usize {
        token.len().saturating_sub(self.signing_input.len() + 1)
    }
}

/// Reads a JOSE header: `alg` (required, a known algorithm), `kid`, `typ`,
/// `cty` (strings when present), and no `crit`.
pub(crate) fn parse_header(bytes: &[u8]) -> Result<TokenHeader<'_>, JwtError> {
    let malformed = || JwtError::new(JwtErrorKind::Malformed);
    let text = std::str::from_utf8(bytes).map_err(|_| malformed())?;
    let mut alg = None;
    let mut kid = None;
    let mut typ = None;
    let mut cty = None;
    let mut crit = false;
    let mut refused = None;
    fn string(value: Value<'_>) -> Result<json::RawStr<'_>, json::Invalid> {
        match value {
            Value::Str(raw) => Ok(raw),
            _ => Err(json::Invalid),
        }
    }
    json::for_each_member(bytes, |name, value| {
        let decoded;
        let name = if name.escaped() {
            decoded = name.decode()?;
            decoded.as_bytes()
        } else {
            name.raw()
        };
        match name {
            b"alg" => alg = Some(string(value)?),
            b"kid" => kid = Some(string(value)?.decode_in(text)?),
            b"typ" => typ = Some(string(value)?.decode_in(text)?),
            b"cty" => cty = Some(string(value)?.decode_in(text)?),
            b"crit" => crit = true,
            _ => {}
        }
        Ok(())
    })
    .map_err(|_| malformed())?;
    if crit {
        refused = Some(JwtErrorKind::UnsupportedCritical);
    }
    let alg = alg.ok_or_else(malformed)?;
    let alg = if alg.escaped() {
        alg.decode().ok().and_then(|name| Algorithm::from_name(name.as_bytes()))
    } else {
        Algorithm::from_name(alg.raw())
    };
    let alg = alg.ok_or_else(|| JwtError::new(JwtErrorKind::DisallowedAlgorithm))?;
    if let Some(kind) = refused {
        return Err(JwtError::new(kind));
    }
    Ok(TokenHeader { alg, kid, typ, cty })
}

impl<C, K> JwtVerifier<C, K>
where
    C: DeserializeOwned + Send + Sync + 'static,
    K: KeySource,
{
    /// A builder for a verifier that finds its keys in `keys` and accepts
    /// only `algorithms` (an empty list is refused by
    /// [`build`](JwtVerifierBuilder::build)).
    ///
    /// ```
    /// use serde::Deserialize;
    /// use warden::jwt::{Algorithm, DecodingKey, JwtVerifier};
    ///
    /// #[derive(Deserialize)]
    /// struct Claims { sub: String }
    ///
    /// let verifier = JwtVerifier::<Claims>::builder(
    ///     DecodingKey::from_secret(b"a secret of at least 32 bytes!!!")?,
    ///     [Algorithm::Hs256],
    /// )
    /// .audience("api")
    /// .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder(keys: K, algorithms: impl IntoIterator<Item = Algorithm>) -> JwtVerifierBuilder<C, K> {
        let mut set = AlgorithmSet::default();
        for alg in algorithms {
            set.insert(alg);
        }
        JwtVerifierBuilder {
            keys,
            algorithms: set,
            leeway: Duration::ZERO,
            require_exp: true,
            reject_future_iat: false,
            audiences: Vec::new(),
            any_audience: false,
            issuers: Vec::new(),
            required: Vec::new(),
            clock: Arc::new(SystemClock),
            cache: None,
            _claims: PhantomData,
        }
    }

    /// Verifies `token` with the key source's in-memory keys (a source that
    /// fetches is not asked to: use [`verify_async`](Self::verify_async)).
    ///
    /// # Errors
    ///
    /// A [`JwtError`] whose [kind](JwtError::kind) says why; `?` turns it
    /// into the `401 invalid_token` [`AuthRejection`](crate::AuthRejection).
    pub fn verify(&self, token: &str) -> Result<Verified<C>, JwtError> {
        let now = self.inner.clock.now();
        // Read before any key is: a key dropped after this makes the entry
        // stale rather than letting it outlive the key.
        let revision = self.inner.keys.revision();
        if let Some(hit) = self.cached(token, now, revision) {
            return Ok(hit);
        }
        let mut room = SegmentBuffer::new();
        let buffer = room.for_token(token);
        // A header this thread saw in a token that verified is not decoded
        // and parsed again (see `memo`); the checks are the same either way,
        // in the same order.
        if let Some(known) = memo::find(token.as_bytes()) {
            let segments = Segments::decode(token, Some((known.len(), known.signature_len())), buffer)?;
            let header = known.header();
            let alg = header.alg;
            self.check_algorithm(alg)?;
            let key = self.inner.keys.resolve(&header)?;
            drop(header);
            return self.finish(token, &segments, alg, &key, now, revision);
        }
        let segments = Segments::decode(token, None, buffer)?;
        let header = parse_header(segments.header)?;
        let alg = header.alg;
        self.check_algorithm(alg)?;
        let key = self.inner.keys.resolve(&header)?;
        let verified = self.finish(token, &segments, alg, &key, now, revision)?;
        let segment = token.as_bytes().get(..token.find('.').unwrap_or(0)).unwrap_or_default();
        memo::remember(segment, segments.signature_len(token), &header);
        Ok(verified)
    }

    /// Verifies `token`, letting the key source fetch keys it does not have
    /// yet (a JWKS source refetching on an unknown `kid`). With a static key
    /// or [`KeySet`](super::KeySet) it never waits.
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify).
    pub async fn verify_async(&self, token: &str) -> Result<Verified<C>, JwtError> {
        let now = self.inner.clock.now();
        // Read before any key is: a key dropped after this makes the entry
        // stale rather than letting it outlive the key.
        let revision = self.inner.keys.revision();
        if let Some(hit) = self.cached(token, now, revision) {
            return Ok(hit);
        }
        let mut room = SegmentBuffer::new();
        let buffer = room.for_token(token);
        let segments = Segments::decode(token, None, buffer)?;
        let header = parse_header(segments.header)?;
        let alg = header.alg;
        self.check_algorithm(alg)?;
        let key = self.inner.keys.resolve_async(&header).await?;
        drop(header);
        // A fetch may have taken a while: judge the claims by the clock now.
        let now = self.inner.clock.now();
        self.finish(token, &segments, alg, &key, now, revision)
    }

    /// The key source.
    pub fn keys(&self) -> &K {
        &self.inner.keys
    }

    /// The number of tokens in the cache (0 without one).
    pub fn cache_len(&self) -> usize {
        self.inner.cache.as_ref().map_or(0, TokenCache::len)
    }

    /// Empties the cache (after a key is revoked, say; a key set fetched by
    /// a [`KeySource`] that drops a key does this by itself, through its
    /// [revision](KeySource::revision)).
    pub fn clear_cache(&self) {
        if let Some(cache) = &self.inner.cache {
            cache.clear();
        }
    }

    #[inline]
    fn cached(&self, token: &str, now: i64, revision: u64) -> Option<Verified<C>> {
        let entry = self.inner.cache.as_ref()?.get(token, now, revision)?;
        Some(Verified { claims: entry.claims, alg: entry.alg, exp: Some(entry.exp), cached: true })
    }

    #[inline]
    fn check_algorithm(&self, alg: Algorithm) -> Result<(), JwtError> {
        if self.inner.validation.algorithms.contains(alg) {
            Ok(())
        } else {
            Err(JwtError::new(JwtErrorKind::DisallowedAlgorithm))
        }
    }

    #[inline(always)]
    fn finish(
        &self,
        token: &str,
        segments: &Segments<'_, '_>,
        alg: Algorithm,
        key: &DecodingKey,
        now: i64,
        revision: u64,
    ) -> Result<Verified<C>, JwtError> {
        key.verify(alg, segments.signing_input, segments.signature)?;
        let payload = std::str::from_utf8(segments.payload).map_err(|_| JwtError::new(JwtErrorKind::Malformed))?;
        let (claims, exp, nbf) = self.claims(payload, now)?;
        let claims = Arc::new(claims);
        if let (Some(cache), Some(exp)) = (&self.inner.cache, exp) {
            cache.insert(token, Entry { claims: Arc::clone(&claims), alg, exp, nbf, revision });
        }
        Ok(Verified { claims, alg, exp, cached: false })
    }

    /// The claims `C` of a verified payload, checked at `now`, with their
    /// `exp` and `nbf`: in one pass ([`de`]) that deserializes `C` and
    /// records the registered claims, then checks them.
    #[inline(always)]
    fn claims(&self, payload: &str, now: i64) -> Result<(C, Option<i64>, Option<i64>), JwtError> {
        let validation = &self.inner.validation;
        let mut found = Registered::default();
        match de::claims::<C>(payload, validation, &mut found) {
            Ok(claims) => {
                validation.check(&found, now)?;
                Ok((claims, found.exp, found.nbf))
            }
            Err(_) => self.claims_in_two_passes(payload, now),
        }
    }

    /// The claims as the one pass could not read them: the registered
    /// claims first (a JSON error is `Malformed`, a registered claim of the
    /// wrong type or value refuses the token), then `C` with `serde_json`.
    /// This answer is authoritative: the one pass only ever agrees with it.
    #[cold]
    #[inline(never)]
    fn claims_in_two_passes(&self, payload: &str, now: i64) -> Result<(C, Option<i64>, Option<i64>), JwtError> {
        let validation = &self.inner.validation;
        let registered = validation.scan(payload.as_bytes())?;
        validation.check(&registered, now)?;
        let claims: C = serde_json::from_str(payload)
            .map_err(|error| JwtError::new(JwtErrorKind::InvalidClaims).with_source(error))?;
        Ok((claims, registered.exp, registered.nbf))
    }
}

/// Builds a [`JwtVerifier`]; see [`JwtVerifier::builder`].
///
/// Defaults are secure, and PyJWT's but for `iat`: no leeway, `exp`
/// required, `nbf` checked when present, `iat` only type-checked (see
/// [`reject_future_iat`](Self::reject_future_iat)), a token with
/// an `aud` refused unless an [`audience`](Self::audience) accepts it, the
/// system clock, no cache.
#[must_use]
pub struct JwtVerifierBuilder<C, K> {
    keys: K,
    algorithms: AlgorithmSet,
    leeway: Duration,
    require_exp: bool,
    reject_future_iat: bool,
    audiences: Vec<Box<str>>,
    any_audience: bool,
    issuers: Vec<Box<str>>,
    required: Vec<Box<str>>,
    clock: Arc<dyn Clock>,
    cache: Option<usize>,
    _claims: PhantomData<fn() -> C>,
}

impl<C, K> fmt::Debug for JwtVerifierBuilder<C, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtVerifierBuilder")
            .field("algorithms", &self.algorithms)
            .field("leeway", &self.leeway)
            .field("audiences", &self.audiences)
            .field("issuers", &self.issuers)
            .field("required", &self.required)
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl<C, K> JwtVerifierBuilder<C, K>
where
    C: DeserializeOwned + Send + Sync + 'static,
    K: KeySource,
{
    /// Accepts `exp` up to `leeway` in the past and `nbf` up to `leeway` in
    /// the future (whole seconds; default 0, as PyJWT).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Accepts tokens whose `aud` is (or contains) `audience`; call again to
    /// accept several. Once set, `aud` is required.
    pub fn audience(mut self, audience: impl Into<Cow<'static, str>>) -> Self {
        self.audiences.push(Box::from(&*audience.into()));
        self
    }

    /// Accepts any `aud` without checking it (by default a token with an
    /// `aud` is refused unless an [`audience`](Self::audience) matches).
    pub fn any_audience(mut self) -> Self {
        self.any_audience = true;
        self
    }

    /// Accepts tokens whose `iss` is `issuer`; call again to accept several.
    /// Once set, `iss` is required.
    pub fn issuer(mut self, issuer: impl Into<Cow<'static, str>>) -> Self {
        self.issuers.push(Box::from(&*issuer.into()));
        self
    }

    /// Requires the claim `name` to be present and not `null` (up to 64).
    pub fn require_claim(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.required.push(Box::from(&*name.into()));
        self
    }

    /// Accepts tokens without `exp` (which then never expire). An `exp`
    /// that is present is still checked.
    pub fn exp_optional(mut self) -> Self {
        self.require_exp = false;
        self
    }

    /// Refuses tokens whose `iat` is in the future (beyond the leeway) as
    /// [`NotYetValid`](JwtErrorKind::NotYetValid). Off by default, as RFC
    /// 7519 §4.1.6 asks no such check; PyJWT 2.x makes it.
    pub fn reject_future_iat(mut self) -> Self {
        self.reject_future_iat = true;
        self
    }

    /// Reads the time from `clock` (a [`FixedClock`](super::FixedClock) in
    /// tests).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Keeps up to about `capacity` verified tokens, so that a token seen
    /// again costs a lookup instead of a signature check.
    ///
    /// The cache is keyed by the whole token (a hit compares every byte),
    /// shares the claims (`Arc<C>`, no clone), serves an entry only while
    /// the verifier's clock finds the token within its `exp` and `nbf` (with
    /// the leeway), evicts the least useful entry when full (S3-FIFO), and
    /// is safe to use from every thread (sharded locks). Tokens without
    /// `exp`, or longer than 16 KiB, are not kept. A key source whose
    /// [revision](super::KeySource::revision) changes (a fetched JWK set
    /// that dropped a key) ends every entry verified before; with keys of
    /// your own, call [`JwtVerifier::clear_cache`] when revoking one.
    pub fn cache(mut self, capacity: usize) -> Self {
        self.cache = Some(capacity);
        self
    }

    /// The verifier.
    ///
    /// # Errors
    ///
    /// An empty allow-list, an allowed algorithm no key of the source can
    /// verify, an empty audience, issuer or claim name, more than 64
    /// required claims, or a cache of capacity 0.
    pub fn build(self) -> Result<JwtVerifier<C, K>, JwtConfigError> {
        if self.algorithms.is_empty() {
            return Err(JwtConfigError::NoAlgorithms);
        }
        if let Some(alg) = self.algorithms.iter().find(|alg| !self.keys.supports(*alg)) {
            return Err(JwtConfigError::AlgorithmWithoutKey(alg));
        }
        if self.audiences.iter().any(|audience| audience.is_empty()) {
            return Err(JwtConfigError::InvalidClaimSetting("an audience is empty"));
        }
        if self.issuers.iter().any(|issuer| issuer.is_empty()) {
            return Err(JwtConfigError::InvalidClaimSetting("an issuer is empty"));
        }
        if self.required.iter().any(|name| name.is_empty()) {
            return Err(JwtConfigError::InvalidClaimSetting("a required claim name is empty"));
        }
        if self.required.len() > 64 {
            return Err(JwtConfigError::InvalidClaimSetting("more than 64 required claims"));
        }
        if self.cache == Some(0) {
            return Err(JwtConfigError::ZeroCacheCapacity);
        }
        let leeway = i64::try_from(self.leeway.as_secs()).unwrap_or(i64::MAX);
        let validation = Validation {
            algorithms: self.algorithms,
            leeway,
            require_exp: self.require_exp,
            reject_future_iat: self.reject_future_iat,
            audiences: self.audiences.into_boxed_slice(),
            any_audience: self.any_audience,
            issuers: self.issuers.into_boxed_slice(),
            required: self.required.into_boxed_slice(),
        };
        let inner = Inner {
            keys: self.keys,
            validation,
            clock: self.clock,
            cache: self.cache.map(|capacity| TokenCache::new(capacity, leeway)),
        };
        Ok(JwtVerifier { inner: Arc::new(inner), _claims: PhantomData })
    }
}
