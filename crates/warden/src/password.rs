//! Password hashing with argon2, and a constant-time path for unknown users.
//!
//! FastAPI's security tutorial stores passwords with [pwdlib]'s Argon2
//! hasher: argon2id, version 19, 64 MiB of memory, 3 passes, 4 lanes, a
//! 16-byte random salt and a 32-byte hash, written as a [PHC string]:
//!
//! ```text
//! $argon2id$v=19$m=65536,t=3,p=4$<salt, base64>$<hash, base64>
//! ```
//!
//! [`PasswordHasher::new`] uses exactly those parameters, so hashes move
//! both ways between a FastAPI application and a warden one: a hash made by
//! pwdlib or argon2-cffi verifies here, and one made here verifies there.
//!
//! # Logging in without telling who exists
//!
//! A login that answers at once for an unknown user and after 100 ms of
//! argon2 for a known one tells an attacker which user names exist. FastAPI's
//! tutorial verifies the password against a dummy hash when the user is not
//! found; [`verify_password_or_dummy`] does the same: given no stored hash, it
//! runs argon2 with the hasher's own parameters over the password and answers
//! `false`, so an unknown user costs what a wrong password costs.
//!
//! ```
//! use warden::password::PasswordHasher;
//!
//! # fn main() -> Result<(), warden::password::PasswordError> {
//! // Cheap parameters keep this example fast; use `PasswordHasher::new()`
//! // (pwdlib's) or the free functions in an application.
//! let hasher = PasswordHasher::builder().memory_kib(1024).iterations(1).parallelism(1).build()?;
//! let stored = hasher.hash("correct horse battery staple")?;
//! assert!(stored.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
//!
//! // The user exists: the password decides.
//! assert!(hasher.verify_or_dummy("correct horse battery staple", Some(&stored)));
//! assert!(!hasher.verify_or_dummy("Tr0ub4dor&3", Some(&stored)));
//!
//! // The user does not exist: the same argon2 work, and always false.
//! assert!(!hasher.verify_or_dummy("correct horse battery staple", None));
//! # Ok(()) }
//! ```
//!
//! In a handler, look the user up, then call [`verify_password_or_dummy`]
//! with the stored hash or `None`; answer the same `401` for both failures.
//!
//! # Bounding the cost of logins
//!
//! Each check allocates the hash's memory cost (64 MiB with pwdlib's
//! parameters) and keeps a core busy for a tenth of a second or more. Run
//! on `tokio::task::spawn_blocking` without a limit, 120 concurrent wrong
//! logins took 7.5 GB of memory on up to 512 blocking threads. A
//! [`PasswordVerifier`] runs the same login check
//! ([`verify_or_dummy`](PasswordVerifier::verify_or_dummy)) off the async
//! runtime within two limits, both tokio semaphores whose waiters queue in
//! arrival order:
//!
//! * a **concurrency limit** (default: the number of CPUs), and
//! * a **memory budget** (default 512 MiB): each check holds the memory cost
//!   `m` of the hash it verifies, read from the stored PHC string (the
//!   dummy check, the hasher's own). A stored hash may ask for up to 1 GiB;
//!   one that asks for more than the budget is never run (it is logged at
//!   WARN and takes the dummy path with the hasher's cost, answering
//!   `false`), nor is one above [`MAX_MEMORY_KIB`].
//!
//! A check that waits longer than the queue timeout (default 5 s) for its
//! place gets [`PasswordBusy`], which becomes `503 Service Unavailable` with
//! `Retry-After` as an [`AuthRejection`]: the
//! credentials were not judged. A caller that gives up (a client that
//! disconnects) frees its place in the queue at once, and a check already
//! running keeps its permits until argon2 returns: never more checks run at
//! once than the limits allow.
//!
//! ```
//! use warden::password::{PasswordHasher, PasswordVerifier};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Cheap parameters keep this example fast; use `PasswordHasher::new()` in an application.
//! let hasher = PasswordHasher::builder().memory_kib(1024).iterations(1).parallelism(1).build()?;
//! let stored = hasher.hash("secret")?;
//! let passwords = PasswordVerifier::builder(hasher)
//!     .memory_budget(256 << 20)
//!     .concurrency(4)
//!     .queue_timeout(std::time::Duration::from_secs(2))
//!     .build()?;
//!
//! assert!(passwords.verify_or_dummy("secret", Some(&stored)).await?);
//! assert!(!passwords.verify_or_dummy("guess", Some(&stored)).await?);
//! // No such user: the same work, and false.
//! assert!(!passwords.verify_or_dummy("secret", None).await?);
//! # Ok(()) }
//! ```
//!
//! In a handler, `?` on the result turns [`PasswordBusy`] into the `503`
//! (or build your own answer from [`PasswordBusy::retry_after`], such as
//! RFC 6749's `temporarily_unavailable` at a token endpoint).
//!
//! # Blocking
//!
//! Hashing and verifying take tens to hundreds of milliseconds of CPU by
//! design: about 0.14 s for the default parameters on one 2020s x86-64 core
//! in a release build, several times that in a debug build. In an async
//! handler use a [`PasswordVerifier`], or at least run
//! [`PasswordHasher`]'s methods with `tokio::task::spawn_blocking`, so they
//! do not stall the runtime's other tasks.
//!
//! # Secrets
//!
//! Passwords are taken as `&str` and never stored, logged or put in an
//! error; [`PasswordError`] says what was wrong with a stored hash or the
//! configuration, never with the password. Hashes are compared in constant
//! time.
//!
//! [pwdlib]: https://frankie567.github.io/pwdlib/
//! [PHC string]: https://github.com/P-H-C/phc-string-format/blob/master/phc-sf-spec.md

use std::{
    fmt,
    hint::black_box,
    num::NonZeroUsize,
    sync::{Arc, LazyLock},
    time::Duration,
};

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{self, PasswordHasher as _, PasswordVerifier as _, phc::PasswordHash},
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use zeroize::Zeroizing;

use crate::AuthRejection;

/// The largest memory cost (in KiB) that is hashed or verified: 1 GiB.
///
/// A stored hash asking for more is refused with
/// [`PasswordError::UnsupportedParams`] rather than allocated, so a corrupted
/// or planted hash cannot exhaust the server's memory.
pub const MAX_MEMORY_KIB: u32 = 1 << 20;

/// The largest number of passes that is hashed or verified.
///
/// RFC 9106 §4 recommends 1 to 3 passes; a stored hash asking for more than
/// this is refused (see [`MAX_MEMORY_KIB`]).
pub const MAX_ITERATIONS: u32 = 64;

/// The largest number of lanes that is hashed or verified.
pub const MAX_PARALLELISM: u32 = 64;

/// The salt length in bytes: 16, RFC 9106's recommendation and pwdlib's.
pub const SALT_LEN: usize = 16;

