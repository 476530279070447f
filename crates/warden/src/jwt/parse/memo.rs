//! The headers a thread parsed last, by their base64url text, and the
//! parsed header a verified token keeps ([`KnownHeader`]).
//!
//! The tokens of one issuer and key share one header
//! (`{"alg":"RS256","kid":"…","typ":"JWT"}`), so [`JwtVerifier::verify`]
//! keeps, per thread, the last few headers of tokens that verified, and
//! skips decoding and parsing a header it has seen. Parsing a header is a
//! function of its text alone, so a remembered header is exactly what
//! parsing it again would give, whatever the verifier; only headers of
//! tokens that passed every check are remembered, so that forged tokens
//! cannot push the good ones out.
//!
//! [`JwtVerifier::verify`]: crate::jwt::JwtVerifier::verify

use std::{borrow::Cow, cell::RefCell, sync::Arc};

use crate::jwt::{Algorithm, Header};

/// How many headers each thread keeps.
const SLOTS: usize = 4;

/// Longer header segments are not kept (a header is a few dozen bytes).
const MAX_SEGMENT: usize = 512;

/// A header that parsed, with the text it was parsed from: what the memo
/// keeps, and what a [`Verified`](crate::jwt::Verified) token (and its cache
/// entry) shares.
#[derive(Debug)]
pub(crate) struct KnownHeader {
    /// The header segment: the token's text up to its first `.`.
    segment: Box<[u8]>,
    /// The length of the signature segment of the token it came with
    /// (where to look for the last dot first).
    signature: usize,
    alg: Algorithm,
    kid: Option<Box<str>>,
    typ: Option<Box<str>>,
    cty: Option<Box<str>>,
}

impl KnownHeader {
    /// The header `parsed` from `segment`, in a token whose signature
    /// segment is `signature` characters long.
    pub(crate) fn new(segment: &[u8], signature: usize, parsed: &Header<'_>) -> Arc<Self> {
        Arc::new(Self {
            segment: segment.into(),
            signature,
            alg: parsed.alg,
            kid: parsed.kid.as_deref().map(Box::from),
            typ: parsed.typ.as_deref().map(Box::from),
            cty: parsed.cty.as_deref().map(Box::from),
        })
    }

    /// The algorithm.
    pub(crate) fn alg(&self) -> Algorithm {
        self.alg
    }

    /// The `typ`, if any.
    pub(crate) fn typ(&self) -> Option<&str> {
        self.typ.as_deref()
    }

    /// The length of the header segment, in characters.
    pub(crate) fn len(&self) -> usize {
        self.segment.len()
    }

    /// The length of the signature segment of the token remembered.
    pub(crate) fn signature_len(&self) -> usize {
        self.signature
    }

    /// The parsed header, borrowed.
    pub(crate) fn header(&self) -> Header<'_> {
        Header {
            alg: self.alg,
            kid: self.kid.as_deref().map(Cow::Borrowed),
            typ: self.typ.as_deref().map(Cow::Borrowed),
            cty: self.cty.as_deref().map(Cow::Borrowed),
        }
    }

    /// Whether `token` starts with this header segment and its dot.
    #[inline]
    fn starts(&self, token: &[u8]) -> bool {
        token.get(self.segment.len()) == Some(&b'.') && token.starts_with(&self.segment)
    }
}

struct Memo {
    slots: [Option<Arc<KnownHeader>>; SLOTS],
    /// The slot to fill next (round robin).
    next: usize,
}

thread_local! {
    static MEMO: RefCell<Memo> = const { RefCell::new(Memo { slots: [None, None, None, None], next: 0 }) };
}

/// The remembered header `token` starts with, if any.
#[inline]
pub(crate) fn find(token: &[u8]) -> Option<Arc<KnownHeader>> {
    MEMO.try_with(|memo| {
        let memo = memo.try_borrow().ok()?;
        memo.slots.iter().flatten().find(|header| header.starts(token)).cloned()
    })
    .ok()
    .flatten()
}

/// Remembers `header` (of a token that passed every check).
#[cold]
pub(crate) fn remember(header: &Arc<KnownHeader>) {
    if header.segment.len() > MAX_SEGMENT {
        return;
    }
    let _ = MEMO.try_with(|memo| {
        let Ok(mut memo) = memo.try_borrow_mut() else { return };
        if memo.slots.iter().flatten().any(|known| known.segment == header.segment) {
            return;
        }
        let next = memo.next;
        if let Some(slot) = memo.slots.get_mut(next) {
            *slot = Some(Arc::clone(header));
        }
        memo.next = (next + 1) % SLOTS;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_the_last_headers_by_their_exact_text() {
        let header = Header::new(Algorithm::Rs256).with_kid("key-1");
        assert!(find(b"aaaa.payload.signature").is_none());
        remember(&KnownHeader::new(b"aaaa", 9, &header));
        let found = find(b"aaaa.payload.signature").unwrap();
        assert_eq!(found.header(), header);
        assert_eq!(found.len(), 4);
        assert_eq!(found.signature_len(), 9);
        assert!(find(b"aaaab.payload.signature").is_none(), "another header");
        assert!(find(b"aaa.payload.signature").is_none(), "a prefix");
        assert!(find(b"aaaa").is_none(), "no dot");
        // Four more push it out.
        for segment in [&b"b"[..], b"c", b"d", b"e"] {
            remember(&KnownHeader::new(segment, 1, &Header::new(Algorithm::Hs256)));
        }
        assert!(find(b"aaaa.payload.signature").is_none());
        assert_eq!(find(b"e.p.s").unwrap().header().alg(), Algorithm::Hs256);
    }
}
