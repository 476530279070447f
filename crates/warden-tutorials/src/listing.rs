//! The requests a Basic or API-key tutorial prints on startup, as curl
//! commands, each followed by the answer it gets (which the tutorial's tests
//! pin).

/// What a printed request sends besides the URL.
#[derive(Debug, Clone, Copy)]
pub enum Header {
    /// `curl -u user:password`: an `Authorization: Basic …` header.
    Basic(&'static str, &'static str),
    /// A header sent verbatim (several of one name are all sent).
    Raw(&'static str, &'static str),
}

/// A request printed on startup, and the answer it gets (pinned by the tests).
#[derive(Debug, Clone, Copy)]
pub struct Try {
    /// Appended to the path: `?api_key=…`.
    pub query: &'static str,
    /// The headers sent, in order.
    pub headers: &'static [Header],
    /// Printed before the answer: `johnsecret, no colon -> 401, …`.
    pub note: Option<&'static str>,
    /// The status of the answer.
    pub status: u16,
    /// The one `WWW-Authenticate` line of the answer, if any.
    pub challenge: Option<&'static str>,
    /// The body of the answer, as sent.
    pub body: &'static str,
}

/// A request with `headers`, no query and no note.
pub const fn with(headers: &'static [Header], status: u16, challenge: Option<&'static str>, body: &'static str) -> Try {
    Try { query: "", headers, note: None, status, challenge, body }
}

impl Try {
    /// The curl command for this request to `path` on `base` (`http://127.0.0.1:8000`).
    pub fn command(&self, base: &str, path: &str) -> String {
        let mut line = "curl -i".to_owned();
        for header in self.headers {
            match header {
                Header::Basic(user, password) => {
                    line.push_str(" -u ");
                    line.push_str(&shell_quote(&format!("{user}:{password}")));
                }
                Header::Raw(name, value) => {
                    line.push_str(" -H ");
                    line.push_str(&shell_quote(&format!("{name}: {value}")));
                }
            }
        }
        line.push(' ');
        line.push_str(&shell_quote(&format!("{base}{path}{}", self.query)));
        line
    }

    /// The expected answer: note, status, challenge, body.
    fn answer(&self) -> String {
        let note = self.note.map(|note| format!("{note} -> ")).unwrap_or_default();
        match self.challenge {
            Some(challenge) => format!("{note}{}, WWW-Authenticate: {challenge}, {}", self.status, self.body),
            None => format!("{note}{}, {}", self.status, self.body),
        }
    }
}

/// `tries` sent to `path` on `base`, each followed by its answer in a comment.
pub fn listing(tries: &[Try], base: &str, path: &str) -> String {
    let mut text = String::new();
    for attempt in tries {
        text.push_str(&format!("{}\n    # {}\n", attempt.command(base, path), attempt.answer()));
    }
    text
}

/// `text` in single quotes for a POSIX shell.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
