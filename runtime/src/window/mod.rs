//! The windows a breaker takes its rates over: the outcomes of the latest calls (`count`, a
//! lock-free ring, also the adaptive threshold's history), or of the latest stretch of time
//! (`time`, ten buckets), and the failure and slow-call rates read over either (`rates`),
//! which say when one has reached its limit.
//!
//! Used by `breaker/`; it uses `config/` (the window's shape and the live rate rules),
//! `observe/` (the [`Reason`](crate::Reason) a rate opens a circuit with), `clock` and `sync`.

mod count;
mod rates;
mod time;

pub(crate) use count::CallWindow;
pub(crate) use rates::RateWindow;