/// Why a password could not be hashed or a stored hash could not be read.
///
/// No variant carries the password or the stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PasswordError {
    /// The stored hash is not an argon2 PHC string (bad syntax, bad base64,
    /// missing salt or hash, unknown parameter).
    MalformedHash,
    /// The stored hash is a PHC-style string of another algorithm (bcrypt,
    /// scrypt, pbkdf2, …).
    UnsupportedAlgorithm,
    /// The stored hash asks for an argon2 version other than 16 or 19, or
    /// for more memory, passes or lanes than [`MAX_MEMORY_KIB`],
    /// [`MAX_ITERATIONS`] or [`MAX_PARALLELISM`] allow.
    UnsupportedParams,
    /// A [`PasswordHasherBuilder`] setting that argon2 refuses; names the
    /// setting.
    InvalidConfig(&'static str),
    /// The operating system's random number generator gave no salt.
    Rng,
    /// argon2 itself failed (the memory could not be allocated).
    Hashing,
}

impl fmt::Display for PasswordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MalformedHash => f.write_str("stored password hash is not an argon2 phc string"),
            Self::UnsupportedAlgorithm => f.write_str("stored password hash is not argon2"),
            Self::UnsupportedParams => f.write_str("stored password hash has unsupported argon2 parameters"),
            Self::InvalidConfig(setting) => write!(f, "invalid argon2 setting: {setting}"),
            Self::Rng => f.write_str("the operating system gave no random salt"),
            Self::Hashing => f.write_str("argon2 failed"),
        }
    }
}

impl std::error::Error for PasswordError {}

/// Hashes and verifies passwords with argon2id.
///
/// [`PasswordHasher::new`] (also `Default`) has pwdlib's parameters, the ones
/// FastAPI's tutorial uses: 64 MiB (`m=65536`), 3 passes (`t=3`), 4 lanes
/// (`p=4`), a 32-byte hash and a 16-byte salt. These follow argon2-cffi's
/// defaults, which are RFC 9106's second recommended option (§4) with 4
/// lanes. [`PasswordHasher::builder`] changes them.
///
/// Verification reads the algorithm and parameters from the stored hash, so
/// hashes made with other parameters (older ones, argon2i, argon2d) still
/// verify; [`PasswordHasher::needs_rehash`] tells when to replace one.
///
/// ```
/// use warden::password::PasswordHasher;
///
/// # fn main() -> Result<(), warden::password::PasswordError> {
/// let hasher = PasswordHasher::builder().memory_kib(1024).iterations(1).parallelism(1).build()?;
/// let stored = hasher.hash("swordfish")?;
/// assert_eq!(hasher.verify("swordfish", &stored), Ok(true));
/// assert_eq!(hasher.verify("sw0rdfish", &stored), Ok(false));
/// assert!(!hasher.needs_rehash(&stored));
/// assert!(PasswordHasher::new().needs_rehash(&stored));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PasswordHasher {
    argon2: Argon2<'static>,
    params: Params,
    output_len: usize,
}

impl PasswordHasher {
    /// pwdlib's (and argon2-cffi's) memory cost: 64 MiB, in KiB.
    pub const DEFAULT_MEMORY_KIB: u32 = 65_536;
    /// pwdlib's number of passes.
    pub const DEFAULT_ITERATIONS: u32 = 3;
    /// pwdlib's number of lanes.
    pub const DEFAULT_PARALLELISM: u32 = 4;
    /// pwdlib's hash length in bytes.
    pub const DEFAULT_OUTPUT_LEN: usize = 32;

    /// A hasher with pwdlib's parameters (`m=65536,t=3,p=4`, 32-byte hash).
    pub fn new() -> Self {
        Self::from_params(DEFAULT_PARAMS, Self::DEFAULT_OUTPUT_LEN)
    }

    /// A builder starting from pwdlib's parameters.
    pub fn builder() -> PasswordHasherBuilder {
        PasswordHasherBuilder {
            memory_kib: Self::DEFAULT_MEMORY_KIB,
            iterations: Self::DEFAULT_ITERATIONS,
            parallelism: Self::DEFAULT_PARALLELISM,
            output_len: Self::DEFAULT_OUTPUT_LEN,
        }
    }

    fn from_params(params: Params, output_len: usize) -> Self {
        Self { argon2: Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone()), params, output_len }
    }

    /// Memory cost in KiB (`m`).
    pub fn memory_kib(&self) -> u32 {
        self.params.m_cost()
    }

    /// Number of passes (`t`).
    pub fn iterations(&self) -> u32 {
        self.params.t_cost()
    }

    /// Number of lanes (`p`).
    pub fn parallelism(&self) -> u32 {
        self.params.p_cost()
    }

    /// Hash length in bytes.
    pub fn output_len(&self) -> usize {
        self.output_len
    }

    /// Hashes `password` with argon2id and a fresh 16-byte salt from the
    /// operating system's random number generator, and returns the PHC
    /// string to store.
    ///
    /// # Errors
    ///
    /// [`PasswordError::Rng`] if the operating system gives no randomness,
    /// [`PasswordError::Hashing`] if argon2's memory cannot be allocated.
    pub fn hash(&self, password: &str) -> Result<String, PasswordError> {
        let hash = self.argon2.hash_password(password.as_bytes()).map_err(|err| match err {
            password_hash::Error::RngFailure => PasswordError::Rng,
            _ => PasswordError::Hashing,
        })?;
        Ok(hash.to_string())
    }

    /// Checks `password` against a stored PHC string: `Ok(true)` when it
    /// matches, `Ok(false)` when it does not.
    ///
    /// The algorithm (argon2id, argon2i or argon2d), version and parameters
    /// are read from `phc`, as libargon2 reads them: a hash without `v=` is
    /// version 16. The hashes are compared in constant time.
    ///
    /// # Errors
    ///
    /// When `phc` cannot be verified at all:
    /// [`PasswordError::MalformedHash`], [`PasswordError::UnsupportedAlgorithm`],
    /// [`PasswordError::UnsupportedParams`]; and [`PasswordError::Hashing`]
    /// if argon2's memory cannot be allocated.
    pub fn verify(&self, password: &str, phc: &str) -> Result<bool, PasswordError> {
        let hash = parse_phc(phc)?;
        #[cfg(test)]
        tests::record_argon2(Params::try_from(&hash).ok(), hash.hash.map_or(0, |output| output.len()));
        match self.argon2.verify_password(password.as_bytes(), &hash) {
            Ok(()) => Ok(true),
            Err(password_hash::Error::PasswordInvalid) => Ok(false),
            Err(password_hash::Error::OutOfMemory | password_hash::Error::Internal) => Err(PasswordError::Hashing),
            Err(password_hash::Error::Algorithm) => Err(PasswordError::UnsupportedAlgorithm),
            Err(password_hash::Error::Version) => Err(PasswordError::UnsupportedParams),
            Err(_) => Err(PasswordError::MalformedHash),
        }
    }

    /// The login check: `true` only when a stored hash is given and
    /// `password` matches it.
    ///
    /// With `None` (no such user) it runs argon2 over `password` with this
    /// hasher's parameters, a fixed salt and no stored hash to match, and
    /// returns `false`: an unknown user costs what a wrong password costs
    /// (for users hashed with this hasher's parameters). A stored hash that
    /// cannot be verified is logged at WARN under `warden::password` (without
    /// the hash), takes the same dummy path and returns `false`.
    pub fn verify_or_dummy(&self, password: &str, phc: Option<&str>) -> bool {
        if let Some(phc) = phc {
            match self.verify(password, phc) {
                Ok(matches) => return matches,
                Err(err) => {
                    tracing::warn!(target: "warden::password", error = %err, "stored password hash cannot be verified");
                }
            }
        }
        self.dummy_work(password);
        false
    }

    /// The same argon2 work as verifying a hash made by this hasher; the
    /// result is thrown away.
    fn dummy_work(&self, password: &str) {
        let mut out = [0u8; MAX_OUTPUT_LEN];
        let out = out.get_mut(..self.output_len).unwrap_or_default();
        #[cfg(test)]
        tests::record_argon2(Some(self.argon2.params().clone()), self.output_len);
        let _ = black_box(self.argon2.hash_password_into(black_box(password.as_bytes()), &DUMMY_SALT, out));
    }

    /// Whether a stored hash should be replaced by a new [`hash`](Self::hash)
    /// of the password (after a successful login, when the password is at
    /// hand): it is not argon2id version 19 with this hasher's parameters,
    /// or cannot be read at all.
    pub fn needs_rehash(&self, phc: &str) -> bool {
        let Ok(hash) = parse_phc(phc) else { return true };
        let Ok(params) = Params::try_from(&hash) else { return true };
        hash.algorithm != Algorithm::Argon2id.ident()
            || hash.version != Some(Version::V0x13.into())
            || params.m_cost() != self.params.m_cost()
            || params.t_cost() != self.params.t_cost()
            || params.p_cost() != self.params.p_cost()
            || hash.hash.map(|output| output.len()) != Some(self.output_len)
    }
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("algorithm", &"argon2id")
            .field("memory_kib", &self.memory_kib())
            .field("iterations", &self.iterations())
            .field("parallelism", &self.parallelism())
            .field("output_len", &self.output_len)
            .finish()
    }
}

