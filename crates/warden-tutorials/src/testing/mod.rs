//! Requests through a tutorial's app, as FastAPI's `TestClient` sends them,
//! and the checks every port's tests make: the printed requests get the
//! printed answers ([`replay`]), the module documentation shows what the
//! tutorial prints ([`assert_documented`]), the routes answer as Starlette's
//! around them ([`assert_starlette_routing`]).
//!
//! [`tries`] sends the printed requests of the Basic tutorials; [`jwt`] holds
//! what the tests of tutorials 004 and 005 share.
//!
//! These helpers are the tests' own: they panic, with the request in the
//! message, when an answer is not what a test expects.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers: a request that cannot be sent or an answer that cannot be read fails the test"
)]

pub mod jwt;
pub mod tries;

use std::collections::HashMap;

use axum::{
    Router,
    body::Body,
    http::{HeaderMap, Request, header},
};
use http_body_util::BodyExt as _;
use serde_json::Value;
use tower::ServiceExt as _;

use crate::oauth2::{Call, Field, Login, Step, TOKEN_PATH, form_body, listing};

/// The `Host` of `TestClient`'s requests.
pub const TEST_HOST: &str = "testserver";

/// What a client sees.
#[derive(Debug)]
pub struct Answer {
    /// The status.
    pub status: u16,
    /// The headers, as sent.
    pub headers: HeaderMap,
    /// The JSON body; `null` when there is none.
    pub body: Value,
    /// The body as sent.
    pub raw: String,
}

impl Answer {
    /// The `WWW-Authenticate` lines.
    pub fn challenges(&self) -> Vec<&str> {
        self.headers.get_all(header::WWW_AUTHENTICATE).iter().map(|value| value.to_str().unwrap()).collect()
    }

    /// The one value of the header `name`, if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|value| value.to_str().unwrap())
    }
}

/// A request: method, path and query, headers (with `Host`) and an
/// optional form body.
#[derive(Debug, Clone)]
pub struct Req {
    /// `GET`, `POST`, ….
    pub method: String,
    /// The path and query.
    pub uri: String,
    /// The headers (names in lower case), in the order sent.
    pub headers: Vec<(String, String)>,
    /// The form body, already encoded.
    pub form: Option<String>,
}

impl Req {
    /// `method uri` with `Host: testserver`.
    pub fn new(method: &str, uri: &str) -> Self {
        Self {
            method: method.to_owned(),
            uri: uri.to_owned(),
            headers: vec![("host".to_owned(), TEST_HOST.to_owned())],
            form: None,
        }
    }

    /// `GET uri` with `Host: testserver`.
    pub fn get(uri: &str) -> Self {
        Self::new("GET", uri)
    }

    /// `POST uri` with the form `fields`, encoded as curl and httpx do.
    pub fn post_form(uri: &str, fields: &[Field]) -> Self {
        Self::new("POST", uri).form(&form_body(fields))
    }

    /// Adds a header (a `host` replaces the default one).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if name.eq_ignore_ascii_case("host") {
            self.headers.retain(|(have, _)| have != "host");
        }
        self.headers.push((name.to_lowercase(), value.to_owned()));
        self
    }

    /// Removes the `Host` header.
    pub fn without_host(mut self) -> Self {
        self.headers.retain(|(name, _)| name != "host");
        self
    }

    /// `Authorization: Bearer token`.
    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    /// `Authorization: value`, when there is a value.
    pub fn authorization(self, value: Option<&str>) -> Self {
        match value {
            Some(value) => self.header("authorization", value),
            None => self,
        }
    }

    /// Sets the body, already encoded, with the form media type.
    pub fn form(mut self, body: &str) -> Self {
        self.form = Some(body.to_owned());
        self
    }

    /// Sends the request through `app`, once; the body must be JSON or
    /// empty.
    pub async fn send(&self, app: &Router) -> Answer {
        let mut answer = self.send_raw(app).await;
        if !answer.raw.is_empty() {
            answer.body = serde_json::from_str(&answer.raw).unwrap();
        }
        answer
    }

    /// Sends the request through `app`, once, keeping the body as text
    /// (`body` is `null`).
    pub async fn send_raw(&self, app: &Router) -> Answer {
        let mut request = Request::builder().method(self.method.as_str()).uri(self.uri.as_str());
        for (name, value) in &self.headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let request = match &self.form {
            Some(body) => {
                request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(body.clone()))
            }
            None => request.body(Body::empty()),
        };
        let response = app.clone().oneshot(request.unwrap()).await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Answer { status, headers, body: Value::Null, raw: String::from_utf8(bytes.to_vec()).unwrap() }
    }

    /// Sends the request through `app` and follows `307` redirects to
    /// the same host, as `TestClient` does (same method, headers and
    /// body): the answers in order, the last one final.
    pub async fn follow(&self, app: &Router) -> Vec<Answer> {
        let mut answers = Vec::new();
        let mut request = self.clone();
        loop {
            let answer = request.send(app).await;
            let next = match (answer.status, answer.header("location")) {
                (307, Some(location)) => {
                    let host = request.headers.iter().find(|(name, _)| name == "host").map(|(_, host)| host);
                    let origin = format!("http://{}", host.unwrap());
                    Some(location.strip_prefix(&origin).expect("a redirect to the same host").to_owned())
                }
                _ => None,
            };
            answers.push(answer);
            match next {
                Some(uri) if answers.len() < 5 => request.uri = uri,
                _ => return answers,
            }
        }
    }

    /// [`follow`](Self::follow), checking there was exactly one redirect,
    /// to `location`: the final answer.
    pub async fn redirected(&self, app: &Router, location: &str) -> Answer {
        let mut answers = self.follow(app).await;
        assert_eq!(answers.len(), 2, "{self:?} should be redirected once");
        let redirect = answers.remove(0);
        assert_eq!(redirect.status, 307);
        assert_eq!(redirect.header("location"), Some(location));
        assert_eq!(redirect.raw, "");
        assert_eq!(redirect.header("content-length"), Some("0"));
        assert_eq!(redirect.header("content-type"), None);
        answers.remove(0)
    }
}

