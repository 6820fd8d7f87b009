//! containerd's config.toml as deploy reads it, pure: whether its
//! `disabled_plugins` leaves containerd without the CRI kubelet talks to.

/// The IDs in `disabled_plugins` that leave containerd without its CRI:
/// config version 1's short name (containerd reads it as the gRPC
/// plugin's), the gRPC plugin's URI in versions 2 and 3, and the two
/// plugins it needs in version 3 (containerd 2).
pub const CRI_PLUGINS: [&str; 4] = [
    "cri",
    "io.containerd.grpc.v1.cri",
    "io.containerd.cri.v1.runtime",
    "io.containerd.cri.v1.images",
];

/// Whether a `disabled_plugins = [...]` line (or its value) names one of
/// [`CRI_PLUGINS`].
pub fn cri_disabled(line: &str) -> bool {
    plugin_ids(line).any(|id| CRI_PLUGINS.contains(&id))
}

/// The plugin IDs of a `disabled_plugins = [...]` line: TOML's strings in
/// either quotes (no plugin ID needs an escape).
fn plugin_ids(line: &str) -> impl Iterator<Item = &str> {
    let list = line.split_once('=').map_or(line, |(_, list)| list);
    let mut rest = list;
    std::iter::from_fn(move || {
        let start = rest.find(['"', '\''])?;
        let quote = rest[start..].chars().next()?;
        let body = &rest[start + 1..];
        let end = body.find(quote)?;
        rest = &body[end + 1..];
        Some(&body[..end])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cri_is_disabled_by_any_of_its_names_in_either_quotes() {
        for line in [
            "disabled_plugins = [\"cri\"]",
            "disabled_plugins = ['cri']",
            "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
            "disabled_plugins = [ 'io.containerd.snapshotter.v1.devmapper', 'io.containerd.grpc.v1.cri' ]",
            "disabled_plugins = [\"io.containerd.cri.v1.runtime\"]",
            "[\"cri\"]",
        ] {
            assert!(cri_disabled(line), "{line}");
        }
        for line in [
            "disabled_plugins = []",
            "disabled_plugins = [\"io.containerd.snapshotter.v1.devmapper\", 'criu']",
            "disabled_plugins = [\"io.containerd.grpc.v1.cri-extra\"]",
        ] {
            assert!(!cri_disabled(line), "{line}");
        }
    }
}
