#!/usr/bin/env bash
# Build the registry-free test images from Debian's busybox-static:
#   docker: local/busybox:1   (docker import of a busybox rootfs)
#   incus:  test-image        (busybox rootfs with /sbin/init + /etc/inittab, plus metadata.yaml)
# Both serve HTTP with `busybox httpd` from /www (an index.html saying "tenantwright-busybox ok").
#   - docker: default CMD is /bin/serve: httpd on ${PORT:-8080}, -h ${WWW:-/www}, that exits on
#     SIGTERM (a bare busybox as PID 1 ignores SIGTERM: use init: true / a short stop_grace_period
#     when overriding the command).
#   - incus: init brings up lo, runs udhcpc on eth0 (incusbr0's dnsmasq) and respawns
#     `httpd -f -p 8080 -h /www`.
# Usage: build-busybox-images.sh [docker] [incus]     (default: both; FORCE=1 rebuilds)
# Idempotent: an image is rebuilt only when missing or built by an older recipe (RECIPE below).
set -euo pipefail
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
script_begin
require_root

RECIPE=2                      # bump when the rootfs below changes: images get rebuilt
DOCKER_IMAGE=local/busybox:1
INCUS_ALIAS=test-image
FORCE=${FORCE:-}
targets=("$@"); (( ${#targets[@]} )) || targets=(docker incus)

apt_install busybox-static
BB=/bin/busybox
bb_banner=$("$BB" 2>&1 || true); bb_banner=${bb_banner%%$'\n'*}
[[ $bb_banner == BusyBox* ]] || die "$BB is not busybox: $bb_banner"
ldd_out=$(ldd "$BB" 2>&1 || true)
grep -qE 'not a dynamic|statically' <<<"$ldd_out" || die "$BB is not static: $ldd_out"
log "   $bb_banner"

TW_TMP=$(mktemp -d /tmp/tw-busybox.XXXXXX)   # removed on exit (lib.sh)

# make_rootfs DIR KIND: a busybox rootfs; KIND=incus adds the init pieces.
make_rootfs() {
  local r=$1 kind=$2
  mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,var/run,var/log,run,www,usr/share/udhcpc}
  chmod 1777 "$r/tmp"
  cp "$BB" "$r/bin/busybox"
  # every applet as a symlink at its canonical place (what `busybox --install -s` does, without
  # needing to run the binary inside the rootfs)
  local a
  while read -r a; do
    [[ -n "$a" && "$a" != bin/busybox && ! -e "$r/$a" ]] && ln -s /bin/busybox "$r/$a"
  done < <("$BB" --list-full)
  [[ -L "$r/bin/sh" && -L "$r/sbin/init" && -L "$r/bin/httpd" ]] || ln -sf /bin/busybox "$r/bin/httpd"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$r/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$r/etc/group"
  printf 'tenantwright-busybox ok\n' > "$r/www/index.html"
  cat > "$r/bin/serve" <<'SH'
#!/bin/sh
# httpd in the foreground that a plain SIGTERM/SIGINT stops (busybox as PID 1 would ignore it).
httpd -f -p "${PORT:-8080}" -h "${WWW:-/www}" &
pid=$!
trap 'kill $pid 2>/dev/null; exit 0' TERM INT
wait $pid
SH
  chmod 755 "$r/bin/serve"
  if [[ $kind == incus ]]; then
    echo busybox > "$r/etc/hostname"
    cat > "$r/etc/inittab" <<'TAB'
::sysinit:/bin/mount -a
::sysinit:/sbin/ifconfig lo 127.0.0.1 up
::sysinit:/sbin/udhcpc -i eth0 -b -q -t 20 -T 1 -s /usr/share/udhcpc/default.script
::respawn:/bin/httpd -f -p 8080 -h /www
::shutdown:/bin/kill -TERM -1
TAB
    : > "$r/etc/fstab"
    cat > "$r/usr/share/udhcpc/default.script" <<'SH'
#!/bin/sh
# minimal udhcpc hook: apply the lease to the interface
case "$1" in
  deconfig) ifconfig "$interface" 0.0.0.0 up ;;
  bound|renew)
    ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
    if [ -n "$router" ]; then
      while route del default gw 0.0.0.0 dev "$interface" 2>/dev/null; do :; done
      for r in $router; do route add default gw "$r" dev "$interface"; break; done
    fi
    : > /etc/resolv.conf
    for d in $dns; do echo "nameserver $d" >> /etc/resolv.conf; done
    ;;
esac
exit 0
SH
    chmod 755 "$r/usr/share/udhcpc/default.script"
  fi
}

