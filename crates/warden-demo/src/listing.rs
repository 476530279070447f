//! The requests the service prints on startup, each followed by the answer
//! it gets: the module documentation of `main.rs` shows them as printed on
//! port 8000, and the tests replay them.

use warden_tutorials::{
    NOT_AUTHENTICATED,
    oauth2::{Call, Field, Login, Step},
    users::{ALICE_ME, INCORRECT, JOHNDOE_ITEMS, JOHNDOE_JSON, JOHNDOE_ME, JOHNDOE_ME_ITEMS},
};

use crate::routes::{METRICS, STATUS, TOKEN_PATH, USERS_ME, USERS_ME_ITEMS, WHOAMI};

/// The body of a refused login, whatever the reason.
pub(crate) const INVALID_GRANT: &str =
    r#"{"error":"invalid_grant","error_description":"Incorrect username or password"}"#;

/// johndoe asking for `me admin`, a scope he does not hold.
const JOHNDOE_ME_ADMIN: &[Field] = &[("username", "johndoe"), ("password", "secret"), ("scope", "me admin")];

/// The requests printed on startup.
pub(crate) const STEPS: &[Step] = &[
    Step::Call(Call::post(
        TOKEN_PATH,
        JOHNDOE_ME_ITEMS,
        200,
        None,
        r#"{"access_token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.…","token_type":"bearer","expires_in":1800}"#,
    )),
    Step::Call(Call::post(TOKEN_PATH, &[("username", "johndoe"), ("password", "wrong")], 400, None, INVALID_GRANT)),
    Step::Call(Call::post(TOKEN_PATH, ALICE_ME, 400, None, INVALID_GRANT)),
    Step::Call(Call::post(
        TOKEN_PATH,
        JOHNDOE_ME_ADMIN,
        400,
        None,
        r#"{"error":"invalid_scope","error_description":"A requested scope is not granted to this user"}"#,
    )),
    Step::Login(Login { var: "ME_ITEMS", form: JOHNDOE_ME_ITEMS }),
    Step::Login(Login { var: "ME", form: JOHNDOE_ME }),
    Step::Call(Call::get(USERS_ME_ITEMS, &[("Authorization", "Bearer $ME_ITEMS")], 200, None, JOHNDOE_ITEMS)),
    Step::Call(Call::get(
        USERS_ME_ITEMS,
        &[("Authorization", "Bearer $ME")],
        403,
        Some(r#"Bearer error="insufficient_scope", scope="items me""#),
        r#"{"detail":"Not enough permissions"}"#,
    )),
    Step::Call(Call::get(USERS_ME, &[("Authorization", "Bearer $ME")], 200, None, JOHNDOE_JSON)),
    Step::Call(Call::get(STATUS, &[("Authorization", "Bearer $ME")], 200, None, r#"{"status":"ok"}"#)),
    Step::Call(Call::get(
        USERS_ME,
        &[("Authorization", "Bearer nonexistent")],
        401,
        Some(r#"Bearer error="invalid_token", error_description="the token is malformed""#),
        r#"{"detail":"Invalid token"}"#,
    )),
    Step::Call(Call::get(STATUS, &[], 401, Some("Bearer"), NOT_AUTHENTICATED)),
    Step::Call(Call::get(WHOAMI, &[("Authorization", "Basic am9obmRvZTpzZWNyZXQ=")], 200, None, JOHNDOE_JSON)),
    Step::Call(Call::get(
        WHOAMI,
        &[("Authorization", "Basic am9obmRvZTp3cm9uZw==")],
        401,
        Some(r#"Basic realm="warden demo", charset="UTF-8""#),
        INCORRECT,
    )),
    // alice's right password: disabled, answered like a wrong one.
    Step::Call(Call::get(
        WHOAMI,
        &[("Authorization", "Basic YWxpY2U6c2VjcmV0YWxpY2U=")],
        401,
        Some(r#"Basic realm="warden demo", charset="UTF-8""#),
        INCORRECT,
    )),
    Step::Call(Call::get(METRICS, &[], 401, Some("APIKey"), NOT_AUTHENTICATED)),
];

#[cfg(test)]
mod tests {
    use warden_tutorials::testing;

    use super::*;
    use crate::{
        routes::{DOCS_PATH, OPENAPI_PATH},
        test_support::{TempDir, open_blocking},
    };

    /// Every request printed on startup gets the answer printed next to it,
    /// and the routes answer like FastAPI's around them.
    #[tokio::test]
    async fn printed_requests_get_the_printed_answers() {
        let dir = TempDir::new();
        let app = open_blocking(dir.db(), None).await.app;
        testing::replay(&app, STEPS).await;
        let routes = [
            ("POST", TOKEN_PATH),
            ("GET", USERS_ME),
            ("GET", USERS_ME_ITEMS),
            ("GET", STATUS),
            ("GET", WHOAMI),
            ("GET", METRICS),
        ];
        testing::assert_starlette_routing_beside(&app, &routes, &[OPENAPI_PATH, DOCS_PATH]).await;
    }

    /// The module documentation shows what the service prints on port 8000.
    #[test]
    fn documentation_shows_the_printed_requests() {
        testing::assert_documented(include_str!("main.rs"), STEPS);
    }
}
