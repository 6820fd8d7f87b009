//! The table over recorded evidence: each cause from what a host showed.

use super::*;

/// This machine's clock in the fixtures.
const NOW: i64 = 1_764_640_000;

/// A healthy worker's answer after a failed join: nothing wrong on it.
const CLEAN: &str = "diagnosis=1\ntime=1764640001\nactive.kubelet=active\nactive.containerd=active\n\
                     swap=0\nip_forward=1\ncni=1\n";

fn diagnosed(stderr: &str, answer: &str) -> Diagnosis {
    let output: Vec<String> = stderr.lines().map(str::to_owned).collect();
    diagnose(&Evidence::new("kubelet", &output, answer, "10.0.0.5", NOW))
}

fn id(stderr: &str, answer: &str) -> String {
    diagnosed(stderr, answer).cause_id
}

const STACK: &str = "To see the stack trace of this error execute with --v=5 or higher";

#[test]
fn kubeadms_own_errors_name_their_cause() {
    let cases = [
        ("kubeadm-missing", "/bin/sh: 1: kubeadm: not found"),
        (
            "token-unknown",
            "error execution phase preflight: couldn't validate the identity of the API Server: \
             could not find a JWS signature in the cluster-info ConfigMap for token ID \"abcdef\"",
        ),
        (
            "ca-not-pinned",
            "error execution phase preflight: couldn't validate the identity of the API Server: \
             cluster CA found in cluster-info ConfigMap is invalid: none of the public keys \
             \"sha256:0123\" are pinned",
        ),
        (
            "node-exists",
            "error execution phase kubelet-start: a Node with name \"w1\" and status \"Ready\" already \
             exists in the cluster. You must delete the existing Node or change the name of this new joining Node",
        ),
        (
            "api-refused",
            "error execution phase preflight: couldn't validate the identity of the API Server: Get \
             \"https://10.0.0.1:6443/api/v1/namespaces/kube-public/configmaps/cluster-info?timeout=10s\": \
             dial tcp 10.0.0.1:6443: connect: connection refused",
        ),
        (
            "api-timeout",
            "error execution phase preflight: couldn't validate the identity of the API Server: Get \
             \"https://10.0.0.1:6443/api/v1/namespaces/kube-public/configmaps/cluster-info?timeout=10s\": \
             dial tcp 10.0.0.1:6443: i/o timeout",
        ),
        (
            "api-no-route",
            "error execution phase preflight: couldn't validate the identity of the API Server: Get \
             \"https://10.0.0.1:6443/api/v1/namespaces/kube-public/configmaps/cluster-info?timeout=10s\": \
             dial tcp 10.0.0.1:6443: connect: no route to host",
        ),
        (
            "cri-disabled",
            "\t[ERROR CRI]: container runtime is not running: output: time=\"2026-12-02T02:00:00Z\" level=fatal \
             msg=\"validate service connection: validate CRI v1 runtime API for endpoint \
             \\\"unix:///run/containerd/containerd.sock\\\": rpc error: code = Unimplemented desc = unknown \
             service runtime.v1.RuntimeService\"",
        ),
        ("port-10250", "\t[ERROR Port-10250]: Port 10250 is in use"),
        (
            "ip-forward-off",
            "\t[ERROR FileContent--proc-sys-net-ipv4-ip_forward]: /proc/sys/net/ipv4/ip_forward contents are not set to 1",
        ),
        (
            "kubelet-crashloop",
            "[kubelet-check] The HTTP call equal to 'curl -sSL http://localhost:10248/healthz' failed with \
             error: Get \"http://localhost:10248/healthz\": dial tcp [::1]:10248: connect: connection refused.",
        ),
    ];
    for (cause, line) in cases {
        let stderr = format!("{line}\n{STACK}\n");
        let diagnosis = diagnosed(&stderr, CLEAN);
        assert_eq!(diagnosis.cause_id, cause, "{line}");
        assert_eq!(diagnosis.evidence, [line], "{cause}");
        let fix = diagnosis.fix.as_deref().unwrap();
        assert!(
            diagnosis.text().ends_with(&format!("\nfix: {fix}")),
            "{cause}"
        );
    }
}

