//! The access tokens: their claims, and what signs them. Without
//! `--signing-key` tokens are HS256 with the JWT secret; with it, they are
//! signed with the PEM private key, under its RFC 7638 thumbprint as `kid`,
//! and its public key is published as a JWK set.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use warden::{
    jwt::{Algorithm, EncodingKey, Header, JwkSet, KeySet},
    scopes::GrantedScopes,
};

use crate::AnyError;

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Claims {
    pub(crate) sub: String,
    /// The granted scopes, space-separated.
    #[serde(default)]
    pub(crate) scope: String,
    /// Written, never read: the verifier checks `exp` whatever its form (any
    /// NumericDate, `1690000000.5` included, RFC 7519 §2).
    #[serde(skip_deserializing)]
    pub(crate) exp: u64,
}

impl GrantedScopes for Claims {
    fn has_scope(&self, scope: &str) -> bool {
        self.scope.has_scope(scope)
    }
}

/// How `/token` signs: the key and the header (`alg`, and `kid` for a
/// `--signing-key`).
#[derive(Debug, Clone)]
pub(crate) struct Signer {
    pub(crate) key: EncodingKey,
    pub(crate) header: Arc<Header<'static>>,
}

/// The `--signing-key`: what signs, what verifies, what is published.
#[derive(Debug)]
pub(crate) struct KeyPair {
    pub(crate) signer: Signer,
    pub(crate) keys: KeySet,
    /// The public key under its `kid`, as served at [`JWKS_PATH`](crate::routes::JWKS_PATH).
    pub(crate) jwks: JwkSet,
}

impl KeyPair {
    /// The private key in `pem` (PKCS#8, PKCS#1 RSA or SEC1 EC): RSA of at
    /// least 2048 bits signs RS256, P-256 ES256, Ed25519 EdDSA (P-384,
    /// which warden reads too, ES384). Its `kid` is the RFC 7638 thumbprint
    /// of the public key, which every replica holding the key computes alike.
    pub(crate) fn from_pem(pem: &[u8]) -> Result<Self, AnyError> {
        let key = EncodingKey::from_pem(pem)?;
        let (Some(alg), Some(mut jwk)) = (key.algorithm(), key.public_jwk()) else {
            return Err("the signing key has no public key to publish".into());
        };
        let kid = jwk.thumbprint()?;
        jwk.kid = Some(kid.clone());
        let keys = KeySet::new().with_key(&kid, key.decoding_key()?);
        let header = Arc::new(Header::new(alg).with_kid(kid));
        Ok(Self { signer: Signer { key, header }, keys, jwks: JwkSet::new(vec![jwk]) })
    }

    /// The algorithm it signs with.
    pub(crate) fn algorithm(&self) -> Algorithm {
        self.signer.header.alg()
    }

    /// Its `kid`.
    pub(crate) fn kid(&self) -> &str {
        self.signer.header.kid().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use rusqlite::Connection;
    use serde_json::{Value, json};
    use warden::jwt::{JwtVerifier, encode};
    use warden_tutorials::{
        jwt::unix_now,
        testing::{Req, login},
        users::{JOHNDOE_ME, JOHNDOE_ME_ITEMS},
    };

    use super::*;
    use crate::{
        app::{Given, Opened, open},
        database::Db,
        routes::{JWKS_PATH, USERS_ME, USERS_ME_ITEMS},
        test_support::{TempDir, open_blocking, signed},
    };

    /// The key fixtures shared with warden's own key tests: made by
    /// OpenSSL (`make_keys.sh`), thumbprints by jwcrypto.
    fn fixture(name: &str) -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../warden/tests/fixtures/keys").join(name);
        std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
    }

    /// jwcrypto's RFC 7638 thumbprint of the fixture `name`.
    fn jwcrypto_thumbprint(name: &str) -> String {
        let prints: Value = serde_json::from_slice(&fixture("thumbprints.json")).unwrap();
        prints[name]["thumbprint"].as_str().unwrap().to_owned()
    }

    /// The service signing with the fixture key `name`.
    async fn open_signing(path: PathBuf, name: &str) -> Opened {
        let given = Given { signing_key: Some(fixture(name)), ..Given::default() };
        tokio::task::spawn_blocking(move || open(&path, given)).await.unwrap().unwrap()
    }

    /// The header of a compact JWS.
    fn jose_header(token: &str) -> Value {
        use base64::Engine;
        let header = token.split('.').next().unwrap();
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap()
    }

