//! The one declaration of a breaker's settings. Each is an attribute key and a start-up
//! override (`[breakers.<name>]` in the `FUSEBOX_CONFIG` file, `FUSEBOX_<NAME>_<SETTING>`);
//! the attribute's parsing and checks, the runtime's `Config::set`, `get` and validation, the
//! overrides and the key table all read it from here. To add a setting, see "Adding a
//! setting" in the README.

use std::fmt;
use std::time::Duration;

use crate::kind::{Kind, Value};
use crate::limits::{
    DEFAULT_KEY_IDLE_MILLIS, DEFAULT_MAX_KEYS, DEFAULT_RECOVERY_MILLIS,
    DEFAULT_RETRY_BACKOFF_MILLIS, DEFAULT_RETRY_BUDGET, DEFAULT_SUCCESS_THRESHOLD,
    DEFAULT_THRESHOLD, DEFAULT_WINDOW, MAX_MAX_KEYS, MAX_SUCCESS_THRESHOLD,
};

declare_settings! {
    /// `threshold`: consecutive failures that open the circuit.
    Threshold = "threshold" {
        kind: Kind::Whole { min: 1, max: u32::MAX },
        default: Some(Value::Whole(DEFAULT_THRESHOLD)),
        must_be: "at least 1",
        row: ["1 ..= 4294967295", "`5`", "consecutive counted failures that open the circuit"],
    }
    /// `recovery`: how long the circuit stays open before probing.
    Recovery = "recovery" {
        kind: Kind::Duration { min_millis: 0 },
        default: Some(Value::Duration(Duration::from_millis(DEFAULT_RECOVERY_MILLIS))),
        must_be: "a duration",
        row: ["duration", "`\"60s\"`", "how long the circuit stays open before probing"],
    }
    /// `success_threshold`: half-open successes that close the circuit.
    SuccessThreshold = "success_threshold" {
        kind: Kind::Whole { min: 1, max: MAX_SUCCESS_THRESHOLD },
        default: Some(Value::Whole(DEFAULT_SUCCESS_THRESHOLD)),
        must_be: "between 1 and 65536",
        row: [
            "1 ..= 65536",
            "`3`",
            "half-open successes that close it; also the probes admitted at once"
        ],
    }
    /// `backoff`: what multiplies `recovery` on each consecutive re-open.
    Backoff = "backoff" {
        kind: Kind::Factor,
        default: Some(Value::Factor(1.0)),
        must_be: "a number of at least 1.0",
        row: [
            "number >= 1.0",
            "`1.0`",
            "multiplies `recovery` on each consecutive re-open; a close resets it"
        ],
    }
    /// `max_recovery`: the longest recovery backoff reaches.
    MaxRecovery = "max_recovery" {
        kind: Kind::Duration { min_millis: 0 },
        default: None,
        must_be: "a duration",
        row: [
            "duration >= `recovery`",
            "no limit",
            "the longest recovery backoff may reach (never overflows)"
        ],
    }
    /// `max_half_open_wait`: how long a full half-open circuit waits for its probes.
    MaxHalfOpenWait = "max_half_open_wait" {
        kind: Kind::Duration { min_millis: 1 },
        default: None,
        must_be: "at least 1ms",
        row: [
            "duration",
            "no limit",
            "how long a full half-open circuit waits for its probes before it opens again"
        ],
    }
    /// `adaptive`: whether the threshold follows the success rate of the last 100 calls.
    Adaptive = "adaptive" {
        kind: Kind::Flag,
        default: Some(Value::Flag(false)),
        must_be: "`true` or `false`",
        row: [
            "`true` / `false`",
            "`false`",
            "the threshold follows the last 100 calls: above 95% success it rises to \
             `threshold + 2` (at most 10), below 80% it falls to `threshold - 1` (at least 2); \
             stats show `effective_threshold`"
        ],
    }
    /// `critical`: whether a tripped breaker can make the process's health critical.
    Critical = "critical" {
        kind: Kind::Flag,
        default: Some(Value::Flag(true)),
        must_be: "`true` or `false`",
        row: [
            "`true` / `false`",
            "`true`",
            "`false` for what the process can do without (a cache): tripped, it makes health \
             `Degraded` at most"
        ],
    }
    /// `failure_rate`: the share of failures in the window that opens the circuit.
    FailureRate = "failure_rate" {
        kind: Kind::Percent,
        default: None,
        must_be: "between 1 and 100",
        row: [
            "1 ..= 100 (percent)",
            "none",
            "also opens the circuit when this share of the window failed, beside the \
             consecutive count"
        ],
    }
    /// `window`: the calls, or the time, a rate is taken over.
    Window = "window" {
        kind: Kind::Window,
        default: Some(Value::Whole(DEFAULT_WINDOW)),
        must_be: "between 1 and 100000 calls, or a duration between 100ms and 24h",
        row: [
            "1 ..= 100000 (calls), or a duration from `\"100ms\"` to `\"24h\"`",
            "`100`",
            "what the rates are taken over: the latest calls admitted while closed, or those \
             that finished within the latest stretch of time (ten buckets)"
        ],
    }
    /// `min_calls`: the calls a window must hold before its rates count.
    MinCalls = "min_calls" {
        kind: Kind::Whole { min: 1, max: u32::MAX },
        default: None,
        must_be: "at least 1",
        row: [
            "1 ..= `window` (at least 1 for a time window)",
            "`window` (`100` for a time window)",
            "calls the window must hold before the rate counts (it reads as unknown below)"
        ],
    }
    /// `slow_call`: how long a slow call takes.
    SlowCall = "slow_call" {
        kind: Kind::Duration { min_millis: 1 },
        default: None,
        must_be: "at least 1ms",
        row: [
            "duration",
            "none",
            "a call that takes at least this long is slow, even when it succeeds (counted as \
             `slow`)"
        ],
    }
    /// `slow_rate`: the share of slow calls in the window that opens the circuit.
    SlowRate = "slow_rate" {
        kind: Kind::Percent,
        default: None,
        must_be: "between 1 and 100",
        row: [
            "1 ..= 100 (percent), with `slow_call`",
            "none",
            "also opens the circuit when this share of the window was slow, even if every call \
             succeeded"
        ],
    }
    /// `max_concurrent`: the bulkhead's size.
    MaxConcurrent = "max_concurrent" {
        kind: Kind::Whole { min: 1, max: u32::MAX },
        default: None,
        must_be: "at least 1",
        row: [
            "1 ..= 4294967295",
            "no bulkhead",
            "a bulkhead: calls of the breaker that run at once; others are rejected \
             (`BreakerError::BulkheadFull`) and run the fallback"
        ],
    }
    /// `max_wait`: how long a call waits for a bulkhead slot.
    MaxWait = "max_wait" {
        kind: Kind::Duration { min_millis: 0 },
        default: Some(Value::Duration(Duration::ZERO)),
        must_be: "a duration",
        row: [
            "duration, with `max_concurrent`",
            "`\"0ms\"`",
            "how long a call may wait for a bulkhead slot"
        ],
    }
    /// `retries`: how many times a failed call is tried again.
    Retries = "retries" {
        kind: Kind::Whole { min: 0, max: 10 },
        default: Some(Value::Whole(0)),
        must_be: "between 0 and 10",
        row: [
            "0 ..= 10",
            "`0`",
            "tries a failed call again, each attempt a call of the breaker (admitted, timed out, \
             counted); a rejection is not retried; then the fallback answers, or the last \
             attempt's error"
        ],
    }
    /// `retry_backoff`: the shortest wait before a retry, the base of its exponential ceiling.
    RetryBackoff = "retry_backoff" {
        kind: Kind::Duration { min_millis: 1 },
        default: Some(Value::Duration(Duration::from_millis(DEFAULT_RETRY_BACKOFF_MILLIS))),
        must_be: "at least 1ms",
        row: [
            "duration, with `retries`",
            "`\"100ms\"`",
            "retry `n` waits a uniform draw between this and `retry_backoff * 2^n` (capped by \
             `retry_max_backoff`)"
        ],
    }
    /// `retry_max_backoff`: the longest wait before a retry.
    RetryMaxBackoff = "retry_max_backoff" {
        kind: Kind::Duration { min_millis: 1 },
        default: None,
        must_be: "at least 1ms",
        row: [
            "duration >= `retry_backoff`, with `retries`",
            "no cap",
            "the longest wait before a retry"
        ],
    }
    /// `retry_deadline`: how long all the attempts of one call and their waits may take.
    RetryDeadline = "retry_deadline" {
        kind: Kind::Duration { min_millis: 1 },
        default: None,
        must_be: "at least 1ms",
        row: [
            "duration, with `retries`",
            "none",
            "bounds all the attempts of one call and the waits between them: no retry starts \
             whose wait would end past it, and an attempt still running at it is cut, as a \
             timeout"
        ],
    }
    /// `retry_budget`: the share of the breaker's recent calls that retries may add.
    RetryBudget = "retry_budget" {
        kind: Kind::Percent,
        default: Some(Value::Percent(DEFAULT_RETRY_BUDGET)),
        must_be: "between 1 and 100",
        row: [
            "1 ..= 100 (percent), with `retries`",
            "`20`",
            "retries stay below this share of the breaker's calls in the last 10s, plus 10 \
             retries; a retry refused runs the fallback"
        ],
    }
    /// `max_keys`: the breakers a keyed family holds at most.
    MaxKeys = "max_keys" {
        kind: Kind::Whole { min: 1, max: MAX_MAX_KEYS },
        default: Some(Value::Whole(DEFAULT_MAX_KEYS)),
        must_be: "between 1 and 1048576",
        row: [
            "1 ..= 1048576, for a keyed family",
            "`1024`",
            "the breakers a keyed family holds at most; past it a new key takes the place of the \
             least recently used key that may be forgotten, or is rejected \
             (`BreakerError::FamilyFull`)"
        ],
    }
    /// `key_idle`: how long a key of a keyed family may go unused before it is dropped.
    KeyIdle = "key_idle" {
        kind: Kind::Duration { min_millis: 1 },
        default: Some(Value::Duration(Duration::from_millis(DEFAULT_KEY_IDLE_MILLIS))),
        must_be: "at least 1ms",
        row: [
            "duration, for a keyed family",
            "`\"5m\"`",
            "a key unused this long is dropped with its breaker, unless its circuit is tripped \
             and its recovery has not passed"
        ],
    }
}

