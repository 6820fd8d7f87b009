//! The two ways a duration is said: in words inside a sentence, short in
//! a table, a progress line or beside a command it limited.

use std::time::Duration;

/// A duration as a sentence says it: "15 minutes", "1 hour 30 minutes",
/// "5 seconds", "500 milliseconds".
pub fn in_words(duration: Duration) -> String {
    let total = duration.as_secs();
    if total == 0 {
        let millis = u64::from(duration.subsec_millis());
        return match millis {
            0 => plural(0, "second"),
            _ => plural(millis, "millisecond"),
        };
    }
    let parts = [
        (total / 3600, "hour"),
        (total / 60 % 60, "minute"),
        (total % 60, "second"),
    ];
    parts
        .iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, unit)| plural(*count, unit))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `3.2s`, `1m 05s`: short enough for a progress line or a table. Under a
/// minute, a whole number of seconds (a limit the user set) has no
/// decimals (`20s`, not `20.0s`).
pub fn short(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    if seconds >= 60.0 {
        format!("{}m {:02}s", elapsed.as_secs() / 60, elapsed.as_secs() % 60)
    } else if elapsed.subsec_nanos() == 0 {
        format!("{}s", elapsed.as_secs())
    } else {
        format!("{seconds:.1}s")
    }
}

fn plural(count: u64, unit: &str) -> String {
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_words() {
        assert_eq!(in_words(Duration::from_secs(900)), "15 minutes");
        assert_eq!(in_words(Duration::from_secs(1)), "1 second");
        assert_eq!(in_words(Duration::from_secs(5400)), "1 hour 30 minutes");
        assert_eq!(
            in_words(Duration::from_secs(3661)),
            "1 hour 1 minute 1 second"
        );
        assert_eq!(in_words(Duration::from_millis(500)), "500 milliseconds");
        assert_eq!(in_words(Duration::ZERO), "0 seconds");
    }

    #[test]
    fn short_durations() {
        assert_eq!(short(Duration::from_millis(3240)), "3.2s");
        assert_eq!(short(Duration::from_millis(300)), "0.3s");
        assert_eq!(short(Duration::from_secs(20)), "20s");
        assert_eq!(short(Duration::from_secs(65)), "1m 05s");
        assert_eq!(short(Duration::from_secs(90)), "1m 30s");
    }
}
