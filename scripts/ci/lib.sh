# shellcheck shell=bash
# Shared helpers for the scripts in scripts/ci/ and for .ci/run. Source it; do not execute it.
#   log MSG...            timestamped line on stderr
#   run_timed DESC CMD... run CMD, print DESC with its duration (and fail loudly)
#   apt_install [-t SUITE] [--no-install-recommends] PKG...
#                         install missing packages only; `apt-get update` at most once per
#                         change of the apt sources (or when the lists are missing/stale)
#   debian_mirror         the system's Debian mirror URI (from /etc/apt/sources*)

if [[ -n "${TW_CI_LIB_LOADED:-}" ]]; then return 0; fi
TW_CI_LIB_LOADED=1

export DEBIAN_FRONTEND=noninteractive
export TW_CI_LOG_DIR=${TW_CI_LOG_DIR:-/var/log/tw-ci}

tw_now() { date +%s.%N; }
tw_since() { awk -v a="$1" -v b="$(tw_now)" 'BEGIN { printf "%.1fs", b - a }'; }

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# run_timed "description" cmd args...
run_timed() {
  local desc=$1; shift
  local t0; t0=$(tw_now)
  log "-> $desc"
  local rc=0
  "$@" || rc=$?
  if (( rc != 0 )); then
    log "!! $desc FAILED (exit $rc) after $(tw_since "$t0")"
    return "$rc"
  fi
  log "<- $desc ($(tw_since "$t0"))"
}

# run_quiet "description" cmd args...: like run_timed, but the command's output goes to
# $TW_CI_LOG_DIR/<script name>.log and is shown (last 60 lines) only when it fails.
run_quiet() {
  local desc=$1; shift
  mkdir -p "$TW_CI_LOG_DIR"
  local lf="$TW_CI_LOG_DIR/${TW_SCRIPT_NAME:-ci}.log"; lf=${lf%.sh.log}.log
  local t0; t0=$(tw_now)
  log "-> $desc (output: $lf)"
  local rc=0
  { printf '\n### %s: %s\n' "$(date '+%F %T')" "$*"; "$@"; } >>"$lf" 2>&1 </dev/null || rc=$?
  if (( rc != 0 )); then
    log "!! $desc FAILED (exit $rc) after $(tw_since "$t0"); last lines of $lf:"
    tail -n 60 "$lf" >&2 || true
    return "$rc"
  fi
  log "<- $desc ($(tw_since "$t0"))"
}

# Start-of-script banner + end-of-script timing. Call `script_begin` first thing in a script.
# A script may set TW_TMP to a scratch directory: it is removed on exit.
script_begin() {
  TW_SCRIPT_T0=$(tw_now)
  TW_SCRIPT_NAME=$(basename "$0")
  log "== $TW_SCRIPT_NAME: start"
  trap 'rc=$?; if [[ -n "${TW_TMP:-}" ]]; then rm -rf "$TW_TMP"; fi; if (( rc == 0 )); then log "== $TW_SCRIPT_NAME: done in $(tw_since "$TW_SCRIPT_T0")"; else log "== $TW_SCRIPT_NAME: FAILED (exit $rc) after $(tw_since "$TW_SCRIPT_T0")"; fi' EXIT
}

require_root() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (apt-get, dockerd and incusd need it)"
}

pkg_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == installed ]]
}

debian_mirror() {
  local m=""
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    # first URIs: of a stanza that is not the security archive
    m=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
  fi
  if [[ -z "$m" ]]; then
    m=$({ cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } \
      | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) { if ($i !~ /security/) { print $i; exit } } }')
  fi
  [[ -n "$m" ]] || m=http://deb.debian.org/debian
  echo "${m%/}"
}

_apt_sources_hash() {
  { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } \
    | sha256sum | cut -d' ' -f1
}

TW_APT_STAMP=/var/lib/apt/tw-ci-updated
TW_APT_OPTS=(-o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold -q)

apt_update() {
  run_quiet "apt-get update" apt-get "${TW_APT_OPTS[@]}" update
  _apt_sources_hash > "$TW_APT_STAMP"
}

# Update unless already done for the current sources within the last 6 hours.
apt_update_once() {
  if [[ -f "$TW_APT_STAMP" && "$(cat "$TW_APT_STAMP")" == "$(_apt_sources_hash)" ]] \
     && [[ -n "$(find "$TW_APT_STAMP" -mmin -360 2>/dev/null)" ]]; then
    return 0
  fi
  apt_update
}

# apt_install [apt-get install options...] -- pkg...   (or just pkg... when there are no options)
apt_install() {
  local opts=() pkgs=() missing=()
  if [[ " $* " == *" -- "* ]]; then
    while [[ $1 != -- ]]; do opts+=("$1"); shift; done
    shift
  fi
  pkgs=("$@")
  local p
  for p in "${pkgs[@]}"; do pkg_installed "$p" || missing+=("$p"); done
  if (( ${#missing[@]} == 0 )); then
    log "   already installed: ${pkgs[*]}"
    return 0
  fi
  # Never let a package's maintainer script start a service (no systemd here anyway).
  local made_policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  # A run killed in the middle of dpkg leaves it "interrupted": finish that first.
  if [[ -n "$(dpkg --audit 2>/dev/null || true)" ]]; then
    run_quiet "dpkg --configure -a (an earlier install was interrupted)" dpkg --configure -a || true
  fi
  apt_update_once
  local rc=0
  run_quiet "apt-get install ${opts[*]} ${missing[*]}" \
    apt-get "${TW_APT_OPTS[@]}" install -y "${opts[@]}" "${missing[@]}" || rc=$?
  if (( rc != 0 )); then
    log "   install failed; refreshing the package lists and retrying once"
    apt_update
    rc=0
    run_quiet "apt-get install (retry) ${opts[*]} ${missing[*]}" \
      apt-get "${TW_APT_OPTS[@]}" install -y "${opts[@]}" "${missing[@]}" || rc=$?
  fi
  if [[ -n "$made_policy" ]]; then rm -f /usr/sbin/policy-rc.d; fi
  return "$rc"
}

# live_pids NAME: pids of live (non-zombie) processes whose command name is NAME. A killed daemon
# can linger as a zombie here (PID 1 is not a reaping init), and plain pgrep would count it.
live_pids() {
  ps -eo pid=,stat=,comm= | awk -v n="$1" '$3 == n && $2 !~ /^Z/ { print $1 }'
}

# wait_for TIMEOUT_SECONDS DESC CMD...: poll CMD every 0.2s until it succeeds.
wait_for() {
  local timeout=$1 desc=$2; shift 2
  local t0; t0=$(tw_now)
  local deadline=$(( $(date +%s) + timeout ))
  while ! "$@" >/dev/null 2>&1; do
    if (( $(date +%s) >= deadline )); then
      log "!! timed out after ${timeout}s waiting for: $desc"
      return 1
    fi
    sleep 0.2
  done
  log "   ready: $desc ($(tw_since "$t0"))"
}
