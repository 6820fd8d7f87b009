//! What the integration tests share: the lab of simulated nodes and its
//! scenarios, the one way to run `deploy`, and a model of the terminal for
//! what `deploy` draws in the pseudo-terminal.

pub mod lab;
pub mod run;
pub mod scenario;
pub mod terminal;
