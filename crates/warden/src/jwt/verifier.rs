//! [`JwtVerifier`]: the one place a token becomes claims.

use std::{borrow::Cow, fmt, marker::PhantomData, mem::MaybeUninit, ops::Deref, sync::Arc, time::Duration};

use serde::de::DeserializeOwned;

use super::{
    Algorithm, AlgorithmSet, Clock, DecodingKey, Header, JwtConfigError, JwtError, JwtErrorKind, KeySource,
    SystemClock,
    cache::{Entry, TokenCache},
    claims::{Registered, Validation},
    parse::{
        memo::{self, KnownHeader},
        one_pass, parse_header,
    },
    pem::decode_b64url_into,
};

/// A token whose signature and claims were verified.
///
/// The claims are shared (`Arc<C>`): a cache hit hands out the same claims
/// without copying them, so `C` need not be `Clone`. `Verified<C>`
/// dereferences to `C`.
pub struct Verified<C> {
    claims: Arc<C>,
    header: Arc<KnownHeader>,
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
        self.header.alg()
    }

    /// The token's JOSE header: `alg`, `kid`, `typ` and `cty`.
    pub fn header(&self) -> Header<'_> {
        self.header.header()
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
        Self { claims: Arc::clone(&self.claims), header: Arc::clone(&self.header), exp: self.exp, cached: self.cached }
    }
}

impl<C: fmt::Debug> fmt::Debug for Verified<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("claims", &self.claims)
            .field("header", &self.header())
            .field("exp", &self.exp)
            .field("cached", &self.cached)
            .finish()
    }
}

struct Inner<C, K> {
    keys: K,
    validation: Validation,
    /// The `typ` required (RFC 8725 §3.11), without an `application/` prefix.
    typ: Option<Box<str>>,
    /// The longest token decoded, in bytes.
    max_token_len: usize,
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
/// 1. at most [`max_token_len`](JwtVerifierBuilder::max_token_len) bytes
///    (8 KiB), checked before anything is decoded;
/// 2. three base64url segments, strict (no padding, canonical trailing
///    bits); a header that is a JSON object with a string `alg`, no
///    `crit`, no `b64`, and no member name twice;
/// 3. an `alg` in the allow-list (`none` never is) that the key found by
///    the [`KeySource`] can verify, and the
///    [required `typ`](JwtVerifierBuilder::require_typ) if one is;
/// 4. a signature that verifies;
/// 5. claims that are a JSON object with no member name twice at any depth;
///    `exp` in the future (required unless
///    [`exp_optional`](JwtVerifierBuilder::exp_optional)), `nbf` not in the
///    future and `iat` not in the future (unless
///    [`allow_future_iat`](JwtVerifierBuilder::allow_future_iat)), each with
///    the leeway and each, when present, a finite JSON number within
///    ±2^53 (fractions are compared without rounding a token into
///    validity); an `aud` among the accepted audiences, and an `iss` among
///    the accepted issuers, when configured; every required claim present
///    and not `null`;
/// 6. claims that deserialize into `C`.
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
            .field("typ", &self.inner.typ)
            .field("max_token_len", &self.inner.max_token_len)
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
    /// The header segment as written (base64url, before its dot).
    header_segment: &'t [u8],
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
        Ok(Self {
            header,
            payload,
            signature,
            signing_input: bytes.get(..last).ok_or_else(malformed)?,
            header_segment: bytes.get(..first).ok_or_else(malformed)?,
        })
    }

    /// The length of the signature segment of `token` (these segments').
    fn signature_len(&self, token: &str) -> usize {
        token.len().saturating_sub(self.signing_input.len() + 1)
    }
}

/// What [`JwtVerifier::begin`] found: the cache's answer, or a token
/// waiting for its key.
enum Begun<'b, 't, C> {
    Cached(Verified<C>),
    Pending(Pending<'b, 't>),
}

