//! A host's become variables, read as Ansible's sudo become plugin reads
//! them: `ansible_become`, `ansible_become_method` (sudo only),
//! `ansible_become_user` and the password in `ansible_become_password` or
//! `ansible_become_pass`.

use anyhow::Result;
use serde_json::{Map, Value};

use super::sudo::{Become, BecomePassword};
use super::vars::{ansible_boolean, bad_var, text};
use crate::exit::Problem;
use crate::messages::sudo::{self as say, PasswordFrom};

/// The variables that give the become password, in the order of Ansible's
/// sudo plugin: where both are set, the later one wins (ansible-core's
/// config manager keeps the last of a setting's variables that is defined).
const PASSWORD_VARS: [&str; 2] = ["ansible_become_password", "ansible_become_pass"];

/// Whom `name` becomes, and with what password; `None` without become.
/// Mistakes are usage errors naming the host and the variable, and never
/// quoting a password.
pub(super) fn read(name: &str, vars: &Map<String, Value>) -> Result<Option<Become>> {
    if !become_enabled(name, vars)? {
        return Ok(None);
    }
    match text(name, vars, "ansible_become_method")?.as_deref() {
        None | Some("sudo") => {}
        Some(other) => return Err(Problem::usage(say::method_unsupported(name, other)).into()),
    }
    Ok(Some(Become {
        user: text(name, vars, "ansible_become_user")?.unwrap_or_else(|| "root".into()),
        password: password(name, vars)?,
    }))
}

/// `ansible_become`, read as Ansible's `boolean` does. Anything else is a
/// mistake we refuse rather than silently treating as false.
fn become_enabled(name: &str, vars: &Map<String, Value>) -> Result<bool> {
    let Some(value) = vars.get("ansible_become") else {
        return Ok(false);
    };
    let parsed = match value {
        Value::Bool(flag) => Some(*flag),
        Value::Number(number) => number.as_f64().and_then(|n| match n {
            1.0 => Some(true),
            0.0 => Some(false),
            _ => None,
        }),
        Value::String(word) => ansible_boolean(word),
        Value::Null => Some(false),
        _ => None,
    };
    parsed.ok_or_else(|| {
        bad_var(
            name,
            "ansible_become",
            format!("`{value}` is not a boolean"),
        )
        .fix("use true or false (yes/no, on/off, 1/0 also work)")
        .into()
    })
}

/// The inventory's become password: of the variables that give one, the
/// last set (null is unset). Text, or a number as it is written.
fn password(name: &str, vars: &Map<String, Value>) -> Result<Option<BecomePassword>> {
    let mut found = None;
    for var in PASSWORD_VARS {
        let from = PasswordFrom::Variable(var);
        let text = match vars.get(var) {
            None | Some(Value::Null) => continue,
            Some(Value::String(text)) => text.clone(),
            Some(Value::Number(number)) => number.to_string(),
            Some(_) => return Err(Problem::usage(say::password_not_text(name, var)).into()),
        };
        let password = BecomePassword::new(&text, from)
            .ok_or_else(|| Problem::usage(say::password_unusable(name, var)))?;
        found = Some(password);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::{Code, code_of};
    use crate::remote::Target;
    use serde_json::json;

    fn vars(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    fn read_json(value: Value) -> Result<Option<Become>> {
        read("n", &vars(value))
    }

    /// The password read, and where from.
    fn password_of(value: Value) -> Option<(String, PasswordFrom)> {
        let sudo = read_json(value).unwrap().unwrap();
        sudo.password
            .map(|password| (password.secret().expose().to_owned(), password.from()))
    }

    #[test]
    fn become_follows_ansible_boolean() {
        for yes in [
            json!(true),
            json!("yes"),
            json!("On"),
            json!("1"),
            json!(1),
            json!("TRUE"),
        ] {
            let target = Target::from_vars("n", &vars(json!({ "ansible_become": yes }))).unwrap();
            assert_eq!(target.become_user(), Some("root"), "{yes}");
        }
        for no in [
            json!(false),
            json!("no"),
            json!("off"),
            json!("0"),
            json!(0),
        ] {
            let target = Target::from_vars("n", &vars(json!({ "ansible_become": no }))).unwrap();
            assert_eq!(target.become_user(), None, "{no}");
        }
        let err = Target::from_vars("n", &vars(json!({"ansible_become": "sure"}))).unwrap_err();
        assert_eq!(code_of(&err), Code::Usage);
        let target = Target::from_vars(
            "n",
            &vars(json!({"ansible_become": true, "ansible_become_user": "postgres"})),
        )
        .unwrap();
        assert_eq!(target.become_user(), Some("postgres"));
    }

    #[test]
    fn only_sudo_becomes() {
        assert!(
            read_json(json!({"ansible_become": true, "ansible_become_method": "sudo"})).is_ok()
        );
        for method in ["su", "doas", "pbrun"] {
            let err = read_json(json!({"ansible_become": true, "ansible_become_method": method}))
                .unwrap_err();
            assert_eq!(code_of(&err), Code::Usage);
            assert_eq!(
                format!("{err:#}"),
                format!("host n: ansible_become_method: become method `{method}` is not supported")
            );
            assert!(crate::exit::fix_of(&err).is_some_and(|fix| fix.contains("sudo")));
        }
        // Without become, the method is not used, so not judged.
        assert_eq!(
            read_json(json!({"ansible_become_method": "su"})).unwrap(),
            None
        );
    }

    #[test]
    fn the_password_comes_from_either_variable_and_become_pass_wins() {
        let pass = |var: &'static str, text: &str| (text.to_owned(), PasswordFrom::Variable(var));
        assert_eq!(password_of(json!({"ansible_become": true})), None);
        assert_eq!(
            password_of(json!({"ansible_become": true, "ansible_become_password": "a b"})),
            Some(pass("ansible_become_password", "a b"))
        );
        assert_eq!(
            password_of(json!({
                "ansible_become": true,
                "ansible_become_password": "first",
                "ansible_become_pass": "second",
            })),
            Some(pass("ansible_become_pass", "second"))
        );
        // Null is unset, as Ansible skips an undefined value.
        assert_eq!(
            password_of(json!({
                "ansible_become": true,
                "ansible_become_password": "first",
                "ansible_become_pass": null,
            })),
            Some(pass("ansible_become_password", "first"))
        );
        assert_eq!(
            password_of(json!({"ansible_become": true, "ansible_become_pass": 1234})),
            Some(pass("ansible_become_pass", "1234"))
        );
        // A line from a file, its line feed and all, is the line.
        assert_eq!(
            password_of(json!({"ansible_become": true, "ansible_become_pass": "pw\n"})),
            Some(pass("ansible_become_pass", "pw"))
        );
    }

    #[test]
    fn an_unusable_password_is_named_never_shown() {
        for (value, says) in [
            (json!("two\nlines"), "holds a line break"),
            (json!(["s3cr3t"]), "is not a text value"),
            (json!({"s3cr3t": 1}), "is not a text value"),
        ] {
            let err = read_json(json!({"ansible_become": true, "ansible_become_password": value}))
                .unwrap_err();
            assert_eq!(code_of(&err), Code::Usage);
            let text = format!("{err:#}");
            assert!(
                text.starts_with("host n: ansible_become_password: ") && text.contains(says),
                "{text}"
            );
            assert!(
                !text.contains("s3cr3t") && !text.contains("lines"),
                "{text}"
            );
            assert!(crate::exit::fix_of(&err).is_some());
        }
    }
}
