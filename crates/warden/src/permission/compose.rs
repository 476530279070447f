//! `&`, `|` and `!`.
//!
//! Children run left to right and lazily: a child that is not reached is not
//! checked and its inputs are not extracted.
//!
//! | composite | child `SKIP` | child `FAIL` | child `PASS` | at the end | default message |
//! | --- | --- | --- | --- | --- | --- |
//! | [`All`] (`a & b`) | go on | return it | go on | all skipped: `SKIP`, else `PASS` | Not all permissions were satisfied |
//! | [`Any`] (`a \| b`) | go on | collect it | return `PASS` | no failure: `SKIP`; one: it; several: reasons joined by `"; "`, the rest from the first | None of the permissions were satisfied |
//! | [`Not`] (`!a`) | `SKIP` | `PASS` | fail with its own settings | | The permission was satisfied, but it should not have been |
//!
//! `a & b & c` nests as `All(All(a, b), c)`, which gives the same result as a
//! flat list: a nested composite only forwards its children's results, and
//! its settings count only at the root. `!!a` is `a` itself.

use std::borrow::Cow;

use super::{Cx, Failure, Outcome, Permission, PermissionMeta, Unresolved, Verdict, evaluate};

/// `a & b`: every child must allow (skips abstain).
#[derive(Debug, Clone, Copy, Default)]
pub struct All<A, B> {
    first: A,
    second: B,
}

impl<A, B> All<A, B> {
    /// `first & second`.
    pub const fn new(first: A, second: B) -> Self {
        Self { first, second }
    }
}

impl<A: PermissionMeta, B: PermissionMeta> PermissionMeta for All<A, B> {
    fn default_message(&self) -> Cow<'static, str> {
        Cow::Borrowed("Not all permissions were satisfied")
    }

    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("All")
    }

    fn is_documented(&self) -> bool {
        self.first.is_documented() || self.second.is_documented()
    }
}

impl<S: Sync, A: Permission<S>, B: Permission<S>> Permission<S> for All<A, B> {
    async fn check(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        let first = evaluate(&self.first, cx).await?;
        if let Outcome::Fail(_) = first {
            return Ok(Verdict::Outcome(first));
        }
        let second = evaluate(&self.second, cx).await?;
        Ok(Verdict::Outcome(match (first, second) {
            (_, failed @ Outcome::Fail(_)) => failed,
            (Outcome::Skip(_), Outcome::Skip(_)) => Outcome::Skip(None),
            _ => Outcome::Pass,
        }))
    }
}

/// `a | b`: one child allowing is enough.
#[derive(Debug, Clone, Copy, Default)]
pub struct Any<A, B> {
    first: A,
    second: B,
}

impl<A, B> Any<A, B> {
    /// `first | second`.
    pub const fn new(first: A, second: B) -> Self {
        Self { first, second }
    }
}

impl<A: PermissionMeta, B: PermissionMeta> PermissionMeta for Any<A, B> {
    fn default_message(&self) -> Cow<'static, str> {
        Cow::Borrowed("None of the permissions were satisfied")
    }

    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("Any")
    }

    fn is_documented(&self) -> bool {
        self.first.is_documented() || self.second.is_documented()
    }
}

impl<S: Sync, A: Permission<S>, B: Permission<S>> Permission<S> for Any<A, B> {
    async fn check(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        let first = match evaluate(&self.first, cx).await? {
            Outcome::Pass => return Ok(Verdict::Allow),
            Outcome::Skip(_) => None,
            Outcome::Fail(failure) => Some(failure),
        };
        let second = match evaluate(&self.second, cx).await? {
            Outcome::Pass => return Ok(Verdict::Allow),
            Outcome::Skip(_) => None,
            Outcome::Fail(failure) => Some(failure),
        };
        Ok(Verdict::Outcome(match (first, second) {
            (None, None) => Outcome::Skip(None),
            (Some(only), None) | (None, Some(only)) => Outcome::Fail(only),
            (Some(first), Some(second)) => Outcome::Fail(Box::new(join(*first, &second))),
        }))
    }
}

/// Several failures of an `Any`: the reasons joined by `"; "` (empty ones
/// left out), the status, code and headers of the first.
fn join(first: Failure, second: &Failure) -> Failure {
    let reason = match (first.reason.filter(|r| !r.is_empty()), second.reason.as_deref().filter(|r| !r.is_empty())) {
        (Some(a), Some(b)) => Some(Cow::Owned(format!("{a}; {b}"))),
        (Some(a), None) => Some(a),
        (None, Some(b)) => Some(Cow::Owned(b.to_owned())),
        (None, None) => None,
    };
    Failure { reason, ..first }
}

/// `!a`: allows what `a` refuses and refuses what it allows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Not<A> {
    inner: A,
}

impl<A> Not<A> {
    /// `!inner`.
    pub const fn new(inner: A) -> Self {
        Self { inner }
    }

    /// The negated permission.
    pub fn into_inner(self) -> A {
        self.inner
    }
}

impl<A: PermissionMeta> PermissionMeta for Not<A> {
    fn default_message(&self) -> Cow<'static, str> {
        Cow::Borrowed("The permission was satisfied, but it should not have been")
    }

    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("Not")
    }

    fn is_documented(&self) -> bool {
        self.inner.is_documented()
    }
}

impl<S: Sync, A: Permission<S>> Permission<S> for Not<A> {
    async fn check(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        Ok(match evaluate(&self.inner, cx).await? {
            Outcome::Pass => Verdict::Deny(None),
            Outcome::Fail(_) => Verdict::Allow,
            skipped @ Outcome::Skip(_) => Verdict::Outcome(skipped),
        })
    }
}

crate::permission_ops!(All<A, B>, Any<A, B>);

impl<A, Rhs: PermissionMeta> std::ops::BitAnd<Rhs> for Not<A> {
    type Output = All<Self, Rhs>;
    fn bitand(self, rhs: Rhs) -> Self::Output {
        All::new(self, rhs)
    }
}

impl<A, Rhs: PermissionMeta> std::ops::BitOr<Rhs> for Not<A> {
    type Output = Any<Self, Rhs>;
    fn bitor(self, rhs: Rhs) -> Self::Output {
        Any::new(self, rhs)
    }
}

/// `!!a` is `a`.
impl<A> std::ops::Not for Not<A> {
    type Output = A;
    fn not(self) -> A {
        self.inner
    }
}
