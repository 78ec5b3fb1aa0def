//! A breaker's settings while it runs, changeable by
//! [`Breaker::reconfigure`](crate::Breaker::reconfigure) without a lock on any call path.
//!
//! The settings that may change are kept in atomic words behind a sequence number (a
//! seqlock): a writer makes the number odd, stores the words, and makes it even again; a reader
//! copies the words and keeps the copy only if the number was the same even value before and
//! after. Writers are rare and take a mutex among themselves, never on a call path. The
//! settings read on every call are packed so that one word holds what one decision needs
//! (both thresholds; the rates with `min_calls`; the slow-call limit; the half-open wait), and
//! are read with one load, never torn. The settings that size what the breaker allocated when it was built (its
//! window, the adaptive ring, slow-call timing, the bulkhead) are fixed, kept as plain fields.

use std::sync::atomic::Ordering;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::builder::{self, Config, Window};
use crate::clock;
use crate::sync::{fence, spin_loop, AtomicU64};

const THRESHOLDS: usize = 0;
const RATES: usize = 1;
const SLOW_MILLIS: usize = 2;
const RECOVERY: usize = 3;
const BACKOFF: usize = 5;
const MAX_RECOVERY: usize = 6;
const MAX_HALF_OPEN_WAIT: usize = 8;
const SLOW_CALL: usize = 10;
const CRITICAL: usize = 12;
const HALF_OPEN_WAIT_NANOS: usize = 13;
const WORDS: usize = 14;

/// The sub-second part of an absent optional duration.
const NONE: u64 = u64::MAX;
/// The bit that marks a present optional value in a packed field.
const SOME_RATE: u64 = 1 << 8;
const SOME_CALLS: u64 = 1 << 32;

/// The settings of one running breaker.
#[derive(Debug)]
pub(crate) struct LiveConfig {
    sequence: AtomicU64,
    words: [AtomicU64; WORDS],
    writer: Mutex<()>,
    fixed: Fixed,
}

/// What cannot change once the breaker is built.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Fixed {
    window: Window,
    adaptive: bool,
    max_concurrent: Option<u32>,
    max_wait: Duration,
    times_calls: bool,
    has_window: bool,
    retries: u32,
    retry_backoff: Duration,
    retry_max_backoff: Option<Duration>,
    retry_deadline: Option<Duration>,
    retry_budget: u8,
    max_keys: u32,
    key_idle: Duration,
}

/// The rate rules, read together in one load.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rates {
    pub(crate) failure_rate: Option<u8>,
    pub(crate) slow_rate: Option<u8>,
    pub(crate) min_calls: u32,
}

impl LiveConfig {
    pub(crate) fn new(config: Config) -> LiveConfig {
        LiveConfig {
            sequence: AtomicU64::new(0),
            words: encode(&config).map(AtomicU64::new),
            writer: Mutex::new(()),
            fixed: Fixed::of(&config),
        }
    }

    /// A consistent copy of every setting.
    pub(crate) fn load(&self) -> Config {
        loop {
            let before = self.sequence.load(Ordering::Acquire);
            let words = self
                .words
                .each_ref()
                .map(|word| word.load(Ordering::Relaxed));
            fence(Ordering::Acquire);
            if before.is_multiple_of(2) && self.sequence.load(Ordering::Relaxed) == before {
                return decode(&words, self.fixed);
            }
            spin_loop();
        }
    }

