//! The atomics the lock-free state machine is built on: std's, or loom's when the crate is
//! built with `--cfg loom` for the model check in `runtime/tests/loom.rs`, which then
//! explores every interleaving of the threads that share a breaker. (tokio switches to its
//! loom mocks only under `all(test, loom)`, so its own code stays as it is.)

#[cfg(loom)]
pub(crate) use loom::hint::spin_loop;
#[cfg(loom)]
pub(crate) use loom::sync::atomic::{fence, AtomicI64, AtomicU32, AtomicU64, AtomicU8};
#[cfg(not(loom))]
pub(crate) use std::hint::spin_loop;
#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{fence, AtomicI64, AtomicU32, AtomicU64, AtomicU8};
