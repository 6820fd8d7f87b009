//! Big and deep inventories: no step visits a group more than once, so these
//! read in seconds. A step that walked the groups once per group, or looked
//! for a loop at each `children` entry, would take hours on them.

use super::{Inventory, from_text, output};

const N: usize = 100_000;

fn load(name: &str, text: &str) -> Inventory {
    from_text(name, text).unwrap_or_else(|err| panic!("{name}: {err:?}"))
}

/// A chain of `n` groups below g0, which sets `top`; the host at the bottom.
fn chain(n: usize) -> (String, String) {
    let mut ini = String::from("[g0:vars]\ntop=1\n");
    let mut yaml = String::from("g0:\n  vars: {top: 1}\n  children: {g1: }\n");
    for g in 0..n {
        ini.push_str(&format!("[g{g}:children]\ng{}\n", g + 1));
        if g > 0 {
            yaml.push_str(&format!("g{g}:\n  children: {{g{}: }}\n", g + 1));
        }
    }
    ini.push_str(&format!("[g{n}]\nbottom node_role=worker\n"));
    yaml.push_str(&format!(
        "g{n}:\n  hosts: {{bottom: {{node_role: worker}}}}\n"
    ));
    (ini, yaml)
}

#[test]
fn a_chain_of_groups_100000_deep_reads() {
    let (ini, _) = chain(N);
    // YAML shares the model with INI; its reader is slower unoptimised.
    let (_, yaml) = chain(N / 5);
    for (inv, n) in [
        (load("deep.ini", &ini), N),
        (load("deep.yml", &yaml), N / 5),
    ] {
        assert_eq!(inv.host_vars("bottom").unwrap()["top"], 1);
        assert_eq!(inv.select("g1999*").unwrap(), ["bottom"]);
        assert!(output::list(&inv, None).contains(&format!("\"g{n}\"")));
        assert_eq!(inv.roles().workers, ["bottom"]);
        let err = output::graph(&inv, "all").unwrap_err();
        assert!(
            format!("{err:#}").contains("nest more than 1000 deep"),
            "{err:#}"
        );
        assert!(crate::exit::render(&err).contains(output::GRAPH_FIX));
    }
}

#[test]
fn a_100000_groups_wide_inventory_reads() {
    let mut ini = String::new();
    for g in 0..N {
        ini.push_str(&format!("[g{g}]\nh{g}\nshared\n"));
    }
    let inv = load("wide.ini", &ini);
    assert_eq!(inv.hosts().count(), N + 1);
    assert_eq!(inv.select("g*:!g1*").unwrap().len(), N - 11_111);
    assert_eq!(inv.select("&g5,g*").unwrap(), ["shared", "h5"]);
}
