//! Cost of each warden extractor, called exactly as axum calls it.
//!
//! Every warden case goes through `<Auth<S> as FromRequestParts<St>>::from_request_parts`
//! (or `OptionalFromRequestParts` for `Option<Auth<S>>`) on a prebuilt
//! `http::request::Parts`. The futures never wait, so each one is polled once
//! with a no-op waker ([`block_on_ready`]).
//!
//! The `Parts` are built once per case, outside the timed loop, and reused:
//! extraction only reads them. The timed region of each iteration is the
//! extraction itself, the optional constant-time compare, and the drop of the
//! result (freeing the returned credentials), as in a handler.
//!
//! Bench ids: `<group>/<state>/<path>`, where the state is `state=scheme` (the
//! scheme is the router state) or `state=composite` (a struct deriving axum's
//! `FromRef` with one field per scheme); `success+compare` adds the
//! constant-time comparison a handler does. The `bearer` group holds the two
//! baselines (the `headers` crate's typed header through axum-extra's
//! `TypedHeader`, and hand-written code); `breakdown` holds the pieces a
//! success path is made of.
//!
//! Instruction counts: with `WARDEN_BENCH_LOOP=<case>:<iterations>` the binary
//! skips criterion and runs one case in a plain loop, for
//! `valgrind --tool=callgrind` (see [`LOOP_CASES`]).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{
    hint::black_box,
    pin::pin,
    task::{Context, Poll, Waker},
};

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum_extra::TypedHeader;
use criterion::{BenchmarkGroup, Criterion, criterion_group, measurement::WallTime};
use headers::{
    Authorization,
    authorization::{Basic, Bearer},
};
use http::{HeaderName, HeaderValue, Request, header::AUTHORIZATION, request::Parts};
use warden::{ApiKey, Auth, AuthRejection, HttpBasic, HttpBearer, HttpScheme, Scheme, ct_eq};

/// Polls a future that is ready at once, as axum's executor would on the first poll.
#[inline(always)]
fn block_on_ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("extractor future was not immediately ready"),
    }
}

/// `Auth<S>` as a handler argument.
#[inline(always)]
fn auth<S, St>(parts: &mut Parts, state: &St) -> Result<Auth<S>, AuthRejection>
where
    S: Scheme + FromRef<St>,
    St: Send + Sync,
{
    block_on_ready(<Auth<S> as FromRequestParts<St>>::from_request_parts(parts, state))
}

/// `Option<Auth<S>>` as a handler argument.
#[inline(always)]
fn optional_auth<S, St>(parts: &mut Parts, state: &St) -> Result<Option<Auth<S>>, AuthRejection>
where
    S: Scheme + FromRef<St>,
    St: Send + Sync,
{
    block_on_ready(<Auth<S> as OptionalFromRequestParts<St>>::from_request_parts(parts, state))
}

/// `TypedHeader<Authorization<Bearer>>` as a handler argument.
#[inline(always)]
fn typed_bearer(parts: &mut Parts) -> Option<TypedHeader<Authorization<Bearer>>> {
    block_on_ready(<TypedHeader<Authorization<Bearer>> as FromRequestParts<()>>::from_request_parts(parts, &())).ok()
}

/// `Option<TypedHeader<Authorization<Bearer>>>` as a handler argument.
#[inline(always)]
fn typed_bearer_optional(parts: &mut Parts) -> Option<TypedHeader<Authorization<Bearer>>> {
    block_on_ready(<TypedHeader<Authorization<Bearer>> as OptionalFromRequestParts<()>>::from_request_parts(parts, &()))
        .ok()
        .flatten()
}

/// `TypedHeader<Authorization<Basic>>` as a handler argument.
#[inline(always)]
fn typed_basic(parts: &mut Parts) -> Option<TypedHeader<Authorization<Basic>>> {
    block_on_ready(<TypedHeader<Authorization<Basic>> as FromRequestParts<()>>::from_request_parts(parts, &())).ok()
}

