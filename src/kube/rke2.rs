//! RKE2's files: where it reads its configuration, and the kubeconfig it
//! writes, pointed at the host instead of 127.0.0.1.

/// Where RKE2 reads its configuration, and writes its kubeconfig.
pub const CONFIG_PATH: &str = "/etc/rancher/rke2/config.yaml";
pub const KUBECONFIG_PATH: &str = "/etc/rancher/rke2/rke2.yaml";

/// The kubeconfig RKE2 wrote, with its server changed from 127.0.0.1 (or
/// localhost) to `address`, so it works from this machine.
pub fn kubeconfig_for(kubeconfig: &str, address: &str) -> String {
    let host = if address.contains(':') && !address.starts_with('[') {
        format!("[{address}]")
    } else {
        address.to_string()
    };
    let mut out = String::with_capacity(kubeconfig.len());
    for line in kubeconfig.split_inclusive('\n') {
        let is_server = line.trim_start().starts_with("server:");
        if is_server {
            out.push_str(
                &line
                    .replace("https://127.0.0.1:", &format!("https://{host}:"))
                    .replace("https://localhost:", &format!("https://{host}:")),
            );
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RKE2_YAML: &str = "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: LS0t\n    server: https://127.0.0.1:6443\n  name: default\n";

    #[test]
    fn the_kubeconfig_points_at_the_host() {
        let text = kubeconfig_for(RKE2_YAML, "192.0.2.62");
        assert!(
            text.contains("    server: https://192.0.2.62:6443\n"),
            "{text}"
        );
        assert!(!text.contains("127.0.0.1"));
        assert!(text.contains("certificate-authority-data: LS0t"));
        assert!(kubeconfig_for(RKE2_YAML, "2001:db8::1").contains("https://[2001:db8::1]:6443"));
    }
}
