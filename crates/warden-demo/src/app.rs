//! The service as a whole: its state, what it is given (secrets, a signing
//! key, the limits of the password checks), and [`open`], which opens the
//! database and builds the router around the routes of [`crate::routes`].

use std::{path::Path, sync::Arc};

use axum::{Json, Router, extract::FromRef};
use serde_json::Value;
use warden::{
    ApiKey, HttpBasic, OAuth2PasswordBearer, Secret,
    jwt::JwtBearer,
    jwt::{Algorithm, DecodingKey, EncodingKey, Header, JwtVerifier},
    openapi::{Routes, SwaggerUi},
    password::PasswordVerifier,
    scopes::DeclareScopes,
};
use warden_tutorials::starlette;

use crate::{
    AnyError,
    auth::{CurrentUser, PasswordLimits, TokenCheck},
    database::{Db, Found},
    routes::{
        JWKS_PATH, METRICS, OPENAPI_PATH, ROUTES, STATUS, TOKEN_PATH, USERS_ME, USERS_ME_ITEMS, WHOAMI, login, metrics,
        published_keys, read_own_items, read_system_status, read_users_me, whoami,
    },
    secrets::{SecretSource, choose_api_key, choose_secret},
    signing::{KeyPair, Signer},
};

/// The realm of `/whoami/`.
const BASIC_REALM: &str = "warden demo";

/// The router state.
#[derive(Debug, Clone, FromRef)]
pub(crate) struct Service {
    pub(crate) current_user: CurrentUser,
    pub(crate) db: Db,
    pub(crate) signer: Signer,
    pub(crate) passwords: PasswordVerifier,
    pub(crate) basic: HttpBasic,
    pub(crate) api_key: ApiKey,
    pub(crate) operator_key: Arc<Secret>,
}

/// What [`open`] found.
#[derive(Debug)]
pub(crate) struct Opened {
    pub(crate) app: Router,
    /// What the database was: new, of an older version, current.
    pub(crate) found: Found,
    pub(crate) secret: SecretSource,
    /// The `--signing-key`'s algorithm and `kid`, if one was given.
    pub(crate) signing: Option<(Algorithm, String)>,
}

/// What the service is given: secrets from files or the environment (the
/// database's stand in for those not given), a signing key, the limits of
/// the password checks.
#[derive(Debug, Clone, Default)]
pub(crate) struct Given {
    /// The contents of `--secret-file`.
    pub(crate) secret_file: Option<String>,
    pub(crate) secret_environment: Option<String>,
    /// The contents of `--api-key-file`.
    pub(crate) api_key_file: Option<String>,
    pub(crate) api_key_environment: Option<String>,
    /// The contents of `--signing-key`: a PEM private key.
    pub(crate) signing_key: Option<Vec<u8>>,
    pub(crate) passwords: PasswordLimits,
}

