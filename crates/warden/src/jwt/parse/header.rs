//! The JOSE header of a token being verified, read by the strict JSON
//! reader ([`json`](super::json)): the header rules live here.

use super::json::{self, Value};
use crate::jwt::{Algorithm, Header, JwtError, JwtErrorKind};

/// Reads a JOSE header: `alg` (required, a known algorithm), `kid`, `typ`,
/// `cty` (strings when present), no `crit` (RFC 7515 §4.1.11: warden
/// understands no extension) and no `b64` (RFC 7797: unencoded payloads are
/// not supported, and without `crit` the parameter breaks §6). A member
/// name twice is malformed (the JSON reader refuses it at any depth).
pub(crate) fn parse_header(bytes: &[u8]) -> Result<Header<'_>, JwtError> {
    let malformed = || JwtError::new(JwtErrorKind::Malformed);
    let text = std::str::from_utf8(bytes).map_err(|_| malformed())?;
    let mut alg = None;
    let mut kid = None;
    let mut typ = None;
    let mut cty = None;
    let mut crit = false;
    let mut b64 = false;
    let mut refused = None;
    fn string(value: Value<'_>) -> Result<json::RawStr<'_>, json::Invalid> {
        match value {
            Value::Str(raw) => Ok(raw),
            _ => Err(json::Invalid),
        }
    }
    json::for_each_member(bytes, |name, value| {
        let decoded;
        let name = if name.escaped() {
            decoded = name.decode()?;
            decoded.as_bytes()
        } else {
            name.raw()
        };
        match name {
            b"alg" => alg = Some(string(value)?),
            b"kid" => kid = Some(string(value)?.decode_in(text)?),
            b"typ" => typ = Some(string(value)?.decode_in(text)?),
            b"cty" => cty = Some(string(value)?.decode_in(text)?),
            b"crit" => crit = true,
            b"b64" => b64 = true,
            _ => {}
        }
        Ok(())
    })
    .map_err(|_| malformed())?;
    if crit {
        refused = Some(JwtErrorKind::UnsupportedCritical);
    } else if b64 {
        refused = Some(JwtErrorKind::Malformed);
    }
    let alg = alg.ok_or_else(malformed)?;
    let alg = if alg.escaped() {
        alg.decode().ok().and_then(|name| Algorithm::from_name(name.as_bytes()))
    } else {
        Algorithm::from_name(alg.raw())
    };
    let alg = alg.ok_or_else(|| JwtError::new(JwtErrorKind::DisallowedAlgorithm))?;
    if let Some(kind) = refused {
        return Err(JwtError::new(kind));
    }
    Ok(Header { alg, kid, typ, cty })
}