/// What people write by hand: look the header up, strip the prefix, own the token.
#[inline(always)]
fn hand_written_bearer(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::to_owned)
}

/// A second `ApiKey` configuration in the composite state: the query key.
struct QueryKey;
/// A third `ApiKey` configuration in the composite state: the cookie key.
struct CookieKey;

/// A typical app state holding several schemes.
#[derive(Clone, FromRef)]
struct AppState {
    basic: HttpBasic,
    bearer: HttpBearer,
    digest: HttpScheme,
    header_key: ApiKey,
    query_key: ApiKey<QueryKey>,
    cookie_key: ApiKey<CookieKey>,
}

impl AppState {
    fn new() -> Self {
        Self {
            basic: HttpBasic::new("api").unwrap(),
            bearer: HttpBearer::new(),
            digest: HttpScheme::digest(),
            header_key: ApiKey::header("X-API-Key").unwrap(),
            query_key: ApiKey::query("api_key").unwrap().with_marker(),
            cookie_key: ApiKey::cookie("api_key").unwrap().with_marker(),
        }
    }
}

const SHORT_TOKEN: &str = "abc.def.ghi";
/// A realistic HS256 JWT (155 characters).
const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const API_KEY: &str = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
const DIGEST: &str = r#"Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;

/// A request with the headers every browser or client sends, plus `extra`.
fn parts(uri: &str, extra: &[(&str, &str)]) -> Parts {
    let mut request = Request::get(uri)
        .header("host", "api.example.com")
        .header("user-agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
        .header("accept", "application/json")
        .header("accept-encoding", "gzip, deflate, br");
    for (name, value) in extra {
        request = request.header(*name, HeaderValue::from_str(value).unwrap());
    }
    request.body(()).unwrap().into_parts().0
}

fn bearer_parts(token: &str) -> Parts {
    parts("/items", &[("authorization", &format!("Bearer {token}"))])
}

fn basic_parts() -> Parts {
    parts("/items", &[("authorization", "Basic dXNlcjpwYXNz")])
}

fn digest_parts() -> Parts {
    parts("/items", &[("authorization", DIGEST)])
}

fn header_key_parts() -> Parts {
    parts("/items", &[("x-api-key", API_KEY)])
}

fn query_key_parts() -> Parts {
    parts(&format!("/items?page=2&api_key={API_KEY}&sort=asc"), &[])
}

fn cookie_key_parts() -> Parts {
    parts("/items", &[("cookie", &format!("theme=dark; api_key={API_KEY}; _ga=GA1.2.1234567890.1700000000"))])
}

/// No credentials anywhere.
fn missing_parts() -> Parts {
    parts("/items?page=2&sort=asc", &[("cookie", "theme=dark; _ga=GA1.2.1234567890.1700000000")])
}

/// Success, success+compare, and both missing paths of one scheme with one state.
fn scheme_cases<S, St>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    label: &str,
    state: &St,
    success: &Parts,
    compare: impl Fn(&S::Credentials) -> bool,
) where
    S: Scheme + FromRef<St>,
    St: Send + Sync,
{
    let mut parts = success.clone();
    let creds = auth::<S, St>(&mut parts, state).expect("success case extracts").0;
    assert!(compare(&creds), "success case compares equal");
    group.bench_function(format!("{label}/success"), |b| {
        b.iter(|| auth::<S, St>(black_box(&mut parts), black_box(state)));
    });
    group.bench_function(format!("{label}/success+compare"), |b| {
        b.iter(|| matches!(auth::<S, St>(black_box(&mut parts), black_box(state)), Ok(Auth(c)) if compare(&c)));
    });

    let mut missing = missing_parts();
    assert!(auth::<S, St>(&mut missing, state).is_err());
    assert!(optional_auth::<S, St>(&mut missing, state).unwrap().is_none());
    group.bench_function(format!("{label}/missing/Auth"), |b| {
        b.iter(|| auth::<S, St>(black_box(&mut missing), black_box(state)));
    });
    group.bench_function(format!("{label}/missing/Option"), |b| {
        b.iter(|| optional_auth::<S, St>(black_box(&mut missing), black_box(state)));
    });
}

