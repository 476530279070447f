//! The requests an OAuth2 tutorial prints on startup: logins that keep the
//! access token in a shell variable ([`Login`]), and requests that post a
//! form or send a kept token ([`Call`]), each followed by the answer it gets
//! (which the tutorial's tests pin, see [`crate::testing::replay`]).

use std::{fmt, process::ExitCode};

use axum::Router;

use crate::listing::shell_quote;

/// The path of the token endpoint every OAuth2 tutorial serves.
pub const TOKEN_PATH: &str = "/token";

/// A field of a form body, as `(name, value)` before encoding.
pub type Field = (&'static str, &'static str);

/// A line printed on startup.
#[derive(Debug, Clone, Copy)]
pub enum Step {
    /// `NAME=$(curl -s -d … /token | sed …)`: logs in and keeps the access
    /// token in the shell variable `NAME`, for the requests below.
    Login(Login),
    /// A request, followed by the answer it gets in a comment.
    Call(Call),
}

/// A login whose access token is kept in a shell variable.
#[derive(Debug, Clone, Copy)]
pub struct Login {
    /// The shell variable: `ME` is used as `$ME` in a header value.
    pub var: &'static str,
    /// The form posted to [`TOKEN_PATH`].
    pub form: &'static [Field],
}

/// A request and the answer it gets (pinned by the tests).
#[derive(Debug, Clone, Copy)]
pub struct Call {
    /// The method: `GET`, `POST`, ….
    pub method: &'static str,
    /// The path, with the query string if any.
    pub path: &'static str,
    /// Sent as they are, except that `$NAME` in a value is the token of the
    /// [`Login`] that set `NAME`.
    pub headers: &'static [(&'static str, &'static str)],
    /// The form body (`application/x-www-form-urlencoded`, as `curl -d`).
    pub form: &'static [Field],
    /// Printed before the answer: `no scope -> 401, …`.
    pub note: Option<&'static str>,
    /// The status of the answer.
    pub status: u16,
    /// The one `WWW-Authenticate` line of the answer, if any.
    pub challenge: Option<&'static str>,
    /// The path and query of the `Location` of a redirect, after the base URL.
    pub location: Option<&'static str>,
    /// The body as sent; `…` stands for any text without a `"` (a JWT).
    pub body: &'static str,
}

impl Call {
    /// `GET path` with `headers`, answered `status` with `challenge` and `body`.
    pub const fn get(
        path: &'static str,
        headers: &'static [(&'static str, &'static str)],
        status: u16,
        challenge: Option<&'static str>,
        body: &'static str,
    ) -> Self {
        Self { method: "GET", path, headers, form: &[], note: None, status, challenge, location: None, body }
    }

    /// `POST path` with the form `form`, answered `status` with `challenge` and `body`.
    pub const fn post(
        path: &'static str,
        form: &'static [Field],
        status: u16,
        challenge: Option<&'static str>,
        body: &'static str,
    ) -> Self {
        Self { method: "POST", path, headers: &[], form, note: None, status, challenge, location: None, body }
    }

    /// `GET path`, redirected (`307`, no body) to the base URL and `location`.
    pub const fn redirect(path: &'static str, location: &'static str) -> Self {
        Self { location: Some(location), ..Self::get(path, &[], 307, None, "") }
    }

    /// The same request with a note printed before its answer.
    pub const fn note(self, note: &'static str) -> Self {
        Self { note: Some(note), ..self }
    }

    /// The curl command for this request against `base` (`http://127.0.0.1:8000`).
    pub fn command(&self, base: &str) -> String {
        let mut line = "curl -i".to_owned();
        if self.form.is_empty() && self.method != "GET" {
            line.push_str(" -X ");
            line.push_str(self.method);
        }
        for (name, value) in self.headers {
            line.push_str(" -H ");
            line.push_str(&header_argument(name, value));
        }
        line.push_str(&form_arguments(self.form));
        line.push(' ');
        line.push_str(&shell_quote(&format!("{base}{}", self.path)));
        line
    }

