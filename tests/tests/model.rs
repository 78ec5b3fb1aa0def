//! Model-based property test: random sequences of call outcomes, time advances, resets and
//! states set by hand, run against the real breaker (public API, paused tokio clock) and a
//! small reference model of the state machine; after every step the two must agree on the
//! state, on every count and on the failure rate. The probe timer runs too: an open period
//! that ends moves the circuit to half-open without a call. Some breakers also have a
//! failure-rate limit over a small count window, which opens the circuit after whichever call
//! (a failure or a success) leaves the window at or over the limit.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::time::Duration;

use fusebox::{registry, Breaker, BreakerError, Config, State, Window};
use proptest::prelude::*;

#[derive(Clone, Copy, Debug)]
enum Op {
    Call { fails: bool },
    Advance { millis: u64 },
    ForceOpen,
    ForceClosed,
    Disable,
    MetricsOnly,
    Reset,
}

fn op() -> impl Strategy<Value = Op> {
    let by_hand = prop_oneof![
        Just(Op::ForceOpen),
        Just(Op::ForceClosed),
        Just(Op::Disable),
        Just(Op::MetricsOnly),
        Just(Op::Reset),
    ];
    // States set by hand clear everything: rare enough that long runs of calls happen.
    prop_oneof![
        14 => any::<bool>().prop_map(|fails| Op::Call { fails }),
        5 => (0_u64..15_000).prop_map(|millis| Op::Advance { millis }),
        1 => by_hand,
    ]
}

/// The reference: what the breaker should be after each step.
#[derive(Debug, Default)]
struct Model {
    state: ModelState,
    now_ms: u64,
    reopens: u32,
    successes: u64,
    failures: u64,
    rejections: u64,
    /// Outcomes (true: failed) of the latest calls admitted while closed, oldest first.
    window: VecDeque<bool>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum ModelState {
    #[default]
    Closed,
    ClosedWith(u64),
    Open {
        until_ms: u64,
    },
    HalfOpen {
        successes: u32,
    },
    ForcedOpen,
    Disabled,
    MetricsOnly,
}

impl Model {
    fn open(&mut self, config: &Config, reopen: bool) {
        self.reopens = if reopen { self.reopens + 1 } else { 0 };
        let recovery = recovery_after(config, self.reopens);
        let millis = u64::try_from(recovery.as_millis()).unwrap();
        self.state = ModelState::Open {
            until_ms: self.now_ms + millis,
        };
    }

    /// A call: `Some(fails)` when it ran, `None` when it was rejected.
    fn call(&mut self, config: &Config, fails: bool) -> Option<bool> {
        if let ModelState::Open { until_ms } = self.state {
            if self.now_ms < until_ms {
                self.rejections += 1;
                return None;
            }
            self.state = ModelState::HalfOpen { successes: 0 };
        }
        match self.state {
            ModelState::ForcedOpen => {
                self.rejections += 1;
                return None;
            }
            ModelState::Disabled => return Some(fails),
            _ => {}
        }
        if fails {
            self.failures += 1;
        } else {
            self.successes += 1;
        }
        let rate_reached = match self.state {
            ModelState::Closed | ModelState::ClosedWith(_) => self.record(config, fails),
            _ => false,
        };
        match (self.state, fails) {
            (ModelState::Closed | ModelState::ClosedWith(_), false) => {
                if rate_reached {
                    self.open(config, false);
                } else {
                    self.state = ModelState::Closed;
                }
            }
            (ModelState::Closed, true) => self.failed_closed(config, 1, rate_reached),
            (ModelState::ClosedWith(count), true) => {
                self.failed_closed(config, count + 1, rate_reached);
            }
            (ModelState::HalfOpen { .. }, true) => self.open(config, true),
            (ModelState::HalfOpen { successes }, false) => {
                if successes + 1 >= config.success_threshold_value() {
                    self.state = ModelState::Closed;
                    self.reopens = 0;
                    self.window.clear();
                } else {
                    self.state = ModelState::HalfOpen {
                        successes: successes + 1,
                    };
                }
            }
            _ => {}
        }
        Some(fails)
    }

    /// Time passes; an open period that ends is ended by the probe timer, without a call.
    fn advance(&mut self, millis: u64) {
        self.now_ms += millis;
        if let ModelState::Open { until_ms } = self.state {
            if self.now_ms >= until_ms {
                self.state = ModelState::HalfOpen { successes: 0 };
            }
        }
    }

    fn failed_closed(&mut self, config: &Config, count: u64, rate_reached: bool) {
        if count >= u64::from(config.threshold_value()) || rate_reached {
            self.open(config, false);
        } else {
            self.state = ModelState::ClosedWith(count);
        }
    }

    /// Records the outcome of a call admitted while closed; whether the failure rate has
    /// reached its limit with it.
    fn record(&mut self, config: &Config, fails: bool) -> bool {
        let Some(limit) = config.failure_rate_value() else {
            return false;
        };
        let Window::Calls(size) = config.window_value() else {
            unreachable!("the model has count windows only");
        };
        self.window.push_back(fails);
        if self.window.len() > usize::try_from(size).unwrap() {
            self.window.pop_front();
        }
        self.failure_rate(config)
            .is_some_and(|rate| rate >= f64::from(limit))
    }

    /// The failure rate over the window, as stats show it.
    fn failure_rate(&self, config: &Config) -> Option<f64> {
        config.failure_rate_value()?;
        let calls = u32::try_from(self.window.len()).unwrap();
        let failed = u32::try_from(self.window.iter().filter(|fails| **fails).count()).unwrap();
        (calls >= config.min_calls_value()).then(|| f64::from(failed) * 100.0 / f64::from(calls))
    }

