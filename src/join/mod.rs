//! `deploy join`: joins that finish the moment they succeed and fail within
//! a second. The watcher decides; the engine does the I/O.

pub mod command;
pub mod driver;
pub mod engine;
pub mod watch;
pub mod watcher;
