use serde_json::json;

use super::*;

fn vars(value: Value) -> Map<String, Value> {
    value.as_object().unwrap().clone()
}

fn no_vault(_: &str, _: &str) -> Result<String> {
    Err(anyhow::anyhow!("no vault password given"))
}

/// The inventory around host w1.lan, as the templates see it.
struct Lab;

impl Scope for Lab {
    fn groups(&self) -> Map<String, Value> {
        vars(json!({"all": ["w1", "w2"], "storage_nodes": ["w1", "w2"]}))
    }

    fn group_names(&self, _host: &str) -> Vec<String> {
        vec!["storage_nodes".into()]
    }

    fn hostvars(&self) -> Map<String, Value> {
        vars(json!({"w2": {"ansible_host": "192.0.2.12"}}))
    }

    fn origin(&self, _host: &str, variable: &str) -> Option<String> {
        (variable == "ansible_user").then(|| "group_vars/all.yml".to_owned())
    }
}

fn resolve(vars: &Map<String, Value>, name: &str) -> Result<Option<Value>> {
    Resolver::new("w1.lan", vars, &Lab, &no_vault).var(name)
}

#[test]
fn values_render_through_other_variables_and_keep_their_type() {
    let v = vars(json!({
        "domain": "lan",
        "endpoint_host": "master.{{ domain }}",
        "control_plane_endpoint": "{{ endpoint_host }}:6443",
        "timeout": "{{ 30 * 2 }}",
        "plain": 7,
        "labels": ["zone={{ domain | upper }}", "fixed=1"],
    }));
    assert_eq!(
        resolve(&v, "control_plane_endpoint").unwrap(),
        Some(json!("master.lan:6443"))
    );
    assert_eq!(resolve(&v, "timeout").unwrap(), Some(json!(60)));
    assert_eq!(resolve(&v, "plain").unwrap(), Some(json!(7)));
    assert_eq!(
        resolve(&v, "labels").unwrap(),
        Some(json!(["zone=LAN", "fixed=1"]))
    );
    assert_eq!(resolve(&v, "missing").unwrap(), None);
}

#[test]
fn magic_variables_describe_the_host_and_the_inventory() {
    let v = vars(json!({
        "name": "{{ inventory_hostname_short }}-{{ group_names | join(',') }}",
        "peer": "{{ hostvars['w2'].ansible_host }}",
        "count": "{{ groups['storage_nodes'] | length }}",
        "first": "{{ groups.all | first }}",
    }));
    assert_eq!(
        resolve(&v, "name").unwrap(),
        Some(json!("w1-storage_nodes"))
    );
    assert_eq!(resolve(&v, "peer").unwrap(), Some(json!("192.0.2.12")));
    assert_eq!(resolve(&v, "count").unwrap(), Some(json!(2)));
    assert_eq!(resolve(&v, "first").unwrap(), Some(json!("w1")));
}

#[test]
fn ansibles_filters_work_as_there() {
    let v = vars(json!({
        "a": "{{ nope | default('x') }}",
        "b": "{{ nope | d('y') }}",
        "c": "{{ 'yes' | bool }}",
        "d": "{{ 'no' | bool }}",
        "e": "{{ '08' | int + 1 }}",
        "f": "{{ 'k8s-node-01' | regex_replace('^k8s-(.*)-(\\\\d+)$', '\\\\2:\\\\1') }}",
        "g": "{{ '  x ' | trim }}-{{ 'A' | lower }}{{ 5 | string }}",
        "h": "{{ 'a.b' | replace('.', '-') }}",
        "i": "{{ ['p', 'q'] | last }}",
    }));
    let got = |name| resolve(&v, name).unwrap().unwrap();
    assert_eq!(got("a"), json!("x"));
    assert_eq!(got("b"), json!("y"));
    assert_eq!(got("c"), json!(true));
    assert_eq!(got("d"), json!(false));
    assert_eq!(got("e"), json!(9));
    assert_eq!(got("f"), json!("01:node"));
    assert_eq!(got("g"), json!("x-a5"));
    assert_eq!(got("h"), json!("a-b"));
    assert_eq!(got("i"), json!("q"));
}

#[test]
fn an_undefined_variable_names_host_variable_and_what_is_missing() {
    let v = vars(json!({"ansible_user": "{{ admin_user }}", "x": "a{{ nothing }}b"}));
    let err = resolve(&v, "ansible_user").unwrap_err().to_string();
    assert!(
        err.starts_with(
            "host w1.lan: variable ansible_user (from group_vars/all.yml) is \"{{ admin_user }}\", \
             which uses admin_user: not defined for w1.lan"
        ),
        "{err}"
    );
    let err = resolve(&v, "x").unwrap_err().to_string();
    assert!(err.contains("which uses nothing: not defined"), "{err}");
}

#[test]
fn syntax_errors_and_loops_are_named() {
    let v = vars(json!({"bad": "{{ a | }}", "a": "{{ b }}", "b": "{{ a }}", "me": "x{{ me }}"}));
    let err = resolve(&v, "bad").unwrap_err().to_string();
    assert!(
        err.contains("variable bad is \"{{ a | }}\", which cannot be templated: syntax error"),
        "{err}"
    );
    let err = resolve(&v, "a").unwrap_err().to_string();
    assert!(err.contains("a → b → a"), "{err}");
    let err = resolve(&v, "me").unwrap_err().to_string();
    assert!(err.contains("me → me"), "{err}");
}

#[test]
fn vaulted_values_open_when_used_and_unsafe_ones_stay_text() {
    let v = vars(json!({
        "vault_pass": {"__ansible_vault": "$ANSIBLE_VAULT;1.1;AES256\n00"},
        "ansible_become_pass": "{{ vault_pass }}",
        "raw": {"__ansible_unsafe": "{{ not rendered }}"},
        "unused": {"__ansible_vault": "$ANSIBLE_VAULT;1.1;AES256\n11"},
    }));
    let unvault = |name: &str, text: &str| -> Result<String> {
        assert_eq!(name, "vault_pass");
        Ok(format!("opened {}", text.len()))
    };
    let resolver = Resolver::new("w1", &v, &Lab, &unvault);
    assert_eq!(
        resolver.var("ansible_become_pass").unwrap(),
        Some(json!("opened 28"))
    );
    assert_eq!(
        resolver.var("raw").unwrap(),
        Some(json!("{{ not rendered }}"))
    );
    // Without a password, only what is used fails.
    let err = resolve(&v, "vault_pass").unwrap_err().to_string();
    assert!(err.contains("no vault password"), "{err}");
    assert_eq!(
        resolve(&v, "raw").unwrap(),
        Some(json!("{{ not rendered }}"))
    );
}

mod fuzz {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn any_text_renders_or_fails_without_a_panic(text in "[a-z{}%#|'()=. 0-9-]{0,40}") {
            let v = vars(json!({"x": text, "y": "{{ x }}", "a": 1}));
            let _ = resolve(&v, "y");
        }
    }
}
