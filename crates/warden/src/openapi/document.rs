//! The security part of an OpenAPI document: schemes, each operation's
//! requirements and its error answers, written into a JSON document or a
//! utoipa `OpenApi`.

use std::{collections::BTreeMap, fmt};

use axum::http::Method;
use serde_json::{Map, Value, json};

use super::{
    SecuritySchemeObject, UnsupportedByUtoipa,
    security::{DocContext, DocumentedAnswer, SecurityRequirements},
};

/// Why a security document cannot be built or applied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OpenApiError {
    /// Two different scheme configurations have one OpenAPI name.
    ConflictingSchemes {
        /// The name.
        name: String,
    },
    /// A scheme utoipa cannot hold (an HTTP scheme outside its list).
    Utoipa(UnsupportedByUtoipa),
    /// The document given to [`SecurityDocument::apply_to_json`] is not a
    /// JSON object, or its `paths` or `components` are not objects.
    NotAnOpenApiObject,
}

impl fmt::Display for OpenApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ConflictingSchemes { name } => write!(
                f,
                "two different security schemes are named {name:?} in the OpenAPI document; give one its own scheme_name"
            ),
            Self::Utoipa(error) => error.fmt(f),
            Self::NotAnOpenApiObject => {
                f.write_str("not an OpenAPI object: the document, its paths and its components must be JSON objects")
            }
        }
    }
}

impl std::error::Error for OpenApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Utoipa(error) => Some(error),
            _ => None,
        }
    }
}

impl From<UnsupportedByUtoipa> for OpenApiError {
    fn from(error: UnsupportedByUtoipa) -> Self {
        Self::Utoipa(error)
    }
}

/// One operation's security: its requirements, the error answers its
/// protection can give, by status, and the token form's request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationSecurity {
    path: String,
    method: Method,
    requirements: SecurityRequirements,
    answers: BTreeMap<u16, DocumentedAnswer>,
    request_body: Option<(String, Value)>,
}

impl OperationSecurity {
    pub(crate) fn new(path: String, method: Method, requirements: SecurityRequirements) -> Self {
        Self { path, method, requirements, answers: BTreeMap::new(), request_body: None }
    }

    /// The path, as axum routes it (`/items/{id}`, OpenAPI's form too).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The requirements.
    pub fn requirements(&self) -> &SecurityRequirements {
        &self.requirements
    }

    /// The error answers, by status code.
    pub fn answers(&self) -> impl Iterator<Item = (u16, &DocumentedAnswer)> {
        self.answers.iter().map(|(status, answer)| (*status, answer))
    }

    /// Writes the `security` and the error responses into `operation`, an
    /// Operation Object; responses it already documents are kept.
    fn apply(&self, operation: &mut Map<String, Value>) {
        if let Some((media_type, schema)) = &self.request_body {
            operation.entry("requestBody").or_insert_with(
                || json!({ "required": true, "content": { media_type.as_str(): { "schema": schema } } }),
            );
        }
        if !self.requirements.is_anonymous() {
            operation.insert("security".to_owned(), self.requirements.to_json());
        }
        if self.answers.is_empty() {
            return;
        }
        let responses = operation.entry("responses").or_insert_with(|| Value::Object(Map::new()));
        let Some(responses) = responses.as_object_mut() else { return };
        for (status, answer) in &self.answers {
            responses.entry(status.to_string()).or_insert_with(|| response_object(answer));
        }
    }
}

/// A Response Object for `answer`: FastAPI's `{"detail": …}` body and, for
/// a challenge, the `WWW-Authenticate` header with examples of its values.
fn response_object(answer: &DocumentedAnswer) -> Value {
    let description: Vec<&str> = answer.descriptions().collect();
    let mut response = json!({
        "description": description.join("; "),
        "content": { "application/json": { "schema": {
            "type": "object",
            "properties": { "detail": { "type": "string" } },
        }}},
    });
    if answer.challenges().len() > 0 {
        let challenges: Vec<&str> = answer.challenges().collect();
        response["headers"] = json!({ "WWW-Authenticate": {
            "description": "The authentication scheme to retry with (RFC 9110 §11.6.1).",
            "schema": { "type": "string", "examples": challenges },
        }});
    }
    response
}

/// The security of an app's documented routes: every scheme under its
/// OpenAPI name, and each operation's requirements and error answers. Made
/// by [`Routes::split`](super::Routes::split); write it into a document with
/// [`apply_to_json`](Self::apply_to_json), [`apply_to`](Self::apply_to)
/// (utoipa) or [`to_openapi_json`](Self::to_openapi_json).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecurityDocument {
    schemes: BTreeMap<String, SecuritySchemeObject>,
    operations: Vec<OperationSecurity>,
}

