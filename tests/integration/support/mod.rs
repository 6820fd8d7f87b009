//! What the integration tests share: the lab of simulated nodes.

pub mod lab;
pub mod run;
