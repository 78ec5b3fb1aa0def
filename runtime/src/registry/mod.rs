//! The global registry: one breaker per name, for the life of the process, and the sites the
//! `#[circuit_breaker]` attributes declare in it.
//!
//! Dependencies run one way: `store` keeps the breakers by name and registers them; `site`
//! declares the attributes' sites, which the linker gathers into [`SITES`], and registers them
//! through `store`; the reads below register every declared site first, through `site`.

mod site;
mod store;

pub use site::{Site, SITES};
pub use store::{registry, Registry};

use crate::breaker::Breaker;
use crate::observe::{Health, Stats};

impl Registry {
    /// The breaker named `name`, if one has been registered or declared by an attribute.
    pub fn get(&self, name: &str) -> Option<&'static Breaker> {
        site::declare();
        self.lookup(name)
    }

    /// A snapshot of every breaker, sorted by name: every breaker an attribute declares, called
    /// or not, and every one [registered](Registry::register).
    pub fn stats(&self) -> Vec<Stats> {
        self.all().iter().map(|breaker| breaker.stats()).collect()
    }

    /// The process health from every breaker's state (see [`Health::from_breakers`]).
    pub fn health(&self) -> Health {
        let breakers = self.all();
        Health::from_breakers(
            breakers
                .iter()
                .map(|breaker| (breaker.state(), breaker.config().critical_value())),
        )
    }

    /// Every breaker, the declared ones registered first.
    fn all(&self) -> Vec<&'static Breaker> {
        site::declare();
        self.registered()
    }
}
