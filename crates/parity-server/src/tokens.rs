//! ROUTES.md 4.6: the token endpoints `POST /token`, `/token-echo` and
//! `/token-strict`, on warden's OAuth2 password request forms.
//!
//! The form errors (D12, D19) are warden's; `/token`'s own `400`s are
//! application errors answered as FastAPI's tutorial does (D20). Any other
//! method on these paths gets `405`, `Allow: POST` and
//! `{"detail":"Method Not Allowed"}` (ROUTES.md section 1).

use axum::{
    Json,
    handler::Handler,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};
use warden::{
    OAuth2PasswordRequestForm, OAuth2PasswordRequestFormStrict, Secret, TokenResponse,
    openapi::{DocumentHandlerArgs, MethodRoutes, Routes, post},
};

use crate::token_format::user;

/// Compared with when the user is unknown, so that an unknown user costs the
/// same comparison as a wrong password.
const NO_USER_PASSWORD: &str = "\0no user\0";

/// True when `username` is a user of ROUTES.md 4.5 and `password` is theirs,
/// compared in constant time. Disabled users still get a token.
fn authenticate(username: &str, password: &Secret) -> bool {
    let user = user(username);
    let expected = user.map_or(NO_USER_PASSWORD, |user| user.password);
    let password_matches = password.ct_eq(expected);
    user.is_some() & password_matches
}

/// A scope that can go into a token: the b64token alphabet without `.` (the
/// separator) and `=` (ROUTES.md 4.6).
fn is_token_scope(scope: &str) -> bool {
    scope.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'~' | b'+' | b'/'))
}

/// `400 {"detail": detail}`: an application error (D20).
fn bad_request(detail: &'static str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "detail": detail }))).into_response()
}

/// `POST /token`: checks the user, then the scopes, and answers
/// `{"access_token": "<username>.<scope>…", "token_type": "bearer"}`.
async fn token(form: OAuth2PasswordRequestForm) -> Response {
    if !authenticate(&form.username, &form.password) {
        return bad_request("Incorrect username or password");
    }
    if !form.scopes.iter().all(|scope| is_token_scope(scope)) {
        return bad_request("Invalid scope");
    }
    let mut access_token = form.username;
    for scope in &form.scopes {
        access_token.push('.');
        access_token.push_str(scope);
    }
    TokenResponse::bearer(access_token).into_response()
}

/// The echo of `/token-echo` and `/token-strict`; absent fields are `null`.
fn echo(form: &OAuth2PasswordRequestForm) -> Json<Value> {
    Json(json!({
        "grant_type": form.grant_type,
        "username": form.username,
        "password": form.password.expose(),
        "scopes": form.scopes,
        "client_id": form.client_id,
        "client_secret": form.client_secret.as_ref().map(Secret::expose),
    }))
}

async fn token_echo(form: OAuth2PasswordRequestForm) -> Json<Value> {
    echo(&form)
}

async fn token_strict(form: OAuth2PasswordRequestFormStrict) -> Json<Value> {
    echo(&form)
}

/// The `405` of ROUTES.md section 1. axum adds `Allow` with the methods the
/// route serves (`POST`).
async fn method_not_allowed() -> Response {
    (StatusCode::METHOD_NOT_ALLOWED, Json(json!({ "detail": "Method Not Allowed" }))).into_response()
}

/// A POST-only route that answers other methods with [`method_not_allowed`].
fn post_only<H, T>(handler: H) -> MethodRoutes
where
    H: Handler<T, ()>,
    T: DocumentHandlerArgs<()> + 'static,
{
    post(handler).fallback(method_not_allowed)
}

/// `POST /token`, `/token-echo` and `/token-strict`.
pub fn router() -> Routes {
    Routes::new()
        .route("/token", post_only(token))
        .route("/token-echo", post_only(token_echo))
        .route("/token-strict", post_only(token_strict))
}

#[cfg(test)]
mod tests {
    //! Every `/token*` vector of `shared/conformance/vectors.json`, and the
    //! D12/D19/D20/D22 cases POLICY.md names, replayed with `oneshot`.

    use axum::{
        body::Body,
        http::{HeaderValue, Method, Request},
    };
    use http_body_util::BodyExt as _;
    use serde_json::{Value, json};
    use tower::ServiceExt as _;