/// `Scheme::extract` called directly: no `FromRef`, no future.
fn direct_case<S: Scheme>(group: &mut BenchmarkGroup<'_, WallTime>, scheme: &S, success: &Parts) {
    assert!(scheme.extract(success).unwrap().is_some());
    group.bench_function("Scheme::extract/success", |b| b.iter(|| black_box(scheme).extract(black_box(success))));
}

fn bearer(c: &mut Criterion) {
    let scheme = HttpBearer::new();
    let state = AppState::new();
    let compare = |c: &warden::HttpCredentials| c.credentials_eq(black_box(SHORT_TOKEN));
    let compare_jwt = |c: &warden::HttpCredentials| c.credentials_eq(black_box(JWT));
    let short = bearer_parts(SHORT_TOKEN);
    let jwt = bearer_parts(JWT);

    let mut group = c.benchmark_group("bearer");
    scheme_cases::<HttpBearer, _>(&mut group, "state=scheme", &scheme, &short, compare);
    scheme_cases::<HttpBearer, _>(&mut group, "state=composite", &state, &short, compare);
    direct_case(&mut group, &scheme, &short);

    // Baseline (a): the `headers` crate's typed header through axum-extra.
    let mut parts = short.clone();
    assert!(typed_bearer(&mut parts).is_some_and(|TypedHeader(h)| ct_eq(h.token().as_bytes(), SHORT_TOKEN.as_bytes())));
    group.bench_function("baseline/TypedHeader/success", |b| b.iter(|| typed_bearer(black_box(&mut parts))));
    group.bench_function("baseline/TypedHeader/success+compare", |b| {
        b.iter(|| {
            typed_bearer(black_box(&mut parts))
                .is_some_and(|TypedHeader(h)| ct_eq(h.token().as_bytes(), black_box(SHORT_TOKEN).as_bytes()))
        });
    });
    let mut missing = missing_parts();
    assert!(typed_bearer_optional(&mut missing).is_none());
    group.bench_function("baseline/TypedHeader/missing/Option", |b| {
        b.iter(|| typed_bearer_optional(black_box(&mut missing)));
    });

    // Baseline (b): hand-written.
    assert!(hand_written_bearer(&short).is_some_and(|t| ct_eq(t.as_bytes(), SHORT_TOKEN.as_bytes())));
    group.bench_function("baseline/hand_written/success", |b| b.iter(|| hand_written_bearer(black_box(&short))));
    group.bench_function("baseline/hand_written/success+compare", |b| {
        b.iter(|| {
            hand_written_bearer(black_box(&short))
                .is_some_and(|t| ct_eq(t.as_bytes(), black_box(SHORT_TOKEN).as_bytes()))
        });
    });
    group.bench_function("baseline/hand_written/missing", |b| b.iter(|| hand_written_bearer(black_box(&missing))));

    // The same with a 155-character JWT.
    let mut parts = jwt.clone();
    assert!(auth::<HttpBearer, _>(&mut parts, &scheme).is_ok_and(|Auth(c)| compare_jwt(&c)));
    group.bench_function("jwt155/state=scheme/success", |b| {
        b.iter(|| auth::<HttpBearer, _>(black_box(&mut parts), black_box(&scheme)));
    });
    group.bench_function("jwt155/state=scheme/success+compare", |b| {
        b.iter(|| matches!(auth::<HttpBearer, _>(black_box(&mut parts), black_box(&scheme)), Ok(Auth(c)) if compare_jwt(&c)));
    });
    group.bench_function("jwt155/Scheme::extract/success", |b| {
        b.iter(|| black_box(&scheme).extract(black_box(&jwt)));
    });
    group.bench_function("jwt155/baseline/TypedHeader/success+compare", |b| {
        b.iter(|| {
            typed_bearer(black_box(&mut parts))
                .is_some_and(|TypedHeader(h)| ct_eq(h.token().as_bytes(), black_box(JWT).as_bytes()))
        });
    });
    group.bench_function("jwt155/baseline/hand_written/success+compare", |b| {
        b.iter(|| hand_written_bearer(black_box(&jwt)).is_some_and(|t| ct_eq(t.as_bytes(), black_box(JWT).as_bytes())));
    });
    group.finish();
}

