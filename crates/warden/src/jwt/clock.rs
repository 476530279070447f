//! The time a verifier checks `exp` and `nbf` against: [`Clock`].

use std::{
    fmt,
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
    time::Duration,
};

/// A source of the current time, in whole seconds since the Unix epoch (a
/// JWT `NumericDate`, RFC 7519 §2).
///
/// Verifiers and issuers take one so that tests can fix the time:
/// [`SystemClock`] in production, [`FixedClock`] in tests.
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// Seconds since 1970-01-01T00:00:00Z.
    fn now(&self) -> i64;
}

/// The system's wall clock.
///
/// On Linux it reads `CLOCK_REALTIME_COARSE` (the time of the kernel's last
/// tick, at most a few milliseconds behind, which whole seconds cannot
/// tell), the cheapest wall clock there is, through the C library (so that
/// valgrind can run it); elsewhere `SystemTime::now`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[cfg(target_os = "linux")]
    #[inline]
    fn now(&self) -> i64 {
        rustix::time::clock_gettime(rustix::time::ClockId::RealtimeCoarse).tv_sec
    }

    #[cfg(not(target_os = "linux"))]
    #[inline]
    fn now(&self) -> i64 {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |secs| -secs),
        }
    }
}

/// A clock that says what it is told: for tests and for fixtures that must
/// not expire. Share it (`Arc<FixedClock>` is a clock too) to move time
/// under a verifier.
///
/// ```
/// use std::{sync::Arc, time::Duration};
/// use warden::jwt::{Clock, FixedClock};
///
/// let clock = Arc::new(FixedClock::at(1_700_000_000));
/// clock.advance(Duration::from_secs(60));
/// assert_eq!(clock.now(), 1_700_000_060);
/// ```
#[derive(Debug, Default)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    /// A clock stopped at `unix_seconds`.
    pub fn at(unix_seconds: i64) -> Self {
        Self(AtomicI64::new(unix_seconds))
    }

    /// Sets the time.
    pub fn set(&self, unix_seconds: i64) {
        self.0.store(unix_seconds, Ordering::Relaxed);
    }

    /// Moves the time forward by `by` (whole seconds).
    pub fn advance(&self, by: Duration) {
        let secs = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        let _ = self.0.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |now| Some(now.saturating_add(secs)));
    }
}

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl<C: Clock> Clock for Arc<C> {
    fn now(&self) -> i64 {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use std::time::{SystemTime, UNIX_EPOCH};

    use super::*;

    #[test]
    fn system_clock_is_after_2020() {
        assert!(SystemClock.now() > 1_577_836_800);
    }

    #[test]
    fn system_clock_agrees_with_the_standard_library_to_the_second() {
        let std_now = || i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()).unwrap();
        let before = std_now();
        let now = SystemClock.now();
        let after = std_now();
        // The coarse clock may be one tick behind, across a second boundary.
        assert!((before - 1..=after).contains(&now), "{before} {now} {after}");
    }

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let clock = FixedClock::at(10);
        assert_eq!(clock.now(), 10);
        clock.advance(Duration::from_secs(5));
        assert_eq!(clock.now(), 15);
        clock.set(-3);
        assert_eq!(clock.now(), -3);
    }
}
