//! The registered claims (RFC 7519 §4.1), read from the top level of the
//! claims without building them, and the checks of a [`Validation`].

use super::{
    AlgorithmSet, JwtError, JwtErrorKind,
    json::{self, Invalid, RawStr, Value},
};

/// The registered claims of a token, borrowed from its decoded claims.
#[derive(Debug, Default)]
pub(crate) struct Registered<'a> {
    pub(crate) exp: Option<i64>,
    pub(crate) nbf: Option<i64>,
    pub(crate) iat: Option<i64>,
    pub(crate) iss: Option<Value<'a>>,
    pub(crate) aud: Option<Value<'a>>,
    /// One bit per required claim present (and not `null`).
    present: u64,
}

/// What the validation makes of a top-level member, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Claim {
    Exp,
    Nbf,
    Iat,
    Iss,
    Aud,
    /// `sub` or `jti`: a string (or `null`) if present.
    StringOnly,
    /// Any other name: only a required claim, maybe.
    Other,
}

impl Claim {
    /// The claim named `name` (decoded).
    #[inline]
    pub(crate) fn of(name: &[u8]) -> Self {
        match name {
            b"exp" => Self::Exp,
            b"nbf" => Self::Nbf,
            b"iat" => Self::Iat,
            b"iss" => Self::Iss,
            b"aud" => Self::Aud,
            b"sub" | b"jti" => Self::StringOnly,
            _ => Self::Other,
        }
    }
}

/// The checks a verifier makes of every token's claims.
#[derive(Debug, Clone)]
pub(crate) struct Validation {
    pub(crate) algorithms: AlgorithmSet,
    pub(crate) leeway: i64,
    pub(crate) require_exp: bool,
    pub(crate) reject_future_iat: bool,
    pub(crate) audiences: Box<[Box<str>]>,
    pub(crate) any_audience: bool,
    pub(crate) issuers: Box<[Box<str>]>,
    /// At most 64, the bits of [`Registered::present`].
    pub(crate) required: Box<[Box<str>]>,
}

fn invalid_claims(_: Invalid) -> JwtError {
    JwtError::new(JwtErrorKind::InvalidClaims)
}

fn date(value: Value<'_>) -> Result<i64, JwtError> {
    match value {
        Value::Num(number) => json::numeric_date(number).map_err(invalid_claims),
        _ => Err(JwtError::new(JwtErrorKind::InvalidClaims)),
    }
}