fn basic(c: &mut Criterion) {
    let scheme = HttpBasic::new("api").unwrap();
    let state = AppState::new();
    let compare = |c: &warden::BasicCredentials| c.matches(black_box("user"), black_box("pass"));
    let success = basic_parts();

    let mut group = c.benchmark_group("basic");
    scheme_cases::<HttpBasic, _>(&mut group, "state=scheme", &scheme, &success, compare);
    scheme_cases::<HttpBasic, _>(&mut group, "state=composite", &state, &success, compare);
    direct_case(&mut group, &scheme, &success);

    let mut parts = success.clone();
    group.bench_function("baseline/TypedHeader/success+compare", |b| {
        b.iter(|| {
            typed_basic(black_box(&mut parts)).is_some_and(|TypedHeader(h)| {
                let user = ct_eq(h.username().as_bytes(), black_box("user").as_bytes());
                let pass = ct_eq(h.password().as_bytes(), black_box("pass").as_bytes());
                user & pass
            })
        });
    });
    group.finish();
}

fn digest(c: &mut Criterion) {
    let scheme = HttpScheme::digest();
    let state = AppState::new();
    let expected = DIGEST.strip_prefix("Digest ").unwrap();
    let compare = |c: &warden::HttpCredentials| c.credentials_eq(black_box(expected));
    let success = digest_parts();

    let mut group = c.benchmark_group("digest");
    scheme_cases::<HttpScheme, _>(&mut group, "state=scheme", &scheme, &success, compare);
    direct_case(&mut group, &scheme, &success);
    let mut parts = success.clone();
    group.bench_function("state=composite/success", |b| {
        b.iter(|| auth::<HttpScheme, _>(black_box(&mut parts), black_box(&state)));
    });
    group.finish();
}

fn api_key(c: &mut Criterion) {
    let state = AppState::new();
    let compare = |c: &warden::ApiKeyCredentials| c.ct_eq(black_box(API_KEY));

    let scheme = ApiKey::header("X-API-Key").unwrap();
    let success = header_key_parts();
    let mut group = c.benchmark_group("api_key_header");
    scheme_cases::<ApiKey, _>(&mut group, "state=scheme", &scheme, &success, compare);
    scheme_cases::<ApiKey, _>(&mut group, "state=composite", &state, &success, compare);
    direct_case(&mut group, &scheme, &success);
    group.finish();

    let scheme = ApiKey::query("api_key").unwrap();
    let success = query_key_parts();
    let mut group = c.benchmark_group("api_key_query");
    scheme_cases::<ApiKey, _>(&mut group, "state=scheme", &scheme, &success, compare);
    direct_case(&mut group, &scheme, &success);
    let mut parts = success.clone();
    group.bench_function("state=composite/success", |b| {
        b.iter(|| auth::<ApiKey<QueryKey>, _>(black_box(&mut parts), black_box(&state)));
    });
    group.finish();

    let scheme = ApiKey::cookie("api_key").unwrap();
    let success = cookie_key_parts();
    let mut group = c.benchmark_group("api_key_cookie");
    scheme_cases::<ApiKey, _>(&mut group, "state=scheme", &scheme, &success, compare);
    direct_case(&mut group, &scheme, &success);
    let mut parts = success.clone();
    group.bench_function("state=composite/success", |b| {
        b.iter(|| auth::<ApiKey<CookieKey>, _>(black_box(&mut parts), black_box(&state)));
    });
    group.finish();
}

