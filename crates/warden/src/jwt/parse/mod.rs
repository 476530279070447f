//! How the text of a token is read, and which part decides.
//!
//! * [`json`] **decides** what a JSON text is: RFC 8259, nesting at most
//!   [`json::MAX_DEPTH`], no object with a member name twice (compared after
//!   unescaping, at any depth), no number a double cannot hold. Every
//!   header and every claims set goes through it; what it refuses is
//!   `Malformed`.
//! * [`header`] reads the JOSE header with it and applies the header
//!   rules (`alg` known, no `crit`, no `b64`).
//! * The registered claims rules (`exp`, `nbf`, `iat`, `aud`, `iss`, ...)
//!   are [`Validation`](super::claims::Validation)'s, in `claims.rs`.
//! * [`one_pass`] only makes the common case fast: one `serde` pass that
//!   gives the claims type its members and records the registered claims on
//!   the way, over the same reader. When it fails, for whatever reason, the
//!   verifier reads the claims again the two-pass way (`Validation::scan`,
//!   then `serde_json`), and that answer is the one given: the one pass never
//!   refuses a token by itself. The differential fuzz target
//!   (`fuzz/fuzz_targets/jwt_claims.rs`) holds the two together.
//! * [`memo`] remembers, per thread, the headers of tokens that verified,
//!   so that a header seen before is not decoded and parsed again; the
//!   checks made on it are the same either way.

pub(crate) mod header;
pub(crate) mod json;
pub(crate) mod memo;
pub(crate) mod one_pass;

pub(crate) use header::parse_header;
