//! Retries through a breaker's handle: [`Breaker::call_with_retries`] and
//! [`Breaker::call_with_retry_options`], the handle API's counterparts of the attribute's
//! `retries`, with the breaker's retry settings (start-up overrides included) and the call's
//! [`RetryOptions`].

use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use tokio::time::{Instant, Sleep};

use super::deadline::AttemptDeadline;
use super::options::{EveryError, Policy, RetryOptions};
use super::retrying::{Refused, Retrying};
use super::within::retry_until;
use crate::breaker::{Breaker, Permit};
use crate::call::{run, CountErrors, Finished, NoDeadline};
use crate::error::BreakerError;

impl Breaker {
    /// Runs the future `attempt` makes through this breaker, and again, up to the breaker's
    /// [`retries`](crate::Config::retries), while it fails, with the breaker's backoff,
    /// `retry_deadline` and budget, as the attribute's `retries` do. Each attempt is one call
    /// of the breaker; every `Err` is counted and retried. A rejection is not retried: it comes
    /// back at once as `E::from(BreakerError)`, as from [`call`](Breaker::call). When the
    /// retries are spent, or the deadline or the budget stops them, the last error comes back.
    /// [`call_with_retry_options`](Breaker::call_with_retry_options) adds `retry_if`, the
    /// error's [`RetryAfter`](crate::RetryAfter) hint and a timeout per attempt.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use fusebox::{registry, BreakerError, Config};
    ///
    /// let breaker = registry().register("inventory_retried", Config::new().retries(2));
    /// let attempts = AtomicU32::new(0);
    /// let stock = breaker
    ///     .call_with_retries(|| async {
    ///         match attempts.fetch_add(1, Ordering::Relaxed) {
    ///             0 => Err(BreakerError::HalfOpenFull { name: "upstream" }),
    ///             _ => Ok(7),
    ///         }
    ///     })
    ///     .await;
    /// assert_eq!(stock, Ok(7));
    /// assert_eq!(breaker.retry_stats().retries, 1);
    /// # }
    /// ```
    // Not an `async fn`: the retries' future itself, not one more future around it to copy.
    pub fn call_with_retries<A, F, T, E>(
        &'static self,
        attempt: A,
    ) -> impl Future<Output = Result<T, E>>
    where
        A: FnMut() -> F,
        F: Future<Output = Result<T, E>>,
        E: From<BreakerError>,
    {
        self.retried(EveryError, attempt)
    }

    /// As [`call_with_retries`](Breaker::call_with_retries), with `options`: only the errors
    /// its `retry_if` accepts are retried (the others come back at once), the error's
    /// [`RetryAfter`](crate::RetryAfter) hint sets the wait where the options follow it, and
    /// each attempt has the options' timeout (a timed-out attempt is counted and retried).
    /// Where the breaker has a `retry_deadline`, it counts from this call's start and cuts an
    /// attempt still running at it, as the attribute's does.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::time::Duration;
    /// use fusebox::{registry, BreakerError, Config, RetryOptions};
    ///
    /// #[derive(Debug, PartialEq)]
    /// enum ApiError { BadRequest, Unavailable, Breaker(BreakerError) }
    /// impl From<BreakerError> for ApiError {
    ///     fn from(error: BreakerError) -> Self { ApiError::Breaker(error) }
    /// }
    /// fn is_transient(error: &ApiError) -> bool { *error != ApiError::BadRequest }
    ///
    /// let breaker = registry().register("orders_retried", Config::new().retries(3));
    /// let options = RetryOptions::new()
    ///     .retry_if(is_transient)
    ///     .timeout(Duration::from_secs(1));
    /// // A 400 is not worth a retry: it comes back after one attempt.
    /// let answer: Result<u32, ApiError> = breaker
    ///     .call_with_retry_options(options, || async { Err(ApiError::BadRequest) })
    ///     .await;
    /// assert_eq!(answer, Err(ApiError::BadRequest));
    /// assert_eq!(breaker.stats().calls, 1);
    /// # let _ = ApiError::Unavailable;
    /// # }
    /// ```
    // Not an `async fn`: the retries' future itself, not one more future around it to copy.
    pub fn call_with_retry_options<A, F, T, E>(
        &'static self,
        options: RetryOptions<E>,
        attempt: A,
    ) -> impl Future<Output = Result<T, E>>
    where
        A: FnMut() -> F,
        F: Future<Output = Result<T, E>>,
        E: From<BreakerError>,
    {
        self.retried(options, attempt)
    }

