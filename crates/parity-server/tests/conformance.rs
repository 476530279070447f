//! Every conformance vector, replayed against the parity server.
//!
//! The vectors (`tests/conformance/vectors.json`, vendored from
//! `shared/conformance/`; see the README there) are requests recorded against
//! the FastAPI reference app, each with what warden must answer (`expect`,
//! ROUTES.md section 5). This test is a Rust port of `replay.py`, the
//! contract's own client, which CI runs as well:
//!
//! * each vector goes over a fresh TCP connection to a parity server started
//!   here on `127.0.0.1`, as raw bytes: the request line, `Host`, the
//!   vector's headers in order (duplicates included, one byte per character,
//!   ISO-8859-1), `Content-Type`, `Content-Length`, `Connection: close`;
//! * the answer is read to the end of the connection and parsed as
//!   `replay.py` parses it (every value of a repeated header, chunked or
//!   `Content-Length` bodies);
//! * it is compared field by field as `replay.py` compares it: status,
//!   the whole `WWW-Authenticate` list, a challenge's `error` auth-param,
//!   `Content-Type`, the parsed body (whole, `null`, or the members it must
//!   contain), and `allow`/`x-custom`/`x-failed`;
//! * vectors whose basis is `n/a` are skipped; every failure is printed as a
//!   block (id, basis, note, why, request, each field expected and got), then
//!   `N passed, M failed[, K skipped]`, and the test fails if M > 0.
//!
//! Two differences: JSON bodies are compared as JSON values, where
//! `replay.py` compares Python objects, for which `true == 1` and
//! `false == 0`; here `true` equals only `true`, and numbers compare by value
//! (`1 == 1.0`) as in Python. And a failure block prints an expected body with
//! its keys sorted, where `replay.py` keeps the file's order.
//!
//! `cargo test -p parity-server --test conformance -- --nocapture` prints the
//! summary line when every vector passes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::{collections::BTreeMap, fmt::Write as _, net::SocketAddr, time::Duration};

use serde::Deserialize;
use serde_json::{Map, Value};
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::{TcpListener, TcpStream},
    time::timeout,
};

/// The vendored vector file.
const VECTORS: &str = include_str!("conformance/vectors.json");

/// The response headers compared besides `WWW-Authenticate` and `Content-Type`.
const EXTRA_HEADERS: [&str; 3] = ["allow", "x-custom", "x-failed"];

/// `replay.py`'s default per-operation socket timeout.
const TIMEOUT: Duration = Duration::from_secs(10);

// ------------------------------------------------------------------ the vector file

/// One vector (ROUTES.md section 5). Unknown fields are refused: a field the
/// format gains must be looked at here before the test can pass again.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Vector {
    id: String,
    /// `replay.py --only` selects on it; this test replays every vector.
    #[allow(dead_code)]
    route: String,
    method: String,
    request: RequestSpec,
    /// FastAPI's recorded answer; the default (policy) comparison does not use it.
    #[allow(dead_code)]
    response: Value,
    basis: Option<String>,
    also: Option<Vec<String>>,
    note: Option<String>,
    why: Option<String>,
    expect: Option<Expect>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestSpec {
    path: String,
    /// `None`: no `?` in the target; `Some("")`: the target ends in `?`.
    query: Option<String>,
    headers: Vec<(String, String)>,
    body: Option<String>,
    content_type: Option<String>,
}

/// What warden must answer. `None` (JSON `null`) means "not compared".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    status: u64,
    www_authenticate: Option<Vec<String>>,
    /// `"<Scheme> <code>"`: some challenge of that scheme has `error=<code>`.
    challenge_error: Option<String>,
    content_type: Option<String>,
    body: Option<Value>,
    #[serde(default)]
    body_is_null: bool,
    body_contains: Option<Map<String, Value>>,
    headers: Option<BTreeMap<String, Vec<String>>>,
}

impl Vector {
    fn target(&self) -> String {
        match &self.request.query {
            None => self.request.path.clone(),
            Some(query) => format!("{}?{query}", self.request.path),
        }
    }
}

// ------------------------------------------------------------------ the wire

