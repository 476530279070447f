//! ROUTES.md 4.5: OAuth2 scopes checked by application code, the way
//! FastAPI's scopes tutorial checks them.
//!
//! [`ScopedUser`] is the tutorial's `get_current_user` as a warden
//! [`Verifier`]: it answers `401` with the route's own challenge
//! (`Bearer scope="…"`) for an invalid token, an unknown user or a missing
//! scope (POLICY D20: application errors are passed through). Each route
//! declares its scopes as the [`ScopeList`] of
//! its [`Security`] extractor, or on the route with [`DeclareScopes`].

use axum::{
    Json,
    extract::{FromRef, FromRequestParts},
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};
use warden::{
    Auth, AuthErrorKind, AuthRejection, BearerToken, ConfigError, OAuth2PasswordBearer, Security,
    openapi::{DocContext, DocumentSecurity, Routes, SecurityRequirements, get},
    scopes::{DeclareScopes, ScopeList, SecurityScopes},
    security::Verifier,
};

use crate::token_format::{Token, user};

warden::scopes! {
    /// `/oauth2-scopes/me`.
    Me = ["me"];
    /// `/oauth2-scopes/items`.
    ItemsMe = ["items", "me"];
    /// `/oauth2-scopes/admin`.
    AdminMe = ["admin", "me"];
    /// `/oauth2-scopes/dup`.
    MeItems = ["me", "items"];
    /// What `/scopes-echo`'s "mid" dependency requests.
    Mid = ["a", "c"];
    /// What "mid" requests of "leaf".
    Leaf = ["b", "a"];
}

/// Marks the `OAuth2Scoped` configuration.
#[derive(Debug)]
pub struct Scoped;

/// Marks the `ScopesEcho` configuration.
#[derive(Debug)]
pub struct Echo;

/// The user a token names, with the scopes it grants.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    username: String,
    token_scopes: Vec<String>,
    disabled: bool,
}

/// The tutorial's `get_current_user`: see the [module documentation](self).
#[derive(Debug, Clone, Copy)]
pub struct ScopedUser {
    scheme: OAuth2PasswordBearer<Scoped>,
}

impl ScopedUser {
    /// `OAuth2Scoped`: a password bearer with token URL `token` and the
    /// scopes `me`, `items` and `admin`.
    ///
    /// # Errors
    ///
    /// A scheme configuration error (none expected).
    pub fn new() -> Result<Self, ConfigError> {
        let scheme = OAuth2PasswordBearer::builder("token")
            .scope("me", "Read information about the current user.")
            .scope("items", "Read items.")
            .scope("admin", "Admin.")
            .scheme_name("OAuth2Scoped")
            .build()?
            .with_marker();
        Ok(Self { scheme })
    }
}

/// `401` with the route's challenge and `detail`.
fn unauthorized(scopes: &SecurityScopes, detail: &'static str) -> AuthRejection {
    AuthRejection::new(AuthErrorKind::InvalidToken).with_challenge(scopes.challenge()).with_detail(detail)
}

impl Verifier for ScopedUser {
    type Scheme = OAuth2PasswordBearer<Scoped>;
    type Output = CurrentUser;

    fn scheme(&self) -> &Self::Scheme {
        &self.scheme
    }

    async fn verify(&self, token: &BearerToken, scopes: &SecurityScopes) -> Result<CurrentUser, AuthRejection> {
        let invalid = || unauthorized(scopes, "Could not validate credentials");
        let token = Token::parse(token.as_str()).ok_or_else(invalid)?;
        let user = user(&token.username).ok_or_else(invalid)?;
        if scopes.missing(&token.scopes).is_some() {
            return Err(unauthorized(scopes, "Not enough permissions"));
        }
        Ok(CurrentUser { username: token.username, token_scopes: token.scopes, disabled: user.disabled })
    }
}

/// `{"username", "token_scopes", "required_scopes"}`, after the active check
/// when `active` is set.
fn user_object<L: warden::scopes::ScopeList>(user: &Security<ScopedUser, L>, active: bool) -> Response {
    if active && user.disabled {
        return (StatusCode::BAD_REQUEST, Json(json!({ "detail": "Inactive user" }))).into_response();
    }
    let required: Vec<&str> = user.scopes().scopes().collect();
    Json(json!({ "username": user.username, "token_scopes": user.token_scopes, "required_scopes": required }))
        .into_response()
}

