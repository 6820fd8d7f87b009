//! Why a variable could not be templated: the host, the variable, its
//! text, and what to change.

/// The template names a variable the host does not have.
pub fn undefined(host: &str, variable: &str, text: &str, missing: &str) -> String {
    format!(
        "host {host}: variable {variable} ({text:?}) uses {missing}, which is not defined for \
         {host}\n  fix: define {missing} for {host} (in the inventory, group_vars/ or \
         host_vars/, or with -e), or give a default: {{{{ {missing} | default('…') }}}}"
    )
}

/// minijinja could not compile or render the template.
pub fn failed(host: &str, variable: &str, text: &str, detail: &str) -> String {
    format!(
        "host {host}: variable {variable} ({text:?}) cannot be templated: {detail}\n  fix: \
         correct the template; Ansible's Jinja2 syntax and its filters default/d, lower, upper, \
         int, bool, string, join, replace, regex_replace, trim, first and last are understood"
    )
}

/// Variables that lead back to themselves (or too deep to follow).
pub fn loop_of(host: &str, chain: &[String]) -> String {
    format!(
        "host {host}: variables refer to each other in a loop: {}\n  fix: break the loop by \
         giving one of them a plain value",
        chain.join(" → ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_names_host_variable_and_fix() {
        let text = undefined("w1", "ansible_user", "{{ admin }}", "admin");
        assert!(text.starts_with(
            "host w1: variable ansible_user (\"{{ admin }}\") uses admin, which is not defined for w1"
        ));
        assert!(text.contains("fix: define admin for w1"), "{text}");
        assert!(text.ends_with("{{ admin | default('…') }}"), "{text}");
        let text = failed(
            "w1",
            "x",
            "{{ a | nope }}",
            "unknown filter: filter nope is unknown",
        );
        assert!(
            text.contains("cannot be templated: unknown filter"),
            "{text}"
        );
        assert!(text.contains("fix: correct the template"), "{text}");
        let text = loop_of("w1", &["a".into(), "b".into(), "a".into()]);
        assert!(text.contains("a → b → a"), "{text}");
        assert!(text.contains("fix: break the loop"), "{text}");
    }
}
