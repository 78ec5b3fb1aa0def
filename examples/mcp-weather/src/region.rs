//! The regions of the weather service. Each region is an endpoint of its own (its own
//! service, failing on its own) behind a breaker of its own in the `weather_api` family
//! ([`regional`](crate::regional)), so that one region down trips only its own circuit.
//!
//! A call goes to the region its `region` argument names; without one, to the city's region
//! when the city is one the server knows ([`Region::of_city`]), else to [`Region::DEFAULT`].

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A region of the weather service: `eu` (Europe and Africa), `us` (the Americas) or `asia`
/// (Asia and Oceania). The key of the `weather_api` breaker family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(inline)]
pub enum Region {
    /// Europe and Africa.
    Eu,
    /// North and South America.
    Us,
    /// Asia and Oceania.
    Asia,
}

/// The known cities of each region, in lower case, for the region of a call that names none.
const KNOWN_CITIES: [(Region, &[&str]); 3] = [
    (
        Region::Eu,
        &[
            "oslo",
            "kyiv",
            "berlin",
            "paris",
            "london",
            "madrid",
            "rome",
            "stockholm",
            "helsinki",
            "warsaw",
            "lisbon",
            "amsterdam",
            "vienna",
            "athens",
            "cairo",
            "nairobi",
            "lagos",
            "accra",
        ],
    ),
    (
        Region::Us,
        &[
            "new york",
            "chicago",
            "los angeles",
            "toronto",
            "mexico city",
            "lima",
            "quito",
            "bogota",
            "santiago",
            "buenos aires",
            "sao paulo",
        ],
    ),
    (
        Region::Asia,
        &[
            "tokyo",
            "seoul",
            "beijing",
            "shanghai",
            "singapore",
            "mumbai",
            "delhi",
            "bangkok",
            "jakarta",
            "manila",
            "sydney",
            "melbourne",
            "auckland",
        ],
    ),
];

impl Region {
    /// Every region, in the order of their endpoints.
    pub const ALL: [Region; 3] = [Region::Eu, Region::Us, Region::Asia];

    /// The region of a city the server does not know, when the call names no region.
    pub const DEFAULT: Region = Region::Eu;

    /// The region's name, as the `region` argument and the answer write it.
    pub fn name(self) -> &'static str {
        match self {
            Region::Eu => "eu",
            Region::Us => "us",
            Region::Asia => "asia",
        }
    }

    /// The region whose endpoint answers for `city`, if the server knows the city (in any
    /// case: "Oslo" and "oslo" are the same city).
    pub fn of_city(city: &str) -> Option<Region> {
        let city = city.to_lowercase();
        KNOWN_CITIES
            .iter()
            .find(|(_, cities)| cities.contains(&city.as_str()))
            .map(|(region, _)| *region)
    }

    /// The region a call goes to: the one it names, else the city's, else [`Region::DEFAULT`].
    pub fn for_call(named: Option<Region>, city: &str) -> Region {
        named
            .or_else(|| Region::of_city(city))
            .unwrap_or(Region::DEFAULT)
    }

    /// Its place in [`Region::ALL`].
    pub(crate) fn index(self) -> usize {
        match self {
            Region::Eu => 0,
            Region::Us => 1,
            Region::Asia => 2,
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Region {
    type Err = String;

    fn from_str(name: &str) -> Result<Region, String> {
        Region::ALL
            .into_iter()
            .find(|region| region.name() == name)
            .ok_or_else(|| format!("{name:?} is not a region: eu, us or asia"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_goes_to_the_region_it_names_else_the_citys_else_eu() {
        assert_eq!(Region::for_call(None, "Oslo"), Region::Eu);
        assert_eq!(Region::for_call(None, "LIMA"), Region::Us);
        assert_eq!(Region::for_call(None, "tokyo"), Region::Asia);
        assert_eq!(Region::for_call(None, "Reykjavik"), Region::DEFAULT);
        assert_eq!(Region::for_call(Some(Region::Asia), "Oslo"), Region::Asia);
    }

    #[test]
    fn names_read_and_write_the_same_way() {
        for region in Region::ALL {
            assert_eq!(region.name().parse(), Ok(region));
            assert_eq!(
                serde_json::to_string(&region).unwrap(),
                format!("\"{region}\"")
            );
            assert_eq!(Region::ALL[region.index()], region);
        }
        assert!("mars".parse::<Region>().is_err());
    }

    #[test]
    fn no_city_is_in_two_regions() {
        let mut seen = std::collections::HashSet::new();
        for (_, cities) in KNOWN_CITIES {
            assert!(cities.iter().all(|city| seen.insert(*city)));
        }
    }
}