/// Posts the login form `fields` to `/token` and returns the access token.
pub async fn login(app: &Router, fields: &[Field]) -> String {
    let answer = Req::post_form(TOKEN_PATH, fields).send(app).await;
    assert_eq!(answer.status, 200, "{fields:?}: {}", answer.raw);
    answer.body["access_token"].as_str().unwrap().to_owned()
}

/// A JSON `{"detail": detail}` answered `status` with the one challenge
/// `challenge`, or none.
pub fn assert_detail(answer: &Answer, status: u16, challenge: Option<&str>, detail: &str) {
    assert_eq!(answer.status, status, "{}", answer.raw);
    assert_eq!(answer.challenges(), Vec::from_iter(challenge));
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.body, serde_json::json!({ "detail": detail }));
}

/// The module documentation of the tutorial whose `source` this is shows
/// what it prints on port 8000: the listing of `steps`.
pub fn assert_documented(source: &str, steps: &[Step]) {
    assert_eq!(documented(source), listing(steps, "http://127.0.0.1:8000"));
}

/// Whether `actual` is `expected`, where a `…` in `expected` stands for
/// any text without a `"`.
pub fn matches(expected: &str, actual: &str) -> bool {
    match expected.split_once('…') {
        None => expected == actual,
        Some((before, after)) => {
            actual.len() >= before.len() + after.len()
                && actual.starts_with(before)
                && actual.ends_with(after)
                && !actual[before.len()..actual.len() - after.len()].contains('"')
        }
    }
}

/// Replays the printed `steps` through `app` as curl would send them to
/// `127.0.0.1:8000`, and checks every answer.
pub async fn replay(app: &Router, steps: &[Step]) {
    const BASE: &str = "http://127.0.0.1:8000";
    let mut tokens: HashMap<&str, String> = HashMap::new();
    for step in steps {
        match step {
            Step::Login(Login { var, form }) => {
                tokens.insert(var, login(app, form).await);
            }
            Step::Call(call @ Call { method, path, headers, form, .. }) => {
                let line = call.command(BASE);
                let mut request = Req::new(method, path).header("host", "127.0.0.1:8000");
                // The longest names first, so that `$ME` does not eat `$ME_ITEMS`.
                let mut vars: Vec<(&&str, &String)> = tokens.iter().collect();
                vars.sort_by_key(|(var, _)| std::cmp::Reverse(var.len()));
                for (name, value) in *headers {
                    let mut value = (*value).to_owned();
                    for (var, token) in &vars {
                        value = value.replace(&format!("${var}"), token);
                    }
                    assert!(!value.contains('$'), "{line}: no login sets {value}");
                    request = request.header(name, &value);
                }
                if !form.is_empty() {
                    request = request.form(&form_body(form));
                }
                let answer = request.send(app).await;
                assert_eq!(answer.status, call.status, "{line}: {}", answer.raw);
                assert_eq!(answer.challenges(), Vec::from_iter(call.challenge), "{line}");
                let location = call.location.map(|location| format!("{BASE}{location}"));
                assert_eq!(answer.header("location"), location.as_deref(), "{line}");
                assert!(matches(call.body, &answer.raw), "{line}: {}", answer.raw);
            }
        }
    }
}

