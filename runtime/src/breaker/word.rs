//! The whole breaker state machine packed in one `u64`, so that every transition is a single
//! compare-and-swap and a result can be matched to the state it was admitted in.
//!
//! Layout, from the low bits up:
//!
//! | bits   | field      | meaning                                                        |
//! |--------|------------|----------------------------------------------------------------|
//! | 0..2   | state      | closed, open, half-open, or a mode set by hand                 |
//! | 2..22  | generation | bumped on every transition; results of older ones are ignored  |
//! | 22..64 | payload    | closed: consecutive failures; open: probe deadline (ms) and    |
//! |        |            | whether a timer is armed for it (lowest payload bit);          |
//! |        |            | half-open: probes in flight (21 bits) and successes (21 bits); |
//! |        |            | set by hand: which mode (forced open, disabled, metrics only)  |

use crate::observe::State;

const STATE_BITS: u32 = 2;
const GENERATION_BITS: u32 = 20;
const PAYLOAD_SHIFT: u32 = STATE_BITS + GENERATION_BITS;
const HALF_BITS: u32 = (64 - PAYLOAD_SHIFT) / 2;

const STATE_MASK: u64 = (1 << STATE_BITS) - 1;
const GENERATION_MASK: u64 = (1 << GENERATION_BITS) - 1;
const PAYLOAD_MAX: u64 = (1 << (64 - PAYLOAD_SHIFT)) - 1;
const HALF_MAX: u64 = (1 << HALF_BITS) - 1;

/// The payload bit of an open word that says a timer is armed for its deadline.
const ARMED: u64 = 1;

const CLOSED: u64 = 0;
const OPEN: u64 = 1;
const HALF_OPEN: u64 = 2;
const MANUAL: u64 = 3;

/// The modes set by hand, stored in the payload of a manual word.
const FORCED_OPEN: u64 = 0;
const DISABLED: u64 = 1;
const METRICS_ONLY: u64 = 2;

/// One snapshot of a breaker's state word.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Word(u64);

/// A generation number: which state a call was admitted in.
pub(crate) type Generation = u32;

impl Word {
    /// The state every breaker starts in: closed, generation 0, no failures.
    pub(crate) const INITIAL: Word = Word(0);

    /// A closed word with `failures` consecutive failures.
    #[inline]
    pub(crate) fn closed(generation: Generation, failures: u64) -> Word {
        Word::pack(CLOSED, generation, failures.min(PAYLOAD_MAX))
    }

    /// An open word whose first probe is allowed at `deadline_ms` on the breaker clock, with
    /// no timer armed: calls read the clock to see whether the deadline has passed.
    #[inline]
    pub(crate) fn open(generation: Generation, deadline_ms: u64) -> Word {
        Word::pack(OPEN, generation, deadline_ms.min(PAYLOAD_MAX >> 1) << 1)
    }

    /// This open word with a timer armed for its deadline: until the timer fires, calls are
    /// rejected without reading the clock.
    #[inline]
    pub(crate) fn armed(self) -> Word {
        Word(self.0 | (ARMED << PAYLOAD_SHIFT))
    }

    /// This open word without its timer.
    #[inline]
    pub(crate) fn disarmed(self) -> Word {
        Word(self.0 & !(ARMED << PAYLOAD_SHIFT))
    }

    /// True for an open word, armed or not: one comparison, as [`state`](Word::state) is not.
    #[inline]
    pub(crate) fn is_open(self) -> bool {
        self.0 & STATE_MASK == OPEN
    }

    /// True for a half-open word: one comparison.
    #[inline]
    pub(crate) fn is_half_open(self) -> bool {
        self.0 & STATE_MASK == HALF_OPEN
    }

    /// True for an open word with a timer armed: one comparison, for the rejection path.
    #[inline]
    pub(crate) fn is_armed_open(self) -> bool {
        self.0 & (STATE_MASK | (ARMED << PAYLOAD_SHIFT)) == OPEN | (ARMED << PAYLOAD_SHIFT)
    }

    /// A half-open word with `in_flight` probes running and `successes` recorded.
    #[inline]
    pub(crate) fn half_open(generation: Generation, in_flight: u32, successes: u32) -> Word {
        let in_flight = u64::from(in_flight).min(HALF_MAX);
        let successes = u64::from(successes).min(HALF_MAX);
        Word::pack(HALF_OPEN, generation, in_flight | (successes << HALF_BITS))
    }

    /// A word for a mode set by hand: `ForcedOpen`, `Disabled` or `MetricsOnly`.
    #[inline]
    pub(crate) fn manual(generation: Generation, state: State) -> Word {
        let mode = match state {
            State::Disabled => DISABLED,
            State::MetricsOnly => METRICS_ONLY,
            _ => FORCED_OPEN,
        };
        Word::pack(MANUAL, generation, mode)
    }

