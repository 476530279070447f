//! How permissions compose, answer and run (ROUTES.md 4.7 semantics).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use axum::{
    Json, Router,
    extract::FromRequestParts,
    http::{HeaderName, HeaderValue, Request, StatusCode, request::Parts},
    response::IntoResponse,
    routing::post,
};
use serde_json::{Value, json};
use warden::{
    HttpBearer,
    permission::{
        Allow, Cx, Deny, Failure, Guard, HasRole, HasScope, IsAuthenticated, Outcome, Permission, PermissionExt,
        PermissionMeta, Policy, RequirePermission, ScopeSet, Unresolved, Verdict, check, evaluate_root, from_fn,
        require, testing,
        wrappers::{
            Advisory, AllowSkipped, DenySkipped, FailUnresolved, SkipUnresolved, Undocumented, When, WithError,
        },
    },
};

/// Answers what it was built with, and counts its checks.
#[derive(Clone)]
struct Fixed {
    verdict: Verdict,
    checks: Arc<AtomicUsize>,
}

fn fixed(verdict: Verdict) -> Fixed {
    Fixed { verdict, checks: Arc::default() }
}

fn pass() -> Fixed {
    fixed(Verdict::Allow)
}

fn fail(reason: &'static str) -> Fixed {
    fixed(Verdict::deny(reason))
}

fn skip() -> Fixed {
    fixed(Verdict::skip("abstained"))
}

impl PermissionMeta for Fixed {}

impl<S: Send + Sync> Permission<S> for Fixed {
    async fn check(&self, _: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        self.checks.fetch_add(1, Ordering::SeqCst);
        Ok(self.verdict.clone())
    }
}

warden::permission_ops!(Fixed);

fn request() -> Request<()> {
    Request::get("/").body(()).unwrap()
}

async fn denial<P: Permission<()>>(p: &P) -> testing::Denial {
    testing::assert_denied(p, request(), &()).await
}

#[tokio::test]
async fn and_returns_the_first_failure_and_stops() {
    let later = pass();
    let and = fail("first") & fail("second") & later.clone();
    assert_eq!(denial(&and).await.message, "first");
    assert_eq!(later.checks.load(Ordering::SeqCst), 0, "branches after a failure do not run");
}

#[tokio::test]
async fn and_skips_abstain_and_all_skipped_is_a_skip() {
    testing::assert_allowed(&(skip() & pass()), request(), &()).await;
    testing::assert_skipped(&(skip() & skip()), request(), &()).await;
    let root = (skip() & skip()).with_status(StatusCode::IM_A_TEAPOT);
    let rendered = warden::permission::render(&root, testing::outcome(&root, request(), &()).await.unwrap()).unwrap();
    assert_eq!(rendered.status(), 418, "a skip at the root answers with the root's settings");
}