    use super::{is_token_scope, router};

    const FORM: &str = "application/x-www-form-urlencoded";

    /// What a vector expects: the whole body, or members it must contain.
    enum Expect {
        Body(Value),
        Contains(&'static str),
    }

    struct Answer {
        status: u16,
        headers: axum::http::HeaderMap,
        body: Value,
    }

    async fn send(method: Method, path: &str, content_type: Option<&[u8]>, body: &[u8]) -> Answer {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(content_type) = content_type {
            request = request.header("content-type", HeaderValue::from_bytes(content_type).unwrap());
        }
        let request = request.body(Body::from(body.to_vec())).unwrap();
        let response = router().into_router().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Answer { status, headers, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) }
    }

    /// Replays one vector: `POST path` with `content_type` and `body`.
    async fn vector(id: &str, path: &str, content_type: Option<&[u8]>, body: &[u8], status: u16, expect: Expect) {
        let answer = send(Method::POST, path, content_type, body).await;
        assert_eq!(answer.status, status, "{id}: {}", answer.body);
        assert_eq!(answer.headers["content-type"], "application/json", "{id}");
        assert!(answer.headers.get("www-authenticate").is_none(), "{id}");
        match expect {
            Expect::Body(body) => assert_eq!(answer.body, body, "{id}"),
            Expect::Contains(error) => assert_eq!(answer.body["error"], error, "{id}: {}", answer.body),
        }
    }

    /// A form vector.
    async fn form(id: &str, path: &str, body: &[u8], status: u16, expect: Expect) {
        vector(id, path, Some(FORM.as_bytes()), body, status, expect).await;
    }

    fn echo(grant_type: Option<&str>, username: &str, password: &str, scopes: &[&str]) -> Expect {
        Expect::Body(json!({
            "grant_type": grant_type, "username": username, "password": password, "scopes": scopes,
            "client_id": null, "client_secret": null,
        }))
    }

    fn detail(detail: &str) -> Expect {
        Expect::Body(json!({ "detail": detail }))
    }

    fn bearer(token: &str) -> Expect {
        Expect::Body(json!({ "access_token": token, "token_type": "bearer" }))
    }

    #[tokio::test]
    async fn token_vectors() {
        form("token/valid-no-grant-type", "/token", b"username=alice&password=secret", 200, bearer("alice")).await;
        form(
            "token/disabled-user-with-scope",
            "/token",
            b"username=bob&password=secret&scope=me",
            200,
            bearer("bob.me"),
        )
        .await;
        form(
            "token/scope-with-equals",
            "/token",
            b"username=alice&password=secret&scope=me%3D",
            400,
            detail("Invalid scope"),
        )
        .await;
        form(
            "token/scope-tab",
            "/token",
            b"username=alice&password=secret&scope=me%09items",
            400,
            detail("Invalid scope"),
        )
        .await;
        form(
            "token/unknown-user",
            "/token",
            b"grant_type=password&username=mallory&password=secret",
            400,
            detail("Incorrect username or password"),
        )
        .await;
        // Named in POLICY.md D19/D20 but not in the public subset.
        form(
            "token/wrong-password",
            "/token",
            b"grant_type=password&username=alice&password=wrong",
            400,
            detail("Incorrect username or password"),
        )
        .await;
        form(
            "token/scope-with-colon",
            "/token",
            b"username=alice&password=secret&scope=items:read",
            400,
            detail("Invalid scope"),
        )
        .await;
        form(
            "token/wrong-grant-type",
            "/token",
            b"grant_type=client_credentials&username=alice&password=secret",
            400,
            Expect::Contains("unsupported_grant_type"),
        )
        .await;
        form("token/scopes", "/token", b"username=alice&password=secret&scope=me+items", 200, bearer("alice.me.items"))
            .await;
        form(
            "token/scope-alphabet",
            "/token",
            b"username=alice&password=secret&scope=A-z_0~9%2B%2F",
            200,
            bearer("alice.A-z_0~9+/"),
        )
        .await;
        form(
            "token/scope-with-dot",
            "/token",
            b"username=alice&password=secret&scope=me.items",
            400,
            detail("Invalid scope"),
        )
        .await;
        form(
            "token/wrong-password-before-invalid-scope",
            "/token",
            b"username=alice&password=nope&scope=a:b",
            400,
            detail("Incorrect username or password"),
        )
        .await;
        form("token/missing-password", "/token", b"username=alice", 400, Expect::Contains("invalid_request")).await;
    }

