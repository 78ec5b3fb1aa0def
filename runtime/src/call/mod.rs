//! The future a protected call runs in (`guard`'s [`Call`]): it takes its bulkhead slot,
//! applies its `deadline`, reports how the outcome `classify`-ies through its [`Permit`], and
//! counts a panic as a failure. Around it: `admitted`, the call without a fallback, whose
//! error carries a rejection or a timeout (also [`Breaker::call`]); `rescue`, the call with
//! one, which hands the fallback its [`Cause`]; `judge` and `fallback`, how the generated
//! code reads the fn's return type and calls the fallback in either of its forms; `kept`, how
//! it clones the arguments a fallback or a retry is given.
//!
//! The top layer with the registry: it uses `breaker/` (admission, the permit, the bulkhead's
//! slots, the timers) and `error`, and nothing uses it but the crate root, `__private` and
//! `tower/`.
//!
//! [`Permit`]: crate::breaker::Permit
//! [`Breaker::call`]: crate::Breaker::call

mod admitted;
mod cause;
mod classify;
mod deadline;
mod fallback;
mod gate;
mod guard;
mod judge;
mod kept;
mod rescue;

pub(crate) use admitted::admitted;
pub use admitted::{Admitted, CarriesRejection, FromBreakerError, Protects};
pub use cause::Cause;
pub use classify::{Classify, CountErrors, FailureIf, FailureIfOk, NeverFails, Outcome, Verdict};
pub use deadline::{Deadline, NoDeadline, Timeout};
pub use fallback::{call_fallback, Answering, Fallback, Plain, WithCause};
pub(crate) use guard::run;
pub use guard::{Call, Finished};
pub use judge::{AnyValue, Judge, OkValues, Probe, ResultType, RetriesErrors};
pub use kept::{KeptForFallback, KeptForRetries, KeptForRetriesAndFallback};
pub use rescue::{rescue, Rescue};
