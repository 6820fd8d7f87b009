//! Reaching hosts: the system OpenSSH client, driven with duct, with one
//! multiplexed master connection per host, or this machine through `sh -c`
//! for `ansible_connection: local`.
//!
//! - [`Target`]: a host's connection variables, read from the inventory.
//! - [`Session`]: runs a [`Cmd`] on a target within a time limit
//!   ([`Session::run`]) or streams its stdout ([`Session::stream`]); owns
//!   the masters (`master`: started and kept by us, tied to `deploy`) and
//!   ends every one when dropped.
//! - [`RemoteError`] / [`Failure`]: why a host could not be reached or
//!   sudo refused, with a message and fix per host (`messages::remote`).
//! - [`job`]: commands that run detached on the host and outlive the
//!   connection (joins, `kubeadm init`).
//! - [`Become`]: commands run as another user through sudo, and the become
//!   password, which reaches sudo on stdin only (`sudo`).

mod become_vars;
mod cmd;
mod control;
mod error;
mod home;
mod invocation;
pub mod job;
mod master;
mod options;
mod process;
mod session;
mod stream;
mod sudo;
mod target;
mod vars;

pub use crate::messages::sudo::PasswordFrom;
pub use cmd::{Cmd, quote_words};
pub use error::{Attempt, Failure, RemoteError, classify};
#[cfg(test)]
pub(crate) use error::{attempt, sample};
pub use session::{Output, Session};
pub use stream::{Ending, Stream, StreamEvent};
pub use sudo::{Become, BecomePassword};
pub use target::{Connection, SshTarget, Target};
pub use vars::ansible_boolean;
