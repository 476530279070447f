//! ROUTES.md 4.7: the permission routes.
//!
//! The permission types of the table "Permission types used by the routes"
//! are defined here on warden's permission traits; each route attaches one
//! expression with `RequirePermission` as a route layer.

use std::{borrow::Cow, marker::PhantomData};

use axum::{
    Json,
    extract::{FromRef, FromRequestParts},
    http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header::WWW_AUTHENTICATE, request::Parts},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};
use warden::{
    ConfigError, HttpBearer, OAuth2PasswordBearer,
    openapi::{DocContext, DocumentPermission, DocumentSecurity, Routes, SecurityRequirements, get},
    permission::{
        Allow, Cx, Deny, Failure, HasRole, HasScope, IsAuthenticated, Not, Outcome, Permission, PermissionExt,
        PermissionMeta, Policy, RequirePermission, ScopeSet, Unresolved, Verdict, check, evaluate_root, from_fn,
        require,
        wrappers::{Advisory, AllowSkipped, DenySkipped, FailUnresolved, SkipUnresolved, When, WithError},
    },
};

use crate::token_format::{self, PermOAuth2, Token};

/// What a flag header asks a `Flag` to answer (ROUTES.md 4.7).
fn flag_verdict<S>(cx: &Cx<'_, S>, header: &HeaderName, name: &'static str) -> Verdict {
    let value = cx.parts().headers.get(header).map(HeaderValue::as_bytes);
    match value {
        Some(b"pass") => Verdict::Allow,
        Some(b"skip") => Verdict::skip(format!("skip {name}")),
        Some(b"skip-noreason") => Verdict::Skip(None),
        Some(b"fail-reason") => Verdict::deny(format!("fail {name}")),
        Some(b"failed-obj") => Verdict::Outcome(Outcome::from(
            Failure::new()
                .with_reason(format!("failed object {name}"))
                .with_status(StatusCode::CONFLICT)
                .with_code(format!("conflict_{name}"))
                .with_header(HeaderName::from_static("x-failed"), HeaderValue::from_static(name)),
        )),
        Some(b"failed-empty") => Verdict::Outcome(Outcome::from(Failure::new())),
        _ => Verdict::Deny(None),
    }
}

/// Declares a permission type that answers as its `X-Perm-<n>` header says.
macro_rules! flag_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            name: &'static str,
            header: HeaderName,
        }

        impl $name {
            /// The flag `name`, read from `X-Perm-<name>`.
            pub fn new(name: &'static str) -> Self {
                let header = HeaderName::try_from(format!("x-perm-{name}"))
                    .unwrap_or_else(|_| HeaderName::from_static("x-perm-invalid"));
                Self { name, header }
            }
        }

        impl<S: Send + Sync> Permission<S> for $name {
            async fn check(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
                Ok(flag_verdict(cx, &self.header, self.name))
            }
        }

        /// A flag reads no credentials: only its refusal is documented.
        impl<S> DocumentPermission<S> for $name {
            fn document(&self, _: &S, cx: &mut DocContext) -> SecurityRequirements {
                cx.refusal(self);
                SecurityRequirements::anonymous()
            }
        }

        warden::permission_ops!($name);
    };
}

flag_type!(
    /// `Flag(n)`: the default settings.
    Flag
);

impl PermissionMeta for Flag {
    fn name(&self) -> Cow<'static, str> {
        Cow::Owned(format!("Flag({})", self.name))
    }
}

flag_type!(
    /// `ClassConfigured(n)`: type defaults of its own.
    ClassConfigured
);

impl PermissionMeta for ClassConfigured {
    fn default_message(&self) -> Cow<'static, str> {
        Cow::Borrowed("Custom class message")
    }

    fn default_status(&self) -> StatusCode {
        StatusCode::IM_A_TEAPOT
    }

    fn default_code(&self) -> Option<Cow<'static, str>> {
        Some(Cow::Borrowed("custom_class"))
    }

    fn default_headers(&self) -> Option<HeaderMap> {
        let mut headers = HeaderMap::new();
        headers.insert(HeaderName::from_static("x-custom"), HeaderValue::from_static("class"));
        Some(headers)
    }
}

flag_type!(
    /// `DynamicMessage(n)`: getters computed from its fields.
    DynamicMessage
);

impl PermissionMeta for DynamicMessage {
    fn message(&self) -> Cow<'static, str> {
        Cow::Owned(format!("You need flag '{}'", self.name))
    }

    fn status(&self) -> StatusCode {
        StatusCode::PAYMENT_REQUIRED
    }
}

