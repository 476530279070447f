//! What FastAPI's security tutorials, ported to warden, share: the binaries
//! `security_tutorial001` … `security_tutorial007` of this crate, and the
//! demo service (`crates/warden-demo`).
//!
//! A port answers every request as FastAPI's tutorial does (its tests are
//! FastAPI's, with warden's answers where warden follows an RFC instead), so
//! besides the tutorial's own routes it needs what FastAPI gets from
//! Starlette, and a way to show and check what it answers:
//!
//! * [`starlette`]: Starlette's routing answers, a `307` to the other
//!   spelling of a path with or without its trailing slash, `404` for an
//!   unknown path, `405` with `Allow` for a method a route does not serve;
//! * [`listing`]: the curl lines a Basic or API-key tutorial prints on
//!   startup, each with the answer it gets; [`oauth2`] the same for the
//!   OAuth2 tutorials, whose lines post login forms and keep the token;
//! * [`serve`]: `--port N`, listening on 127.0.0.1 until Ctrl-C or SIGTERM;
//! * [`users`]: the tutorials' users and the answers the tutorials write
//!   themselves; [`jwt`]: tutorials 004 and 005's tokens;
//! * [`testing`]: requests through an app as FastAPI's `TestClient` sends
//!   them, and the checks every port's tests make (the printed requests get
//!   the printed answers, the module documentation shows the listing).
//!
//! Run a tutorial with
//! `cargo run -p warden-tutorials --bin security_tutorial004 -- --port 8000`.

#![forbid(unsafe_code)]

pub mod jwt;
pub mod listing;
pub mod oauth2;
pub mod serve;
pub mod starlette;
pub mod testing;
pub mod users;

/// The port used when `--port` is not given.
pub const DEFAULT_PORT: u16 = 8000;

/// The body of every `401` for missing or malformed credentials.
pub const NOT_AUTHENTICATED: &str = r#"{"detail":"Not authenticated"}"#;
