//! A fetched kubeconfig merged into the user's own, as `kubectl config`
//! keeps it: its cluster, user and context entered under one name, every
//! other entry kept. An entry of that name for another API server is never
//! overwritten; one for the same server (the cluster set up again) is.

use serde_yaml::{Mapping, Value};

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged {
    /// The new file's text.
    Changed(String),
    /// The file already holds exactly this context.
    Unchanged,
}

/// Why a merge was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeRefused {
    /// The fetched kubeconfig lacks a cluster, user or context.
    Incomplete(&'static str),
    /// The user's file is not a kubeconfig (the YAML error or the reason).
    NotKubeconfig(String),
    /// An entry of `name` exists for another server (`theirs`).
    Taken { name: String, theirs: String },
}

/// The server of the first cluster of a kubeconfig.
pub fn server(kubeconfig: &str) -> Option<String> {
    let doc: Value = serde_yaml::from_str(kubeconfig).ok()?;
    first(&doc, "clusters", "cluster")?
        .get("server")?
        .as_str()
        .map(str::to_owned)
}

/// `fetched` entered into `existing` (`None`: no file yet) as `name`.
pub fn merge(existing: Option<&str>, fetched: &str, name: &str) -> Result<Merged, MergeRefused> {
    let source: Value =
        serde_yaml::from_str(fetched).map_err(|_| MergeRefused::Incomplete("clusters"))?;
    let cluster =
        first(&source, "clusters", "cluster").ok_or(MergeRefused::Incomplete("clusters"))?;
    let user = first(&source, "users", "user").ok_or(MergeRefused::Incomplete("users"))?;
    let ours = cluster.get("server").and_then(Value::as_str).unwrap_or("");

    let mut doc = match existing.filter(|text| !text.trim().is_empty()) {
        Some(text) => match serde_yaml::from_str::<Value>(text) {
            Ok(Value::Mapping(map)) => map,
            Ok(_) => return Err(MergeRefused::NotKubeconfig("not a mapping".into())),
            Err(err) => return Err(MergeRefused::NotKubeconfig(err.to_string())),
        },
        None => skeleton(),
    };
    if let Some(theirs) = entry(&doc, "clusters", name)
        .and_then(|entry| entry.get("cluster"))
        .and_then(|cluster| cluster.get("server"))
        .and_then(Value::as_str)
        .filter(|theirs| *theirs != ours)
    {
        return Err(MergeRefused::Taken {
            name: name.to_owned(),
            theirs: theirs.to_owned(),
        });
    }
    let before = doc.clone();
    put(&mut doc, "clusters", name, "cluster", cluster.clone());
    put(&mut doc, "users", name, "user", user.clone());
    let mut context = Mapping::new();
    context.insert("cluster".into(), name.into());
    context.insert("user".into(), name.into());
    put(
        &mut doc,
        "contexts",
        name,
        "context",
        Value::Mapping(context),
    );
    let current = doc
        .get("current-context")
        .and_then(Value::as_str)
        .unwrap_or("");
    if current.is_empty() {
        doc.insert("current-context".into(), name.into());
    }
    if doc == before {
        return Ok(Merged::Unchanged);
    }
    serde_yaml::to_string(&Value::Mapping(doc))
        .map(Merged::Changed)
        .map_err(|err| MergeRefused::NotKubeconfig(err.to_string()))
}

fn skeleton() -> Mapping {
    let mut doc = Mapping::new();
    doc.insert("apiVersion".into(), "v1".into());
    doc.insert("kind".into(), "Config".into());
    doc.insert("preferences".into(), Value::Mapping(Mapping::new()));
    doc
}

/// The body (`key`) of the first entry of `list`.
fn first<'a>(doc: &'a Value, list: &str, key: &str) -> Option<&'a Value> {
    doc.get(list)?.as_sequence()?.first()?.get(key)
}

/// The entry named `name` of `list`.
fn entry<'a>(doc: &'a Mapping, list: &str, name: &str) -> Option<&'a Value> {
    doc.get(list)?
        .as_sequence()?
        .iter()
        .find(|entry| entry.get("name").and_then(Value::as_str) == Some(name))
}

