//! Clock skew across hosts: each host against the median, as k0sctl does,
//! so one wrong clock is named rather than every host compared in pairs.

use super::catalog::CLUSTER_CLOCK_SKEW;
use super::model::{Answers, Probed};
use super::{Finding, Status};
use crate::messages::checks as say;

/// More than this apart breaks certificates and tokens that are valid
/// "from now": a join can fail with "certificate is not yet valid".
const LIMIT_SECONDS: i64 = 30;

pub fn check(answers: &Answers) -> Vec<Finding> {
    let offsets: Vec<(&str, i64)> = answers
        .iter()
        .filter_map(|(name, probed)| match probed {
            Probed::Answered {
                clock_offset: Some(offset),
                ..
            } => Some((name.as_str(), *offset)),
            _ => None,
        })
        .collect();
    let Some(median) = median(offsets.iter().map(|(_, offset)| *offset).collect()) else {
        return vec![Finding::new(
            CLUSTER_CLOCK_SKEW,
            None,
            Status::Skip,
            say::clocks_unknown(),
        )];
    };
    let skewed: Vec<Finding> = offsets
        .iter()
        .map(|(name, offset)| (*name, offset - median))
        .filter(|(_, skew)| skew.abs() > LIMIT_SECONDS)
        .map(|(name, skew)| {
            Finding::new(
                CLUSTER_CLOCK_SKEW,
                Some(name),
                Status::Fail,
                say::clock_skewed(name, skew, LIMIT_SECONDS),
            )
        })
        .collect();
    if skewed.is_empty() {
        let largest = offsets
            .iter()
            .map(|(_, offset)| (offset - median).abs())
            .max()
            .unwrap_or(0);
        vec![Finding::new(
            CLUSTER_CLOCK_SKEW,
            None,
            Status::Pass,
            say::clocks_agree(largest, LIMIT_SECONDS),
        )]
    } else {
        skewed
    }
}

/// The lower middle value: with an even count it is a real host's clock,
/// so with two hosts apart the later one is named, not both or neither.
fn median(mut values: Vec<i64>) -> Option<i64> {
    values.sort_unstable();
    values.get(values.len().checked_sub(1)? / 2).copied()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;

    fn offsets(values: &[(&str, Option<i64>)]) -> Answers {
        values
            .iter()
            .map(|(name, offset)| {
                let probed = Probed::Answered {
                    facts: Box::new(healthy()),
                    clock_offset: *offset,
                };
                (name.to_string(), probed)
            })
            .collect()
    }

    #[test]
    fn the_median_is_a_real_value() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5]), Some(5));
        assert_eq!(median(vec![60, 0]), Some(0));
        assert_eq!(median(vec![3, 1, 2]), Some(2));
    }

    #[test]
    fn a_clock_more_than_30_s_from_the_median_fails_by_name() {
        let found = check(&offsets(&[
            ("m", Some(0)),
            ("w1", Some(1)),
            ("w2", Some(-45)),
        ]));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].status, Status::Fail);
        assert_eq!(found[0].host.as_deref(), Some("w2"));
        assert_eq!(
            found[0].message,
            "w2's clock is 45 seconds behind the median of the hosts (more than 30 seconds)"
        );
        assert_eq!(
            found[0].hint.as_deref(),
            Some("turn on time sync on w2: `timedatectl set-ntp true` (or `chronyc makestep`)")
        );
    }

    #[test]
    fn thirty_seconds_is_still_fine() {
        let found = check(&offsets(&[("m", Some(0)), ("w1", Some(30)), ("w2", None)]));
        assert_eq!(found[0].status, Status::Pass);
        assert_eq!(
            found[0].message,
            "clocks within 30 seconds of the median (largest difference 30 seconds)"
        );
        assert_eq!(check(&offsets(&[("m", None)]))[0].status, Status::Skip);
    }
}
