//! Property tests: whatever the bytes, the readers return a value or an
//! error, never a panic.

use proptest::prelude::*;

use super::{from_text, source};

fn load_bytes(name: &str, bytes: Vec<u8>) {
    let Ok(text) = source::check(name, bytes) else {
        return;
    };
    if let Ok(inv) = from_text(name, &text) {
        let _ = super::output::list(&inv, None);
        let _ = super::output::graph(&inv, "all");
        if let Some(host) = inv.hosts().next() {
            let _ = super::output::host(&inv, host);
        }
        for pattern in ["all", "a*,!b", "&g", "x:y"] {
            let _ = inv.select(pattern);
        }
    }
}

/// Fragments that steer random text into the parsers' interesting corners.
fn yamlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("all:".to_owned()),
        Just("hosts:".to_owned()),
        Just("children:".to_owned()),
        Just("vars:".to_owned()),
        Just("- ".to_owned()),
        Just("&a ".to_owned()),
        Just("*a".to_owned()),
        Just("<<: ".to_owned()),
        Just("!!str ".to_owned()),
        Just("!unsafe ".to_owned()),
        Just("!vault ".to_owned()),
        Just("!!map ".to_owned()),
        Just("node[01:0".to_owned()),
        Just("[1:3]".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("'".to_owned()),
        Just("\"".to_owned()),
        Just("\n".to_owned()),
        Just("\n  ".to_owned()),
        Just("\n    ".to_owned()),
        Just(": ".to_owned()),
        Just("yes".to_owned()),
        Just("1:30".to_owned()),
        Just("0x1F".to_owned()),
        Just("2001-12-14t21:59:43.10-05:00".to_owned()),
        "[a-z0-9_.:-]{0,8}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

fn iniish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("[g]".to_owned()),
        Just("[g:vars]".to_owned()),
        Just("[g:children]".to_owned()),
        Just("[all:vars]".to_owned()),
        Just("h[1:3]".to_owned()),
        Just("h:22".to_owned()),
        Just(" a=".to_owned()),
        Just("'x y'".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just("[1, (2, {3: 4})]".to_owned()),
        Just("0x1_0".to_owned()),
        Just("b'\\x41'".to_owned()),
        Just("# c".to_owned()),
        Just("\n".to_owned()),
        "[a-z0-9=:'\\[\\](){},.]{0,8}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        load_bytes("fuzz.yml", bytes.clone());
        load_bytes("fuzz.ini", bytes);
    }

    #[test]
    fn random_yaml_never_panics(text in yamlish()) {
        load_bytes("fuzz.yml", text.into_bytes());
    }

    #[test]
    fn random_ini_never_panics(text in iniish()) {
        load_bytes("fuzz.ini", text.clone().into_bytes());
        load_bytes("fuzz", text.into_bytes());
    }

    #[test]
    fn random_literals_never_panic(text in "\\PC{0,40}") {
        let _ = super::pyliteral::eval(&text);
        let _ = super::yaml11::resolve(&text);
        let _ = super::hostname::expand(&text);
        let _ = super::pattern::glob(&text, "web01");
    }
}
