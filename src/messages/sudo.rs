//! Become through sudo (`ansible_become`): what sudo's refusals mean, each
//! with its fix, what `-K` asks, and the become variables `deploy` cannot
//! use.

use super::Advice;

/// Where a become password came from, so that the fix for a refused one
/// says where to correct it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordFrom {
    /// An inventory variable: `ansible_become_password` or `ansible_become_pass`.
    Variable(&'static str),
    /// Typed at `-K`'s prompt.
    Prompt,
}

/// `-K`'s question: Ansible's own words, so the prompt looks as it always did.
pub const PROMPT: &str = "BECOME password: ";

/// sudo wants a password and none was given: `login` logged in to `host`
/// and was to become `become_user`.
pub fn asked(host: &str, login: &str, become_user: &str) -> Advice {
    Advice::new(
        format!("sudo asks {login} for a password to become {become_user}"),
        format!(
            "give deploy {login}'s password on the host: ansible_become_password for {host} in the \
             inventory (encrypted with ansible-vault), or -K to type it once; or allow {login} \
             sudo without one: `{login} ALL=(ALL) NOPASSWD: ALL` in /etc/sudoers.d/{login}"
        ),
    )
}

/// sudo asked for the password and refused the one given (`from`), in
/// the words of `stderr`.
pub fn refused(host: &str, login: &str, from: Option<PasswordFrom>, stderr: &str) -> Advice {
    // sudo's last word is the one that counts ("1 incorrect password attempt").
    let said = stderr
        .lines()
        .map(str::trim)
        .rfind(|line| line.starts_with("sudo:"))
        .map(|line| format!(" ({line})"))
        .unwrap_or_default();
    let fix = match from {
        Some(PasswordFrom::Variable(var)) => format!(
            "check {var} for {host}: it must be {login}'s password on the host, the one sudo asks for"
        ),
        Some(PasswordFrom::Prompt) => {
            format!("run again and type {login}'s password on {host} at -K's prompt")
        }
        None => format!("check the become password for {host} (ansible_become_password or -K)"),
    };
    Advice::new(
        format!("sudo refused the become password for {login}{said}"),
        fix,
    )
}

/// `login` may not use sudo, or not as `become_user`: sudo's words in `stderr`.
pub fn denied(login: &str, become_user: &str, stderr: &str) -> Advice {
    Advice::new(
        format!(
            "{login} may not use sudo to become {become_user}: {}",
            sudo_line(stderr)
        ),
        format!(
            "allow {login} to run commands as {become_user} in /etc/sudoers.d/, \
             or set ansible_become_user / ansible_become: false"
        ),
    )
}

/// sudo is not installed.
pub fn missing() -> Advice {
    Advice::new(
        "sudo is not installed, and ansible_become asks for it",
        "install sudo on the host, or connect as root (ansible_user: root) without ansible_become",
    )
}

/// `-K` could not ask: no terminal (`why`: opening it failed).
pub fn no_terminal(why: &std::io::Error) -> Advice {
    Advice::new(
        format!("-K (--ask-become-pass) needs a terminal to ask on: {why}"),
        "run deploy from a terminal, or give the password in the inventory: \
         ansible_become_password, encrypted with ansible-vault",
    )
}

/// A become password variable sudo could not read as it is meant: sudo
/// reads one line, ending at a line feed or a carriage return.
pub fn password_unusable(host: &str, var: &str) -> Advice {
    Advice::new(
        format!(
            "host {host}: {var}: the password holds a line break or a NUL: sudo reads one line"
        ),
        format!(
            "set {var} to the password alone, on one line (a YAML `|` block keeps its line \
             breaks: use a quoted string)"
        ),
    )
}

/// The same of the password typed at `-K`.
pub fn typed_password_unusable() -> Advice {
    Advice::new(
        "the password typed at -K holds a NUL: sudo reads one line of text",
        "type the password alone, then Enter",
    )
}

/// A become password variable that is a list or a mapping: named, never
/// shown.
pub fn password_not_text(host: &str, var: &str) -> Advice {
    Advice::new(
        format!("host {host}: {var}: the password is not a text value"),
        format!("set {var} to the password as a string (quoted in YAML)"),
    )
}