    #[tokio::test]
    async fn token_echo_vectors() {
        form(
            "token-echo/full",
            "/token-echo",
            b"grant_type=password&username=alice&password=secret&scope=a%20b&client_id=cid&client_secret=csec",
            200,
            Expect::Body(json!({"grant_type": "password", "username": "alice", "password": "secret",
                                "scopes": ["a", "b"], "client_id": "cid", "client_secret": "csec"})),
        )
        .await;
        form(
            "token-echo/minimal",
            "/token-echo",
            b"username=alice&password=secret",
            200,
            echo(None, "alice", "secret", &[]),
        )
        .await;
        form(
            "token-echo/scope-whitespace",
            "/token-echo",
            b"username=u&password=p&scope=%20a%20%20b%09c%0Ad%20",
            200,
            echo(None, "u", "p", &["a", "b\tc\nd"]),
        )
        .await;
        form(
            "token-echo/scope-plus",
            "/token-echo",
            b"username=u&password=p&scope=me+items",
            200,
            echo(None, "u", "p", &["me", "items"]),
        )
        .await;
        form(
            "token-echo/scope-duplicates",
            "/token-echo",
            b"username=u&password=p&scope=a%20a%20b",
            200,
            echo(None, "u", "p", &["a", "a", "b"]),
        )
        .await;
        for (id, body) in [
            ("token-echo/grant-type-trailing-newline", &b"grant_type=password%0A&username=u&password=p"[..]),
            ("token-echo/grant-type-leading-space", b"grant_type=%20password&username=u&password=p"),
            ("token-echo/grant-type-other", b"grant_type=refresh_token&username=u&password=p"),
        ] {
            form(id, "/token-echo", body, 400, Expect::Contains("unsupported_grant_type")).await;
        }
        form("token-echo/username-space", "/token-echo", b"username=%20&password=%20", 200, echo(None, " ", " ", &[]))
            .await;
        form(
            "token-echo/username-utf8",
            "/token-echo",
            b"username=j%C3%B6hn&password=p%C3%A4ss",
            200,
            echo(None, "jöhn", "päss", &[]),
        )
        .await;
        form(
            "token-echo/repeated-username",
            "/token-echo",
            b"username=first&username=second&password=p",
            400,
            Expect::Contains("invalid_request"),
        )
        .await;
        form(
            "token-echo/repeated-username-empty-first",
            "/token-echo",
            b"username=&username=bob&password=p",
            400,
            Expect::Contains("invalid_request"),
        )
        .await;
        vector(
            "token-echo/charset-param",
            "/token-echo",
            Some(b"application/x-www-form-urlencoded; charset=utf-8"),
            b"username=u&password=p",
            200,
            echo(None, "u", "p", &[]),
        )
        .await;
        vector(
            "token-echo/json-body",
            "/token-echo",
            Some(b"application/json"),
            br#"{"username": "u", "password": "p"}"#,
            400,
            Expect::Contains("invalid_request"),
        )
        .await;
        vector(
            "token-echo/multipart",
            "/token-echo",
            Some(b"multipart/form-data; boundary=b"),
            b"--b\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nu\r\n--b\r\n\
              Content-Disposition: form-data; name=\"password\"\r\n\r\np\r\n--b--\r\n",
            400,
            Expect::Contains("invalid_request"),
        )
        .await;
        vector(
            "token-echo/no-content-type",
            "/token-echo",
            None,
            b"username=u&password=p",
            400,
            Expect::Contains("invalid_request"),
        )
        .await;
        form(
            "token-echo/raw-latin1-byte",
            "/token-echo",
            b"username=caf\xe9&password=p",
            200,
            echo(None, "caf\u{fffd}", "p", &[]),
        )
        .await;
        form(
            "token-echo/username-raw-utf8",
            "/token-echo",
            "username=jöhn&password=p".as_bytes(),
            200,
            echo(None, "jöhn", "p", &[]),
        )
        .await;
    }

