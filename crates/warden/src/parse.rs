//! Credential parsing that knows nothing of axum.
//!
//! Every function here works on the raw bytes of header values and query
//! strings, never panics, and allocates only what it returns. The rules are
//! those of `ROUTES.md` section 2 and the POLICY differences they cite:
//!
//! * only SP and HTAB are whitespace around credentials (RFC 9110 §5.6.3, D11);
//! * Basic credentials are strict RFC 4648 base64 (D3), UTF-8 (D4), free of
//!   control characters (D5), and split at the first `:` (RFC 7617 §2);
//! * bearer tokens are RFC 6750 §2.1 `b64token`s (D6);
//! * header and cookie bytes 0x80–0xFF are opaque ISO-8859-1 text (D21);
//! * query strings are WHATWG `application/x-www-form-urlencoded` (D22).

use http::{HeaderMap, HeaderName, HeaderValue};

/// Outcome of looking a header up when at most one line may be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Single<'a> {
    /// No line with that name.
    Absent,
    /// Exactly one line.
    One(&'a HeaderValue),
    /// Two or more lines (RFC 9110 §5.3 forbids combining them for these fields; D10).
    Duplicate,
}

/// Looks `name` up in `headers`, telling one line from none and from several.
#[inline]
pub(crate) fn single_header<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Single<'a> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (None, _) => Single::Absent,
        (Some(value), None) => Single::One(value),
        (Some(_), Some(_)) => Single::Duplicate,
    }
}

/// True for the two whitespace bytes of HTTP (RFC 9110 §5.6.3 `OWS`).
#[inline]
const fn is_ows(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

/// Removes leading and trailing SP/HTAB, and nothing else (D11).
#[inline]
pub(crate) fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = bytes {
        if !is_ows(*first) {
            break;
        }
        bytes = rest;
    }
    while let [rest @ .., last] = bytes {
        if !is_ows(*last) {
            break;
        }
        bytes = rest;
    }
    bytes
}

/// An `Authorization` value split into its scheme and its credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SchemeAndCredentials<'a> {
    /// The text before the first SP, as sent (case preserved).
    pub(crate) scheme: &'a [u8],
    /// Everything after that SP, without leading or trailing SP/HTAB (D15).
    pub(crate) credentials: &'a [u8],
}

/// The credentials of the one `Authorization` line if its scheme is
/// `scheme` (compared ASCII-case-insensitively, D9): `Ok(None)` when there
/// is no line or another scheme, `Err(())` for several lines (D10). The
/// credentials may be empty; each scheme decides what that means.
#[inline]
pub(crate) fn authorization_for<'a>(
    headers: &'a HeaderMap,
    scheme: &str,
) -> Result<Option<SchemeAndCredentials<'a>>, ()> {
    match single_header(headers, &http::header::AUTHORIZATION) {
        Single::Absent => Ok(None),
        Single::Duplicate => Err(()),
        Single::One(value) => {
            let split = split_authorization(value.as_bytes());
            Ok(split.scheme.eq_ignore_ascii_case(scheme.as_bytes()).then_some(split))
        }
    }
}

/// Splits an `Authorization` value at its first SP (RFC 9110 §11.4).
///
/// A value without SP is all scheme. A TAB right after the scheme is part of
/// the scheme, so `Bearer\tabc` names the scheme `Bearer\tabc`.
#[inline]
pub(crate) fn split_authorization(value: &[u8]) -> SchemeAndCredentials<'_> {
    let value = trim_ows(value);
    match value.iter().position(|&b| b == b' ') {
        None => SchemeAndCredentials { scheme: value, credentials: &[] },
        Some(space) => SchemeAndCredentials { scheme: &value[..space], credentials: trim_ows(&value[space + 1..]) },
    }
}

/// Why Basic credentials were refused. All of them answer like missing
/// credentials (401 with the Basic challenge), but tests and logs tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BasicError {
    /// `Basic` with nothing after it (D17).
    Empty,
    /// Not strict RFC 4648 base64 (D3).
    Base64,
    /// The decoded bytes are not UTF-8 (D4).
    Utf8,
    /// A control character in the decoded text (D5).
    ControlCharacter,
    /// No `:` between user-id and password (RFC 7617 §2).
    NoColon,
}