/// The bytes of `text`, one per character (ISO-8859-1), or why it has none.
fn latin1(text: &str) -> Result<Vec<u8>, String> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).map_err(|_| format!("{c:?} has no ISO-8859-1 byte, in {}", esc(text, 160))))
        .collect()
}

/// The characters of `bytes`, one per byte (ISO-8859-1).
fn from_latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The request exactly as `replay.py` (and the recorder) writes it.
fn build_request(vector: &Vector, addr: SocketAddr) -> Result<Vec<u8>, String> {
    let request = &vector.request;
    let mut lines = vec![latin1(&format!("{} {} HTTP/1.1", vector.method, vector.target()))?];
    lines.push(latin1(&format!("Host: {}:{}", addr.ip(), addr.port()))?);
    for (name, value) in &request.headers {
        lines.push([latin1(name)?, b": ".to_vec(), latin1(value)?].concat());
    }
    if let Some(content_type) = &request.content_type {
        lines.push([b"Content-Type: ".to_vec(), latin1(content_type)?].concat());
    }
    let mut body = Vec::new();
    if let Some(text) = &request.body {
        body = latin1(text)?;
        lines.push(format!("Content-Length: {}", body.len()).into_bytes());
    }
    lines.push(b"Connection: close".to_vec());
    let mut bytes = lines.join(&b"\r\n"[..]);
    bytes.extend_from_slice(b"\r\n\r\n");
    bytes.extend_from_slice(&body);
    Ok(bytes)
}

/// Connects, sends `request`, and reads until the server closes the
/// connection; each step has [`TIMEOUT`], as `replay.py`'s socket has.
async fn exchange(addr: SocketAddr, request: &[u8]) -> Result<Vec<u8>, String> {
    let mut stream = timeout(TIMEOUT, TcpStream::connect(addr))
        .await
        .map_err(|_| "connect timed out".to_owned())?
        .map_err(|error| format!("connect: {error}"))?;
    timeout(TIMEOUT, stream.write_all(request))
        .await
        .map_err(|_| "send timed out".to_owned())?
        .map_err(|error| format!("send: {error}"))?;
    let mut response = Vec::new();
    let mut chunk = vec![0; 65536];
    loop {
        let read = timeout(TIMEOUT, stream.read(&mut chunk))
            .await
            .map_err(|_| format!("timed out after {} bytes of the response", response.len()))?
            .map_err(|error| format!("receive: {error}"))?;
        if read == 0 {
            return Ok(response);
        }
        response.extend_from_slice(&chunk[..read]);
    }
}

/// A response as `replay.py` sees it.
#[derive(Debug)]
struct Response {
    status: u64,
    /// Lower-case name → every value, in order.
    headers: BTreeMap<String, Vec<String>>,
    body: Vec<u8>,
}

/// `bytes` cut at every `separator` (Python's `bytes.split(separator)`).
fn split<'a>(bytes: &'a [u8], separator: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = bytes;
    while let Some(at) = find(rest, separator) {
        parts.push(&rest[..at]);
        rest = &rest[at + separator.len()..];
    }
    parts.push(rest);
    parts
}

/// What comes before and after the first `separator`, or `(bytes, None)`
/// when there is none (Python's `bytes.partition`).
fn partition<'a>(bytes: &'a [u8], separator: &[u8]) -> (&'a [u8], Option<&'a [u8]>) {
    match find(bytes, separator) {
        Some(at) => (&bytes[..at], Some(&bytes[at + separator.len()..])),
        None => (bytes, None),
    }
}

fn find(bytes: &[u8], needle: &[u8]) -> Option<usize> {
    bytes.windows(needle.len()).position(|window| window == needle)
}

