//! Keys, parsed once when they are built: [`DecodingKey`] verifies,
//! [`EncodingKey`] signs.

use std::{fmt, sync::Arc};

use aws_lc_rs::{
    encoding::{AsDer as _, PublicKeyX509Der},
    error::KeyRejected,
    hmac, rand,
    rsa::{KeyPair as RsaKeyPair, PublicEncryptingKey},
    signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, ParsedPublicKey, RsaPublicKeyComponents},
};

use super::{
    Algorithm, AlgorithmFamily, Jwk, JwtError, JwtErrorKind, KeyError,
    pem::{Pem, encode_b64url as b64url, parse_pem, rsa_public_components},
};

/// The smallest RSA modulus warden accepts, in bits (RFC 7518 §3.3, §3.5).
const MIN_RSA_BITS: usize = 2048;

/// The three HMAC keys of one secret, built once.
#[derive(Clone)]
struct HmacKeys {
    /// The secret's length in bytes (RFC 7518 §3.2 asks for at least the
    /// hash output's: 32, 48, 64).
    len: usize,
    hs256: hmac::Key,
    hs384: hmac::Key,
    hs512: hmac::Key,
}

impl HmacKeys {
    fn new(secret: &[u8]) -> Self {
        Self {
            len: secret.len(),
            hs256: hmac::Key::new(hmac::HMAC_SHA256, secret),
            hs384: hmac::Key::new(hmac::HMAC_SHA384, secret),
            hs512: hmac::Key::new(hmac::HMAC_SHA512, secret),
        }
    }

    fn get(&self, alg: Algorithm) -> Option<&hmac::Key> {
        match alg {
            Algorithm::Hs256 => Some(&self.hs256),
            Algorithm::Hs384 => Some(&self.hs384),
            Algorithm::Hs512 => Some(&self.hs512),
            _ => None,
        }
    }
}

/// An RSA public key parsed for each of the six RSA algorithms.
#[derive(Clone)]
struct RsaKeys([ParsedPublicKey; 6]);

const RSA_PARAMS: [(Algorithm, &signature::RsaParameters); 6] = [
    (Algorithm::Rs256, &signature::RSA_PKCS1_2048_8192_SHA256),
    (Algorithm::Rs384, &signature::RSA_PKCS1_2048_8192_SHA384),
    (Algorithm::Rs512, &signature::RSA_PKCS1_2048_8192_SHA512),
    (Algorithm::Ps256, &signature::RSA_PSS_2048_8192_SHA256),
    (Algorithm::Ps384, &signature::RSA_PSS_2048_8192_SHA384),
    (Algorithm::Ps512, &signature::RSA_PSS_2048_8192_SHA512),
];

const fn rsa_index(alg: Algorithm) -> Option<usize> {
    match alg {
        Algorithm::Rs256 => Some(0),
        Algorithm::Rs384 => Some(1),
        Algorithm::Rs512 => Some(2),
        Algorithm::Ps256 => Some(3),
        Algorithm::Ps384 => Some(4),
        Algorithm::Ps512 => Some(5),
        _ => None,
    }
}