/// Checks Starlette's routing answers for `routes` (each served for
/// `method`): the other spelling of each path is redirected with its
/// query string, another method is `405` with `Allow`, an unknown path
/// is `404` (the documentation paths too, for a tutorial port, which
/// serves none).
pub async fn assert_starlette_routing(app: &Router, routes: &[(&str, &str)]) {
    assert_starlette_routing_beside(app, routes, &[]).await;
}

/// [`assert_starlette_routing`] for an app that also serves `documentation`
/// (`/docs`, `/openapi.json`), which are not checked as unknown.
pub async fn assert_starlette_routing_beside(app: &Router, routes: &[(&str, &str)], documentation: &[&str]) {
    for &(method, path) in routes {
        let other = if path.ends_with('/') { path.trim_end_matches('/').to_owned() } else { format!("{path}/") };
        for (uri, location) in [
            (other.clone(), format!("http://{TEST_HOST}{path}")),
            (format!("{other}?q=1&r=a%20b"), format!("http://{TEST_HOST}{path}?q=1&r=a%20b")),
        ] {
            // Any method is redirected, before the route's own checks.
            for sent in ["GET", "POST", "DELETE"] {
                let answer = Req::new(sent, &uri).send(app).await;
                assert_eq!(answer.status, 307, "{sent} {uri}");
                assert_eq!(answer.header("location"), Some(location.as_str()), "{sent} {uri}");
                assert_eq!(answer.raw, "");
            }
        }
        // Without a Host header the address listened on is used, and the
        // bare path when that is not known either.
        let answer = Req::get(&other).without_host().send(app).await;
        assert_eq!(answer.header("location"), Some(path));
        // Every trailing slash goes, so `path//` only reaches a route without one.
        let answer = Req::get(&format!("{}//", path.trim_end_matches('/'))).send(app).await;
        if path.ends_with('/') {
            assert_eq!((answer.status, &answer.body), (404, &serde_json::json!({"detail": "Not Found"})));
        } else {
            assert_eq!(answer.status, 307);
            assert_eq!(answer.header("location"), Some(format!("http://{TEST_HOST}{path}").as_str()));
        }
        // Starlette routes the percent-decoded path: an escaped letter is
        // the route itself, and so is its other spelling's redirect.
        let trimmed = path.trim_end_matches('/');
        let (head, last) = trimmed.split_at(trimmed.len() - 1);
        let escaped = format!("{head}%{:02X}{}", last.as_bytes()[0], &path[trimmed.len()..]);
        let direct = Req::new(method, path).send(app).await;
        let answer = Req::new(method, &escaped).send(app).await;
        assert_eq!((answer.status, &answer.raw), (direct.status, &direct.raw), "{method} {escaped}");
        let escaped_other = format!("{head}%{:02X}{}", last.as_bytes()[0], &other[trimmed.len()..]);
        let answer = Req::get(&escaped_other).send(app).await;
        assert_eq!(answer.header("location"), Some(format!("http://{TEST_HOST}{path}").as_str()), "{escaped_other}");
        let wrong = if method == "GET" { ["POST", "HEAD", "PUT"] } else { ["GET", "HEAD", "PUT"] };
        for sent in wrong {
            let answer = Req::new(sent, path).send(app).await;
            assert_eq!(answer.status, 405, "{sent} {path}");
            assert_eq!(answer.header("allow"), Some(method), "{sent} {path}");
            assert_eq!(answer.header("content-type"), Some("application/json"));
            if sent != "HEAD" {
                assert_eq!(answer.body, serde_json::json!({"detail": "Method Not Allowed"}));
            }
        }
    }
    for unknown in ["/", "/nothing", "/nothing/", "/docs", "/openapi.json"] {
        if documentation.contains(&unknown) {
            continue;
        }
        let answer = Req::get(unknown).send(app).await;
        assert_eq!(answer.status, 404, "{unknown}");
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert_eq!(answer.body, serde_json::json!({"detail": "Not Found"}));
    }
}

/// The lines of the first ```` ```text ```` block of the `//!` documentation
/// in `source`, each ended by a newline.
pub fn documented(source: &str) -> String {
    source
        .lines()
        .filter_map(|line| line.strip_prefix("//!"))
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .skip_while(|line| *line != "```text")
        .skip(1)
        .take_while(|line| !line.starts_with("```"))
        .map(|line| format!("{line}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn an_ellipsis_matches_a_token() {
        assert!(matches(r#"{"t":"ab.…","x":1}"#, r#"{"t":"ab.cd.ef","x":1}"#));
        assert!(!matches(r#"{"t":"ab.…","x":1}"#, r#"{"t":"ab.c","y":"d","x":1}"#));
        assert!(!matches(r#"{"t":"ab.…","x":1}"#, r#"{"t":"xx","x":1}"#));
        assert!(matches("abc", "abc"));
    }
}
