//! Reading a token without verifying it. Nothing read here may be trusted:
//! anyone can write any header. It is for logs, and for choosing among
//! issuers before verifying with the chosen one's [`JwtVerifier`](super::JwtVerifier).

use super::{Header, JwtError, JwtErrorKind, parse::parse_header, pem::decode_b64url};

/// The header of `token`, decoded but NOT verified: for logs and for
/// choosing among issuers, never for trusting anything in it.
///
/// ```
/// use warden::jwt::{Algorithm, EncodingKey, Header, dangerous, encode};
///
/// let key = EncodingKey::from_secret(&[7; 32])?;
/// let token = encode(&Header::new(Algorithm::Hs256).with_kid("k1"), &serde_json::json!({"sub": "x"}), &key)?;
/// let header = dangerous::decode_header(&token)?;
/// assert_eq!((header.alg(), header.kid()), (Algorithm::Hs256, Some("k1")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Malformed`](JwtErrorKind::Malformed) and the other header errors of a
/// verification (`alg` unknown or `none`, `crit`, `b64`).
pub fn decode_header(token: &str) -> Result<Header<'static>, JwtError> {
    let malformed = || JwtError::new(JwtErrorKind::Malformed);
    let segment = token.split('.').next().ok_or_else(malformed)?;
    if token.split('.').count() != 3 {
        return Err(malformed());
    }
    let bytes = decode_b64url(segment.as_bytes()).ok_or_else(malformed)?;
    Ok(parse_header(&bytes)?.into_owned())
}
