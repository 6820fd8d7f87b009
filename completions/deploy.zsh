#compdef deploy

autoload -U is-at-least

_deploy() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'*-i+[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*--inventory=[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*-e+[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--extra-vars=[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--vault-password-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-pass-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-id=[Vault password for vault id LABEL\: a file, an executable or \`prompt\`; repeatable \[env\: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated\]]:LABEL@SOURCE:_default' \
'-l+[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'--limit=[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'-f+[Hosts worked on at once]:N:_default' \
'--forks=[Hosts worked on at once]:N:_default' \
'--log-dir=[Directory for logs, kubeconfigs and the run summary]:DIR:_files' \
'--connect-timeout=[Time allowed to open an SSH connection to a host]:DURATION:_default' \
'--color=[When to use colour (NO_COLOR and a non-terminal also turn it off)]:WHEN:(auto always never)' \
'-J[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-pass[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-password[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'-y[Answer yes to every confirmation]' \
'--yes[Answer yes to every confirmation]' \
'--check[Show what would be done, change nothing]' \
'--dry-run[Show what would be done, change nothing]' \
'-K[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-pass[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-password[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'(-q --quiet)*-v[Say more (repeat for more detail)]' \
'(-q --quiet)*--verbose[Say more (repeat for more detail)]' \
'-q[Say less\: no progress bars, only events, failures and the summary]' \
'--quiet[Say less\: no progress bars, only events, failures and the summary]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_deploy_commands" \
"*::: :->deploy" \
&& ret=0
    case $state in
    (deploy)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:deploy-command-$line[1]:"
        case $line[1] in
            (all)
_arguments "${_arguments_options[@]}" : \
'*--ignore-check=[Turn a failing check into a warning (a check id, or \`all\`); repeatable]:ID|all:_default' \
'--wait=[With --wake\: how long a woken host has to answer SSH]:DURATION:_default' \
'--stall-after=[Say a running join, init, reset or preparation stalls after this long without a new phase or journal line]:DURATION:_default' \
'--output=[What stdout carries\: \`text\` (the tables) or \`jsonl\` (one JSON event a line, for scripts; the tables go to stderr)]:FORMAT:(text jsonl)' \
'*-i+[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*--inventory=[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*-e+[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--extra-vars=[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--vault-password-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-pass-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-id=[Vault password for vault id LABEL\: a file, an executable or \`prompt\`; repeatable \[env\: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated\]]:LABEL@SOURCE:_default' \
'-l+[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'--limit=[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'-f+[Hosts worked on at once]:N:_default' \
'--forks=[Hosts worked on at once]:N:_default' \
'--log-dir=[Directory for logs, kubeconfigs and the run summary]:DIR:_files' \
'--connect-timeout=[Time allowed to open an SSH connection to a host]:DURATION:_default' \
'--color=[When to use colour (NO_COLOR and a non-terminal also turn it off)]:WHEN:(auto always never)' \
'--with-rke2[Also install RKE2 on the RKE2 hosts]' \
'--keep-going[Go on after a failure\: the remaining joins, and the other chain (kubeadm or RKE2)]' \
'--prepare[Prepare the hosts first (as deploy prepare does), then check them again]' \
'--wake[Wake a host that does not answer and has a wol_mac before preflight judges it]' \
'-J[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-pass[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-password[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'-y[Answer yes to every confirmation]' \
'--yes[Answer yes to every confirmation]' \
'--check[Show what would be done, change nothing]' \
'--dry-run[Show what would be done, change nothing]' \
'-K[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-pass[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-password[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'(-q --quiet)*-v[Say more (repeat for more detail)]' \
'(-q --quiet)*--verbose[Say more (repeat for more detail)]' \
'-q[Say less\: no progress bars, only events, failures and the summary]' \
'--quiet[Say less\: no progress bars, only events, failures and the summary]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(join)
_arguments "${_arguments_options[@]}" : \
'--join-timeout=[Give up waiting for a worker'\''s join after this long]:DURATION:_default' \
'*--ignore-check=[Turn a failing check into a warning (a check id, or \`all\`); repeatable]:ID|all:_default' \
'--wait=[With --wake\: how long a woken host has to answer SSH]:DURATION:_default' \
'--stall-after=[Say a running join, init, reset or preparation stalls after this long without a new phase or journal line]:DURATION:_default' \
'--output=[What stdout carries\: \`text\` (the tables) or \`jsonl\` (one JSON event a line, for scripts; the tables go to stderr)]:FORMAT:(text jsonl)' \
'*-i+[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*--inventory=[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*-e+[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--extra-vars=[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--vault-password-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-pass-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-id=[Vault password for vault id LABEL\: a file, an executable or \`prompt\`; repeatable \[env\: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated\]]:LABEL@SOURCE:_default' \
'-l+[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'--limit=[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'-f+[Hosts worked on at once]:N:_default' \
'--forks=[Hosts worked on at once]:N:_default' \
'--log-dir=[Directory for logs, kubeconfigs and the run summary]:DIR:_files' \
'--connect-timeout=[Time allowed to open an SSH connection to a host]:DURATION:_default' \
'--color=[When to use colour (NO_COLOR and a non-terminal also turn it off)]:WHEN:(auto always never)' \
'--keep-going[Start the remaining joins even after one has failed]' \
'--wake[Wake a host that does not answer and has a wol_mac before preflight judges it]' \
'-J[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-pass[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-password[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'-y[Answer yes to every confirmation]' \
'--yes[Answer yes to every confirmation]' \
'--check[Show what would be done, change nothing]' \
'--dry-run[Show what would be done, change nothing]' \
'-K[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-pass[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-password[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'(-q --quiet)*-v[Say more (repeat for more detail)]' \
'(-q --quiet)*--verbose[Say more (repeat for more detail)]' \
'-q[Say less\: no progress bars, only events, failures and the summary]' \
'--quiet[Say less\: no progress bars, only events, failures and the summary]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(reset)
_arguments "${_arguments_options[@]}" : \
'--drain-timeout=[Give up draining a worker after this long (it is then left as it is)]:DURATION:_default' \
'--stall-after=[Say a running join, init, reset or preparation stalls after this long without a new phase or journal line]:DURATION:_default' \
'--output=[What stdout carries\: \`text\` (the tables) or \`jsonl\` (one JSON event a line, for scripts; the tables go to stderr)]:FORMAT:(text jsonl)' \
'*-i+[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*--inventory=[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*-e+[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--extra-vars=[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--vault-password-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-pass-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-id=[Vault password for vault id LABEL\: a file, an executable or \`prompt\`; repeatable \[env\: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated\]]:LABEL@SOURCE:_default' \
'-l+[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'--limit=[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'-f+[Hosts worked on at once]:N:_default' \
'--forks=[Hosts worked on at once]:N:_default' \
'--log-dir=[Directory for logs, kubeconfigs and the run summary]:DIR:_files' \
'--connect-timeout=[Time allowed to open an SSH connection to a host]:DURATION:_default' \
'--color=[When to use colour (NO_COLOR and a non-terminal also turn it off)]:WHEN:(auto always never)' \
'--with-rke2[Also uninstall RKE2 from the RKE2 hosts]' \
'--force[Reset a host of another cluster, or the control plane while nodes left out by -l are joined]' \
'-J[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-pass[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-password[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'-y[Answer yes to every confirmation]' \
'--yes[Answer yes to every confirmation]' \
'--check[Show what would be done, change nothing]' \
'--dry-run[Show what would be done, change nothing]' \
'-K[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-pass[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-password[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'(-q --quiet)*-v[Say more (repeat for more detail)]' \
'(-q --quiet)*--verbose[Say more (repeat for more detail)]' \
'-q[Say less\: no progress bars, only events, failures and the summary]' \
'--quiet[Say less\: no progress bars, only events, failures and the summary]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(prepare)
_arguments "${_arguments_options[@]}" : \
'--stall-after=[Say a running join, init, reset or preparation stalls after this long without a new phase or journal line]:DURATION:_default' \
'--output=[What stdout carries\: \`text\` (the tables) or \`jsonl\` (one JSON event a line, for scripts; the tables go to stderr)]:FORMAT:(text jsonl)' \
'*-i+[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*--inventory=[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*-e+[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--extra-vars=[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--vault-password-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-pass-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-id=[Vault password for vault id LABEL\: a file, an executable or \`prompt\`; repeatable \[env\: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated\]]:LABEL@SOURCE:_default' \
'-l+[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'--limit=[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'-f+[Hosts worked on at once]:N:_default' \
'--forks=[Hosts worked on at once]:N:_default' \
'--log-dir=[Directory for logs, kubeconfigs and the run summary]:DIR:_files' \
'--connect-timeout=[Time allowed to open an SSH connection to a host]:DURATION:_default' \
'--color=[When to use colour (NO_COLOR and a non-terminal also turn it off)]:WHEN:(auto always never)' \
'--with-rke2[Also prepare the RKE2 hosts (their kernel settings and firewall)]' \
'-J[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-pass[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-password[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'-y[Answer yes to every confirmation]' \
'--yes[Answer yes to every confirmation]' \
'--check[Show what would be done, change nothing]' \
'--dry-run[Show what would be done, change nothing]' \
'-K[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-pass[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-password[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'(-q --quiet)*-v[Say more (repeat for more detail)]' \
'(-q --quiet)*--verbose[Say more (repeat for more detail)]' \
'-q[Say less\: no progress bars, only events, failures and the summary]' \
'--quiet[Say less\: no progress bars, only events, failures and the summary]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(check)
_arguments "${_arguments_options[@]}" : \
'--output=[Report format]:FORMAT:(human json)' \
'*--ignore-check=[Turn a failing check into a warning (a check id, or \`all\`); repeatable]:ID|all:_default' \
'--wait=[With --wake\: how long a woken host has to answer SSH]:DURATION:_default' \
'*-i+[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*--inventory=[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*-e+[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--extra-vars=[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--vault-password-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-pass-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-id=[Vault password for vault id LABEL\: a file, an executable or \`prompt\`; repeatable \[env\: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated\]]:LABEL@SOURCE:_default' \
'-l+[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'--limit=[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'-f+[Hosts worked on at once]:N:_default' \
'--forks=[Hosts worked on at once]:N:_default' \
'--log-dir=[Directory for logs, kubeconfigs and the run summary]:DIR:_files' \
'--connect-timeout=[Time allowed to open an SSH connection to a host]:DURATION:_default' \
'--color=[When to use colour (NO_COLOR and a non-terminal also turn it off)]:WHEN:(auto always never)' \
'--strict[Fail on warnings too]' \
'--wake[Wake a host that does not answer and has a wol_mac before preflight judges it]' \
'-J[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-pass[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-password[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'-y[Answer yes to every confirmation]' \
'--yes[Answer yes to every confirmation]' \
'--check[Show what would be done, change nothing]' \
'--dry-run[Show what would be done, change nothing]' \
'-K[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-pass[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-password[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'(-q --quiet)*-v[Say more (repeat for more detail)]' \
'(-q --quiet)*--verbose[Say more (repeat for more detail)]' \
'-q[Say less\: no progress bars, only events, failures and the summary]' \
'--quiet[Say less\: no progress bars, only events, failures and the summary]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(wake)
_arguments "${_arguments_options[@]}" : \
'--wait=[How long a woken host has to answer SSH]:DURATION:_default' \
'*-i+[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*--inventory=[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*-e+[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--extra-vars=[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--vault-password-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-pass-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-id=[Vault password for vault id LABEL\: a file, an executable or \`prompt\`; repeatable \[env\: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated\]]:LABEL@SOURCE:_default' \
'-l+[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'--limit=[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'-f+[Hosts worked on at once]:N:_default' \
'--forks=[Hosts worked on at once]:N:_default' \
'--log-dir=[Directory for logs, kubeconfigs and the run summary]:DIR:_files' \
'--connect-timeout=[Time allowed to open an SSH connection to a host]:DURATION:_default' \
'--color=[When to use colour (NO_COLOR and a non-terminal also turn it off)]:WHEN:(auto always never)' \
'-J[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-pass[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-password[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'-y[Answer yes to every confirmation]' \
'--yes[Answer yes to every confirmation]' \
'--check[Show what would be done, change nothing]' \
'--dry-run[Show what would be done, change nothing]' \
'-K[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-pass[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-password[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'(-q --quiet)*-v[Say more (repeat for more detail)]' \
'(-q --quiet)*--verbose[Say more (repeat for more detail)]' \
'-q[Say less\: no progress bars, only events, failures and the summary]' \
'--quiet[Say less\: no progress bars, only events, failures and the summary]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(inventory)
_arguments "${_arguments_options[@]}" : \
'--graph=[Print the group tree (from GROUP, default all) and the roles deploy resolved]::GROUP:_default' \
'--host=[Print one host'\''s merged variables]:NAME:_default' \
'*-i+[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*--inventory=[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*-e+[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--extra-vars=[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--vault-password-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-pass-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-id=[Vault password for vault id LABEL\: a file, an executable or \`prompt\`; repeatable \[env\: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated\]]:LABEL@SOURCE:_default' \
'-l+[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'--limit=[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'-f+[Hosts worked on at once]:N:_default' \
'--forks=[Hosts worked on at once]:N:_default' \
'--log-dir=[Directory for logs, kubeconfigs and the run summary]:DIR:_files' \
'--connect-timeout=[Time allowed to open an SSH connection to a host]:DURATION:_default' \
'--color=[When to use colour (NO_COLOR and a non-terminal also turn it off)]:WHEN:(auto always never)' \
'--list[Print every group and host with its variables, as \`ansible-inventory --list\` does]' \
'--resolved[With --host\: the values deploy uses, templated and unvaulted, secrets masked]' \
'-J[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-pass[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-password[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'-y[Answer yes to every confirmation]' \
'--yes[Answer yes to every confirmation]' \
'--check[Show what would be done, change nothing]' \
'--dry-run[Show what would be done, change nothing]' \
'-K[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-pass[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-password[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'(-q --quiet)*-v[Say more (repeat for more detail)]' \
'(-q --quiet)*--verbose[Say more (repeat for more detail)]' \
'-q[Say less\: no progress bars, only events, failures and the summary]' \
'--quiet[Say less\: no progress bars, only events, failures and the summary]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(kubeconfig)
_arguments "${_arguments_options[@]}" : \
'--context=[The name it is merged under, as context, cluster and user \[default\: the host'\''s name\]]:NAME:_default' \
'*-i+[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*--inventory=[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*-e+[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--extra-vars=[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--vault-password-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-pass-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-id=[Vault password for vault id LABEL\: a file, an executable or \`prompt\`; repeatable \[env\: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated\]]:LABEL@SOURCE:_default' \
'-l+[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'--limit=[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'-f+[Hosts worked on at once]:N:_default' \
'--forks=[Hosts worked on at once]:N:_default' \
'--log-dir=[Directory for logs, kubeconfigs and the run summary]:DIR:_files' \
'--connect-timeout=[Time allowed to open an SSH connection to a host]:DURATION:_default' \
'--color=[When to use colour (NO_COLOR and a non-terminal also turn it off)]:WHEN:(auto always never)' \
'--rke2[The RKE2 cluster'\''s kubeconfig instead of the kubeadm cluster'\''s]' \
'--merge[Add it to \$KUBECONFIG (its first file) or ~/.kube/config instead of printing it]' \
'-J[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-pass[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-password[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'-y[Answer yes to every confirmation]' \
'--yes[Answer yes to every confirmation]' \
'--check[Show what would be done, change nothing]' \
'--dry-run[Show what would be done, change nothing]' \
'-K[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-pass[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-password[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'(-q --quiet)*-v[Say more (repeat for more detail)]' \
'(-q --quiet)*--verbose[Say more (repeat for more detail)]' \
'-q[Say less\: no progress bars, only events, failures and the summary]' \
'--quiet[Say less\: no progress bars, only events, failures and the summary]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
'*-i+[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*--inventory=[Ansible inventory\: a YAML or INI file, or a directory; repeatable \[env\: DEPLOY_INVENTORY, comma-separated\] \[default\: inventory/hosts.yml\]]:PATH:_files' \
'*-e+[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--extra-vars=[Extra variables, above every other\: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable]:VARS:_default' \
'*--vault-password-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-pass-file=[Vault password from FILE (an executable is run for it); repeatable \[env\: ANSIBLE_VAULT_PASSWORD_FILE\]]:FILE:_files' \
'*--vault-id=[Vault password for vault id LABEL\: a file, an executable or \`prompt\`; repeatable \[env\: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated\]]:LABEL@SOURCE:_default' \
'-l+[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'--limit=[Ansible host pattern\: a,b  group  web*  !host  &group]:PATTERN:_default' \
'-f+[Hosts worked on at once]:N:_default' \
'--forks=[Hosts worked on at once]:N:_default' \
'--log-dir=[Directory for logs, kubeconfigs and the run summary]:DIR:_files' \
'--connect-timeout=[Time allowed to open an SSH connection to a host]:DURATION:_default' \
'--color=[When to use colour (NO_COLOR and a non-terminal also turn it off)]:WHEN:(auto always never)' \
'-J[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-pass[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'--ask-vault-password[Ask for the vault password \[env\: ANSIBLE_ASK_VAULT_PASS\]]' \
'-y[Answer yes to every confirmation]' \
'--yes[Answer yes to every confirmation]' \
'--check[Show what would be done, change nothing]' \
'--dry-run[Show what would be done, change nothing]' \
'-K[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-pass[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'--ask-become-password[Ask once for the become (sudo) password, for hosts whose inventory gives none]' \
'(-q --quiet)*-v[Say more (repeat for more detail)]' \
'(-q --quiet)*--verbose[Say more (repeat for more detail)]' \
'-q[Say less\: no progress bars, only events, failures and the summary]' \
'--quiet[Say less\: no progress bars, only events, failures and the summary]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':shell -- The shell to print a completion script for:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_deploy__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:deploy-help-command-$line[1]:"
        case $line[1] in
            (all)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(join)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(reset)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(prepare)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(check)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(wake)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(inventory)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(kubeconfig)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_deploy_commands] )) ||
_deploy_commands() {
    local commands; commands=(
'all:Preflight, control plane, worker joins, validation; RKE2 too with --with-rke2' \
'join:Join the worker nodes to the running control plane' \
'reset:Take the cluster down (RKE2 too with --with-rke2), or remove the nodes -l names' \
'prepare:Make fresh hosts ready\: swap off, kernel settings, containerd, kubelet/kubeadm/kubectl' \
'check:Preflight checks only; exit 0 when nothing fails' \
'wake:Wake sleeping hosts with Wake-on-LAN (wol_mac) and wait until SSH answers' \
'inventory:Show the parsed inventory\: --list (JSON), --graph, --host NAME' \
'kubeconfig:Print the cluster'\''s admin kubeconfig, or merge it into yours (--merge)' \
'completions:Print a completion script\: bash, zsh, fish, elvish, powershell' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'deploy commands' commands "$@"
}
(( $+functions[_deploy__subcmd__all_commands] )) ||
_deploy__subcmd__all_commands() {
    local commands; commands=()
    _describe -t commands 'deploy all commands' commands "$@"
}
(( $+functions[_deploy__subcmd__check_commands] )) ||
_deploy__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'deploy check commands' commands "$@"
}
(( $+functions[_deploy__subcmd__completions_commands] )) ||
_deploy__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'deploy completions commands' commands "$@"
}
(( $+functions[_deploy__subcmd__help_commands] )) ||
_deploy__subcmd__help_commands() {
    local commands; commands=(
'all:Preflight, control plane, worker joins, validation; RKE2 too with --with-rke2' \
'join:Join the worker nodes to the running control plane' \
'reset:Take the cluster down (RKE2 too with --with-rke2), or remove the nodes -l names' \
'prepare:Make fresh hosts ready\: swap off, kernel settings, containerd, kubelet/kubeadm/kubectl' \
'check:Preflight checks only; exit 0 when nothing fails' \
'wake:Wake sleeping hosts with Wake-on-LAN (wol_mac) and wait until SSH answers' \
'inventory:Show the parsed inventory\: --list (JSON), --graph, --host NAME' \
'kubeconfig:Print the cluster'\''s admin kubeconfig, or merge it into yours (--merge)' \
'completions:Print a completion script\: bash, zsh, fish, elvish, powershell' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'deploy help commands' commands "$@"
}
(( $+functions[_deploy__subcmd__help__subcmd__all_commands] )) ||
_deploy__subcmd__help__subcmd__all_commands() {
    local commands; commands=()
    _describe -t commands 'deploy help all commands' commands "$@"
}
(( $+functions[_deploy__subcmd__help__subcmd__check_commands] )) ||
_deploy__subcmd__help__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'deploy help check commands' commands "$@"
}
(( $+functions[_deploy__subcmd__help__subcmd__completions_commands] )) ||
_deploy__subcmd__help__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'deploy help completions commands' commands "$@"
}
(( $+functions[_deploy__subcmd__help__subcmd__help_commands] )) ||
_deploy__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'deploy help help commands' commands "$@"
}
(( $+functions[_deploy__subcmd__help__subcmd__inventory_commands] )) ||
_deploy__subcmd__help__subcmd__inventory_commands() {
    local commands; commands=()
    _describe -t commands 'deploy help inventory commands' commands "$@"
}
(( $+functions[_deploy__subcmd__help__subcmd__join_commands] )) ||
_deploy__subcmd__help__subcmd__join_commands() {
    local commands; commands=()
    _describe -t commands 'deploy help join commands' commands "$@"
}
(( $+functions[_deploy__subcmd__help__subcmd__kubeconfig_commands] )) ||
_deploy__subcmd__help__subcmd__kubeconfig_commands() {
    local commands; commands=()
    _describe -t commands 'deploy help kubeconfig commands' commands "$@"
}
(( $+functions[_deploy__subcmd__help__subcmd__prepare_commands] )) ||
_deploy__subcmd__help__subcmd__prepare_commands() {
    local commands; commands=()
    _describe -t commands 'deploy help prepare commands' commands "$@"
}
(( $+functions[_deploy__subcmd__help__subcmd__reset_commands] )) ||
_deploy__subcmd__help__subcmd__reset_commands() {
    local commands; commands=()
    _describe -t commands 'deploy help reset commands' commands "$@"
}
(( $+functions[_deploy__subcmd__help__subcmd__wake_commands] )) ||
_deploy__subcmd__help__subcmd__wake_commands() {
    local commands; commands=()
    _describe -t commands 'deploy help wake commands' commands "$@"
}
(( $+functions[_deploy__subcmd__inventory_commands] )) ||
_deploy__subcmd__inventory_commands() {
    local commands; commands=()
    _describe -t commands 'deploy inventory commands' commands "$@"
}
(( $+functions[_deploy__subcmd__join_commands] )) ||
_deploy__subcmd__join_commands() {
    local commands; commands=()
    _describe -t commands 'deploy join commands' commands "$@"
}
(( $+functions[_deploy__subcmd__kubeconfig_commands] )) ||
_deploy__subcmd__kubeconfig_commands() {
    local commands; commands=()
    _describe -t commands 'deploy kubeconfig commands' commands "$@"
}
(( $+functions[_deploy__subcmd__prepare_commands] )) ||
_deploy__subcmd__prepare_commands() {
    local commands; commands=()
    _describe -t commands 'deploy prepare commands' commands "$@"
}
(( $+functions[_deploy__subcmd__reset_commands] )) ||
_deploy__subcmd__reset_commands() {
    local commands; commands=()
    _describe -t commands 'deploy reset commands' commands "$@"
}
(( $+functions[_deploy__subcmd__wake_commands] )) ||
_deploy__subcmd__wake_commands() {
    local commands; commands=()
    _describe -t commands 'deploy wake commands' commands "$@"
}

if [ "$funcstack[1]" = "_deploy" ]; then
    _deploy "$@"
else
    compdef _deploy deploy
fi
