//! `deploy join`: joins that finish the moment they succeed and fail within
//! a second. The watcher decides from what the watch loop reports; the
//! engine schedules; the driver does one worker's I/O.

mod command;
pub mod config;
pub mod driver;
pub mod engine;
pub mod step;
pub mod watch;
pub mod watcher;

pub use command::{
    JoinRun, Plan, address_of, command, join, phase_summary, print_summary, result_word, verdict,
};
pub use driver::{Assignment, run_step};
