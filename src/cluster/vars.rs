//! A host's variables as deploy uses them: each variable deploy reads,
//! templated (and vaulted values opened) only when read, as Ansible
//! renders a variable only where it is used. Variables deploy never reads
//! are left as they are, so a template there that would not render is no
//! error.

use anyhow::Result;
use serde_json::{Map, Value};

use super::Bounds;
use crate::inventory::Inventory;
use crate::passwords::Keyring;
use crate::secret::Secret;
use crate::template::{Resolver, Scope};

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
    "rke2_config",
    "wol_mac",
    "wol_broadcast",
    "wol_port",
    "control_plane_endpoint",
    "pod_network_cidr",
    "service_network_cidr",
    "kubernetes_version",
    "cni_manifest",
];

/// Whether a variable deploy reads is a password, never shown.
pub fn is_password(name: &str) -> bool {
    matches!(name, "ansible_become_password" | "ansible_become_pass")
}

/// The variables of `host` deploy reads, rendered; every vaulted value
/// opened on the way is added to `opened`, to be masked in all output.
pub fn resolved(
    inventory: &Inventory,
    host: &str,
    keyring: &Keyring,
    opened: &mut Vec<Secret>,
) -> Result<Map<String, Value>> {
    let empty = Map::new();
    let raw = inventory.host_vars(host).unwrap_or(&empty);
    let scope = InventoryScope(inventory);
    let plain = std::cell::RefCell::new(Vec::new());
    let unvault = |variable: &str, text: &str| {
        let value = keyring.open(&crate::messages::vault::variable_of(host, variable), text)?;
        plain.borrow_mut().push(Secret::new(value.clone()));
        Ok(value)
    };
    let resolver = Resolver::new(host, raw, &scope, &unvault);
    let bounds = Bounds::VARIABLES.iter().map(|(name, _)| *name);
    let mut out = Map::new();
    for name in READ.iter().copied().chain(bounds) {
        if let Some(value) = resolver.var(name)? {
            out.insert(name.to_owned(), value);
        }
    }
    drop(resolver);
    opened.extend(plain.into_inner());
    Ok(out)
}

/// The inventory as templates see it.
struct InventoryScope<'a>(&'a Inventory);

impl Scope for InventoryScope<'_> {
    fn groups(&self) -> Map<String, Value> {
        self.0.groups()
    }

    fn group_names(&self, host: &str) -> Vec<String> {
        self.0.group_names(host)
    }

    fn hostvars(&self) -> Map<String, Value> {
        self.0
            .hosts()
            .filter_map(|host| {
                let vars = self.0.host_vars(host)?;
                Some((host.to_owned(), Value::Object(vars.clone())))
            })
            .collect()
    }

    fn origin(&self, host: &str, variable: &str) -> Option<String> {
        self.0.origin(host, variable).map(str::to_owned)
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
        let vars = resolved(&inv, "w1", &Keyring::default(), &mut Vec::new()).unwrap();
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
        let err = resolved(&inv, "w1", &Keyring::default(), &mut Vec::new()).unwrap_err();
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
