//! The registry's table of names: a vector sorted by name, searched by bisection.
//!
//! Names are added once and read often, and a program has tens or hundreds of them, so a
//! sorted vector serves as well as a `BTreeMap` here, for far less code: the `BTreeMap` it
//! replaces was 8.9 KB of every release binary with a breaker (BENCHMARKS.md, "Cut again:
//! the registry's table").

/// Values of type `V` by `&'static str` name, sorted by name.
#[derive(Debug)]
pub(super) struct ByName<V> {
    entries: Vec<(&'static str, V)>,
}

impl<V> ByName<V> {
    /// An empty table, usable in a `static`.
    pub(super) const fn new() -> ByName<V> {
        ByName {
            entries: Vec::new(),
        }
    }

    /// Where `name` is, or where it would go.
    fn position(&self, name: &str) -> Result<usize, usize> {
        self.entries
            .binary_search_by(|(entry, _)| (*entry).cmp(name))
    }

    /// The name as stored and its value, if `name` is in the table.
    pub(super) fn get_key_value(&self, name: &str) -> Option<(&'static str, &V)> {
        let index = self.position(name).ok()?;
        let (name, value) = &self.entries[index];
        Some((name, value))
    }

    /// The value of `name`, if it is in the table.
    pub(super) fn get(&self, name: &str) -> Option<&V> {
        self.get_key_value(name).map(|(_, value)| value)
    }

    /// Adds `name` with `value`, or replaces the value `name` had.
    pub(super) fn insert(&mut self, name: &'static str, value: V) {
        match self.position(name) {
            Ok(index) => self.entries[index].1 = value,
            Err(index) => self.entries.insert(index, (name, value)),
        }
    }

    /// Takes `name` out of the table, with its value if it was there.
    pub(super) fn remove(&mut self, name: &str) -> Option<V> {
        let index = self.position(name).ok()?;
        Some(self.entries.remove(index).1)
    }

    /// The values, in the order of their names.
    pub(super) fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, value)| value)
    }
}

#[cfg(test)]
mod tests {
    use super::ByName;

    #[test]
    fn names_stay_sorted_and_each_is_found_replaced_and_removed() {
        let mut table = ByName::new();
        for (value, name) in ["payments", "auth", "weather", "inventory"]
            .into_iter()
            .enumerate()
        {
            table.insert(name, value);
        }
        assert_eq!(table.values().copied().collect::<Vec<_>>(), [1, 3, 0, 2]);
        assert_eq!(table.get("weather"), Some(&2));
        assert_eq!(table.get("search"), None);
        table.insert("auth", 7);
        assert_eq!(table.get_key_value("auth"), Some(("auth", &7)));
        assert_eq!(table.remove("inventory"), Some(3));
        assert_eq!(table.remove("inventory"), None);
        assert_eq!(table.values().copied().collect::<Vec<_>>(), [7, 0, 2]);
    }
}
