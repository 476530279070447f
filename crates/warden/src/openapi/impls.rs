//! How warden's extractors, permissions and layers, and axum's extractors,
//! document their security.

use axum::{
    body::{Body, Bytes},
    extract::{
        Extension, FromRef, FromRequest, FromRequestParts, Json, MatchedPath, NestedPath, OriginalUri, Path, Query,
        RawForm, RawPathParams, RawQuery, Request, State,
    },
    http::{HeaderMap, Method, Uri, Version, request::Parts},
};

use super::{
    DescribeScheme,
    security::{
        DocContext, DocumentLayer, DocumentPermission, DocumentSecurity, SecurityRequirements, Undocumented,
        UndocumentedBody,
    },
};
use crate::{
    Auth, AuthRejection, OAuth2PasswordRequestForm, OAuth2PasswordRequestFormStrict, RequireAuth, Scheme, Security,
    permission::{
        Allow, Deny, FnPermission, Guard, HasRole, HasScope, IsAuthenticated, PermissionMeta, Policy,
        RequirePermission,
        compose::{All, Any, Not},
        wrappers::{Advisory, AllowSkipped, Configured, DenySkipped, FailUnresolved, SkipUnresolved, When, WithError},
    },
    scopes::{DeclareScopes, ScopeList, SecurityScopes},
    security::Verifier,
};

// ---- extractors ----------------------------------------------------------

impl<S, Sc> DocumentSecurity<S> for Auth<Sc>
where
    Sc: Scheme + DescribeScheme + FromRef<S>,
{
    fn document(state: &S, cx: &mut DocContext) -> SecurityRequirements {
        cx.scheme(&Sc::from_ref(state))
    }
}

impl<S, V, L> DocumentSecurity<S> for Security<V, L>
where
    V: Verifier + FromRef<S>,
    V::Scheme: DescribeScheme,
    L: ScopeList,
{
    fn document(state: &S, cx: &mut DocContext) -> SecurityRequirements {
        let verifier = V::from_ref(state);
        let requirements = cx.scheme(verifier.scheme());
        if verifier.answers_rfc6750() {
            cx.rejection(&AuthRejection::invalid_token("the token is invalid, expired or not yet valid"));
            cx.insufficient_scope(verifier.scheme().openapi_name());
        }
        requirements.with_scopes(L::SCOPES)
    }
}

impl<S, P> DocumentSecurity<S> for Guard<P>
where
    P: DocumentPermission<S> + FromRef<S>,
{
    fn document(state: &S, cx: &mut DocContext) -> SecurityRequirements {
        P::from_ref(state).document(state, cx)
    }
}

/// Absent credentials let the request in: the alternative `{}` (D14).
impl<S, T: DocumentSecurity<S>> DocumentSecurity<S> for Option<T> {
    fn document(state: &S, cx: &mut DocContext) -> SecurityRequirements {
        T::document(state, cx).optional()
    }
}

/// The handler gets the rejection and decides: the credentials are optional.
impl<S, T: DocumentSecurity<S>, E> DocumentSecurity<S> for Result<T, E> {
    fn document(state: &S, cx: &mut DocContext) -> SecurityRequirements {
        T::document(state, cx).optional()
    }
}

impl<S, E> DocumentSecurity<S> for Undocumented<E> {
    fn document(_: &S, _: &mut DocContext) -> SecurityRequirements {
        SecurityRequirements::anonymous()
    }
}

impl<S: Send + Sync, E: FromRequestParts<S>> FromRequestParts<S> for Undocumented<E> {
    type Rejection = E::Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        E::from_request_parts(parts, state).await.map(Self)
    }
}

/// Extractors that read no credentials document nothing.
macro_rules! no_security {
    ($($ty:ty $(, $param:ident)*;)+) => {$(
        impl<S, $($param,)*> DocumentSecurity<S> for $ty {
            fn document(_: &S, _: &mut DocContext) -> SecurityRequirements {
                SecurityRequirements::anonymous()
            }
        }
    )+};
}

