#!/usr/bin/env bash
# The project's one test command (`npm test`): on a fresh machine of this kind, as root, it
# installs the Debian packages the real-engine tests need, then builds, type-checks and runs
# the unit and integration suites. Prints a closing "N passed, N failed" line; exits non-zero
# when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v nsenter >/dev/null 2>&1 || need+=(util-linux)
# A throw-away sshd proves the pinned host keys and the PIDs limit applied over SSH
# (secure-daemon-ssh, pids-limit-ssh); auditctl proves the audit watches load into the kernel
# (hardened-host). Without them those tests skip, saying so.
command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v auditctl >/dev/null 2>&1 || need+=(auditd)
# The host scripts are checked by shellcheck; the data-root step copies with rsync when it is there.
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
command -v rsync >/dev/null 2>&1 || need+=(rsync)
if ((${#need[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "test-all: the integration tests need ${need[*]} (Debian packages); run as root to install them" >&2
    exit 1
  fi
  echo "test-all: installing ${need[*]}"
  # Packages only: Debian's policy-rc.d hook keeps their services (sshd on port 22, auditd, the
  # system dockerd) from being started and left running; the tests start what they need themselves.
  # (A machine's own policy-rc.d is left as it is.)
  made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=yes
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  if [ -n "$made_policy" ]; then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
fi

[ -d node_modules ] || npm ci --no-audit --no-fund

npm run --silent build
npm run --silent typecheck
npm run --silent lint

results="$(mktemp)"
status=0
npx jest --ci --json --outputFile="$results" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
  if (r.numTotalTests === 0) { console.error("test-all: no test ran"); process.exit(1); }
' "$results" || status=1
rm -f "$results"
exit "$status"
