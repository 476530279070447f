//! What the tests of tutorials 004 and 005 share: FastAPI's tokens without
//! a usable `sub`, and `GET /users/me` as FastAPI's tests send it.

use axum::Router;

use super::{Answer, Req, TEST_HOST};

/// FastAPI's `test_token_no_sub`: `{"data":"foo"}`, signed with the secret, no `exp`.
/// FastAPI's three tokens without `exp` have no usable `sub` either: refused both ways.
pub const NO_SUB: &str =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJkYXRhIjoiZm9vIn0.9ynBhuYb4e6aW3oJr_K_TBgwcMTDpRToQIE25L57rOE";
/// `test_token_no_username`: `{"sub":"foo"}`, no such user.
pub const NO_USERNAME: &str =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmb28ifQ.NnExK_dlNAYyzACrXtXDrcWOgGY2JuPbI4eDaHdfK5Y";
/// `test_token_nonexistent_user` (tutorial 005's `test_token_inexistent_user`):
/// `{"sub":"username:bob"}`.
pub const NONEXISTENT_USER: &str =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VybmFtZTpib2IifQ.HcfCW67Uda-0gz54ZWTqmtgJnZeNem0Q757eTa9EZuw";

/// `GET /users/me` (as FastAPI's tests send it, redirected to `/users/me/`).
pub async fn get_me(app: &Router, authorization: Option<&str>) -> Answer {
    Req::get("/users/me").authorization(authorization).redirected(app, &format!("http://{TEST_HOST}/users/me/")).await
}