/// `ansible_become_method` names something other than sudo.
pub fn method_unsupported(host: &str, method: &str) -> Advice {
    Advice::new(
        format!("host {host}: ansible_become_method: become method `{method}` is not supported"),
        "use `sudo` (the default): set ansible_become_method: sudo, or leave it out",
    )
}

/// sudo's own complaint: its first line, not the audit noise after it.
fn sudo_line(stderr: &str) -> String {
    stderr
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("sudo:") || line.contains("sudoers"))
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remote::sample;

    fn said(advice: Advice) -> (String, String) {
        (
            advice.message,
            advice.fix.expect("every sudo failure has a fix"),
        )
    }

    #[test]
    fn a_password_sudo_wants_can_come_from_the_inventory_or_k() {
        assert_eq!(
            said(asked("storagenodet3500", "deployer", "root")),
            (
                "sudo asks deployer for a password to become root".into(),
                "give deploy deployer's password on the host: ansible_become_password for \
                 storagenodet3500 in the inventory (encrypted with ansible-vault), or -K to type \
                 it once; or allow deployer sudo without one: `deployer ALL=(ALL) NOPASSWD: ALL` \
                 in /etc/sudoers.d/deployer"
                    .into()
            )
        );
    }

    #[test]
    fn a_refused_password_says_where_it_came_from() {
        let stderr = sample("sudo-wrong-password");
        let from = |from| refused("storagenodet3500", "deployer", from, stderr);
        assert_eq!(
            said(from(Some(PasswordFrom::Variable("ansible_become_pass")))),
            (
                "sudo refused the become password for deployer \
                 (sudo: 1 incorrect password attempt)"
                    .into(),
                "check ansible_become_pass for storagenodet3500: it must be deployer's password \
                 on the host, the one sudo asks for"
                    .into()
            )
        );
        assert_eq!(
            said(from(Some(PasswordFrom::Prompt))).1,
            "run again and type deployer's password on storagenodet3500 at -K's prompt"
        );
        assert_eq!(
            said(from(None)).1,
            "check the become password for storagenodet3500 (ansible_become_password or -K)"
        );
        assert_eq!(
            refused("w1", "deployer", None, "").message,
            "sudo refused the become password for deployer"
        );
    }

    #[test]
    fn sudo_refusing_the_user_names_the_user_and_how_to_allow_it() {
        assert_eq!(
            said(denied("deployer", "root", sample("sudo-unknown-user"))),
            (
                "deployer may not use sudo to become root: sudo: unknown user nosuchuser".into(),
                "allow deployer to run commands as root in /etc/sudoers.d/, \
                 or set ansible_become_user / ansible_become: false"
                    .into()
            )
        );
        assert_eq!(
            said(missing()),
            (
                "sudo is not installed, and ansible_become asks for it".into(),
                "install sudo on the host, or connect as root (ansible_user: root) \
                 without ansible_become"
                    .into()
            )
        );
    }

    #[test]
    fn k_without_a_terminal_says_where_else_the_password_goes() {
        let why = std::io::Error::from_raw_os_error(libc::ENXIO);
        let (message, fix) = said(no_terminal(&why));
        assert!(
            message.starts_with("-K (--ask-become-pass) needs a terminal to ask on: "),
            "{message}"
        );
        assert_eq!(
            fix,
            "run deploy from a terminal, or give the password in the inventory: \
             ansible_become_password, encrypted with ansible-vault"
        );
    }

    #[test]
    fn unusable_passwords_and_methods_name_host_and_variable() {
        assert_eq!(
            said(password_unusable("w1", "ansible_become_password")),
            (
                "host w1: ansible_become_password: the password holds a line break or a NUL: \
                 sudo reads one line"
                    .into(),
                "set ansible_become_password to the password alone, on one line (a YAML `|` \
                 block keeps its line breaks: use a quoted string)"
                    .into()
            )
        );
        assert_eq!(
            said(typed_password_unusable()).1,
            "type the password alone, then Enter"
        );
        assert_eq!(
            said(password_not_text("w1", "ansible_become_pass")),
            (
                "host w1: ansible_become_pass: the password is not a text value".into(),
                "set ansible_become_pass to the password as a string (quoted in YAML)".into()
            )
        );
        assert_eq!(
            said(method_unsupported("w1", "su")),
            (
                "host w1: ansible_become_method: become method `su` is not supported".into(),
                "use `sudo` (the default): set ansible_become_method: sudo, or leave it out".into()
            )
        );
    }
}
