//! The sites the `#[circuit_breaker]` attributes declare: one per protected fn, each a
//! `static` the linker gathers into [`SITES`], and each resolved to its breaker once, through
//! the store. Generated code names them through `__private`, which also runs a call under one
//! (`Site::rescue`): how a call runs is the call layer's, not the registry's.

use std::sync::{Once, OnceLock};

use linkme::distributed_slice;

use super::store::registry;
use crate::breaker::{Breaker, Permit};
use crate::config::Config;
use crate::error::BreakerError;

/// Every site an attribute declares in the program, gathered by the linker: the registry
/// registers them all when it is first read, so that a breaker is known before its first call.
#[distributed_slice]
pub static SITES: [&'static Site];

/// Whether the declared breakers are registered.
static DECLARED: Once = Once::new();

/// Registers every breaker an attribute declares, once in the process; a caller that comes
/// while another thread registers them waits until they are all there. Where several fns name
/// one breaker with different settings, the one the linker put first wins, and a warning names
/// the settings ignored.
pub(super) fn declare() {
    DECLARED.call_once_force(|_| {
        for site in SITES {
            site.resolve();
        }
    });
}

/// One protected fn: its breaker's name and settings, resolved to the breaker once.
#[derive(Debug)]
pub struct Site {
    name: &'static str,
    config: Config,
    breaker: OnceLock<&'static Breaker>,
}

impl Site {
    /// A call site; its arguments were validated by the macro.
    pub const fn new(name: &'static str, config: Config) -> Site {
        Site {
            name,
            config,
            breaker: OnceLock::new(),
        }
    }

    /// Admits a call through this site's breaker.
    #[inline]
    pub fn acquire(&self) -> Result<Permit, BreakerError> {
        self.breaker().try_acquire()
    }

    #[inline]
    fn breaker(&self) -> &'static Breaker {
        match self.breaker.get() {
            Some(breaker) => breaker,
            None => self.first_use(),
        }
    }

    /// The first call through this site: every declared site is registered (this one among
    /// them, unless the linker could not gather it), as when the registry is first read.
    #[cold]
    #[inline(never)]
    fn first_use(&self) -> &'static Breaker {
        declare();
        self.resolve()
    }

    /// This site's breaker, registered with the site's name and settings if it is not yet.
    fn resolve(&self) -> &'static Breaker {
        self.breaker
            .get_or_init(|| registry().register(self.name, self.config))
    }
}