/// A header a permission requires, named by a marker type.
pub trait NamedHeader: Send + Sync + 'static {
    /// The lower-case header name.
    const NAME: &'static str;
}

/// `X-Required`.
#[derive(Debug)]
pub struct XRequired;

impl NamedHeader for XRequired {
    const NAME: &'static str = "x-required";
}

/// `X-Role`.
#[derive(Debug)]
pub struct XRole;

impl NamedHeader for XRole {
    const NAME: &'static str = "x-role";
}

/// The first value of a required header, ISO-8859-1 text; FastAPI's `422`
/// validation error when it is absent.
#[derive(Debug)]
pub struct Required<H>(pub String, PhantomData<fn() -> H>);

impl<H> AsRef<str> for Required<H> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<S: Sync, H: NamedHeader> FromRequestParts<S> for Required<H> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        match parts.headers.get(H::NAME) {
            Some(value) => Ok(Self(value.as_bytes().iter().map(|&b| char::from(b)).collect(), PhantomData)),
            None => Err((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({"detail": [{
                    "type": "missing", "loc": ["header", H::NAME], "msg": "Field required", "input": null,
                }]})),
            )
                .into_response()),
        }
    }
}

/// A header is not a credential.
impl<S, H> DocumentSecurity<S> for Required<H> {
    fn document(_: &S, _: &mut DocContext) -> SecurityRequirements {
        SecurityRequirements::anonymous()
    }
}

/// `NeedsHeader`: required header `X-Required`, passes iff it is `yes`.
#[derive(Debug, Clone, Copy, Default)]
pub struct NeedsHeader;

impl PermissionMeta for NeedsHeader {}

impl<S: Send + Sync> Permission<S> for NeedsHeader {
    async fn check(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        let Required(value, _) = cx.extract::<Required<XRequired>>().await?;
        Ok((value == "yes").into())
    }
}

impl<S> DocumentPermission<S> for NeedsHeader {
    fn document(&self, _: &S, cx: &mut DocContext) -> SecurityRequirements {
        cx.refusal(self);
        SecurityRequirements::anonymous()
    }
}

warden::permission_ops!(NeedsHeader);

async fn admin_role(headers: HeaderMap) -> bool {
    headers.get("x-role").is_some_and(|role| role == "admin")
}

async fn any_role(headers: HeaderMap) -> bool {
    headers.get("x-role").is_some_and(|role| !role.is_empty())
}

/// The scopes of the `PermOAuth2` token, in the token format of ROUTES.md 4.5.
#[derive(Debug)]
pub struct PermTokenScopes(Vec<String>);

