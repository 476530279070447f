//! JWK sets fetched from a URL, cached as `Cache-Control` allows, and OpenID Connect discovery.