#[test]
fn the_hosts_state_names_a_cause_the_error_does_not() {
    let failed = "error execution phase kubelet-start: timed out waiting for the condition";
    let cases = [
        (
            "swap-on",
            "swap=1\n",
            "swap: 1 active area(s) in /proc/swaps",
        ),
        (
            "ip-forward-off",
            "ip_forward=0\n",
            "/proc/sys/net/ipv4/ip_forward: 0",
        ),
        (
            "containerd-down",
            "active.containerd=inactive\n",
            "systemctl is-active containerd: inactive",
        ),
        (
            "cri-disabled",
            "disabled_plugins=disabled_plugins = [\"cri\"]\n",
            "/etc/containerd/config.toml: disabled_plugins = [\"cri\"]",
        ),
        (
            "cgroup-mismatch",
            "cgroup_driver=systemd\nsystemd_cgroup=false\n",
            "cgroup driver: kubelet systemd (/var/lib/kubelet/config.yaml), \
             containerd SystemdCgroup = false (/etc/containerd/config.toml)",
        ),
        (
            "port-10250",
            "listen=0500000A:280A\nholder=users:((\"kubelet\",pid=812,fd=3))\n",
            "port 10250: 10.0.0.5:10250 is held by users:((\"kubelet\",pid=812,fd=3))",
        ),
        (
            "clock-skew",
            "time=1764636400\n",
            "clock: this host is 3600 s behind the machine running deploy",
        ),
    ];
    for (cause, wrong, line) in cases {
        // Later lines win: the fault overrides the clean answer's value.
        let diagnosis = diagnosed(failed, &format!("{CLEAN}{wrong}"));
        assert_eq!(diagnosis.cause_id, cause, "{wrong}");
        assert_eq!(diagnosis.evidence, [line], "{cause}");
    }
}

#[test]
fn what_the_host_state_says_shows_beside_the_error_that_named_the_cause() {
    let x509 = "error execution phase preflight: couldn't validate the identity of the API Server: Get \
                \"https://10.0.0.1:6443/api/v1/namespaces/kube-public/configmaps/cluster-info?timeout=10s\": \
                tls: failed to verify certificate: x509: certificate has expired or is not yet valid: \
                current time 2026-12-02T01:00:00Z is before 2026-12-02T01:55:00Z";
    let diagnosis = diagnosed(x509, &format!("{CLEAN}time=1764636400\n"));
    assert_eq!(diagnosis.cause_id, "clock-skew");
    assert_eq!(diagnosis.evidence.len(), 2, "{:?}", diagnosis.evidence);
    assert!(diagnosis.evidence[1].starts_with("clock: this host is 3600 s behind"));

    let cni = "journal=Dec 02 02:00:00 w1 kubelet[812]: E1202 02:00:00.000000     812 kubelet.go:2874] \
               \"Container runtime network not ready\" networkReady=\"NetworkReady=false \
               reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized\"\n\
               active.kubelet=active\ncni=0\n";
    let diagnosis = diagnosed("", &format!("{CLEAN}{cni}"));
    assert_eq!(diagnosis.cause_id, "cni-not-initialized");
    assert_eq!(
        diagnosis.evidence[1],
        "/etc/cni/net.d: no network configuration"
    );
}

#[test]
fn the_error_kubeadm_names_wins_over_the_hosts_state() {
    let token =
        "could not find a JWS signature in the cluster-info ConfigMap for token ID \"abcdef\"";
    assert_eq!(id(token, &format!("{CLEAN}swap=2\n")), "token-unknown");
    // A kubelet restarting while it waits for its join is no cause alone.
    assert_eq!(
        id(
            "boom",
            &format!("{CLEAN}active.kubelet=activating\ncni=0\n")
        ),
        "unknown"
    );
}

#[test]
fn listeners_of_other_addresses_and_ports_are_not_the_hosts() {
    let other = "listen=0600000A:280A\nlisten=0500000A:192B\n";
    assert_eq!(id("boom", &format!("{CLEAN}{other}")), "unknown");
    let any = "listen=00000000000000000000000000000000:280A\n";
    assert_eq!(
        diagnosed("boom", &format!("{CLEAN}{any}")).evidence,
        ["port 10250: [::]:10250 is held"]
    );
}

#[test]
fn matching_cgroup_drivers_and_enabled_cri_are_no_cause() {
    let fine =
        "cgroup_driver=systemd\nsystemd_cgroup=true\ndisabled_plugins=disabled_plugins = []\n";
    assert_eq!(id("boom", &format!("{CLEAN}{fine}")), "unknown");
}

#[test]
fn nothing_known_shows_the_journals_last_lines() {
    let journal: String = (1..=15)
        .map(|n| format!("journal=Dec 02 02:00:{n:02} w1 kubelet[812]: line {n}\n"))
        .collect();
    let diagnosis = diagnosed("error execution phase boom", &format!("{CLEAN}{journal}"));
    assert_eq!(diagnosis.cause_id, "unknown");
    assert_eq!(diagnosis.fix, None);
    assert_eq!(diagnosis.evidence.len(), 10);
    let text = diagnosis.text();
    assert!(
        text.starts_with(
            "no known cause matched; the last lines of kubelet's journal:\n  Dec 02 02:00:06"
        ),
        "{text}"
    );
    assert!(text.ends_with("line 15"));
}

#[test]
fn the_result_serialises_with_its_cause_id_cause_evidence_and_fix() {
    let diagnosis = diagnosed("\t[ERROR Port-10250]: Port 10250 is in use", CLEAN);
    let json = serde_json::to_value(&diagnosis).unwrap();
    assert_eq!(json["cause_id"], "port-10250");
    assert_eq!(
        json["evidence"][0],
        "\t[ERROR Port-10250]: Port 10250 is in use"
    );
    assert_eq!(json["fix"], diagnosis.fix.clone().unwrap());
    assert_eq!(json.as_object().unwrap().len(), 4);
}

