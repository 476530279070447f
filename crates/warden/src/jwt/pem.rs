//! PEM (RFC 7468) to DER, and the strict base64url of JWS (RFC 7515 §2).

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

/// Strict base64url without padding: the `base64` crate's `URL_SAFE_NO_PAD`
/// refuses `=`, the standard alphabet's `+` and `/`, and non-canonical
/// trailing bits.
pub(crate) fn decode_b64url(input: &[u8]) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(input).ok()
}

/// Decodes `input` into `out` when it fits, returning the length.
#[inline]
pub(crate) fn decode_b64url_into(input: &[u8], out: &mut [u8]) -> Option<usize> {
    URL_SAFE_NO_PAD.decode_slice(input, out).ok()
}

/// The decoded length of unpadded base64 of `len` characters, or `None`
/// for a length no unpadded base64 has (`len % 4 == 1`).
#[inline]
pub(crate) const fn decoded_len(len: usize) -> Option<usize> {
    match len % 4 {
        1 => None,
        rem => Some(len / 4 * 3 + if rem == 0 { 0 } else { rem - 1 }),
    }
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
    fn base64url_is_strict() {
        assert_eq!(decode_b64url(b"AQID").unwrap(), [1, 2, 3]);
        assert!(decode_b64url(b"AQI=").is_none(), "padding");
        assert!(decode_b64url(b"AQJ").is_none(), "non-canonical trailing bits");
        assert!(decode_b64url(b"A+/B").is_none(), "standard alphabet");
        assert!(decode_b64url(b"AQIDB").is_none(), "impossible length");
    }

    #[test]
    fn decoded_len_matches_the_crate() {
        for len in 0..64usize {
            let input = "A".repeat(len);
            let expected = URL_SAFE_NO_PAD.decode(&input).ok().map(|v| v.len());
            if len % 4 != 1 {
                assert_eq!(decoded_len(len), Some(len / 4 * 3 + (len % 4).saturating_sub(1)));
            } else {
                assert_eq!(decoded_len(len), None);
                assert_eq!(expected, None);
            }
        }
    }
}
