//! Why a variable could not be templated: the host, the variable, where it
//! came from, its text, and what to change.

use super::Advice;

/// The template names a variable the host does not have. `at` says where
/// the variable came from (` (from group_vars/all.yml)`), or is empty.
pub fn undefined(host: &str, variable: &str, at: &str, text: &str, missing: &str) -> Advice {
    Advice::new(
        format!(
            "host {host}: variable {variable}{at} is {text:?}, which uses {missing}: not defined \
             for {host}"
        ),
        format!(
            "define {missing} for {host} (in the inventory, group_vars/, host_vars/ or with -e), \
             or give a default: {{{{ {missing} | default('…') }}}}"
        ),
    )
}

/// minijinja could not compile or render the template.
pub fn failed(host: &str, variable: &str, at: &str, text: &str, detail: &str) -> Advice {
    Advice::new(
        format!(
            "host {host}: variable {variable}{at} is {text:?}, which cannot be templated: {detail}"
        ),
        "correct the template; Ansible's Jinja2 syntax and its filters default/d, lower, upper, \
         int, bool, string, join, replace, regex_replace, trim, first and last are understood",
    )
}

/// Variables that lead back to themselves (or too deep to follow).
pub fn loop_of(host: &str, chain: &[String]) -> Advice {
    Advice::new(
        format!(
            "host {host}: variables refer to each other in a loop: {}",
            chain.join(" → ")
        ),
        "break the loop by giving one of them a plain value",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_names_host_variable_origin_and_fix() {
        let advice = undefined(
            "w1",
            "ansible_user",
            " (from group_vars/all.yml)",
            "{{ admin }}",
            "admin",
        );
        assert_eq!(
            advice.message,
            "host w1: variable ansible_user (from group_vars/all.yml) is \"{{ admin }}\", which \
             uses admin: not defined for w1"
        );
        let fix = advice.fix.unwrap();
        assert!(fix.starts_with("define admin for w1"), "{fix}");
        assert!(fix.ends_with("{{ admin | default('…') }}"), "{fix}");
        let advice = failed("w1", "x", "", "{{ a | nope }}", "unknown filter");
        assert!(
            advice
                .message
                .ends_with("cannot be templated: unknown filter"),
            "{}",
            advice.message
        );
        assert!(advice.fix.unwrap().starts_with("correct the template"));
        let advice = loop_of("w1", &["a".into(), "b".into(), "a".into()]);
        assert!(advice.message.ends_with("a → b → a"), "{}", advice.message);
        assert!(advice.fix.unwrap().starts_with("break the loop"));
    }
}
