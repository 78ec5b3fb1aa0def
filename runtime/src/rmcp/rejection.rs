//! A breaker's error as a tool result a program can act on: the message for people, and in
//! the result's `_meta`, under [`REJECTION_META_KEY`], whether and when to try again.

use ::rmcp::handler::server::tool::IntoCallToolResult;
use ::rmcp::model::{CallToolResponse, CallToolResult, ContentBlock, MetaObject};
use ::rmcp::ErrorData as McpError;
use serde_json::{json, Value};

use crate::error::BreakerError;
use crate::observe::State;
use crate::registry::registry;

/// The `_meta` key of the machine-readable part of a breaker's error in a tool result.
///
/// Its value is an object: `breaker` (the name), `state` (the breaker's state when the
/// result was made: `closed`, `open`, `half_open`, `forced_open`, ...), `error` (`open`,
/// `forced_open`, `bulkhead_full`, `half_open_full`, `timed_out`, `family_full` or
/// `key_type_mismatch`), `retryable` (whether the same call may succeed later without anyone
/// acting; `false` for a breaker forced open by hand or a key type mismatch) and `retry_after_ms` (for an open circuit, the milliseconds
/// until a probe is allowed, else `null`). A client should not call again before
/// `retry_after_ms` has passed.
pub const REJECTION_META_KEY: &str = "fusebox/breaker_error";

/// The machine-readable part of `error`: the value under [`REJECTION_META_KEY`].
pub fn rejection_meta(error: &BreakerError) -> Value {
    let name = error.name();
    let (kind, retryable, error_state) = match error {
        BreakerError::Open { .. } => ("open", true, Some(State::Open)),
        BreakerError::ForcedOpen { .. } => ("forced_open", false, Some(State::ForcedOpen)),
        BreakerError::BulkheadFull { .. } => ("bulkhead_full", true, None),
        BreakerError::HalfOpenFull { .. } => ("half_open_full", true, Some(State::HalfOpen)),
        BreakerError::TimedOut { .. } => ("timed_out", true, None),
        BreakerError::FamilyFull { .. } => ("family_full", true, None),
        BreakerError::KeyTypeMismatch { .. } => ("key_type_mismatch", false, None),
    };
    let state = registry()
        .get(name)
        .map(crate::Breaker::state)
        .or(error_state);
    let retry_after_ms = error
        .retry_after()
        .map(|left| u64::try_from(left.as_millis()).unwrap_or(u64::MAX));
    json!({
        "breaker": name,
        "state": state,
        "error": kind,
        "retryable": retryable,
        "retry_after_ms": retry_after_ms,
    })
}

/// `error` as a tool result: `isError: true`, its message as text, and in `_meta`, under
/// [`REJECTION_META_KEY`], its [machine-readable part](rejection_meta).
pub fn rejection_result(error: &BreakerError) -> CallToolResult {
    let mut meta = MetaObject::new();
    meta.0
        .insert(REJECTION_META_KEY.to_owned(), rejection_meta(error));
    CallToolResult::error(vec![ContentBlock::text(error.to_string())]).with_meta(Some(meta))
}

/// A tool that returns `Result<T, BreakerError>` (or `Result<Json<T>, BreakerError>`) answers
/// a rejection with [`rejection_result`]. An error type of the user's that carries a
/// `BreakerError` does the same by implementing `IntoCallToolResult` with it.
impl IntoCallToolResult for BreakerError {
    fn into_call_tool_result(self) -> Result<CallToolResponse, McpError> {
        Ok(rejection_result(&self).into())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::time::Instant;

    use super::*;
    use crate::retry_at::RetryAt;
    use crate::Config;

    #[tokio::test(start_paused = true)]
    async fn an_open_circuit_says_when_to_come_back() {
        let breaker = registry().register("rmcp_rejection_open", Config::new());
        breaker.force_open();
        let error = BreakerError::Open {
            name: "rmcp_rejection_open",
            retry_at: RetryAt::from(Instant::now() + Duration::from_millis(1500)),
        };
        let result = rejection_result(&error);
        assert_eq!(result.is_error, Some(true));
        let meta = &result.meta.unwrap().0[REJECTION_META_KEY];
        assert_eq!(meta["breaker"], "rmcp_rejection_open");
        assert_eq!(meta["error"], "open");
        assert_eq!(meta["retryable"], true);
        assert_eq!(meta["state"], "forced_open"); // the breaker's state now
        assert_eq!(meta["retry_after_ms"], 1500);
        let ContentBlock::Text(text) = &result.content[0] else {
            panic!("text expected");
        };
        assert!(text.text.contains("is open"), "{}", text.text);
    }

    #[test]
    fn forced_open_is_not_retryable_and_has_no_deadline() {
        let meta = rejection_meta(&BreakerError::ForcedOpen {
            name: "rmcp_rejection_unknown",
        });
        assert_eq!(meta["retryable"], false);
        assert_eq!(meta["state"], "forced_open");
        assert!(meta["retry_after_ms"].is_null());
    }

    #[test]
    fn a_tool_error_becomes_an_error_result_not_a_protocol_error() {
        let response: Result<(), BreakerError> = Err(BreakerError::HalfOpenFull {
            name: "rmcp_rejection_half",
        });
        let CallToolResponse::Complete(result) = response.into_call_tool_result().unwrap() else {
            panic!("a complete result expected");
        };
        assert_eq!(result.is_error, Some(true));
        let meta = &result.meta.unwrap().0[REJECTION_META_KEY];
        assert_eq!(meta["error"], "half_open_full");
        assert_eq!(meta["state"], "half_open");
    }
}
