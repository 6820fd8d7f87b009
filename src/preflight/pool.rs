//! A bounded pool for per-host work: at most `forks` at once, results in
//! the order of the input, each host's time its own (a slow or unreachable
//! host holds one worker, never the others).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub fn map<T: Sync, R: Send>(items: &[T], forks: usize, work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    let workers = forks.clamp(1, items.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(index) else { break };
                    let result = work(item);
                    // A poisoned lock means another worker panicked; the scope
                    // re-raises that panic, so this result no longer matters.
                    if let Ok(mut results) = results.lock() {
                        results[index] = Some(result);
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn results_keep_the_input_order() {
        let out = map(&[3u64, 1, 2], 3, |n| {
            std::thread::sleep(Duration::from_millis(n * 20));
            n * 10
        });
        assert_eq!(out, [30, 10, 20]);
    }

    #[test]
    fn at_most_forks_run_at_once_and_a_slow_item_delays_no_other() {
        let running = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let items: Vec<u64> = vec![400, 50, 50, 50, 50, 50];
        let start = Instant::now();
        let finished = map(&items, 2, |ms| {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(*ms));
            running.fetch_sub(1, Ordering::SeqCst);
            start.elapsed()
        });
        assert_eq!(peak.load(Ordering::SeqCst), 2);
        // The five short items all ran on the second worker beside the slow one.
        assert!(
            finished[5] < Duration::from_millis(380),
            "{:?}",
            finished[5]
        );
        assert!(map(&Vec::<u8>::new(), 4, |_| 0).is_empty());
    }
}