/// Builds a [`PasswordHasher`] with other parameters than pwdlib's.
///
/// ```
/// use warden::password::PasswordHasher;
///
/// // OWASP's first argon2id option: 19 MiB, 2 passes, 1 lane.
/// let hasher = PasswordHasher::builder().memory_kib(19_456).iterations(2).parallelism(1).build()?;
/// assert_eq!(hasher.memory_kib(), 19_456);
/// # Ok::<(), warden::password::PasswordError>(())
/// ```
#[derive(Debug, Clone, Copy)]
#[must_use]
pub struct PasswordHasherBuilder {
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    output_len: usize,
}

impl PasswordHasherBuilder {
    /// Memory cost in KiB (`m`): at least 8 per lane, at most [`MAX_MEMORY_KIB`].
    pub fn memory_kib(mut self, kib: u32) -> Self {
        self.memory_kib = kib;
        self
    }

    /// Number of passes (`t`): 1 to [`MAX_ITERATIONS`].
    pub fn iterations(mut self, passes: u32) -> Self {
        self.iterations = passes;
        self
    }

    /// Number of lanes (`p`): 1 to [`MAX_PARALLELISM`]. It changes the hash;
    /// the lanes are computed one after the other.
    pub fn parallelism(mut self, lanes: u32) -> Self {
        self.parallelism = lanes;
        self
    }

    /// Hash length in bytes: 10 to 64 (the PHC string format's bounds).
    pub fn output_len(mut self, bytes: usize) -> Self {
        self.output_len = bytes;
        self
    }

    /// The hasher.
    ///
    /// # Errors
    ///
    /// [`PasswordError::InvalidConfig`] naming the setting that is out of
    /// bounds.
    pub fn build(self) -> Result<PasswordHasher, PasswordError> {
        if !(1..=MAX_PARALLELISM).contains(&self.parallelism) {
            return Err(PasswordError::InvalidConfig("parallelism must be 1 to 64"));
        }
        if !(8 * self.parallelism..=MAX_MEMORY_KIB).contains(&self.memory_kib) {
            return Err(PasswordError::InvalidConfig("memory_kib must be 8 per lane to 1048576"));
        }
        if !(1..=MAX_ITERATIONS).contains(&self.iterations) {
            return Err(PasswordError::InvalidConfig("iterations must be 1 to 64"));
        }
        if !(MIN_OUTPUT_LEN..=MAX_OUTPUT_LEN).contains(&self.output_len) {
            return Err(PasswordError::InvalidConfig("output_len must be 10 to 64"));
        }
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(self.output_len))
            .map_err(|_| PasswordError::InvalidConfig("argon2 parameters"))?;
        Ok(PasswordHasher::from_params(params, self.output_len))
    }
}

/// Hashes `password` with [`PasswordHasher::new`]'s parameters (pwdlib's).
///
/// # Errors
///
/// As [`PasswordHasher::hash`].
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    DEFAULT_HASHER.hash(password)
}

/// Checks `password` against a stored PHC string (see
/// [`PasswordHasher::verify`]).
///
/// ```
/// // FastAPI's tutorial user johndoe, password "secret", hashed by pwdlib.
/// let stored = "$argon2id$v=19$m=65536,t=3,p=4$wagCPXjifgvUFBzq4hqe3w$CYaIb8sB+wtD+Vu/P4uod1+Qof8h+1g7bbDlBID48Rc";
/// assert_eq!(warden::password::verify_password("secret", stored), Ok(true));
/// ```
///
/// # Errors
///
/// As [`PasswordHasher::verify`].
pub fn verify_password(password: &str, phc: &str) -> Result<bool, PasswordError> {
    DEFAULT_HASHER.verify(password, phc)
}

/// The login check with pwdlib's parameters: `true` only when `phc` is
/// `Some` and matches; `None` costs the same argon2 work (see
/// [`PasswordHasher::verify_or_dummy`]).
pub fn verify_password_or_dummy(password: &str, phc: Option<&str>) -> bool {
    DEFAULT_HASHER.verify_or_dummy(password, phc)
}

/// Runs login checks within a memory budget and a concurrency limit, off
/// the async runtime (see [Bounding the cost of logins](self#bounding-the-cost-of-logins)).
///
/// A cheap handle: clones share the limits. `Debug` shows the settings.
///
/// | setting | default |
/// | --- | --- |
/// | [`memory_budget`](PasswordVerifierBuilder::memory_budget) | 512 MiB |
/// | [`concurrency`](PasswordVerifierBuilder::concurrency) | [`std::thread::available_parallelism`] (1 if unknown) |
/// | [`queue_timeout`](PasswordVerifierBuilder::queue_timeout) | 5 s |
///
/// Checks need a tokio runtime with its timer (axum's): outside a tokio
/// runtime every check is [`PasswordBusy`].
#[derive(Clone)]
pub struct PasswordVerifier {
    inner: Arc<Limits>,
}

struct Limits {
    hasher: PasswordHasher,
    /// The memory budget in KiB, the `memory` semaphore's permits.
    budget_kib: usize,
    concurrency: usize,
    queue_timeout: Duration,
    running: Arc<Semaphore>,
    memory: Arc<Semaphore>,
    #[cfg(test)]
    probe: tests::Probe,
}