    #[tokio::test]
    async fn token_strict_vectors() {
        for (id, body) in [
            ("token-strict/grant-type-uppercase", &b"grant_type=PASSWORD&username=u&password=p"[..]),
            ("token-strict/grant-type-trailing-newline", b"grant_type=password%0A&username=u&password=p"),
        ] {
            form(id, "/token-strict", body, 400, Expect::Contains("unsupported_grant_type")).await;
        }
        for (id, body) in [
            ("token-strict/password-empty", &b"grant_type=password&username=u&password="[..]),
            ("token-strict/missing-all", b""),
            ("token-strict/missing-grant-type", b"username=u&password=p"),
            ("token-strict/repeated-grant-type", b"grant_type=refresh_token&grant_type=password&username=u&password=p"),
        ] {
            form(id, "/token-strict", body, 400, Expect::Contains("invalid_request")).await;
        }
        let password = Some("password");
        form(
            "token-strict/minimal",
            "/token-strict",
            b"grant_type=password&username=u&password=p",
            200,
            echo(password, "u", "p", &[]),
        )
        .await;
        form(
            "token-strict/username-space",
            "/token-strict",
            b"grant_type=password&username=%20&password=%20",
            200,
            echo(password, " ", " ", &[]),
        )
        .await;
        form(
            "token-strict/username-invalid-utf8",
            "/token-strict",
            b"grant_type=password&username=%FF&password=p",
            200,
            echo(password, "\u{fffd}", "p", &[]),
        )
        .await;
        form(
            "token-strict/plus-in-password",
            "/token-strict",
            b"grant_type=password&username=u&password=a+b%2Bc",
            200,
            echo(password, "u", "a b+c", &[]),
        )
        .await;
        for (id, content_type) in [
            ("token-strict/charset-param", &b"application/x-www-form-urlencoded; charset=utf-8"[..]),
            ("token-strict/content-type-uppercase", b"APPLICATION/X-WWW-FORM-URLENCODED"),
        ] {
            let body = b"grant_type=password&username=u&password=p";
            vector(id, "/token-strict", Some(content_type), body, 200, echo(password, "u", "p", &[])).await;
        }
        form(
            "token-strict/username-raw-utf8",
            "/token-strict",
            "grant_type=password&username=jöhn&password=p".as_bytes(),
            200,
            echo(password, "jöhn", "p", &[]),
        )
        .await;
        form(
            "token-strict/repeated-unknown-field",
            "/token-strict",
            b"grant_type=password&username=u&password=p&foo=1&foo=2",
            200,
            echo(password, "u", "p", &[]),
        )
        .await;
    }

    #[tokio::test]
    async fn other_methods_get_405_with_allow_post() {
        for path in ["/token", "/token-echo", "/token-strict"] {
            for method in [Method::GET, Method::PUT, Method::DELETE, Method::PATCH, Method::OPTIONS, Method::HEAD] {
                let answer = send(method.clone(), path, None, b"").await;
                assert_eq!(answer.status, 405, "{method} {path}");
                let allow: Vec<_> = answer.headers.get_all("allow").iter().collect();
                assert_eq!(allow, ["POST"], "{method} {path}");
                assert_eq!(answer.headers["content-type"], "application/json", "{method} {path}");
                // A HEAD answer has no body (RFC 9110 §9.3.2); axum drops it.
                let body = if method == Method::HEAD { Value::Null } else { json!({"detail": "Method Not Allowed"}) };
                assert_eq!(answer.body, body, "{method} {path}");
            }
        }
    }

    #[tokio::test]
    async fn token_answers_are_not_cached() {
        let answer = send(Method::POST, "/token", Some(FORM.as_bytes()), b"username=alice&password=secret").await;
        assert_eq!(answer.headers["cache-control"], "no-store");
        let answer = send(Method::POST, "/token", Some(b"text/plain"), b"").await;
        assert_eq!(answer.headers["cache-control"], "no-store");
    }

    #[test]
    fn token_scopes_are_b64token_characters_without_dot_and_equals() {
        assert!(is_token_scope("Az09-_~+/"));
        for scope in ["a.b", "a=", "a:b", "a,b", "a\tb", "é", "\"a\""] {
            assert!(!is_token_scope(scope), "{scope:?}");
        }
    }
}