/// A token whose segments are decoded and whose header passed, waiting for
/// its key.
struct Pending<'b, 't> {
    segments: Segments<'b, 't>,
    header: Arc<KnownHeader>,
    /// Whether the header was parsed (not remembered): the memo keeps it
    /// once the token verifies.
    remember: bool,
    now: i64,
    revision: u64,
    generation: u64,
}

/// A media type without the `application/` prefix RFC 7515 §4.1.9 lets
/// producers leave out (only when no other `/` follows).
fn media_type(typ: &str) -> &str {
    match (typ.get(..12), typ.get(12..)) {
        (Some(prefix), Some(rest)) if prefix.eq_ignore_ascii_case("application/") && !rest.contains('/') => rest,
        _ => typ,
    }
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
            allow_future_iat: false,
            allow_weak_hmac_secret: false,
            typ: None,
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
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
        let mut room = SegmentBuffer::new();
        let pending = match self.begin(token, &mut room)? {
            Begun::Cached(hit) => return Ok(hit),
            Begun::Pending(pending) => pending,
        };
        let key = self.inner.keys.resolve(&pending.header.header())?;
        self.complete(token, pending, &key, None)
    }

    /// Verifies `token`, letting the key source fetch keys it does not have
    /// yet (a JWKS source refetching on an unknown `kid`). With a static key
    /// or [`KeySet`](super::KeySet) it never waits. The checks are
    /// [`verify`](Self::verify)'s, in the same order; the claims are judged
    /// by the clock once the key is there.
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify), and
    /// [`Overloaded`](JwtErrorKind::Overloaded) when the source refuses to
    /// wait.
    pub async fn verify_async(&self, token: &str) -> Result<Verified<C>, JwtError> {
        let mut room = SegmentBuffer::new();
        let pending = match self.begin(token, &mut room)? {
            Begun::Cached(hit) => return Ok(hit),
            Begun::Pending(pending) => pending,
        };
        let header = pending.header.header();
        let key = self.inner.keys.resolve_async(&header).await?;
        drop(header);
        // A fetch may have taken a while: judge the claims by the clock now.
        let now = self.inner.clock.now();
        self.complete(token, pending, &key, Some(now))
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
    /// [revision](KeySource::revision)). A verification that began before
    /// the call, and finishes after it, leaves nothing in the cache that
    /// is served.
    pub fn clear_cache(&self) {
        if let Some(cache) = &self.inner.cache {
            cache.clear();
        }
    }

    /// Everything before the key: the length limit, the cache, the
    /// segments, the header (remembered or parsed), the algorithm and the
    /// type. The time, the key source's revision and the cache's
    /// generation are read first, before any key is: a key dropped, or a
    /// cache cleared, after this makes the entry of this token stale.
    #[inline(always)]
    fn begin<'b, 't>(&self, token: &'t str, room: &'b mut SegmentBuffer) -> Result<Begun<'b, 't, C>, JwtError> {
        if token.len() > self.inner.max_token_len {
            return Err(JwtError::new(JwtErrorKind::TooLong));
        }
        let now = self.inner.clock.now();
        let revision = self.inner.keys.revision();
        let generation = self.inner.cache.as_ref().map_or(0, TokenCache::generation);
        if let Some(hit) = self.cached(token, now, revision) {
            return Ok(Begun::Cached(hit));
        }
        let buffer = room.for_token(token);
        // A header this thread saw in a token that verified is not decoded
        // and parsed again (see `memo`); the checks are the same either way,
        // in the same order.
        let (segments, header, remember) = match memo::find(token.as_bytes()) {
            Some(known) => (Segments::decode(token, Some((known.len(), known.signature_len())), buffer)?, known, false),
            None => {
                let segments = Segments::decode(token, None, buffer)?;
                let parsed = parse_header(segments.header)?;
                let header = KnownHeader::new(segments.header_segment, segments.signature_len(token), &parsed);
                (segments, header, true)
            }
        };
        self.check_algorithm(header.alg())?;
        self.check_type(header.typ())?;
        Ok(Begun::Pending(Pending { segments, header, remember, now, revision, generation }))
    }

    #[inline]
    fn cached(&self, token: &str, now: i64, revision: u64) -> Option<Verified<C>> {
        let entry = self.inner.cache.as_ref()?.get(token, now, revision)?;
        Some(Verified { claims: entry.claims, header: entry.header, exp: Some(entry.exp), cached: true })
    }

    #[inline]
    fn check_algorithm(&self, alg: Algorithm) -> Result<(), JwtError> {
        if self.inner.validation.algorithms.contains(alg) {
            Ok(())
        } else {
            Err(JwtError::new(JwtErrorKind::DisallowedAlgorithm))
        }
    }

    /// RFC 8725 §3.11 explicit typing: the required `typ`, compared without
    /// regard to case and to an `application/` prefix (RFC 7515 §4.1.9).
    #[inline]
    fn check_type(&self, typ: Option<&str>) -> Result<(), JwtError> {
        match (&self.inner.typ, typ) {
            (None, _) => Ok(()),
            (Some(required), Some(typ)) if media_type(typ).eq_ignore_ascii_case(required) => Ok(()),
            (Some(_), _) => Err(JwtError::new(JwtErrorKind::InvalidType)),
        }
    }

    /// Everything after the key: the signature, the claims, the cache, the
    /// memo. `now` replaces the time read at the start (after a fetch).
    #[inline(always)]
    fn complete(
        &self,
        token: &str,
        pending: Pending<'_, '_>,
        key: &DecodingKey,
        now: Option<i64>,
    ) -> Result<Verified<C>, JwtError> {
        let Pending { segments, header, remember, now: begun, revision, generation } = pending;
        key.verify(header.alg(), segments.signing_input, segments.signature)?;
        let payload = std::str::from_utf8(segments.payload).map_err(|_| JwtError::new(JwtErrorKind::Malformed))?;
        let (claims, exp, nbf) = self.claims(payload, now.unwrap_or(begun))?;
        let claims = Arc::new(claims);
        if let (Some(cache), Some(exp)) = (&self.inner.cache, exp) {
            let entry =
                Entry { claims: Arc::clone(&claims), header: Arc::clone(&header), exp, nbf, revision, generation };
            cache.insert(token, entry);
        }
        if remember {
            memo::remember(&header);
        }
        Ok(Verified { claims, header, exp, cached: false })
    }

    /// The claims `C` of a verified payload, checked at `now`, with their
    /// `exp` and `nbf`: in one pass ([`de`]) that deserializes `C` and
    /// records the registered claims, then checks them.
    #[inline(always)]
    fn claims(&self, payload: &str, now: i64) -> Result<(C, Option<i64>, Option<i64>), JwtError> {
        let validation = &self.inner.validation;
        let mut found = Registered::default();
        match one_pass::claims::<C>(payload, validation, &mut found) {
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

/// The longest token a verifier decodes unless told otherwise: 8 KiB.
pub(crate) const DEFAULT_MAX_TOKEN_LEN: usize = 8 * 1024;

/// Builds a [`JwtVerifier`]; see [`JwtVerifier::builder`].
///
/// Defaults are secure: no leeway; `exp` required; `nbf` checked when
/// present; `iat` (when present) not in the future; `exp`, `nbf` and `iat`
/// NumericDates (finite JSON numbers within ±2^53) whatever the claims type
/// reads; a token with an `aud` refused unless an
/// [`audience`](Self::audience) accepts it; HMAC secrets at least as long
/// as the hash output; tokens of at most 8 KiB; no `typ` required; the
/// system clock; no cache.
#[must_use]
pub struct JwtVerifierBuilder<C, K> {
    keys: K,
    algorithms: AlgorithmSet,
    leeway: Duration,
    require_exp: bool,
    allow_future_iat: bool,
    allow_weak_hmac_secret: bool,
    typ: Option<Box<str>>,
    max_token_len: usize,
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
            .field("typ", &self.typ)
            .field("max_token_len", &self.max_token_len)
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
    /// that is present is still checked, and one that is not a NumericDate
    /// (`null`, a string, a number beyond ±2^53) still refuses the token.
    pub fn exp_optional(mut self) -> Self {
        self.require_exp = false;
        self
    }

    /// Accepts tokens whose `iat` is in the future (beyond the leeway). By
    /// default they are refused as [`NotYetValid`](JwtErrorKind::NotYetValid):
    /// RFC 7519 §4.1.6 asks no such check, but a token issued in 2099 was
    /// minted by a clock or a key nobody should trust (PyJWT refuses it too).
    pub fn allow_future_iat(mut self) -> Self {
        self.allow_future_iat = true;
        self
    }

    /// Accepts HMAC secrets shorter than the hash output of the algorithms
    /// they are used with (32, 48 and 64 bytes for `HS256`, `HS384`,
    /// `HS512`; RFC 7518 §3.2), which [`build`](Self::build) otherwise
    /// refuses: for a legacy secret that cannot be changed at once. A short
    /// secret can be guessed offline from any one of its tokens.
    pub fn allow_weak_hmac_secret(mut self) -> Self {
        self.allow_weak_hmac_secret = true;
        self
    }

    /// Requires the header's `typ` to be `typ` (RFC 8725 §3.11 explicit
    /// typing), compared without regard to case and to an `application/`
    /// prefix (RFC 7515 §4.1.9): `require_typ("at+jwt")` accepts `at+jwt`,
    /// `AT+JWT` and `application/at+jwt` (RFC 9068 §4). A token without a
    /// `typ`, or with another one, is refused as
    /// [`InvalidType`](JwtErrorKind::InvalidType).
    pub fn require_typ(mut self, typ: impl Into<Cow<'static, str>>) -> Self {
        self.typ = Some(Box::from(media_type(&typ.into())));
        self
    }

    /// Refuses tokens longer than `bytes` as
    /// [`TooLong`](JwtErrorKind::TooLong) before decoding anything of them
    /// (default 8 KiB: a token with a few dozen claims and an RSA-4096
    /// signature is under 2 KiB).
    pub fn max_token_len(mut self, bytes: usize) -> Self {
        self.max_token_len = bytes;
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
    /// verify, an HMAC secret too short for an allowed algorithm (unless
    /// [`allow_weak_hmac_secret`](Self::allow_weak_hmac_secret)), an empty
    /// audience, issuer, `typ` or claim name, more than 64 required claims,
    /// a token length limit of 0, or a cache of capacity 0.
    pub fn build(self) -> Result<JwtVerifier<C, K>, JwtConfigError> {
        if self.algorithms.is_empty() {
            return Err(JwtConfigError::NoAlgorithms);
        }
        if let Some(alg) = self.algorithms.iter().find(|alg| !self.keys.supports(*alg)) {
            return Err(JwtConfigError::AlgorithmWithoutKey(alg));
        }
        if !self.allow_weak_hmac_secret {
            for alg in self.algorithms.iter() {
                if let (Some(min), Some(len)) = (alg.min_secret_len(), self.keys.shortest_secret(alg))
                    && len < min
                {
                    return Err(JwtConfigError::WeakHmacSecret { alg, len, min });
                }
            }
        }
        if self.typ.as_deref().is_some_and(str::is_empty) {
            return Err(JwtConfigError::InvalidClaimSetting("the required typ is empty"));
        }
        if self.max_token_len == 0 {
            return Err(JwtConfigError::InvalidClaimSetting("the token length limit is 0"));
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
            reject_future_iat: !self.allow_future_iat,
            audiences: self.audiences.into_boxed_slice(),
            any_audience: self.any_audience,
            issuers: self.issuers.into_boxed_slice(),
            required: self.required.into_boxed_slice(),
        };
        let inner = Inner {
            keys: self.keys,
            validation,
            typ: self.typ,
            max_token_len: self.max_token_len,
            clock: self.clock,
            cache: self.cache.map(|capacity| TokenCache::new(capacity, leeway)),
        };
        Ok(JwtVerifier { inner: Arc::new(inner), _claims: PhantomData })
    }
}
