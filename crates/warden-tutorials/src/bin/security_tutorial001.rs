//! OAuth2 password bearer: the handler receives the bearer token.
//!
//! A port of FastAPI's `docs_src/security/tutorial001.py`
//! (["Security - First Steps"](https://fastapi.tiangolo.com/tutorial/security/first-steps/)):
//! `GET /items/` requires a bearer token (an [`OAuth2PasswordBearer`] whose
//! token URL is `token`) and answers it back as `{"token": t}`. Nothing
//! checks the token, and there is no `/token` route yet; see
//! `security_tutorial003` for that.
//!
//! Like every FastAPI app, it redirects a path missing its trailing slash
//! (`/items`) to the route's (`307`, `Location: http://{Host}/items/`, the
//! query string kept; FastAPI's tests request `/items` and follow it), and
//! answers other methods `405` with `Allow: GET` and unknown paths `404`.
//!
//! Run with `cargo run -p warden-tutorials --bin security_tutorial001 -- --port 8000`
//! (the port defaults to 8000; the server listens on 127.0.0.1 only and stops
//! on Ctrl-C or SIGTERM). It prints these requests on startup:
//!
//! ```text
//! curl -i -H 'Authorization: Bearer testtoken' 'http://127.0.0.1:8000/items/'
//!     # 200, {"token":"testtoken"}
//! curl -i 'http://127.0.0.1:8000/items/'
//!     # 401, WWW-Authenticate: Bearer, {"detail":"Not authenticated"}
//! curl -i -H 'Authorization: Notexistent testtoken' 'http://127.0.0.1:8000/items/'
//!     # 401, WWW-Authenticate: Bearer, {"detail":"Not authenticated"}
//! curl -i -H 'Authorization: Bearer testtoken' 'http://127.0.0.1:8000/items?page=2'
//!     # 307, location: http://127.0.0.1:8000/items/?page=2
//! curl -i -H 'Authorization: Bearer "quoted"' 'http://127.0.0.1:8000/items/'
//!     # not a b64token -> 400, WWW-Authenticate: Bearer error="invalid_request", error_description="the bearer token is not a b64token (RFC 6750 section 2.1)", {"detail":"Invalid bearer token"}
//! ```
//!
//! # Differences from FastAPI
//!
//! * A bearer token that is not an RFC 6750 `b64token` (a quote, a space, a
//!   comma, non-ASCII) is `400` with `Bearer error="invalid_request"` where
//!   FastAPI echoes it (POLICY D6, D18).
//! * `Authorization: Bearer` with nothing (or only spaces) after it is
//!   missing credentials, `401`, where FastAPI answers `200 {"token":""}`
//!   (D7).
//! * Two `Authorization` lines are `400` where FastAPI reads the first (D10).
//! * warden writes no OpenAPI document: `/openapi.json` and `/docs` are
//!   `404`, so FastAPI's `test_openapi_schema` has no counterpart.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use axum::{Json, Router};
use serde_json::{Value, json};
use warden::{Auth, ConfigError, OAuth2PasswordBearer};
use warden_tutorials::{
    oauth2::{self, Call, Step},
    starlette,
};

/// The binary's name, for messages.
const NAME: &str = "security_tutorial001";

/// The only route.
const ITEMS: &str = "/items/";

/// Every route's path, for the slash redirects.
const ROUTES: &[&str] = &[ITEMS];

/// The application: `GET /items/` behind an OAuth2 password bearer.
///
/// # Errors
///
/// A scheme configuration error (none for the token URL `token`).
fn app() -> Result<Router, ConfigError> {
    let router = Router::new().route(ITEMS, starlette::get(read_items)).with_state(OAuth2PasswordBearer::new("token")?);
    Ok(starlette::routing(router, ROUTES))
}

/// `{"token": t}` for the bearer token `t`.
async fn read_items(Auth(token): Auth<OAuth2PasswordBearer>) -> Json<Value> {
    Json(json!({ "token": token.as_str() }))
}

/// The body of every `401` for a missing token.
const NOT_AUTHENTICATED: &str = warden_tutorials::NOT_AUTHENTICATED;

