//! The last live answer for each city, kept for the cache fallback.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::weather::Observation;

/// How many cities the cache holds at most, unless told otherwise.
const DEFAULT_CAPACITY: usize = 10_000;

/// Live observations by city, each usable until it is older than the cache's max age. It
/// holds a bounded number of cities: when full, it forgets the oldest.
#[derive(Debug)]
pub struct WeatherCache {
    max_age: Duration,
    capacity: usize,
    entries: Mutex<Entries>,
}

/// The observations by city, each with when it was kept and its place in the order of puts.
#[derive(Debug, Default)]
struct Entries {
    by_city: HashMap<String, (Observation, Instant, u64)>,
    puts: u64,
}

impl WeatherCache {
    /// An empty cache of up to 10 000 cities, whose entries are served until they are
    /// `max_age` old.
    pub fn new(max_age: Duration) -> WeatherCache {
        WeatherCache::with_capacity(max_age, DEFAULT_CAPACITY)
    }

    /// An empty cache of up to `capacity` cities (at least one).
    pub fn with_capacity(max_age: Duration, capacity: usize) -> WeatherCache {
        WeatherCache {
            max_age,
            capacity: capacity.max(1),
            entries: Mutex::new(Entries::default()),
        }
    }

    /// Keeps a live observation for `city`, forgetting the oldest city if the cache is full.
    pub fn put(&self, city: &str, observation: Observation) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let key = key(city);
        if !entries.by_city.contains_key(&key) && entries.by_city.len() >= self.capacity {
            let oldest = entries
                .by_city
                .iter()
                .min_by_key(|(_, (_, _, put))| *put)
                .map(|(city, _)| city.clone());
            if let Some(oldest) = oldest {
                entries.by_city.remove(&oldest);
            }
        }
        entries.puts += 1;
        let put = entries.puts;
        entries
            .by_city
            .insert(key, (observation, Instant::now(), put));
    }

    /// The observation for `city` and its age, unless there is none or it is too old.
    pub fn get(&self, city: &str) -> Option<(Observation, Duration)> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let (observation, at, _) = entries.by_city.get(&key(city))?;
        let age = at.elapsed();
        (age <= self.max_age).then(|| (observation.clone(), age))
    }
}

/// Cities are looked up regardless of case.
fn key(city: &str) -> String {
    city.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sunny() -> Observation {
        Observation {
            temperature_c: 21.0,
            conditions: "sunny".to_owned(),
        }
    }

    #[test]
    fn answers_a_city_in_any_case_and_misses_others() {
        let cache = WeatherCache::new(Duration::from_secs(60));
        cache.put("Oslo", sunny());
        assert_eq!(cache.get("oslo").map(|(o, _)| o), Some(sunny()));
        assert!(cache.get("Lima").is_none());
    }

    #[test]
    fn a_full_cache_forgets_the_oldest_city() {
        let cache = WeatherCache::with_capacity(Duration::from_secs(60), 2);
        cache.put("Oslo", sunny());
        cache.put("Lima", sunny());
        cache.put("Oslo", sunny());
        cache.put("Kyiv", sunny());
        assert!(cache.get("Lima").is_none());
        assert!(cache.get("Oslo").is_some() && cache.get("Kyiv").is_some());
    }
}