/// Python's `bytes.strip()`: ASCII whitespace, vertical tab included.
fn strip(bytes: &[u8]) -> &[u8] {
    strip_with(bytes, |b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c'))
}

fn strip_with(mut bytes: &[u8], strip: impl Fn(u8) -> bool) -> &[u8] {
    while let [first, rest @ ..] = bytes
        && strip(*first)
    {
        bytes = rest;
    }
    while let [rest @ .., last] = bytes
        && strip(*last)
    {
        bytes = rest;
    }
    bytes
}

/// Python's `int(text, radix)` for what a server sends: digits, perhaps
/// surrounded by whitespace.
fn parse_int(bytes: &[u8], radix: u32) -> Result<u64, String> {
    let text = from_latin1(strip(bytes));
    u64::from_str_radix(&text, radix).map_err(|_| format!("invalid literal for int() with base {radix}: {text:?}"))
}

fn parse_response(raw: &[u8]) -> Result<Response, String> {
    if raw.is_empty() {
        return Err("connection closed without a response".to_owned());
    }
    let (head, Some(mut rest)) = partition(raw, b"\r\n\r\n") else {
        return Err(format!("incomplete response head: {}", esc(&from_latin1(&raw[..raw.len().min(200)]), 160)));
    };
    let head_lines = split(head, b"\r\n");
    let parts = split(head_lines[0], b" ");
    if parts.len() < 2
        || !parts[0].starts_with(b"HTTP/")
        || parts[1].is_empty()
        || !parts[1].iter().all(u8::is_ascii_digit)
    {
        return Err(format!("bad status line: {}", esc(&from_latin1(head_lines[0]), 160)));
    }
    let status = parse_int(parts[1], 10)?;
    let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in &head_lines[1..] {
        let (name, value) = partition(line, b":");
        let value = strip_with(value.unwrap_or_default(), |b| b == b' ' || b == b'\t');
        headers.entry(from_latin1(&strip(name).to_ascii_lowercase())).or_default().push(from_latin1(value));
    }
    let mut body = Vec::new();
    if headers.get("transfer-encoding").is_some_and(|values| values.join(",").to_lowercase().contains("chunked")) {
        while !rest.is_empty() {
            let (size_line, after) = partition(rest, b"\r\n");
            rest = after.unwrap_or_default();
            let size = parse_int(partition(size_line, b";").0, 16)?;
            if size == 0 {
                break;
            }
            let size = usize::try_from(size).map_err(|_| format!("chunk size {size}"))?;
            body.extend_from_slice(&rest[..size.min(rest.len())]);
            rest = rest.get(size.saturating_add(2)..).unwrap_or_default();
        }
    } else if let Some(length) = headers.get("content-length") {
        let length = usize::try_from(parse_int(length[0].as_bytes(), 10)?).map_err(|_| "content-length".to_owned())?;
        body.extend_from_slice(&rest[..length.min(rest.len())]);
    } else {
        body.extend_from_slice(rest);
    }
    Ok(Response { status, headers, body })
}

// ------------------------------------------------------------------ comparison

/// What is compared of a response (`replay.py`'s `got_view`).
#[derive(Debug)]
struct Got {
    status: u64,
    www_authenticate: Vec<String>,
    content_type: Option<String>,
    /// `None`: the body is not UTF-8 JSON.
    body: Option<Value>,
    body_text: String,
    extra: BTreeMap<&'static str, Vec<String>>,
}

impl Got {
    fn new(response: Response) -> Self {
        let header = |name: &str| response.headers.get(name).cloned().unwrap_or_default();
        let (body, body_text) = match String::from_utf8(response.body) {
            Ok(text) => (serde_json::from_str(&text).ok(), text),
            Err(error) => (None, format!("<{} bytes, not UTF-8>", error.as_bytes().len())),
        };
        Self {
            status: response.status,
            www_authenticate: header("www-authenticate"),
            content_type: header("content-type").into_iter().next(),
            body,
            body_text,
            extra: EXTRA_HEADERS.iter().map(|&name| (name, header(name))).collect(),
        }
    }

    /// The values of `name` if it is one of [`EXTRA_HEADERS`]; no others
    /// are read (a vector naming another header expects it absent).
    fn extra(&self, name: &str) -> Vec<String> {
        self.extra.get(name).cloned().unwrap_or_default()
    }
}

/// JSON equality with Python's numbers: `1 == 1.0`, but `true != 1`.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (integer(x), integer(y)) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(key, x)| y.get(key).is_some_and(|y| same_json(x, y)))
        }
        _ => a == b,
    }
}