/// The requests of FastAPI's `tests/test_tutorial/test_security/test_tutorial001.py`.
const STEPS: &[Step] = &[
    Step::Call(Call::get(ITEMS, &[("Authorization", "Bearer testtoken")], 200, None, r#"{"token":"testtoken"}"#)),
    Step::Call(Call::get(ITEMS, &[], 401, Some("Bearer"), NOT_AUTHENTICATED)),
    Step::Call(Call::get(ITEMS, &[("Authorization", "Notexistent testtoken")], 401, Some("Bearer"), NOT_AUTHENTICATED)),
    Step::Call(Call {
        headers: &[("Authorization", "Bearer testtoken")],
        ..Call::redirect("/items?page=2", "/items/?page=2")
    }),
    Step::Call(
        Call::get(
            ITEMS,
            &[("Authorization", "Bearer \"quoted\"")],
            400,
            Some(
                r#"Bearer error="invalid_request", error_description="the bearer token is not a b64token (RFC 6750 section 2.1)""#,
            ),
            r#"{"detail":"Invalid bearer token"}"#,
        )
        .note("not a b64token"),
    ),
];

#[tokio::main]
async fn main() -> ExitCode {
    oauth2::serve(NAME, app, ITEMS, STEPS).await
}

/// The cases of FastAPI's `test_tutorial001.py`, with warden's answers.
#[cfg(test)]
mod tests {
    use warden_tutorials::testing::{self, Answer, Req, TEST_HOST, assert_detail};

    use super::*;

    /// A `401` with the bearer challenge and FastAPI's body.
    fn assert_not_authenticated(answer: &Answer) {
        assert_detail(answer, 401, Some("Bearer"), "Not authenticated");
    }

    /// FastAPI's tests request `/items`, which `TestClient` follows to `/items/`.
    async fn get_items(headers: &[(&str, &str)]) -> Answer {
        let mut request = Req::get("/items");
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.redirected(&app().unwrap(), &format!("http://{TEST_HOST}/items/")).await
    }

    /// `test_no_token`.
    #[tokio::test]
    async fn no_token() {
        assert_not_authenticated(&get_items(&[]).await);
    }

    /// `test_token`.
    #[tokio::test]
    async fn token() {
        let answer = get_items(&[("authorization", "Bearer testtoken")]).await;
        assert_eq!(answer.status, 200);
        assert!(answer.challenges().is_empty());
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert_eq!(answer.body, json!({"token": "testtoken"}));
    }

    /// `test_incorrect_token`: another scheme is no token.
    #[tokio::test]
    async fn incorrect_token() {
        assert_not_authenticated(&get_items(&[("authorization", "Notexistent testtoken")]).await);
    }

    /// Any b64token is echoed, and the scheme name is case-insensitive.
    #[tokio::test]
    async fn any_b64token_is_echoed() {
        let app = app().unwrap();
        for (header, token) in [
            ("Bearer abc.def-ghi_jkl~mno+pqr/stu==", "abc.def-ghi_jkl~mno+pqr/stu=="),
            ("bearer x", "x"),
            ("BEARER   spaced  ", "spaced"),
        ] {
            let answer = Req::get(ITEMS).header("authorization", header).send(&app).await;
            assert_eq!(answer.status, 200, "{header}");
            assert_eq!(answer.body, json!({ "token": token }));
        }
    }

    /// D6, D7, D10: what warden answers differently from FastAPI.
    #[tokio::test]
    async fn bearer_differences_from_fastapi() {
        let app = app().unwrap();
        // D7: FastAPI answers 200 {"token": ""}.
        for empty in ["Bearer", "Bearer   "] {
            assert_not_authenticated(&Req::get(ITEMS).header("authorization", empty).send(&app).await);
        }
        // D6: FastAPI echoes these.
        for bad in ["Bearer \"quoted\"", "Bearer a,b", "Bearer two words"] {
            let answer = Req::get(ITEMS).header("authorization", bad).send(&app).await;
            assert_eq!(answer.status, 400, "{bad}");
            assert!(answer.challenges()[0].starts_with(r#"Bearer error="invalid_request""#));
        }
        // D10: FastAPI takes the first line.
        let twice =
            Req::get(ITEMS).header("authorization", "Bearer a").header("authorization", "Bearer b").send(&app).await;
        assert_eq!(twice.status, 400);
    }

    /// The path without its slash is redirected before the token is looked
    /// at; other methods are `405`; unknown paths `404`.
    #[tokio::test]
    async fn routing_is_starlettes() {
        testing::assert_starlette_routing(&app().unwrap(), &[("GET", ITEMS)]).await;
    }

    /// Every request printed on startup gets the answer printed next to it.
    #[tokio::test]
    async fn printed_requests_get_the_printed_answers() {
        testing::replay(&app().unwrap(), STEPS).await;
    }

    /// The module documentation shows what the binary prints on port 8000.
    #[test]
    fn documentation_shows_the_printed_requests() {
        testing::assert_documented(include_str!("security_tutorial001.rs"), STEPS);
    }
}
