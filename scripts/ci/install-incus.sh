#!/usr/bin/env bash
# Install Incus 6.0.x from bookworm-backports and start incusd by hand (no systemd), then make sure
# of a usable default setup: storage pool "default" (dir), bridge incusbr0 = 10.77.0.1/24 (no IPv6),
# and the default profile with root (pool default) and eth0 (incusbr0). Idempotent.
#
# Why not a bare `incus admin init --minimal`: on a server without a managed network it creates
# incusbr0 with ipv4.address=auto, and Incus picks that subnet by pinging (and dialing port 22 on)
# random 10.x.y.1/.254 addresses: traffic to addresses that are not ours. So the bridge is created
# first with a fixed address, and --minimal then only adds the storage pool and the root disk.
#
# Env:
#   INCUS_BRIDGE_ADDR  bridge address (default 10.77.0.1/24)
#   INCUS_WAIT         seconds to wait for incusd (default 60)
set -euo pipefail
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
script_begin
require_root

BRIDGE=incusbr0
BRIDGE_ADDR=${INCUS_BRIDGE_ADDR:-10.77.0.1/24}
INCUS_WAIT=${INCUS_WAIT:-60}
SOCK=/var/lib/incus/unix.socket
LOG=/var/log/incus/incus.log
BPO_FILE=/etc/apt/sources.list.d/tw-ci-bookworm-backports.sources

# 1. bookworm-backports source (the system's mirror and keyring), unless one is configured already
if grep -rqsE '(^|[[:space:]])bookworm-backports([[:space:]]|$)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  log "   bookworm-backports already in the apt sources"
else
  mirror=$(debian_mirror)
  log "   adding $BPO_FILE (mirror $mirror)"
  cat > "$BPO_FILE" <<SRC
Types: deb
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

# 2. packages (apt_install runs `apt-get update` because the sources changed)
apt_install -t bookworm-backports --no-install-recommends -- incus dnsmasq-base
log "   incus $(dpkg-query -W -f='${Version}' incus)"

INCUSD=/usr/libexec/incus/incusd
[[ -x $INCUSD ]] || INCUSD=$(command -v incusd || true)
[[ -n "$INCUSD" && -x "$INCUSD" ]] || die "incusd binary not found"

daemon_up() { timeout 10 incus query /1.0 >/dev/null 2>&1; }

# 3. the daemon
if daemon_up; then
  log "   incusd already running (pid $(live_pids incusd | tr '\n' ' '))"
else
  if [[ -n "$(live_pids incusd)" ]]; then
    log "   incusd process exists but does not answer yet; waiting"
  else
    mkdir -p /var/log/incus
    log "-> starting incusd (log: $LOG)"
    # /usr/libexec/incus first on PATH: incusd finds its helpers (lxc hooks, forkproxy) there.
    # cd /: snapshots run rsync in the daemon's working directory, which must outlive this checkout.
    (cd / && PATH=/usr/libexec/incus:$PATH setsid nohup "$INCUSD" --group incus-admin --logfile="$LOG" \
      >>"$TW_CI_LOG_DIR/incusd.out" 2>&1 </dev/null &)
  fi
  t0=$(tw_now)
  if ! timeout "$INCUS_WAIT" "$INCUSD" waitready --timeout="$INCUS_WAIT" >/dev/null 2>&1 \
     || ! wait_for 10 "incus query /1.0" daemon_up; then
    log "--- last lines of $LOG and $TW_CI_LOG_DIR/incusd.out:"
    tail -n 40 "$LOG" "$TW_CI_LOG_DIR/incusd.out" >&2 || true
    die "incusd did not come up within ${INCUS_WAIT}s"
  fi
  log "   incusd ready ($(tw_since "$t0"))"
fi

# 4. one-time setup, each piece only if absent
if incus network show "$BRIDGE" >/dev/null 2>&1; then
  cur=$(incus network get "$BRIDGE" ipv4.address)
  if [[ "$cur" != "$BRIDGE_ADDR" ]]; then
    run_timed "set $BRIDGE ipv4.address $cur -> $BRIDGE_ADDR" incus network set "$BRIDGE" ipv4.address="$BRIDGE_ADDR"
  else
    log "   network $BRIDGE exists ($cur)"
  fi
else
  run_timed "incus network create $BRIDGE ($BRIDGE_ADDR)" \
    incus network create "$BRIDGE" ipv4.address="$BRIDGE_ADDR" ipv4.nat=false ipv6.address=none
fi

if incus storage show default >/dev/null 2>&1; then
  log "   storage pool default exists ($(incus storage get default source 2>/dev/null || true))"
else
  # A managed network exists now, so --minimal creates only the pool "default" (dir) + root disk.
  run_timed "incus admin init --minimal" incus admin init --minimal
fi

devices=$(incus profile device list default 2>/dev/null || true)
if ! grep -qx root <<<"$devices"; then
  run_timed "default profile: root disk on pool default" incus profile device add default root disk path=/ pool=default
fi
if ! grep -qx eth0 <<<"$devices"; then
  run_timed "default profile: eth0 on $BRIDGE" incus profile device add default eth0 nic network="$BRIDGE" name=eth0
fi

log "   socket $SOCK; $(incus version | tr '\n' ' ')"
log "   $BRIDGE: $(incus network get "$BRIDGE" ipv4.address), default profile devices: $(incus profile device list default | tr '\n' ' ')"