fn integer(number: &serde_json::Number) -> Option<i128> {
    number.as_i64().map(i128::from).or_else(|| number.as_u64().map(i128::from))
}

/// Python's `str.isspace` (and the regex `\s`) on one character: Unicode
/// whitespace, and the separators U+001C..U+001F.
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// `tchar` of RFC 9110 section 5.6.2.
fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// One auth-param of `params` starting at `pos`, as `replay.py`'s regex
/// `\s*(token)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*)\s*(?:,|$)` matches it:
/// `(name, raw value, end)`.
fn auth_param(params: &[char], pos: usize) -> Option<(String, String, usize)> {
    let skip_space = |mut at: usize| {
        while at < params.len() && is_space(params[at]) {
            at += 1;
        }
        at
    };
    // The regex's `$` also matches before a final newline, which `\s*` has
    // already consumed by then.
    let ends_item = |at: usize| {
        let at = skip_space(at);
        if at == params.len() {
            Some(at)
        } else if params[at] == ',' {
            Some(at + 1)
        } else {
            None
        }
    };
    let start = skip_space(pos);
    let mut at = start;
    while at < params.len() && is_tchar(params[at]) {
        at += 1;
    }
    if at == start {
        return None;
    }
    let name: String = params[start..at].iter().collect();
    at = skip_space(at);
    if params.get(at) != Some(&'=') {
        return None;
    }
    let value_start = skip_space(at + 1);
    // A quoted-string first, if the item ends right after it.
    if params.get(value_start) == Some(&'"') {
        let mut end = value_start + 1;
        loop {
            match params.get(end) {
                Some('"') => {
                    end += 1;
                    break;
                }
                // `\\.`: a backslash and any character but a newline.
                Some('\\') if params.get(end + 1).is_some_and(|&c| c != '\n') => end += 2,
                Some('\\') | None => {
                    end = usize::MAX;
                    break;
                }
                Some(_) => end += 1,
            }
        }
        if end != usize::MAX
            && let Some(next) = ends_item(end)
        {
            return Some((name, params[value_start..end].iter().collect(), next));
        }
    }
    // Else a run of characters other than whitespace and `,`.
    let mut end = value_start;
    while end < params.len() && !is_space(params[end]) && params[end] != ',' {
        end += 1;
    }
    let next = ends_item(end)?;
    Some((name, params[value_start..end].iter().collect(), next))
}

/// Whether the challenge `value` uses `scheme` (case-insensitive) and has the
/// auth-param `error=<code>`, as a token or a quoted-string.
fn challenge_has_error(value: &str, scheme: &str, code: &str) -> bool {
    let (name, params) = value.split_once(' ').unwrap_or((value, ""));
    if name.to_lowercase() != scheme.to_lowercase() {
        return false;
    }
    let params: Vec<char> = params.chars().collect();
    let mut pos = 0;
    while pos < params.len() {
        let Some((name, value, end)) = auth_param(&params, pos) else {
            return false;
        };
        // Python's `val[1:-1]`: the first and the last character go.
        let value = if value.starts_with('"') {
            let inner: String = value.chars().skip(1).take(value.chars().count().saturating_sub(2)).collect();
            unescape(&inner)
        } else {
            value
        };
        if name.to_lowercase() == "error" && value == code {
            return true;
        }
        pos = end;
    }
    false
}

/// `re.sub(r"\\(.)", r"\1", text)`: a backslash and the character after it
/// (other than a newline) become that character.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(&next) if c == '\\' && next != '\n' => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// A field that differs: its name, what was expected, what came.
#[derive(Debug)]
struct Difference {
    field: String,
    expected: Value,
    got: Value,
}

fn difference(field: &str, expected: impl Into<Value>, got: impl Into<Value>) -> Difference {
    Difference { field: field.to_owned(), expected: expected.into(), got: got.into() }
}

