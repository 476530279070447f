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

use super::{
    Cx, Failure, Outcome, Permission, PermissionMeta, Unresolved, Verdict, evaluate, evaluate_now, verdict_now,
};

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

    /// The two permissions, in order.
    pub const fn parts(&self) -> (&A, &B) {
        (&self.first, &self.second)
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

/// The body of `All`'s checks; `|child| eval` evaluates one child, at once or
/// awaited.
macro_rules! all_body {
    ($this:ident, |$child:ident| $eval:expr) => {{
        let first = {
            let $child = &$this.first;
            $eval
        }?;
        if let Outcome::Fail(_) = first {
            return Ok(Verdict::Outcome(first));
        }
        let second = {
            let $child = &$this.second;
            $eval
        }?;
        Ok(Verdict::Outcome(match (first, second) {
            (_, failed @ Outcome::Fail(_)) => failed,
            (Outcome::Skip(_), Outcome::Skip(_)) => Outcome::Skip(None),
            _ => Outcome::Pass,
        }))
    }};
}

impl<S: Send + Sync, A: Permission<S>, B: Permission<S>> Permission<S> for All<A, B> {
    const ANSWERS_AT_ONCE: bool = A::ANSWERS_AT_ONCE && B::ANSWERS_AT_ONCE;

    #[inline(always)]
    fn check_now(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        all_body!(self, |child| evaluate_now(child, cx))
    }

    async fn check(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        all_body!(self, |child| evaluate(child, cx).await)
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

    /// The two permissions, in order.
    pub const fn parts(&self) -> (&A, &B) {
        (&self.first, &self.second)
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

/// The body of `Any`'s checks, as for `All`.
macro_rules! any_body {
    ($this:ident, |$child:ident| $eval:expr) => {{
        let first = match {
            let $child = &$this.first;
            $eval
        }? {
            Outcome::Pass => return Ok(Verdict::Allow),
            Outcome::Skip(_) => None,
            Outcome::Fail(failure) => Some(failure),
        };
        let second = match {
            let $child = &$this.second;
            $eval
        }? {
            Outcome::Pass => return Ok(Verdict::Allow),
            Outcome::Skip(_) => None,
            Outcome::Fail(failure) => Some(failure),
        };
        Ok(Verdict::Outcome(match (first, second) {
            (None, None) => Outcome::Skip(None),
            (Some(only), None) | (None, Some(only)) => Outcome::Fail(only),
            (Some(first), Some(second)) => Outcome::Fail(join(first, &second)),
        }))
    }};
}

impl<S: Send + Sync, A: Permission<S>, B: Permission<S>> Permission<S> for Any<A, B> {
    const ANSWERS_AT_ONCE: bool = A::ANSWERS_AT_ONCE && B::ANSWERS_AT_ONCE;

    #[inline(always)]
    fn check_now(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        any_body!(self, |child| evaluate_now(child, cx))
    }

    async fn check(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        any_body!(self, |child| evaluate(child, cx).await)
    }
}

/// Several failures of an `Any`: the reasons joined by `"; "` (empty ones
/// left out), the status, code and headers of the first.
fn join(mut first: Failure, second: &Failure) -> Failure {
    let second_reason = second.reason().filter(|r| !r.is_empty());
    first.reason = match (first.reason.take().filter(|r| !r.is_empty()), second_reason) {
        (Some(a), Some(b)) => Some(Cow::Owned(format!("{a}; {b}"))),
        (Some(a), None) => Some(a),
        (None, Some(b)) => Some(Cow::Owned(b.to_owned())),
        (None, None) => None,
    };
    first
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
    pub const fn inner(&self) -> &A {
        &self.inner
    }

    /// The negated permission, by value.
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

/// `!`'s mapping of its child's result.
#[inline(always)]
fn negate(outcome: Outcome) -> Verdict {
    match outcome {
        Outcome::Pass => Verdict::Deny(None),
        Outcome::Fail(_) => Verdict::Allow,
        skipped @ Outcome::Skip(_) => Verdict::Outcome(skipped),
    }
}

impl<S: Send + Sync, A: Permission<S>> Permission<S> for Not<A> {
    const ANSWERS_AT_ONCE: bool = A::ANSWERS_AT_ONCE;

    #[inline(always)]
    fn check_now(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        // Only whether the child allowed matters: a child's `Deny` is not
        // completed into a failure that would be dropped at once.
        Ok(match verdict_now(&self.inner, cx)? {
            Verdict::Allow => Verdict::Deny(None),
            Verdict::Deny(_) => Verdict::Allow,
            Verdict::Skip(reason) => Verdict::Skip(reason),
            Verdict::Outcome(outcome) => negate(outcome),
        })
    }

    async fn check(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        evaluate(&self.inner, cx).await.map(negate)
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
