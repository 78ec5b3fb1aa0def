//! The command line of `mcp-weather`, and the durations and latency ranges it reads.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::region::Region;

/// The name of the control file in the data directory whose presence takes the database down.
pub const DB_DOWN_FILE: &str = "db-down";

/// An MCP server with a weather tool and a storage tool, each kept answering by fusebox
/// circuit breakers. Serves MCP on stdio unless `--http` is given; logs go to stderr.
#[derive(Debug, Parser)]
#[command(
    name = "mcp-weather",
    version,
    after_help = "Circuit breakers: weather_api (one per region of the weather service: eu, us, \
                  asia), cache, database. Override their settings at start-up with \
                  FUSEBOX_<NAME>_<SETTING>, like FUSEBOX_WEATHER_API_THRESHOLD=2 (every \
                  region's) or FUSEBOX_DATABASE_RECOVERY=1s; their stats are the resource \
                  circuit-breaker://stats."
)]
pub struct Cli {
    /// Serve streamable HTTP on ADDR (like 127.0.0.1:8000) at path /mcp, instead of stdio,
    /// and the breakers' Prometheus metrics at /metrics.
    /// A request whose Origin header is not a loopback origin (or one given with
    /// --allow-origin) is refused with 403; a request without Origin is served.
    #[arg(long, value_name = "ADDR")]
    pub http: Option<SocketAddr>,

    /// The browser origins served besides loopback ones (`--allow-origin`).
    #[arg(
        long = "allow-origin",
        value_name = "ORIGIN",
        requires = "http",
        value_parser = parse_origin,
        help = "With --http, also serve requests from this browser origin, like \
                https://app.example.com or https://app.example.com:8443 (\":*\" for any port). \
                Repeat it for more"
    )]
    pub allow_origin: Vec<String>,

    /// The weather service to call instead of a built-in one: `URL` for every region, or
    /// `REGION=URL` (eu, us or asia) for one region; repeat it for more. A region given no
    /// URL gets a built-in flaky service of its own on loopback.
    #[arg(long, value_name = "[REGION=]URL", value_parser = parse_upstream)]
    pub upstream: Vec<UpstreamArg>,

    /// Built-in weather services: the share of requests that fail with 503 (0.0 to 1.0).
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    pub upstream_failure_rate: f64,

    /// Built-in weather services: how long a request takes, like "100ms..500ms" or "50ms".
    #[arg(long, value_name = "RANGE", default_value = "20ms..80ms", value_parser = parse_latency)]
    pub upstream_latency: Latency,

    /// Built-in weather services: the seed of their failures and latencies (eu's; us's is one
    /// more, asia's two more).
    #[arg(long, value_name = "N", default_value_t = 42)]
    pub upstream_seed: u64,

    /// Where the database (weather.db), the outbox (outbox.jsonl) and the db-down control file
    /// live. Default: $HOME/.local/share/mcp-weather, or ./mcp-weather-data without $HOME.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Start with the database down: creates DIR/db-down. While that file exists every
    /// database call fails; delete it to bring the database back.
    #[arg(long)]
    pub db_down: bool,

    /// How long a live answer may be served by the cache fallback, like "10m".
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_duration)]
    pub cache_max_age: Duration,

    /// How often the outbox is replayed into the database while it holds records.
    #[arg(long, value_name = "DURATION", default_value = "250ms", value_parser = parse_duration)]
    pub replay_every: Duration,
}