/// The fields of `got` that differ from `expect` (`replay.py`'s `diff_expect`).
fn differences(expect: &Expect, got: &Got) -> Vec<Difference> {
    let mut out = Vec::new();
    if got.status != expect.status {
        out.push(difference("status", expect.status, got.status));
    }
    if let Some(www) = &expect.www_authenticate
        && got.www_authenticate != *www
    {
        out.push(difference("www-authenticate", www.clone(), got.www_authenticate.clone()));
    }
    if let Some(challenge) = expect.challenge_error.as_deref().filter(|challenge| !challenge.is_empty()) {
        let (scheme, code) = challenge
            .split_once(' ')
            .unwrap_or_else(|| panic!("challenge_error {challenge:?} is not \"<Scheme> <code>\""));
        if !got.www_authenticate.iter().any(|value| challenge_has_error(value, scheme, code)) {
            out.push(difference(
                "challenge",
                format!("a {scheme} challenge with error=\"{code}\""),
                got.www_authenticate.clone(),
            ));
        }
    }
    if let Some(content_type) = &expect.content_type
        && got.content_type.as_ref() != Some(content_type)
    {
        out.push(difference("content-type", content_type.clone(), got.content_type.clone()));
    }
    if expect.body.is_some() || expect.body_is_null {
        let expected = expect.body.clone().unwrap_or(Value::Null);
        if !got.body.as_ref().is_some_and(|body| same_json(body, &expected)) {
            out.push(difference("body", js(&expected), got.body_text.clone()));
        }
    }
    if let Some(members) = expect.body_contains.as_ref().filter(|members| !members.is_empty()) {
        let contained = match &got.body {
            Some(Value::Object(body)) => {
                members.iter().all(|(key, expected)| body.get(key).is_some_and(|value| same_json(value, expected)))
            }
            _ => false,
        };
        if !contained {
            out.push(difference("body (contains)", js(&Value::Object(members.clone())), got.body_text.clone()));
        }
    }
    for (name, values) in expect.headers.iter().flatten() {
        let actual = got.extra(name);
        if actual != *values {
            out.push(difference(name, values.clone(), actual));
        }
    }
    out
}

// ------------------------------------------------------------------ output

/// `replay.py`'s `esc`: C0 controls, DEL and 0x80..0xFF as `\xNN`, cut at
/// `limit` characters.
fn esc(text: &str, limit: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match u32::from(c) {
            0x20..0x7f | 0x100.. => out.push(c),
            code => {
                let _ = write!(out, "\\x{code:02x}");
            }
        }
    }
    if out.chars().count() <= limit {
        out
    } else {
        let cut: String = out.chars().take(limit).collect();
        format!("{cut}...({} chars)", text.chars().count())
    }
}

/// Compact JSON, non-ASCII unescaped.
fn js(value: &Value) -> String {
    value.to_string()
}

fn show(value: &Value) -> String {
    match value {
        Value::String(text) => esc(text, 300),
        Value::Array(items) if items.iter().all(Value::is_string) => {
            if items.is_empty() {
                "[] (absent)".to_owned()
            } else {
                let items: Vec<String> = items.iter().filter_map(Value::as_str).map(|item| esc(item, 300)).collect();
                format!("[{}]", items.join(" | "))
            }
        }
        other => esc(&js(other), 300),
    }
}

/// `replay.py`'s `diff_block`.
fn failure_block(vector: &Vector, differences: &[Difference]) -> String {
    let mut out = format!("--- FAIL {}  [basis {}", vector.id, vector.basis.as_deref().unwrap_or("-"));
    if let Some(also) = vector.also.as_ref().filter(|also| !also.is_empty()) {
        let _ = write!(out, "; also {}", also.join(", "));
    }
    out.push(']');
    if let Some(note) = vector.note.as_ref().filter(|note| !note.is_empty()) {
        let _ = write!(out, "\n    note:    {note}");
    }
    if let Some(why) = vector.why.as_ref().filter(|why| !why.is_empty()) {
        let _ = write!(out, "\n    why:     {why}");
    }
    let _ = write!(out, "\n    request: {} {}", vector.method, esc(&vector.target(), 160));
    for (name, value) in &vector.request.headers {
        let _ = write!(out, "\n      {}: {}", esc(name, 160), esc(value, 160));
    }
    if let Some(content_type) = &vector.request.content_type {
        let _ = write!(out, "\n      Content-Type: {}", esc(content_type, 160));
    }
    if let Some(body) = &vector.request.body {
        let _ = write!(out, "\n      body: {}", esc(body, 200));
    }
    for Difference { field, expected, got } in differences {
        let _ = write!(out, "\n    {:<18} expected {}", format!("{field}:"), show(expected));
        let _ = write!(out, "\n    {:<18} got      {}", "", show(got));
    }
    out
}

