//! What deploy tells Kubernetes' own tools: the kubeadm configurations for
//! init and join, the join command read back from the control plane, and
//! RKE2's config.yaml.

pub mod join;
pub mod kubeadm;
pub mod nodes;
pub mod rke2;
mod step;

pub use step::Step;
