//! How the demo prints requests and breakers.

use std::time::Duration;

use serde_json::Value;

use crate::session::Error;

/// The numbering of the weather requests.
#[derive(Default)]
pub struct Request {
    /// Requests made so far.
    pub count: u32,
}

/// One line for a weather request: its answer and source, how long it took, whether the
/// weather service was called, and the `weather_api` breaker's state after it.
pub fn print_request(
    request: &Request,
    city: &str,
    answer: &Result<Value, Error>,
    elapsed: Duration,
    attempts: u64,
    state: &str,
) {
    let (source, text) = match answer {
        Ok(answer) => (
            answer["source"].as_str().unwrap_or("?").to_owned(),
            describe(answer),
        ),
        Err(error) => ("error".to_owned(), error.to_string()),
    };
    let called = match attempts {
        0 => "not called".to_owned(),
        1 => "called".to_owned(),
        n => format!("called {n}x"),
    };
    println!(
        "  #{:<2} {city:<6} -> {source:<15} {text:<28} {:>4} ms  service {called:<10}  weather_api: {state}",
        request.count,
        elapsed.as_millis(),
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

/// The table of every breaker's stats, then the health.
pub fn print_breakers(stats: &Value) {
    println!(
        "  {:<12} {:<10} {:>6} {:>10} {:>9} {:>9} {:>11} {:>10}",
        "name", "state", "calls", "successes", "failures", "timeouts", "rejections", "cancelled"
    );
    for breaker in stats["breakers"].as_array().into_iter().flatten() {
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
        "\n  Overall health: {}",
        stats["health"].as_str().unwrap_or("?")
    );
}