impl Setting {
    /// The setting named `name`, or `None` for a name that is no setting.
    pub fn from_name(name: &str) -> Option<Setting> {
        Setting::ALL
            .into_iter()
            .find(|setting| setting.name() == name)
    }

    /// Reads `raw` as this setting's value; the error names the setting.
    pub fn read(self, raw: crate::Raw<'_>) -> Result<Value, String> {
        self.kind().read(self.name(), raw)
    }

    /// Reads an environment variable's text as this setting's value; the error names the
    /// setting.
    pub fn parse(self, text: &str) -> Result<Value, String> {
        self.kind().parse(self.name(), text)
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Raw;

    #[test]
    fn every_setting_is_found_by_its_name_and_only_it() {
        for (index, setting) in Setting::ALL.into_iter().enumerate() {
            assert_eq!(Setting::from_name(setting.name()), Some(setting));
            // `ALL` lists each variant once, in declaration order.
            assert_eq!(setting as usize, index);
        }
        for name in [
            "",
            "name",
            "timeout",
            "fallback",
            "failure_if",
            "crate",
            "thresold",
        ] {
            assert_eq!(Setting::from_name(name), None, "{name}");
        }
    }

    #[test]
    fn every_default_is_in_its_range() {
        for setting in Setting::ALL {
            if let Some(value) = setting.default_value() {
                assert!(setting.kind().contains(value), "{setting}");
            }
        }
    }

    /// A value of `kind` just below its range, if it has one.
    fn below_range(kind: Kind) -> Option<Raw<'static>> {
        match kind {
            Kind::Whole { min, .. } => Some(Raw::Int(i128::from(min) - 1)),
            Kind::Percent | Kind::Window => Some(Raw::Int(0)),
            Kind::Duration { min_millis: 1 } => Some(Raw::Text("0ms")),
            Kind::Duration { .. } | Kind::Flag => None,
            Kind::Factor => Some(Raw::Float(0.5)),
        }
    }

    #[test]
    fn what_a_value_must_be_is_what_the_kind_checks() {
        for setting in Setting::ALL {
            let message = below_range(setting.kind()).map(|raw| setting.read(raw));
            if let Some(Err(message)) = message {
                let expected = format!("`{setting}` must be {}", setting.must_be());
                // A window's message says its calls' range; `must_be` says both.
                assert!(
                    expected.starts_with(&message) || message.starts_with(&expected),
                    "{message} / {expected}"
                );
            }
            assert!(setting.refusal().ends_with(setting.must_be()));
        }
    }

    #[test]
    fn the_rows_are_the_rows_of_every_setting() {
        let rows: Vec<&str> = Setting::ALL.iter().map(|setting| setting.row()).collect();
        assert_eq!(setting_rows!(), rows.join("\n") + "\n");
        for setting in Setting::ALL {
            assert!(setting.row().starts_with(&format!("| `{setting}` | ")));
        }
    }
}