impl PasswordVerifier {
    /// The default memory budget: 512 MiB.
    pub const DEFAULT_MEMORY_BUDGET: usize = 512 << 20;
    /// The default queue timeout: 5 s.
    pub const DEFAULT_QUEUE_TIMEOUT: Duration = Duration::from_secs(5);

    /// A verifier for `hasher`'s dummy checks with the default limits.
    ///
    /// # Errors
    ///
    /// [`PasswordError::InvalidConfig`] if the hasher's memory cost exceeds
    /// the default budget (512 MiB): use [`builder`](Self::builder).
    pub fn new(hasher: PasswordHasher) -> Result<Self, PasswordError> {
        Self::builder(hasher).build()
    }

    /// A builder with the default limits; `hasher` runs the checks, and its
    /// parameters are those of the dummy check for an unknown user.
    pub fn builder(hasher: PasswordHasher) -> PasswordVerifierBuilder {
        PasswordVerifierBuilder {
            hasher,
            memory_budget: Self::DEFAULT_MEMORY_BUDGET,
            concurrency: std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
            queue_timeout: Self::DEFAULT_QUEUE_TIMEOUT,
        }
    }

    /// The hasher that runs the checks.
    pub fn hasher(&self) -> &PasswordHasher {
        &self.inner.hasher
    }

    /// The login check of [`PasswordHasher::verify_or_dummy`] (`true` only
    /// when `phc` is `Some` and `password` matches it; `None` costs a check
    /// with the hasher's parameters and is `false`), run on tokio's
    /// blocking threads once a place within the limits is free.
    ///
    /// A stored hash whose memory cost exceeds the budget is not run: it is
    /// logged at WARN and answered by the dummy check, `false`.
    ///
    /// The password is copied into the blocking task in a buffer wiped when
    /// the check ends. Dropping the returned future before the check starts
    /// gives up its place in the queue; after, the check finishes on its
    /// thread, holding its place, and its answer is dropped.
    ///
    /// # Errors
    ///
    /// [`PasswordBusy`] when no place was free within the queue timeout
    /// (or there is no tokio runtime, or it is shutting down).
    pub async fn verify_or_dummy(&self, password: &str, phc: Option<&str>) -> Result<bool, PasswordBusy> {
        let limits = &self.inner;
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| PasswordBusy::new())?;
        let (phc, kib) = limits.weigh(phc);
        let acquire = async {
            let running = Arc::clone(&limits.running).acquire_owned().await.ok()?;
            let memory = Arc::clone(&limits.memory).acquire_many_owned(kib).await.ok()?;
            Some(Permits { _running: running, _memory: memory })
        };
        let permits = match tokio::time::timeout(limits.queue_timeout, acquire).await {
            Ok(Some(permits)) => permits,
            _ => return Err(PasswordBusy::new()),
        };
        let password = Zeroizing::new(password.to_owned());
        let limits = Arc::clone(&self.inner);
        runtime
            .spawn_blocking(move || {
                // The permits are dropped when argon2 is done, whether or not
                // anyone still awaits the answer.
                let _permits = permits;
                #[cfg(test)]
                let _probe = limits.probe.enter(kib);
                limits.hasher.verify_or_dummy(&password, phc.as_deref())
            })
            .await
            .map_err(|_| PasswordBusy::new())
    }
}

/// A check's two places: one of the concurrency limit, `m` KiB of the budget.
struct Permits {
    _running: OwnedSemaphorePermit,
    _memory: OwnedSemaphorePermit,
}

impl Limits {
    /// The stored hash to verify (`None`: the dummy check) and the memory it
    /// holds, in KiB.
    fn weigh(&self, phc: Option<&str>) -> (Option<String>, u32) {
        let dummy = self.hasher.memory_kib();
        let Some(phc) = phc else { return (None, dummy) };
        // A hash that cannot be parsed takes the dummy path in the check
        // (which logs it): the hasher's cost.
        let Ok(kib) = parse_phc(phc)
            .and_then(|hash| Params::try_from(&hash).map_err(|_| PasswordError::MalformedHash))
            .map(|params| params.m_cost())
        else {
            return (Some(phc.to_owned()), dummy);
        };
        if usize::try_from(kib).map_or(true, |kib| kib > self.budget_kib) {
            tracing::warn!(
                target: "warden::password",
                memory_kib = kib,
                budget_kib = self.budget_kib,
                "stored password hash needs more memory than the verifier's budget; answering false"
            );
            return (None, dummy);
        }
        (Some(phc.to_owned()), kib)
    }
}

impl fmt::Debug for PasswordVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let limits = &self.inner;
        f.debug_struct("PasswordVerifier")
            .field("hasher", &limits.hasher)
            .field("memory_budget_kib", &limits.budget_kib)
            .field("concurrency", &limits.concurrency)
            .field("queue_timeout", &limits.queue_timeout)
            .finish()
    }
}

/// Settings of a [`PasswordVerifier`]; [`build`](Self::build) checks them.
#[derive(Debug, Clone)]
#[must_use]
pub struct PasswordVerifierBuilder {
    hasher: PasswordHasher,
    memory_budget: usize,
    concurrency: usize,
    queue_timeout: Duration,
}

impl PasswordVerifierBuilder {
    /// The memory all running checks may hold together, in bytes (counted
    /// in whole KiB): at least the hasher's memory cost.
    pub fn memory_budget(mut self, bytes: usize) -> Self {
        self.memory_budget = bytes;
        self
    }

    /// The most checks that run at once: at least 1.
    pub fn concurrency(mut self, checks: usize) -> Self {
        self.concurrency = checks;
        self
    }

    /// How long a check waits for its place before it is [`PasswordBusy`].
    /// Zero: only a place free at once is taken.
    pub fn queue_timeout(mut self, timeout: Duration) -> Self {
        self.queue_timeout = timeout;
        self
    }

    /// The verifier.
    ///
    /// # Errors
    ///
    /// [`PasswordError::InvalidConfig`] for a concurrency of 0, or a memory
    /// budget smaller than the hasher's memory cost (which no dummy check
    /// would fit).
    pub fn build(self) -> Result<PasswordVerifier, PasswordError> {
        if self.concurrency == 0 {
            return Err(PasswordError::InvalidConfig("concurrency must be at least 1"));
        }
        let budget_kib = (self.memory_budget / 1024).min(Semaphore::MAX_PERMITS);
        if budget_kib < self.hasher.memory_kib() as usize {
            return Err(PasswordError::InvalidConfig("memory_budget must hold the hasher's memory cost"));
        }
        let concurrency = self.concurrency.min(Semaphore::MAX_PERMITS);
        Ok(PasswordVerifier {
            inner: Arc::new(Limits {
                hasher: self.hasher,
                budget_kib,
                concurrency,
                queue_timeout: self.queue_timeout,
                running: Arc::new(Semaphore::new(concurrency)),
                memory: Arc::new(Semaphore::new(budget_kib)),
                #[cfg(test)]
                probe: tests::Probe::default(),
            }),
        })
    }
}

/// No place for a password check within the queue timeout: the
/// credentials were not judged. As an [`AuthRejection`] it is `503 Service
/// Unavailable` with `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordBusy {
    retry_after: Duration,
}

impl PasswordBusy {
    fn new() -> Self {
        Self { retry_after: Duration::from_secs(1) }
    }

