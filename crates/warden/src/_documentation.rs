//! Long-form documentation.

/// Porting from FastAPI: each security scheme in FastAPI and in warden, side by side.
#[doc = include_str!("../docs/from-fastapi.md")]
pub mod from_fastapi {}

/// Where warden answers differently from FastAPI 0.163.2, and why.
#[doc = include_str!("../docs/differences.md")]
pub mod differences {}

/// Permissions: from one check to a composed policy with custom errors.
#[doc = include_str!("../docs/permissions.md")]
pub mod permissions {}