    /// With `--signing-key`, `/token` signs with the key's algorithm under
    /// its RFC 7638 thumbprint, `/.well-known/jwks.json` publishes the
    /// public key (which verifies the tokens elsewhere), only that algorithm
    /// verifies (HS256 with the stored secret is refused), a token without
    /// `kid` finds the one key, and one with another `kid` is refused.
    #[tokio::test]
    async fn a_signing_key_signs_publishes_and_alone_verifies() {
        for (name, alg) in [
            ("rsa2048.pkcs8.pem", "RS256"),
            ("rsa2048.pkcs1.pem", "RS256"),
            ("p256.pkcs8.pem", "ES256"),
            ("p256.sec1.pem", "ES256"),
            ("ed25519.pkcs8.pem", "EdDSA"),
        ] {
            let dir = TempDir::new();
            let opened = open_signing(dir.db(), name).await;
            let kid = jwcrypto_thumbprint(name);
            assert_eq!(opened.signing.as_ref().map(|(alg, kid)| (alg.as_str(), kid.as_str())), Some((alg, &*kid)));
            let app = opened.app;
            let token = login(&app, JOHNDOE_ME_ITEMS).await;
            assert_eq!(jose_header(&token), json!({"alg": alg, "kid": kid, "typ": "JWT"}), "{name}");
            assert_eq!(Req::get(USERS_ME_ITEMS).bearer(&token).send(&app).await.status, 200, "{name}");

            let answer = Req::get(JWKS_PATH).send(&app).await;
            assert_eq!(answer.status, 200);
            assert_eq!(answer.header("cache-control"), Some("public, max-age=300"));
            assert_eq!(answer.header("content-type"), Some("application/json"));
            let keys = answer.body["keys"].as_array().unwrap();
            assert_eq!(keys.len(), 1);
            assert_eq!((&keys[0]["kid"], &keys[0]["alg"], &keys[0]["use"]), (&json!(kid), &json!(alg), &json!("sig")));
            for private in ["d", "p", "q", "dp", "dq", "qi", "k"] {
                assert!(keys[0].get(private).is_none(), "{name} publishes {private}");
            }
            // Another verifier, from the published set only.
            let jwks: JwkSet = serde_json::from_value(answer.body.clone()).unwrap();
            let algorithm = opened.signing.as_ref().unwrap().0;
            let elsewhere =
                JwtVerifier::<Claims, KeySet>::builder(KeySet::from_jwks(&jwks), [algorithm]).build().unwrap();
            assert_eq!(elsewhere.verify(&token).unwrap().claims().sub, "johndoe");

            // HS256 with the secret the database holds: refused.
            let stored = Db::stored_secret(&Connection::open(dir.db()).unwrap()).unwrap();
            let hs256 = signed(&stored, "johndoe", "me", unix_now() + 60);
            let answer = Req::get(USERS_ME).bearer(&hs256).send(&app).await;
            assert_eq!(answer.status, 401, "{name}: {}", answer.raw);
            assert!(answer.challenges()[0].starts_with(r#"Bearer error="invalid_token""#), "{:?}", answer.challenges());

            // Without a kid: the one key; with another kid: refused.
            let key = EncodingKey::from_pem(&fixture(name)).unwrap();
            let claims = Claims { sub: "johndoe".to_owned(), scope: "me".to_owned(), exp: unix_now() + 60 };
            let no_kid = encode(&Header::new(algorithm), &claims, &key).unwrap();
            assert_eq!(Req::get(USERS_ME).bearer(&no_kid).send(&app).await.status, 200, "{name}");
            let other_kid = encode(&Header::new(algorithm).with_kid("another"), &claims, &key).unwrap();
            assert_eq!(Req::get(USERS_ME).bearer(&other_kid).send(&app).await.status, 401, "{name}");
        }
    }

    /// Two replicas given the same key agree on its `kid`; keys warden
    /// cannot sign with, too weak or not private, are refused at startup.
    #[tokio::test]
    async fn replicas_agree_on_the_kid_and_unusable_keys_are_refused() {
        let (one, two) = (TempDir::new(), TempDir::new());
        let first = open_signing(one.db(), "rsa2048.pkcs8.pem").await.signing;
        assert_eq!(first, open_signing(two.db(), "rsa2048.pkcs1.pem").await.signing);
        for (pem, why) in [
            (fixture("rsa1024.pkcs8.pem"), "2048"),
            (fixture("p521.pkcs8.pem"), ""),
            (b"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n".to_vec(), ""),
            (b"not a key".to_vec(), ""),
        ] {
            let path = one.0.join("refused.sqlite3");
            let given = Given { signing_key: Some(pem), ..Given::default() };
            let error = tokio::task::spawn_blocking(move || open(&path, given)).await.unwrap().unwrap_err();
            assert!(error.to_string().contains(why), "{error}");
        }
    }

    /// Without a signing key there is no public key: `/.well-known/jwks.json`
    /// is `404`, and tokens are HS256 without `kid`.
    #[tokio::test]
    async fn the_secret_is_never_published() {
        let dir = TempDir::new();
        let app = open_blocking(dir.db(), None).await.app;
        let answer = Req::get(JWKS_PATH).send(&app).await;
        assert_eq!((answer.status, answer.body), (404, json!({"detail": "Not Found"})));
        let token = login(&app, JOHNDOE_ME).await;
        assert_eq!(jose_header(&token), json!({"alg": "HS256", "typ": "JWT"}));
    }
}
