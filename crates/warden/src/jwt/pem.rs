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

/// The 6-bit value of a base64url character, or `None`.
const fn sextet(byte: u8) -> Option<u32> {
    match byte {
        b'A'..=b'Z' => Some((byte - b'A') as u32),
        b'a'..=b'z' => Some((byte - b'a') as u32 + 26),
        b'0'..=b'9' => Some((byte - b'0') as u32 + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

/// Marks a byte outside the base64url alphabet in the [`SHIFTED`] tables
/// (above the 24 bits of a decoded group).
const INVALID: u32 = 0x8000_0000;

/// The value of each byte already shifted to its place in a 4-character
/// group (`SHIFTED[k]` for the `k`-th character), [`INVALID`] outside the
/// alphabet: a group is four lookups and three ORs, its validity one test.
const fn shifted_table(shift: u32) -> [u32; 256] {
    let mut table = [INVALID; 256];
    let mut byte = 0;
    while byte < 256 {
        if let Some(value) = sextet(byte as u8) {
            table[byte] = value << shift;
        }
        byte += 1;
    }
    table
}

static SHIFTED: [[u32; 256]; 4] = [shifted_table(18), shifted_table(12), shifted_table(6), shifted_table(0)];

/// The 24 bits of the 4-character group `chars` ([`INVALID`] set if one of
/// them is outside the alphabet).
#[inline(always)]
fn group(chars: [u8; 4]) -> u32 {
    SHIFTED[0][usize::from(chars[0])]
        | SHIFTED[1][usize::from(chars[1])]
        | SHIFTED[2][usize::from(chars[2])]
        | SHIFTED[3][usize::from(chars[3])]
}

/// Decodes the strict base64url (RFC 7515 §2: no padding, canonical
/// trailing bits) at the start of `input`, up to its first byte outside the
/// alphabet (the `.` that ends a JWS segment, or the end), into `out`.
///
/// Returns the number of characters read and of bytes written; `None` when
/// the characters read are not strict base64url (a length of 1 mod 4,
/// non-zero unused bits) or `out` is too short. What stopped the decoding
/// (`input[read]`) is for the caller to judge: a `=` there is padding.
#[inline]
pub(crate) fn decode_b64url_prefix(input: &[u8], out: &mut [u8]) -> Option<(usize, usize)> {
    let mut read = 0;
    let mut written = 0;
    // Sixteen characters at a time, twelve bytes written with two 8-byte
    // stores (the extra bytes are overwritten next or are past the result).
    while let (Some(chars), Some(dst)) = (input.get(read..read + 16), out.get_mut(written..written + 14)) {
        let first = group([chars[0], chars[1], chars[2], chars[3]]);
        let second = group([chars[4], chars[5], chars[6], chars[7]]);
        let third = group([chars[8], chars[9], chars[10], chars[11]]);
        let fourth = group([chars[12], chars[13], chars[14], chars[15]]);
        if (first | second | third | fourth) & INVALID != 0 {
            break;
        }
        dst[..8].copy_from_slice(&((u64::from(first) << 40) | (u64::from(second) << 16)).to_be_bytes());
        dst[6..].copy_from_slice(&((u64::from(third) << 40) | (u64::from(fourth) << 16)).to_be_bytes());
        read += 16;
        written += 12;
    }
    // Then eight at a time, six bytes written with one 8-byte store.
    while let (Some(chars), Some(dst)) = (input.get(read..read + 8), out.get_mut(written..written + 8)) {
        let high = group([chars[0], chars[1], chars[2], chars[3]]);
        let low = group([chars[4], chars[5], chars[6], chars[7]]);
        if (high | low) & INVALID != 0 {
            break;
        }
        let bytes = ((u64::from(high) << 40) | (u64::from(low) << 16)).to_be_bytes();
        dst.copy_from_slice(&bytes);
        read += 8;
        written += 6;
    }
    // The rest, a group at a time, to the first byte outside the alphabet.
    loop {
        let mut bits = 0u32;
        let mut count = 0;
        while count < 4 {
            match input.get(read + count).and_then(|byte| sextet(*byte)) {
                Some(value) => bits = (bits << 6) | value,
                None => break,
            }
            count += 1;
        }
        read += count;
        match count {
            4 => {
                out.get_mut(written..written + 3)?.copy_from_slice(&bits.to_be_bytes()[1..]);
                written += 3;
            }
            0 => return Some((read, written)),
            // 2 characters are 12 bits for 1 byte: 4 unused bits, zero.
            2 if bits & 0xF == 0 => {
                *out.get_mut(written)? = (bits >> 4) as u8;
                return Some((read, written + 1));
            }
            // 3 characters are 18 bits for 2 bytes: 2 unused bits, zero.
            3 if bits & 0x3 == 0 => {
                out.get_mut(written..written + 2)?.copy_from_slice(&((bits >> 2) as u16).to_be_bytes());
                return Some((read, written + 2));
            }
            _ => return None,
        }
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

    /// `decode_b64url_prefix` of all of `input`, as the crate's decoder answers.
    fn prefix_whole(input: &[u8]) -> Option<Vec<u8>> {
        let mut out = vec![0; input.len()];
        let (read, written) = decode_b64url_prefix(input, &mut out)?;
        (read == input.len()).then(|| out[..written].to_vec())
    }

    #[test]
    fn the_prefix_decoder_is_the_crate_s_strict_decoder() {
        // Every length around the 8-character fast path, every byte value,
        // every non-canonical last character.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in 0..80 {
            for _ in 0..20 {
                let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
                let encoded = URL_SAFE_NO_PAD.encode(&bytes);
                assert_eq!(prefix_whole(encoded.as_bytes()), Some(bytes.clone()), "{encoded}");
                // Flip the last character to each other one of the alphabet.
                if let Some(&last) = encoded.as_bytes().last() {
                    for other in b"AEIMQUYcgkosw048BCDa_-".iter().copied().filter(|c| *c != last) {
                        let mut changed = encoded.clone().into_bytes();
                        *changed.last_mut().unwrap() = other;
                        assert_eq!(prefix_whole(&changed), URL_SAFE_NO_PAD.decode(&changed).ok(), "{changed:?}");
                    }
                }
            }
        }
        for bad in [&b"AQI="[..], b"A+/B", b"AQIDB", b"AQJ", b"A", b"AQID\xff"] {
            assert_eq!(prefix_whole(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_prefix_decoder_stops_at_the_first_byte_outside_the_alphabet() {
        let mut out = [0u8; 64];
        assert_eq!(decode_b64url_prefix(b"AQID.rest", &mut out), Some((4, 3)));
        assert_eq!(&out[..3], [1, 2, 3]);
        assert_eq!(decode_b64url_prefix(b"AQIDBAUGBwgJ.x", &mut out), Some((12, 9)));
        assert_eq!(&out[..9], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert_eq!(decode_b64url_prefix(b"AQIDBAUG=", &mut out), Some((8, 6)), "`=` stops it");
        assert_eq!(decode_b64url_prefix(b".", &mut out), Some((0, 0)));
        assert_eq!(decode_b64url_prefix(b"AQJ.", &mut out), None, "non-canonical before the dot");
        // An output too short is refused, never a panic.
        assert_eq!(decode_b64url_prefix(b"AQIDBAUGBwgJ", &mut out[..8]), None);
        assert_eq!(decode_b64url_prefix(b"AQIDBAUGBwgJ", &mut out[..9]), Some((12, 9)));
    }
}
