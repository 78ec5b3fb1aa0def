//! The global registry: one breaker per name, for the life of the process, and the sites the
//! `#[circuit_breaker]` attributes declare in it.
//!
//! Dependencies run one way: `store` keeps the breakers by name (in a `by_name` table) and
//! registers them; `site` declares the attributes' sites, which the linker gathers into
//! [`SITES`], and registers them through `store`; `keyed_site` is the site of an attribute
//! with a `key`, which finds its keyed family through `store` at its first call; the reads
//! below register every declared site first, through `site`.

mod by_name;
mod keyed_site;
mod site;
mod store;

#[doc(hidden)]
pub use keyed_site::{AdmittedKey, BreakerKey, KeyedBreaker, KeyedSite};
pub use site::{Site, SITES};
pub use store::{registry, Registry};

use crate::breaker::Breaker;
use crate::keyed::FamilyStats;
use crate::observe::{Health, State, Stats};

impl Registry {
    /// The breaker named `name`, if one has been registered or declared by an attribute.
    pub fn get(&self, name: &str) -> Option<&'static Breaker> {
        site::declare();
        self.lookup(name)
    }

    /// A snapshot of every breaker and every keyed family, sorted by name: every breaker an
    /// attribute declares, called or not, every one [registered](Registry::register), and
    /// each [keyed family](Registry::keyed) as one entry, its totals as the counts and its
    /// keys in [`Stats::family`] (see [`FamilyStats::to_stats`]).
    pub fn stats(&self) -> Vec<Stats> {
        let mut stats: Vec<Stats> = self.all().iter().map(|breaker| breaker.stats()).collect();
        stats.extend(self.families().iter().map(FamilyStats::to_stats));
        stats.sort_by_key(|stats| stats.name);
        stats
    }

    /// A snapshot of every keyed family, sorted by name (see [`Registry::keyed`]).
    pub fn families(&self) -> Vec<FamilyStats> {
        self.registered_families()
            .iter()
            .map(|family| family.stats())
            .collect()
    }

    /// The process health from every breaker's state and every keyed family's (see
    /// [`Health::from_breakers`]). A family counts as one breaker, tripped when more than
    /// [`FAMILY_TRIPPED_PERCENT`](crate::keyed::FAMILY_TRIPPED_PERCENT) of its keys are
    /// ([`FamilyStats::is_tripped`]).
    pub fn health(&self) -> Health {
        let breakers = self.all();
        let families = self.families();
        let breakers = breakers
            .iter()
            .map(|breaker| (breaker.state(), breaker.config().critical_value()));
        let families = families.iter().map(|family| {
            let state = if family.is_tripped() {
                State::Open
            } else {
                State::Closed
            };
            (state, family.critical)
        });
        Health::from_breakers(breakers.chain(families))
    }

    /// Every breaker, the declared ones registered first.
    fn all(&self) -> Vec<&'static Breaker> {
        site::declare();
        self.registered()
    }
}