impl RsaKeys {
    fn build(parse: impl Fn(&'static signature::RsaParameters) -> Option<ParsedPublicKey>) -> Result<Self, KeyError> {
        let bad = || KeyError::new("not an RSA public key");
        let keys = [
            parse(RSA_PARAMS[0].1).ok_or_else(bad)?,
            parse(RSA_PARAMS[1].1).ok_or_else(bad)?,
            parse(RSA_PARAMS[2].1).ok_or_else(bad)?,
            parse(RSA_PARAMS[3].1).ok_or_else(bad)?,
            parse(RSA_PARAMS[4].1).ok_or_else(bad)?,
            parse(RSA_PARAMS[5].1).ok_or_else(bad)?,
        ];
        let spki: PublicKeyX509Der<'_> = keys[0].as_der().map_err(|_| bad())?;
        let bits = PublicEncryptingKey::from_der(spki.as_ref()).map_err(|_| bad())?.key_size_bits();
        if bits < MIN_RSA_BITS {
            return Err(KeyError::new("RSA keys must have at least 2048 bits"));
        }
        Ok(Self(keys))
    }
}

#[derive(Clone)]
enum Verifier {
    Hmac(Box<HmacKeys>),
    Rsa(Box<RsaKeys>),
    /// `ES256` (P-256) or `ES384` (P-384), by the key's curve.
    Ec(Algorithm, ParsedPublicKey),
    Ed25519(ParsedPublicKey),
}

/// A key that verifies signatures, parsed once when it is built (never per
/// token).
///
/// A key belongs to one [`AlgorithmFamily`] and verifies only the algorithms
/// of that family (all of them, unless it was built from a JWK with an `alg`,
/// or [restricted](Self::restrict_to)). A token whose `alg` does not fit the
/// key is refused with [`JwtErrorKind::KeyMismatch`] before any
/// cryptography: an `HS256` token never meets the bytes of an RSA key.
///
/// RSA keys must have at least 2048 bits; EC keys are on P-256 or P-384.
///
/// ```
/// use warden::jwt::{Algorithm, AlgorithmFamily, DecodingKey};
///
/// let key = DecodingKey::from_secret(b"a secret of at least 32 bytes!!!")?;
/// assert_eq!(key.family(), AlgorithmFamily::Hmac);
/// assert!(key.fits(Algorithm::Hs512));
/// assert!(!key.fits(Algorithm::Rs256));
/// // Secrets never show in Debug.
/// assert_eq!(format!("{key:?}"), "DecodingKey { family: Hmac, algorithm: None, .. }");
/// # Ok::<(), warden::jwt::KeyError>(())
/// ```
#[derive(Clone)]
pub struct DecodingKey {
    verifier: Verifier,
    only: Option<Algorithm>,
}

impl DecodingKey {
    /// An HMAC key (`HS256`, `HS384`, `HS512`) from a shared secret.
    ///
    /// # Errors
    ///
    /// An empty secret. (RFC 7518 §3.2 asks for at least as many bytes as
    /// the hash output: 32 for `HS256`; shorter secrets are accepted, as
    /// PyJWT does, but are weak.)
    pub fn from_secret(secret: &[u8]) -> Result<Self, KeyError> {
        if secret.is_empty() {
            return Err(KeyError::new("an HMAC secret cannot be empty"));
        }
        Ok(Self { verifier: Verifier::Hmac(Box::new(HmacKeys::new(secret))), only: None })
    }

    /// An RSA public key from PEM: `PUBLIC KEY` (SubjectPublicKeyInfo) or
    /// `RSA PUBLIC KEY` (PKCS#1).
    ///
    /// # Errors
    ///
    /// Not PEM, not an RSA public key, or fewer than 2048 bits.
    pub fn from_rsa_pem(pem: &[u8]) -> Result<Self, KeyError> {
        let Pem { label, der } = parse_pem(pem)?;
        match label.as_str() {
            "PUBLIC KEY" | "RSA PUBLIC KEY" => Self::from_rsa_der(&der),
            _ => Err(KeyError::new("expected a PUBLIC KEY or RSA PUBLIC KEY PEM block")),
        }
    }

    /// An RSA public key from DER: SubjectPublicKeyInfo or PKCS#1
    /// `RSAPublicKey`.
    ///
    /// # Errors
    ///
    /// Not an RSA public key, or fewer than 2048 bits.
    pub fn from_rsa_der(der: &[u8]) -> Result<Self, KeyError> {
        let keys = RsaKeys::build(|params| ParsedPublicKey::new(params, der).ok())?;
        Ok(Self { verifier: Verifier::Rsa(Box::new(keys)), only: None })
    }

    /// An RSA public key from its modulus `n` and public exponent `e`,
    /// big-endian (leading zero bytes allowed).
    ///
    /// # Errors
    ///
    /// Components that do not make an RSA key of at least 2048 bits.
    pub fn from_rsa_components(n: &[u8], e: &[u8]) -> Result<Self, KeyError> {
        let n = strip_leading_zeros(n);
        let e = strip_leading_zeros(e);
        let components = RsaPublicKeyComponents { n, e };
        let keys = RsaKeys::build(|params| components.to_parsed_public_key(params).ok())?;
        Ok(Self { verifier: Verifier::Rsa(Box::new(keys)), only: None })
    }

    /// An EC public key on P-256 (`ES256`) or P-384 (`ES384`) from a
    /// `PUBLIC KEY` PEM block.
    ///
    /// # Errors
    ///
    /// Not PEM, not an EC public key, or another curve.
    pub fn from_ec_pem(pem: &[u8]) -> Result<Self, KeyError> {
        let Pem { label, der } = parse_pem(pem)?;
        if label != "PUBLIC KEY" {
            return Err(KeyError::new("expected a PUBLIC KEY PEM block"));
        }
        Self::from_ec_der(&der)
    }