impl Validation {
    /// Reads the registered claims of `claims` (a JSON object).
    pub(crate) fn scan<'a>(&self, claims: &'a [u8]) -> Result<Registered<'a>, JwtError> {
        let mut found = Registered::default();
        let mut error = None;
        let scanned = json::for_each_member(claims, |name, value| {
            if let Err(refused) = self.member(&mut found, name, value) {
                error = Some(refused);
                return Err(Invalid);
            }
            Ok(())
        });
        match (scanned, error) {
            (Ok(()), _) => Ok(found),
            (Err(_), Some(error)) => Err(error),
            (Err(_), None) => Err(JwtError::new(JwtErrorKind::Malformed)),
        }
    }

    #[inline]
    fn member<'a>(&self, found: &mut Registered<'a>, name: RawStr<'a>, value: Value<'a>) -> Result<(), JwtError> {
        // The registered names are three letters; an escaped name is
        // decoded so that `"\u0065xp"` is `exp`, as every JSON parser reads it.
        if name.escaped() {
            let decoded = name.decode().map_err(invalid_claims)?;
            self.record(found, decoded.as_bytes(), value)
        } else {
            self.record(found, name.raw(), value)
        }
    }

    /// Notes whether the member `name` (decoded), one of the required
    /// claims maybe, is `null` or not.
    #[inline]
    pub(crate) fn record_required(&self, found: &mut Registered<'_>, name: &[u8], null: bool) {
        for (bit, required) in self.required.iter().enumerate() {
            if required.as_bytes() == name {
                if null {
                    found.present &= !(1 << bit);
                } else {
                    found.present |= 1 << bit;
                }
            }
        }
    }

    /// Records the top-level member `name` (decoded) of value `value`.
    #[inline]
    fn record<'a>(&self, found: &mut Registered<'a>, name: &[u8], value: Value<'a>) -> Result<(), JwtError> {
        match name {
            b"exp" => found.exp = if value == Value::Null { None } else { Some(date(value)?) },
            b"nbf" => found.nbf = if value == Value::Null { None } else { Some(date(value)?) },
            b"iat" => found.iat = if value == Value::Null { None } else { Some(date(value)?) },
            b"iss" => found.iss = Some(value),
            b"aud" => found.aud = Some(value),
            b"sub" | b"jti" if !matches!(value, Value::Str(_) | Value::Null) => {
                return Err(JwtError::new(JwtErrorKind::InvalidClaims));
            }
            _ => {}
        }
        self.record_required(found, name, value == Value::Null);
        Ok(())
    }

    /// Checks the registered claims at `now`: required claims, `exp`, `nbf`,
    /// `iat` (when asked), `aud`, `iss`.
    pub(crate) fn check(&self, found: &Registered<'_>, now: i64) -> Result<(), JwtError> {
        for (bit, required) in self.required.iter().enumerate() {
            if found.present & (1 << bit) == 0 {
                return Err(JwtError::missing_claim(required.to_string()));
            }
        }
        match found.exp {
            // RFC 7519 §4.1.4: the current time MUST be before `exp`.
            Some(exp) if now >= exp.saturating_add(self.leeway) => return Err(JwtError::new(JwtErrorKind::Expired)),
            None if self.require_exp => return Err(JwtError::missing_claim("exp")),
            _ => {}
        }
        // RFC 7519 §4.1.5: the current time MUST be after or equal to `nbf`.
        if found.nbf.is_some_and(|nbf| now.saturating_add(self.leeway) < nbf) {
            return Err(JwtError::new(JwtErrorKind::NotYetValid));
        }
        if self.reject_future_iat && found.iat.is_some_and(|iat| now.saturating_add(self.leeway) < iat) {
            return Err(JwtError::new(JwtErrorKind::NotYetValid));
        }
        self.check_audience(found.aud)?;
        self.check_issuer(found.iss)
    }

    fn check_audience(&self, aud: Option<Value<'_>>) -> Result<(), JwtError> {
        let wrong = || JwtError::new(JwtErrorKind::InvalidAudience);
        if self.any_audience {
            return Ok(());
        }
        let aud = match aud {
            None | Some(Value::Null) if self.audiences.is_empty() => return Ok(()),
            None | Some(Value::Null) => return Err(JwtError::missing_claim("aud")),
            Some(aud) => aud,
        };
        // A token for some audience is refused by a verifier that accepts
        // none (RFC 7519 §4.1.3; PyJWT and jsonwebtoken do the same).
        if self.audiences.is_empty() {
            return Err(wrong());
        }
        let accepted = |candidate: RawStr<'_>| self.audiences.iter().any(|audience| candidate.is(audience));
        match aud {
            Value::Str(single) if accepted(single) => Ok(()),
            Value::Array(list) => {
                let mut matched = false;
                let mut all_strings = true;
                let _ = json::for_each_element(list, |element| {
                    match element {
                        Value::Str(candidate) => matched |= accepted(candidate),
                        _ => all_strings = false,
                    }
                    Ok(())
                });
                if matched && all_strings { Ok(()) } else { Err(wrong()) }
            }
            _ => Err(wrong()),
        }
    }

    fn check_issuer(&self, iss: Option<Value<'_>>) -> Result<(), JwtError> {
        if self.issuers.is_empty() {
            return Ok(());
        }
        match iss {
            None | Some(Value::Null) => Err(JwtError::missing_claim("iss")),
            Some(Value::Str(iss)) if self.issuers.iter().any(|issuer| iss.is(issuer)) => Ok(()),
            Some(_) => Err(JwtError::new(JwtErrorKind::InvalidIssuer)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validation() -> Validation {
        Validation {
            algorithms: AlgorithmSet::default(),
            leeway: 0,
            require_exp: true,
            reject_future_iat: false,
            audiences: Box::new([]),
            any_audience: false,
            issuers: Box::new([]),
            required: Box::new([]),
        }
    }

    fn check(validation: &Validation, claims: &str, now: i64) -> Result<(), JwtErrorKind> {
        let found = validation.scan(claims.as_bytes()).map_err(|error| error.kind())?;
        validation.check(&found, now).map_err(|error| error.kind())
    }

    #[test]
    fn exp_is_exclusive_and_nbf_inclusive() {
        let v = validation();
        assert_eq!(check(&v, r#"{"exp": 100}"#, 99), Ok(()));
        assert_eq!(check(&v, r#"{"exp": 100}"#, 100), Err(JwtErrorKind::Expired));
        assert_eq!(check(&v, r#"{"exp": 100, "nbf": 50}"#, 50), Ok(()));
        assert_eq!(check(&v, r#"{"exp": 100, "nbf": 50}"#, 49), Err(JwtErrorKind::NotYetValid));
    }

    #[test]
    fn leeway_widens_both_ends() {
        let v = Validation { leeway: 10, ..validation() };
        assert_eq!(check(&v, r#"{"exp": 100}"#, 109), Ok(()));
        assert_eq!(check(&v, r#"{"exp": 100}"#, 110), Err(JwtErrorKind::Expired));
        assert_eq!(check(&v, r#"{"exp": 100, "nbf": 50}"#, 40), Ok(()));
        assert_eq!(check(&v, r#"{"exp": 100, "nbf": 50}"#, 39), Err(JwtErrorKind::NotYetValid));
    }

    #[test]
    fn exp_is_required_by_default_and_must_be_a_number() {
        assert_eq!(check(&validation(), r#"{}"#, 0), Err(JwtErrorKind::MissingClaim));
        assert_eq!(check(&validation(), r#"{"exp": null}"#, 0), Err(JwtErrorKind::MissingClaim));
        assert_eq!(check(&validation(), r#"{"exp": "100"}"#, 0), Err(JwtErrorKind::InvalidClaims));
        let optional = Validation { require_exp: false, ..validation() };
        assert_eq!(check(&optional, r#"{}"#, 0), Ok(()));
    }

    #[test]
    fn escaped_registered_names_are_still_checked() {
        assert_eq!(check(&validation(), r#"{"\u0065xp": 100}"#, 200), Err(JwtErrorKind::Expired));
    }

    #[test]
    fn duplicate_claims_last_one_wins() {
        assert_eq!(check(&validation(), r#"{"exp": 9999, "exp": 100}"#, 200), Err(JwtErrorKind::Expired));
    }

    #[test]
    fn iat_in_the_future_is_accepted_unless_asked() {
        assert_eq!(check(&validation(), r#"{"exp": 9999, "iat": 5000}"#, 100), Ok(()));
        assert_eq!(check(&validation(), r#"{"exp": 9999, "iat": "x"}"#, 100), Err(JwtErrorKind::InvalidClaims));
        let strict = Validation { reject_future_iat: true, ..validation() };
        assert_eq!(check(&strict, r#"{"exp": 9999, "iat": 5000}"#, 100), Err(JwtErrorKind::NotYetValid));
        assert_eq!(check(&strict, r#"{"exp": 9999, "iat": 100}"#, 100), Ok(()));
    }

    #[test]
    fn audience_may_be_a_string_or_an_array() {
        let v = Validation { audiences: Box::new(["api".into()]), ..validation() };
        assert_eq!(check(&v, r#"{"exp": 9, "aud": "api"}"#, 0), Ok(()));
        assert_eq!(check(&v, r#"{"exp": 9, "aud": ["web", "api"]}"#, 0), Ok(()));
        assert_eq!(check(&v, r#"{"exp": 9, "aud": ["web"]}"#, 0), Err(JwtErrorKind::InvalidAudience));
        assert_eq!(check(&v, r#"{"exp": 9, "aud": ["api", 1]}"#, 0), Err(JwtErrorKind::InvalidAudience));
        assert_eq!(check(&v, r#"{"exp": 9, "aud": 1}"#, 0), Err(JwtErrorKind::InvalidAudience));
        assert_eq!(check(&v, r#"{"exp": 9}"#, 0), Err(JwtErrorKind::MissingClaim));
    }

    #[test]
    fn a_token_for_an_audience_is_refused_when_none_is_configured() {
        assert_eq!(check(&validation(), r#"{"exp": 9, "aud": "api"}"#, 0), Err(JwtErrorKind::InvalidAudience));
        let any = Validation { any_audience: true, ..validation() };
        assert_eq!(check(&any, r#"{"exp": 9, "aud": "api"}"#, 0), Ok(()));
    }

    #[test]
    fn issuer_must_match_when_configured() {
        let v = Validation { issuers: Box::new(["https://id.example".into()]), ..validation() };
        assert_eq!(check(&v, r#"{"exp": 9, "iss": "https:\/\/id.example"}"#, 0), Ok(()));
        assert_eq!(check(&v, r#"{"exp": 9, "iss": "https://evil.example"}"#, 0), Err(JwtErrorKind::InvalidIssuer));
        assert_eq!(check(&v, r#"{"exp": 9, "iss": 7}"#, 0), Err(JwtErrorKind::InvalidIssuer));
        assert_eq!(check(&v, r#"{"exp": 9}"#, 0), Err(JwtErrorKind::MissingClaim));
    }

    #[test]
    fn required_claims_must_be_present_and_not_null() {
        let v = Validation { required: Box::new(["sub".into(), "scopes".into()]), ..validation() };
        assert_eq!(check(&v, r#"{"exp": 9, "sub": "a", "scopes": []}"#, 0), Ok(()));
        assert_eq!(check(&v, r#"{"exp": 9, "sub": "a"}"#, 0), Err(JwtErrorKind::MissingClaim));
        assert_eq!(check(&v, r#"{"exp": 9, "sub": "a", "scopes": null}"#, 0), Err(JwtErrorKind::MissingClaim));
        assert_eq!(check(&v, r#"{"exp": 9, "sub": 5, "scopes": []}"#, 0), Err(JwtErrorKind::InvalidClaims));
    }
}
