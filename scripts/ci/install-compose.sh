#!/usr/bin/env bash
# Install the Docker Compose v2 CLI plugin. Bookworm only has docker-compose 1.29 (Python), so the
# binary comes from Debian trixie's `docker-compose` .deb (it depends on libc6 only). The .deb is
# fetched with a private apt configuration: the system's apt sources, lists and cache are untouched;
# the mirror is the one the system's sources use.
#
# Installs to /usr/local/lib/docker/cli-plugins/docker-compose (found by every docker client,
# whatever $HOME is) and links ~/.docker/cli-plugins/docker-compose to it.
# Idempotent: skipped when `docker compose version` already reports v2.
set -euo pipefail
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
script_begin
require_root

PLUGIN_DIR=/usr/local/lib/docker/cli-plugins
PLUGIN=$PLUGIN_DIR/docker-compose
SUITE=${COMPOSE_SUITE:-trixie}

compose_v2() { local v; v=$(docker compose version --short 2>/dev/null) && [[ $v =~ ^v?2\. ]]; }

link_home() {
  if [[ -n "${HOME:-}" ]]; then
    mkdir -p "$HOME/.docker/cli-plugins"
    ln -sfn "$PLUGIN" "$HOME/.docker/cli-plugins/docker-compose"
  fi
}

if [[ -x "$PLUGIN" ]] && compose_v2; then
  link_home
  log "   already installed: $PLUGIN ($(docker compose version --short))"
  exit 0
fi

command -v docker >/dev/null || die "no docker client on PATH (run install-docker.sh first)"

TW_TMP=$(mktemp -d /tmp/tw-compose.XXXXXX)   # removed on exit (lib.sh)
work=$TW_TMP
mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
mirror=$(debian_mirror)
log "   Debian mirror (from the system's sources): $mirror, suite $SUITE"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $SUITE main" > "$work/$SUITE.list"
A=(-o "Dir::Etc::sourcelist=$work/$SUITE.list" -o Dir::Etc::sourceparts=- \
   -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o APT::Get::List-Cleanup=0 -q)
run_quiet "apt-get update ($SUITE index only, private lists)" apt-get "${A[@]}" update
# shellcheck disable=SC2016 # expanded by the inner bash
run_quiet "apt-get download docker-compose ($SUITE)" bash -c 'cd "$1" && shift && apt-get "$@" download docker-compose' _ "$work" "${A[@]}"
deb=$(ls "$work"/docker-compose_*.deb)
log "   $(basename "$deb"): Depends: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb -x "$deb" "$work/x"
src="$work/x/usr/libexec/docker/cli-plugins/docker-compose"
[[ -x "$src" ]] || src=$(find "$work/x" -type f -name docker-compose -perm -u+x | head -1)
[[ -n "$src" && -x "$src" ]] || die "no docker-compose binary in $deb"
mkdir -p "$PLUGIN_DIR"
install -m 0755 "$src" "$PLUGIN.new" && mv -f "$PLUGIN.new" "$PLUGIN"
link_home
compose_v2 || die "'docker compose version' does not report v2 after installing $PLUGIN"
log "   installed $PLUGIN: $(docker compose version)"
