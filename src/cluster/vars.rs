//! A host's variables as deploy uses them: each variable deploy reads,
//! templated (and vaulted values opened) only when read, as Ansible
//! renders a variable only where it is used. Variables deploy never reads
//! are left as they are, so a template there that would not render is no
//! error.

use std::cell::{OnceCell, RefCell};

use anyhow::Result;
use serde_json::{Map, Value};

use super::Bounds;
use crate::inventory::Inventory;
use crate::passwords::Keyring;
use crate::secret::Secret;
use crate::template::{Resolver, Scope};

const RKE2_CONFIG: &str = "rke2_config";

/// Every variable deploy reads of a host, besides the timeouts
/// (`Bounds::VARIABLES`).
const READ: &[&str] = &[
    "ansible_host",
    "ansible_port",
    "ansible_user",
    "ansible_connection",
    "ansible_become",
    "ansible_become_method",
    "ansible_become_user",
    "ansible_become_password",
    "ansible_become_pass",
    "ansible_ssh_private_key_file",
    "ansible_ssh_common_args",
    "ansible_ssh_extra_args",
    "cri_socket",
    "node_labels",
    "node_taints",
    "rke2_install_command",
    RKE2_CONFIG,
    "wol_mac",
    "wol_broadcast",
    "wol_port",
    "control_plane_endpoint",
    "pod_network_cidr",
    "service_network_cidr",
    "kubernetes_version",
    "cni_manifest",
    "kubernetes_apt_repo",
    "kubernetes_apt_key",
    "kubernetes_rpm_repo",
    "kubernetes_rpm_key",
];

/// Whether a variable deploy reads is a password, never shown.
pub fn is_password(name: &str) -> bool {
    matches!(name, "ansible_become_password" | "ansible_become_pass")
}

/// Reads hosts' variables as deploy uses them, the inventory-wide magic
/// variables made once for all hosts, and keeps every vaulted value it
/// opened, once each, to be masked in all output.
pub struct VarsReader<'a> {
    scope: InventoryScope<'a>,
    keyring: &'a Keyring,
    opened: RefCell<Vec<Secret>>,
}

impl<'a> VarsReader<'a> {
    pub fn new(inventory: &'a Inventory, keyring: &'a Keyring) -> Self {
        Self {
            scope: InventoryScope {
                inventory,
                groups: OnceCell::new(),
                hostvars: OnceCell::new(),
            },
            keyring,
            opened: RefCell::new(Vec::new()),
        }
    }

    /// The variables of `host` deploy reads, rendered. `rke2_config` is
    /// read only `with_rke2`: where RKE2 takes no part it is never touched.
    pub fn resolved(&self, host: &str, with_rke2: bool) -> Result<Map<String, Value>> {
        let empty = Map::new();
        let raw = self.scope.inventory.host_vars(host).unwrap_or(&empty);
        let unvault = |variable: &str, text: &str| {
            let origin = crate::messages::vault::variable_of(host, variable);
            let value = self.keyring.open(&origin, text)?;
            let mut opened = self.opened.borrow_mut();
            if !opened.iter().any(|known| known.expose() == value) {
                opened.push(Secret::new(value.clone()));
            }
            Ok(value)
        };
        let resolver = Resolver::new(host, raw, &self.scope, &unvault);
        let bounds = Bounds::VARIABLES.iter().map(|(name, _)| *name);
        let mut out = Map::new();
        for name in READ.iter().copied().chain(bounds) {
            if name == RKE2_CONFIG && !with_rke2 {
                continue;
            }
            if let Some(value) = resolver.var(name)? {
                out.insert(name.to_owned(), value);
            }
        }
        Ok(out)
    }

    /// Every vaulted value opened so far, each once.
    pub fn opened(self) -> Vec<Secret> {
        self.opened.into_inner()
    }
}

/// The inventory as templates see it; `groups` and `hostvars` are made
/// when first named, once for every host.
struct InventoryScope<'a> {
    inventory: &'a Inventory,
    groups: OnceCell<Map<String, Value>>,
    hostvars: OnceCell<Map<String, Value>>,
}

impl Scope for InventoryScope<'_> {
    fn groups(&self) -> Map<String, Value> {
        self.groups.get_or_init(|| self.inventory.groups()).clone()
    }

    fn group_names(&self, host: &str) -> Vec<String> {
        self.inventory.group_names(host)
    }

    fn hostvars(&self) -> Map<String, Value> {
        let inventory = self.inventory;
        self.hostvars
            .get_or_init(|| {
                inventory
                    .hosts()
                    .filter_map(|host| {
                        let vars = inventory.host_vars(host)?;
                        Some((host.to_owned(), Value::Object(vars.clone())))
                    })
                    .collect()
            })
            .clone()
    }

    fn origin(&self, host: &str, variable: &str) -> Option<String> {
        self.inventory.origin(host, variable).map(str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inventory(text: &str) -> (tempfile::TempDir, Inventory) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hosts.yml");
        std::fs::write(&path, text).unwrap();
        let inventory = Inventory::load(&path).unwrap();
        (dir, inventory)
    }

    #[test]
    fn what_deploy_reads_is_rendered_and_the_rest_left_alone() {
        let (_dir, inv) = inventory(
            "all:\n  vars:\n    domain: lan\n    control_plane_endpoint: \"master.{{ domain }}:6443\"\n    \
             unused: \"{{ nothing_defines_this }}\"\n  children:\n    storage_nodes:\n      hosts:\n        \
             w1:\n          ansible_host: \"{{ inventory_hostname }}.{{ domain }}\"\n          \
             node_labels: [\"zone={{ group_names | join('-') }}\"]\n          \
             ansible_user: !unsafe \"{{ not rendered }}\"\n",
        );
        let vars = VarsReader::new(&inv, &Keyring::default())
            .resolved("w1", true)
            .unwrap();
        assert_eq!(vars["control_plane_endpoint"], "master.lan:6443");
        assert_eq!(vars["ansible_host"], "w1.lan");
        assert_eq!(
            vars["node_labels"],
            serde_json::json!(["zone=storage_nodes"])
        );
        assert_eq!(vars["ansible_user"], "{{ not rendered }}");
        assert!(!vars.contains_key("unused"));
        assert!(!vars.contains_key("domain"));
    }

    #[test]
    fn an_undefined_name_in_a_variable_deploy_reads_is_an_input_error() {
        let (_dir, inv) =
            inventory("all:\n  hosts:\n    w1:\n      ansible_user: \"{{ admin }}\"\n");
        let err = VarsReader::new(&inv, &Keyring::default())
            .resolved("w1", true)
            .unwrap_err();
        assert_eq!(crate::exit::code_of(&err), crate::exit::Code::Usage);
        let text = format!("{err:#}");
        assert!(
            text.contains("host w1: variable ansible_user (from "),
            "{text}"
        );
        assert!(
            text.contains("which uses admin: not defined for w1"),
            "{text}"
        );
    }
}
