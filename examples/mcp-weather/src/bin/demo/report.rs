//! How the demo prints requests and breakers.

use std::time::Duration;

use mcp_weather::region::Region;
use serde_json::Value;

use crate::session::Error;

/// The numbering of the weather requests.
#[derive(Default)]
pub struct Request {
    /// Requests made so far.
    pub count: u32,
}

/// One line for a weather request: the region asked, the answer and its source, how long it
/// took, whether the region's service was called, and each region's circuit after it.
pub fn print_request(
    request: &Request,
    city: &str,
    answer: &Result<Value, Error>,
    elapsed: Duration,
    attempts: u64,
    states: &[(Region, String)],
) {
    let (region, source, text) = match answer {
        Ok(answer) => (
            answer["region"].as_str().unwrap_or("?").to_owned(),
            answer["source"].as_str().unwrap_or("?").to_owned(),
            describe(answer),
        ),
        Err(error) => ("?".to_owned(), "error".to_owned(), error.to_string()),
    };
    let called = match attempts {
        0 => format!("{region} not called"),
        1 => format!("{region} called"),
        n => format!("{region} called {n}x"),
    };
    let circuits = states
        .iter()
        .map(|(region, state)| format!("{region} {state:<9}"))
        .collect::<Vec<_>>()
        .join(" ");
    println!(
        "  #{:<2} {city:<6} {region:<4} -> {source:<15} {text:<28} {:>4} ms  {called:<15}  weather_api: {}",
        request.count,
        elapsed.as_millis(),
        circuits.trim_end(),
    );
}

fn describe(answer: &Value) -> String {
    let conditions = answer["conditions"].as_str().unwrap_or("");
    match answer["temperature_c"].as_f64() {
        Some(temperature) => match answer["age_seconds"].as_u64() {
            Some(age) => format!("{temperature}°C {conditions} ({age} s old)"),
            None => format!("{temperature}°C {conditions}"),
        },
        None => "weather unknown".to_owned(),
    }
}

/// The table of every breaker's stats, then the keyed families' (the breakers with a
/// `"family"`), then the health.
pub fn print_breakers(stats: &Value) {
    println!(
        "  {:<12} {:<10} {:>6} {:>10} {:>9} {:>9} {:>11} {:>10}",
        "name", "state", "calls", "successes", "failures", "timeouts", "rejections", "cancelled"
    );
    let breakers = stats["breakers"].as_array().into_iter().flatten();
    let (families, breakers): (Vec<_>, Vec<_>) =
        breakers.partition(|breaker| breaker.get("family").is_some());
    for breaker in breakers {
        let number = |key: &str| breaker[key].as_u64().unwrap_or(0);
        println!(
            "  {:<12} {:<10} {:>6} {:>10} {:>9} {:>9} {:>11} {:>10}",
            breaker["name"].as_str().unwrap_or("?"),
            breaker["state"].as_str().unwrap_or("?"),
            number("calls"),
            number("successes"),
            number("failures"),
            number("timeouts"),
            number("rejections"),
            number("cancelled"),
        );
    }
    println!(
        "\n  {:<12} {:>6} {:>8} {:>6} {:>10} {:>9} {:>9} {:>11}",
        "keyed family",
        "keys",
        "tripped",
        "calls",
        "successes",
        "failures",
        "timeouts",
        "rejections"
    );
    for family in families {
        let number = |key: &str| family["family"][key].as_u64().unwrap_or(0);
        let total = |key: &str| family[key].as_u64().unwrap_or(0);
        println!(
            "  {:<12} {:>6} {:>8} {:>6} {:>10} {:>9} {:>9} {:>11}",
            family["name"].as_str().unwrap_or("?"),
            number("keys"),
            number("tripped"),
            total("calls"),
            total("successes"),
            total("failures"),
            total("timeouts"),
            total("rejections"),
        );
    }
    println!(
        "\n  Overall health: {}",
        stats["health"].as_str().unwrap_or("?")
    );
}