async fn status(user: Security<ScopedUser>) -> Response {
    user_object(&user, false)
}

async fn me(user: Security<ScopedUser, Me>) -> Response {
    user_object(&user, true)
}

async fn items(user: Security<ScopedUser, ItemsMe>) -> Response {
    user_object(&user, true)
}

async fn admin(user: Security<ScopedUser, AdminMe>) -> Response {
    user_object(&user, false)
}

async fn dup(user: Security<ScopedUser, MeItems>) -> Response {
    user_object(&user, true)
}

async fn route_deps(_: Security<ScopedUser>) -> Json<Value> {
    Json(json!({ "ok": true }))
}

/// The scopes of one link of `/scopes-echo`'s dependency chain.
fn link(scopes: &SecurityScopes) -> serde_json::Map<String, Value> {
    let mut object = serde_json::Map::new();
    object.insert("scopes".to_owned(), json!(scopes.scopes().collect::<Vec<_>>()));
    object.insert("scope_str".to_owned(), json!(scopes.scope_str()));
    object
}

/// The optional `ScopesEcho` token that "leaf" reads, at the end of the
/// chain endpoint → mid (`Mid`) → leaf (`Leaf`).
#[derive(Debug)]
pub struct LeafToken(Option<BearerToken>);

impl<S: Send + Sync> FromRequestParts<S> for LeafToken
where
    OAuth2PasswordBearer<Echo>: FromRef<S>,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AuthRejection> {
        let token = <Option<Auth<OAuth2PasswordBearer<Echo>>>>::from_request_parts(parts, state).await?;
        Ok(Self(token.map(|Auth(token)| token)))
    }
}

/// The token's scheme with the scopes the chain requests of it: mid's, then
/// leaf's (FastAPI's `Security(leaf, scopes=…)` inside `Security(mid, …)`).
impl<S> DocumentSecurity<S> for LeafToken
where
    OAuth2PasswordBearer<Echo>: FromRef<S>,
{
    fn document(state: &S, cx: &mut DocContext) -> SecurityRequirements {
        <Option<Auth<OAuth2PasswordBearer<Echo>>>>::document(state, cx)
            .with_scopes(Leaf::SCOPES)
            .with_scopes(Mid::SCOPES)
    }
}

async fn scopes_echo(endpoint: SecurityScopes, LeafToken(token): LeafToken) -> Json<Value> {
    let token = token.as_ref().map(BearerToken::as_str);
    let mid = endpoint.then::<Mid>();
    let leaf = mid.then::<Leaf>();
    let mut leaf_object = link(&leaf);
    leaf_object.insert("token".to_owned(), json!(token));
    let mut mid_object = link(&mid);
    mid_object.insert("leaf".to_owned(), Value::Object(leaf_object));
    let mut plain_leaf = link(&endpoint);
    plain_leaf.insert("token".to_owned(), json!(token));
    Json(json!({
        "endpoint": endpoint.scopes().collect::<Vec<_>>(),
        "mid": mid_object,
        "plain_leaf": plain_leaf,
    }))
}

/// `/oauth2-scopes/*` and `/scopes-echo`.
///
/// # Errors
///
/// A scheme configuration error (none expected).
pub fn router() -> Result<Routes, ConfigError> {
    let scoped = ScopedUser::new()?;
    let echo = OAuth2PasswordBearer::builder("token")
        .scope("a", "A")
        .scope("b", "B")
        .scope("c", "C")
        .scheme_name("ScopesEcho")
        .build()?
        .with_marker::<Echo>();
    Ok(Routes::new()
        .route("/oauth2-scopes/status", get(status))
        .route("/oauth2-scopes/me", get(me))
        .route("/oauth2-scopes/items", get(items))
        .route("/oauth2-scopes/admin", get(admin))
        .route("/oauth2-scopes/dup", get(dup))
        .route("/oauth2-scopes/route-deps", get(route_deps).protect(DeclareScopes::new(["items"])?))
        .with_state(scoped)
        .route("/scopes-echo", get(scopes_echo).with_state(echo)))
}