    /// An EC public key on P-256 or P-384 from SubjectPublicKeyInfo DER or an
    /// uncompressed SEC1 point (`04 ‖ x ‖ y`).
    ///
    /// # Errors
    ///
    /// Not an EC public key on P-256 or P-384.
    pub fn from_ec_der(der: &[u8]) -> Result<Self, KeyError> {
        if let Ok(key) = ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, der) {
            return Ok(Self { verifier: Verifier::Ec(Algorithm::Es256, key), only: None });
        }
        if let Ok(key) = ParsedPublicKey::new(&signature::ECDSA_P384_SHA384_FIXED, der) {
            return Ok(Self { verifier: Verifier::Ec(Algorithm::Es384, key), only: None });
        }
        Err(KeyError::new("not an EC public key on P-256 or P-384"))
    }

    /// An Ed25519 public key from a `PUBLIC KEY` PEM block.
    ///
    /// # Errors
    ///
    /// Not PEM or not an Ed25519 public key.
    pub fn from_ed25519_pem(pem: &[u8]) -> Result<Self, KeyError> {
        let Pem { label, der } = parse_pem(pem)?;
        if label != "PUBLIC KEY" {
            return Err(KeyError::new("expected a PUBLIC KEY PEM block"));
        }
        Self::from_ed25519_der(&der)
    }

    /// An Ed25519 public key from SubjectPublicKeyInfo DER.
    ///
    /// # Errors
    ///
    /// Not an Ed25519 public key.
    pub fn from_ed25519_der(der: &[u8]) -> Result<Self, KeyError> {
        if der.len() == 32 {
            return Err(KeyError::new("expected DER; use from_ed25519_raw for a raw key"));
        }
        Self::ed25519(der)
    }

    /// An Ed25519 public key from its 32 raw bytes (a JWK's `x`).
    ///
    /// # Errors
    ///
    /// Not 32 bytes, or not a point of the curve.
    pub fn from_ed25519_raw(public_key: &[u8]) -> Result<Self, KeyError> {
        if public_key.len() != 32 {
            return Err(KeyError::new("a raw Ed25519 public key has 32 bytes"));
        }
        Self::ed25519(public_key)
    }

    fn ed25519(bytes: &[u8]) -> Result<Self, KeyError> {
        let key =
            ParsedPublicKey::new(&signature::ED25519, bytes).map_err(|_| KeyError::new("not an Ed25519 public key"))?;
        Ok(Self { verifier: Verifier::Ed25519(key), only: None })
    }

    /// The key of a JWK (RFC 7517, RFC 7518 §6, RFC 8037): `RSA` (`n`, `e`),
    /// `EC` (`crv` P-256 or P-384, `x`, `y`), `OKP` (`crv` Ed25519, `x`) or
    /// `oct` (`k`). A JWK `alg` restricts the key to that algorithm.
    ///
    /// # Errors
    ///
    /// A JWK for encryption (`use` other than `sig`, or `key_ops` without
    /// `verify`), an unknown `kty`, `crv` or `alg`, or missing or malformed
    /// members.
    pub fn from_jwk(jwk: &super::Jwk) -> Result<Self, KeyError> {
        super::jwk::decoding_key_from_jwk(jwk)
    }

    /// The same key, verifying only `alg`.
    ///
    /// # Errors
    ///
    /// `alg` is not of the key's family (or not the key's curve).
    pub fn restrict_to(mut self, alg: Algorithm) -> Result<Self, KeyError> {
        if !self.fits(alg) {
            return Err(KeyError::new("the algorithm does not fit the key"));
        }
        self.only = Some(alg);
        Ok(self)
    }

    /// The family of the key.
    pub fn family(&self) -> AlgorithmFamily {
        match self.verifier {
            Verifier::Hmac(_) => AlgorithmFamily::Hmac,
            Verifier::Rsa(_) => AlgorithmFamily::Rsa,
            Verifier::Ec(..) => AlgorithmFamily::Ec,
            Verifier::Ed25519(_) => AlgorithmFamily::Ed25519,
        }
    }

    /// The one algorithm the key is restricted to, if any.
    pub fn algorithm(&self) -> Option<Algorithm> {
        self.only
    }

    /// Whether the key verifies `alg`: `alg` is of its family (and curve),
    /// and it is the key's algorithm when the key is restricted to one.
    #[inline]
    pub fn fits(&self, alg: Algorithm) -> bool {
        if self.only.is_some_and(|only| only != alg) {
            return false;
        }
        match &self.verifier {
            Verifier::Ec(curve_alg, _) => *curve_alg == alg,
            _ => alg.family() == self.family(),
        }
    }

    /// The length of an HMAC key's secret, in bytes, when it
    /// [fits](Self::fits) `alg`.
    pub(crate) fn secret_len(&self, alg: Algorithm) -> Option<usize> {
        match &self.verifier {
            Verifier::Hmac(keys) if self.fits(alg) => Some(keys.len),
            _ => None,
        }
    }