/// The pieces of the bearer success path, one at a time.
fn breakdown(c: &mut Criterion) {
    let scheme = HttpBearer::new();
    let state = AppState::new();
    let short = bearer_parts(SHORT_TOKEN);
    let header_key = header_key_parts();

    let mut group = c.benchmark_group("breakdown");
    group.bench_function("scheme copy out of the state (HttpBearer is Copy)", |b| b.iter(|| *black_box(&scheme)));
    group.bench_function("FromRef<HttpBearer> (state=scheme)", |b| {
        b.iter(|| <HttpBearer as FromRef<HttpBearer>>::from_ref(black_box(&scheme)));
    });
    group.bench_function("FromRef<AppState> (state=composite)", |b| {
        b.iter(|| <HttpBearer as FromRef<AppState>>::from_ref(black_box(&state)));
    });
    group.bench_function("ready future poll", |b| b.iter(|| block_on_ready(async { black_box(1_u8) })));
    group.bench_function("HeaderMap::get(authorization)", |b| {
        b.iter(|| black_box(&short).headers.get(AUTHORIZATION).map(HeaderValue::len));
    });
    group.bench_function("HeaderMap::get_all(authorization) x2 next", |b| {
        b.iter(|| {
            let mut values = black_box(&short).headers.get_all(AUTHORIZATION).iter();
            (values.next().map(HeaderValue::len), values.next().is_some())
        });
    });
    // The scheme keeps a parsed `HeaderName`, so the lookup hashes it but does not parse it.
    let x_api_key = HeaderName::from_static("x-api-key");
    group.bench_function("HeaderMap::get_all(x-api-key) x2 next", |b| {
        b.iter(|| {
            let mut values = black_box(&header_key).headers.get_all(black_box(&x_api_key)).iter();
            (values.next().map(HeaderValue::len), values.next().is_some())
        });
    });
    group.bench_function("String copy 17B (to_owned)", |b| b.iter(|| black_box("Bearerabc.def.ghi").to_owned()));
    group.bench_function("String copy 161B (to_owned)", |b| {
        let text = format!("Bearer{JWT}");
        b.iter(|| black_box(text.as_str()).to_owned());
    });
    group.bench_function("String copy 32B (API key to_owned)", |b| b.iter(|| black_box(API_KEY).to_owned()));
    group.bench_function("ct_eq 11B", |b| {
        b.iter(|| ct_eq(black_box(SHORT_TOKEN.as_bytes()), black_box(SHORT_TOKEN.as_bytes())));
    });
    group.bench_function("ct_eq 155B", |b| b.iter(|| ct_eq(black_box(JWT.as_bytes()), black_box(JWT.as_bytes()))));
    group.finish();
}

criterion_group!(benches, bearer, basic, digest, api_key, breakdown);

/// Cases for `WARDEN_BENCH_LOOP=<case>:<iterations>`: each runs its body
/// `iterations` times. Instructions per iteration are the difference of two
/// callgrind totals divided by the difference of the iteration counts.
const LOOP_CASES: &[&str] = &[
    "bearer_auth",
    "bearer_auth_compare",
    "bearer_composite_compare",
    "bearer_extract",
    "bearer_typed_header_compare",
    "bearer_hand_written_compare",
    "basic_auth_compare",
    "api_key_header_auth_compare",
    "scheme_copy",
    "empty",
    "bearer_missing_option",
    "bearer_jwt_auth",
    "bearer_jwt_extract",
    "bearer_jwt_hand_written_compare",
    "basic_extract",
    "api_key_header_extract",
    "copy_17",
    "ct_eq_11",
];

