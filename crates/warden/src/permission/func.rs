//! Plain async functions and closures as permissions.

use std::{borrow::Cow, fmt, future::Future, marker::PhantomData};

use axum_core::{extract::FromRequestParts, response::IntoResponse};

use super::{Cx, Permission, PermissionMeta, Unresolved, Verdict};

/// A permission made of an async function; see [`from_fn`].
pub struct FnPermission<F, T> {
    f: F,
    inputs: PhantomData<fn() -> T>,
}

/// Turns an async function or closure into a permission. Its arguments (up
/// to six) are extracted like a handler's, only when the permission is
/// reached; it returns `bool` or a [`Verdict`]. Give it settings with
/// [`PermissionExt`](super::PermissionExt).
///
/// ```
/// use axum::http::HeaderMap;
/// use warden::permission::{PermissionExt, from_fn};
///
/// async fn is_admin(headers: HeaderMap) -> bool {
///     headers.get("x-role").is_some_and(|role| role == "admin")
/// }
///
/// let admin = from_fn(is_admin).with_message("Admin role required").with_code("not_admin");
/// ```
pub fn from_fn<F: PermissionFn<T>, T>(f: F) -> FnPermission<F, T> {
    FnPermission { f, inputs: PhantomData }
}

/// The functions [`from_fn`] takes: `Fn(T1, …, Tn) -> impl Future`, for up
/// to six arguments. It fixes the argument types when the permission is
/// built, so they need no annotation.
pub trait PermissionFn<T>: Send + Sync {}

impl<F: Clone, T> Clone for FnPermission<F, T> {
    fn clone(&self) -> Self {
        Self { f: self.f.clone(), inputs: PhantomData }
    }
}

impl<F, T> fmt::Debug for FnPermission<F, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FnPermission").field(&std::any::type_name::<F>()).finish()
    }
}

impl<F: Send + Sync, T> PermissionMeta for FnPermission<F, T> {
    fn name(&self) -> Cow<'static, str> {
        let full = std::any::type_name::<F>();
        Cow::Borrowed(full.rsplit("::").next().unwrap_or(full))
    }
}

macro_rules! fn_permission {
    ($($input:ident),*) => {
        impl<F, Fut, $($input,)*> PermissionFn<($($input,)*)> for F
        where
            F: Fn($($input),*) -> Fut + Send + Sync,
            Fut: Future,
        {
        }

        impl<S, F, Fut, R, $($input,)*> Permission<S> for FnPermission<F, ($($input,)*)>
        where
            S: Send + Sync,
            F: Fn($($input),*) -> Fut + Send + Sync,
            Fut: Future<Output = R> + Send,
            R: Into<Verdict>,
            $($input: FromRequestParts<S> + Send, $input::Rejection: IntoResponse,)*
        {
            #[allow(non_snake_case, unused_variables)]
            async fn check(&self, cx: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
                $(let $input = cx.extract::<$input>().await?;)*
                Ok((self.f)($($input),*).await.into())
            }
        }
    };
}

fn_permission!();
fn_permission!(T1);
fn_permission!(T1, T2);
fn_permission!(T1, T2, T3);
fn_permission!(T1, T2, T3, T4);
fn_permission!(T1, T2, T3, T4, T5);
fn_permission!(T1, T2, T3, T4, T5, T6);

crate::permission_ops!(FnPermission<F, T>);
