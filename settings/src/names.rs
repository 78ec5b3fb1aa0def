//! The settings of a breaker, each named once in [`Setting`]: each is an attribute key and a
//! start-up override (`[breakers.<name>]` in the `FUSEBOX_CONFIG` file,
//! `FUSEBOX_<NAME>_<SETTING>`). One enum, matched by the attribute and by the runtime, so that
//! a setting added here and forgotten there stops the build instead of being mis-parsed.

use std::fmt;

/// One setting of a breaker.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Setting {
    /// `threshold`: consecutive failures that open the circuit.
    Threshold,
    /// `recovery`: how long the circuit stays open before probing.
    Recovery,
    /// `success_threshold`: half-open successes that close the circuit.
    SuccessThreshold,
    /// `backoff`: what multiplies `recovery` on each consecutive re-open.
    Backoff,
    /// `max_recovery`: the longest recovery backoff reaches.
    MaxRecovery,
    /// `max_half_open_wait`: how long a full half-open circuit waits for its probes.
    MaxHalfOpenWait,
    /// `adaptive`: whether the threshold follows the success rate of the last 100 calls.
    Adaptive,
    /// `critical`: whether a tripped breaker can make the process's health critical.
    Critical,
    /// `failure_rate`: the share of failures in the window that opens the circuit.
    FailureRate,
    /// `window`: the calls, or the time, a rate is taken over.
    Window,
    /// `min_calls`: the calls a window must hold before its rates count.
    MinCalls,
    /// `slow_call`: how long a slow call takes.
    SlowCall,
    /// `slow_rate`: the share of slow calls in the window that opens the circuit.
    SlowRate,
    /// `max_concurrent`: the bulkhead's size.
    MaxConcurrent,
    /// `max_wait`: how long a call waits for a bulkhead slot.
    MaxWait,
}

impl Setting {
    /// Every setting, in the order the documentation gives them.
    pub const ALL: [Setting; 15] = [
        Setting::Threshold,
        Setting::Recovery,
        Setting::SuccessThreshold,
        Setting::Backoff,
        Setting::MaxRecovery,
        Setting::MaxHalfOpenWait,
        Setting::Adaptive,
        Setting::Critical,
        Setting::FailureRate,
        Setting::Window,
        Setting::MinCalls,
        Setting::SlowCall,
        Setting::SlowRate,
        Setting::MaxConcurrent,
        Setting::MaxWait,
    ];

    /// The setting as written in the attribute and in the `FUSEBOX_CONFIG` file.
    pub const fn name(self) -> &'static str {
        match self {
            Setting::Threshold => "threshold",
            Setting::Recovery => "recovery",
            Setting::SuccessThreshold => "success_threshold",
            Setting::Backoff => "backoff",
            Setting::MaxRecovery => "max_recovery",
            Setting::MaxHalfOpenWait => "max_half_open_wait",
            Setting::Adaptive => "adaptive",
            Setting::Critical => "critical",
            Setting::FailureRate => "failure_rate",
            Setting::Window => "window",
            Setting::MinCalls => "min_calls",
            Setting::SlowCall => "slow_call",
            Setting::SlowRate => "slow_rate",
            Setting::MaxConcurrent => "max_concurrent",
            Setting::MaxWait => "max_wait",
        }
    }

    /// The setting named `name`, or `None` for a name that is no setting.
    pub fn from_name(name: &str) -> Option<Setting> {
        Setting::ALL
            .into_iter()
            .find(|setting| setting.name() == name)
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Setting;

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
}