    /// How long the client should wait before trying again: 1 s.
    pub fn retry_after(&self) -> Duration {
        self.retry_after
    }
}

impl fmt::Display for PasswordBusy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("too many password checks are waiting")
    }
}

impl std::error::Error for PasswordBusy {}

impl From<PasswordBusy> for AuthRejection {
    /// `503 Service Unavailable` with `Retry-After` and
    /// `{"detail":"Service Unavailable"}` (see [`AuthRejection::unavailable`]).
    fn from(busy: PasswordBusy) -> Self {
        Self::unavailable(busy.retry_after).with_reason("too many password checks are waiting")
    }
}

static DEFAULT_HASHER: LazyLock<PasswordHasher> = LazyLock::new(PasswordHasher::new);

/// pwdlib's parameters; argon2's own defaults (19 MiB, t=2, p=1) only if
/// these were ever refused, which the tests rule out.
const DEFAULT_PARAMS: Params = match Params::new(
    PasswordHasher::DEFAULT_MEMORY_KIB,
    PasswordHasher::DEFAULT_ITERATIONS,
    PasswordHasher::DEFAULT_PARALLELISM,
    Some(PasswordHasher::DEFAULT_OUTPUT_LEN),
) {
    Ok(params) => params,
    Err(_) => Params::DEFAULT,
};

/// The salt of the dummy path; any 16 bytes do, nothing is compared.
const DUMMY_SALT: [u8; SALT_LEN] = *b"warden-dummy-slt";

const MIN_OUTPUT_LEN: usize = 10;
const MAX_OUTPUT_LEN: usize = 64;

