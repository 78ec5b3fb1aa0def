//! Retries through a breaker's handle: [`Breaker::call_with_retries`], the handle API's
//! counterpart of the attribute's `retries`, with the breaker's retry settings (start-up
//! overrides included).

use std::future::Future;

use super::retrying::{Refused, Retrying};
use crate::breaker::Breaker;
use crate::call::{run, CountErrors, Finished, NoDeadline};
use crate::error::BreakerError;

impl Breaker {
    /// Runs the future `attempt` makes through this breaker, and again, up to the breaker's
    /// [`retries`](crate::Config::retries), while it fails, with the breaker's backoff,
    /// `retry_deadline` and budget, as the attribute's `retries` do. Each attempt is one call
    /// of the breaker; every `Err` is counted and retried. A rejection is not retried: it comes
    /// back at once as `E::from(BreakerError)`, as from [`call`](Breaker::call). When the
    /// retries are spent, or the deadline or the budget stops them, the last error comes back.
    /// (The error's [`RetryAfter`](crate::RetryAfter) hint is read by the attribute only.)
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
    pub async fn call_with_retries<A, F, T, E>(&'static self, mut attempt: A) -> Result<T, E>
    where
        A: FnMut() -> F,
        F: Future<Output = Result<T, E>>,
        E: From<BreakerError>,
    {
        let mut permit = self.try_acquire().map_err(E::from)?;
        let mut retrying: Option<Retrying> = None;
        loop {
            let error = match run(permit, NoDeadline, CountErrors, attempt()).await {
                Finished::Succeeded(output) | Finished::Ignored(output) => {
                    if let Some(retrying) = &retrying {
                        retrying.succeeded();
                    }
                    return output;
                }
                Finished::Failed(output) => match output {
                    Ok(value) => return Ok(value),
                    Err(error) => error,
                },
                Finished::TimedOut(error) | Finished::Rejected(error) => {
                    return Err(E::from(error))
                }
            };
            let retrying = retrying.get_or_insert_with(|| Retrying::new(None));
            let Some(wait) = retrying.plan_retryable(self, true, None) else {
                return Err(error);
            };
            wait.await;
            permit = match retrying.begin(self) {
                Ok(permit) => permit,
                Err(Refused::Budget) => return Err(error),
                Err(Refused::Rejected(rejection)) => return Err(E::from(rejection)),
            };
        }
    }
}
