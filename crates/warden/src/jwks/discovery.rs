//! OpenID Connect Discovery 1.0: the provider's metadata, its `issuer` and
//! `jwks_uri`.

use std::{fmt, time::Duration};

use serde_json::{Map, Value};

use super::{
    JwksError, JwksErrorKind, JwksSourceBuilder,
    http::{FetchUrl, HttpClient, check_url, fetch_limits},
};

/// The path OpenID Connect Discovery 1.0 §4 appends to the issuer.
const WELL_KNOWN: &str = "/.well-known/openid-configuration";

/// Fetches an OpenID Provider's metadata (OpenID Connect Discovery 1.0) and
/// checks its `issuer`.
///
/// [`OidcDiscovery::builder`] takes the issuer you expect (the `iss` your
/// tokens carry) and derives the discovery URL from it (§4: any trailing `/`
/// removed, then `/.well-known/openid-configuration` appended), or takes
/// the URL from [`discovery_url`](OidcDiscoveryBuilder::discovery_url).
/// [`fetch`](Self::fetch) then reads the document and refuses it unless its
/// `issuer` is *identical* to the expected one (§4.3: this is what stops a
/// provider from impersonating another), and unless its `jwks_uri` can be
/// fetched like any key set URL.
///
/// The [`ProviderMetadata`] gives the issuer to require in tokens and a
/// [`JwksSourceBuilder`] for the provider's keys:
///
/// ```no_run
/// use warden::jwks::OidcDiscovery;
/// use warden::jwt::{Algorithm, JwtVerifier, ScopedClaims};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let provider = OidcDiscovery::builder("https://accounts.example.com").build()?.fetch().await?;
/// let verifier = JwtVerifier::<ScopedClaims, _>::builder(provider.jwks().build()?, [Algorithm::Rs256])
///     .issuer(provider.issuer().to_owned())
///     .audience("my-client-id")
///     .build()?;
/// # let _ = verifier;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct OidcDiscovery {
    issuer: String,
    url: FetchUrl,
    http: HttpClient,
    allow_http: bool,
}

impl OidcDiscovery {
    /// A builder for the provider whose issuer identifier is `issuer`
    /// (`https`, or `http` to a loopback host; no query, no fragment).
    pub fn builder(issuer: impl Into<String>) -> OidcDiscoveryBuilder {
        OidcDiscoveryBuilder {
            issuer: issuer.into(),
            discovery_url: None,
            allow_http: false,
            timeout: Duration::from_secs(10),
            max_response_bytes: 1 << 20,
        }
    }

    /// The issuer the metadata must name.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The URL the metadata is fetched from.
    pub fn url(&self) -> String {
        self.url.as_uri().to_string()
    }

    /// Fetches the provider's metadata and checks it.
    ///
    /// # Errors
    ///
    /// The fetch errors of [`JwksErrorKind`] (`Connect`, `Timeout`,
    /// `Status`, `TooLarge`); `InvalidJson` when the body is not a JSON
    /// object with string `issuer` and `jwks_uri` members;
    /// `IssuerMismatch` when `issuer` is not identical to the expected
    /// issuer; `InvalidUrl` when `jwks_uri` cannot be fetched (not `https`,
    /// say).
    pub async fn fetch(&self) -> Result<ProviderMetadata, JwksError> {
        let fetched = self.http.get(&self.url, "application/json").await?;
        let invalid = |why: &str| JwksError::new(JwksErrorKind::InvalidJson, format!("{}: {why}", self.url.as_uri()));
        let document: Map<String, Value> =
            serde_json::from_slice(&fetched.body).map_err(|err| invalid("not a JSON object").with_source(err))?;
        let Some(Value::String(issuer)) = document.get("issuer") else {
            return Err(invalid("no issuer"));
        };
        if *issuer != self.issuer {
            return Err(JwksError::new(
                JwksErrorKind::IssuerMismatch,
                format!("{} names the issuer {issuer:?}, expected {:?}", self.url.as_uri(), self.issuer),
            ));
        }
        let Some(Value::String(jwks_uri)) = document.get("jwks_uri") else {
            return Err(invalid("no jwks_uri"));
        };
        check_url(jwks_uri, self.allow_http)?;
        Ok(ProviderMetadata {
            issuer: issuer.clone(),
            jwks_uri: jwks_uri.clone(),
            allow_http: self.allow_http,
            document,
        })
    }
}

