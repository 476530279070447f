//! The registered claims (RFC 7519 §4.1), read from the top level of the
//! claims without building them, and the checks of a [`Validation`].

use super::{
    AlgorithmSet, JwtError, JwtErrorKind,
    parse::json::{self, Invalid, RawStr, Reader, Rounding, Value},
};

/// The registered claims of a token, borrowed from its decoded claims.
///
/// The `NumericDate`s are whole seconds, rounded the way that never makes
/// a token valid for longer than it says: `exp` down, `nbf` and `iat` up
/// ([`Rounding`]).
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
    /// Refuses an `iat` later than now plus the leeway (as [`NotYetValid`](JwtErrorKind::NotYetValid)).
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

/// A `NumericDate` claim (RFC 7519 §2): a number (not `null`, not a
/// string), within ±2^53, in whole seconds ([`Number::date`](json::Number::date)).
fn date(value: Value<'_>, rounding: Rounding) -> Result<i64, JwtError> {
    match value {
        Value::Num(text) => {
            Reader::new(text).number_parts().and_then(|number| number.date(rounding)).map_err(invalid_claims)
        }
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
            // `null` is no date: refused, even where the claim is optional.
            b"exp" => found.exp = Some(date(value, Rounding::Floor)?),
            b"nbf" => found.nbf = Some(date(value, Rounding::Ceil)?),
            b"iat" => found.iat = Some(date(value, Rounding::Ceil)?),
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
        assert_eq!(check(&validation(), r#"{"exp": "100"}"#, 0), Err(JwtErrorKind::InvalidClaims));
        let optional = Validation { require_exp: false, ..validation() };
        assert_eq!(check(&optional, r#"{}"#, 0), Ok(()));
    }

    #[test]
    fn a_malformed_numeric_date_is_refused_even_where_the_claim_is_optional() {
        let optional = Validation { require_exp: false, ..validation() };
        for v in [validation(), optional] {
            for claim in ["exp", "nbf", "iat"] {
                for bad in ["null", r#""100""#, "true", "[100]", r#"{"t":100}"#, "9007199254740993", "1e300", "-1e16"] {
                    let claims = format!(r#"{{"{claim}": {bad}}}"#);
                    assert_eq!(check(&v, &claims, 0), Err(JwtErrorKind::InvalidClaims), "{claims}");
                }
                for unreadable in ["1e309", "-1e309"] {
                    let claims = format!(r#"{{"{claim}": {unreadable}}}"#);
                    assert!(check(&v, &claims, 0).is_err(), "{claims}");
                }
            }
        }
    }

    #[test]
    fn fractional_dates_never_round_a_token_into_validity() {
        let v = validation();
        // `exp` rounds down: valid before 4102444800, expired from it.
        assert_eq!(check(&v, r#"{"exp": 4102444800.5}"#, 4_102_444_799), Ok(()));
        assert_eq!(check(&v, r#"{"exp": 4102444800.5}"#, 4_102_444_800), Err(JwtErrorKind::Expired));
        assert_eq!(check(&v, r#"{"exp": 4.1024448005e9}"#, 4_102_444_800), Err(JwtErrorKind::Expired));
        // `nbf` rounds up: not yet valid at 100, valid from 101.
        assert_eq!(check(&v, r#"{"exp": 9999, "nbf": 100.1}"#, 100), Err(JwtErrorKind::NotYetValid));
        assert_eq!(check(&v, r#"{"exp": 9999, "nbf": 100.1}"#, 101), Ok(()));
        // `iat` rounds up too.
        let strict = Validation { reject_future_iat: true, ..validation() };
        assert_eq!(check(&strict, r#"{"exp": 9999, "iat": 100.1}"#, 100), Err(JwtErrorKind::NotYetValid));
        assert_eq!(check(&strict, r#"{"exp": 9999, "iat": 100.1}"#, 101), Ok(()));
        let found = v.scan(br#"{"exp": 10.5, "nbf": 5.5, "iat": -2.5}"#).unwrap();
        assert_eq!((found.exp, found.nbf, found.iat), (Some(10), Some(6), Some(-2)));
    }

    #[test]
    fn numeric_dates_up_to_two_to_the_53_are_accepted() {
        let optional = Validation { require_exp: false, ..validation() };
        assert_eq!(check(&optional, r#"{"exp": 9007199254740992}"#, 0), Ok(()));
        assert_eq!(check(&optional, r#"{"nbf": -9007199254740992}"#, 0), Ok(()));
        assert_eq!(check(&optional, r#"{"exp": 9007199254740993}"#, 0), Err(JwtErrorKind::InvalidClaims));
    }

    #[test]
    fn escaped_registered_names_are_still_checked() {
        assert_eq!(check(&validation(), r#"{"\u0065xp": 100}"#, 200), Err(JwtErrorKind::Expired));
    }

    #[test]
    fn duplicate_claims_are_refused_at_any_depth() {
        let optional = Validation { require_exp: false, ..validation() };
        for claims in [
            r#"{"exp": 100, "exp": 9999}"#,
            r#"{"exp": 9999, "\u0065xp": 100}"#,
            r#"{"exp": 9999, "sub": "a", "sub": "b"}"#,
            r#"{"exp": 9999, "ctx": {"role": "user", "role": "admin"}}"#,
            r#"{"exp": 9999, "l": [{"a": 1}, {"b": 1, "b": 1}]}"#,
        ] {
            assert_eq!(check(&validation(), claims, 200), Err(JwtErrorKind::Malformed), "{claims}");
            assert_eq!(check(&optional, claims, 200), Err(JwtErrorKind::Malformed), "{claims}");
        }
    }

    #[test]
    fn iat_in_the_future_is_accepted_unless_asked() {
        assert_eq!(check(&validation(), r#"{"exp": 9999, "iat": 5000}"#, 100), Ok(()));
        assert_eq!(check(&validation(), r#"{"exp": 9999, "iat": "x"}"#, 100), Err(JwtErrorKind::InvalidClaims));
        let strict = Validation { reject_future_iat: true, ..validation() };
        assert_eq!(check(&strict, r#"{"exp": 9999, "iat": 5000}"#, 100), Err(JwtErrorKind::NotYetValid));
        assert_eq!(check(&strict, r#"{"exp": 9999, "iat": 100}"#, 100), Ok(()));
        assert_eq!(check(&strict, r#"{"exp": 9999, "iat": 101}"#, 100), Err(JwtErrorKind::NotYetValid));
        // Within the leeway, it passes.
        let lenient = Validation { leeway: 10, ..strict };
        assert_eq!(check(&lenient, r#"{"exp": 9999, "iat": 110}"#, 100), Ok(()));
        assert_eq!(check(&lenient, r#"{"exp": 9999, "iat": 110.5}"#, 100), Err(JwtErrorKind::NotYetValid));
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
