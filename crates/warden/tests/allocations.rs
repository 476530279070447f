//! Heap allocations of the extractors, counted by a wrapping global allocator.
//!
//! Each extractor is called as axum calls it,
//! `<Auth<S> as FromRequestParts<St>>::from_request_parts` (or
//! `OptionalFromRequestParts` for `Option<Auth<S>>`), on `Parts` built before
//! counting starts. Every case runs once before it is counted, so that
//! first-call lazy initialisation is not charged to it.
//!
//! Allocations are counted per thread, so the tests can run in parallel:
//! only allocations made by the test's own thread, between the start and the
//! end of the counted closure, are recorded. Frees are not counted, and the
//! closure's result is dropped after counting stops.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{
    alloc::{GlobalAlloc, Layout, System},
    cell::Cell,
    pin::pin,
    task::{Context, Poll, Waker},
};

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use http::{Request, request::Parts};
use warden::{ApiKey, Auth, AuthRejection, HttpBasic, HttpBearer, HttpScheme, Scheme};

/// The system allocator, counting what the current thread allocates while
/// [`count`] runs.
struct CountingAllocator;

/// One thread's counters. `const`-initialised `Cell`s need neither lazy
/// initialisation nor a destructor, so the allocator can use them freely.
struct Counters {
    enabled: Cell<bool>,
    /// Calls to `alloc` and `alloc_zeroed`.
    allocations: Cell<usize>,
    /// Calls to `realloc` (a buffer growing or shrinking).
    reallocations: Cell<usize>,
    /// Bytes requested by `alloc`/`alloc_zeroed`, and the new sizes of `realloc`s.
    bytes: Cell<usize>,
}

thread_local! {
    static COUNTERS: Counters = const {
        Counters {
            enabled: Cell::new(false),
            allocations: Cell::new(0),
            reallocations: Cell::new(0),
            bytes: Cell::new(0),
        }
    };
}

fn record(realloc: bool, size: usize) {
    // `try_with`: never panic inside the allocator, even while the thread's
    // locals are being torn down.
    let _ = COUNTERS.try_with(|counters| {
        if counters.enabled.get() {
            let counter = if realloc { &counters.reallocations } else { &counters.allocations };
            counter.set(counter.get() + 1);
            counters.bytes.set(counters.bytes.get() + size);
        }
    });
}

// The workspace denies unsafe code; this impl is the one exception.
#[allow(unsafe_code)]
// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged; the counting touches only `const`-initialised thread-local cells
// and never allocates.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(false, layout.size());
        // SAFETY: forwarded unchanged; the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(false, layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(true, new_size);
        // SAFETY: forwarded unchanged; `ptr` was allocated by `System` through this allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged; `ptr` was allocated by `System` through this allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// What one counted closure allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Allocations {
    allocations: usize,
    reallocations: usize,
    bytes: usize,
}

impl Allocations {
    const NONE: Self = Self { allocations: 0, reallocations: 0, bytes: 0 };

    /// Exactly one allocation of `bytes` bytes, never resized.
    const fn one(bytes: usize) -> Self {
        Self { allocations: 1, reallocations: 0, bytes }
    }
}

/// Runs `f` once uncounted (warm-up), then once counted. The second result
/// is returned and dropped by the caller, outside the count.
fn count<T>(mut f: impl FnMut() -> T) -> (T, Allocations) {
    drop(f());
    COUNTERS.with(|c| {
        c.allocations.set(0);
        c.reallocations.set(0);
        c.bytes.set(0);
        c.enabled.set(true);
    });
    let value = f();
    let counted = COUNTERS.with(|c| {
        c.enabled.set(false);
        Allocations { allocations: c.allocations.get(), reallocations: c.reallocations.get(), bytes: c.bytes.get() }
    });
    (value, counted)
}

/// Polls a future that is ready at once, as axum's executor would on the first poll.
fn block_on_ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("extractor future was not immediately ready"),
    }
}

/// `Auth<S>` as a handler argument, with the router state `state`.
fn auth<S, St>(parts: &mut Parts, state: &St) -> Result<Auth<S>, AuthRejection>
where
    S: Scheme + FromRef<St>,
    St: Send + Sync,
{
    block_on_ready(<Auth<S> as FromRequestParts<St>>::from_request_parts(parts, state))
}

/// `Option<Auth<S>>` as a handler argument, with the router state `state`.
fn optional_auth<S, St>(parts: &mut Parts, state: &St) -> Result<Option<Auth<S>>, AuthRejection>
where
    S: Scheme + FromRef<St>,
    St: Send + Sync,
{
    block_on_ready(<Auth<S> as OptionalFromRequestParts<St>>::from_request_parts(parts, state))
}

