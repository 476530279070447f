//! Swagger UI's files, vendored unchanged from the npm package
//! [swagger-ui-dist](https://www.npmjs.com/package/swagger-ui-dist)
//! ([`SWAGGER_UI_VERSION`]), for the `openapi` feature of
//! [axum-warden](https://docs.rs/axum-warden), which serves them at `/docs`.
//!
//! They live in a crate of their own so that the library's package stays
//! small (the bundle is about 1.8 MB) and building needs no network. The
//! license of the files is Apache-2.0 (`assets/LICENSE`, `assets/NOTICE`);
//! the licenses of the code bundled into `swagger-ui-bundle.js` are in
//! `assets/swagger-ui-bundle.js.LICENSE.txt`.

#![forbid(unsafe_code)]

/// The swagger-ui-dist release the files come from.
pub const SWAGGER_UI_VERSION: &str = "5.36.0";

/// `swagger-ui-bundle.js`: Swagger UI and its dependencies in one script.
pub const BUNDLE_JS: &[u8] = include_bytes!("../assets/swagger-ui-bundle.js");

/// `swagger-ui.css`: its style sheet.
pub const CSS: &[u8] = include_bytes!("../assets/swagger-ui.css");

/// `oauth2-redirect.html`: the page Swagger UI's OAuth2 flows return to.
pub const OAUTH2_REDIRECT_HTML: &[u8] = include_bytes!("../assets/oauth2-redirect.html");

/// `oauth2-redirect.js`: the script of that page.
pub const OAUTH2_REDIRECT_JS: &[u8] = include_bytes!("../assets/oauth2-redirect.js");

#[cfg(test)]
mod tests {
    use super::*;

    /// The files are the release named, not some other: its version is in
    /// the bundle's banner and the files are whole.
    #[test]
    fn the_files_are_those_of_the_named_release() {
        let bundle = std::str::from_utf8(BUNDLE_JS).unwrap_or_default();
        assert!(bundle.contains("SwaggerUIBundle"), "the bundle defines SwaggerUIBundle");
        assert!(bundle.contains(&format!("\"{SWAGGER_UI_VERSION}\"")), "the bundle is {SWAGGER_UI_VERSION}");
        assert!(std::str::from_utf8(CSS).unwrap_or_default().starts_with(".swagger-ui"), "the style sheet");
        assert!(std::str::from_utf8(OAUTH2_REDIRECT_HTML).unwrap_or_default().contains("oauth2-redirect.js"));
        assert!(std::str::from_utf8(OAUTH2_REDIRECT_JS).unwrap_or_default().contains("swaggerUIRedirectOauth2"));
        let readme = include_str!("../README.md");
        assert!(
            readme.contains(&format!("swagger-ui-dist) {SWAGGER_UI_VERSION}")),
            "README names {SWAGGER_UI_VERSION}"
        );
    }
}