#[tokio::test]
async fn or_stops_at_the_first_pass() {
    let later = fail("never");
    testing::assert_allowed(&(skip() | pass() | later.clone()), request(), &()).await;
    assert_eq!(later.checks.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn or_joins_reasons_and_keeps_the_first_failures_status_code_and_headers() {
    let first = fixed(Verdict::Outcome(Outcome::from(
        Failure::new()
            .with_reason("one")
            .with_status(StatusCode::CONFLICT)
            .with_code("c1")
            .with_header(HeaderName::from_static("x-failed"), HeaderValue::from_static("1")),
    )));
    let second = fail("two").with_status(StatusCode::NOT_FOUND).with_code("c2");
    let denial = denial(&(first | skip() | second | fixed(Verdict::Outcome(Outcome::from(Failure::new()))))).await;
    assert_eq!(denial.message, "one; two", "empty reasons are left out");
    assert_eq!(denial.status, StatusCode::CONFLICT);
    assert_eq!(denial.code.as_deref(), Some("c1"));
    assert_eq!(denial.headers["x-failed"], "1");
}

#[tokio::test]
async fn a_skip_at_the_root_is_the_roots_own_default_error() {
    testing::assert_skipped(&(skip() | skip()), request(), &()).await;
    let all = warden::permission::render(&(skip() & skip()), Outcome::Skip(None)).unwrap();
    assert_eq!(all.detail(), Some("Not all permissions were satisfied"));
    let any = warden::permission::render(&(skip() | skip()), Outcome::Skip(Some("dropped".into()))).unwrap();
    assert_eq!(any.detail(), Some("None of the permissions were satisfied"), "the skip reason is dropped");
    assert_eq!(denial(&!pass()).await.message, "The permission was satisfied, but it should not have been");
}

#[tokio::test]
async fn not_not_is_the_permission_itself() {
    let coded = fail("mine").with_code("own");
    let denial = denial(&!!coded).await;
    assert_eq!((denial.message.as_str(), denial.code.as_deref()), ("mine", Some("own")));
    testing::assert_allowed(&!fail("x"), request(), &()).await;
    testing::assert_skipped(&!skip(), request(), &()).await;
}

use support::Typed;

#[tokio::test]
async fn error_settings_come_from_the_type_the_instance_and_computed_getters() {
    let typed = denial(&Typed("x")).await;
    assert_eq!(
        (typed.message.as_str(), typed.status, typed.code.as_deref()),
        ("needs x", StatusCode::IM_A_TEAPOT, Some("typed"))
    );
    let instance = denial(&Typed("x").with_status(StatusCode::NOT_FOUND)).await;
    assert_eq!((instance.message.as_str(), instance.status), ("needs x", StatusCode::NOT_FOUND));
    let empty_is_unset = denial(&Typed("x").with_message("")).await;
    assert_eq!(empty_is_unset.message, "needs x");
}

#[tokio::test]
async fn a_code_makes_the_detail_an_object() {
    let response =
        require(&Deny.with_code("nope"), &mut request().into_parts().0, &()).await.unwrap_err().into_response();
    let answer = support::body(response).await;
    assert_eq!(answer, json!({"detail": {"code": "nope", "message": "Permission denied"}}));
}

#[tokio::test]
async fn explicit_outcomes_are_kept_as_they_are() {
    let empty = fixed(Verdict::Outcome(Outcome::from(Failure::new())));
    let inside_any = denial(&(empty.clone() | fail("other").with_status(StatusCode::NOT_FOUND))).await;
    assert_eq!((inside_any.message.as_str(), inside_any.status), ("other", StatusCode::FORBIDDEN));
}

#[tokio::test]
async fn wrappers_rewrite_one_kind_of_result() {
    testing::assert_allowed(&AllowSkipped(skip()), request(), &()).await;
    assert_eq!(denial(&AllowSkipped(fail("f"))).await.message, "f");
    assert_eq!(denial(&DenySkipped(skip()).with_message("must decide")).await.message, "must decide");
    assert_eq!(testing::assert_skipped(&Advisory(fail("advice")), request(), &()).await.as_deref(), Some("advice"));
    testing::assert_allowed(&(Advisory(fail("x")) & pass()), request(), &()).await;
}

#[tokio::test]
async fn with_error_rewrites_a_failure_at_any_depth() {
    let nested = pass() & WithError::new(fail("inner").with_code("kept")).with_status(StatusCode::NOT_FOUND);
    let denial = denial(&nested).await;
    assert_eq!(
        (denial.message.as_str(), denial.status, denial.code.as_deref()),
        ("inner", StatusCode::NOT_FOUND, Some("kept"))
    );
    let settings_on_a_nested_leaf_only_count_when_it_denies =
        (pass().with_status(StatusCode::GONE) | fail("f")).with_message("root");
    assert_eq!(denial_of(&settings_on_a_nested_leaf_only_count_when_it_denies).await, None);
}

async fn denial_of<P: Permission<()>>(p: &P) -> Option<String> {
    let outcome = testing::outcome(p, request(), &()).await.unwrap();
    warden::permission::render(p, outcome).map(|r| r.detail().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn when_checks_the_permission_only_if_the_guard_passes() {
    let inner = fail("inner");
    let reason = testing::assert_skipped(&When::new(fail("no guard"), inner.clone()), request(), &()).await;
    assert_eq!(reason.as_deref(), Some("no guard"));
    assert_eq!(inner.checks.load(Ordering::SeqCst), 0);
    assert_eq!(denial(&When::new(pass(), fail("inner"))).await.message, "inner");
}

/// A required input: `X-Need` or a 422.
struct Need(String);

impl<S: Sync> FromRequestParts<S> for Need {
    type Rejection = (StatusCode, &'static str);

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let value = parts.headers.get("x-need").ok_or((StatusCode::UNPROCESSABLE_ENTITY, "x-need missing"))?;
        Ok(Self(value.to_str().unwrap_or_default().to_owned()))
    }
}

impl AsRef<str> for Need {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl ScopeSet for Need {
    fn has_scope(&self, scope: &str) -> bool {
        self.0.split(' ').any(|granted| granted == scope)
    }
}

#[tokio::test]
async fn a_missing_input_sends_its_own_rejection_unless_a_wrapper_catches_it() {
    let needs = HasRole::<Need>::new(["admin"]);
    let unresolved = testing::outcome(&needs, request(), &()).await.unwrap_err();
    assert_eq!(unresolved.into_response().status(), 422);
    testing::assert_skipped(&SkipUnresolved(needs.clone()), request(), &()).await;
    assert_eq!(denial(&FailUnresolved(needs.clone())).await.status, 403);
    testing::assert_allowed(&(pass() | needs), request(), &()).await;
}

#[tokio::test]
async fn has_role_and_has_scope_read_their_inputs() {
    let with = |value: &str| Request::get("/").header("x-need", value).body(()).unwrap();
    testing::assert_allowed(&HasRole::<Need>::new(["admin", "editor"]), with("editor"), &()).await;
    testing::assert_denied(&HasRole::<Need>::new(["admin"]), with("editor"), &()).await;
    testing::assert_allowed(&HasScope::<Need>::new(["read", "write"]), with("write x read"), &()).await;
    testing::assert_denied(&HasScope::<Need>::new(["read", "write"]), with("read"), &()).await;
}

#[tokio::test]
async fn is_authenticated_answers_401_with_the_schemes_challenge() {
    let authenticated = IsAuthenticated::new(HttpBearer::new());
    let denial = denial(&authenticated).await;
    assert_eq!((denial.status, denial.message.as_str()), (StatusCode::UNAUTHORIZED, "Not authenticated"));
    assert_eq!(denial.headers["www-authenticate"], "Bearer");
    let bearer = Request::get("/").header("authorization", "Bearer tok").body(()).unwrap();
    testing::assert_allowed(&authenticated, bearer, &()).await;
    let malformed = Request::get("/").header("authorization", "Bearer \"tok\"").body(()).unwrap();
    let rejection = testing::outcome(&authenticated, malformed, &()).await.unwrap_err();
    assert_eq!(rejection.into_response().status(), 400, "the scheme's own 400 is sent");
}

#[tokio::test]
async fn unresolved_wrappers_catch_missing_inputs_but_send_malformed_ones() {
    let authenticated = IsAuthenticated::new(HttpBearer::new());
    let malformed = || Request::get("/").header("authorization", "Bearer \"x\"").body(()).unwrap();
    let skipped = testing::outcome(&(SkipUnresolved(authenticated.clone()) & Allow), malformed(), &()).await;
    assert_eq!(skipped.unwrap_err().into_response().status(), 400, "D6/D18: a malformed token is never a skip");
    let failed = testing::outcome(&FailUnresolved(authenticated), malformed(), &()).await;
    assert_eq!(failed.unwrap_err().into_response().status(), 400);
}

#[tokio::test]
async fn is_authenticated_answers_as_a_legacy_hooked_scheme_does() {
    let legacy = HttpBearer::builder().on_not_authenticated(warden::AuthRejection::legacy_forbidden).build().unwrap();
    let denial = denial(&IsAuthenticated::new(legacy)).await;
    assert_eq!(denial.status, StatusCode::FORBIDDEN, "no 401 without a challenge");
    assert!(denial.headers.get("www-authenticate").is_none());
}

#[tokio::test]
async fn an_empty_header_setting_counts_as_unset() {
    let authenticated = IsAuthenticated::new(HttpBearer::new());
    let empty = authenticated.with_config(warden::permission::ErrorConfig::default());
    let denial = denial(&empty).await;
    assert_eq!(denial.headers["www-authenticate"], "Bearer");
}

#[tokio::test]
async fn plain_async_functions_are_permissions_with_their_own_settings() {
    async fn has_need(need: Need) -> bool {
        need.0 == "yes"
    }
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = {
        let calls = Arc::clone(&calls);
        from_fn(move || {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Verdict::skip("closure") }
        })
    };
    let permission = pass() | from_fn(has_need).with_message("need yes") | counted.clone();
    testing::assert_allowed(&permission, request(), &()).await;
    assert_eq!(calls.load(Ordering::SeqCst), 0, "unreached branches do not run");
    let no = Request::get("/").header("x-need", "no").body(()).unwrap();
    let denial = testing::assert_denied(&(from_fn(has_need).with_message("need yes") | counted), no, &()).await;
    assert_eq!(denial.message, "need yes");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let unresolved = testing::outcome(&from_fn(has_need), request(), &()).await;
    assert_eq!(unresolved.unwrap_err().into_response().status(), 422, "arguments are extracted like a handler's");
}

#[tokio::test]
async fn the_layer_runs_before_the_body_is_read() {
    let app: Router = Router::new()
        .route("/", post(|Json(body): Json<Value>| async move { Json(body) }))
        .route_layer(RequirePermission::new(Deny));
    let request = Request::post("/")
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{not json"))
        .unwrap();
    let response = tower::ServiceExt::oneshot(app, request).await.unwrap();
    assert_eq!(response.status(), 403, "a 403 is never masked by the body's 422");
}

#[derive(Clone, Copy)]
struct DenyAll;

impl PermissionMeta for DenyAll {}

impl<S: Send + Sync> Permission<S> for DenyAll {
    async fn check(&self, _: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        Ok(Verdict::deny("guarded"))
    }
}

#[tokio::test]
async fn the_guard_extractor_refuses_before_later_arguments() {
    let app: Router = Router::new()
        .route("/", post(|_: Guard<DenyAll>, Json(body): Json<Value>| async move { Json(body) }))
        .with_state(DenyAll);
    let request =
        Request::post("/").header("content-type", "application/json").body(axum::body::Body::from("{")).unwrap();
    let response = tower::ServiceExt::oneshot(app, request).await.unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(support::body(response).await, json!({"detail": "guarded"}));
}

#[tokio::test]
async fn a_policy_picks_the_permission_of_the_action() {
    let policy = Policy::new().read(Allow).create(fail("no create")).update(Deny).delete(Deny);
    let method = |m: &str| Request::builder().method(m).uri("/").body(()).unwrap();
    testing::assert_allowed(&policy, method("GET"), &()).await;
    testing::assert_allowed(&policy, method("HEAD"), &()).await;
    assert_eq!(testing::assert_denied(&policy, method("POST"), &()).await.message, "no create");
    testing::assert_denied(&policy, method("PATCH"), &()).await;
    testing::assert_denied(&policy, method("OPTIONS"), &()).await;
    let with_default = Policy::new().default(Allow);
    testing::assert_allowed(&with_default, method("OPTIONS"), &()).await;
}

#[tokio::test]
async fn handlers_can_check_require_or_evaluate() {
    let (mut parts, ()) = request().into_parts();
    assert!(check(&pass(), &mut parts, &()).await);
    assert!(!check(&skip(), &mut parts, &()).await);
    let outcome = evaluate_root(&fail("why"), &mut parts, &()).await.unwrap();
    assert_eq!((outcome.type_name(), outcome.reason()), ("Failed", Some("why")));
    assert!(require(&pass(), &mut parts, &()).await.is_ok());
    assert!(require(&fail("x"), &mut parts, &()).await.is_err());
}

#[test]
fn undocumented_is_kept_out_of_openapi_only() {
    assert!(!Undocumented(Allow).is_documented());
    assert!(Allow.is_documented());
    assert!((Undocumented(Allow) & Allow).is_documented());
    assert!(!(Undocumented(Allow) & Undocumented(Deny)).is_documented());
}