// ------------------------------------------------------------------ the replay

/// A parity server on 127.0.0.1, as `parity-server --port N` serves it: the
/// same app behind the same listener.
async fn serve() -> SocketAddr {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = parity_server::app().expect("the parity server builds");
    tokio::spawn(async move { axum::serve(parity_server::listener::VcharListener(listener), app).await.unwrap() });
    addr
}

/// Replays `vectors`; returns the report, passes, failures and skips.
async fn replay(vectors: &[Vector], addr: SocketAddr) -> (String, Vec<&str>, usize) {
    let mut report = String::new();
    let mut failed = Vec::new();
    let mut skipped = 0;
    for vector in vectors {
        if vector.basis.as_deref() == Some("n/a") {
            skipped += 1;
            continue;
        }
        let expect = vector.expect.as_ref().unwrap_or_else(|| panic!("vector {} has no `expect`", vector.id));
        let answer = match build_request(vector, addr) {
            Ok(request) => exchange(addr, &request).await.and_then(|raw| parse_response(&raw)),
            Err(error) => Err(error),
        };
        let found = match answer {
            Ok(response) => differences(expect, &Got::new(response)),
            Err(error) => vec![difference("response", "an HTTP response", error)],
        };
        if !found.is_empty() {
            failed.push(vector.id.as_str());
            report.push_str(&failure_block(vector, &found));
            report.push('\n');
        }
    }
    let passed = vectors.len() - skipped - failed.len();
    let _ = write!(report, "{passed} passed, {} failed", failed.len());
    if skipped > 0 {
        let _ = write!(report, ", {skipped} skipped");
    }
    (report, failed, skipped)
}

#[tokio::test]
async fn every_vector_gets_the_answer_it_expects() {
    let vectors: Vec<Vector> =
        serde_json::from_str(VECTORS).expect("vectors.json is a vector file (ROUTES.md section 5)");
    assert!(!vectors.is_empty(), "vectors.json holds no vector");
    let addr = serve().await;
    let (report, failed, skipped) = replay(&vectors, addr).await;
    println!("{report}");
    assert!(
        failed.is_empty(),
        "{} of {} vectors replayed failed (blocks above): {}",
        failed.len(),
        vectors.len() - skipped,
        failed.join(", ")
    );
}

// ------------------------------------------------------------------ the checker itself

/// A response written by hand, for the checks below.
fn response(raw: &[u8]) -> Got {
    Got::new(parse_response(raw).unwrap())
}

fn expect(json: Value) -> Expect {
    serde_json::from_value(json).unwrap()
}

fn fields(expect: &Expect, got: &Got) -> Vec<String> {
    differences(expect, got).into_iter().map(|difference| difference.field).collect()
}

#[test]
fn a_request_is_written_byte_for_byte_as_replay_py_writes_it() {
    let vector: Vector = serde_json::from_value(serde_json::json!({
        "id": "x/y", "route": "/x", "method": "POST",
        "request": {"path": "/x", "query": "", "headers": [["Cookie", "a=caf\u{e9}"], ["Cookie", "b=2"]],
                    "body": "k=v", "content_type": "application/x-www-form-urlencoded"},
        "response": {}, "basis": "parity", "expect": null
    }))
    .unwrap();
    let addr: SocketAddr = "127.0.0.1:4000".parse().unwrap();
    assert_eq!(
        build_request(&vector, addr).unwrap(),
        b"POST /x? HTTP/1.1\r\nHost: 127.0.0.1:4000\r\nCookie: a=caf\xe9\r\nCookie: b=2\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\nConnection: close\r\n\r\nk=v"
    );
}

