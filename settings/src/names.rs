//! The settings of a breaker, by name: each is an attribute key and a start-up override
//! (`[breakers.<name>]` in the `FUSEBOX_CONFIG` file, `FUSEBOX_<NAME>_<SETTING>`). One list,
//! read by the attribute and by the runtime, so the two cannot drift apart.

/// Every setting of a breaker, in the order the documentation gives them.
pub const SETTINGS: &[&str] = &[
    "threshold",
    "recovery",
    "success_threshold",
    "backoff",
    "max_recovery",
    "max_half_open_wait",
    "adaptive",
    "critical",
    "failure_rate",
    "window",
    "min_calls",
    "slow_call",
    "slow_rate",
    "max_concurrent",
    "max_wait",
];