#[test]
fn every_cause_in_the_table_has_its_own_id() {
    let mut ids: Vec<&str> = SIGNATURES
        .iter()
        .chain(SYMPTOMS)
        .map(|signature| signature.id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), SIGNATURES.len() + SYMPTOMS.len());
}

#[test]
fn kubeadms_own_error_beats_what_the_hosts_state_suggests() {
    let refused = "error execution phase preflight: couldn't validate the identity of the API Server: Get \
                   \"https://10.0.0.1:6443/api/v1/namespaces/kube-public/configmaps/cluster-info?timeout=10s\": \
                   dial tcp 10.0.0.1:6443: connect: connection refused";
    // 40 s behind: a clock skew the host's state names, listed earlier.
    let skewed = format!("{CLEAN}time={}\n", NOW - 40);
    assert_eq!(id(refused, &skewed), "api-refused");
    let timeout = refused.replace("connect: connection refused", "i/o timeout");
    assert_eq!(id(&timeout, &format!("{skewed}swap=1\n")), "api-timeout");
    // A journal's line beats the host's state too.
    let cni = "journal=E1202 kubelet.go:2874] message:Network plugin returns error: cni plugin not initialized\n";
    assert_eq!(id("boom", &format!("{skewed}{cni}")), "cni-not-initialized");
    // With nothing said, the host's state names the cause.
    assert_eq!(id("boom", &skewed), "clock-skew");
}

#[test]
fn a_cause_is_named_by_what_is_wrong_not_by_its_lines_wording() {
    // A holder whose name reads like another line's wording.
    let held = "listen=0500000A:280A\nholder=users:((\"swap: clock: \",pid=812,fd=3))\n";
    let diagnosis = diagnosed("boom", &format!("{CLEAN}{held}"));
    assert_eq!(diagnosis.cause_id, "port-10250");
    assert_eq!(diagnosis.evidence.len(), 1, "{:?}", diagnosis.evidence);
}

#[test]
fn every_symptom_the_host_can_show_names_a_cause() {
    let symptoms = [
        Symptom::ClockOff,
        Symptom::SwapOn,
        Symptom::IpForwardOff,
        Symptom::ContainerdInactive,
        Symptom::CriDisabled,
        Symptom::CgroupMismatch,
        Symptom::PortHeld,
        Symptom::CniEmpty,
        Symptom::KubeletInactive,
    ];
    for symptom in symptoms {
        // Named here too, so a new symptom is added to this list.
        match symptom {
            Symptom::ClockOff
            | Symptom::SwapOn
            | Symptom::IpForwardOff
            | Symptom::ContainerdInactive
            | Symptom::CriDisabled
            | Symptom::CgroupMismatch
            | Symptom::PortHeld
            | Symptom::CniEmpty
            | Symptom::KubeletInactive => {}
        }
        let named = SIGNATURES.iter().chain(SYMPTOMS).any(|signature| {
            signature
                .clues
                .iter()
                .chain(signature.support)
                .any(|clue| matches!(clue, Clue::Host(shown) if *shown == symptom))
        });
        assert!(named, "{symptom:?}");
    }
}

#[test]
fn cris_plugin_disabled_is_named_in_either_quotes_and_every_config_version() {
    let disabled = [
        "disabled_plugins = [\"cri\"]",
        "disabled_plugins = ['cri']",
        "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
        "disabled_plugins = [ 'io.containerd.snapshotter.v1.devmapper',   'io.containerd.grpc.v1.cri', ]",
        "disabled_plugins = [\"io.containerd.cri.v1.runtime\"]",
    ];
    for line in disabled {
        let answer = format!("{CLEAN}disabled_plugins={line}\n");
        let diagnosis = diagnosed("boom", &answer);
        assert_eq!(diagnosis.cause_id, "cri-disabled", "{line}");
        assert_eq!(
            diagnosis.evidence,
            [format!("/etc/containerd/config.toml: {line}")]
        );
    }
    let enabled = [
        "disabled_plugins = []",
        "disabled_plugins = [\"io.containerd.snapshotter.v1.devmapper\", 'criu']",
        "disabled_plugins = [\"io.containerd.grpc.v1.cri-extra\"]",
    ];
    for line in enabled {
        let answer = format!("{CLEAN}disabled_plugins={line}\n");
        assert_eq!(id("boom", &answer), "unknown", "{line}");
    }
}

#[test]
fn a_crash_loop_kubeadm_saw_gives_way_to_the_cause_the_host_shows() {
    let crashloop = "[kubelet-check] The HTTP call equal to 'curl -sSL http://localhost:10248/healthz' failed with \
                     error: Get \"http://localhost:10248/healthz\": dial tcp [::1]:10248: connect: connection refused.";
    let mismatch = "cgroup_driver=systemd\nsystemd_cgroup=false\n";
    assert_eq!(
        id(crashloop, &format!("{CLEAN}{mismatch}")),
        "cgroup-mismatch"
    );
    assert_eq!(id(crashloop, CLEAN), "kubelet-crashloop");
}
