//! What deploy tells Kubernetes' own tools: the kubeadm configurations for
//! init and join, the join command read back from the control plane,
//! RKE2's config.yaml, kubeconfigs merged as kubectl keeps them, and the shapes of the names, labels, taints and
//! versions they are given.

pub mod containerd;
pub mod join;
pub mod kubeadm;
pub mod kubeconfig;
pub mod names;
pub mod nodes;
pub mod prepare;
pub mod reset;
pub mod rke2;
mod step;

pub use step::Step;
