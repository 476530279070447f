//! The token format of ROUTES.md 4.5, used instead of a JWT: `<username>`
//! followed by `.<scope>` for each scope (`alice.me.items`).

use warden::{ConfigError, OAuth2PasswordBearer};

/// A parsed token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The user the token names (not necessarily a known one).
    pub username: String,
    /// The scopes, empty parts dropped.
    pub scopes: Vec<String>,
}

impl Token {
    /// Splits `token` at every `.`: the first part is the username (empty:
    /// the token is invalid), the others are scopes.
    pub fn parse(token: &str) -> Option<Self> {
        let mut parts = token.split('.');
        let username = parts.next().filter(|username| !username.is_empty())?;
        Some(Self {
            username: username.to_owned(),
            scopes: parts.filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        })
    }
}

/// A user of ROUTES.md 4.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct User {
    /// The name.
    pub username: &'static str,
    /// The password (both users have `secret`).
    pub password: &'static str,
    /// Whether the user is disabled.
    pub disabled: bool,
}

/// The users of ROUTES.md 4.5: `alice` (active) and `bob` (disabled).
const USERS: [User; 2] = [
    User { username: "alice", password: "secret", disabled: false },
    User { username: "bob", password: "secret", disabled: true },
];

/// The user named `username`, if there is one.
pub fn user(username: &str) -> Option<User> {
    USERS.into_iter().find(|user| user.username == username)
}

/// Marks the `PermOAuth2` configuration in router states.
#[derive(Debug)]
pub struct PermOAuth2;

/// `PermOAuth2`: the OAuth2 password bearer of `/perm/scope` (token URL
/// `token`, scopes `read` and `write`).
///
/// # Errors
///
/// A scheme configuration error (none expected).
pub fn perm_oauth2() -> Result<OAuth2PasswordBearer<PermOAuth2>, ConfigError> {
    Ok(OAuth2PasswordBearer::builder("token")
        .scope("read", "Read")
        .scope("write", "Write")
        .scheme_name("PermOAuth2")
        .build()?
        .with_marker())
}

#[cfg(test)]
mod tests {
    use super::Token;

    #[test]
    fn first_part_is_the_user_and_empty_scopes_are_dropped() {
        let token = Token::parse("alice..me.").unwrap();
        assert_eq!(token.username, "alice");
        assert_eq!(token.scopes, ["me"]);
        assert_eq!(Token::parse("garbage").unwrap().scopes, Vec::<String>::new());
        assert_eq!(Token::parse(".me"), None);
        assert_eq!(Token::parse(""), None);
    }
}
