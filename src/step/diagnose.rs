//! Why a long step failed on a host: its evidence gathered in one bounded,
//! read-only round trip (`diagnose.sh`), matched by `crate::diagnosis`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::artifacts::Artifacts;
use crate::cluster::Host;
use crate::diagnosis::{self, Diagnosis, Evidence};
use crate::remote::{Cmd, Session};

const SCRIPT: &str = include_str!("diagnose.sh");

/// The round trip's bound: the failure is reported within a second or
/// two, even when the host is slow to answer.
const LIMIT: Duration = Duration::from_secs(4);

/// The diagnosis of `unit`'s step on `host`, started `since` ago, from
/// its `output` and what the host shows, masked by the run's secret
/// registry in `artifacts`. When the host cannot be asked, the step's
/// output alone decides, and the reason joins the evidence.
pub fn gather(
    session: &Session,
    artifacts: &Artifacts,
    host: &Host,
    unit: &str,
    since: Duration,
    output: &[String],
) -> Diagnosis {
    // A little before the start, so the step's first lines are in.
    let seconds = since.as_secs() + 2;
    let cmd = Cmd::script("diagnosis", SCRIPT)
        .var("UNIT", unit)
        .var("SINCE", seconds.to_string());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |now| now.as_secs() as i64);
    let (answer, failure) = match session.run(&host.target, &cmd, LIMIT) {
        Ok(answered) => (artifacts.redact(&answered.stdout_text()), None),
        Err(err) => (String::new(), Some(format!("{err:#}"))),
    };
    let mut evidence = Evidence::new(unit, output, &answer, &host.address, now);
    if let Some(why) = failure {
        evidence
            .journal
            .push(crate::messages::diagnosis::not_gathered(&why));
    }
    diagnosis::diagnose(&evidence)
}