impl Cli {
    /// The data directory given, or the default one.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(|| {
            std::env::var_os("HOME").map_or_else(
                || PathBuf::from("mcp-weather-data"),
                |home| PathBuf::from(home).join(".local/share/mcp-weather"),
            )
        })
    }

    /// The URL of each region's weather service given with `--upstream`, in the order of
    /// [`Region::ALL`]: its own if named, else the one given for every region, else `None`
    /// (a built-in service then serves it).
    ///
    /// # Errors
    ///
    /// Says so when a region, or every region, is given two URLs.
    pub fn upstream_urls(&self) -> Result<[Option<String>; 3], String> {
        let (mut named, mut every): ([Option<String>; 3], Option<String>) = Default::default();
        for given in &self.upstream {
            let (slot, what) = match given.region {
                Some(region) => (&mut named[region.index()], format!("region {region}")),
                None => (&mut every, "every region".to_owned()),
            };
            if slot.replace(given.url.clone()).is_some() {
                return Err(format!("--upstream gives {what} two URLs"));
            }
        }
        Ok(named.map(|url| url.or_else(|| every.clone())))
    }

    /// The origins served over HTTP: every loopback origin (`localhost`, `127.0.0.1` and
    /// `[::1]`, http or https, any port), then those given with `--allow-origin`.
    pub fn allowed_origins(&self) -> Vec<String> {
        LOOPBACK_ORIGINS
            .iter()
            .map(|origin| (*origin).to_owned())
            .chain(self.allow_origin.iter().cloned())
            .collect()
    }
}

/// The origins of pages served from this machine, any port: a browser page elsewhere must
/// not reach a local server through DNS rebinding.
const LOOPBACK_ORIGINS: [&str; 6] = [
    "http://localhost:*",
    "https://localhost:*",
    "http://127.0.0.1:*",
    "https://127.0.0.1:*",
    "http://[::1]:*",
    "https://[::1]:*",
];

/// Reads an origin: `http` or `https`, a host, an optional port or `:*`, and no path. Without
/// a port it is the scheme's own (as a browser omits it), written out: rmcp reads an origin
/// without a port as any port.
fn parse_origin(text: &str) -> Result<String, String> {
    let origin = text.trim().trim_end_matches('/');
    let bad = |why: &str| {
        format!("{text:?} is not an origin like \"https://app.example.com:8443\": {why}")
    };
    let (base, any_port) = match origin.strip_suffix(":*") {
        Some(base) => (base, true),
        None => (origin, false),
    };
    let uri: axum::http::Uri = base.parse().map_err(|_| bad("it does not parse"))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return Err(bad("the scheme must be http or https"));
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        return Err(bad("an origin has no path"));
    }
    match (any_port, uri.port_u16(), uri.scheme_str()) {
        (false, None, Some("https")) => Ok(format!("{origin}:443")),
        (false, None, _) => Ok(format!("{origin}:80")),
        _ => Ok(origin.to_owned()),
    }
}

/// One `--upstream`: a URL, for one region or for every region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpstreamArg {
    /// The region it is for; `None` for every region not named.
    pub region: Option<Region>,
    /// The service's base URL.
    pub url: String,
}

/// Reads `eu=http://..` (a region's) or `http://..` (every region's).
fn parse_upstream(text: &str) -> Result<UpstreamArg, String> {
    let (region, url) = match text.split_once('=') {
        Some((name, url)) if !name.contains(':') => (Some(name.trim().parse()?), url.trim()),
        _ => (None, text.trim()),
    };
    if !url.starts_with("http://") && !url.starts_with("https://") {
        return Err(format!(
            "{text:?} is not a URL like \"http://127.0.0.1:8080\" or \"eu=http://127.0.0.1:8080\""
        ));
    }
    Ok(UpstreamArg {
        region,
        url: url.to_owned(),
    })
}

/// A range of latencies; every request draws one evenly from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Latency {
    /// The shortest.
    pub min: Duration,
    /// The longest.
    pub max: Duration,
}

impl Latency {
    /// Always `latency`.
    pub const fn fixed(latency: Duration) -> Latency {
        Latency {
            min: latency,
            max: latency,
        }
    }
}

/// Reads `"100ms..500ms"` or a single duration like `"50ms"`.
pub fn parse_latency(text: &str) -> Result<Latency, String> {
    let (min, max) = match text.split_once("..") {
        Some((min, max)) => (parse_duration(min)?, parse_duration(max)?),
        None => {
            let latency = parse_duration(text)?;
            (latency, latency)
        }
    };
    if min > max {
        return Err(format!("latency range {text:?} ends before it starts"));
    }
    Ok(Latency { min, max })
}

/// Writes a latency the way [`parse_latency`] reads it.
pub fn format_latency(latency: Latency) -> String {
    format!(
        "{}ms..{}ms",
        latency.min.as_millis(),
        latency.max.as_millis()
    )
}

