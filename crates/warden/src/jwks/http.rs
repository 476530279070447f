//! The HTTP GET behind key sets and discovery: URL checks, TLS, timeout and
//! size limit. No redirect is followed and no connection is kept.

use std::{
    net::IpAddr,
    sync::{Arc, OnceLock},
    time::Duration,
};

use http::{HeaderMap, HeaderValue, Request, StatusCode, Uri, header};
use http_body_util::{BodyExt as _, Empty, LengthLimitError, Limited};
use hyper::body::Bytes;
use hyper_rustls::{ConfigBuilderExt as _, HttpsConnector, HttpsConnectorBuilder};
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::TokioExecutor,
};
use rustls::ClientConfig;

use super::{JwksError, JwksErrorKind};

/// `User-Agent` of every fetch.
const USER_AGENT: &str = concat!("warden/", env!("CARGO_PKG_VERSION"));

/// A URL that passed [`check_url`]: absolute, `https` (or `http` where
/// allowed), with a host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FetchUrl {
    uri: Uri,
    https: bool,
}

impl FetchUrl {
    pub(crate) fn as_uri(&self) -> &Uri {
        &self.uri
    }
}

/// Parses `url` and checks it can be fetched: `https`, or `http` to a
/// loopback host (`localhost`, `127.0.0.0/8`, `::1`), or `http` anywhere when
/// `allow_http`.
/// The builder methods that bound a fetch (`timeout`, `max_response_bytes`,
/// `allow_http`), written once for the builders that fetch: `$what` names
/// what they fetch.
macro_rules! fetch_limits {
    ($what:literal) => {
        #[doc = concat!("The deadline of a whole fetch of ", $what, " (connection, TLS handshake, headers and body; 10 s")]
        /// by default). Must not be zero.
        pub fn timeout(mut self, timeout: Duration) -> Self {
            self.timeout = timeout;
            self
        }

        #[doc = concat!("The largest body accepted when fetching ", $what, " in bytes (1 MiB by default). Must")]
        /// not be zero.
        pub fn max_response_bytes(mut self, bytes: usize) -> Self {
            self.max_response_bytes = bytes;
            self
        }

        #[doc = concat!("Allows plain `http` URLs to any host when fetching ", $what, ". Without it, `http`")]
        /// is accepted only for loopback hosts (`localhost`, `127.0.0.0/8`,
        /// `[::1]`): keys fetched in the clear can be replaced by anyone on
        /// the path, who can then sign tokens.
        pub fn allow_http(mut self, allow: bool) -> Self {
            self.allow_http = allow;
            self
        }
    };
}
pub(crate) use fetch_limits;

pub(crate) fn check_url(url: &str, allow_http: bool) -> Result<FetchUrl, JwksError> {
    // What error messages show: the URL without user information, so that
    // a password in `https://user:pass@host/` never reaches a log.
    let shown = without_userinfo(url);
    let uri: Uri = url
        .parse()
        .map_err(|err| JwksError::new(JwksErrorKind::InvalidUrl, format!("{shown:?} is not a url")).with_source(err))?;
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err(JwksError::new(JwksErrorKind::InvalidUrl, format!("{shown:?} is not an http(s) url"))),
    };
    let Some(host) = uri.host().filter(|host| !host.is_empty()) else {
        return Err(JwksError::new(JwksErrorKind::InvalidUrl, format!("{shown:?} has no host")));
    };
    if uri.authority().is_some_and(|authority| authority.as_str().contains('@')) {
        return Err(JwksError::new(JwksErrorKind::InvalidUrl, format!("{shown:?} has user information")));
    }
    if !https && !allow_http && !is_loopback(host) {
        return Err(JwksError::new(
            JwksErrorKind::InvalidUrl,
            format!("{shown:?} is plain http to a host that is not loopback; use https (or allow_http)"),
        ));
    }
    Ok(FetchUrl { uri, https })
}