/// Sets the entry `name` of `list` to `{name, key: body}`, in place when
/// there is one, appended otherwise.
fn put(doc: &mut Mapping, list: &str, name: &str, key: &str, body: Value) {
    let mut fresh = Mapping::new();
    fresh.insert("name".into(), name.into());
    fresh.insert(key.into(), body);
    let entries = doc
        .entry(list.into())
        .or_insert_with(|| Value::Sequence(Vec::new()));
    if !entries.is_sequence() {
        *entries = Value::Sequence(Vec::new());
    }
    if let Some(entries) = entries.as_sequence_mut() {
        match entries
            .iter_mut()
            .find(|entry| entry.get("name").and_then(Value::as_str) == Some(name))
        {
            Some(entry) => *entry = Value::Mapping(fresh),
            None => entries.push(Value::Mapping(fresh)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admin(server: &str, key: &str) -> String {
        format!(
            "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: Q0E=\n    \
             server: {server}\n  name: kubernetes\ncontexts:\n- context:\n    cluster: kubernetes\n    \
             user: kubernetes-admin\n  name: kubernetes-admin@kubernetes\ncurrent-context: \
             kubernetes-admin@kubernetes\nkind: Config\npreferences: {{}}\nusers:\n- name: \
             kubernetes-admin\n  user:\n    client-key-data: {key}\n"
        )
    }

    const OTHER: &str = "apiVersion: v1\nkind: Config\nclusters:\n- name: work\n  cluster:\n    \
                         server: https://work:6443\nusers:\n- name: work\n  user:\n    token: t\n\
                         contexts:\n- name: work\n  context:\n    cluster: work\n    user: work\n\
                         current-context: work\n";

    fn merged(existing: Option<&str>, fetched: &str, name: &str) -> Value {
        match merge(existing, fetched, name).unwrap() {
            Merged::Changed(text) => serde_yaml::from_str(&text).unwrap(),
            Merged::Unchanged => panic!("unchanged"),
        }
    }

    fn names(doc: &Value, list: &str) -> Vec<String> {
        doc[list]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|entry| entry["name"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn a_new_file_gets_the_context_and_makes_it_current() {
        let doc = merged(None, &admin("https://10.0.0.1:6443", "K"), "home");
        assert_eq!(names(&doc, "contexts"), ["home"]);
        assert_eq!(doc["current-context"], "home");
        assert_eq!(doc["contexts"][0]["context"]["user"], "home");
        assert_eq!(doc["users"][0]["user"]["client-key-data"], "K");
        assert_eq!(
            doc["clusters"][0]["cluster"]["server"],
            "https://10.0.0.1:6443"
        );
    }

    #[test]
    fn other_contexts_stay_and_the_current_one_is_kept() {
        let doc = merged(Some(OTHER), &admin("https://10.0.0.1:6443", "K"), "home");
        assert_eq!(names(&doc, "contexts"), ["work", "home"]);
        assert_eq!(names(&doc, "users"), ["work", "home"]);
        assert_eq!(doc["users"][0]["user"]["token"], "t");
        assert_eq!(doc["current-context"], "work");
    }

    #[test]
    fn the_same_cluster_again_is_unchanged_or_replaced_and_another_is_refused() {
        let fetched = admin("https://10.0.0.1:6443", "K");
        let Merged::Changed(once) = merge(Some(OTHER), &fetched, "home").unwrap() else {
            panic!()
        };
        assert_eq!(
            merge(Some(&once), &fetched, "home").unwrap(),
            Merged::Unchanged
        );
        // Set up again: new keys, same server.
        let doc = merged(Some(&once), &admin("https://10.0.0.1:6443", "K2"), "home");
        assert_eq!(names(&doc, "users"), ["work", "home"]);
        assert_eq!(doc["users"][1]["user"]["client-key-data"], "K2");
        assert_eq!(
            merge(Some(&once), &fetched, "work"),
            Err(MergeRefused::Taken {
                name: "work".into(),
                theirs: "https://work:6443".into()
            })
        );
    }

    #[test]
    fn broken_inputs_are_refused() {
        assert!(matches!(
            merge(Some("- a list"), &admin("https://x:6443", "K"), "n"),
            Err(MergeRefused::NotKubeconfig(_))
        ));
        assert_eq!(
            merge(None, "kind: Config\n", "n"),
            Err(MergeRefused::Incomplete("clusters"))
        );
        assert_eq!(
            server(&admin("https://x:6443", "K")).as_deref(),
            Some("https://x:6443")
        );
    }
}