/// The token form: no credentials, and its request body, as FastAPI
/// documents `OAuth2PasswordRequestForm` (`grant_type` required in the
/// strict form).
fn token_form(cx: &mut DocContext, strict: bool) -> SecurityRequirements {
    let mut required = vec!["username", "password"];
    if strict {
        required.insert(0, "grant_type");
    }
    cx.request_body(
        "application/x-www-form-urlencoded",
        serde_json::json!({
            "type": "object",
            "properties": {
                "grant_type": { "type": "string", "pattern": "^password$", "title": "Grant Type" },
                "username": { "type": "string", "title": "Username" },
                "password": { "type": "string", "format": "password", "title": "Password" },
                "scope": { "type": "string", "title": "Scope", "default": "" },
                "client_id": { "type": "string", "title": "Client Id" },
                "client_secret": { "type": "string", "format": "password", "title": "Client Secret" },
            },
            "required": required,
        }),
    );
    SecurityRequirements::anonymous()
}

impl<S> DocumentSecurity<S> for OAuth2PasswordRequestForm {
    fn document(_: &S, cx: &mut DocContext) -> SecurityRequirements {
        token_form(cx, false)
    }
}

impl<S> DocumentSecurity<S> for OAuth2PasswordRequestFormStrict {
    fn document(_: &S, cx: &mut DocContext) -> SecurityRequirements {
        token_form(cx, true)
    }
}

no_security! {
    SecurityScopes;
    State<T>, T;
    Extension<T>, T;
    Path<T>, T;
    Query<T>, T;
    Json<T>, T;
    axum::Form<T>, T;
    HeaderMap;
    Method;
    Uri;
    Version;
    Parts;
    Request;
    Body;
    Bytes;
    String;
    OriginalUri;
    MatchedPath;
    NestedPath;
    RawQuery;
    RawForm;
    RawPathParams;
}

impl<S, E> DocumentSecurity<S> for UndocumentedBody<E> {
    fn document(_: &S, _: &mut DocContext) -> SecurityRequirements {
        SecurityRequirements::anonymous()
    }
}

impl<S: Send + Sync, E: FromRequest<S>> FromRequest<S> for UndocumentedBody<E> {
    type Rejection = E::Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        E::from_request(request, state).await.map(Self)
    }
}

// ---- permissions ---------------------------------------------------------

impl<S> DocumentPermission<S> for Allow {
    fn document(&self, _: &S, _: &mut DocContext) -> SecurityRequirements {
        SecurityRequirements::anonymous()
    }
}

impl<S> DocumentPermission<S> for Deny {
    fn document(&self, _: &S, cx: &mut DocContext) -> SecurityRequirements {
        cx.refusal(self);
        SecurityRequirements::anonymous()
    }
}

impl<S, Sc: Scheme + DescribeScheme> DocumentPermission<S> for IsAuthenticated<Sc> {
    fn document(&self, _: &S, cx: &mut DocContext) -> SecurityRequirements {
        cx.scheme(self.scheme())
    }
}

impl<S, R: DocumentSecurity<S>> DocumentPermission<S> for HasRole<R> {
    fn document(&self, state: &S, cx: &mut DocContext) -> SecurityRequirements {
        cx.refusal(self);
        R::document(state, cx)
    }
}

/// The scopes are required of every scheme `R` reads, as FastAPI's
/// `Security(dependency, scopes=[…])` lists them.
impl<S, R: DocumentSecurity<S>> DocumentPermission<S> for HasScope<R> {
    fn document(&self, state: &S, cx: &mut DocContext) -> SecurityRequirements {
        cx.refusal(self);
        R::document(state, cx).with_scopes(self.scopes())
    }
}

impl<S, A: DocumentPermission<S>, B: DocumentPermission<S>> DocumentPermission<S> for All<A, B> {
    fn document(&self, state: &S, cx: &mut DocContext) -> SecurityRequirements {
        let (first, second) = self.parts();
        first.document(state, cx).and(second.document(state, cx))
    }
}

impl<S, A: DocumentPermission<S>, B: DocumentPermission<S>> DocumentPermission<S> for Any<A, B> {
    fn document(&self, state: &S, cx: &mut DocContext) -> SecurityRequirements {
        let (first, second) = self.parts();
        first.document(state, cx).or(second.document(state, cx))
    }
}

/// A negation reads the same inputs.
impl<S, A: DocumentPermission<S> + PermissionMeta> DocumentPermission<S> for Not<A> {
    fn document(&self, state: &S, cx: &mut DocContext) -> SecurityRequirements {
        cx.refusal(self);
        self.inner().document(state, cx)
    }
}