/// Opens (or creates) the database at `path` and builds the service, signing
/// with the `--signing-key` if given, else HS256 with the secret
/// [`choose_secret`] picks, and taking the API key [`choose_api_key`] picks.
/// Blocking.
pub(crate) fn open(path: &Path, given: Given) -> Result<Opened, AnyError> {
    let (db, found) =
        Db::open(path).map_err(|error| format!("cannot open the database {}: {error}", path.display()))?;
    let (stored, stored_key) = db.blocking(|connection| -> rusqlite::Result<_> {
        Ok((Db::stored_secret(connection)?, Db::stored_api_key(connection)?))
    })?;
    let (secret, source) = choose_secret(given.secret_file, given.secret_environment, stored)?;
    let operator_key = Arc::new(choose_api_key(given.api_key_file, given.api_key_environment, stored_key)?);
    let scheme = OAuth2PasswordBearer::builder("token")
        .scope("me", "Read information about the current user.")
        .scope("items", "Read items.")
        .build()?;
    let key_pair = given.signing_key.as_deref().map(KeyPair::from_pem).transpose()?;
    let signing = key_pair.as_ref().map(|pair| (pair.algorithm(), pair.kid().to_owned()));
    let (jwt, signer, jwks) = match key_pair {
        // Only the key's algorithm verifies: an HS256 token is refused, even
        // one signed with the stored secret.
        Some(KeyPair { signer, keys, jwks }) => {
            let verifier = JwtVerifier::builder(keys, [signer.header.alg()]).build()?;
            (TokenCheck::KeyPair(JwtBearer::new(scheme, verifier)), signer, Some(jwks))
        }
        None => {
            let verifier =
                JwtVerifier::builder(DecodingKey::from_secret(secret.as_bytes())?, [Algorithm::Hs256]).build()?;
            let signer = Signer {
                key: EncodingKey::from_secret(secret.as_bytes())?,
                header: Arc::new(Header::new(Algorithm::Hs256)),
            };
            (TokenCheck::Secret(JwtBearer::new(scheme, verifier)), signer, None)
        }
    };
    let current_user = CurrentUser { jwt, db: db.clone() };
    let service = Service {
        current_user,
        db,
        signer,
        passwords: given.passwords.verifier()?,
        basic: HttpBasic::new(BASIC_REALM)?,
        api_key: ApiKey::header("X-API-Key")?,
        operator_key,
    };
    let (router, security) = Routes::new()
        .route(TOKEN_PATH, starlette::documented_post(login))
        .route(USERS_ME, starlette::documented_get(read_users_me))
        // The route's `items`, outside the active-user check's `me`.
        .route(USERS_ME_ITEMS, starlette::documented_get(read_own_items).protect(DeclareScopes::new(["items"])?))
        .route(STATUS, starlette::documented_get(read_system_status))
        .route(WHOAMI, starlette::documented_get(whoami))
        .route(METRICS, starlette::documented_get(metrics))
        .with_state(service)
        .split()?;
    let document = Arc::new(security.to_openapi_json("warden demo service", env!("CARGO_PKG_VERSION")));
    let docs = SwaggerUi::builder(OPENAPI_PATH).title("warden demo service - Swagger UI").build()?;
    let jwks = jwks.map(serde_json::to_value).transpose()?.map(Arc::new);
    let router = router
        .route(OPENAPI_PATH, starlette::get(move || async move { Json(Value::clone(&document)) }))
        .route(JWKS_PATH, starlette::get(move || async move { published_keys(jwks.as_deref()) }))
        .merge(docs.router());
    Ok(Opened { app: starlette::routing(router, ROUTES), found, secret: source, signing })
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use warden_tutorials::testing::Req;

    use crate::{
        routes::{DOCS_PATH, METRICS, OPENAPI_PATH, STATUS, TOKEN_PATH, USERS_ME, USERS_ME_ITEMS, WHOAMI},
        test_support::{TempDir, open_blocking},
    };

    /// `/openapi.json` documents the password flow and each route's scopes
    /// and answers; `/docs` is Swagger UI, pointed at it.
    #[tokio::test]
    async fn the_openapi_document_lists_each_routes_security_and_docs_serve_swagger_ui() {
        let dir = TempDir::new();
        let app = open_blocking(dir.db(), None).await.app;
        let document = Req::get(OPENAPI_PATH).send(&app).await;
        assert_eq!(document.status, 200);
        let document = document.body;
        let flow = &document["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]["password"];
        assert_eq!(flow["tokenUrl"], "token");
        assert_eq!(flow["scopes"].as_object().map(|scopes| scopes.len()), Some(2));
        let operation = |path: &str| document["paths"][path]["get"].clone();
        assert_eq!(operation(USERS_ME)["security"], json!([{ "OAuth2PasswordBearer": ["me"] }]));
        assert_eq!(operation(USERS_ME_ITEMS)["security"], json!([{ "OAuth2PasswordBearer": ["items", "me"] }]));
        assert_eq!(operation(STATUS)["security"], json!([{ "OAuth2PasswordBearer": [] }]));
        assert!(document["paths"][TOKEN_PATH]["post"].get("security").is_none());
        assert_eq!(operation(WHOAMI)["security"], json!([{ "HTTPBasic": [] }]));
        assert_eq!(operation(METRICS)["security"], json!([{ "APIKeyHeader": [] }]));
        assert_eq!(
            document["components"]["securitySchemes"]["APIKeyHeader"],
            json!({ "type": "apiKey", "in": "header", "name": "X-API-Key" })
        );
        assert_eq!(
            operation(USERS_ME_ITEMS)["responses"]["403"]["headers"]["WWW-Authenticate"]["schema"]["examples"],
            json!([r#"Bearer error="insufficient_scope", scope="items me""#])
        );
        assert!(operation(STATUS)["responses"].get("403").is_none(), "no scope, no insufficient_scope");
        let docs = Req::get(DOCS_PATH).send_raw(&app).await;
        assert_eq!(docs.status, 200);
        assert!(docs.raw.contains("/openapi.json"));
    }
}
