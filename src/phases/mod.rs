//! `deploy all`: the phases of a whole deployment, each a small step over
//! the remote layer and the job watcher.

pub mod kubeadm_config;
pub mod rke2_config;