    /// Replaces the changeable settings with those of `config`; the name of the first fixed
    /// setting it would change, if any, and then nothing changes.
    pub(crate) fn store(&self, config: &Config) -> Result<(), &'static str> {
        self.fixed.unchanged_by(config)?;
        let _writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let sequence = self.sequence.load(Ordering::Relaxed);
        self.sequence.store(sequence + 1, Ordering::Relaxed);
        fence(Ordering::Release);
        for (word, value) in self.words.iter().zip(encode(config)) {
            word.store(value, Ordering::Relaxed);
        }
        self.sequence.store(sequence + 2, Ordering::Release);
        Ok(())
    }

    /// `threshold` and `success_threshold`, from one load.
    #[inline]
    pub(crate) fn thresholds(&self) -> (u32, u32) {
        let word = self.words[THRESHOLDS].load(Ordering::Relaxed);
        (low(word), low(word >> 32))
    }

    /// `threshold`: consecutive counted failures that open the circuit.
    #[inline]
    pub(crate) fn threshold(&self) -> u32 {
        self.thresholds().0
    }

    /// `success_threshold`: half-open successes that close it, and probes admitted at once.
    #[inline]
    pub(crate) fn success_threshold(&self) -> u32 {
        self.thresholds().1
    }

    /// The rate rules, from one load.
    #[inline]
    pub(crate) fn rates(&self) -> Rates {
        let word = self.words[RATES].load(Ordering::Relaxed);
        let min_calls = optional_calls(word >> 18);
        Rates {
            failure_rate: optional_rate(word),
            slow_rate: optional_rate(word >> 9),
            min_calls: builder::min_calls(min_calls, self.fixed.window),
        }
    }

    /// The slow-call limit in whole milliseconds, if slow calls are timed.
    #[inline]
    pub(crate) fn slow_call_millis(&self) -> Option<u64> {
        if !self.fixed.times_calls {
            return None;
        }
        Some(self.words[SLOW_MILLIS].load(Ordering::Relaxed))
    }

    /// `max_half_open_wait` in nanoseconds (saturating), if set, from one load.
    #[inline]
    pub(crate) fn max_half_open_wait_nanos(&self) -> Option<u64> {
        let nanos = self.words[HALF_OPEN_WAIT_NANOS].load(Ordering::Relaxed);
        (nanos != NONE).then_some(nanos)
    }

    /// The `retry_deadline` (fixed when the breaker is built), without a copy of the rest.
    #[inline]
    pub(crate) fn retry_deadline(&self) -> Option<Duration> {
        self.fixed.retry_deadline
    }
}

impl Fixed {
    fn of(config: &Config) -> Fixed {
        Fixed {
            window: config.window_value(),
            adaptive: config.adaptive_value(),
            max_concurrent: config.max_concurrent_value(),
            max_wait: config.max_wait_value(),
            times_calls: config.slow_call_value().is_some(),
            has_window: config.has_window(),
            retries: config.retries_value(),
            retry_backoff: config.retry_backoff_value(),
            retry_max_backoff: config.retry_max_backoff_value(),
            retry_deadline: config.retry_deadline_value(),
            retry_budget: config.retry_budget_value(),
            max_keys: config.max_keys_value(),
            key_idle: config.key_idle_value(),
        }
    }

    fn unchanged_by(self, config: &Config) -> Result<(), &'static str> {
        let other = Fixed::of(config);
        let changed = [
            (self.window != other.window, "window"),
            (self.adaptive != other.adaptive, "adaptive"),
            (
                self.max_concurrent != other.max_concurrent,
                "max_concurrent",
            ),
            (self.max_wait != other.max_wait, "max_wait"),
            (self.times_calls != other.times_calls, "slow_call"),
            (
                self.has_window != other.has_window,
                "failure_rate or slow_rate",
            ),
            (self.retries != other.retries, "retries"),
            (self.retry_backoff != other.retry_backoff, "retry_backoff"),
            (
                self.retry_max_backoff != other.retry_max_backoff,
                "retry_max_backoff",
            ),
            (
                self.retry_deadline != other.retry_deadline,
                "retry_deadline",
            ),
            (self.retry_budget != other.retry_budget, "retry_budget"),
            (self.max_keys != other.max_keys, "max_keys"),
            (self.key_idle != other.key_idle, "key_idle"),
        ];
        changed
            .into_iter()
            .find_map(|(changed, setting)| changed.then_some(setting))
            .map_or(Ok(()), Err)
    }
}

fn encode(config: &Config) -> [u64; WORDS] {
    let mut words = [0; WORDS];
    words[THRESHOLDS] =
        u64::from(config.threshold_value()) | (u64::from(config.success_threshold_value()) << 32);
    words[RATES] = rate_bits(config.failure_rate_value())
        | (rate_bits(config.slow_rate_value()) << 9)
        | (config
            .min_calls_given()
            .map_or(0, |calls| SOME_CALLS | u64::from(calls))
            << 18);
    words[SLOW_MILLIS] = config.slow_call_value().map_or(0, |limit| {
        u64::try_from(limit.as_millis()).unwrap_or(u64::MAX)
    });
    put_duration(&mut words, RECOVERY, Some(config.recovery_value()));
    words[BACKOFF] = config.backoff_value().to_bits();
    put_duration(&mut words, MAX_RECOVERY, config.max_recovery_value());
    put_duration(
        &mut words,
        MAX_HALF_OPEN_WAIT,
        config.max_half_open_wait_value(),
    );
    put_duration(&mut words, SLOW_CALL, config.slow_call_value());
    words[CRITICAL] = u64::from(config.critical_value());
    words[HALF_OPEN_WAIT_NANOS] = config
        .max_half_open_wait_value()
        .map_or(NONE, |wait| clock::saturating_nanos(wait).min(NONE - 1));
    words
}

