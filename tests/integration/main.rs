//! One integration test crate (one link, one binary): each module drives the
//! real `deploy` binary. Modules that need SSH use the lab in `support::lab`.

mod all;
mod become_password;
mod chains;
mod check;
mod cli;
mod diagnosis;
mod events;
mod faults;
mod interrupt;
mod inventory;
mod inventory_sources;
mod join;
mod join_terminal;
mod kubeconfig;
mod lab;
mod lab_tools;
mod leftovers;
mod prepare;
mod pty;
mod remote;
mod reset;
mod rke2;
mod support;
mod templates;
mod unreachable;
mod values;
mod wake;
