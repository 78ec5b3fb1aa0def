//! A family as the registry keeps it, whatever its key type: its stats and its health, and
//! the way back to the typed family.

use std::any::{type_name, Any};
use std::fmt;
use std::sync::Arc;

use super::{Family, Key};
use crate::observe::FamilyStats;

/// A keyed family, its key type erased.
pub(crate) trait Members: Send + Sync + fmt::Debug {
    /// A snapshot of the family.
    fn stats(&self) -> FamilyStats;

    /// The name of its key type, for a [`KeyTypeMismatch`](super::KeyTypeMismatch).
    fn key_type(&self) -> &'static str;

    /// The family as `Any`, to get the typed family back.
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
}

impl<K: Key> Members for Family<K> {
    fn stats(&self) -> FamilyStats {
        Family::stats(self)
    }

    fn key_type(&self) -> &'static str {
        type_name::<K>()
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}
