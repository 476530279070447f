//! The users of FastAPI's security tutorials: the `User` model,
//! `UserInDB` (a user and the hash of the password) and a fake database of
//! them, the tutorials' users' login forms and password hashes, and the
//! answers the tutorials write themselves (`400 Inactive user`,
//! `Incorrect username or password`, the current user's items).

use std::collections::HashMap;

use axum::{Json, http::StatusCode};
use serde::Serialize;
use serde_json::{Value, json};
use warden::{AuthErrorKind, AuthRejection};

use crate::oauth2::Field;

/// The tutorials' `User` model; `None` is sent as `null`, in this order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// The name the user logs in with.
    pub username: String,
    /// The email address, if any.
    pub email: Option<String>,
    /// The full name, if any.
    pub full_name: Option<String>,
    /// Whether the user may no longer log in; `None` when not said.
    pub disabled: Option<bool>,
}

/// The tutorials' `UserInDB(User)`: the user's fields, then the stored
/// hash of the password, in that order when sent (as `security_tutorial003`
/// sends it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserInDb {
    /// The user's fields.
    #[serde(flatten)]
    pub user: User,
    /// The stored hash of the password.
    pub hashed_password: String,
}

impl UserInDb {
    /// A stored user with an email address and a full name.
    pub fn new(username: &str, full_name: &str, email: &str, hashed_password: &str, disabled: bool) -> Self {
        let user = User {
            username: username.to_owned(),
            email: Some(email.to_owned()),
            full_name: Some(full_name.to_owned()),
            disabled: Some(disabled),
        };
        Self { user, hashed_password: hashed_password.to_owned() }
    }
}

/// Users by name: the tutorials' `fake_users_db`.
pub type Users = HashMap<String, UserInDb>;

/// `users` by name.
pub fn users(users: impl IntoIterator<Item = UserInDb>) -> Users {
    users.into_iter().map(|user| (user.user.username.clone(), user)).collect()
}

/// johndoe's password, `secret`, hashed by pwdlib (the tutorials' hash).
pub const JOHNDOE_HASHED_PASSWORD: &str =
    "$argon2id$v=19$m=65536,t=3,p=4$wagCPXjifgvUFBzq4hqe3w$CYaIb8sB+wtD+Vu/P4uod1+Qof8h+1g7bbDlBID48Rc";

/// alice's password, `secretalice`, hashed by pwdlib (the tutorials' hash).
pub const ALICE_HASHED_PASSWORD: &str =
    "$argon2id$v=19$m=65536,t=3,p=4$g2/AV1zwopqUntPKJavBFw$BwpRGDCyUHLvHICnwijyX8ROGoiUPwNKZ7915MeYfCE";

/// johndoe's login form.
pub const JOHNDOE: &[Field] = &[("username", "johndoe"), ("password", "secret")];

/// johndoe asking for `me items`.
pub const JOHNDOE_ME_ITEMS: &[Field] = &[("username", "johndoe"), ("password", "secret"), ("scope", "me items")];

/// johndoe asking for `me`.
pub const JOHNDOE_ME: &[Field] = &[("username", "johndoe"), ("password", "secret"), ("scope", "me")];

/// alice asking for `me`.
pub const ALICE_ME: &[Field] = &[("username", "alice"), ("password", "secretalice"), ("scope", "me")];

/// johndoe as `GET /users/me` shows him (without the hash).
pub const JOHNDOE_JSON: &str =
    r#"{"username":"johndoe","email":"johndoe@example.com","full_name":"John Doe","disabled":false}"#;

/// The body of a refused login.
pub const INCORRECT: &str = r#"{"detail":"Incorrect username or password"}"#;

/// The body of [`inactive_user`].
pub const INACTIVE: &str = r#"{"detail":"Inactive user"}"#;

/// johndoe's items, as `GET /users/me/items/` shows them.
pub const JOHNDOE_ITEMS: &str = r#"[{"item_id":"Foo","owner":"johndoe"}]"#;

/// `400 {"detail":"Inactive user"}`, without a challenge: the tutorials'
/// `get_current_active_user` refusing a disabled user.
pub fn inactive_user() -> AuthRejection {
    AuthRejection::new(AuthErrorKind::Forbidden).with_status(StatusCode::BAD_REQUEST).with_detail("Inactive user")
}

/// `400 {"detail":"Incorrect username or password"}`, without a challenge.
pub fn incorrect_username_or_password() -> AuthRejection {
    AuthRejection::new(AuthErrorKind::InvalidCredentials)
        .with_status(StatusCode::BAD_REQUEST)
        .with_detail("Incorrect username or password")
}

/// The tutorials' `read_own_items` answer: one item, `Foo`, owned by `owner`.
pub fn own_items(owner: &str) -> Json<Value> {
    Json(json!([{ "item_id": "Foo", "owner": owner }]))
}