fn decode(words: &[u64; WORDS], fixed: Fixed) -> Config {
    let mut config = Config::new()
        .threshold(low(words[THRESHOLDS]))
        .success_threshold(low(words[THRESHOLDS] >> 32))
        .backoff(f64::from_bits(words[BACKOFF]))
        .critical(words[CRITICAL] != 0)
        .adaptive(fixed.adaptive)
        .max_wait(fixed.max_wait)
        .retries(fixed.retries)
        .retry_backoff(fixed.retry_backoff)
        .retry_budget(fixed.retry_budget)
        .max_keys(fixed.max_keys)
        .key_idle(fixed.key_idle);
    if let Some(longest) = fixed.retry_max_backoff {
        config = config.retry_max_backoff(longest);
    }
    if let Some(deadline) = fixed.retry_deadline {
        config = config.retry_deadline(deadline);
    }
    config = match fixed.window {
        Window::Calls(calls) => config.window(calls),
        Window::Time(duration) => config.window_duration(duration),
    };
    if let Some(recovery) = duration(words, RECOVERY) {
        config = config.recovery(recovery);
    }
    if let Some(longest) = duration(words, MAX_RECOVERY) {
        config = config.max_recovery(longest);
    }
    if let Some(wait) = duration(words, MAX_HALF_OPEN_WAIT) {
        config = config.max_half_open_wait(wait);
    }
    if let Some(limit) = duration(words, SLOW_CALL) {
        config = config.slow_call(limit);
    }
    if let Some(calls) = fixed.max_concurrent {
        config = config.max_concurrent(calls);
    }
    if let Some(percent) = optional_rate(words[RATES]) {
        config = config.failure_rate(percent);
    }
    if let Some(percent) = optional_rate(words[RATES] >> 9) {
        config = config.slow_rate(percent);
    }
    if let Some(calls) = optional_calls(words[RATES] >> 18) {
        config = config.min_calls(calls);
    }
    config
}

fn rate_bits(rate: Option<u8>) -> u64 {
    rate.map_or(0, |percent| SOME_RATE | u64::from(percent))
}

fn optional_rate(bits: u64) -> Option<u8> {
    // The low 8 bits are the percentage.
    #[allow(clippy::cast_possible_truncation)]
    let percent = bits as u8;
    (bits & SOME_RATE != 0).then_some(percent)
}

fn optional_calls(bits: u64) -> Option<u32> {
    (bits & SOME_CALLS != 0).then(|| low(bits))
}

fn put_duration(words: &mut [u64; WORDS], at: usize, duration: Option<Duration>) {
    words[at] = duration.map_or(0, |duration| duration.as_secs());
    words[at + 1] = duration.map_or(NONE, |duration| u64::from(duration.subsec_nanos()));
}

fn duration(words: &[u64; WORDS], at: usize) -> Option<Duration> {
    let nanos = u32::try_from(words[at + 1]).ok()?;
    Some(Duration::new(words[at], nanos))
}

fn low(word: u64) -> u32 {
    // The low half is the field.
    #[allow(clippy::cast_possible_truncation)]
    let low = word as u32;
    low
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_round_trips() {
        let config = Config::new()
            .threshold(7)
            .success_threshold(4)
            .recovery(Duration::new(3, 5))
            .backoff(1.5)
            .max_recovery(Duration::MAX)
            .max_half_open_wait(Duration::from_millis(250))
            .slow_call(Duration::from_millis(1500))
            .slow_rate(80)
            .failure_rate(0)
            .min_calls(9)
            .window_duration(Duration::from_secs(60))
            .critical(false)
            .adaptive(true)
            .max_concurrent(3)
            .max_wait(Duration::from_millis(10));
        let live = LiveConfig::new(config);
        assert_eq!(live.load(), config);
        assert_eq!(live.thresholds(), (7, 4));
        assert_eq!(live.slow_call_millis(), Some(1500));
        let rates = live.rates();
        assert_eq!(
            (rates.failure_rate, rates.slow_rate, rates.min_calls),
            (Some(0), Some(80), 9)
        );
        assert_eq!(LiveConfig::new(Config::new()).load(), Config::new());
    }

    #[test]
    fn fixed_settings_are_refused_and_nothing_changes() {
        let live = LiveConfig::new(Config::new().failure_rate(50).window(10));
        assert_eq!(
            live.store(&Config::new().failure_rate(50).window(20).threshold(2)),
            Err("window")
        );
        assert_eq!(live.thresholds().0, Config::DEFAULT_THRESHOLD);
        let changed = Config::new().failure_rate(20).window(10).threshold(2);
        assert_eq!(live.store(&changed), Ok(()));
        assert_eq!(live.load(), changed);
    }
}