/// `url` with anything between `://` and the authority's last `@` replaced
/// by `***`.
fn without_userinfo(url: &str) -> String {
    let Some(start) = url.find("://").map(|at| at + 3) else {
        return url.to_owned();
    };
    let rest = &url[start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &rest[at..]),
        None => url.to_owned(),
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.strip_prefix('[').and_then(|host| host.strip_suffix(']')).unwrap_or(host);
    host.eq_ignore_ascii_case("localhost") || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A successful (`200`) answer.
#[derive(Debug)]
pub(crate) struct Fetched {
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// An HTTP/1.1 client with a deadline for the whole exchange and a body
/// size limit.
#[derive(Clone)]
pub(crate) struct HttpClient {
    client: Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
    timeout: Duration,
    max_bytes: usize,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient").field("timeout", &self.timeout).field("max_bytes", &self.max_bytes).finish()
    }
}

impl HttpClient {
    /// A client for `url`; for an `https` one the operating system's root
    /// certificates must load.
    pub(crate) fn new(url: &FetchUrl, timeout: Duration, max_bytes: usize) -> Result<Self, JwksError> {
        let tls = if url.https { native_roots_config()? } else { no_roots_config()? };
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(timeout));
        http.set_nodelay(true);
        let connector =
            HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http().enable_http1().wrap_connector(http);
        // No idle connections: a key set is fetched every few minutes at most,
        // and a pooled connection the server has since closed would fail the fetch.
        let client = Client::builder(TokioExecutor::new()).pool_max_idle_per_host(0).build(connector);
        Ok(Self { client, timeout, max_bytes })
    }

    /// GETs `url`, asking for `accept`: the headers and body of a `200`.
    pub(crate) async fn get(&self, url: &FetchUrl, accept: &'static str) -> Result<Fetched, JwksError> {
        let request = Request::get(url.uri.clone())
            .header(header::ACCEPT, HeaderValue::from_static(accept))
            .header(header::USER_AGENT, HeaderValue::from_static(USER_AGENT))
            .body(Empty::new())
            .map_err(|err| JwksError::new(JwksErrorKind::InvalidUrl, url.uri.to_string()).with_source(err))?;
        let exchange = async {
            let response =
                self.client.request(request).await.map_err(|err| {
                    JwksError::new(JwksErrorKind::Connect, format!("GET {}", url.uri)).with_source(err)
                })?;
            let (parts, body) = response.into_parts();
            if parts.status != StatusCode::OK {
                return Err(JwksError::new(
                    JwksErrorKind::Status,
                    format!("GET {} answered {}", url.uri, parts.status),
                ));
            }
            let declared = parts
                .headers
                .get(header::CONTENT_LENGTH)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.parse::<u64>().ok());
            if declared.is_some_and(|len| len > self.max_bytes as u64) {
                return Err(self.too_large(url));
            }
            let body = Limited::new(body, self.max_bytes).collect().await.map_err(|err| {
                if err.is::<LengthLimitError>() {
                    self.too_large(url)
                } else {
                    JwksError::new(JwksErrorKind::Connect, format!("GET {}: body", url.uri)).with_source(err)
                }
            })?;
            Ok(Fetched { headers: parts.headers, body: body.to_bytes() })
        };
        tokio::time::timeout(self.timeout, exchange).await.map_err(|_| {
            JwksError::new(JwksErrorKind::Timeout, format!("GET {} took longer than {:?}", url.uri, self.timeout))
        })?
    }

    fn too_large(&self, url: &FetchUrl) -> JwksError {
        JwksError::new(JwksErrorKind::TooLarge, format!("GET {}: more than {} bytes", url.uri, self.max_bytes))
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// rustls on aws-lc-rs trusting the operating system's roots, loaded once.
fn native_roots_config() -> Result<ClientConfig, JwksError> {
    static CONFIG: OnceLock<Result<ClientConfig, String>> = OnceLock::new();
    let config = CONFIG.get_or_init(|| {
        ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|err| err.to_string())?
            .with_native_roots()
            .map(|builder| builder.with_no_client_auth())
            .map_err(|err| err.to_string())
    });
    config.clone().map_err(|why| JwksError::new(JwksErrorKind::Tls, why))
}

/// rustls with no roots, for a client that only ever speaks plain http.
fn no_roots_config() -> Result<ClientConfig, JwksError> {
    Ok(ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|err| JwksError::new(JwksErrorKind::Tls, err.to_string()))?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_never_show_the_password_of_a_url() {
        let err = check_url("https://user:hunter2@idp.example/jwks", false).unwrap_err();
        assert_eq!(err.kind(), JwksErrorKind::InvalidUrl);
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(!format!("{err:?}").contains("hunter2"), "{err:?}");
        let err = check_url("ftp://user:hunter2@idp.example/jwks", false).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert_eq!(without_userinfo("https://a:b@h/p@q"), "https://***@h/p@q");
        assert_eq!(without_userinfo("https://h/p"), "https://h/p");
    }

    #[test]
    fn https_urls_are_accepted() {
        let url = check_url("https://idp.example/.well-known/jwks.json", false).unwrap();
        assert!(url.https);
        assert_eq!(url.as_uri().path(), "/.well-known/jwks.json");
    }

    #[test]
    fn plain_http_is_accepted_only_for_loopback_or_when_allowed() {
        for url in
            ["http://127.0.0.1:8080/jwks", "http://127.1.2.3/jwks", "http://[::1]:9/jwks", "http://LocalHost/jwks"]
        {
            assert!(check_url(url, false).is_ok(), "{url}");
        }
        for url in ["http://idp.example/jwks", "http://10.0.0.1/jwks", "http://localhost.idp.example/jwks"] {
            assert_eq!(check_url(url, false).unwrap_err().kind(), JwksErrorKind::InvalidUrl, "{url}");
            assert!(check_url(url, true).is_ok(), "{url}");
        }
    }

    #[test]
    fn urls_that_cannot_be_fetched_are_refused() {
        for url in [
            "",
            "jwks.json",
            "/jwks.json",
            "ftp://idp.example/jwks",
            "https://",
            "https://user:pw@idp.example/jwks",
            "https://idp example/",
        ] {
            assert_eq!(check_url(url, true).unwrap_err().kind(), JwksErrorKind::InvalidUrl, "{url:?}");
        }
    }
}
