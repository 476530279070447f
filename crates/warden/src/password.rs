//! Password hashing with argon2, and a constant-time path for unknown users.