#[test]
fn repeated_headers_keep_every_value_in_order() {
    let got = response(
        b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"a\"\r\nwww-authenticate:  Bearer \r\n\
         content-length: 2\r\n\r\n{}trailing",
    );
    assert_eq!(got.www_authenticate, ["Basic realm=\"a\"", "Bearer"]);
    assert_eq!(got.body, Some(serde_json::json!({})));
    let check = expect(serde_json::json!({"status": 401, "www_authenticate": ["Bearer", "Basic realm=\"a\""],
                                          "content_type": null, "body": null}));
    assert_eq!(fields(&check, &got), ["www-authenticate"]);
}

#[test]
fn a_chunked_body_is_reassembled() {
    let got =
        response(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3;x=y\r\n:1}\r\n0\r\n\r\n");
    assert_eq!(got.body, Some(serde_json::json!({"a": 1})));
}

#[test]
fn every_field_is_compared() {
    let got = response(
        b"HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nx-custom: 1\r\nx-other: 2\r\n\r\n{\"detail\":\"no\",\"n\":1}",
    );
    let matching = expect(serde_json::json!({
        "status": 403, "www_authenticate": [], "content_type": "text/plain",
        "body": {"detail": "no", "n": 1.0}, "body_contains": {"n": 1},
        "headers": {"x-custom": ["1"], "x-failed": []}
    }));
    assert!(fields(&matching, &got).is_empty());
    let differing = expect(serde_json::json!({
        "status": 401, "www_authenticate": ["Bearer"], "challenge_error": "Bearer invalid_token",
        "content_type": "application/json", "body": {"detail": "no", "n": true}, "body_contains": {"n": 2},
        "headers": {"x-custom": [], "x-failed": ["1"], "x-other": ["2"]}
    }));
    assert_eq!(
        fields(&differing, &got),
        [
            "status",
            "www-authenticate",
            "challenge",
            "content-type",
            "body",
            "body (contains)",
            "x-custom",
            "x-failed",
            "x-other"
        ]
    );
}

#[test]
fn a_null_body_is_compared_only_when_asked() {
    let null = response(b"HTTP/1.1 200 OK\r\n\r\nnull");
    let garbage = response(b"HTTP/1.1 200 OK\r\n\r\nnul");
    let not_compared =
        expect(serde_json::json!({"status": 200, "www_authenticate": null, "content_type": null, "body": null}));
    let must_be_null = expect(serde_json::json!({"status": 200, "www_authenticate": null, "content_type": null,
                                                 "body": null, "body_is_null": true}));
    assert!(fields(&not_compared, &garbage).is_empty());
    assert!(fields(&must_be_null, &null).is_empty());
    assert_eq!(fields(&must_be_null, &garbage), ["body"]);
}

#[test]
fn a_challenge_error_is_a_token_or_a_quoted_string() {
    assert!(challenge_has_error(r#"Bearer error="invalid_token", error_description="x""#, "bearer", "invalid_token"));
    assert!(challenge_has_error("Bearer realm=api,error=invalid_request", "Bearer", "invalid_request"));
    assert!(challenge_has_error(r#"Bearer error_description="a \"b\", c", error = "in\valid""#, "Bearer", "invalid"));
    assert!(!challenge_has_error(r#"Basic error="invalid_token""#, "Bearer", "invalid_token"));
    assert!(!challenge_has_error(r#"Bearer error_description="invalid_token""#, "Bearer", "invalid_token"));
    // A malformed parameter ends the search, as the regex's failed match does.
    assert!(!challenge_has_error(r#"Bearer realm, error="invalid_token""#, "Bearer", "invalid_token"));
    assert!(!challenge_has_error("Bearer", "Bearer", "invalid_token"));
}

#[test]
fn an_answer_that_is_not_http_is_a_failure() {
    assert!(parse_response(b"").is_err());
    assert!(parse_response(b"HTTP/1.1 200 OK\r\n").is_err());
    assert!(parse_response(b"HTTP/1.1 OK\r\n\r\n").is_err());
    let got = response(b"HTTP/1.1 200 OK\r\n\r\n\xff");
    assert_eq!(got.body, None);
}