    /// Verifies `signature` of `message` with `alg`.
    ///
    /// # Errors
    ///
    /// [`KeyMismatch`](JwtErrorKind::KeyMismatch) when `alg` does not
    /// [fit](Self::fits) the key, [`InvalidSignature`](JwtErrorKind::InvalidSignature)
    /// when the signature does not verify.
    #[inline]
    pub fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> Result<(), JwtError> {
        if !self.fits(alg) {
            return Err(JwtError::new(JwtErrorKind::KeyMismatch));
        }
        let verified = match &self.verifier {
            Verifier::Hmac(keys) => match keys.get(alg) {
                Some(key) => hmac::verify(key, message, signature).is_ok(),
                None => false,
            },
            Verifier::Rsa(keys) => match rsa_index(alg) {
                Some(index) => keys.0[index].verify_sig(message, signature).is_ok(),
                None => false,
            },
            Verifier::Ec(_, key) | Verifier::Ed25519(key) => key.verify_sig(message, signature).is_ok(),
        };
        if verified { Ok(()) } else { Err(JwtError::new(JwtErrorKind::InvalidSignature)) }
    }
}

impl fmt::Debug for DecodingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodingKey")
            .field("family", &self.family())
            .field("algorithm", &self.only)
            .finish_non_exhaustive()
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|byte| *byte != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

#[derive(Clone)]
enum Signer {
    Hmac(Box<HmacKeys>),
    Rsa(Arc<RsaKeyPair>),
    Ec(Algorithm, Arc<EcdsaKeyPair>),
    Ed25519(Arc<Ed25519KeyPair>),
}

/// A key that signs tokens, parsed once when it is built. `Debug` never
/// shows it.
///
/// ```
/// use warden::jwt::{Algorithm, EncodingKey};
///
/// let key = EncodingKey::from_secret(b"a secret of at least 32 bytes!!!")?;
/// assert!(key.fits(Algorithm::Hs256));
/// assert_eq!(format!("{key:?}"), "EncodingKey { family: Hmac, .. }");
/// # Ok::<(), warden::jwt::KeyError>(())
/// ```
#[derive(Clone)]
pub struct EncodingKey {
    signer: Signer,
}

impl EncodingKey {
    /// An HMAC key from a shared secret.
    ///
    /// # Errors
    ///
    /// An empty secret.
    pub fn from_secret(secret: &[u8]) -> Result<Self, KeyError> {
        if secret.is_empty() {
            return Err(KeyError::new("an HMAC secret cannot be empty"));
        }
        Ok(Self { signer: Signer::Hmac(Box::new(HmacKeys::new(secret))) })
    }

    /// A private key from PEM, of whichever type it is: `PRIVATE KEY`
    /// (PKCS#8, as `openssl genpkey` writes RSA, EC and Ed25519 keys),
    /// `RSA PRIVATE KEY` (PKCS#1) or `EC PRIVATE KEY` (SEC1, RFC 5915).
    ///
    /// RSA keys must have at least 2048 bits; EC keys are on P-256 or P-384.
    /// [`algorithm`](Self::algorithm) tells what the key signs with.
    ///
    /// ```
    /// use warden::jwt::{Algorithm, EncodingKey};
    ///
    /// // openssl genpkey -algorithm ED25519
    /// let pem = b"-----BEGIN PRIVATE KEY-----
    /// MC4CAQAwBQYDK2VwBCIEIPyxWNLMFN5gMxi/1XTOZl1QyuYuTZ6jf8rcxdcnj6wG
    /// -----END PRIVATE KEY-----";
    /// let key = EncodingKey::from_pem(pem)?;
    /// assert_eq!(key.algorithm(), Some(Algorithm::EdDsa));
    /// # Ok::<(), warden::jwt::KeyError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Not PEM, an encrypted or public key, another label, a key of another
    /// type or curve (P-521, X25519, DSA, …), or RSA of fewer than 2048 bits.
    pub fn from_pem(pem: &[u8]) -> Result<Self, KeyError> {
        let Pem { label, der } = parse_pem(pem)?;
        match label.as_str() {
            "RSA PRIVATE KEY" => Self::rsa(RsaKeyPair::from_der(&der)),
            "EC PRIVATE KEY" => Self::ec(&der),
            "PRIVATE KEY" => match RsaKeyPair::from_pkcs8(&der) {
                // Any other rejection: not RSA, try the other types.
                Err(err) if err.description_() != "TooSmall" => Self::ec(&der)
                    .or_else(|_| Self::ed25519(&der))
                    .map_err(|_| KeyError::new("not an RSA, EC P-256, EC P-384 or Ed25519 private key")),
                rsa => Self::rsa(rsa),
            },
            _ => Err(KeyError::new("expected a PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY PEM block")),
        }
    }