/// A request with a client's usual headers plus `extra`.
fn parts(uri: &str, extra: &[(&str, &str)]) -> Parts {
    let mut request = Request::get(uri)
        .header("host", "api.example.com")
        .header("user-agent", "curl/8.5.0")
        .header("accept", "application/json");
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    request.body(()).unwrap().into_parts().0
}

const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const KEY: &str = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";

#[test]
fn the_counter_sees_this_threads_allocations() {
    let (text, counted) = count(|| String::from("x"));
    assert_eq!(counted, Allocations::one(1));
    assert_eq!(text, "x");
    let (nothing, counted) = count(|| 1 + 1);
    assert_eq!((nothing, counted), (2, Allocations::NONE));
}

#[test]
fn bearer_success_allocates_only_the_returned_credentials() {
    let scheme = HttpBearer::new();
    for token in ["abc.def.ghi", JWT] {
        let mut parts = parts("/", &[("authorization", &format!("Bearer {token}"))]);
        let (result, counted) = count(|| auth::<HttpBearer, _>(&mut parts, &scheme));
        let Auth(creds) = result.unwrap();
        assert_eq!((creds.scheme(), creds.token()), ("Bearer", token));
        // One string holding the scheme as sent and the token, sized exactly.
        assert_eq!(counted, Allocations::one("Bearer".len() + token.len()));
    }
}

#[test]
fn bearer_success_allocates_the_same_through_a_composite_state() {
    /// Only `FromRef` matters: each field is an `Arc` handle, cloned without allocating.
    #[derive(Clone, FromRef)]
    struct AppState {
        bearer: HttpBearer,
        basic: HttpBasic,
        key: ApiKey,
    }
    let state = AppState {
        bearer: HttpBearer::new(),
        basic: HttpBasic::new("api").unwrap(),
        key: ApiKey::header("X-API-Key").unwrap(),
    };
    let mut parts = parts("/", &[("authorization", "Bearer abc.def.ghi")]);
    let (result, counted) = count(|| auth::<HttpBearer, _>(&mut parts, &state));
    assert_eq!(result.unwrap().token(), "abc.def.ghi");
    assert_eq!(counted, Allocations::one("Bearerabc.def.ghi".len()));
}

#[test]
fn basic_success_allocates_only_the_returned_credentials() {
    let scheme = HttpBasic::new("api").unwrap();
    let mut parts = parts("/", &[("authorization", "Basic dXNlcjpwYXNz")]);
    let (result, counted) = count(|| auth::<HttpBasic, _>(&mut parts, &scheme));
    let Auth(creds) = result.unwrap();
    assert_eq!((creds.username(), creds.password()), ("user", "pass"));
    // The decode buffer becomes the returned `user:pass` string: 12 base64
    // characters reserve 12 / 4 * 3 = 9 bytes, exactly the decoded length.
    assert_eq!(counted, Allocations::one("user:pass".len()));
}

#[test]
fn http_scheme_success_allocates_only_the_returned_credentials() {
    let scheme = HttpScheme::digest();
    let credentials = r#"username="Mufasa", realm="http-auth@example.org", nonce="7ypf", response="7539""#;
    let mut parts = parts("/", &[("authorization", &format!("Digest {credentials}"))]);
    let (result, counted) = count(|| auth::<HttpScheme, _>(&mut parts, &scheme));
    assert_eq!(result.unwrap().credentials(), credentials);
    assert_eq!(counted, Allocations::one("Digest".len() + credentials.len()));
}

#[test]
fn api_key_header_success_allocates_only_the_returned_key() {
    let scheme = ApiKey::header("X-API-Key").unwrap();
    let mut parts = parts("/", &[("x-api-key", KEY)]);
    let (result, counted) = count(|| auth::<ApiKey, _>(&mut parts, &scheme));
    assert_eq!(result.unwrap().as_str(), KEY);
    assert_eq!(counted, Allocations::one(KEY.len()));
}

#[test]
fn api_key_query_success_allocates_only_the_returned_key() {
    let scheme = ApiKey::query("api_key").unwrap();
    // `form_urlencoded::parse` yields borrowed names and values when they hold
    // neither `+` nor `%`, so the other parameters cost nothing and the only
    // allocation is the `into_owned` of the matching value: the returned key.
    let mut parts = parts(&format!("/items?page=2&api_key={KEY}&sort=asc"), &[]);
    let (result, counted) = count(|| auth::<ApiKey, _>(&mut parts, &scheme));
    assert_eq!(result.unwrap().as_str(), KEY);
    assert_eq!(counted, Allocations::one(KEY.len()));
}

