//! A 10-leaf composed tree of synchronous checks, evaluated as the root the
//! way `RequirePermission` does, beside the same boolean expression written
//! by hand.
//!
//! ```sh
//! cargo bench -p axum-warden --bench permissions
//! ```

// `y & y` is a tree of two permissions, not a boolean expression to simplify.
#![allow(missing_docs, clippy::unwrap_used, clippy::eq_op)]

use std::{
    future::Future,
    hint::black_box,
    pin::pin,
    task::{Context, Poll, Waker},
};

use criterion::{Criterion, criterion_group, criterion_main};
use http::{Request, request::Parts};
use warden::permission::{
    Cx, Permission, PermissionMeta, Unresolved, Verdict, evaluate_root, evaluate_root_now, render, require_now,
};

/// A check that answers at once: allow or deny, from a field the optimiser
/// cannot see through.
#[derive(Clone, Copy)]
struct Leaf(bool);

impl PermissionMeta for Leaf {}

impl<S: Send + Sync> Permission<S> for Leaf {
    const ANSWERS_AT_ONCE: bool = true;

    fn check_now(&self, _: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        Ok(black_box(self.0).into())
    }
}

/// The same check written as an `async fn`, for trees that await.
#[derive(Clone, Copy)]
struct AsyncLeaf(bool);

impl PermissionMeta for AsyncLeaf {}

impl<S: Send + Sync> Permission<S> for AsyncLeaf {
    async fn check(&self, _: &mut Cx<'_, S>) -> Result<Verdict, Unresolved> {
        Ok(black_box(self.0).into())
    }
}

warden::permission_ops!(AsyncLeaf);

warden::permission_ops!(Leaf);

/// Polls a future that is ready at once (no check here awaits anything).
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => unreachable!("synchronous checks are ready at once"),
    }
}

fn parts() -> Parts {
    Request::get("/articles/1").header("authorization", "Bearer t").body(()).unwrap().into_parts().0
}

fn bench(c: &mut Criterion) {
    let (y, n) = (Leaf(true), Leaf(false));
    // Ten leaves; every operator is used, and two `|` and a `!` see a failing
    // branch on the way to an allow, as `IsAdmin | IsOwner` does.
    let tree = y & y & (n | y) & !n & (y | n) & y & (n | y);
    let deny = y & y & (n | n) & !n & (y | n) & y & (n | y);
    let mut group = c.benchmark_group("permission/tree10");

    // What `RequirePermission` runs for a tree that answers at once.
    group.bench_function("allow", |b| {
        let mut parts = parts();
        b.iter(|| black_box(require_now(black_box(&tree), &mut parts, &()).is_ok()));
    });

    // Every branch reached passes: no failure is built and dropped.
    let passing = y & y & (y | n) & !n & (y | n) & y & (y | n);
    let passing = passing & y;
    group.bench_function("allow_no_failing_branch", |b| {
        let mut parts = parts();
        b.iter(|| black_box(require_now(black_box(&passing), &mut parts, &()).is_ok()));
    });

    group.bench_function("deny", |b| {
        let mut parts = parts();
        b.iter(|| {
            let outcome = evaluate_root_now(black_box(&deny), &mut parts, &()).unwrap();
            black_box(render(&deny, outcome))
        });
    });

    let (ay, an) = (AsyncLeaf(true), AsyncLeaf(false));
    let async_tree = ay & ay & (an | ay) & !an & (ay | an) & ay & (an | ay);
    group.bench_function("allow_async_checks", |b| {
        let mut parts = parts();
        b.iter(|| {
            let outcome = ready(evaluate_root(black_box(&async_tree), &mut parts, &())).unwrap();
            black_box(render(&async_tree, outcome))
        });
    });

    // The fixed cost: one leaf as the root.
    group.bench_function("one_leaf", |b| {
        let mut parts = parts();
        b.iter(|| black_box(require_now(black_box(&y), &mut parts, &()).is_ok()));
    });

    group.bench_function("hand_written_bools", |b| {
        let leaves = [true, true, false, true, false, true, false, true, false, true];
        b.iter(|| {
            let l = black_box(leaves);
            black_box(l[0] && l[1] && (l[2] || l[3]) && !l[4] && (l[5] || l[6]) && l[7] && (l[8] || l[9]))
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