    /// An RSA private key from PEM: `PRIVATE KEY` (PKCS#8) or
    /// `RSA PRIVATE KEY` (PKCS#1).
    ///
    /// # Errors
    ///
    /// Not PEM, not an RSA private key, or fewer than 2048 bits.
    pub fn from_rsa_pem(pem: &[u8]) -> Result<Self, KeyError> {
        let Pem { label, der } = parse_pem(pem)?;
        match label.as_str() {
            "PRIVATE KEY" => Self::rsa(RsaKeyPair::from_pkcs8(&der)),
            "RSA PRIVATE KEY" => Self::rsa(RsaKeyPair::from_der(&der)),
            _ => Err(KeyError::new("expected a PRIVATE KEY or RSA PRIVATE KEY PEM block")),
        }
    }

    /// An EC private key on P-256 or P-384 from PEM: `PRIVATE KEY` (PKCS#8)
    /// or `EC PRIVATE KEY` (SEC1, RFC 5915).
    ///
    /// # Errors
    ///
    /// Not PEM, not an EC private key, or another curve.
    pub fn from_ec_pem(pem: &[u8]) -> Result<Self, KeyError> {
        let Pem { label, der } = parse_pem(pem)?;
        if label != "PRIVATE KEY" && label != "EC PRIVATE KEY" {
            return Err(KeyError::new("expected a PRIVATE KEY or EC PRIVATE KEY PEM block"));
        }
        Self::ec(&der)
    }

    /// An Ed25519 private key from a `PRIVATE KEY` (PKCS#8 v1 or v2) PEM block.
    ///
    /// # Errors
    ///
    /// Not PEM or not an Ed25519 private key.
    pub fn from_ed25519_pem(pem: &[u8]) -> Result<Self, KeyError> {
        let Pem { label, der } = parse_pem(pem)?;
        if label != "PRIVATE KEY" {
            return Err(KeyError::new("expected a PRIVATE KEY PEM block"));
        }
        Self::ed25519(&der)
    }

    fn rsa(parsed: Result<RsaKeyPair, KeyRejected>) -> Result<Self, KeyError> {
        let too_small = || KeyError::new("RSA keys must have at least 2048 bits");
        let pair = parsed.map_err(|err| {
            if err.description_() == "TooSmall" { too_small() } else { KeyError::new("not an RSA private key") }
        })?;
        if pair.public_modulus_len() * 8 < MIN_RSA_BITS {
            return Err(too_small());
        }
        Ok(Self { signer: Signer::Rsa(Arc::new(pair)) })
    }

    /// PKCS#8 or SEC1 DER, on P-256 or P-384.
    fn ec(der: &[u8]) -> Result<Self, KeyError> {
        for (alg, signing) in [
            (Algorithm::Es256, &signature::ECDSA_P256_SHA256_FIXED_SIGNING),
            (Algorithm::Es384, &signature::ECDSA_P384_SHA384_FIXED_SIGNING),
        ] {
            if let Ok(pair) = EcdsaKeyPair::from_private_key_der(signing, der) {
                return Ok(Self { signer: Signer::Ec(alg, Arc::new(pair)) });
            }
        }
        Err(KeyError::new("not an EC private key on P-256 or P-384"))
    }

    /// PKCS#8 v1 or v2 DER.
    fn ed25519(der: &[u8]) -> Result<Self, KeyError> {
        let pair =
            Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map_err(|_| KeyError::new("not an Ed25519 private key"))?;
        Ok(Self { signer: Signer::Ed25519(Arc::new(pair)) })
    }

    /// The natural algorithm of an asymmetric key: `RS256` for RSA, `ES256`
    /// for P-256, `ES384` for P-384, `EdDSA` for Ed25519. `None` for an HMAC
    /// secret, which signs `HS256`, `HS384` and `HS512` alike.
    ///
    /// (An RSA key also signs `RS384`, `RS512` and `PS256`–`PS512`; see
    /// [`fits`](Self::fits).)
    pub fn algorithm(&self) -> Option<Algorithm> {
        match &self.signer {
            Signer::Hmac(_) => None,
            Signer::Rsa(_) => Some(Algorithm::Rs256),
            Signer::Ec(alg, _) => Some(*alg),
            Signer::Ed25519(_) => Some(Algorithm::EdDsa),
        }
    }

