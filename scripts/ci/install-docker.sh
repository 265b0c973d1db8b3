#!/usr/bin/env bash
# Install Debian's Docker Engine (docker.io, dockerd 20.10) and start dockerd by hand (no systemd).
# Idempotent: a second run only checks that the daemon answers.
#
# Env:
#   TW_CI_LOG_DIR  where dockerd.log goes (default /var/log/tw-ci)
#   DOCKER_WAIT    seconds to wait for the daemon (default 60)
set -euo pipefail
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
script_begin
require_root

LOG_DIR=$TW_CI_LOG_DIR
DOCKER_WAIT=${DOCKER_WAIT:-60}
SOCK=/var/run/docker.sock
mkdir -p "$LOG_DIR"

# 1. packages. --no-install-recommends keeps apparmor and needrestart off the machine.
apt_install --no-install-recommends -- docker.io iptables

# The preinstalled client (/usr/local/bin/docker, 28.x, API 1.50) comes first on PATH and is newer
# than Debian's daemon (20.10, API 1.41). The client negotiates the API version down on its own;
# we check that below and fall back to DOCKER_API_VERSION / /usr/bin/docker only if it does not.
DOCKER=$(command -v docker || echo /usr/bin/docker)

daemon_up() { timeout 10 "$DOCKER" info >/dev/null 2>&1; }

# 2. the daemon
if daemon_up; then
  log "   dockerd already running (pid $(live_pids dockerd | tr '\n' ' '))"
else
  if [[ -n "$(live_pids dockerd)" ]]; then
    # Running but not answering yet (just started by someone else?): give it the wait below.
    log "   dockerd process exists but does not answer yet; waiting"
  else
    # A stale pid file from a killed daemon makes dockerd refuse to start.
    if [[ -f /var/run/docker.pid ]] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
      rm -f /var/run/docker.pid
    fi
    log "-> starting dockerd (log: $LOG_DIR/dockerd.log)"
    # setsid + all fds redirected: the daemon must not hold the CI's stdout/stderr open.
    (cd / && setsid nohup /usr/sbin/dockerd >>"$LOG_DIR/dockerd.log" 2>&1 </dev/null &)
  fi
  if ! wait_for "$DOCKER_WAIT" "docker info" daemon_up; then
    log "--- last lines of $LOG_DIR/dockerd.log:"
    tail -n 60 "$LOG_DIR/dockerd.log" >&2 || true
    die "dockerd did not come up within ${DOCKER_WAIT}s"
  fi
fi

# 3. client/daemon API negotiation
if out=$("$DOCKER" version --format 'client {{.Client.Version}} (API {{.Client.APIVersion}}) -> server {{.Server.Version}} (API {{.Server.APIVersion}}, min {{.Server.MinAPIVersion}})' 2>&1); then
  log "   $DOCKER: $out"
else
  log "   '$DOCKER version' failed: $out"
  api=$(/usr/bin/docker version --format '{{.Server.APIVersion}}' 2>/dev/null || true)
  [[ -n "$api" ]] || die "neither $DOCKER nor /usr/bin/docker can talk to dockerd"
  export DOCKER_API_VERSION=$api
  "$DOCKER" version >/dev/null 2>&1 || die "even DOCKER_API_VERSION=$api does not help $DOCKER"
  log "   works with DOCKER_API_VERSION=$api: export it for callers"
fi
log "   socket: $SOCK, storage driver: $("$DOCKER" info --format '{{.Driver}}'), cgroup: $("$DOCKER" info --format '{{.CgroupDriver}} v{{.CgroupVersion}}')"
