//! Long-form documentation.

/// Where warden answers differently from FastAPI 0.163.2, and why.
#[doc = include_str!("../../../docs/differences.md")]
pub mod differences {}

/// Permissions: from one check to a composed policy with custom errors.
#[doc = include_str!("../../../docs/permissions.md")]
pub mod permissions {}