impl SecurityDocument {
    pub(crate) fn add(&mut self, mut operation: OperationSecurity, cx: DocContext) -> Result<(), OpenApiError> {
        if let Some(name) = cx.conflicts.into_iter().next() {
            return Err(OpenApiError::ConflictingSchemes { name });
        }
        for (name, object) in cx.schemes {
            match self.schemes.get(&name) {
                Some(known) if *known != object => return Err(OpenApiError::ConflictingSchemes { name }),
                Some(_) => {}
                None => {
                    self.schemes.insert(name, object);
                }
            }
        }
        operation.answers = cx.answers;
        operation.request_body = cx.request_body;
        self.operations.push(operation);
        Ok(())
    }

    /// The schemes, by OpenAPI name.
    pub fn schemes(&self) -> impl ExactSizeIterator<Item = (&str, &SecuritySchemeObject)> {
        self.schemes.iter().map(|(name, object)| (name.as_str(), object))
    }

    /// The documented operations, in the order they were added.
    pub fn operations(&self) -> &[OperationSecurity] {
        &self.operations
    }

    /// The operation `method path`, if documented.
    pub fn operation(&self, method: &Method, path: &str) -> Option<&OperationSecurity> {
        self.operations.iter().find(|operation| operation.method == *method && operation.path == path)
    }

    /// Writes the schemes into `components.securitySchemes` and each
    /// operation's `security` and error responses into `paths`, creating
    /// the operations the document lacks. What the document already says
    /// about a response is kept.
    ///
    /// # Errors
    ///
    /// [`OpenApiError::NotAnOpenApiObject`] when `document`, its
    /// `components` or its `paths` are not JSON objects; nothing is written.
    pub fn apply_to_json(&self, document: &mut Value) -> Result<(), OpenApiError> {
        let object = document.as_object_mut().ok_or(OpenApiError::NotAnOpenApiObject)?;
        for key in ["components", "paths"] {
            if !object.get(key).is_none_or(Value::is_object) {
                return Err(OpenApiError::NotAnOpenApiObject);
            }
        }
        if !self.schemes.is_empty() {
            let components = object.entry("components").or_insert_with(|| json!({}));
            let components = components.as_object_mut().ok_or(OpenApiError::NotAnOpenApiObject)?;
            let schemes = components.entry("securitySchemes").or_insert_with(|| json!({}));
            let schemes = schemes.as_object_mut().ok_or(OpenApiError::NotAnOpenApiObject)?;
            for (name, scheme) in &self.schemes {
                // A scheme object always serializes to JSON.
                let value = serde_json::to_value(scheme).unwrap_or(Value::Null);
                schemes.insert(name.clone(), value);
            }
        }
        let paths = object.entry("paths").or_insert_with(|| json!({}));
        let paths = paths.as_object_mut().ok_or(OpenApiError::NotAnOpenApiObject)?;
        for operation in &self.operations {
            let item = paths.entry(operation.path.clone()).or_insert_with(|| json!({}));
            let Some(item) = item.as_object_mut() else { continue };
            let method = operation.method.as_str().to_ascii_lowercase();
            let entry = item.entry(method).or_insert_with(|| json!({}));
            if let Some(entry) = entry.as_object_mut() {
                operation.apply(entry);
            }
        }
        Ok(())
    }

    /// An OpenAPI 3.1 document with `title` and `version` holding the
    /// documented operations: for an app that has no other documentation.
    pub fn to_openapi_json(&self, title: &str, version: &str) -> Value {
        let mut document = json!({
            "openapi": "3.1.0",
            "info": { "title": title, "version": version },
            "paths": {},
        });
        // The document is an object with an object `paths`.
        let _ = self.apply_to_json(&mut document);
        document
    }

    /// Writes the same into a utoipa `OpenApi` (see
    /// [`apply_to_json`](Self::apply_to_json)).
    ///
    /// ```
    /// use utoipa::openapi::{OpenApiBuilder, InfoBuilder};
    /// use warden::{Auth, HttpBearer, openapi::{Routes, get}};
    ///
    /// async fn me(Auth(_): Auth<HttpBearer>) {}
    ///
    /// let (_router, security) =
    ///     Routes::new().route("/me", get(me)).with_state(HttpBearer::new()).split()?;
    /// let mut api = OpenApiBuilder::new().info(InfoBuilder::new().title("api").version("1").build()).build();
    /// security.apply_to(&mut api)?;
    /// let json = serde_json::to_value(&api)?;
    /// assert_eq!(json["paths"]["/me"]["get"]["security"], serde_json::json!([{ "HTTPBearer": [] }]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`OpenApiError::Utoipa`] for a scheme utoipa cannot hold; `api` is
    /// left as it was.
    pub fn apply_to(&self, api: &mut utoipa::openapi::OpenApi) -> Result<(), OpenApiError> {
        for object in self.schemes.values() {
            utoipa::openapi::security::SecurityScheme::try_from(object)?;
        }
        let unsupported = || OpenApiError::NotAnOpenApiObject;
        let mut json = serde_json::to_value(&*api).map_err(|_| unsupported())?;
        self.apply_to_json(&mut json)?;
        *api = serde_json::from_value(json).map_err(|_| unsupported())?;
        Ok(())
    }
}
