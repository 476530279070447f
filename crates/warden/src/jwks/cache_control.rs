//! How long a fetched key set stays fresh: `Cache-Control` (RFC 9111 §5.2)
//! and `Age` (§5.1), clamped to the source's bounds.

use std::time::Duration;

use http::{HeaderMap, header};

/// What the response said about its freshness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Freshness {
    /// `max-age` minus `Age`, in seconds.
    MaxAge(u64),
    /// `no-store`, `no-cache`, or a `max-age` that is not a number: refetch
    /// as soon as allowed.
    Revalidate,
    /// No freshness information: the source's default TTL.
    Unspecified,
}

/// Reads `Cache-Control` (every field line) and `Age`.
///
/// * `no-store` or unqualified `no-cache` win over `max-age`; qualified
///   `no-cache="field"` only restricts the named header fields (§5.2.2.4),
///   which a key set does not use, and is ignored;
/// * the first `max-age` counts (RFC 9111 §4.2.1), in token or quoted form;
///   a value that is not a non-negative integer makes the response stale
///   (§1.2.2, §4.2.1);
/// * `s-maxage` applies to shared caches (§5.2.2.10) and this cache is a
///   private one: ignored, as are `private`, `public`, `must-revalidate`
///   and extensions;
/// * `Age` is subtracted from `max-age` (§4.2.3); an invalid `Age` is
///   ignored.
pub(crate) fn freshness(headers: &HeaderMap) -> Freshness {
    let mut max_age: Option<Option<u64>> = None;
    let mut revalidate = false;
    for value in headers.get_all(header::CACHE_CONTROL) {
        let Ok(value) = value.to_str() else { continue };
        for directive in value.split(',') {
            let (name, argument) = match directive.split_once('=') {
                Some((name, argument)) => (name.trim(), Some(argument.trim())),
                None => (directive.trim(), None),
            };
            if name.eq_ignore_ascii_case("no-store") || (name.eq_ignore_ascii_case("no-cache") && argument.is_none()) {
                revalidate = true;
            } else if name.eq_ignore_ascii_case("max-age") && max_age.is_none() {
                max_age = Some(argument.and_then(delta_seconds));
            }
        }
    }
    if revalidate {
        return Freshness::Revalidate;
    }
    match max_age {
        None => Freshness::Unspecified,
        Some(None) => Freshness::Revalidate,
        Some(Some(max_age)) => {
            let age = headers
                .get(header::AGE)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| delta_seconds(value.trim()))
                .unwrap_or(0);
            Freshness::MaxAge(max_age.saturating_sub(age))
        }
    }
}

/// `delta-seconds` (RFC 9111 §1.2.2), also in quoted form; values past
/// 2^31 are 2^31, as the RFC asks.
fn delta_seconds(value: &str) -> Option<u64> {
    let value = value.strip_prefix('"').and_then(|value| value.strip_suffix('"')).unwrap_or(value);
    if value.is_empty() || !value.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    Some(value.parse::<u64>().map_or(1 << 31, |seconds| seconds.min(1 << 31)))
}

/// The bounds a source puts on freshness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TtlBounds {
    pub(crate) default: Duration,
    pub(crate) min: Duration,
    pub(crate) max: Duration,
}

impl TtlBounds {
    /// How long a response with `freshness` stays fresh.
    pub(crate) fn ttl(&self, freshness: Freshness) -> Duration {
        let ttl = match freshness {
            Freshness::MaxAge(seconds) => Duration::from_secs(seconds),
            Freshness::Revalidate => self.min,
            Freshness::Unspecified => self.default,
        };
        ttl.clamp(self.min, self.max)
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn headers(lines: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in lines {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn cc(value: &'static str) -> Freshness {
        freshness(&headers(&[("cache-control", value)]))
    }

    #[test]
    fn max_age_is_read_in_token_and_quoted_form() {
        assert_eq!(cc("max-age=300"), Freshness::MaxAge(300));
        assert_eq!(cc("public, MAX-AGE = \"60\" , must-revalidate"), Freshness::MaxAge(60));
        assert_eq!(cc("max-age=0"), Freshness::MaxAge(0));
    }

    #[test]
    fn the_first_max_age_counts() {
        assert_eq!(cc("max-age=10, max-age=20"), Freshness::MaxAge(10));
        assert_eq!(
            freshness(&headers(&[("cache-control", "max-age=10"), ("cache-control", "max-age=20")])),
            Freshness::MaxAge(10)
        );
    }

    #[test]
    fn no_store_and_no_cache_mean_refetch_whatever_max_age_says() {
        assert_eq!(cc("no-store"), Freshness::Revalidate);
        assert_eq!(cc("max-age=3600, no-cache"), Freshness::Revalidate);
        assert_eq!(
            cc("no-cache=\"set-cookie\", max-age=3600"),
            Freshness::MaxAge(3600),
            "qualified no-cache names fields only"
        );
        assert_eq!(
            freshness(&headers(&[("cache-control", "max-age=3600"), ("cache-control", "no-store")])),
            Freshness::Revalidate
        );
    }

    #[test]
    fn an_invalid_max_age_is_stale() {
        for value in ["max-age", "max-age=", "max-age=-1", "max-age=1.5", "max-age=ten"] {
            assert_eq!(cc(value), Freshness::Revalidate, "{value}");
        }
    }

    #[test]
    fn huge_max_age_is_capped_at_two_to_the_31() {
        assert_eq!(cc("max-age=99999999999999999999999"), Freshness::MaxAge(1 << 31));
    }

    #[test]
    fn s_maxage_and_other_directives_are_ignored() {
        assert_eq!(cc("s-maxage=600"), Freshness::Unspecified);
        assert_eq!(cc("s-maxage=600, max-age=60"), Freshness::MaxAge(60));
        assert_eq!(cc("private, immutable"), Freshness::Unspecified);
        assert_eq!(freshness(&HeaderMap::new()), Freshness::Unspecified);
    }

    #[test]
    fn age_is_subtracted_from_max_age() {
        assert_eq!(freshness(&headers(&[("cache-control", "max-age=300"), ("age", "100")])), Freshness::MaxAge(200));
        assert_eq!(freshness(&headers(&[("cache-control", "max-age=300"), ("age", "900")])), Freshness::MaxAge(0));
        assert_eq!(freshness(&headers(&[("cache-control", "max-age=300"), ("age", "soon")])), Freshness::MaxAge(300));
    }

    #[test]
    fn ttl_is_clamped_to_the_bounds() {
        let bounds = TtlBounds {
            default: Duration::from_secs(600),
            min: Duration::from_secs(30),
            max: Duration::from_secs(3600),
        };
        assert_eq!(bounds.ttl(Freshness::MaxAge(300)), Duration::from_secs(300));
        assert_eq!(bounds.ttl(Freshness::MaxAge(5)), Duration::from_secs(30));
        assert_eq!(bounds.ttl(Freshness::MaxAge(86_400)), Duration::from_secs(3600));
        assert_eq!(bounds.ttl(Freshness::Revalidate), Duration::from_secs(30));
        assert_eq!(bounds.ttl(Freshness::Unspecified), Duration::from_secs(600));
    }
}