impl BasicError {
    /// A lowercase description for logs (no credential bytes).
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Empty => "empty basic credentials",
            Self::Base64 => "basic credentials are not strict base64",
            Self::Utf8 => "basic credentials are not utf-8",
            Self::ControlCharacter => "control character in basic credentials",
            Self::NoColon => "no colon in basic credentials",
        }
    }
}

/// Decodes `token68` Basic credentials into `user-id:password` text and the
/// position of the first colon.
///
/// The standard alphabet with canonical padding and zero pad bits is the only
/// accepted form (RFC 4648 §3.3, §3.5; D3).
#[inline]
pub(crate) fn decode_basic(credentials: &[u8]) -> Result<(String, usize), BasicError> {
    if credentials.is_empty() {
        return Err(BasicError::Empty);
    }
    let decoded = decode_base64_strict(credentials).ok_or(BasicError::Base64)?;
    if decoded.iter().any(|&b| b < 0x20 || b == 0x7f) {
        return Err(BasicError::ControlCharacter);
    }
    let text = String::from_utf8(decoded).map_err(|_| BasicError::Utf8)?;
    let colon = text.find(':').ok_or(BasicError::NoColon)?;
    Ok((text, colon))
}

/// The RFC 4648 §4 alphabet: each byte's 6-bit value, or `0xFF`.
const BASE64_VALUES: [u8; 256] = {
    let mut table = [0xFF; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < alphabet.len() {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Strict RFC 4648 base64 (§3.3, §3.5): the standard alphabet only, a length
/// that is a multiple of 4, `=` only as one or two final padding characters,
/// and zero pad bits. `None` for anything else.
///
/// The same language as the `base64` crate's `STANDARD` engine (a property
/// test holds the two to it), written for this one job: Basic credentials
/// are a few dozen bytes, where a general engine's setup dominates.
pub(crate) fn decode_base64_strict(input: &[u8]) -> Option<Vec<u8>> {
    if !input.len().is_multiple_of(4) {
        return None;
    }
    let padding = match input {
        [.., b'=', b'='] => 2,
        [.., b'='] => 1,
        _ => 0,
    };
    let body = &input[..input.len() - padding];
    let value = |byte: u8| u32::from(BASE64_VALUES[usize::from(byte)]);
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut quads = body.chunks_exact(4);
    for quad in &mut quads {
        let (a, b, c, d) = (value(quad[0]), value(quad[1]), value(quad[2]), value(quad[3]));
        if (a | b | c | d) > 63 {
            return None;
        }
        let n = a << 18 | b << 12 | c << 6 | d;
        out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
    match *quads.remainder() {
        [] => {}
        [a, b] => {
            let (a, b) = (value(a), value(b));
            // The last character's low 4 bits are padding and must be zero.
            if (a | b) > 63 || b & 0x0F != 0 {
                return None;
            }
            out.push((a << 2 | b >> 4) as u8);
        }
        [a, b, c] => {
            let (a, b, c) = (value(a), value(b), value(c));
            // The last character's low 2 bits are padding and must be zero.
            if (a | b | c) > 63 || c & 0x03 != 0 {
                return None;
            }
            let n = a << 18 | b << 12 | c << 6;
            out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8]);
        }
        _ => return None,
    }
    Some(out)
}

/// True if `token` is an RFC 6750 §2.1 `b64token`:
/// `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
#[inline]
pub(crate) fn is_b64token(token: &[u8]) -> bool {
    let body_len = token.iter().rposition(|&b| b != b'=').map_or(0, |last| last + 1);
    body_len > 0
        && token[..body_len]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/'))
}

/// Reads header bytes as ISO-8859-1: each byte becomes the character with the
/// same code point (D21).
#[inline]
pub(crate) fn latin1_to_string(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    push_latin1(&mut text, bytes);
    text
}

/// Appends `bytes` read as ISO-8859-1. ASCII, the common case, is copied
/// whole instead of a character at a time.
#[inline]
pub(crate) fn push_latin1(text: &mut String, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(ascii) if ascii.is_ascii() => text.push_str(ascii),
        _ => text.extend(bytes.iter().map(|&b| char::from(b))),
    }
}

/// Finds the value of cookie `name` in every `Cookie` line, the last one
/// winning, per the cookie rules of ROUTES.md section 1 (Starlette's parser
/// with SP/HTAB as the only whitespace). Returns the unquoted value as
/// ISO-8859-1 text, or `None` when no such cookie was sent.
pub(crate) fn find_cookie(headers: &HeaderMap, name: &[u8]) -> Option<String> {
    let mut found: Option<&[u8]> = None;
    for line in headers.get_all(http::header::COOKIE) {
        for chunk in line.as_bytes().split(|&b| b == b';') {
            let (key, value) = match chunk.iter().position(|&b| b == b'=') {
                Some(eq) => (&chunk[..eq], &chunk[eq + 1..]),
                None => (&[][..], chunk),
            };
            let (key, value) = (trim_ows(key), trim_ows(value));
            if key.is_empty() && value.is_empty() {
                continue;
            }
            if key == name {
                found = Some(value);
            }
        }
    }
    found.map(|value| latin1_to_string(&unquote_cookie(value)))
}

/// Python's `http.cookies._unquote`: a value that starts and ends with `"`
/// loses the quotes; inside, `\ooo` (octal, first digit 0–3) is that byte and
/// `\x` is `x`. Other values are returned unchanged.
fn unquote_cookie(value: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let [b'"', inner @ .., b'"'] = value else {
        return value.into();
    };
    if !inner.contains(&b'\\') {
        return inner.into();
    }
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        match inner[i..] {
            [b'\\', a @ b'0'..=b'3', b @ b'0'..=b'7', c @ b'0'..=b'7', ..] => {
                out.push((a - b'0') << 6 | (b - b'0') << 3 | (c - b'0'));
                i += 4;
            }
            [b'\\', escaped, ..] => {
                out.push(escaped);
                i += 2;
            }
            [byte, ..] => {
                out.push(byte);
                i += 1;
            }
            [] => break,
        }
    }
    out.into()
}

