#!/usr/bin/env bash
# The API from another language: starts the server jar on the embedded defaults with the sandbox backends, then
# runs server/src/test/node/signup.mjs (Node.js, fetch only) against it. Needs `mvn package` of the server first.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAR=$ROOT/server/target/tenantwright-server.jar
[[ -f "$JAR" ]] || { echo "no $JAR: run mvn package first" >&2; exit 1; }
WORK=$(mktemp -d)
PORT=${TW_NODE_PORT:-18181}
cleanup() {
  local rc=$?
  if [[ -n "${SERVER:-}" ]]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true # the server's own exit status (143 after the TERM) is not the test's
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
(cd "$WORK" && exec java -jar "$JAR" --sandbox --port "$PORT" > "$WORK/server.log" 2>&1) &
SERVER=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null || { tail -50 "$WORK/server.log"; exit 1; }
TW_URL="http://127.0.0.1:$PORT" TW_TOKEN=$(cat "$WORK/data/admin.token") \
  node "$ROOT/server/src/test/node/signup.mjs" "Node Shop" ops@node-shop.example \
  || { echo "--- server log"; tail -50 "$WORK/server.log"; exit 1; }
