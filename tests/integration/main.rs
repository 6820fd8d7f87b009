//! One integration test crate (one link, one binary): each module drives the
//! real `deploy` binary. Modules that need SSH use the lab in `support::lab`.

mod all;
mod check;
mod cli;
mod faults;
mod inventory;
mod join;
mod join_terminal;
mod lab;
mod lab_tools;
mod pty;
mod remote;
mod support;
mod values;
mod wake;