/// Settings change the refusal, not the inputs.
macro_rules! configured {
    ($($wrapper:ident),+) => {$(
        impl<S, P: DocumentPermission<S> + PermissionMeta> DocumentPermission<S> for $wrapper<P> {
            fn document(&self, state: &S, cx: &mut DocContext) -> SecurityRequirements {
                cx.refusal(self);
                self.inner().document(state, cx)
            }
        }
    )+};
}

configured!(Configured, WithError);

/// Result wrappers read the inputs of the permission they wrap.
macro_rules! same_inputs {
    ($($wrapper:ident),+) => {$(
        impl<S, P: DocumentPermission<S>> DocumentPermission<S> for $wrapper<P> {
            fn document(&self, state: &S, cx: &mut DocContext) -> SecurityRequirements {
                self.0.document(state, cx)
            }
        }
    )+};
}

same_inputs!(AllowSkipped, DenySkipped, Advisory, FailUnresolved);

/// A missing input skips the permission: the inputs become optional.
impl<S, P: DocumentPermission<S>> DocumentPermission<S> for SkipUnresolved<P> {
    fn document(&self, state: &S, cx: &mut DocContext) -> SecurityRequirements {
        self.0.document(state, cx).optional()
    }
}

/// The guard's inputs are read on every request; the permission's only
/// when the guard applies, so they are optional.
impl<S, G: DocumentPermission<S>, P: DocumentPermission<S>> DocumentPermission<S> for When<G, P> {
    fn document(&self, state: &S, cx: &mut DocContext) -> SecurityRequirements {
        let (guard, inner) = self.parts();
        guard.document(state, cx).and(inner.document(state, cx).optional())
    }
}

impl<S, P> DocumentPermission<S> for crate::permission::wrappers::Undocumented<P> {
    fn document(&self, _: &S, _: &mut DocContext) -> SecurityRequirements {
        SecurityRequirements::anonymous()
    }
}

/// A policy holds its permissions type-erased: it documents its refusal,
/// not their inputs. Document an operation's credentials with its
/// extractors, or give each method its own permission.
impl<S: Send + Sync + 'static> DocumentPermission<S> for Policy<S> {
    fn document(&self, _: &S, cx: &mut DocContext) -> SecurityRequirements {
        cx.refusal(self);
        SecurityRequirements::anonymous()
    }
}

macro_rules! fn_permission {
    ($($input:ident),*) => {
        impl<S, F: Send + Sync, $($input: DocumentSecurity<S>,)*> DocumentPermission<S> for FnPermission<F, ($($input,)*)> {
            #[allow(unused_variables)]
            fn document(&self, state: &S, cx: &mut DocContext) -> SecurityRequirements {
                cx.refusal(self);
                SecurityRequirements::anonymous()$(.and($input::document(state, cx)))*
            }
        }
    };
}

fn_permission!();
fn_permission!(T1);
fn_permission!(T1, T2);
fn_permission!(T1, T2, T3);
fn_permission!(T1, T2, T3, T4);
fn_permission!(T1, T2, T3, T4, T5);
fn_permission!(T1, T2, T3, T4, T5, T6);

impl<S, P: DocumentPermission<S> + ?Sized> DocumentPermission<S> for &P {
    fn document(&self, state: &S, cx: &mut DocContext) -> SecurityRequirements {
        (**self).document(state, cx)
    }
}

impl<S, P: DocumentPermission<S> + ?Sized> DocumentPermission<S> for std::sync::Arc<P> {
    fn document(&self, state: &S, cx: &mut DocContext) -> SecurityRequirements {
        (**self).document(state, cx)
    }
}

// ---- layers --------------------------------------------------------------

/// The layer's scheme is required before anything the operation reads.
impl<Sc: Scheme + DescribeScheme> DocumentLayer for RequireAuth<Sc> {
    fn document(&self, cx: &mut DocContext, inner: SecurityRequirements) -> SecurityRequirements {
        cx.scheme(self.scheme()).and(inner)
    }
}

/// The scopes come before those of every scheme inside.
impl DocumentLayer for DeclareScopes {
    fn document(&self, _: &mut DocContext, inner: SecurityRequirements) -> SecurityRequirements {
        inner.with_scopes(self.scopes().scopes())
    }
}

/// The permission's inputs, read with the layer's own state, and the
/// operation's.
impl<P: DocumentPermission<S>, S> DocumentLayer for RequirePermission<P, S> {
    fn document(&self, cx: &mut DocContext, inner: SecurityRequirements) -> SecurityRequirements {
        self.permission().document(self.state(), cx).and(inner)
    }
}