    /// The attempts of a call with retries, under `policy`: the options a call gave, or
    /// [`EveryError`], whose answers are known at compile time (nothing of them is kept in
    /// the future, nor asked on a call that succeeds).
    // Not an `async fn`: its future would keep its arguments twice (as passed, and as the
    // locals they are moved to), the policy and the attempt included.
    #[allow(clippy::manual_async_fn)]
    fn retried<A, F, T, E, P>(
        &'static self,
        policy: P,
        mut attempt: A,
    ) -> impl Future<Output = Result<T, E>>
    where
        A: FnMut() -> F,
        F: Future<Output = Result<T, E>>,
        E: From<BreakerError>,
        P: Policy<E>,
    {
        async move {
            let permit = self.try_acquire().map_err(E::from)?;
            // Without a deadline, the first attempt runs here, as `Breaker::call` runs it; the
            // retries' state is made only after it failed. (The `retry_deadline` is fixed when
            // the breaker is built: the retries below read the same.)
            let first = if policy.attempt_timeout().is_none() && self.retry_deadline().is_none() {
                let finished = run(permit, NoDeadline, CountErrors, attempt()).await;
                match Failure::of(finished, &policy) {
                    Ok(output) => return output,
                    Err(failure) => First::Failed(failure),
                }
            } else {
                First::Admitted(permit)
            };
            // Only now, in a future of their own (so that this future, done, is cheap to
            // drop: its drop glue stays small enough to inline), the retries, and the first
            // attempt where it has a deadline; they borrow the attempt and the policy.
            let (attempt, policy) = (&mut attempt, &policy);
            async move {
                // One clock read, only for a breaker with a `retry_deadline`: before the first
                // attempt, which then runs below.
                let started = self.retry_deadline().map(|_| Instant::now());
                let until = started.and_then(|started| retry_until(self, started));
                // The one timer: each attempt's deadline, and each wait between attempts
                // (never both at once), set only when one is needed.
                let mut timer = pin!(None::<Sleep>);
                let mut failure = match first {
                    First::Failed(failure) => failure,
                    First::Admitted(permit) => {
                        let deadline =
                            AttemptDeadline::new(policy.attempt_timeout(), until, timer.as_mut());
                        let finished = run(permit, deadline, CountErrors, attempt()).await;
                        match Failure::of(finished, policy) {
                            Ok(output) => return output,
                            Err(failure) => failure,
                        }
                    }
                };
                let mut retrying = Retrying::new(started);
                loop {
                    let (retryable, hint) = (failure.retryable, failure.hint);
                    if !retrying
                        .plan_on(self, retryable, hint, timer.as_mut())
                        .await
                    {
                        return Err(failure.error);
                    }
                    let permit = match retrying.begin(self) {
                        Ok(permit) => permit,
                        Err(Refused::Budget) => return Err(failure.error),
                        Err(Refused::Rejected(rejection)) => return Err(E::from(rejection)),
                    };
                    // Not kept while the next attempt runs: it is over.
                    drop(failure);
                    let deadline =
                        AttemptDeadline::new(policy.attempt_timeout(), until, timer.as_mut());
                    failure = match run(permit, deadline, CountErrors, attempt()).await {
                        Finished::Succeeded(output) | Finished::Ignored(output) => {
                            retrying.succeeded();
                            return output;
                        }
                        finished => match Failure::of(finished, policy) {
                            Ok(output) => return output,
                            Err(failure) => failure,
                        },
                    };
                }
            }
            .await
        }
    }
}

/// How the retries' future begins: after a first attempt that failed, or with the permit of a
/// first attempt that has a deadline, which it runs on its timer.
enum First<E> {
    /// The first attempt ran and failed.
    Failed(Failure<E>),
    /// The first attempt, admitted, is still to run.
    Admitted(Permit),
}

/// A failed attempt: the error the caller gets if it is not retried, whether it may be, and
/// the wait its error asks for.
struct Failure<E> {
    error: E,
    retryable: bool,
    hint: Option<Duration>,
}

impl<E: From<BreakerError>> Failure<E> {
    /// How an attempt ended: `Ok` with what the call returns now, or the failure to retry.
    #[inline]
    fn of<T>(
        finished: Finished<Result<T, E>>,
        policy: &impl Policy<E>,
    ) -> Result<Result<T, E>, Failure<E>> {
        let (error, retryable, hint) = match finished {
            Finished::Succeeded(output) | Finished::Ignored(output) => return Ok(output),
            Finished::Failed(Ok(value)) => return Ok(Ok(value)),
            Finished::Failed(Err(error)) => {
                let (retryable, hint) = (policy.retries(&error), policy.hint(&error));
                (error, retryable, hint)
            }
            Finished::TimedOut(timeout) => (E::from(timeout), true, None),
            Finished::Rejected(rejection) => (E::from(rejection), false, None),
        };
        Err(Failure {
            error,
            retryable,
            hint,
        })
    }
}