fn run_loop(spec: &str) {
    let (case, iterations) = spec.split_once(':').expect("WARDEN_BENCH_LOOP=<case>:<iterations>");
    let iterations: u64 = iterations.parse().expect("iteration count");
    let scheme = HttpBearer::new();
    let basic = HttpBasic::new("api").unwrap();
    let key = ApiKey::header("X-API-Key").unwrap();
    let state = AppState::new();
    let short = bearer_parts(SHORT_TOKEN);
    let mut parts = short.clone();
    let mut basic_parts = basic_parts();
    let mut key_parts = header_key_parts();
    let mut missing = missing_parts();
    let jwt = bearer_parts(JWT);
    let mut jwt_parts = jwt.clone();
    // The case is chosen once; the loop pays one indirect call per iteration, the same for every case.
    let mut body: Box<dyn FnMut() -> bool> = match case {
        "bearer_auth" => Box::new(|| auth::<HttpBearer, _>(black_box(&mut parts), black_box(&scheme)).is_ok()),
        "bearer_auth_compare" => Box::new(
            || matches!(auth::<HttpBearer, _>(black_box(&mut parts), black_box(&scheme)), Ok(Auth(c)) if c.credentials_eq(black_box(SHORT_TOKEN))),
        ),
        "bearer_composite_compare" => Box::new(
            || matches!(auth::<HttpBearer, _>(black_box(&mut parts), black_box(&state)), Ok(Auth(c)) if c.credentials_eq(black_box(SHORT_TOKEN))),
        ),
        "bearer_extract" => Box::new(|| black_box(&scheme).extract(black_box(&short)).is_ok_and(|c| c.is_some())),
        "bearer_typed_header_compare" => Box::new(|| {
            typed_bearer(black_box(&mut parts))
                .is_some_and(|TypedHeader(h)| ct_eq(h.token().as_bytes(), black_box(SHORT_TOKEN).as_bytes()))
        }),
        "bearer_hand_written_compare" => Box::new(|| {
            hand_written_bearer(black_box(&short))
                .is_some_and(|t| ct_eq(t.as_bytes(), black_box(SHORT_TOKEN).as_bytes()))
        }),
        "basic_auth_compare" => Box::new(
            || matches!(auth::<HttpBasic, _>(black_box(&mut basic_parts), black_box(&basic)), Ok(Auth(c)) if c.matches(black_box("user"), black_box("pass"))),
        ),
        "api_key_header_auth_compare" => Box::new(
            || matches!(auth::<ApiKey, _>(black_box(&mut key_parts), black_box(&key)), Ok(Auth(c)) if c.ct_eq(black_box(API_KEY))),
        ),
        "scheme_copy" => Box::new(|| {
            black_box(*black_box(&scheme));
            true
        }),
        "empty" => Box::new(|| black_box(true)),
        "bearer_missing_option" => Box::new(|| {
            optional_auth::<HttpBearer, _>(black_box(&mut missing), black_box(&scheme)).is_ok_and(|a| a.is_none())
        }),
        "bearer_jwt_auth" => Box::new(|| auth::<HttpBearer, _>(black_box(&mut jwt_parts), black_box(&scheme)).is_ok()),
        "bearer_jwt_extract" => Box::new(|| black_box(&scheme).extract(black_box(&jwt)).is_ok_and(|c| c.is_some())),
        "bearer_jwt_hand_written_compare" => Box::new(|| {
            hand_written_bearer(black_box(&jwt)).is_some_and(|t| ct_eq(t.as_bytes(), black_box(JWT).as_bytes()))
        }),
        "basic_extract" => Box::new(|| black_box(&basic).extract(black_box(&basic_parts)).is_ok_and(|c| c.is_some())),
        "api_key_header_extract" => {
            Box::new(|| black_box(&key).extract(black_box(&key_parts)).is_ok_and(|c| c.is_some()))
        }
        "copy_17" => Box::new(|| black_box(black_box("Bearerabc.def.ghi").to_owned()).len() == 17),
        "ct_eq_11" => Box::new(|| ct_eq(black_box(SHORT_TOKEN.as_bytes()), black_box(SHORT_TOKEN.as_bytes()))),
        other => panic!("unknown case {other:?}; one of {LOOP_CASES:?}"),
    };
    let mut ok = 0_u64;
    for _ in 0..iterations {
        ok += u64::from(body());
    }
    assert_eq!(ok, iterations, "every iteration succeeds");
}

fn main() {
    if let Ok(spec) = std::env::var("WARDEN_BENCH_LOOP") {
        run_loop(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