/// Parses a stored hash and checks it is argon2 with a salt, a hash and
/// parameters within the limits.
fn parse_phc(phc: &str) -> Result<PasswordHash, PasswordError> {
    let algorithm =
        phc.strip_prefix('$').and_then(|rest| rest.split('$').next()).ok_or(PasswordError::MalformedHash)?;
    if !matches!(algorithm, "argon2id" | "argon2i" | "argon2d") {
        return Err(if algorithm.is_empty() {
            PasswordError::MalformedHash
        } else {
            PasswordError::UnsupportedAlgorithm
        });
    }
    let mut hash = PasswordHash::new(phc).map_err(|_| PasswordError::MalformedHash)?;
    if hash.salt.is_none() || hash.hash.is_none() {
        return Err(PasswordError::MalformedHash);
    }
    // libargon2 (and so argon2-cffi and pwdlib) reads a hash without `v=` as version 16.
    if hash.version.is_none() {
        hash.version = Some(Version::V0x10.into());
    }
    if !matches!(hash.version, Some(0x10 | 0x13)) {
        return Err(PasswordError::UnsupportedParams);
    }
    let params = Params::try_from(&hash).map_err(|_| PasswordError::MalformedHash)?;
    if params.m_cost() > MAX_MEMORY_KIB || params.t_cost() > MAX_ITERATIONS || params.p_cost() > MAX_PARALLELISM {
        return Err(PasswordError::UnsupportedParams);
    }
    Ok(hash)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// FastAPI's tutorial user johndoe, password "secret", hashed by pwdlib
    /// 0.2 with argon2-cffi (`PasswordHash.recommended()`).
    const FASTAPI_TUTORIAL_HASH: &str =
        "$argon2id$v=19$m=65536,t=3,p=4$wagCPXjifgvUFBzq4hqe3w$CYaIb8sB+wtD+Vu/P4uod1+Qof8h+1g7bbDlBID48Rc";

    /// Cheap parameters for the tests that do not need pwdlib's.
    fn cheap() -> PasswordHasher {
        PasswordHasher::builder().memory_kib(64).iterations(1).parallelism(1).build().unwrap()
    }

    #[test]
    fn defaults_are_pwdlibs() {
        let hasher = PasswordHasher::new();
        assert_eq!(
            (hasher.memory_kib(), hasher.iterations(), hasher.parallelism(), hasher.output_len()),
            (65_536, 3, 4, 32)
        );
        // DEFAULT_PARAMS did not fall back to argon2's own defaults.
        assert_eq!(DEFAULT_PARAMS.m_cost(), 65_536);
        assert!(!hasher.needs_rehash(FASTAPI_TUTORIAL_HASH));
    }

    #[test]
    fn hash_then_verify_round_trips() {
        let hasher = cheap();
        let stored = hasher.hash("correct horse battery staple").unwrap();
        assert_eq!(hasher.verify("correct horse battery staple", &stored), Ok(true));
    }

    #[test]
    fn hash_is_a_phc_string_with_the_configured_parameters_and_a_16_byte_salt() {
        let stored = cheap().hash("pw").unwrap();
        let parts: Vec<&str> = stored.split('$').collect();
        assert_eq!(parts[..4], ["", "argon2id", "v=19", "m=64,t=1,p=1"]);
        assert_eq!(parts[4].len(), 22, "16 bytes of salt, unpadded base64");
        assert_eq!(parts[5].len(), 43, "32 bytes of hash, unpadded base64");
    }

    #[test]
    fn the_same_password_hashes_differently_each_time() {
        let hasher = cheap();
        assert_ne!(hasher.hash("pw").unwrap(), hasher.hash("pw").unwrap());
    }

    #[test]
    fn a_wrong_password_is_false_not_an_error() {
        let hasher = cheap();
        let stored = hasher.hash("swordfish").unwrap();
        assert_eq!(hasher.verify("swordfisH", &stored), Ok(false));
        assert_eq!(hasher.verify("", &stored), Ok(false));
        assert_eq!(hasher.verify("swordfish ", &stored), Ok(false));
    }

    #[test]
    fn non_ascii_passwords_are_hashed_as_utf8() {
        // argon2-cffi: PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash("pässwörd 🔑")
        let python = "$argon2id$v=19$m=64,t=1,p=1$OE1CBm9U6HeRVKZ01Are1g$RzI/0o9ZhWeygV/0fp+KzTTFV+4x6071gCkqDWbha1U";
        assert_eq!(cheap().verify("pässwörd 🔑", python), Ok(true));
        assert_eq!(cheap().verify("passwörd 🔑", python), Ok(false));
    }

    #[test]
    fn the_fastapi_tutorial_hash_made_by_pwdlib_verifies() {
        assert_eq!(verify_password("secret", FASTAPI_TUTORIAL_HASH), Ok(true));
        assert_eq!(verify_password("Secret", FASTAPI_TUTORIAL_HASH), Ok(false));
    }

    #[test]
    fn argon2i_argon2d_and_version_16_hashes_from_argon2_cffi_verify() {
        // argon2.low_level.hash_secret(b"secret", b"somesaltsomesalt", ...) with the type and version shown.
        let argon2i = "$argon2i$v=19$m=256,t=2,p=2$c29tZXNhbHRzb21lc2FsdA$/SLOi0TnTQ1pl37JDcHATKkV8f4GXnKIOHZJUOSGoAI";
        let argon2d = "$argon2d$v=19$m=256,t=2,p=2$c29tZXNhbHRzb21lc2FsdA$aaqyEY+GxiFFFKXweBlTtJrBsNSCVnGsBEsYSHOW+5o";
        let v16 = "$argon2id$v=16$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$UF8owXH3Ic+/i9I/JaXRPrpI667SCo4A1AO7Q698oXg";
        // libargon2 writes and reads version 16 hashes without `v=`.
        let no_version = "$argon2id$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$UF8owXH3Ic+/i9I/JaXRPrpI667SCo4A1AO7Q698oXg";
        for stored in [argon2i, argon2d, v16, no_version] {
            assert_eq!(cheap().verify("secret", stored), Ok(true), "{stored}");
            assert_eq!(cheap().verify("wrong", stored), Ok(false), "{stored}");
            assert!(cheap().needs_rehash(stored), "{stored}");
        }
    }

    #[test]
    fn malformed_hashes_are_errors_not_panics() {
        let hasher = cheap();
        for stored in [
            "",
            "$",
            "$$",
            "secret",
            "argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$UF8owXH3Ic+/i9I/JaXRPrpI667SCo4A1AO7Q698oXg",
            "$argon2id",
            "$argon2id$v=19$m=64,t=1,p=1",
            "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA",
            "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$not*base64",
            "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$UF8owXH3Ic+/i9I/JaXRPrpI667SCo4A1AO7Q698oXg$extra",
            "$argon2id$v=19$m=x,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$UF8owXH3Ic+/i9I/JaXRPrpI667SCo4A1AO7Q698oXg",
            "$argon2id$v=19$m=64,t=1,p=1,q=2$c29tZXNhbHRzb21lc2FsdA$UF8owXH3Ic+/i9I/JaXRPrpI667SCo4A1AO7Q698oXg",
            "$argon2id$v=19$m=64,t=0,p=1$c29tZXNhbHRzb21lc2FsdA$UF8owXH3Ic+/i9I/JaXRPrpI667SCo4A1AO7Q698oXg",
            "$argon2id$v=19$m=1,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$UF8owXH3Ic+/i9I/JaXRPrpI667SCo4A1AO7Q698oXg",
            "$argon2id$v=19$m=64,t=1,p=1$c29t$UF8owXH3Ic+/i9I/JaXRPrpI667SCo4A1AO7Q698oXg",
        ] {
            assert_eq!(hasher.verify("secret", stored), Err(PasswordError::MalformedHash), "{stored:?}");
            assert!(!hasher.verify_or_dummy("secret", Some(stored)), "{stored:?}");
            assert!(hasher.needs_rehash(stored), "{stored:?}");
        }
    }

    #[test]
    fn other_algorithms_are_unsupported() {
        for stored in [
            "$2b$12$EixZaYVK1fsbw1ZfbX3OXePaWxn96p36WQoeG6Lruj3vjPGga31lW",
            "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E",
            "$pbkdf2-sha256$29000$8l4rpTRmDGEsRUhJac05Bw$eajW7PFThCDyQ2DiCbVIeaMw6pF",
            "$argon2$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$UF8owXH3Ic+/i9I/JaXRPrpI667SCo4A1AO7Q698oXg",
        ] {
            assert_eq!(cheap().verify("secret", stored), Err(PasswordError::UnsupportedAlgorithm), "{stored}");
        }
    }

    #[test]
    fn hashes_asking_for_too_much_are_refused_before_allocating() {
        for stored in [
            "$argon2id$v=19$m=4294967295,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$UF8owXH3Ic+/i9I/JaXRPrpI667SCo4A1AO7Q698oXg",
            "$argon2id$v=19$m=64,t=100000,p=1$c29tZXNhbHRzb21lc2FsdA$UF8owXH3Ic+/i9I/JaXRPrpI667SCo4A1AO7Q698oXg",
            "$argon2id$v=19$m=65536,t=1,p=65$c29tZXNhbHRzb21lc2FsdA$UF8owXH3Ic+/i9I/JaXRPrpI667SCo4A1AO7Q698oXg",
            "$argon2id$v=20$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$UF8owXH3Ic+/i9I/JaXRPrpI667SCo4A1AO7Q698oXg",
        ] {
            assert_eq!(cheap().verify("secret", stored), Err(PasswordError::UnsupportedParams), "{stored}");
        }
    }

    #[test]
    fn the_dummy_path_returns_false_whatever_the_password() {
        let hasher = cheap();
        for password in ["", "secret", "correct horse battery staple"] {
            assert!(!hasher.verify_or_dummy(password, None));
        }
        // Even a password that would match a hash made with the dummy salt.
        let mut out = [0u8; 32];
        hasher.argon2.hash_password_into(b"secret", &DUMMY_SALT, &mut out).unwrap();
        assert!(!hasher.verify_or_dummy("secret", None));
    }

    #[test]
    fn the_login_check_follows_the_stored_hash_when_there_is_one() {
        let hasher = cheap();
        let stored = hasher.hash("secret").unwrap();
        assert!(hasher.verify_or_dummy("secret", Some(&stored)));
        assert!(!hasher.verify_or_dummy("wrong", Some(&stored)));
    }

    thread_local! {
        /// The argon2 runs of this thread: their parameters and output length.
        static ARGON2_RUNS: std::cell::RefCell<Vec<(Option<Params>, usize)>> = const { std::cell::RefCell::new(Vec::new()) };
    }

    /// Notes an argon2 run with `params` and an output of `len` bytes.
    pub(super) fn record_argon2(params: Option<Params>, len: usize) {
        ARGON2_RUNS.with(|runs| runs.borrow_mut().push((params, len)));
    }

    /// The argon2 runs of `work`, on this thread.
    fn argon2_runs(work: impl FnOnce()) -> Vec<(Option<Params>, usize)> {
        ARGON2_RUNS.with(|runs| runs.borrow_mut().clear());
        work();
        ARGON2_RUNS.with(|runs| runs.take())
    }

    #[test]
    fn an_unknown_user_costs_what_a_wrong_password_costs() {
        // The same argon2 work, counted (not timed): one run, with the same
        // memory, passes, lanes and output length, whether the user exists
        // (a wrong password), does not (the dummy hash), or has a hash that
        // cannot be read.
        let hasher = PasswordHasher::builder().memory_kib(4096).iterations(2).parallelism(2).build().unwrap();
        let stored = hasher.hash("secret").unwrap();
        let wrong = argon2_runs(|| assert!(!hasher.verify_or_dummy("guess", Some(&stored))));
        let unknown = argon2_runs(|| assert!(!hasher.verify_or_dummy("guess", None)));
        let unreadable = argon2_runs(|| assert!(!hasher.verify_or_dummy("guess", Some("$argon2id$v=19$garbage"))));
        assert_eq!(wrong.len(), 1);
        let (params, len) = &wrong[0];
        let params = params.as_ref().unwrap();
        assert_eq!((params.m_cost(), params.t_cost(), params.p_cost(), *len), (4096, 2, 2, 32));
        assert_eq!(unknown, wrong);
        assert_eq!(unreadable, wrong);
    }

    #[test]
    fn builder_refuses_parameters_argon2_or_the_limits_refuse() {
        let b = PasswordHasher::builder;
        assert!(matches!(b().parallelism(0).build(), Err(PasswordError::InvalidConfig(_))));
        assert!(matches!(b().parallelism(65).build(), Err(PasswordError::InvalidConfig(_))));
        assert!(matches!(b().parallelism(4).memory_kib(31).build(), Err(PasswordError::InvalidConfig(_))));
        assert!(matches!(b().memory_kib(MAX_MEMORY_KIB + 1).build(), Err(PasswordError::InvalidConfig(_))));
        assert!(matches!(b().iterations(0).build(), Err(PasswordError::InvalidConfig(_))));
        assert!(matches!(b().output_len(9).build(), Err(PasswordError::InvalidConfig(_))));
        assert!(matches!(b().output_len(65).build(), Err(PasswordError::InvalidConfig(_))));
        assert!(b().parallelism(4).memory_kib(32).iterations(1).output_len(64).build().is_ok());
    }

    #[test]
    fn output_len_is_honoured_and_checked_by_needs_rehash() {
        let long =
            PasswordHasher::builder().memory_kib(64).iterations(1).parallelism(1).output_len(64).build().unwrap();
        let stored = long.hash("pw").unwrap();
        assert_eq!(long.verify("pw", &stored), Ok(true));
        assert!(!long.needs_rehash(&stored));
        assert!(cheap().needs_rehash(&stored));
        // Verification follows the stored hash, whatever this hasher's length.
        assert_eq!(cheap().verify("pw", &stored), Ok(true));
    }

    #[test]
    fn nothing_secret_shows_in_debug_or_errors() {
        let hasher = cheap();
        assert_eq!(
            format!("{hasher:?}"),
            r#"PasswordHasher { algorithm: "argon2id", memory_kib: 64, iterations: 1, parallelism: 1, output_len: 32 }"#
        );
        let err = hasher.verify("hunter2", "$argon2id$v=19$m=64,t=1,p=1$hunter2").unwrap_err();
        assert!(!format!("{err} {err:?}").contains("hunter2"));
    }

    /// What the checks of a verifier did, recorded inside the blocking
    /// task while it holds its permits; `hold` keeps checks from finishing.
    #[derive(Default)]
    pub(super) struct Probe {
        state: std::sync::Mutex<ProbeState>,
        released: std::sync::Condvar,
    }

    #[derive(Default, Clone, Debug)]
    struct ProbeState {
        running: usize,
        max_running: usize,
        kib: u64,
        max_kib: u64,
        /// The memory weight of each check that ran, in order.
        weights: Vec<u32>,
        held: bool,
    }

    pub(super) struct Entered<'a>(&'a Probe, u32);

    impl Probe {
        pub(super) fn enter(&self, kib: u32) -> Entered<'_> {
            let mut state = self.state.lock().unwrap();
            state.running += 1;
            state.max_running = state.max_running.max(state.running);
            state.kib += u64::from(kib);
            state.max_kib = state.max_kib.max(state.kib);
            state.weights.push(kib);
            while state.held {
                state = self.released.wait(state).unwrap();
            }
            Entered(self, kib)
        }

        /// Keeps checks from finishing until the guard is dropped (also
        /// by a failing assertion, so that no blocking thread is left waiting).
        fn hold(&self) -> Held<'_> {
            self.state.lock().unwrap().held = true;
            Held(self)
        }

        fn state(&self) -> ProbeState {
            self.state.lock().unwrap().clone()
        }
    }

    struct Held<'a>(&'a Probe);

    impl Drop for Held<'_> {
        fn drop(&mut self) {
            self.0.state.lock().unwrap().held = false;
            self.0.released.notify_all();
        }
    }

    impl Drop for Entered<'_> {
        fn drop(&mut self) {
            let mut state = self.0.state.lock().unwrap();
            state.running -= 1;
            state.kib -= u64::from(self.1);
        }
    }

    fn probe(verifier: &PasswordVerifier) -> &Probe {
        &verifier.inner.probe
    }

    /// Waits (at most 10 s) until `done` holds for the probe's state.
    async fn until(verifier: &PasswordVerifier, done: impl Fn(&ProbeState) -> bool) {
        for _ in 0..10_000 {
            if done(&probe(verifier).state()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        panic!("never reached: {:?}", probe(verifier).state());
    }

    /// `check`, failing the test (and so releasing held checks) if it takes
    /// more than 10 s: a check that should be refused at once but runs
    /// would wait for the held ones forever.
    async fn within_10_s<T>(check: impl Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(10), check).await.expect("the check should not have waited")
    }

    /// Starts `count` checks of a wrong password against `stored`, each as a task.
    fn start_checks(
        verifier: &PasswordVerifier,
        stored: &str,
        count: usize,
    ) -> Vec<tokio::task::JoinHandle<Result<bool, PasswordBusy>>> {
        (0..count)
            .map(|_| {
                let (verifier, stored) = (verifier.clone(), stored.to_owned());
                tokio::spawn(async move { verifier.verify_or_dummy("guess", Some(&stored)).await })
            })
            .collect()
    }

    #[tokio::test]
    async fn checks_never_run_more_at_once_than_the_concurrency_limit() {
        let verifier = PasswordVerifier::builder(cheap()).concurrency(2).build().unwrap();
        let stored = cheap().hash("secret").unwrap();
        let held = probe(&verifier).hold();
        let checks = start_checks(&verifier, &stored, 6);
        until(&verifier, |state| state.running == 2).await;
        // Six are asked for; however long they wait, two run.
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!((probe(&verifier).state().running, probe(&verifier).state().weights.len()), (2, 2));
        drop(held);
        for check in checks {
            assert_eq!(check.await.unwrap(), Ok(false));
        }
        let state = probe(&verifier).state();
        assert_eq!((state.max_running, state.weights.len(), state.running), (2, 6, 0));
    }

    #[tokio::test]
    async fn checks_never_hold_more_memory_than_the_budget() {
        // 64 KiB a check, a budget of three, room for eight by concurrency.
        let verifier = PasswordVerifier::builder(cheap()).concurrency(8).memory_budget(3 * 64 * 1024).build().unwrap();
        let stored = cheap().hash("secret").unwrap();
        let held = probe(&verifier).hold();
        let checks = start_checks(&verifier, &stored, 6);
        until(&verifier, |state| state.running == 3).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!((probe(&verifier).state().running, probe(&verifier).state().kib), (3, 192));
        drop(held);
        for check in checks {
            assert_eq!(check.await.unwrap(), Ok(false));
        }
        let state = probe(&verifier).state();
        assert_eq!((state.max_kib, state.max_running, state.weights.len()), (192, 3, 6));
    }

    #[tokio::test]
    async fn memory_is_weighted_by_the_stored_hash_s_own_cost() {
        let costly = PasswordHasher::builder().memory_kib(128).iterations(1).parallelism(1).build().unwrap();
        let stored = costly.hash("secret").unwrap();
        // A budget of 192 KiB holds one 128 KiB check, never two.
        let verifier = PasswordVerifier::builder(cheap()).concurrency(8).memory_budget(192 * 1024).build().unwrap();
        let held = probe(&verifier).hold();
        let checks = start_checks(&verifier, &stored, 3);
        until(&verifier, |state| state.running == 1).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!((probe(&verifier).state().running, probe(&verifier).state().kib), (1, 128));
        drop(held);
        for check in checks {
            assert_eq!(check.await.unwrap(), Ok(false));
        }
        assert_eq!(probe(&verifier).state().weights, [128, 128, 128]);
        assert_eq!(verifier.verify_or_dummy("secret", Some(&stored)).await, Ok(true));
    }

    #[tokio::test]
    async fn a_stored_hash_costing_more_than_the_budget_is_never_run() {
        let costly = PasswordHasher::builder().memory_kib(256).iterations(1).parallelism(1).build().unwrap();
        let stored = costly.hash("secret").unwrap();
        let verifier = PasswordVerifier::builder(cheap()).memory_budget(128 * 1024).build().unwrap();
        // The right password, but the hash would take 256 KiB: the dummy check (64 KiB) answers.
        assert_eq!(verifier.verify_or_dummy("secret", Some(&stored)).await, Ok(false));
        // Above 1 GiB, whatever the budget: refused before any allocation.
        let huge =
            "$argon2id$v=19$m=4294967295,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$UF8owXH3Ic+/i9I/JaXRPrpI667SCo4A1AO7Q698oXg";
        assert_eq!(verifier.verify_or_dummy("secret", Some(huge)).await, Ok(false));
        assert_eq!(probe(&verifier).state().weights, [64, 64]);
        // With room for it, the same hash verifies.
        let roomy = PasswordVerifier::builder(cheap()).memory_budget(256 * 1024).build().unwrap();
        assert_eq!(roomy.verify_or_dummy("secret", Some(&stored)).await, Ok(true));
        assert_eq!(probe(&roomy).state().weights, [256]);
    }

    #[tokio::test]
    async fn the_verifier_answers_like_the_login_check() {
        let verifier = PasswordVerifier::new(cheap()).unwrap();
        let stored = cheap().hash("secret").unwrap();
        assert_eq!(verifier.verify_or_dummy("secret", Some(&stored)).await, Ok(true));
        assert_eq!(verifier.verify_or_dummy("Secret", Some(&stored)).await, Ok(false));
        // No such user: a check with the hasher's own cost, and false.
        assert_eq!(verifier.verify_or_dummy("secret", None).await, Ok(false));
        // A stored hash that cannot be read: the dummy check too.
        assert_eq!(verifier.verify_or_dummy("secret", Some("$argon2id$v=19$m=64")).await, Ok(false));
        assert_eq!(probe(&verifier).state().weights, [64, 64, 64, 64]);
    }

    #[tokio::test]
    async fn a_check_queued_past_the_timeout_is_busy_and_renders_503_with_retry_after() {
        let verifier =
            PasswordVerifier::builder(cheap()).concurrency(1).queue_timeout(Duration::from_millis(20)).build().unwrap();
        let stored = cheap().hash("secret").unwrap();
        let held = probe(&verifier).hold();
        let running = start_checks(&verifier, &stored, 1);
        until(&verifier, |state| state.running == 1).await;
        let busy = within_10_s(verifier.verify_or_dummy("secret", Some(&stored))).await.unwrap_err();
        assert_eq!(busy.retry_after(), Duration::from_secs(1));
        let rejection = AuthRejection::from(busy);
        assert_eq!(rejection.status(), 503);
        assert_eq!(rejection.kind(), crate::AuthErrorKind::Unavailable);
        assert_eq!(rejection.headers()["retry-after"], "1");
        assert!(rejection.challenges().is_empty());
        drop(held);
        for check in running {
            assert_eq!(check.await.unwrap(), Ok(false));
        }
        assert_eq!(probe(&verifier).state().weights.len(), 1, "the refused check never ran");
    }

    #[tokio::test]
    async fn a_caller_that_gives_up_keeps_its_place_until_argon2_returns() {
        let verifier =
            PasswordVerifier::builder(cheap()).concurrency(1).queue_timeout(Duration::from_millis(20)).build().unwrap();
        let stored = cheap().hash("secret").unwrap();
        let held = probe(&verifier).hold();
        let gave_up = start_checks(&verifier, &stored, 1).remove(0);
        until(&verifier, |state| state.running == 1).await;
        gave_up.abort();
        assert!(gave_up.await.unwrap_err().is_cancelled());
        // The abandoned check still runs, and still holds the one place.
        assert!(within_10_s(verifier.verify_or_dummy("secret", Some(&stored))).await.is_err());
        drop(held);
        until(&verifier, |state| state.running == 0).await;
        assert_eq!(verifier.verify_or_dummy("secret", Some(&stored)).await, Ok(true));
        assert_eq!(probe(&verifier).state().max_running, 1);
    }

    #[tokio::test]
    async fn a_caller_that_gives_up_while_queued_leaves_the_queue() {
        let verifier = PasswordVerifier::builder(cheap()).concurrency(1).build().unwrap();
        let stored = cheap().hash("secret").unwrap();
        let held = probe(&verifier).hold();
        let first = start_checks(&verifier, &stored, 1);
        until(&verifier, |state| state.running == 1).await;
        let queued = start_checks(&verifier, &stored, 1).remove(0);
        tokio::task::yield_now().await;
        queued.abort();
        assert!(queued.await.unwrap_err().is_cancelled());
        drop(held);
        for check in first {
            assert_eq!(check.await.unwrap(), Ok(false));
        }
        assert_eq!(probe(&verifier).state().weights.len(), 1, "the abandoned queued check never ran");
    }

    #[test]
    fn verifier_settings_that_cannot_work_are_refused_when_built() {
        let b = || PasswordVerifier::builder(cheap());
        assert!(matches!(b().concurrency(0).build(), Err(PasswordError::InvalidConfig(_))));
        assert!(matches!(b().memory_budget(0).build(), Err(PasswordError::InvalidConfig(_))));
        // 63 KiB cannot hold one 64 KiB dummy check.
        assert!(matches!(b().memory_budget(63 * 1024).build(), Err(PasswordError::InvalidConfig(_))));
        assert!(b().memory_budget(64 * 1024).concurrency(1).build().is_ok());
        // pwdlib's 64 MiB fit the default 512 MiB; 1 GiB does not.
        assert!(PasswordVerifier::new(PasswordHasher::new()).is_ok());
        let gib = PasswordHasher::builder().memory_kib(MAX_MEMORY_KIB).build().unwrap();
        assert!(matches!(PasswordVerifier::new(gib.clone()), Err(PasswordError::InvalidConfig(_))));
        assert!(PasswordVerifier::builder(gib).memory_budget(1 << 30).build().is_ok());
    }

    #[test]
    fn the_verifier_s_defaults_are_512_mib_the_cpu_count_and_5_s() {
        let verifier = PasswordVerifier::new(cheap()).unwrap();
        let cpus = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        assert_eq!(
            format!("{verifier:?}"),
            format!(
                "PasswordVerifier {{ hasher: {:?}, memory_budget_kib: 524288, concurrency: {cpus}, queue_timeout: 5s }}",
                cheap()
            )
        );
        assert_eq!(verifier.inner.memory.available_permits(), 524_288);
        assert_eq!(verifier.inner.running.available_permits(), cpus);
    }
}