    #[inline]
    fn pack(state: u64, generation: Generation, payload: u64) -> Word {
        let generation = u64::from(generation) & GENERATION_MASK;
        Word(state | (generation << STATE_BITS) | (payload << PAYLOAD_SHIFT))
    }

    /// Rebuilds a word read from the atomic.
    #[inline]
    pub(crate) const fn from_bits(bits: u64) -> Word {
        Word(bits)
    }

    /// The bits to store in the atomic.
    #[inline]
    pub(crate) const fn bits(self) -> u64 {
        self.0
    }

    /// The state this word describes.
    #[inline]
    pub(crate) fn state(self) -> State {
        match self.0 & STATE_MASK {
            CLOSED => State::Closed,
            OPEN => State::Open,
            HALF_OPEN => State::HalfOpen,
            _ => match self.payload() {
                DISABLED => State::Disabled,
                METRICS_ONLY => State::MetricsOnly,
                _ => State::ForcedOpen,
            },
        }
    }

    /// The generation of this word.
    #[inline]
    pub(crate) fn generation(self) -> Generation {
        // The mask keeps 20 bits, so the value always fits.
        u32::try_from((self.0 >> STATE_BITS) & GENERATION_MASK).unwrap_or(0)
    }

    /// True for a disabled word of `generation`: the calls it admitted record nothing.
    #[inline]
    pub(crate) fn records_nothing(self, generation: Generation) -> bool {
        self.generation() == generation && self.state() == State::Disabled
    }

    /// The generation the next transition moves to (wrapping).
    #[inline]
    pub(crate) fn next_generation(self) -> Generation {
        self.generation().wrapping_add(1)
    }

    #[inline]
    fn payload(self) -> u64 {
        self.0 >> PAYLOAD_SHIFT
    }

    /// Consecutive failures (closed words; 0 otherwise).
    #[inline]
    pub(crate) fn failures(self) -> u64 {
        if self.state() == State::Closed {
            self.payload()
        } else {
            0
        }
    }

    /// The probe deadline in milliseconds (open words).
    #[inline]
    pub(crate) fn deadline_ms(self) -> u64 {
        self.payload() >> 1
    }

    /// Probes in flight (half-open words; 0 otherwise).
    #[inline]
    pub(crate) fn in_flight(self) -> u32 {
        self.half(0)
    }

    /// Probe successes (half-open words; 0 otherwise).
    #[inline]
    pub(crate) fn successes(self) -> u32 {
        self.half(HALF_BITS)
    }

    #[inline]
    fn half(self, shift: u32) -> u32 {
        if self.state() != State::HalfOpen {
            return 0;
        }
        u32::try_from((self.payload() >> shift) & HALF_MAX).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[inline]
    fn fields_round_trip() {
        let closed = Word::closed(7, 4);
        assert_eq!(
            (closed.state(), closed.generation(), closed.failures()),
            (State::Closed, 7, 4)
        );

        let open = Word::open(8, 123_456_789);
        assert_eq!(
            (open.state(), open.generation(), open.deadline_ms()),
            (State::Open, 8, 123_456_789)
        );
        assert_eq!(open.failures(), 0);

        let armed = open.armed();
        assert!(armed.is_armed_open() && !open.is_armed_open());
        assert_eq!(
            (armed.state(), armed.deadline_ms()),
            (State::Open, 123_456_789)
        );
        assert_eq!(armed.disarmed(), open);
        assert!(!Word::closed(8, 1 << 40).is_armed_open());

        let half = Word::half_open(9, 3, 2);
        assert_eq!((half.state(), half.generation()), (State::HalfOpen, 9));
        assert_eq!((half.in_flight(), half.successes()), (3, 2));
    }

    #[test]
    #[inline]
    fn generation_wraps_without_touching_other_fields() {
        let last = Word::closed(u32::try_from(GENERATION_MASK).unwrap(), 1);
        assert_eq!(Word::closed(last.next_generation(), 1).generation(), 0);
        assert_eq!(Word::from_bits(last.bits()), last);
    }

    #[test]
    #[inline]
    fn payloads_saturate_instead_of_spilling() {
        assert_eq!(Word::open(1, u64::MAX).deadline_ms(), PAYLOAD_MAX >> 1);
        assert_eq!(Word::open(1, u64::MAX).state(), State::Open);
        assert_eq!(Word::half_open(1, u32::MAX, 0).successes(), 0);
        assert!(u64::from(crate::config::Config::MAX_SUCCESS_THRESHOLD) <= HALF_MAX);
    }
}
