//! PEM (RFC 7468) to DER, and the strict base64url of JWS (RFC 7515 §2).

use std::mem::MaybeUninit;

use base64::{
    Engine as _,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
};

use super::KeyError;

/// One PEM block: its label (`PUBLIC KEY`, `RSA PRIVATE KEY`, …) and DER.
pub(crate) struct Pem {
    pub(crate) label: String,
    pub(crate) der: Vec<u8>,
}

/// The first PEM block of `input` (RFC 7468 §2, "lax" whitespace: any line
/// breaks and indentation). Encrypted blocks (RFC 1421 headers) are refused.
pub(crate) fn parse_pem(input: &[u8]) -> Result<Pem, KeyError> {
    let text = std::str::from_utf8(input).map_err(|_| KeyError::new("PEM is not UTF-8"))?;
    let start = text.find("-----BEGIN ").ok_or_else(|| KeyError::new("no PEM BEGIN line"))?;
    let rest = &text[start + "-----BEGIN ".len()..];
    let label_end = rest.find("-----").ok_or_else(|| KeyError::new("unterminated PEM BEGIN line"))?;
    let label = &rest[..label_end];
    let body_and_end = &rest[label_end + "-----".len()..];
    let end_line = format!("-----END {label}-----");
    let body_end = body_and_end.find(&end_line).ok_or_else(|| KeyError::new("no matching PEM END line"))?;
    let body = &body_and_end[..body_end];
    if body.contains(':') {
        return Err(KeyError::new("encrypted or annotated PEM is not supported"));
    }
    let compact: Vec<u8> = body.bytes().filter(|byte| !byte.is_ascii_whitespace()).collect();
    let der = STANDARD.decode(&compact).map_err(|_| KeyError::new("PEM body is not base64"))?;
    Ok(Pem { label: label.to_owned(), der })
}

/// The modulus and public exponent of a DER PKCS#1 `RSAPublicKey`
/// (`SEQUENCE { INTEGER n, INTEGER e }`, RFC 8017 A.1.1), big-endian without
/// the sign byte DER puts before a high bit; `None` if `der` is anything
/// else (trailing bytes included).
pub(crate) fn rsa_public_components(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let (body, rest) = der_element(der, 0x30)?;
    if !rest.is_empty() {
        return None;
    }
    let (n, body) = der_element(body, 0x02)?;
    let (e, body) = der_element(body, 0x02)?;
    if !body.is_empty() {
        return None;
    }
    Some((der_unsigned(n)?, der_unsigned(e)?))
}

/// A positive DER INTEGER without its sign byte; `None` for a negative,
/// zero or non-minimal one.
fn der_unsigned(int: &[u8]) -> Option<&[u8]> {
    match int {
        [0, rest @ ..] if rest.first().is_some_and(|byte| byte & 0x80 != 0) => Some(rest),
        [first, ..] if first & 0x80 == 0 && *first != 0 => Some(int),
        _ => None,
    }
}

/// One DER element of type `tag` at the start of `input`: its contents and
/// what follows it. Definite lengths of up to four bytes.
fn der_element(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&first, rest) = input.split_first()?;
    if first != tag {
        return None;
    }
    let (&len, mut rest) = rest.split_first()?;
    let len = if len < 0x80 {
        usize::from(len)
    } else {
        let count = usize::from(len & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let (bytes, after) = rest.split_at_checked(count)?;
        rest = after;
        bytes.iter().fold(0usize, |acc, byte| (acc << 8) | usize::from(*byte))
    };
    rest.split_at_checked(len)
}

/// Strict base64url without padding: the `base64` crate's `URL_SAFE_NO_PAD`
/// refuses `=`, the standard alphabet's `+` and `/`, and non-canonical
/// trailing bits.
pub(crate) fn decode_b64url(input: &[u8]) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(input).ok()
}

/// Decodes all of `input`, strict base64url (RFC 7515 §2: no padding,
/// canonical trailing bits), into the start of `out` (which need not be
/// initialised: nothing is zeroed first), and returns the bytes written;
/// `None` when `input` is not strict base64url (a byte outside the
/// alphabet, `=` included, a length of 1 mod 4, non-zero unused bits) or
/// `out` is too short.
///
/// `base64-simd` decodes 32 characters at a time (AVX2, SSSE3 or NEON,
/// chosen at run time; scalar elsewhere and for the last few characters).
#[inline]
pub(crate) fn decode_b64url_into<'o>(input: &[u8], out: &'o mut [MaybeUninit<u8>]) -> Option<&'o mut [u8]> {
    // 4 characters are 3 bytes, 2 or 3 trailing ones 1 or 2 (1 is refused
    // by the decoder): checked here so that the decoder's own length
    // assertion never panics.
    let needed = input.len() / 4 * 3 + (input.len() % 4).saturating_sub(1);
    let out = out.get_mut(..needed)?;
    base64_simd::URL_SAFE_NO_PAD.decode(input, base64_simd::Out::from_uninit_slice(out)).ok()
}

/// `input` as base64url without padding.
pub(crate) fn encode_b64url(input: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(input)
}