    /// A state set by hand; a circuit that closes again starts with an empty window.
    fn set(&mut self, state: ModelState) {
        let was_closed = matches!(self.state, ModelState::Closed | ModelState::ClosedWith(_));
        if state == ModelState::Closed && !was_closed {
            self.window.clear();
        }
        self.state = state;
        self.reopens = 0;
    }

    fn expected_state(&self) -> State {
        match self.state {
            ModelState::Closed | ModelState::ClosedWith(_) => State::Closed,
            ModelState::Open { .. } => State::Open,
            ModelState::HalfOpen { .. } => State::HalfOpen,
            ModelState::ForcedOpen => State::ForcedOpen,
            ModelState::Disabled => State::Disabled,
            ModelState::MetricsOnly => State::MetricsOnly,
        }
    }

    fn check(&self, config: &Config, breaker: &Breaker, step: usize) {
        let stats = breaker.stats();
        let context = format!("after step {step}: model {self:?}, stats {stats:?}");
        assert_eq!(stats.state, self.expected_state(), "{context}");
        let consecutive = match self.state {
            ModelState::ClosedWith(count) => count,
            _ => 0,
        };
        assert_eq!(stats.consecutive_failures, consecutive, "{context}");
        let half_open = match self.state {
            ModelState::HalfOpen { successes } => successes,
            _ => 0,
        };
        assert_eq!(stats.half_open_successes, half_open, "{context}");
        assert_eq!(
            (stats.successes, stats.failures, stats.rejections),
            (self.successes, self.failures, self.rejections),
            "{context}"
        );
        assert_eq!(stats.failure_rate, self.failure_rate(config), "{context}");
    }
}

/// The recovery period after `reopens` consecutive re-opens, as documented for `backoff` and
/// `max_recovery`: `recovery * backoff^reopens`, at most `max_recovery`, never past what a
/// `Duration` holds.
fn recovery_after(config: &Config, reopens: u32) -> Duration {
    let (recovery, backoff) = (config.recovery_value(), config.backoff_value());
    if reopens == 0 || backoff <= 1.0 {
        return recovery;
    }
    let limit = config.max_recovery_value().unwrap_or(Duration::MAX);
    let exponent = i32::try_from(reopens).unwrap_or(i32::MAX);
    let grown = recovery.as_secs_f64() * backoff.powi(exponent);
    Duration::try_from_secs_f64(grown).map_or(limit, |grown| grown.min(limit))
}

fn unique_name() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("model_{}", NEXT.fetch_add(1, Relaxed))
}

fn run(config: Config, ops: &[Op]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    runtime.block_on(async {
        let breaker = registry().register(&unique_name(), config);
        let mut model = Model::default();
        for (step, op) in ops.iter().enumerate() {
            match *op {
                Op::Call { fails } => {
                    let result = breaker
                        .call(async move {
                            if fails {
                                Err(BreakerError::HalfOpenFull { name: "upstream" })
                            } else {
                                Ok(())
                            }
                        })
                        .await;
                    let ran = match result {
                        Ok(()) => Some(false),
                        Err(BreakerError::HalfOpenFull { name: "upstream" }) => Some(true),
                        Err(_) => None,
                    };
                    assert_eq!(
                        ran,
                        model.call(&config, fails),
                        "call outcome at step {step}: {model:?}"
                    );
                }
                Op::Advance { millis } => {
                    tokio::time::advance(Duration::from_millis(millis)).await;
                    // Lets a probe timer that came due move the circuit to half-open.
                    tokio::task::yield_now().await;
                    model.advance(millis);
                }
                Op::ForceOpen => {
                    breaker.force_open();
                    model.set(ModelState::ForcedOpen);
                }
                Op::ForceClosed => {
                    breaker.force_closed();
                    model.set(ModelState::Closed);
                }
                Op::Disable => {
                    breaker.disable();
                    model.set(ModelState::Disabled);
                }
                Op::MetricsOnly => {
                    breaker.metrics_only();
                    model.set(ModelState::MetricsOnly);
                }
                Op::Reset => {
                    breaker.reset();
                    model = Model {
                        now_ms: model.now_ms,
                        ..Model::default()
                    };
                }
            }
            model.check(&config, breaker, step);
        }
    });
}

/// A failure-rate limit over a count window: the limit, the window's size and `min_calls`.
fn rate() -> impl Strategy<Value = Option<(u8, u32, u32)>> {
    let rate = (1_u8..=100, 1_u32..8)
        .prop_flat_map(|(limit, size)| (Just(limit), Just(size), 1..=size))
        .prop_map(Some);
    prop_oneof![1 => Just(None), 2 => rate]
}

fn config() -> impl Strategy<Value = Config> {
    (
        prop_oneof![1_u32..5, Just(1000)],
        1_u32..4,
        1_u64..10,
        prop_oneof![Just(1.0), Just(2.0)],
        rate(),
    )
        .prop_map(|(threshold, successes, recovery, backoff, rate)| {
            let config = Config::new()
                .threshold(threshold)
                .success_threshold(successes)
                .recovery(Duration::from_secs(recovery))
                .backoff(backoff)
                .max_recovery(Duration::from_secs(60));
            let config = match rate {
                Some((limit, size, min_calls)) => {
                    config.failure_rate(limit).window(size).min_calls(min_calls)
                }
                None => config,
            };
            config.validate().unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_breaker_agrees_with_the_model(config in config(), ops in proptest::collection::vec(op(), 1..200)) {
        run(config, &ops);
    }
}
