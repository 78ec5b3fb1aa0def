//! The rules against a reference model: random sequences of inputs (admissions, outcomes of
//! the current or an earlier generation, timers, states set by hand, time passing, changed
//! thresholds) drive [`next`] directly, and a small model of the breaker written as plain
//! states says what each one should do: the state, every field of the word, the reason of a
//! transition and whether an admission lets the call run. Each step is also taken without
//! the clock and the recovery periods, to check that `next` asks for them only when it
//! needs them and that its answer does not depend on being asked.

use proptest::prelude::*;

use super::*;
use model::{Expected, Model, Op, Settings, Verdict, NANOS_PER_MILLI};

mod model;

/// The input `op` is for the breaker whose word is `word`; `None` for what only the model
/// sees (time, settings).
fn input(op: Op, word: Word) -> Option<Input> {
    let of = |stale: bool| {
        if stale {
            word.generation().wrapping_sub(1)
        } else {
            word.generation()
        }
    };
    // A timer of an earlier open period holds an open word of an earlier generation.
    let timer_word = |stale: bool| {
        if stale {
            Word::open(of(true), word.deadline_ms())
        } else {
            word
        }
    };
    Some(match op {
        Op::Admit => Input::Admit,
        Op::Succeed { stale, tripped } => Input::Succeeded {
            generation: of(stale),
            tripped,
        },
        Op::Fail { stale, tripped } => Input::Failed {
            generation: of(stale),
            tripped,
        },
        Op::Release { stale } => Input::Released {
            generation: of(stale),
        },
        Op::Arm { stale } => Input::Arm {
            open: timer_word(stale),
        },
        Op::Disarm { stale } => Input::Disarm {
            armed: timer_word(stale),
        },
        Op::ProbeDue { stale } => Input::ProbeDue {
            open: timer_word(stale),
        },
        Op::ByHand { state, reason } => Input::ByHand { state, reason },
        Op::Advance { .. } | Op::Thresholds { .. } => return None,
    })
}

/// `next` given no clock and no recovery periods at first, answering what it asks for:
/// it asks only for what it lacks, and ends where `next` with everything ends.
fn next_on_demand(word: Word, input: Input, full: &Rules) -> Step {
    let mut rules = Rules {
        now: None,
        recovery: None,
        ..*full
    };
    for _ in 0..3 {
        match next(word, input, &rules) {
            Ok(step) => return step,
            Err(Need::Clock) => {
                assert_eq!(rules.now, None, "asked twice for the clock");
                rules.now = full.now;
            }
            Err(Need::Recovery) => {
                assert_eq!(rules.recovery, None, "asked twice for the recovery");
                rules.recovery = full.recovery;
            }
        }
    }
    panic!("next kept asking")
}

fn op() -> impl Strategy<Value = Op> {
    let stale = prop_oneof![4 => Just(false), 1 => Just(true)];
    let tripped = prop_oneof![
        6 => Just(None),
        1 => Just(Some(Reason::FailureRate)),
        1 => Just(Some(Reason::SlowRate)),
    ];
    let by_hand = (
        prop_oneof![
            Just(State::Closed),
            Just(State::ForcedOpen),
            Just(State::Disabled),
            Just(State::MetricsOnly),
        ],
        prop_oneof![Just(Reason::Manual), Just(Reason::Reset)],
    );
    prop_oneof![
        8 => Just(Op::Admit),
        5 => (stale.clone(), tripped.clone()).prop_map(|(stale, tripped)| Op::Succeed { stale, tripped }),
        5 => (stale.clone(), tripped).prop_map(|(stale, tripped)| Op::Fail { stale, tripped }),
        2 => stale.clone().prop_map(|stale| Op::Release { stale }),
        1 => stale.clone().prop_map(|stale| Op::Arm { stale }),
        1 => stale.clone().prop_map(|stale| Op::Disarm { stale }),
        1 => stale.prop_map(|stale| Op::ProbeDue { stale }),
        1 => by_hand.prop_map(|(state, reason)| Op::ByHand { state, reason }),
        4 => few_millis(1_500).prop_map(|millis| Op::Advance { millis }),
        1 => (1_u32..6, 1_u32..4).prop_map(|(threshold, success_threshold)| Op::Thresholds {
            threshold,
            success_threshold,
        }),
    ]
}

/// Up to `most` milliseconds, and often only a few, so that short periods end exactly.
fn few_millis(most: u64) -> impl Strategy<Value = u64> + Clone {
    prop_oneof![0_u64..4, 0..most]
}

fn settings() -> impl Strategy<Value = Settings> {
    // Whole milliseconds, as time passes here, so that the deadlines and the half-open wait
    // are met exactly as well as passed; a recovery may also end 1 ns before a millisecond.
    let millis = |most: u64| few_millis(most).prop_map(|millis| millis * NANOS_PER_MILLI);
    let recovery = |most: u64| {
        (millis(most), prop_oneof![Just(0), Just(1)])
            .prop_map(|(nanos, short)| nanos.saturating_sub(short))
    };
    (
        1_u32..6,
        1_u32..4,
        proptest::option::of(millis(2_000)),
        recovery(2_000),
        recovery(8_000),
    )
        .prop_map(
            |(threshold, success_threshold, wait_nanos, first_nanos, again_nanos)| Settings {
                threshold,
                success_threshold,
                wait_nanos,
                first_nanos,
                again_nanos,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_rules_follow_the_model(
        settings in settings(),
        ops in proptest::collection::vec(op(), 1..120),
    ) {
        let mut model = Model::new(settings);
        let mut word = Word::INITIAL;
        for op in ops {
            let rules = model.rules();
            let expected = model.step(op);
            let Some(input) = input(op, word) else {
                continue;
            };
            let step = next(word, input, &rules).expect("everything given");
            prop_assert_eq!(next_on_demand(word, input, &rules), step);
            let verdict = match (input, step) {
                (Input::Admit, Step::Stay) => Verdict::Runs(word.generation()),
                (Input::Admit, Step::Move { to, .. }) => Verdict::Runs(to.generation()),
                (Input::Admit, _) => Verdict::Rejected,
                (_, Step::Stay | Step::Move { .. }) => Verdict::NoCall,
                (_, refused) => panic!("{refused:?} refuses no call"),
            };
            let reason = step.moves_to().and_then(|(_, reason)| reason);
            if let Some((to, _)) = step.moves_to() {
                word = to;
            }
            prop_assert_eq!(Expected { reason, verdict }, expected, "{:?} {:?}", op, word);
            prop_assert!(model.agrees_with(word), "{:?} is not {:?}", word, model);
        }
    }
}

#[test]
fn a_closed_circuit_admits_and_a_healthy_success_keeps_it_without_asking() {
    let rules = Rules {
        threshold: 1,
        success_threshold: 1,
        max_half_open_wait_nanos: Some(0),
        now: None,
        recovery: None,
    };
    let word = Word::closed(4, 0);
    assert!(admits_at_once(word));
    assert_eq!(next(word, Input::Admit, &rules), Ok(Step::Stay));
    assert!(success_keeps(word, 4) && !success_keeps(word, 3));
    let success = Input::Succeeded {
        generation: 4,
        tripped: None,
    };
    assert_eq!(next(word, success, &rules), Ok(Step::Stay));
    assert!(!success_keeps(Word::closed(4, 1), 4));
    let opening = Input::Failed {
        generation: 4,
        tripped: None,
    };
    assert_eq!(next(word, opening, &rules), Err(Need::Clock));
}
