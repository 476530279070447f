//! JSON Web Tokens: verification with a typed validation, signing, and a verified-token cache.
