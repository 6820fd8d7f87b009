# The two commands a fresh machine needs: `make demo` and `make test`.
# Everything they depend on is installed here, never assumed.

CARGO   ?= cargo
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(DESTDIR)$(PREFIX)/bin
SHAREDIR = $(DESTDIR)$(PREFIX)/share

# ansible-core for the comparison tier and the benchmark peer: 2.19 is the
# newest that runs on this machine's Python 3.11. Never installed system-wide.
VENV          = target/ansible-venv
ANSIBLE_CORE  = ansible-core>=2.19,<2.20
export DEPLOY_ANSIBLE_INVENTORY = $(CURDIR)/$(VENV)/bin/ansible-inventory

.PHONY: all build test lint completions install demo prerequisites sshd ansible bench-all bench-join bench-chains bench-diagnosis bench-lifecycle

# What `make demo` runs against its lab; SCENARIO=missing-kubeadm starts the
# control plane without kubeadm. `make demo DEMO_ARGS=join` shows the joins
# alone: tests/lab/demo runs `kubeadm init` itself, then `deploy check` and
# `deploy join`.
DEMO_ARGS ?= all --with-rke2 --yes
SCENARIO  ?=

all: build

build:
	$(CARGO) build --release --locked

test: prerequisites
	$(CARGO) test --locked

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --all-targets -- -D warnings

completions: build
	for shell in bash zsh fish; do \
	  target/release/deploy completions $$shell > completions/deploy.$$shell || exit 1; \
	done

install: build
	install -d $(BINDIR) $(SHAREDIR)/bash-completion/completions \
	  $(SHAREDIR)/zsh/site-functions $(SHAREDIR)/fish/vendor_completions.d
	install -m 0755 target/release/deploy $(BINDIR)/deploy
	install -m 0644 completions/deploy.bash $(SHAREDIR)/bash-completion/completions/deploy
	install -m 0644 completions/deploy.zsh $(SHAREDIR)/zsh/site-functions/_deploy
	install -m 0644 completions/deploy.fish $(SHAREDIR)/fish/vendor_completions.d/deploy.fish

prerequisites: sshd ansible

# Debian's openssh-server for the lab: installed when we are root with apt,
# otherwise the message says what to install.
sshd:
	@tests/lab/ensure-sshd

ansible: $(VENV)/bin/ansible-inventory

$(VENV)/bin/ansible-inventory:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check '$(ANSIBLE_CORE)'

# A 3-node lab like the user's cluster, deploy run against it, the lab taken
# down even on failure or Ctrl-C (tests/lab/demo).
demo: sshd build
	SCENARIO=$(SCENARIO) tests/lab/demo target/release/deploy $(DEMO_ARGS)

# Benchmarks (not part of `make test`): figures go to BENCHMARKS.md.
bench-all: sshd
	bench/all/run

# `deploy all --with-rke2` with its two chains side by side against each
# alone (bench/chains/run; BENCHMARKS.md). Not part of `make test`.
bench-chains: sshd
	bench/chains/run

# The figures of `deploy join` (bench/join/run; BENCHMARKS.md). Not
# part of `make test`: it takes about 5 minutes and needs root.
bench-join: sshd
	bench/join/run

# What diagnosing a failed join adds before its cause is said
# (bench/diagnosis/run; BENCHMARKS.md). Not part of `make test`.
bench-diagnosis: sshd
	bench/diagnosis/run

# A second `deploy prepare` and a second `deploy reset` beside the Ansible
# playbooks doing the same no-op (bench/lifecycle/run; BENCHMARKS.md). Not
# part of `make test`.
bench-lifecycle: sshd
	bench/lifecycle/run