/// Outcome of looking a parameter up in a query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum QueryParam {
    /// The name does not occur.
    Absent,
    /// It occurs once, with this decoded value.
    One(String),
    /// It occurs more than once, empty occurrences included (D10).
    Duplicate,
}

/// Looks `name` up in an `application/x-www-form-urlencoded` query string:
/// split at `&`, then at the first `=`, `+` and `%XX` decoded, invalid UTF-8
/// replaced by U+FFFD (D22). Names are compared after decoding.
pub(crate) fn find_query_param(query: &str, name: &str) -> QueryParam {
    let mut result = QueryParam::Absent;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if key == name {
            if result != QueryParam::Absent {
                return QueryParam::Duplicate;
            }
            result = QueryParam::One(value.into_owned());
        }
    }
    result
}

/// Python's `str.title()` for ASCII scheme names, which FastAPI uses to turn
/// a scheme name into its challenge: a letter after a non-letter (or at the
/// start) is upper-cased, every other letter lower-cased
/// (`custom-scheme` -> `Custom-Scheme`).
pub(crate) fn title_case(scheme: &str) -> String {
    let mut after_letter = false;
    scheme
        .chars()
        .map(|c| {
            let out = if after_letter { c.to_ascii_lowercase() } else { c.to_ascii_uppercase() };
            after_letter = c.is_ascii_alphabetic();
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(value: &str) -> (&str, &str) {
        let parts = split_authorization(value.as_bytes());
        (std::str::from_utf8(parts.scheme).unwrap(), std::str::from_utf8(parts.credentials).unwrap())
    }

    #[test]
    fn scheme_ends_at_the_first_space() {
        assert_eq!(split("Bearer abc"), ("Bearer", "abc"));
        assert_eq!(split("Bearer"), ("Bearer", ""));
        assert_eq!(split("Bearer "), ("Bearer", ""));
        assert_eq!(split("Bearerabc"), ("Bearerabc", ""));
    }

    #[test]
    fn spaces_and_tabs_around_credentials_are_skipped() {
        assert_eq!(split("Bearer  \t \t abc"), ("Bearer", "abc"));
        assert_eq!(split("  Bearer abc \t "), ("Bearer", "abc"));
        assert_eq!(split("Basic \tdXNlcjpwYXNz"), ("Basic", "dXNlcjpwYXNz"));
    }

    #[test]
    fn tab_after_scheme_is_part_of_the_scheme() {
        assert_eq!(split("Bearer\tabc"), ("Bearer\tabc", ""));
    }

    #[test]
    fn nbsp_and_nel_are_not_whitespace() {
        let parts = split_authorization(b"Bearer \xa0abc\x85");
        assert_eq!(parts.credentials, b"\xa0abc\x85");
        let parts = split_authorization(b"Basic\xa0abc");
        assert_eq!(parts.scheme, b"Basic\xa0abc");
    }

    #[test]
    fn basic_decodes_user_and_password() {
        assert_eq!(decode_basic(b"dXNlcjpwYXNz"), Ok(("user:pass".to_owned(), 4)));
        assert_eq!(decode_basic(b"Og=="), Ok((":".to_owned(), 0)));
        assert_eq!(decode_basic(b"OnBhc3M="), Ok((":pass".to_owned(), 0)));
    }

    #[test]
    fn basic_splits_at_the_first_colon() {
        // "a:b:c"
        assert_eq!(decode_basic(b"YTpiOmM="), Ok(("a:b:c".to_owned(), 1)));
    }

    #[test]
    fn basic_refuses_lenient_base64() {
        for bad in [
            &b"dXNlcjpwYQ"[..],
            b"dXNlcjpwYXN",
            b"dXNl.cjpw.YXNz",
            b"Oh==",
            b"!!!!",
            b"dXNlcjpwYXNz=",
            b"dXNl cjpwYXNz",
        ] {
            assert_eq!(decode_basic(bad), Err(BasicError::Base64), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn basic_requires_utf8_without_controls_and_a_colon() {
        // "jön:pass" in latin-1
        assert_eq!(decode_basic(b"avZobjpwYXNz"), Err(BasicError::Utf8));
        assert_eq!(decode_basic(b"dXMAZXI6cGEBc3N/"), Err(BasicError::ControlCharacter));
        assert_eq!(decode_basic(b"dXNlcg=="), Err(BasicError::NoColon));
        assert_eq!(decode_basic(b""), Err(BasicError::Empty));
        // "jöhn:pässword" in UTF-8
        assert_eq!(decode_basic(b"asO2aG46cMOkc3N3b3Jk"), Ok(("jöhn:pässword".to_owned(), 5)));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4096, ..Default::default() })]

        /// The hand-written decoder accepts exactly what the `base64` crate's
        /// strict `STANDARD` engine accepts, and decodes it the same.
        #[test]
        fn strict_decoder_agrees_with_the_base64_crate(input in "[A-Za-z0-9+/=]{0,16}|[A-Za-z0-9+/=.!\\- \\x80]{0,12}") {
            use base64::Engine as _;
            let reference = base64::engine::general_purpose::STANDARD.decode(input.as_bytes()).ok();
            proptest::prop_assert_eq!(decode_base64_strict(input.as_bytes()), reference);
        }

        /// Near-valid encodings, one character replaced (the last data
        /// character in particular, whose low bits are padding), agree too.
        #[test]
        fn strict_decoder_agrees_on_near_valid_input(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..24),
            from_end in 0usize..4,
            replacement in proptest::sample::select(b"AIQYgowB4=+/.".to_vec()),
        ) {
            use base64::Engine as _;
            let mut encoded = base64::engine::general_purpose::STANDARD.encode(&bytes).into_bytes();
            let data_end = encoded.iter().rposition(|&b| b != b'=').unwrap_or(0);
            let at = data_end.saturating_sub(from_end);
            encoded[at] = replacement;
            let reference = base64::engine::general_purpose::STANDARD.decode(&encoded).ok();
            proptest::prop_assert_eq!(decode_base64_strict(&encoded), reference);
        }

        /// Every valid encoding decodes back to its bytes.
        #[test]
        fn strict_decoder_round_trips(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..48)) {
            use base64::Engine as _;
            let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
            proptest::prop_assert_eq!(decode_base64_strict(encoded.as_bytes()), Some(bytes));
        }
    }

    #[test]
    fn b64token_alphabet() {
        for good in ["abc", "abc.def.ghi", "a-b_c~d+e/f", "abc==", "A1", "x="] {
            assert!(is_b64token(good.as_bytes()), "{good}");
        }
        for bad in ["", "=", "==", "\"abc\"", "a,b", "a b", "a=b", "t\u{f6}k", "abc;"] {
            assert!(!is_b64token(bad.as_bytes()), "{bad}");
        }
        assert!(!is_b64token(b"\xa0abc"));
    }

    #[test]
    fn latin1_maps_each_byte_to_one_char() {
        assert_eq!(latin1_to_string(b"abc"), "abc");
        assert_eq!(latin1_to_string(b"\xc3\xa9"), "\u{c3}\u{a9}");
        assert_eq!(latin1_to_string(b"\xa0"), "\u{a0}");
    }

    fn cookie(lines: &[&[u8]], name: &str) -> Option<String> {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append(http::header::COOKIE, HeaderValue::from_bytes(line).unwrap());
        }
        find_cookie(&headers, name.as_bytes())
    }

    #[test]
    fn cookie_last_value_wins_across_and_within_lines() {
        assert_eq!(cookie(&[b"session=abc; session=def"], "session").as_deref(), Some("def"));
        assert_eq!(cookie(&[b"session=abc", b"other=1; session=xyz"], "session").as_deref(), Some("xyz"));
    }

    #[test]
    fn cookie_names_are_case_sensitive_and_values_trimmed() {
        assert_eq!(cookie(&[b"Session=abc"], "session"), None);
        assert_eq!(cookie(&[b" session = abc \t; x=1"], "session").as_deref(), Some("abc"));
        assert_eq!(cookie(&[b"session="], "session").as_deref(), Some(""));
    }

    #[test]
    fn cookie_quotes_and_escapes() {
        assert_eq!(cookie(&[b"session=\"\""], "session").as_deref(), Some(""));
        assert_eq!(cookie(&[b"session=\"abc"], "session").as_deref(), Some("\"abc"));
        assert_eq!(cookie(&[b"session=\"a\\\"b\""], "session").as_deref(), Some("a\"b"));
        assert_eq!(cookie(&[b"session=\"a\\\\b\""], "session").as_deref(), Some("a\\b"));
        assert_eq!(cookie(&[b"session=\"\\101\\x\""], "session").as_deref(), Some("Ax"));
        assert_eq!(cookie(&[b"session=\"\\377\""], "session").as_deref(), Some("\u{ff}"));
        assert_eq!(cookie(&[b"session=abc%20def"], "session").as_deref(), Some("abc%20def"));
    }

    #[test]
    fn cookie_chunk_without_equals_has_an_empty_name() {
        assert_eq!(cookie(&[b"abc"], ""), Some("abc".to_owned()));
        assert_eq!(cookie(&[b"abc"], "abc"), None);
    }

    #[test]
    fn query_param_lookup() {
        assert_eq!(find_query_param("api_key=secret", "api_key"), QueryParam::One("secret".to_owned()));
        assert_eq!(find_query_param("api%5Fkey=a+b%20c", "api_key"), QueryParam::One("a b c".to_owned()));
        assert_eq!(find_query_param("api_key", "api_key"), QueryParam::One(String::new()));
        assert_eq!(find_query_param("api_key=%zz", "api_key"), QueryParam::One("%zz".to_owned()));
        assert_eq!(find_query_param("api_key=a=b;x=1", "api_key"), QueryParam::One("a=b;x=1".to_owned()));
        assert_eq!(find_query_param("api_key=&api_key=b", "api_key"), QueryParam::Duplicate);
        assert_eq!(find_query_param("other=1&&", "api_key"), QueryParam::Absent);
        assert_eq!(find_query_param("api_key=caf%E9", "api_key"), QueryParam::One("caf\u{fffd}".to_owned()));
    }

    #[test]
    fn title_case_follows_python() {
        assert_eq!(title_case("custom-scheme"), "Custom-Scheme");
        assert_eq!(title_case("digest"), "Digest");
        assert_eq!(title_case("BEARER"), "Bearer");
        assert_eq!(title_case("x2y"), "X2Y");
    }
}
