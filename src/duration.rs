//! Durations as people write them, for flags and inventory variables alike.

use std::time::Duration;

/// The longest bound taken. Deadlines are `Instant::now() + bound`, and
/// an absurd one (`300000000000y`) would overflow the clock and panic.
const LONGEST: Duration = Duration::from_secs(365 * 24 * 3600);

/// Durations as people write them: `90s`, `15m`, `1h 30m`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(text)
        .map_err(|err| format!("{err} (write durations like 30s, 15m or 1h)"))?;
    if duration > LONGEST {
        return Err(format!("{text} is longer than the 365 days deploy accepts"));
    }
    // Every duration deploy takes bounds a wait: 0 would end it at once.
    if duration.is_zero() {
        return Err(format!(
            "{text} would end the wait at once: give at least 1s"
        ));
    }
    Ok(duration)
}

/// `--stall-after`: at least a second, how often the watch loop reports a
/// running step's progress; under that, every moment between two reports
/// would be a stall, and each report its end.
pub fn parse_stall_after(text: &str) -> Result<Duration, String> {
    match humantime::parse_duration(text) {
        Ok(duration) if duration < Duration::from_secs(1) => Err(format!(
            "{text} is less than the second in which a running step's progress is seen: give at least 1s"
        )),
        _ => parse_duration(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stall_is_a_second_or_more_of_no_progress() {
        assert_eq!(parse_stall_after("1s"), Ok(Duration::from_secs(1)));
        for text in ["0s", "500ms"] {
            let err = parse_stall_after(text).unwrap_err();
            assert!(
                err.starts_with(text) && err.ends_with("give at least 1s"),
                "{err}"
            );
            assert!(err.contains("progress"), "{err}");
        }
        assert!(parse_stall_after("soon").unwrap_err().contains("15m"));
    }

    #[test]
    fn durations_read_like_humans_write_them() {
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert!(parse_duration("soon").unwrap_err().contains("15m"));
        assert!(parse_duration("0s").unwrap_err().contains("at least 1s"));
        assert!(
            parse_duration("300000000000y")
                .unwrap_err()
                .contains("365 days")
        );
    }
}