impl ScopeSet for PermTokenScopes {
    fn has_scope(&self, scope: &str) -> bool {
        self.0.iter().any(|granted| granted == scope)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PermTokenScopes
where
    OAuth2PasswordBearer<PermOAuth2>: axum::extract::FromRef<S>,
{
    type Rejection = warden::AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, warden::AuthRejection> {
        let warden::Auth(token) =
            warden::Auth::<OAuth2PasswordBearer<PermOAuth2>>::from_request_parts(parts, state).await?;
        Ok(Self(Token::parse(token.as_str()).map(|token| token.scopes).unwrap_or_default()))
    }
}

/// The token's scheme: what `HasScope` lists its scopes on.
impl<S> DocumentSecurity<S> for PermTokenScopes
where
    OAuth2PasswordBearer<PermOAuth2>: FromRef<S>,
{
    fn document(state: &S, cx: &mut DocContext) -> SecurityRequirements {
        <warden::Auth<OAuth2PasswordBearer<PermOAuth2>>>::document(state, cx)
    }
}

fn a() -> Flag {
    Flag::new("a")
}

fn b() -> Flag {
    Flag::new("b")
}

fn c() -> Flag {
    Flag::new("c")
}

fn ok() -> Json<Value> {
    Json(json!({ "ok": true }))
}

/// A GET route answering `{"ok": true}` behind `permission`.
fn guarded<P: Permission<()> + DocumentPermission<()> + 'static>(path: &str, permission: P) -> Routes {
    Routes::new().route(path, get(|| async { ok() })).protect(RequirePermission::new(permission))
}

async fn evaluate(mut parts: Parts) -> Json<Value> {
    let check_a = check(&a(), &mut parts, &()).await;
    let check_a_or_b = check(&(a() | b()), &mut parts, &()).await;
    let (result_type, reason) = match evaluate_root(&a(), &mut parts, &()).await {
        Ok(outcome) => (outcome.type_name(), outcome.reason().map(str::to_owned)),
        Err(_) => ("Unresolved", None),
    };
    Json(json!({
        "check_a": check_a, "check_a_or_b": check_a_or_b, "result_type": result_type, "reason": reason,
    }))
}

async fn evaluate_require(mut parts: Parts) -> Response {
    match require(&(a() & b()), &mut parts, &()).await {
        Ok(()) => ok().into_response(),
        Err(rejection) => rejection.into_response(),
    }
}

async fn policy_echo(parts: Parts) -> Json<Value> {
    Json(json!({ "ok": true, "method": parts.method.as_str() }))
}

/// Every `/perm/*` route.
///
/// # Errors
///
/// A scheme configuration error (none expected).
pub fn router() -> Result<Routes, ConfigError> {
    let a_custom = || {
        a().with_message("A failed")
            .with_status(StatusCode::UNAUTHORIZED)
            .with_header(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
    };
    let b_custom = || b().with_message("B failed").with_code("b_failed");
    let admin = || from_fn(admin_role).with_message("Admin role required").with_code("not_admin");
    let perm_bearer = HttpBearer::builder().scheme_name("PermBearer").build()?;
    Ok(Routes::new()
        .merge(guarded("/perm/allow", Allow))
        .merge(guarded("/perm/deny", Deny))
        .merge(guarded("/perm/flag", a()))
        .merge(guarded("/perm/and", a() & b()))
        .merge(guarded("/perm/or", a() | b()))
        .merge(guarded("/perm/not", !a()))
        .merge(guarded("/perm/not-not", !!a()))
        .merge(guarded("/perm/and3", a() & b() & c()))
        .merge(guarded("/perm/or3", a() | b() | c()))
        .merge(guarded("/perm/complex", (a() & b()) | !c()))
        .merge(guarded("/perm/custom-class", ClassConfigured::new("a")))
        .merge(guarded(
            "/perm/custom-instance",
            a().with_message("Instance message")
                .with_status(StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS)
                .with_code("instance_code")
                .with_header(HeaderName::from_static("x-custom"), HeaderValue::from_static("instance")),
        ))
        .merge(guarded("/perm/and-custom", a_custom() & b_custom()))
        .merge(guarded("/perm/or-custom", a_custom() | b_custom().with_status(StatusCode::NOT_FOUND)))
        .merge(guarded(
            "/perm/or-override",
            (a() | b()).with_message("Composite message").with_status(StatusCode::CONFLICT),
        ))
        .merge(guarded(
            "/perm/not-custom",
            Not::new(a()).with_message("Must not have a").with_status(StatusCode::CONFLICT),
        ))
        .merge(guarded("/perm/dynamic", DynamicMessage::new("a")))
        .merge(guarded("/perm/allow-skipped", AllowSkipped(a())))
        .merge(guarded("/perm/deny-skipped", DenySkipped(a())))
        .merge(guarded("/perm/advisory-and", Advisory(a()) & b()))
        .merge(guarded(
            "/perm/with-error",
            WithError::new(a() & b()).with_message("Not found").with_status(StatusCode::NOT_FOUND),
        ))
        .merge(guarded("/perm/when", When::new(a(), b())))
        .merge(guarded("/perm/when-allow", AllowSkipped(When::new(a(), b()))))
        .merge(guarded("/perm/func", admin()))
        .merge(guarded("/perm/func-or", admin() | a()))
        .merge(guarded("/perm/func-plain", from_fn(any_role)))
        .merge(guarded("/perm/role", HasRole::<Required<XRole>>::new(["admin", "editor"])))
        .merge(guarded("/perm/authenticated", IsAuthenticated::new(perm_bearer)))
        .route(
            "/perm/scope",
            get(|| async { ok() }).protect(
                RequirePermission::new(HasScope::<PermTokenScopes>::new(["read", "write"]))
                    .with_state(token_format::perm_oauth2()?),
            ),
        )
        .merge(guarded("/perm/lazy-or", a() | NeedsHeader))
        .merge(guarded("/perm/lazy-and", a() & NeedsHeader))
        .merge(guarded("/perm/skip-unresolved", SkipUnresolved(NeedsHeader) & a()))
        .merge(guarded("/perm/fail-unresolved", FailUnresolved(NeedsHeader)))
        .route("/perm/evaluate", get(evaluate))
        .route("/perm/evaluate-require", get(evaluate_require))
        .route(
            "/perm/policy",
            get(policy_echo)
                .post(policy_echo)
                .put(policy_echo)
                .patch(policy_echo)
                .delete(policy_echo)
                .protect(RequirePermission::new(Policy::new().read(Allow).create(a()).update(b()).delete(Deny))),
        ))
}