    /// The expected answer: note, status, challenge, location, body.
    fn answer(&self, base: &str) -> String {
        let mut parts = vec![self.status.to_string()];
        if let Some(challenge) = self.challenge {
            parts.push(format!("WWW-Authenticate: {challenge}"));
        }
        if let Some(location) = self.location {
            parts.push(format!("location: {base}{location}"));
        }
        if !self.body.is_empty() {
            parts.push(self.body.to_owned());
        }
        let note = self.note.map(|note| format!("{note} -> ")).unwrap_or_default();
        format!("{note}{}", parts.join(", "))
    }
}

impl Login {
    /// The shell line that logs in against `base` and keeps the token.
    pub fn command(&self, base: &str) -> String {
        format!(
            "{}=$(curl -s{} {} | sed -E 's/.*\"access_token\":\"([^\"]*)\".*/\\1/')",
            self.var,
            form_arguments(self.form),
            shell_quote(&format!("{base}{TOKEN_PATH}")),
        )
    }
}

/// `-H 'name: value'`, or in double quotes when the value expands a variable.
fn header_argument(name: &str, value: &str) -> String {
    if value.contains('$') { format!("\"{name}: {value}\"") } else { shell_quote(&format!("{name}: {value}")) }
}

/// ` -d 'name=value'` per field (`--data-urlencode` for a value curl must encode).
fn form_arguments(form: &[Field]) -> String {
    let mut arguments = String::new();
    for (name, value) in form {
        let option = if value.bytes().all(is_unreserved) { "-d" } else { "--data-urlencode" };
        arguments.push_str(&format!(" {option} {}", shell_quote(&format!("{name}={value}"))));
    }
    arguments
}

/// RFC 3986 unreserved: what curl's `--data-urlencode` leaves as it is.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~".contains(&byte)
}

/// The form body curl sends for `form`: `name=value` joined by `&`, values
/// percent-encoded except unreserved characters.
pub fn form_body(form: &[Field]) -> String {
    let mut body = String::new();
    for (name, value) in form {
        if !body.is_empty() {
            body.push('&');
        }
        body.push_str(name);
        body.push('=');
        for byte in value.bytes() {
            if is_unreserved(byte) {
                body.push(char::from(byte));
            } else {
                body.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    body
}

/// `steps` against `base`, each request followed by its answer in a comment.
pub fn listing(steps: &[Step], base: &str) -> String {
    let mut text = String::new();
    for step in steps {
        match step {
            Step::Login(login) => text.push_str(&format!("{}\n", login.command(base))),
            Step::Call(call) => text.push_str(&format!("{}\n    # {}\n", call.command(base), call.answer(base))),
        }
    }
    text
}

/// The OAuth2 tutorial `name`'s `main`: [`serve`](crate::serve::serve), printing
/// the listing of `steps`.
pub async fn serve<E: fmt::Display>(
    name: &'static str,
    app: fn() -> Result<Router, E>,
    path: &str,
    steps: &'static [Step],
) -> ExitCode {
    crate::serve::serve(name, app, path, |base| listing(steps, base)).await
}

#[cfg(test)]
mod tests {
    use super::{Call, Login, form_body};

    #[test]
    fn printed_lines_are_shell_commands() {
        const FORM: &[(&str, &str)] = &[("username", "johndoe"), ("password", "secret"), ("scope", "me items")];
        let login = Login { var: "ME", form: FORM };
        assert_eq!(
            login.command("http://h:1"),
            "ME=$(curl -s -d 'username=johndoe' -d 'password=secret' --data-urlencode 'scope=me items' \
             'http://h:1/token' | sed -E 's/.*\"access_token\":\"([^\"]*)\".*/\\1/')"
        );
        assert_eq!(form_body(FORM), "username=johndoe&password=secret&scope=me%20items");
        let call = Call::get("/users/me/", &[("Authorization", "Bearer $ME")], 200, None, "{}");
        assert_eq!(call.command("http://h:1"), "curl -i -H \"Authorization: Bearer $ME\" 'http://h:1/users/me/'");
        let call = Call { method: "DELETE", ..Call::redirect("/a", "/a/") };
        assert_eq!(call.command("http://h:1"), "curl -i -X DELETE 'http://h:1/a'");
    }
}