/// Reads a whole number and a unit: `"250ms"`, `"15s"`, `"2m"`, `"1h"`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let bad = || format!("{text:?} is not a duration like \"250ms\", \"15s\", \"2m\" or \"1h\"");
    let number: u64 = number.parse().map_err(|_| bad())?;
    let seconds = match unit {
        "ms" => return Ok(Duration::from_millis(number)),
        "s" => number,
        "m" => number.checked_mul(60).ok_or_else(bad)?,
        "h" => number.checked_mul(3600).ok_or_else(bad)?,
        _ => return Err(bad()),
    };
    Ok(Duration::from_secs(seconds))
}

/// Reads a share from 0.0 to 1.0.
fn parse_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("{text:?} is not a rate from 0.0 to 1.0")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_durations_and_ranges() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("2 weeks").is_err());
        assert!(parse_duration("ms").is_err());
        let range = parse_latency("100ms..500ms").unwrap();
        assert_eq!(format_latency(range), "100ms..500ms");
        assert_eq!(
            parse_latency("1s").unwrap(),
            Latency::fixed(Duration::from_secs(1))
        );
        assert!(parse_latency("500ms..100ms").is_err());
    }

    #[test]
    fn reads_origins_and_refuses_what_is_not_one() {
        assert_eq!(
            parse_origin("https://app.example.com/"),
            Ok("https://app.example.com:443".to_owned())
        );
        assert_eq!(
            parse_origin("http://app.example.com:8080"),
            Ok("http://app.example.com:8080".to_owned())
        );
        assert!(parse_origin("http://app.example.com:*").is_ok());
        assert!(parse_origin("http://[::1]:8080").is_ok());
        for bad in [
            "app.example.com",
            "ftp://app.example.com",
            "https://a.example/mcp",
            "*",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
        let cli = Cli::try_parse_from([
            "mcp-weather",
            "--http",
            "127.0.0.1:0",
            "--allow-origin",
            "https://app.example.com",
        ])
        .unwrap();
        let origins = cli.allowed_origins();
        assert!(origins.contains(&"http://localhost:*".to_owned()));
        assert_eq!(origins.last().unwrap(), "https://app.example.com:443");
        assert!(
            Cli::try_parse_from(["mcp-weather", "--allow-origin", "https://a.example"]).is_err(),
            "--allow-origin is for --http"
        );
    }

    #[test]
    fn reads_upstreams_for_a_region_or_for_every_region() {
        let urls = |args: &[&str]| {
            let args = ["mcp-weather"].iter().chain(args).copied();
            Cli::try_parse_from(args).map(|cli| cli.upstream_urls())
        };
        let every = "http://127.0.0.1:1".to_owned();
        let eu = "http://127.0.0.1:2".to_owned();
        assert_eq!(urls(&[]).unwrap(), Ok([None, None, None]));
        assert_eq!(
            urls(&["--upstream", &every]).unwrap(),
            Ok([
                Some(every.clone()),
                Some(every.clone()),
                Some(every.clone())
            ])
        );
        assert_eq!(
            urls(&["--upstream", &format!("eu={eu}"), "--upstream", &every]).unwrap(),
            Ok([Some(eu.clone()), Some(every.clone()), Some(every.clone())])
        );
        assert_eq!(
            urls(&["--upstream", &format!("eu={eu}")]).unwrap(),
            Ok([Some(eu.clone()), None, None])
        );
        assert_eq!(
            parse_upstream("http://h:1/?a=b").map(|arg| arg.region),
            Ok(None)
        );
        assert!(urls(&["--upstream", "mars=http://127.0.0.1:1"]).is_err());
        assert!(urls(&["--upstream", "eu=127.0.0.1:1"]).is_err());
        let twice = ["--upstream", &eu, "--upstream", &every];
        assert!(urls(&twice).unwrap().is_err());
    }

    #[test]
    fn refuses_a_rate_outside_zero_to_one() {
        assert_eq!(parse_rate("0.3"), Ok(0.3));
        assert!(parse_rate("1.5").is_err());
        assert!(Cli::try_parse_from(["mcp-weather", "--upstream-failure-rate", "2"]).is_err());
    }
}