/// Settings of an [`OidcDiscovery`]; [`build`](Self::build) checks them.
#[derive(Debug, Clone)]
#[must_use]
pub struct OidcDiscoveryBuilder {
    issuer: String,
    discovery_url: Option<String>,
    allow_http: bool,
    timeout: Duration,
    max_response_bytes: usize,
}

impl OidcDiscoveryBuilder {
    /// Fetches the metadata from `url` instead of the issuer's
    /// `/.well-known/openid-configuration`; the document must still name the
    /// expected issuer.
    pub fn discovery_url(mut self, url: impl Into<String>) -> Self {
        self.discovery_url = Some(url.into());
        self
    }

    fetch_limits!("the discovery document, then the key set,");

    /// Checks the settings; nothing is fetched yet.
    ///
    /// # Errors
    ///
    /// [`JwksErrorKind::InvalidUrl`] when the issuer is not an `https` URL
    /// (or `http` to a loopback host) without query and fragment, or the
    /// discovery URL cannot be fetched; [`JwksErrorKind::InvalidConfig`] for
    /// a zero timeout or size limit; [`JwksErrorKind::Tls`] when the root
    /// certificates cannot be loaded.
    pub fn build(self) -> Result<OidcDiscovery, JwksError> {
        check_url(&self.issuer, self.allow_http)?;
        if self.issuer.contains(['?', '#']) {
            return Err(JwksError::new(
                JwksErrorKind::InvalidUrl,
                format!("the issuer {:?} has a query or fragment", self.issuer),
            ));
        }
        let url = match &self.discovery_url {
            Some(url) => check_url(url, self.allow_http)?,
            None => check_url(&format!("{}{WELL_KNOWN}", self.issuer.trim_end_matches('/')), self.allow_http)?,
        };
        if self.timeout.is_zero() || self.max_response_bytes == 0 {
            return Err(JwksError::new(
                JwksErrorKind::InvalidConfig,
                "timeout and max_response_bytes must not be zero",
            ));
        }
        let http = HttpClient::new(&url, self.timeout, self.max_response_bytes)?;
        Ok(OidcDiscovery { issuer: self.issuer, url, http, allow_http: self.allow_http })
    }
}

/// An OpenID Provider's metadata whose `issuer` was checked.
#[derive(Clone)]
pub struct ProviderMetadata {
    issuer: String,
    jwks_uri: String,
    allow_http: bool,
    document: Map<String, Value>,
}

impl ProviderMetadata {
    /// `issuer`: the value tokens from this provider carry in `iss`; give it
    /// to [`JwtVerifierBuilder::issuer`](crate::jwt::JwtVerifierBuilder::issuer).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `jwks_uri`: where the provider publishes its signing keys.
    pub fn jwks_uri(&self) -> &str {
        &self.jwks_uri
    }

    /// Any other member of the document (`token_endpoint`,
    /// `id_token_signing_alg_values_supported`, …).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.document.get(name)
    }

    /// A [`JwksSourceBuilder`] for `jwks_uri`, with the discovery's
    /// [`allow_http`](OidcDiscoveryBuilder::allow_http).
    pub fn jwks(&self) -> JwksSourceBuilder {
        JwksSourceBuilder::new(self.jwks_uri.clone()).allow_http(self.allow_http)
    }
}

impl fmt::Debug for ProviderMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderMetadata")
            .field("issuer", &self.issuer)
            .field("jwks_uri", &self.jwks_uri)
            .field("members", &self.document.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url_for(issuer: &str) -> String {
        OidcDiscovery::builder(issuer).build().unwrap().url()
    }

    #[test]
    fn the_discovery_url_is_the_issuer_without_trailing_slash_plus_the_well_known_path() {
        assert_eq!(url_for("https://idp.example"), "https://idp.example/.well-known/openid-configuration");
        assert_eq!(url_for("https://idp.example/"), "https://idp.example/.well-known/openid-configuration");
        assert_eq!(
            url_for("https://idp.example/tenant"),
            "https://idp.example/tenant/.well-known/openid-configuration"
        );
        assert_eq!(
            url_for("https://idp.example/tenant/"),
            "https://idp.example/tenant/.well-known/openid-configuration"
        );
    }

    #[test]
    fn issuers_with_a_query_a_fragment_or_plain_http_are_refused_at_build() {
        for issuer in
            ["https://idp.example/?tenant=1", "https://idp.example/#x", "http://idp.example", "idp.example", ""]
        {
            let err = OidcDiscovery::builder(issuer).build().unwrap_err();
            assert_eq!(err.kind(), JwksErrorKind::InvalidUrl, "{issuer:?}");
        }
    }
}
