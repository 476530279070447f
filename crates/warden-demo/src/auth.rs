//! Who a request is: the user of a valid access token (looked up in the
//! database, with the scopes they hold now), an active user, and the
//! password check a login and `/whoami/` share, bounded by one
//! [`PasswordVerifier`].

use std::time::Duration;

use axum::{
    extract::FromRequestParts,
    http::{StatusCode, request::Parts},
};
use warden::{
    AuthErrorKind, AuthRejection, BearerToken, OAuth2PasswordBearer, Secret, Security,
    jwt::JwtBearer,
    jwt::KeySet,
    openapi::{DocContext, DocumentSecurity, SecurityRequirements},
    password::{PasswordBusy, PasswordHasher, PasswordVerifier},
    scopes::SecurityScopes,
    security::Verifier,
};
use warden_tutorials::users::inactive_user;

use crate::{
    AnyError, NAME,
    app::Service,
    database::{Db, User, UserRow},
    signing::Claims,
};

/// What a refused login or Basic check says, whatever the reason.
pub(crate) const INCORRECT_TEXT: &str = "Incorrect username or password";

/// What a login or Basic check refused for want of a place says.
pub(crate) const BUSY_TEXT: &str = "Too many password checks at once; try again shortly";

warden::scopes! {
    /// What the active-user check asks for.
    pub(crate) Me = ["me"];
}

/// The user of a valid token that grants the route's scopes, looked up in
/// the database: warden's [`JwtBearer`] answers `invalid_token` and
/// `insufficient_scope`, then the user must still exist.
#[derive(Debug, Clone)]
pub(crate) struct CurrentUser {
    pub(crate) jwt: TokenCheck,
    pub(crate) db: Db,
}

/// How tokens verify: HS256 with the secret, or only the algorithm of the
/// `--signing-key`, with its public key.
#[derive(Debug, Clone)]
pub(crate) enum TokenCheck {
    /// HS256 and the JWT secret, whatever the `kid`.
    Secret(JwtBearer<Claims>),
    /// The signing key's algorithm and public key, under its `kid` (a token
    /// without one finds the one key).
    KeyPair(JwtBearer<Claims, OAuth2PasswordBearer, KeySet>),
}

impl Verifier for CurrentUser {
    type Scheme = OAuth2PasswordBearer;
    type Output = User;

    fn scheme(&self) -> &OAuth2PasswordBearer {
        match &self.jwt {
            TokenCheck::Secret(jwt) => jwt.scheme(),
            TokenCheck::KeyPair(jwt) => jwt.scheme(),
        }
    }

    fn answers_rfc6750(&self) -> bool {
        match &self.jwt {
            TokenCheck::Secret(jwt) => jwt.answers_rfc6750(),
            TokenCheck::KeyPair(jwt) => jwt.answers_rfc6750(),
        }
    }

    async fn verify(&self, token: &BearerToken, scopes: &SecurityScopes) -> Result<User, AuthRejection> {
        let claims = match &self.jwt {
            TokenCheck::Secret(jwt) => jwt.verify(token, scopes).await?,
            TokenCheck::KeyPair(jwt) => jwt.verify(token, scopes).await?,
        };
        let username = claims.sub.clone();
        match self.db.run(move |connection| Db::user(connection, &username)).await {
            // The token's scopes are checked, and the user must still hold
            // those the route needs: a scope taken away is gone at once.
            Ok(Some(row)) => scopes.authorize(row.scopes.as_str()).map(|()| row.user),
            Ok(None) => Err(AuthRejection::invalid_token("the token's user does not exist")),
            Err(error) => {
                eprintln!("{NAME}: reading a user: {error}");
                Err(internal_error())
            }
        }
    }
}

/// `500 {"detail":"Internal Server Error"}`, for a database that fails.
pub(crate) fn internal_error() -> AuthRejection {
    AuthRejection::new(AuthErrorKind::Forbidden)
        .with_status(StatusCode::INTERNAL_SERVER_ERROR)
        .with_detail("Internal Server Error")
}

/// The current user, with the scope `me` (and the route's), unless disabled.
#[derive(Debug)]
pub(crate) struct ActiveUser(pub(crate) User);

/// What [`ActiveUser`] requires: a token of the scheme with the scope `me`.
impl DocumentSecurity<Service> for ActiveUser {
    fn document(service: &Service, cx: &mut DocContext) -> SecurityRequirements {
        <Security<CurrentUser, Me>>::document(service, cx)
    }
}

impl FromRequestParts<Service> for ActiveUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, service: &Service) -> Result<Self, AuthRejection> {
        let user = Security::<CurrentUser, Me>::from_request_parts(parts, service).await?.into_inner();
        if user.disabled {
            return Err(inactive_user());
        }
        Ok(Self(user))
    }
}

/// The limits of the password checks (see [`PasswordVerifier`]); `None`
/// keeps warden's default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PasswordLimits {
    pub(crate) memory_mib: Option<usize>,
    pub(crate) concurrency: Option<usize>,
    pub(crate) queue_timeout: Option<Duration>,
}

impl PasswordLimits {
    /// The verifier that runs every login's argon2 check within the limits,
    /// pwdlib's parameters for the dummy check.
    pub(crate) fn verifier(self) -> Result<PasswordVerifier, AnyError> {
        let mut builder = PasswordVerifier::builder(PasswordHasher::new());
        if let Some(mib) = self.memory_mib {
            builder = builder.memory_budget(mib.saturating_mul(1 << 20));
        }
        if let Some(checks) = self.concurrency {
            builder = builder.concurrency(checks);
        }
        if let Some(timeout) = self.queue_timeout {
            builder = builder.queue_timeout(timeout);
        }
        Ok(builder.build()?)
    }
}

/// Why [`authenticate`] did not judge the credentials.
#[derive(Debug)]
pub(crate) enum Unjudged {
    /// No place for the password check within the limits: `503`.
    Busy(PasswordBusy),
    /// The database failed: `500`.
    Failed,
}

/// The active user `username` names if `password` is theirs, `None`
/// otherwise (an unknown user, a wrong password, a disabled user): argon2
/// runs in every case, outside the database lock, on a blocking thread, over
/// a dummy hash for an unknown user, so that timing tells neither which
/// names exist nor which are disabled.
pub(crate) async fn authenticate(
    service: &Service,
    username: String,
    password: Secret,
) -> Result<Option<UserRow>, Unjudged> {
    let found = service.db.run(move |connection| Db::user(connection, &username)).await.map_err(|error| {
        eprintln!("{NAME}: reading a user: {error}");
        Unjudged::Failed
    })?;
    let stored = found.as_ref().map(|row| row.hashed_password.as_str());
    let valid = service.passwords.verify_or_dummy(password.expose(), stored).await.map_err(Unjudged::Busy)?;
    Ok(found.filter(|row| valid && !row.user.disabled))
}
