//! The last live answer for each city, kept for the cache fallback.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::weather::Observation;

/// Live observations by city, each usable until it is older than the cache's max age.
#[derive(Debug)]
pub struct WeatherCache {
    max_age: Duration,
    entries: Mutex<HashMap<String, (Observation, Instant)>>,
}

impl WeatherCache {
    /// An empty cache whose entries are served until they are `max_age` old.
    pub fn new(max_age: Duration) -> WeatherCache {
        WeatherCache {
            max_age,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Keeps a live observation for `city`.
    pub fn put(&self, city: &str, observation: Observation) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.insert(key(city), (observation, Instant::now()));
    }

    /// The observation for `city` and its age, unless there is none or it is too old.
    pub fn get(&self, city: &str) -> Option<(Observation, Duration)> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let (observation, at) = entries.get(&key(city))?;
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
}