#[test]
fn api_key_query_percent_encoded_success_allocates_one_decode_buffer() {
    let scheme = ApiKey::query("api_key").unwrap();
    // A `%XX` makes `percent-encoding` (2.3) build an owned buffer: it copies
    // the bytes before the first `%` (`sk`: a 2-byte allocation), then pushes
    // the decoded bytes, and `Vec`'s amortised growth resizes that same
    // buffer twice (2 -> 8 bytes at the `+`, 8 -> 16 at the ninth byte of
    // `sk+live_key`). The buffer then moves into the returned key without a
    // copy: one allocation, two reallocations. The reallocations follow the
    // dependency's growth pattern and may change with it; the single
    // allocation is warden's.
    let mut parts = parts("/items?page=2&api_key=sk%2Blive_key", &[]);
    let (result, counted) = count(|| auth::<ApiKey, _>(&mut parts, &scheme));
    assert_eq!(result.unwrap().as_str(), "sk+live_key");
    assert_eq!(counted, Allocations { allocations: 1, reallocations: 2, bytes: 2 + 8 + 16 });
}

#[test]
fn api_key_cookie_success_allocates_only_the_returned_key() {
    let scheme = ApiKey::cookie("api_key").unwrap();
    let mut parts = parts("/", &[("cookie", &format!("theme=dark; api_key={KEY}; _ga=GA1.2.3"))]);
    let (result, counted) = count(|| auth::<ApiKey, _>(&mut parts, &scheme));
    assert_eq!(result.unwrap().as_str(), KEY);
    assert_eq!(counted, Allocations::one(KEY.len()));
}

/// `Option<Auth<S>>` on `parts`: `None`, and not one allocation.
fn assert_absent_allocates_nothing<S: Scheme + std::fmt::Debug>(scheme: &S, mut parts: Parts) {
    let (result, counted) = count(|| optional_auth::<S, _>(&mut parts, scheme));
    assert!(result.unwrap().is_none(), "{scheme:?}");
    assert_eq!(counted, Allocations::NONE, "{scheme:?}");
}

#[test]
fn optional_auth_on_absent_credentials_allocates_nothing() {
    // A request that looks like a real one: other headers, a query string and
    // cookies, but no credentials for any scheme.
    let absent = || parts("/items?page=2&sort=asc", &[("cookie", "theme=dark; _ga=GA1.2.3")]);
    assert_absent_allocates_nothing(&HttpBasic::new("api").unwrap(), absent());
    assert_absent_allocates_nothing(&HttpBearer::new(), absent());
    assert_absent_allocates_nothing(&HttpScheme::digest(), absent());
    assert_absent_allocates_nothing(&ApiKey::header("X-API-Key").unwrap(), absent());
    assert_absent_allocates_nothing(&ApiKey::query("api_key").unwrap(), absent());
    assert_absent_allocates_nothing(&ApiKey::cookie("api_key").unwrap(), absent());
}

#[test]
fn optional_auth_on_another_scheme_allocates_nothing() {
    // Credentials of another scheme are absent credentials for this one.
    assert_absent_allocates_nothing(&HttpBasic::new("api").unwrap(), parts("/", &[("authorization", "Bearer abc")]));
    assert_absent_allocates_nothing(&HttpBearer::new(), parts("/", &[("authorization", "Basic dXNlcjpwYXNz")]));
    assert_absent_allocates_nothing(&HttpScheme::digest(), parts("/", &[("authorization", "Bearer abc")]));
}

mod permissions {
    use warden::permission::{Allow, Deny, Permission, PermissionMeta, require, require_now};

    use super::{block_on_ready, count, parts};

    /// A check answering at once from a header, as most leaf checks do.
    #[derive(Clone, Copy)]
    struct HasHeader(&'static str);

    impl PermissionMeta for HasHeader {}

    impl<S: Send + Sync> Permission<S> for HasHeader {
        const ANSWERS_AT_ONCE: bool = true;

        fn check_now(
            &self,
            cx: &mut warden::permission::Cx<'_, S>,
        ) -> Result<warden::permission::Verdict, warden::permission::Unresolved> {
            Ok(cx.header(self.0).is_some().into())
        }
    }

    warden::permission_ops!(HasHeader);

    #[test]
    fn a_ten_leaf_tree_allows_without_allocating_even_past_failing_branches() {
        let (yes, no) = (HasHeader("x-yes"), HasHeader("x-no"));
        // Ten leaves; `(no | yes)` and `!no` build and drop failures on the way.
        let tree = yes & yes & (no | yes) & !no & (yes | no) & yes & (no | yes);
        let mut request = parts("/", &[("x-yes", "1")]);
        let (allowed, counted) = count(|| require_now(&tree, &mut request, &()).is_ok());
        assert!(allowed);
        assert_eq!(counted.allocations + counted.reallocations, 0, "{counted:?}");
    }

    #[test]
    fn the_async_entry_point_allocates_nothing_either() {
        let tree = Allow & !Deny & (Deny | Allow);
        let mut request = parts("/", &[]);
        let (allowed, counted) = count(|| block_on_ready(require(&tree, &mut request, &())).is_ok());
        assert!(allowed);
        assert_eq!(counted.allocations + counted.reallocations, 0, "{counted:?}");
    }
}
