#!/usr/bin/env bash
# On-demand end-to-end check of the real daemons that the integration tests use. Not run by CI.
#   docker:  compose v2 project (2 busybox services, healthchecks, a volume) `up -d --wait`, HTTP on a
#            published 127.0.0.1 port, `down -v --remove-orphans` leaves nothing behind
#   incus:   launch test-image, exec, REST API on the unix socket, HTTP on the bridge address,
#            proxy device 127.0.0.1:<port> -> container :8080, snapshot + restore, a project,
#            delete, nothing left
# Usage: smoke.sh [docker] [incus]   (default both; the daemons must be up: run the install scripts)
# Talks only to 127.0.0.1 and to the containers it creates on incusbr0.
set -euo pipefail
# shellcheck source=scripts/ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
script_begin
require_root

targets=("$@"); (( ${#targets[@]} )) || targets=(docker incus)
SOCK=/var/lib/incus/unix.socket
P=twci                       # compose project
C=tw-smoke-c1                # incus instance
PROJ=tw-smoke                # incus project
TW_TMP=$(mktemp -d /tmp/tw-smoke.XXXXXX)

check() { # check DESC CMD...: run, fail loudly
  local desc=$1; shift
  if "$@"; then log "   ok: $desc"; else die "check failed: $desc"; fi
}
http_get() { curl -fsS --max-time 3 --retry 20 --retry-delay 0 --retry-all-errors --retry-max-time 15 "$1"; }
free_port() {
  local p
  for p in $(shuf -i 20000-29999 -n 50); do
    ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
  die "no free port"
}

# ---------------------------------------------------------------- docker + compose
smoke_docker() {
  docker info >/dev/null 2>&1 || die "dockerd not answering: scripts/ci/install-docker.sh"
  local d=$TW_TMP/compose; mkdir -p "$d"
  cat > "$d/compose.yaml" <<'YAML'
name: twci
services:
  web:
    image: local/busybox:1
    init: true                       # busybox as PID 1 ignores SIGTERM
    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
    ports: ["127.0.0.1::8080"]       # ephemeral host port on loopback only
    environment: { GREETING: "${GREETING:-unset}" }
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
      interval: 1s
      timeout: 2s
      retries: 30
    depends_on:
      worker: { condition: service_healthy }
  worker:
    image: local/busybox:1
    stop_grace_period: 1s            # the other way around the PID 1 problem
    command: ["sh", "-c", "while :; do date > /data/heartbeat; sleep 1; done"]
    volumes: ["data:/data"]
    healthcheck:
      test: ["CMD", "test", "-f", "/data/heartbeat"]
      interval: 1s
      timeout: 2s
      retries: 30
volumes:
  data: {}
YAML
  echo 'GREETING=hello-from-env' > "$d/.env"
  # leftovers of an interrupted earlier run
  docker compose -p "$P" --project-directory "$d" down -v --remove-orphans >/dev/null 2>&1 || true

  run_timed "docker compose -p $P up -d --wait" docker compose -p "$P" --project-directory "$d" up -d --wait --quiet-pull
  local hp; hp=$(docker compose -p "$P" --project-directory "$d" port web 8080)
  log "   web published on $hp"
  [[ $hp == 127.0.0.1:* ]] || die "published on $hp, expected 127.0.0.1"
  check "HTTP GET http://$hp/" bash -c "curl -fsS --max-time 3 http://$hp/ | grep -q 'tenantwright-busybox ok'"
  check "compose ps --format json: 2 healthy services" bash -c \
    "docker compose -p $P --project-directory '$d' ps --format json | grep -o '\"Health\":\"healthy\"' | wc -l | grep -qx 2"
  check ".env interpolated into the service env" bash -c \
    "docker compose -p $P --project-directory '$d' exec -T web sh -c 'echo \$GREETING' | grep -qx hello-from-env"
  run_timed "docker compose -p $P down -v --remove-orphans" docker compose -p "$P" --project-directory "$d" down -v --remove-orphans
  check "no container left"  test -z "$(docker ps -aq --filter label=com.docker.compose.project=$P)"
  check "no volume left"     test -z "$(docker volume ls -q --filter label=com.docker.compose.project=$P)"
  check "no network left"    test -z "$(docker network ls -q --filter label=com.docker.compose.project=$P)"

  # plain docker run with the image's default CMD (/bin/serve stops on SIGTERM at once)
  local cid
  cid=$(docker run -d --rm -p 127.0.0.1::8080 local/busybox:1)
  hp=$(docker port "$cid" 8080/tcp | head -1)
  check "docker run default CMD serves on $hp" bash -c "curl -fsS --max-time 3 --retry 10 --retry-delay 0 --retry-all-errors http://$hp/ | grep -q ok"
  run_timed "docker stop (image's /bin/serve handles SIGTERM)" docker stop -t 5 "$cid" >/dev/null
}

# ---------------------------------------------------------------- incus
incus_ip() { incus list "$1" -f csv -c 4 "${@:2}" | grep -oE '^[0-9.]+' | head -1; }

smoke_incus() {
  incus query /1.0 >/dev/null 2>&1 || die "incusd not answering: scripts/ci/install-incus.sh"
  incus delete -f "$C" >/dev/null 2>&1 || true

  run_timed "incus launch test-image $C" incus launch test-image "$C" -c environment.TW_SMOKE=yes -q
  wait_for 30 "$C has an IPv4 address on incusbr0" bash -c "incus list $C -f csv -c 4 | grep -qE '^10\\.'"
  local ip; ip=$(incus_ip "$C")
  log "   $C is at $ip"
  check "incus exec (argv, env from instance config)" bash -c "incus exec $C -- sh -c 'echo \$TW_SMOKE' | grep -qx yes"
  check "incus exec --env, exit code propagates" bash -c "incus exec $C --env X=42 -- sh -c 'test \$X = 42 && exit 7'; test \$? -eq 7"
  check "REST API on $SOCK: GET /1.0" bash -c "curl -fsS --unix-socket $SOCK http://incus/1.0 | grep -q '\"api_version\":\"1.0\"'"
  check "REST API: instance state Running" bash -c "curl -fsS --unix-socket $SOCK http://incus/1.0/instances/$C/state | grep -q '\"status\":\"Running\"'"
  check "HTTP GET http://$ip:8080/ over the bridge" bash -c "http_get() { curl -fsS --max-time 3 --retry 20 --retry-delay 0 --retry-all-errors --retry-max-time 15 \"\$1\"; }; http_get http://$ip:8080/ | grep -q ok"

  local port; port=$(free_port)
  run_timed "proxy device 127.0.0.1:$port -> $C:8080" \
    incus config device add "$C" web proxy listen=tcp:127.0.0.1:"$port" connect=tcp:127.0.0.1:8080 -q
  check "HTTP GET http://127.0.0.1:$port/ via the proxy device" bash -c "curl -fsS --max-time 3 --retry 20 --retry-delay 0 --retry-all-errors --retry-max-time 15 http://127.0.0.1:$port/ | grep -q ok"

  incus exec "$C" -- sh -c 'echo clean > /root/state'
  run_timed "incus snapshot create $C clean" incus snapshot create "$C" clean
  incus exec "$C" -- sh -c 'echo dirty > /root/state; touch /root/extra'
  run_timed "incus snapshot restore $C clean" incus snapshot restore "$C" clean
  check "restored file content" bash -c "incus exec $C -- cat /root/state | grep -qx clean"
  check "file created after the snapshot is gone" bash -c "! incus exec $C -- test -e /root/extra"
  check "still RUNNING after restore" bash -c "incus list $C -f csv -c s | grep -qx RUNNING"
  check "proxy device still serves after restore" bash -c "curl -fsS --max-time 3 --retry 20 --retry-delay 0 --retry-all-errors --retry-max-time 15 http://127.0.0.1:$port/ | grep -q ok"

  run_timed "incus delete --force $C" incus delete --force "$C"
  check "instance gone" bash -c "! incus info $C >/dev/null 2>&1"
  check "proxy port $port closed" bash -c "! ss -Htln 'sport = :$port' | grep -q ."

  # Projects: a new project has features.images/profiles=true by default, i.e. it sees neither the
  # default project's images (test-image) nor its default profile (root disk, eth0). Share them:
  incus project delete "$PROJ" >/dev/null 2>&1 || true
  run_timed "incus project create $PROJ (features.images=false, features.profiles=false)" \
    incus project create "$PROJ" -c features.images=false -c features.profiles=false
  run_timed "incus launch test-image in project $PROJ" incus launch test-image p1 --project "$PROJ" -q
  check "exec in project $PROJ" bash -c "incus exec p1 --project $PROJ -- true"
  run_timed "incus delete + project delete" bash -c "incus delete -f p1 --project $PROJ && incus project delete $PROJ"
  check "nothing left in incus" bash -c "test -z \"\$(incus list --all-projects -f csv -c n)\""
}

for t in "${targets[@]}"; do
  case $t in
    docker) smoke_docker ;;
    incus)  smoke_incus ;;
    *) die "unknown target '$t' (docker|incus)" ;;
  esac
done
log "SMOKE OK: ${targets[*]}"
