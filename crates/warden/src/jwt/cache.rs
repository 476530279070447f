//! The verified-token cache: a bounded map from a whole token to its claims.

use std::{
    fmt,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use super::parse::memo::KnownHeader;

/// Tokens longer than this are verified every time, never kept.
pub(crate) const MAX_CACHED_TOKEN: usize = 16 * 1024;

/// What a cache hit returns: the claims and when they may be served.
pub(crate) struct Entry<C> {
    pub(crate) claims: Arc<C>,
    pub(crate) header: Arc<KnownHeader>,
    pub(crate) exp: i64,
    pub(crate) nbf: Option<i64>,
    /// The key source's [revision](super::KeySource::revision) when the
    /// token was verified.
    pub(crate) revision: u64,
    /// The cache's [generation](TokenCache::generation) when the
    /// verification began: an entry of an earlier one is never served.
    pub(crate) generation: u64,
}

impl<C> Clone for Entry<C> {
    fn clone(&self) -> Self {
        Self {
            claims: Arc::clone(&self.claims),
            header: Arc::clone(&self.header),
            exp: self.exp,
            nbf: self.nbf,
            revision: self.revision,
            generation: self.generation,
        }
    }
}

/// A bounded, sharded, concurrent cache (`quick_cache`, S3-FIFO eviction)
/// keyed by the token itself: a hit compares the whole token, not a hash of
/// it. An entry is served only while the verifier's clock says the token is
/// valid, with the verifier's leeway, so a hit answers exactly what a full
/// verification would.
pub(crate) struct TokenCache<C> {
    map: quick_cache::sync::Cache<Box<str>, Entry<C>>,
    leeway: i64,
    /// Moved on by every [`clear`](Self::clear).
    generation: AtomicU64,
}

impl<C> TokenCache<C> {
    pub(crate) fn new(capacity: usize, leeway: i64) -> Self {
        Self { map: quick_cache::sync::Cache::new(capacity), leeway, generation: AtomicU64::new(0) }
    }

    /// The generation entries are inserted with now: read it before the
    /// key is resolved, so that a verification begun before a
    /// [`clear`](Self::clear) inserts an entry that is never served.
    #[inline]
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The claims of `token` if it was verified under the key source's
    /// `revision` and is still valid at `now`.
    #[inline]
    pub(crate) fn get(&self, token: &str, now: i64, revision: u64) -> Option<Entry<C>> {
        let entry = self.map.get(token)?;
        if entry.revision != revision || entry.generation != self.generation() {
            // A key was dropped since: verify again (with the keys of now).
            self.map.remove(token);
            return None;
        }
        let fresh = now < entry.exp.saturating_add(self.leeway)
            && entry.nbf.is_none_or(|nbf| now.saturating_add(self.leeway) >= nbf);
        if fresh {
            Some(entry)
        } else {
            if now >= entry.exp.saturating_add(self.leeway) {
                // Expired for good (unless a test clock goes back): make room.
                self.map.remove(token);
            }
            None
        }
    }

    /// Keeps the claims of a verified token. Tokens without `exp` are not
    /// kept: nothing would ever end their entry but eviction.
    pub(crate) fn insert(&self, token: &str, entry: Entry<C>) {
        if token.len() <= MAX_CACHED_TOKEN {
            self.map.insert(token.into(), entry);
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Drops every entry, and makes every entry of a verification begun
    /// before it (inserted while or after it runs) stale.
    pub(crate) fn clear(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.map.clear();
    }
}

impl<C> fmt::Debug for TokenCache<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("len", &self.map.len())
            .field("capacity", &self.map.capacity())
            .finish_non_exhaustive()
    }
}
