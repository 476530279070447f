//! The JWT side of FastAPI's tutorials 004 and 005 (`security_tutorial004`,
//! `security_tutorial005`): the tutorials' `SECRET_KEY`, `ALGORITHM` and
//! `ACCESS_TOKEN_EXPIRE_MINUTES`, `create_access_token`, a verifier that
//! checks tokens as PyJWT's `jwt.decode` does, and `authenticate_user`.
//!
//! The demo service (`crates/warden-demo`) takes its clock from here too.

use std::{
    error::Error,
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::{Serialize, de::DeserializeOwned};
use warden::{
    AuthErrorKind, AuthRejection, Challenge, Secret,
    jwt::{Algorithm, DecodingKey, EncodingKey, Header, JwtError, JwtVerifier, KeyError, encode},
    password::verify_password_or_dummy,
};

use crate::users::{User, Users};

/// The tutorials' `SECRET_KEY` (made with `openssl rand -hex 32`; never use
/// this one): the 64 characters are the HMAC key.
pub const SECRET_KEY: &str = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7";

/// The tutorials' `ALGORITHM`.
pub const ALGORITHM: Algorithm = Algorithm::Hs256;

/// The tutorials' `ACCESS_TOKEN_EXPIRE_MINUTES`.
pub const ACCESS_TOKEN_EXPIRE_MINUTES: u64 = 30;

/// Why an app could not be built.
pub type AppError = Box<dyn Error + Send + Sync>;

/// Seconds since the Unix epoch (0 for a clock before it).
pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs())
}

/// The key `/token` signs with: [`SECRET_KEY`].
pub fn encoding_key() -> Result<EncodingKey, KeyError> {
    EncodingKey::from_secret(SECRET_KEY.as_bytes())
}

/// A verifier of [`SECRET_KEY`]'s tokens as PyJWT's
/// `jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])`, but for `exp`:
/// `exp` is required (warden's default; PyJWT leaves it optional, and a
/// token without it would never expire), `nbf` is checked when present,
/// an `iat` in the future is refused (warden's default, as PyJWT does),
/// and a token with an `aud` is refused, as no audience is set.
pub fn pyjwt_verifier<C>() -> Result<JwtVerifier<C>, AppError>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    Ok(JwtVerifier::builder(DecodingKey::from_secret(SECRET_KEY.as_bytes())?, [ALGORITHM]).build()?)
}

/// The tutorials' `create_access_token`: `data` with `exp` added,
/// `expires_delta` (15 minutes if `None`) from now, signed with `key`.
pub fn create_access_token<T: Serialize>(
    key: &EncodingKey,
    data: &T,
    expires_delta: Option<Duration>,
) -> Result<String, JwtError> {
    /// `data`'s claims, then `exp`, the order PyJWT writes them in.
    #[derive(Serialize)]
    struct WithExpiry<'a, T> {
        #[serde(flatten)]
        data: &'a T,
        exp: u64,
    }
    let exp = unix_now() + expires_delta.unwrap_or(Duration::from_secs(15 * 60)).as_secs();
    encode(&Header::new(ALGORITHM), &WithExpiry { data, exp }, key)
}

/// The tutorials' `authenticate_user`, on a blocking thread: the user when
/// `password` matches, and the dummy-hash work when there is no such user.
pub async fn authenticate_user(
    users: Arc<Users>,
    username: String,
    password: Secret,
) -> Result<Option<User>, Response> {
    tokio::task::spawn_blocking(move || {
        let user = users.get(&username);
        let valid = verify_password_or_dummy(password.expose(), user.map(|user| user.hashed_password.as_str()));
        user.filter(|_| valid).map(|user| user.user.clone())
    })
    .await
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// The tutorials' `credentials_exception`: `401 Could not validate
/// credentials` with `challenge`.
pub fn credentials_exception(challenge: Challenge) -> AuthRejection {
    AuthRejection::new(AuthErrorKind::InvalidToken)
        .with_challenge(challenge)
        .with_detail("Could not validate credentials")
}