/// Appends base64url without padding.
pub(crate) fn encode_b64url_into(input: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(input, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_pem_block_with_any_line_breaks() {
        let pem = b"junk before\n-----BEGIN PUBLIC KEY-----\r\nAAEC\n  AwQ=\n-----END PUBLIC KEY-----\n";
        let parsed = parse_pem(pem).unwrap();
        assert_eq!(parsed.label, "PUBLIC KEY");
        assert_eq!(parsed.der, [0, 1, 2, 3, 4]);
    }

    #[test]
    fn refuses_mismatched_labels_and_encrypted_blocks() {
        assert!(parse_pem(b"-----BEGIN PUBLIC KEY-----\nAAEC\n-----END PRIVATE KEY-----").is_err());
        let encrypted = b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAEC\n-----END RSA PRIVATE KEY-----";
        assert!(parse_pem(encrypted).is_err());
        assert!(parse_pem(b"no pem here").is_err());
    }

    #[test]
    fn rsa_public_key_der_gives_its_components() {
        // SEQUENCE { INTEGER 0x00 0x80 0x01 (sign byte dropped), INTEGER 0x010001 }
        let der = [0x30, 0x0a, 0x02, 0x03, 0x00, 0x80, 0x01, 0x02, 0x03, 0x01, 0x00, 0x01];
        assert_eq!(rsa_public_components(&der), Some((&[0x80, 0x01][..], &[1, 0, 1][..])));
        // Long-form length.
        let mut long = vec![0x30, 0x81, 0x86, 0x02, 0x81, 0x80];
        long.extend([0x7f; 128]);
        long.extend([0x02, 0x01, 0x03]);
        let (n, e) = rsa_public_components(&long).unwrap();
        assert_eq!((n.len(), e), (128, &[3][..]));
        // Trailing bytes, a negative or zero-padded integer, truncation, another tag.
        for bad in [
            &[0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x03, 0x00][..],
            &[0x30, 0x06, 0x02, 0x01, 0x85, 0x02, 0x01, 0x03],
            &[0x30, 0x07, 0x02, 0x02, 0x00, 0x05, 0x02, 0x01, 0x03],
            &[0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01],
            &[0x31, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x03],
            &[0x30, 0x80],
            &[],
        ] {
            assert_eq!(rsa_public_components(bad), None, "{bad:02x?}");
        }
    }

    #[test]
    fn base64url_is_strict() {
        assert_eq!(decode_b64url(b"AQID").unwrap(), [1, 2, 3]);
        assert!(decode_b64url(b"AQI=").is_none(), "padding");
        assert!(decode_b64url(b"AQJ").is_none(), "non-canonical trailing bits");
        assert!(decode_b64url(b"A+/B").is_none(), "standard alphabet");
        assert!(decode_b64url(b"AQIDB").is_none(), "impossible length");
    }

    /// `decode_b64url_into` of `input`, into an output of exactly the
    /// largest length it can need.
    fn into_whole(input: &[u8]) -> Option<Vec<u8>> {
        let mut out = vec![MaybeUninit::uninit(); input.len() / 4 * 3 + 2];
        decode_b64url_into(input, &mut out).map(|decoded| decoded.to_vec())
    }

    #[test]
    fn the_segment_decoder_is_the_crate_s_strict_decoder() {
        // Every length around the 32-character SIMD blocks, every byte
        // value, every non-canonical last character, a bad character at
        // every place.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in 0..300 {
            for round in 0..8 {
                let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
                let encoded = URL_SAFE_NO_PAD.encode(&bytes);
                assert_eq!(into_whole(encoded.as_bytes()), Some(bytes.clone()), "{encoded}");
                // Flip the last character to each other one of the alphabet.
                if let Some(&last) = encoded.as_bytes().last() {
                    for other in b"AEIMQUYcgkosw048BCDa_-".iter().copied().filter(|c| *c != last) {
                        let mut changed = encoded.clone().into_bytes();
                        *changed.last_mut().unwrap() = other;
                        assert_eq!(into_whole(&changed), URL_SAFE_NO_PAD.decode(&changed).ok(), "{changed:?}");
                    }
                }
                // A character outside the alphabet (or `=`) anywhere.
                if !encoded.is_empty() {
                    let mut changed = encoded.clone().into_bytes();
                    let at = (next() as usize) % changed.len();
                    changed[at] = b".=+/ \x00\xff"[round % 7];
                    assert_eq!(into_whole(&changed), None, "{changed:?}");
                    assert!(URL_SAFE_NO_PAD.decode(&changed).is_err());
                }
                // An impossible length.
                let mut longer = encoded.clone().into_bytes();
                longer.push(b'A');
                assert_eq!(into_whole(&longer), URL_SAFE_NO_PAD.decode(&longer).ok(), "{longer:?}");
            }
        }
        for bad in [&b"AQI="[..], b"A+/B", b"AQIDB", b"AQJ", b"A", b"AQID\xff", b"AQID.", b"AQ==", b"AQID AQID"] {
            assert_eq!(into_whole(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_segment_decoder_refuses_a_short_output_without_panicking() {
        let mut out = [MaybeUninit::uninit(); 64];
        assert_eq!(decode_b64url_into(b"AQIDBAUGBwgJ", &mut out[..8]), None);
        assert_eq!(
            decode_b64url_into(b"AQIDBAUGBwgJ", &mut out[..9]).as_deref(),
            Some(&[1, 2, 3, 4, 5, 6, 7, 8, 9][..])
        );
        assert_eq!(decode_b64url_into(b"AQI", &mut out[..1]), None);
        assert_eq!(decode_b64url_into(b"AQI", &mut out[..2]).as_deref(), Some(&[1, 2][..]));
        assert_eq!(decode_b64url_into(b"", &mut out[..0]).as_deref(), Some(&[][..]));
    }
}