    /// The public key as a JWK (RFC 7517, RFC 7518 §6, RFC 8037) to publish
    /// in a JWK set: `kty`, `n` and `e` (RSA), `crv`, `x` and `y` (EC) or
    /// `crv` and `x` (OKP, Ed25519), with [`algorithm`](Self::algorithm) as
    /// `alg` and `use` `sig`. No `kid`: set one, for example
    /// [`Jwk::thumbprint`](super::Jwk::thumbprint).
    ///
    /// `None` for an HMAC key: a secret is never exported.
    ///
    /// ```
    /// use warden::jwt::{EncodingKey, JwkSet, KeySet};
    ///
    /// let key = EncodingKey::from_pem(b"-----BEGIN PRIVATE KEY-----
    /// MC4CAQAwBQYDK2VwBCIEIPyxWNLMFN5gMxi/1XTOZl1QyuYuTZ6jf8rcxdcnj6wG
    /// -----END PRIVATE KEY-----")?;
    /// let mut jwk = key.public_jwk().expect("an Ed25519 key has a public half");
    /// jwk.kid = Some(jwk.thumbprint()?);
    /// assert_eq!(jwk.kty, "OKP");
    /// assert_eq!(serde_json::to_value(&jwk)?["alg"], "EdDSA");
    ///
    /// // Another service verifies the key's tokens from the published set.
    /// let keys = KeySet::from_jwks(&JwkSet::new(vec![jwk]));
    /// assert_eq!(keys.len(), 1);
    ///
    /// assert!(EncodingKey::from_secret(b"a secret of at least 32 bytes!!!")?.public_jwk().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn public_jwk(&self) -> Option<Jwk> {
        let alg = self.algorithm().map(|alg| alg.as_str().to_owned());
        let jwk = Jwk { alg, key_use: Some("sig".to_owned()), ..Jwk::default() };
        match &self.signer {
            Signer::Hmac(_) => None,
            Signer::Rsa(pair) => {
                let (n, e) = rsa_public_components(pair.public_key().as_ref())?;
                Some(Jwk { kty: "RSA".to_owned(), n: Some(b64url(n)), e: Some(b64url(e)), ..jwk })
            }
            Signer::Ec(alg, pair) => {
                // The uncompressed SEC1 point: 04 ‖ x ‖ y.
                let point = pair.public_key().as_ref();
                let (crv, size) = if *alg == Algorithm::Es256 { ("P-256", 32) } else { ("P-384", 48) };
                let (x, y) = point.strip_prefix(&[4])?.split_at_checked(size)?;
                Some(Jwk {
                    kty: "EC".to_owned(),
                    crv: Some(crv.to_owned()),
                    x: Some(b64url(x)),
                    y: Some(b64url(y)),
                    ..jwk
                })
            }
            Signer::Ed25519(pair) => Some(Jwk {
                kty: "OKP".to_owned(),
                crv: Some("Ed25519".to_owned()),
                x: Some(b64url(pair.public_key().as_ref())),
                ..jwk
            }),
        }
    }

    /// The family of the key.
    pub fn family(&self) -> AlgorithmFamily {
        match self.signer {
            Signer::Hmac(_) => AlgorithmFamily::Hmac,
            Signer::Rsa(_) => AlgorithmFamily::Rsa,
            Signer::Ec(..) => AlgorithmFamily::Ec,
            Signer::Ed25519(_) => AlgorithmFamily::Ed25519,
        }
    }

    /// Whether the key signs with `alg`.
    pub fn fits(&self, alg: Algorithm) -> bool {
        match &self.signer {
            Signer::Ec(curve_alg, _) => *curve_alg == alg,
            _ => alg.family() == self.family(),
        }
    }

    /// The length of an HMAC key's secret, in bytes, when it
    /// [fits](Self::fits) `alg`.
    pub(crate) fn secret_len(&self, alg: Algorithm) -> Option<usize> {
        match &self.signer {
            Signer::Hmac(keys) if self.fits(alg) => Some(keys.len),
            _ => None,
        }
    }

    /// The key that verifies this key's signatures: the same secret, or the
    /// public half.
    ///
    /// # Errors
    ///
    /// Never for keys warden built; kept for keys the backend cannot export.
    pub fn decoding_key(&self) -> Result<DecodingKey, KeyError> {
        match &self.signer {
            Signer::Hmac(keys) => Ok(DecodingKey { verifier: Verifier::Hmac(keys.clone()), only: None }),
            Signer::Rsa(pair) => DecodingKey::from_rsa_der(pair.public_key().as_ref()),
            Signer::Ec(..) | Signer::Ed25519(_) => {
                let public = match &self.signer {
                    Signer::Ec(_, pair) => pair.public_key().as_ref().to_vec(),
                    Signer::Ed25519(pair) => pair.public_key().as_ref().to_vec(),
                    _ => Vec::new(),
                };
                if self.family() == AlgorithmFamily::Ec {
                    DecodingKey::from_ec_der(&public)
                } else {
                    DecodingKey::from_ed25519_raw(&public)
                }
            }
        }
    }

    /// Signs `message` with `alg`, appending the signature to `out`.
    pub(crate) fn sign(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>, JwtError> {
        if !self.fits(alg) {
            return Err(JwtError::new(JwtErrorKind::KeyMismatch));
        }
        let failed = |_| JwtError::new(JwtErrorKind::Encoding);
        match &self.signer {
            Signer::Hmac(keys) => match keys.get(alg) {
                Some(key) => Ok(hmac::sign(key, message).as_ref().to_vec()),
                None => Err(JwtError::new(JwtErrorKind::KeyMismatch)),
            },
            Signer::Rsa(pair) => {
                let padding: &'static dyn signature::RsaEncoding = match alg {
                    Algorithm::Rs256 => &signature::RSA_PKCS1_SHA256,
                    Algorithm::Rs384 => &signature::RSA_PKCS1_SHA384,
                    Algorithm::Rs512 => &signature::RSA_PKCS1_SHA512,
                    Algorithm::Ps256 => &signature::RSA_PSS_SHA256,
                    Algorithm::Ps384 => &signature::RSA_PSS_SHA384,
                    _ => &signature::RSA_PSS_SHA512,
                };
                let mut out = vec![0; pair.public_modulus_len()];
                pair.sign(padding, &rand::SystemRandom::new(), message, &mut out).map_err(failed)?;
                Ok(out)
            }
            Signer::Ec(_, pair) => {
                Ok(pair.sign(&rand::SystemRandom::new(), message).map_err(failed)?.as_ref().to_vec())
            }
            Signer::Ed25519(pair) => Ok(pair.try_sign(message).map_err(failed)?.as_ref().to_vec()),
        }
    }
}

