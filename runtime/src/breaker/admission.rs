//! Admission: whether a call may run, and the [`Permit`] it runs with. The closed state's
//! path is one load and one comparison; an open circuit with its timer armed rejects without
//! reading the clock; everything else asks the rules (`Input::Admit`) through
//! [`Breaker::apply`].

use std::sync::atomic::Ordering;

use super::machine::Breaker;
use super::permit::Permit;
use super::rules::{self, Input, Step};
use super::word::Word;
use crate::clock;
use crate::error::BreakerError;
use crate::observe::Kind;
use crate::retry_at::RetryAt;

/// How often an open rejection reads the clock although a timer is armed (one in this many).
const CLOCK_CHECK_EVERY: u64 = 256;

impl Breaker {
    /// Admits a call, or says why not. The closed-state path is one atomic load; so is the
    /// open-state rejection while a timer is armed for the probe deadline.
    #[inline]
    pub(crate) fn try_acquire(&'static self) -> Result<Permit, BreakerError> {
        let word = self.load();
        if rules::admits_at_once(word) {
            return Ok(Permit::new(self, word.generation()));
        }
        // The error is built here, in the caller, from the word that rejected the call: a
        // word comes back in a register, an error through memory, read back at once.
        self.acquire_not_closed(word)
            .map_err(|rejected_by| self.rejection(rejected_by))
    }

    /// [`try_acquire`](Breaker::try_acquire) past the closed state, out of line so that the
    /// closed-state path stays as short as it was: an open circuit with its timer armed
    /// rejects at once, without reading the clock.
    #[inline(never)]
    fn acquire_not_closed(&'static self, word: Word) -> Result<Permit, Word> {
        if word.is_armed_open() {
            // Every so often a rejection checks the clock anyway: a timer whose runtime never
            // gets to run it (a `block_on` loop whose calls never wait) cannot keep the circuit
            // open past its deadline.
            let rejected = self.counts.per_call.incr(Kind::Rejections);
            if !rejected.is_multiple_of(CLOCK_CHECK_EVERY) {
                return Err(word);
            }
            self.counts.per_call.decr(Kind::Rejections);
        }
        self.acquire_contended(word)
    }

    /// The error for a call rejected by `word`: open, with the deadline it opened with (no
    /// clock read), a full half-open circuit, or one forced open.
    #[inline]
    fn rejection(&self, word: Word) -> BreakerError {
        let name = self.name;
        if word.is_open() {
            BreakerError::Open {
                name,
                retry_at: RetryAt::from_millis(word.deadline_ms()),
            }
        } else if word.is_half_open() {
            BreakerError::HalfOpenFull { name }
        } else {
            BreakerError::ForcedOpen { name }
        }
    }

    /// Admission by the rules, starting from `word`: the call runs in the generation of the
    /// word it was admitted by, or is rejected by a word, counted.
    #[cold]
    fn acquire_contended(&'static self, word: Word) -> Result<Permit, Word> {
        let (from, step) = self.apply(word, Input::Admit, self.rules());
        match step {
            Step::Stay => Ok(Permit::new(self, from.generation())),
            Step::Move { to, .. } => {
                if to.in_flight() == 1 {
                    self.probing_since_nanos
                        .store(clock::now_nanos(), Ordering::Relaxed);
                }
                Ok(Permit::new(self, to.generation()))
            }
            Step::Refuse => Err(self.reject(from)),
            Step::RefuseAfter { to, .. } => {
                self.arm_if_opened(step);
                Err(self.reject(to))
            }
        }
    }

    /// Counts a rejection by `word`, the word it is reported with.
    fn reject(&self, word: Word) -> Word {
        self.counts.per_call.incr(Kind::Rejections);
        word
    }
}
