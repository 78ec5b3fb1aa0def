//! The atomics the lock-free state machine is built on: std's, or loom's when the crate is
//! built with `--cfg fusebox_loom` for the model check in `runtime/tests/loom.rs`, which then
//! explores every interleaving of the threads that share a breaker. The switch is fusebox's
//! own cfg, so a user's loom run (`--cfg loom`) leaves fusebox's atomics as they are.

#[cfg(fusebox_loom)]
pub(crate) use loom::hint::spin_loop;
#[cfg(fusebox_loom)]
pub(crate) use loom::sync::atomic::{fence, AtomicI64, AtomicU32, AtomicU64, AtomicU8};
#[cfg(not(fusebox_loom))]
pub(crate) use std::hint::spin_loop;
#[cfg(not(fusebox_loom))]
pub(crate) use std::sync::atomic::{fence, AtomicI64, AtomicU32, AtomicU64, AtomicU8};