build_docker() {
  docker info >/dev/null 2>&1 || die "dockerd is not answering (run install-docker.sh first)"
  local have
  have=$(docker image inspect -f '{{index .Config.Labels "tw.ci.recipe"}}' "$DOCKER_IMAGE" 2>/dev/null || true)
  if [[ -z "$FORCE" && "$have" == "$RECIPE" ]]; then
    log "   docker image $DOCKER_IMAGE up to date (recipe $RECIPE)"
    return 0
  fi
  local r=$TW_TMP/docker-rootfs
  make_rootfs "$r" docker
  # shellcheck disable=SC2016 # expanded by the inner bash
  run_timed "docker import -> $DOCKER_IMAGE" bash -c '
    tar --numeric-owner --owner=0 --group=0 -C "$1" -c . | docker import \
      --change "LABEL tw.ci.recipe=$2" \
      --change "ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin" \
      --change "WORKDIR /" \
      --change "EXPOSE 8080" \
      --change "CMD [\"/bin/serve\"]" \
      --message "tenantwright CI busybox (recipe $2)" - "$3" >/dev/null' _ "$r" "$RECIPE" "$DOCKER_IMAGE"
  # quick self-check: the shell and httpd applets run
  docker run --rm --network none "$DOCKER_IMAGE" sh -c 'httpd --help 2>&1 | head -1; cat /www/index.html' >&2
}

build_incus() {
  incus query /1.0 >/dev/null 2>&1 || die "incusd is not answering (run install-incus.sh first)"
  local have=""
  local aliases; aliases=$(incus image alias list -f csv 2>/dev/null | cut -d, -f1)
  if grep -qx "$INCUS_ALIAS" <<<"$aliases"; then
    have=$(incus image get-property "$INCUS_ALIAS" tw_ci_recipe 2>/dev/null || true)
    if [[ -z "$FORCE" && "$have" == "$RECIPE" ]]; then
      log "   incus image $INCUS_ALIAS up to date (recipe $RECIPE)"
      return 0
    fi
  fi
  local r=$TW_TMP/incus-rootfs m=$TW_TMP/incus-meta
  make_rootfs "$r" incus
  mkdir -p "$m"
  cat > "$m/metadata.yaml" <<META
architecture: x86_64
creation_date: $(date +%s)
properties:
  description: busybox test image (tenantwright CI)
  os: busybox
  release: "$(awk '{print $2}' <<<"$bb_banner")"
  architecture: x86_64
  tw_ci_recipe: "$RECIPE"
templates: {}
META
  tar --numeric-owner --owner=0 --group=0 -C "$m" -czf "$TW_TMP/metadata.tar.gz" metadata.yaml
  tar --numeric-owner --owner=0 --group=0 -C "$r" -czf "$TW_TMP/rootfs.tar.gz" .
  if [[ -n "$have" || -n "$FORCE" ]]; then
    # replace: drop the alias' old image (instances made from it keep working)
    local fp
    fp=$(incus image info "$INCUS_ALIAS" 2>/dev/null | awk '/^Fingerprint:/{print $2}')
    [[ -n "$fp" ]] && run_timed "incus image delete old $INCUS_ALIAS ($fp)" incus image delete "$fp"
  fi
  run_timed "incus image import -> $INCUS_ALIAS" \
    incus image import "$TW_TMP/metadata.tar.gz" "$TW_TMP/rootfs.tar.gz" --alias "$INCUS_ALIAS"
}

for t in "${targets[@]}"; do
  case $t in
    docker) build_docker ;;
    incus)  build_incus ;;
    *) die "unknown target '$t' (docker|incus)" ;;
  esac
done