impl fmt::Debug for EncodingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncodingKey").field("family", &self.family()).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::{JwkSet, JwtVerifier, KeySet, ScopedClaims, TokenIssuer};

    /// The PEM private keys of tests/fixtures/keys (make_keys.sh: OpenSSL 3)
    /// and the algorithm each signs with.
    const KEYS: [(&str, &str, Algorithm); 8] = [
        ("rsa2048.pkcs8.pem", include_str!("../../tests/fixtures/keys/rsa2048.pkcs8.pem"), Algorithm::Rs256),
        ("rsa2048.pkcs1.pem", include_str!("../../tests/fixtures/keys/rsa2048.pkcs1.pem"), Algorithm::Rs256),
        ("rsa3072.pkcs8.pem", include_str!("../../tests/fixtures/keys/rsa3072.pkcs8.pem"), Algorithm::Rs256),
        ("p256.pkcs8.pem", include_str!("../../tests/fixtures/keys/p256.pkcs8.pem"), Algorithm::Es256),
        ("p256.sec1.pem", include_str!("../../tests/fixtures/keys/p256.sec1.pem"), Algorithm::Es256),
        ("p384.pkcs8.pem", include_str!("../../tests/fixtures/keys/p384.pkcs8.pem"), Algorithm::Es384),
        ("p384.sec1.pem", include_str!("../../tests/fixtures/keys/p384.sec1.pem"), Algorithm::Es384),
        ("ed25519.pkcs8.pem", include_str!("../../tests/fixtures/keys/ed25519.pkcs8.pem"), Algorithm::EdDsa),
    ];

    /// jwcrypto's public JWK and RFC 7638 thumbprint of each key (make_thumbprints.py).
    fn jwcrypto(name: &str) -> serde_json::Value {
        let all: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/keys/thumbprints.json")).unwrap();
        all[name].clone()
    }

    #[test]
    fn from_pem_reads_pkcs8_pkcs1_and_sec1_keys_and_knows_their_algorithm() {
        for (name, pem, alg) in KEYS {
            let key = EncodingKey::from_pem(pem.as_bytes()).unwrap_or_else(|err| panic!("{name}: {err}"));
            assert_eq!(key.algorithm(), Some(alg), "{name}");
            assert!(key.fits(alg), "{name}");
            let signature = key.sign(alg, b"message").unwrap();
            key.decoding_key().unwrap().verify(alg, b"message", &signature).unwrap();
        }
    }

    #[test]
    fn the_typed_constructors_read_the_same_keys() {
        for (name, pem, alg) in KEYS {
            let typed = match alg.family() {
                AlgorithmFamily::Rsa => EncodingKey::from_rsa_pem(pem.as_bytes()),
                AlgorithmFamily::Ec => EncodingKey::from_ec_pem(pem.as_bytes()),
                _ => EncodingKey::from_ed25519_pem(pem.as_bytes()),
            };
            assert_eq!(typed.unwrap().algorithm(), Some(alg), "{name}");
        }
        let (_, rsa, _) = KEYS[0];
        assert!(EncodingKey::from_ec_pem(rsa.as_bytes()).is_err());
        assert!(EncodingKey::from_ed25519_pem(rsa.as_bytes()).is_err());
    }

    #[test]
    fn from_pem_refuses_small_rsa_keys_other_curves_and_public_keys() {
        for pem in [
            include_str!("../../tests/fixtures/keys/rsa1024.pkcs8.pem"),
            include_str!("../../tests/fixtures/keys/rsa1024.pkcs1.pem"),
        ] {
            assert_eq!(
                EncodingKey::from_pem(pem.as_bytes()).unwrap_err().reason(),
                "RSA keys must have at least 2048 bits"
            );
            assert!(EncodingKey::from_rsa_pem(pem.as_bytes()).is_err());
        }
        for other in [
            include_str!("../../tests/fixtures/keys/p521.pkcs8.pem"),
            include_str!("../../tests/fixtures/keys/x25519.pkcs8.pem"),
            include_str!("../../tests/fixtures/keys/ed448.pkcs8.pem"),
        ] {
            assert_eq!(
                EncodingKey::from_pem(other.as_bytes()).unwrap_err().reason(),
                "not an RSA, EC P-256, EC P-384 or Ed25519 private key"
            );
            assert!(EncodingKey::from_ed25519_pem(other.as_bytes()).is_err());
            assert!(EncodingKey::from_ec_pem(other.as_bytes()).is_err());
        }
        let (_, p256, _) = KEYS[3];
        let sec1_labelled_as_rsa = p256.replace("PRIVATE KEY", "RSA PRIVATE KEY");
        assert!(EncodingKey::from_pem(sec1_labelled_as_rsa.as_bytes()).is_err());
        let public = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n";
        assert!(EncodingKey::from_pem(public.as_bytes()).is_err());
        for junk in [&b""[..], b"not pem", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"] {
            assert!(EncodingKey::from_pem(junk).is_err());
        }
    }

    #[test]
    fn the_public_jwk_and_its_thumbprint_are_those_jwcrypto_computes() {
        for (name, pem, alg) in KEYS {
            let jwk = EncodingKey::from_pem(pem.as_bytes()).unwrap().public_jwk().unwrap();
            let expected = jwcrypto(name);
            let ours = serde_json::to_value(&jwk).unwrap();
            for member in ["kty", "n", "e", "crv", "x", "y"] {
                assert_eq!(ours.get(member), expected["jwk"].get(member), "{name}: {member}");
            }
            assert_eq!(ours["alg"], alg.as_str(), "{name}");
            assert_eq!(ours["use"], "sig", "{name}");
            assert!(ours.get("d").is_none() && ours.get("kid").is_none(), "{name}");
            assert_eq!(jwk.thumbprint().unwrap(), expected["thumbprint"], "{name}");
        }
    }

    #[test]
    fn an_hmac_key_exports_no_jwk_and_has_no_single_algorithm() {
        let key = EncodingKey::from_secret(b"a secret of at least 32 bytes!!!").unwrap();
        assert!(key.public_jwk().is_none());
        assert_eq!(key.algorithm(), None);
    }

    #[test]
    fn a_published_jwk_set_verifies_the_key_s_tokens() {
        for (name, pem, alg) in KEYS {
            let key = EncodingKey::from_pem(pem.as_bytes()).unwrap();
            let mut jwk = key.public_jwk().unwrap();
            let kid = jwk.thumbprint().unwrap();
            jwk.kid = Some(kid.clone());
            // As another service reads it from /.well-known/jwks.json.
            let published = serde_json::to_string(&JwkSet::new(vec![jwk])).unwrap();
            let keys = KeySet::from_jwks(&serde_json::from_str(&published).unwrap());
            assert_eq!(keys.len(), 1, "{name}");
            let verifier = JwtVerifier::<ScopedClaims, _>::builder(keys, [alg]).build().unwrap();
            let issuer = TokenIssuer::new(key, alg).unwrap();
            let with_kid = issuer.clone().kid(kid).issue("johndoe", &["me"]).unwrap();
            assert_eq!(verifier.verify(&with_kid).unwrap().sub, "johndoe", "{name}");
            // Without a kid, the one key that fits the algorithm.
            assert_eq!(verifier.verify(&issuer.issue("alice", &[]).unwrap()).unwrap().sub, "alice", "{name}");
        }
    }
}
