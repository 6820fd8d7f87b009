# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_deploy_global_optspecs
    string join \n i/inventory= e/extra-vars= vault-password-file= vault-id= J/ask-vault-pass l/limit= f/forks= log-dir= y/yes check K/ask-become-pass connect-timeout= v/verbose q/quiet color= h/help V/version
end

function __fish_deploy_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_deploy_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_deploy_using_subcommand
    set -l cmd (__fish_deploy_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c deploy -n "__fish_deploy_needs_command" -s i -l inventory -d 'Ansible inventory: a YAML or INI file, or a directory; repeatable [env: DEPLOY_INVENTORY, comma-separated] [default: inventory/hosts.yml]' -r -F
complete -c deploy -n "__fish_deploy_needs_command" -s e -l extra-vars -d 'Extra variables, above every other: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable' -r
complete -c deploy -n "__fish_deploy_needs_command" -l vault-password-file -l vault-pass-file -d 'Vault password from FILE (an executable is run for it); repeatable [env: ANSIBLE_VAULT_PASSWORD_FILE]' -r -F
complete -c deploy -n "__fish_deploy_needs_command" -l vault-id -d 'Vault password for vault id LABEL: a file, an executable or `prompt`; repeatable [env: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated]' -r
complete -c deploy -n "__fish_deploy_needs_command" -s l -l limit -d 'Ansible host pattern: a,b  group  web*  !host  &group' -r
complete -c deploy -n "__fish_deploy_needs_command" -s f -l forks -d 'Hosts worked on at once' -r
complete -c deploy -n "__fish_deploy_needs_command" -l log-dir -d 'Directory for logs, kubeconfigs and the run summary' -r -F
complete -c deploy -n "__fish_deploy_needs_command" -l connect-timeout -d 'Time allowed to open an SSH connection to a host' -r
complete -c deploy -n "__fish_deploy_needs_command" -l color -d 'When to use colour (NO_COLOR and a non-terminal also turn it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c deploy -n "__fish_deploy_needs_command" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password [env: ANSIBLE_ASK_VAULT_PASS]'
complete -c deploy -n "__fish_deploy_needs_command" -s y -l yes -d 'Answer yes to every confirmation'
complete -c deploy -n "__fish_deploy_needs_command" -l check -l dry-run -d 'Show what would be done, change nothing'
complete -c deploy -n "__fish_deploy_needs_command" -s K -l ask-become-pass -l ask-become-password -d 'Ask once for the become (sudo) password, for hosts whose inventory gives none'
complete -c deploy -n "__fish_deploy_needs_command" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c deploy -n "__fish_deploy_needs_command" -s q -l quiet -d 'Say less: no progress bars, only events, failures and the summary'
complete -c deploy -n "__fish_deploy_needs_command" -s h -l help -d 'Print help'
complete -c deploy -n "__fish_deploy_needs_command" -s V -l version -d 'Print version'
complete -c deploy -n "__fish_deploy_needs_command" -f -a "all" -d 'Preflight, control plane, worker joins, validation; RKE2 too with --with-rke2'
complete -c deploy -n "__fish_deploy_needs_command" -f -a "join" -d 'Join the worker nodes to the running control plane'
complete -c deploy -n "__fish_deploy_needs_command" -f -a "reset" -d 'Take the cluster down (RKE2 too with --with-rke2), or remove the nodes -l names'
complete -c deploy -n "__fish_deploy_needs_command" -f -a "prepare" -d 'Make fresh hosts ready: swap off, kernel settings, containerd, kubelet/kubeadm/kubectl'
complete -c deploy -n "__fish_deploy_needs_command" -f -a "check" -d 'Preflight checks only; exit 0 when nothing fails'
complete -c deploy -n "__fish_deploy_needs_command" -f -a "wake" -d 'Wake sleeping hosts with Wake-on-LAN (wol_mac) and wait until SSH answers'
complete -c deploy -n "__fish_deploy_needs_command" -f -a "inventory" -d 'Show the parsed inventory: --list (JSON), --graph, --host NAME'
complete -c deploy -n "__fish_deploy_needs_command" -f -a "kubeconfig" -d 'Print the cluster\'s admin kubeconfig, or merge it into yours (--merge)'
complete -c deploy -n "__fish_deploy_needs_command" -f -a "completions" -d 'Print a completion script: bash, zsh, fish, elvish, powershell'
complete -c deploy -n "__fish_deploy_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c deploy -n "__fish_deploy_using_subcommand all" -l ignore-check -d 'Turn a failing check into a warning (a check id, or `all`); repeatable' -r
complete -c deploy -n "__fish_deploy_using_subcommand all" -l wait -d 'With --wake: how long a woken host has to answer SSH' -r
complete -c deploy -n "__fish_deploy_using_subcommand all" -l stall-after -d 'Say a running join, init, reset or preparation stalls after this long without a new phase or journal line' -r
complete -c deploy -n "__fish_deploy_using_subcommand all" -l output -d 'What stdout carries: `text` (the tables) or `jsonl` (one JSON event a line, for scripts; the tables go to stderr)' -r -f -a "text\t''
jsonl\t''"
complete -c deploy -n "__fish_deploy_using_subcommand all" -s i -l inventory -d 'Ansible inventory: a YAML or INI file, or a directory; repeatable [env: DEPLOY_INVENTORY, comma-separated] [default: inventory/hosts.yml]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand all" -s e -l extra-vars -d 'Extra variables, above every other: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable' -r
complete -c deploy -n "__fish_deploy_using_subcommand all" -l vault-password-file -l vault-pass-file -d 'Vault password from FILE (an executable is run for it); repeatable [env: ANSIBLE_VAULT_PASSWORD_FILE]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand all" -l vault-id -d 'Vault password for vault id LABEL: a file, an executable or `prompt`; repeatable [env: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated]' -r
complete -c deploy -n "__fish_deploy_using_subcommand all" -s l -l limit -d 'Ansible host pattern: a,b  group  web*  !host  &group' -r
complete -c deploy -n "__fish_deploy_using_subcommand all" -s f -l forks -d 'Hosts worked on at once' -r
complete -c deploy -n "__fish_deploy_using_subcommand all" -l log-dir -d 'Directory for logs, kubeconfigs and the run summary' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand all" -l connect-timeout -d 'Time allowed to open an SSH connection to a host' -r
complete -c deploy -n "__fish_deploy_using_subcommand all" -l color -d 'When to use colour (NO_COLOR and a non-terminal also turn it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c deploy -n "__fish_deploy_using_subcommand all" -l with-rke2 -d 'Also install RKE2 on the RKE2 hosts'
complete -c deploy -n "__fish_deploy_using_subcommand all" -l keep-going -d 'Go on after a failure: the remaining joins, and the other chain (kubeadm or RKE2)'
complete -c deploy -n "__fish_deploy_using_subcommand all" -l prepare -d 'Prepare the hosts first (as deploy prepare does), then check them again'
complete -c deploy -n "__fish_deploy_using_subcommand all" -l wake -d 'Wake a host that does not answer and has a wol_mac before preflight judges it'
complete -c deploy -n "__fish_deploy_using_subcommand all" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password [env: ANSIBLE_ASK_VAULT_PASS]'
complete -c deploy -n "__fish_deploy_using_subcommand all" -s y -l yes -d 'Answer yes to every confirmation'
complete -c deploy -n "__fish_deploy_using_subcommand all" -l check -l dry-run -d 'Show what would be done, change nothing'
complete -c deploy -n "__fish_deploy_using_subcommand all" -s K -l ask-become-pass -l ask-become-password -d 'Ask once for the become (sudo) password, for hosts whose inventory gives none'
complete -c deploy -n "__fish_deploy_using_subcommand all" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c deploy -n "__fish_deploy_using_subcommand all" -s q -l quiet -d 'Say less: no progress bars, only events, failures and the summary'
complete -c deploy -n "__fish_deploy_using_subcommand all" -s h -l help -d 'Print help'
complete -c deploy -n "__fish_deploy_using_subcommand all" -s V -l version -d 'Print version'
complete -c deploy -n "__fish_deploy_using_subcommand join" -l join-timeout -d 'Give up waiting for a worker\'s join after this long' -r
complete -c deploy -n "__fish_deploy_using_subcommand join" -l ignore-check -d 'Turn a failing check into a warning (a check id, or `all`); repeatable' -r
complete -c deploy -n "__fish_deploy_using_subcommand join" -l wait -d 'With --wake: how long a woken host has to answer SSH' -r
complete -c deploy -n "__fish_deploy_using_subcommand join" -l stall-after -d 'Say a running join, init, reset or preparation stalls after this long without a new phase or journal line' -r
complete -c deploy -n "__fish_deploy_using_subcommand join" -l output -d 'What stdout carries: `text` (the tables) or `jsonl` (one JSON event a line, for scripts; the tables go to stderr)' -r -f -a "text\t''
jsonl\t''"
complete -c deploy -n "__fish_deploy_using_subcommand join" -s i -l inventory -d 'Ansible inventory: a YAML or INI file, or a directory; repeatable [env: DEPLOY_INVENTORY, comma-separated] [default: inventory/hosts.yml]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand join" -s e -l extra-vars -d 'Extra variables, above every other: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable' -r
complete -c deploy -n "__fish_deploy_using_subcommand join" -l vault-password-file -l vault-pass-file -d 'Vault password from FILE (an executable is run for it); repeatable [env: ANSIBLE_VAULT_PASSWORD_FILE]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand join" -l vault-id -d 'Vault password for vault id LABEL: a file, an executable or `prompt`; repeatable [env: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated]' -r
complete -c deploy -n "__fish_deploy_using_subcommand join" -s l -l limit -d 'Ansible host pattern: a,b  group  web*  !host  &group' -r
complete -c deploy -n "__fish_deploy_using_subcommand join" -s f -l forks -d 'Hosts worked on at once' -r
complete -c deploy -n "__fish_deploy_using_subcommand join" -l log-dir -d 'Directory for logs, kubeconfigs and the run summary' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand join" -l connect-timeout -d 'Time allowed to open an SSH connection to a host' -r
complete -c deploy -n "__fish_deploy_using_subcommand join" -l color -d 'When to use colour (NO_COLOR and a non-terminal also turn it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c deploy -n "__fish_deploy_using_subcommand join" -l keep-going -d 'Start the remaining joins even after one has failed'
complete -c deploy -n "__fish_deploy_using_subcommand join" -l wake -d 'Wake a host that does not answer and has a wol_mac before preflight judges it'
complete -c deploy -n "__fish_deploy_using_subcommand join" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password [env: ANSIBLE_ASK_VAULT_PASS]'
complete -c deploy -n "__fish_deploy_using_subcommand join" -s y -l yes -d 'Answer yes to every confirmation'
complete -c deploy -n "__fish_deploy_using_subcommand join" -l check -l dry-run -d 'Show what would be done, change nothing'
complete -c deploy -n "__fish_deploy_using_subcommand join" -s K -l ask-become-pass -l ask-become-password -d 'Ask once for the become (sudo) password, for hosts whose inventory gives none'
complete -c deploy -n "__fish_deploy_using_subcommand join" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c deploy -n "__fish_deploy_using_subcommand join" -s q -l quiet -d 'Say less: no progress bars, only events, failures and the summary'
complete -c deploy -n "__fish_deploy_using_subcommand join" -s h -l help -d 'Print help'
complete -c deploy -n "__fish_deploy_using_subcommand join" -s V -l version -d 'Print version'
complete -c deploy -n "__fish_deploy_using_subcommand reset" -l drain-timeout -d 'Give up draining a worker after this long (it is then left as it is)' -r
complete -c deploy -n "__fish_deploy_using_subcommand reset" -l stall-after -d 'Say a running join, init, reset or preparation stalls after this long without a new phase or journal line' -r
complete -c deploy -n "__fish_deploy_using_subcommand reset" -l output -d 'What stdout carries: `text` (the tables) or `jsonl` (one JSON event a line, for scripts; the tables go to stderr)' -r -f -a "text\t''
jsonl\t''"
complete -c deploy -n "__fish_deploy_using_subcommand reset" -s i -l inventory -d 'Ansible inventory: a YAML or INI file, or a directory; repeatable [env: DEPLOY_INVENTORY, comma-separated] [default: inventory/hosts.yml]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand reset" -s e -l extra-vars -d 'Extra variables, above every other: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable' -r
complete -c deploy -n "__fish_deploy_using_subcommand reset" -l vault-password-file -l vault-pass-file -d 'Vault password from FILE (an executable is run for it); repeatable [env: ANSIBLE_VAULT_PASSWORD_FILE]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand reset" -l vault-id -d 'Vault password for vault id LABEL: a file, an executable or `prompt`; repeatable [env: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated]' -r
complete -c deploy -n "__fish_deploy_using_subcommand reset" -s l -l limit -d 'Ansible host pattern: a,b  group  web*  !host  &group' -r
complete -c deploy -n "__fish_deploy_using_subcommand reset" -s f -l forks -d 'Hosts worked on at once' -r
complete -c deploy -n "__fish_deploy_using_subcommand reset" -l log-dir -d 'Directory for logs, kubeconfigs and the run summary' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand reset" -l connect-timeout -d 'Time allowed to open an SSH connection to a host' -r
complete -c deploy -n "__fish_deploy_using_subcommand reset" -l color -d 'When to use colour (NO_COLOR and a non-terminal also turn it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c deploy -n "__fish_deploy_using_subcommand reset" -l with-rke2 -d 'Also uninstall RKE2 from the RKE2 hosts'
complete -c deploy -n "__fish_deploy_using_subcommand reset" -l force -d 'Reset a host of another cluster, or the control plane while nodes left out by -l are joined'
complete -c deploy -n "__fish_deploy_using_subcommand reset" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password [env: ANSIBLE_ASK_VAULT_PASS]'
complete -c deploy -n "__fish_deploy_using_subcommand reset" -s y -l yes -d 'Answer yes to every confirmation'
complete -c deploy -n "__fish_deploy_using_subcommand reset" -l check -l dry-run -d 'Show what would be done, change nothing'
complete -c deploy -n "__fish_deploy_using_subcommand reset" -s K -l ask-become-pass -l ask-become-password -d 'Ask once for the become (sudo) password, for hosts whose inventory gives none'
complete -c deploy -n "__fish_deploy_using_subcommand reset" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c deploy -n "__fish_deploy_using_subcommand reset" -s q -l quiet -d 'Say less: no progress bars, only events, failures and the summary'
complete -c deploy -n "__fish_deploy_using_subcommand reset" -s h -l help -d 'Print help'
complete -c deploy -n "__fish_deploy_using_subcommand reset" -s V -l version -d 'Print version'
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -l stall-after -d 'Say a running join, init, reset or preparation stalls after this long without a new phase or journal line' -r
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -l output -d 'What stdout carries: `text` (the tables) or `jsonl` (one JSON event a line, for scripts; the tables go to stderr)' -r -f -a "text\t''
jsonl\t''"
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -s i -l inventory -d 'Ansible inventory: a YAML or INI file, or a directory; repeatable [env: DEPLOY_INVENTORY, comma-separated] [default: inventory/hosts.yml]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -s e -l extra-vars -d 'Extra variables, above every other: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable' -r
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -l vault-password-file -l vault-pass-file -d 'Vault password from FILE (an executable is run for it); repeatable [env: ANSIBLE_VAULT_PASSWORD_FILE]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -l vault-id -d 'Vault password for vault id LABEL: a file, an executable or `prompt`; repeatable [env: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated]' -r
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -s l -l limit -d 'Ansible host pattern: a,b  group  web*  !host  &group' -r
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -s f -l forks -d 'Hosts worked on at once' -r
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -l log-dir -d 'Directory for logs, kubeconfigs and the run summary' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -l connect-timeout -d 'Time allowed to open an SSH connection to a host' -r
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -l color -d 'When to use colour (NO_COLOR and a non-terminal also turn it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -l with-rke2 -d 'Also prepare the RKE2 hosts (their kernel settings and firewall)'
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password [env: ANSIBLE_ASK_VAULT_PASS]'
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -s y -l yes -d 'Answer yes to every confirmation'
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -l check -l dry-run -d 'Show what would be done, change nothing'
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -s K -l ask-become-pass -l ask-become-password -d 'Ask once for the become (sudo) password, for hosts whose inventory gives none'
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -s q -l quiet -d 'Say less: no progress bars, only events, failures and the summary'
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -s h -l help -d 'Print help'
complete -c deploy -n "__fish_deploy_using_subcommand prepare" -s V -l version -d 'Print version'
complete -c deploy -n "__fish_deploy_using_subcommand check" -l output -d 'Report format' -r -f -a "human\t''
json\t''"
complete -c deploy -n "__fish_deploy_using_subcommand check" -l ignore-check -d 'Turn a failing check into a warning (a check id, or `all`); repeatable' -r
complete -c deploy -n "__fish_deploy_using_subcommand check" -l wait -d 'With --wake: how long a woken host has to answer SSH' -r
complete -c deploy -n "__fish_deploy_using_subcommand check" -s i -l inventory -d 'Ansible inventory: a YAML or INI file, or a directory; repeatable [env: DEPLOY_INVENTORY, comma-separated] [default: inventory/hosts.yml]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand check" -s e -l extra-vars -d 'Extra variables, above every other: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable' -r
complete -c deploy -n "__fish_deploy_using_subcommand check" -l vault-password-file -l vault-pass-file -d 'Vault password from FILE (an executable is run for it); repeatable [env: ANSIBLE_VAULT_PASSWORD_FILE]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand check" -l vault-id -d 'Vault password for vault id LABEL: a file, an executable or `prompt`; repeatable [env: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated]' -r
complete -c deploy -n "__fish_deploy_using_subcommand check" -s l -l limit -d 'Ansible host pattern: a,b  group  web*  !host  &group' -r
complete -c deploy -n "__fish_deploy_using_subcommand check" -s f -l forks -d 'Hosts worked on at once' -r
complete -c deploy -n "__fish_deploy_using_subcommand check" -l log-dir -d 'Directory for logs, kubeconfigs and the run summary' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand check" -l connect-timeout -d 'Time allowed to open an SSH connection to a host' -r
complete -c deploy -n "__fish_deploy_using_subcommand check" -l color -d 'When to use colour (NO_COLOR and a non-terminal also turn it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c deploy -n "__fish_deploy_using_subcommand check" -l strict -d 'Fail on warnings too'
complete -c deploy -n "__fish_deploy_using_subcommand check" -l wake -d 'Wake a host that does not answer and has a wol_mac before preflight judges it'
complete -c deploy -n "__fish_deploy_using_subcommand check" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password [env: ANSIBLE_ASK_VAULT_PASS]'
complete -c deploy -n "__fish_deploy_using_subcommand check" -s y -l yes -d 'Answer yes to every confirmation'
complete -c deploy -n "__fish_deploy_using_subcommand check" -l check -l dry-run -d 'Show what would be done, change nothing'
complete -c deploy -n "__fish_deploy_using_subcommand check" -s K -l ask-become-pass -l ask-become-password -d 'Ask once for the become (sudo) password, for hosts whose inventory gives none'
complete -c deploy -n "__fish_deploy_using_subcommand check" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c deploy -n "__fish_deploy_using_subcommand check" -s q -l quiet -d 'Say less: no progress bars, only events, failures and the summary'
complete -c deploy -n "__fish_deploy_using_subcommand check" -s h -l help -d 'Print help'
complete -c deploy -n "__fish_deploy_using_subcommand check" -s V -l version -d 'Print version'
complete -c deploy -n "__fish_deploy_using_subcommand wake" -l wait -d 'How long a woken host has to answer SSH' -r
complete -c deploy -n "__fish_deploy_using_subcommand wake" -s i -l inventory -d 'Ansible inventory: a YAML or INI file, or a directory; repeatable [env: DEPLOY_INVENTORY, comma-separated] [default: inventory/hosts.yml]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand wake" -s e -l extra-vars -d 'Extra variables, above every other: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable' -r
complete -c deploy -n "__fish_deploy_using_subcommand wake" -l vault-password-file -l vault-pass-file -d 'Vault password from FILE (an executable is run for it); repeatable [env: ANSIBLE_VAULT_PASSWORD_FILE]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand wake" -l vault-id -d 'Vault password for vault id LABEL: a file, an executable or `prompt`; repeatable [env: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated]' -r
complete -c deploy -n "__fish_deploy_using_subcommand wake" -s l -l limit -d 'Ansible host pattern: a,b  group  web*  !host  &group' -r
complete -c deploy -n "__fish_deploy_using_subcommand wake" -s f -l forks -d 'Hosts worked on at once' -r
complete -c deploy -n "__fish_deploy_using_subcommand wake" -l log-dir -d 'Directory for logs, kubeconfigs and the run summary' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand wake" -l connect-timeout -d 'Time allowed to open an SSH connection to a host' -r
complete -c deploy -n "__fish_deploy_using_subcommand wake" -l color -d 'When to use colour (NO_COLOR and a non-terminal also turn it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c deploy -n "__fish_deploy_using_subcommand wake" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password [env: ANSIBLE_ASK_VAULT_PASS]'
complete -c deploy -n "__fish_deploy_using_subcommand wake" -s y -l yes -d 'Answer yes to every confirmation'
complete -c deploy -n "__fish_deploy_using_subcommand wake" -l check -l dry-run -d 'Show what would be done, change nothing'
complete -c deploy -n "__fish_deploy_using_subcommand wake" -s K -l ask-become-pass -l ask-become-password -d 'Ask once for the become (sudo) password, for hosts whose inventory gives none'
complete -c deploy -n "__fish_deploy_using_subcommand wake" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c deploy -n "__fish_deploy_using_subcommand wake" -s q -l quiet -d 'Say less: no progress bars, only events, failures and the summary'
complete -c deploy -n "__fish_deploy_using_subcommand wake" -s h -l help -d 'Print help'
complete -c deploy -n "__fish_deploy_using_subcommand wake" -s V -l version -d 'Print version'
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -l graph -d 'Print the group tree (from GROUP, default all) and the roles deploy resolved' -r
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -l host -d 'Print one host\'s merged variables' -r
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -s i -l inventory -d 'Ansible inventory: a YAML or INI file, or a directory; repeatable [env: DEPLOY_INVENTORY, comma-separated] [default: inventory/hosts.yml]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -s e -l extra-vars -d 'Extra variables, above every other: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable' -r
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -l vault-password-file -l vault-pass-file -d 'Vault password from FILE (an executable is run for it); repeatable [env: ANSIBLE_VAULT_PASSWORD_FILE]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -l vault-id -d 'Vault password for vault id LABEL: a file, an executable or `prompt`; repeatable [env: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated]' -r
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -s l -l limit -d 'Ansible host pattern: a,b  group  web*  !host  &group' -r
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -s f -l forks -d 'Hosts worked on at once' -r
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -l log-dir -d 'Directory for logs, kubeconfigs and the run summary' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -l connect-timeout -d 'Time allowed to open an SSH connection to a host' -r
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -l color -d 'When to use colour (NO_COLOR and a non-terminal also turn it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -l list -d 'Print every group and host with its variables, as `ansible-inventory --list` does'
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -l resolved -d 'With --host: the values deploy uses, templated and unvaulted, secrets masked'
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password [env: ANSIBLE_ASK_VAULT_PASS]'
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -s y -l yes -d 'Answer yes to every confirmation'
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -l check -l dry-run -d 'Show what would be done, change nothing'
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -s K -l ask-become-pass -l ask-become-password -d 'Ask once for the become (sudo) password, for hosts whose inventory gives none'
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -s q -l quiet -d 'Say less: no progress bars, only events, failures and the summary'
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -s h -l help -d 'Print help'
complete -c deploy -n "__fish_deploy_using_subcommand inventory" -s V -l version -d 'Print version'
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -l context -d 'The name it is merged under, as context, cluster and user [default: the host\'s name]' -r
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -s i -l inventory -d 'Ansible inventory: a YAML or INI file, or a directory; repeatable [env: DEPLOY_INVENTORY, comma-separated] [default: inventory/hosts.yml]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -s e -l extra-vars -d 'Extra variables, above every other: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable' -r
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -l vault-password-file -l vault-pass-file -d 'Vault password from FILE (an executable is run for it); repeatable [env: ANSIBLE_VAULT_PASSWORD_FILE]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -l vault-id -d 'Vault password for vault id LABEL: a file, an executable or `prompt`; repeatable [env: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated]' -r
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -s l -l limit -d 'Ansible host pattern: a,b  group  web*  !host  &group' -r
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -s f -l forks -d 'Hosts worked on at once' -r
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -l log-dir -d 'Directory for logs, kubeconfigs and the run summary' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -l connect-timeout -d 'Time allowed to open an SSH connection to a host' -r
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -l color -d 'When to use colour (NO_COLOR and a non-terminal also turn it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -l rke2 -d 'The RKE2 cluster\'s kubeconfig instead of the kubeadm cluster\'s'
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -l merge -d 'Add it to $KUBECONFIG (its first file) or ~/.kube/config instead of printing it'
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password [env: ANSIBLE_ASK_VAULT_PASS]'
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -s y -l yes -d 'Answer yes to every confirmation'
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -l check -l dry-run -d 'Show what would be done, change nothing'
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -s K -l ask-become-pass -l ask-become-password -d 'Ask once for the become (sudo) password, for hosts whose inventory gives none'
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -s q -l quiet -d 'Say less: no progress bars, only events, failures and the summary'
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -s h -l help -d 'Print help'
complete -c deploy -n "__fish_deploy_using_subcommand kubeconfig" -s V -l version -d 'Print version'
complete -c deploy -n "__fish_deploy_using_subcommand completions" -s i -l inventory -d 'Ansible inventory: a YAML or INI file, or a directory; repeatable [env: DEPLOY_INVENTORY, comma-separated] [default: inventory/hosts.yml]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand completions" -s e -l extra-vars -d 'Extra variables, above every other: KEY=VALUE, a YAML or JSON mapping, or @FILE; repeatable' -r
complete -c deploy -n "__fish_deploy_using_subcommand completions" -l vault-password-file -l vault-pass-file -d 'Vault password from FILE (an executable is run for it); repeatable [env: ANSIBLE_VAULT_PASSWORD_FILE]' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand completions" -l vault-id -d 'Vault password for vault id LABEL: a file, an executable or `prompt`; repeatable [env: ANSIBLE_VAULT_IDENTITY_LIST, comma-separated]' -r
complete -c deploy -n "__fish_deploy_using_subcommand completions" -s l -l limit -d 'Ansible host pattern: a,b  group  web*  !host  &group' -r
complete -c deploy -n "__fish_deploy_using_subcommand completions" -s f -l forks -d 'Hosts worked on at once' -r
complete -c deploy -n "__fish_deploy_using_subcommand completions" -l log-dir -d 'Directory for logs, kubeconfigs and the run summary' -r -F
complete -c deploy -n "__fish_deploy_using_subcommand completions" -l connect-timeout -d 'Time allowed to open an SSH connection to a host' -r
complete -c deploy -n "__fish_deploy_using_subcommand completions" -l color -d 'When to use colour (NO_COLOR and a non-terminal also turn it off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c deploy -n "__fish_deploy_using_subcommand completions" -s J -l ask-vault-pass -l ask-vault-password -d 'Ask for the vault password [env: ANSIBLE_ASK_VAULT_PASS]'
complete -c deploy -n "__fish_deploy_using_subcommand completions" -s y -l yes -d 'Answer yes to every confirmation'
complete -c deploy -n "__fish_deploy_using_subcommand completions" -l check -l dry-run -d 'Show what would be done, change nothing'
complete -c deploy -n "__fish_deploy_using_subcommand completions" -s K -l ask-become-pass -l ask-become-password -d 'Ask once for the become (sudo) password, for hosts whose inventory gives none'
complete -c deploy -n "__fish_deploy_using_subcommand completions" -s v -l verbose -d 'Say more (repeat for more detail)'
complete -c deploy -n "__fish_deploy_using_subcommand completions" -s q -l quiet -d 'Say less: no progress bars, only events, failures and the summary'
complete -c deploy -n "__fish_deploy_using_subcommand completions" -s h -l help -d 'Print help'
complete -c deploy -n "__fish_deploy_using_subcommand completions" -s V -l version -d 'Print version'
complete -c deploy -n "__fish_deploy_using_subcommand help; and not __fish_seen_subcommand_from all join reset prepare check wake inventory kubeconfig completions help" -f -a "all" -d 'Preflight, control plane, worker joins, validation; RKE2 too with --with-rke2'
complete -c deploy -n "__fish_deploy_using_subcommand help; and not __fish_seen_subcommand_from all join reset prepare check wake inventory kubeconfig completions help" -f -a "join" -d 'Join the worker nodes to the running control plane'
complete -c deploy -n "__fish_deploy_using_subcommand help; and not __fish_seen_subcommand_from all join reset prepare check wake inventory kubeconfig completions help" -f -a "reset" -d 'Take the cluster down (RKE2 too with --with-rke2), or remove the nodes -l names'
complete -c deploy -n "__fish_deploy_using_subcommand help; and not __fish_seen_subcommand_from all join reset prepare check wake inventory kubeconfig completions help" -f -a "prepare" -d 'Make fresh hosts ready: swap off, kernel settings, containerd, kubelet/kubeadm/kubectl'
complete -c deploy -n "__fish_deploy_using_subcommand help; and not __fish_seen_subcommand_from all join reset prepare check wake inventory kubeconfig completions help" -f -a "check" -d 'Preflight checks only; exit 0 when nothing fails'
complete -c deploy -n "__fish_deploy_using_subcommand help; and not __fish_seen_subcommand_from all join reset prepare check wake inventory kubeconfig completions help" -f -a "wake" -d 'Wake sleeping hosts with Wake-on-LAN (wol_mac) and wait until SSH answers'
complete -c deploy -n "__fish_deploy_using_subcommand help; and not __fish_seen_subcommand_from all join reset prepare check wake inventory kubeconfig completions help" -f -a "inventory" -d 'Show the parsed inventory: --list (JSON), --graph, --host NAME'
complete -c deploy -n "__fish_deploy_using_subcommand help; and not __fish_seen_subcommand_from all join reset prepare check wake inventory kubeconfig completions help" -f -a "kubeconfig" -d 'Print the cluster\'s admin kubeconfig, or merge it into yours (--merge)'
complete -c deploy -n "__fish_deploy_using_subcommand help; and not __fish_seen_subcommand_from all join reset prepare check wake inventory kubeconfig completions help" -f -a "completions" -d 'Print a completion script: bash, zsh, fish, elvish, powershell'
complete -c deploy -n "__fish_deploy_using_subcommand help; and not __fish_seen_subcommand_from all join reset prepare check wake inventory kubeconfig completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
