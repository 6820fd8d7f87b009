//! Waiting, bounded, for something on a host to become true: the API
//! answering, nodes Ready. One quick command per second over the
//! multiplexed connection; Ctrl-C stops the wait.

use std::time::{Duration, Instant};

use anyhow::Result;

use crate::exit::Problem;
use crate::remote::RemoteError;

/// What one look found.
pub enum Look<T> {
    Ready(T),
    /// Not yet: why, in a few words, for the progress line and the timeout
    /// message.
    Waiting(String),
}

/// How often to look.
pub const INTERVAL: Duration = Duration::from_secs(1);

/// Looks until `look` says ready (`Ok(Ok(value))`) or `bound` passes
/// (`Ok(Err(last reason))`). A host that cannot be reached for a moment is
/// waited for; any other error ends the wait.
pub fn until<T>(
    bound: Duration,
    mut look: impl FnMut() -> Result<Look<T>>,
    mut waiting: impl FnMut(&str),
) -> Result<Result<T, String>> {
    let started = Instant::now();
    loop {
        if crate::interrupt::requested() {
            return Err(Problem::interrupted().into());
        }
        let last = match look() {
            Ok(Look::Ready(value)) => return Ok(Ok(value)),
            Ok(Look::Waiting(why)) => why,
            Err(err) if is_passing(&err) => format!("{err:#}"),
            Err(err) => return Err(err),
        };
        waiting(&last);
        let left = bound.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Ok(Err(last));
        }
        std::thread::sleep(INTERVAL.min(left));
    }
}

fn is_passing(err: &anyhow::Error) -> bool {
    err.downcast_ref::<RemoteError>()
        .is_some_and(|remote| remote.failure.retryable())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_returns_at_the_first_ready_look() {
        let mut looks = 0;
        let result = until(
            Duration::from_secs(10),
            || {
                looks += 1;
                Ok(if looks < 2 {
                    Look::Waiting("starting".into())
                } else {
                    Look::Ready(looks)
                })
            },
            |_| {},
        )
        .unwrap();
        assert_eq!(result, Ok(2));
    }

    #[test]
    fn the_bound_ends_it_with_the_last_reason() {
        let started = Instant::now();
        let result: Result<(), String> = until(
            Duration::from_millis(300),
            || Ok(Look::Waiting("node w1 NotReady".into())),
            |_| {},
        )
        .unwrap();
        assert_eq!(result, Err("node w1 NotReady".into()));
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn other_errors_end_it_at_once() {
        let result: Result<Result<(), String>> = until(
            Duration::from_secs(10),
            || Err(anyhow::anyhow!("kubectl: permission denied")),
            |_| {},
        );
        assert!(result.is_err());
    }
}
