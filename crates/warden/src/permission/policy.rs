//! A permission per action, chosen by the request method.

use std::{borrow::Cow, fmt, future::Future, pin::Pin};

use http::Method;

use super::{Cx, Failure, Outcome, Permission, PermissionMeta, Unresolved, Verdict, evaluate, render_failure};

/// What a request does to a resource, from its method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// `GET`, `HEAD`.
    Read,
    /// `POST`.
    Create,
    /// `PUT`, `PATCH`.
    Update,
    /// `DELETE`.
    Delete,
}

impl Action {
    /// The action of `method`, or `None` for other methods.
    pub fn of(method: &Method) -> Option<Self> {
        match *method {
            Method::GET | Method::HEAD => Some(Self::Read),
            Method::POST => Some(Self::Create),
            Method::PUT | Method::PATCH => Some(Self::Update),
            Method::DELETE => Some(Self::Delete),
            _ => None,
        }
    }
}

/// An object-safe [`Permission`], so that a policy can hold different types.
trait DynPermission<S>: PermissionMeta {
    fn check_boxed<'a>(
        &'a self,
        cx: &'a mut Cx<'_, S>,
    ) -> Pin<Box<dyn Future<Output = Result<Outcome, Unresolved>> + Send + 'a>>;
}

impl<S: Send + Sync, P: Permission<S>> DynPermission<S> for P {
    fn check_boxed<'a>(
        &'a self,
        cx: &'a mut Cx<'_, S>,
    ) -> Pin<Box<dyn Future<Output = Result<Outcome, Unresolved>> + Send + 'a>> {
        Box::pin(async move {
            let outcome = evaluate(self, cx).await?;
            // The action's permission is the root of its own tree.
            Ok(match render_failure(self, outcome) {
                None => Outcome::Pass,
                Some(failure) => Outcome::from(failure),
            })
        })
    }
}

/// Maps the request method to an [`Action`] and evaluates that action's
/// permission as the root. Methods without an action, and actions without a
/// permission, use the default permission; without one they are refused.
///
/// ```
/// use warden::permission::{Allow, Deny, Policy};
///
/// let articles: Policy<()> = Policy::new().read(Allow).delete(Deny).default(Deny);
/// ```
pub struct Policy<S> {
    read: Option<Box<dyn DynPermission<S>>>,
    create: Option<Box<dyn DynPermission<S>>>,
    update: Option<Box<dyn DynPermission<S>>>,
    delete: Option<Box<dyn DynPermission<S>>>,
    default: Option<Box<dyn DynPermission<S>>>,
}

impl<S> Default for Policy<S> {
    fn default() -> Self {
        Self { read: None, create: None, update: None, delete: None, default: None }
    }
}

impl<S: Send + Sync + 'static> Policy<S> {
    /// A policy that refuses everything until told otherwise.
    pub fn new() -> Self {
        <Self as Default>::default()
    }

    /// The permission for reads (`GET`, `HEAD`).
    #[must_use]
    pub fn read(mut self, permission: impl Permission<S> + 'static) -> Self {
        self.read = Some(Box::new(permission));
        self
    }

    /// The permission for creation (`POST`).
    #[must_use]
    pub fn create(mut self, permission: impl Permission<S> + 'static) -> Self {
        self.create = Some(Box::new(permission));
        self
    }

    /// The permission for updates (`PUT`, `PATCH`).
    #[must_use]
    pub fn update(mut self, permission: impl Permission<S> + 'static) -> Self {
        self.update = Some(Box::new(permission));
        self
    }

    /// The permission for deletion (`DELETE`).
    #[must_use]
    pub fn delete(mut self, permission: impl Permission<S> + 'static) -> Self {
        self.delete = Some(Box::new(permission));
        self
    }

    /// The permission for everything else.
    #[must_use]
    pub fn default(mut self, permission: impl Permission<S> + 'static) -> Self {
        self.default = Some(Box::new(permission));
        self
    }

    fn for_method(&self, method: &Method) -> Option<&dyn DynPermission<S>> {
        let chosen = match Action::of(method) {
            Some(Action::Read) => &self.read,
            Some(Action::Create) => &self.create,
            Some(Action::Update) => &self.update,
            Some(Action::Delete) => &self.delete,
            None => &None,
        };
        chosen.as_deref().or(self.default.as_deref())
    }
}

impl<S> fmt::Debug for Policy<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |p: &Option<Box<dyn DynPermission<S>>>| p.as_ref().map(|p| p.name());
        f.debug_struct("Policy")
            .field("read", &name(&self.read))
            .field("create", &name(&self.create))
            .field("update", &name(&self.update))
            .field("delete", &name(&self.delete))
            .field("default", &name(&self.default))
            .finish()
    }
}

impl<S> PermissionMeta for Policy<S> {
    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("Policy")
    }
}

impl<S: Send + Sync + 'static> Permission<S> for Policy<S> {
    async fn check(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        match self.for_method(&cx.parts().method) {
            Some(permission) => Ok(Verdict::Outcome(permission.check_boxed(cx).await?)),
            None => Ok(Verdict::Outcome(Outcome::from(Failure::new()))),
        }
    }
}
