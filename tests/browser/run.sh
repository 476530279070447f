#!/usr/bin/env bash
# The browser test: builds the demo service (crates/warden-demo), serves it
# on a free port with a new database, drives its Swagger UI in headless
# Chromium (swagger-ui.mjs) and exits with the script's status.
# Each run makes a random API key for /metrics/: the service and the script
# get it in the environment (WARDEN_DEMO_API_KEY, WARDEN_API_KEY), out of
# `ps`; neither prints it.
#
# Needs /usr/bin/chromium (or $CHROMIUM), node, and `npm ci` run in this folder.
# Honours CARGO_TARGET_DIR (default: target).
# usage: bash tests/browser/run.sh [SCREENSHOT]   (default target/browser/swagger-ui.png)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."

if [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "run.sh: playwright-core is not installed: run 'npm ci --prefix tests/browser' first" >&2
  exit 1
fi
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "run.sh: no Chromium at $chromium (Debian: apt-get install chromium)" >&2
  exit 1
fi

# The binary, with the features CI's test step (`cargo test --workspace
# --all-features`) resolves: selecting the test targets (`--tests`) brings in
# the dev-dependencies' features too, so that step's build of warden and its
# dependencies is reused and only warden-demo itself is compiled.
cargo build --workspace --all-features --tests --bin warden-demo
service="${CARGO_TARGET_DIR:-target}/debug/warden-demo"

work="$(mktemp -d "${TMPDIR:-/tmp}/warden-browser.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A throwaway API key for /metrics/: 32 hex digits (the service wants at
# least 16 visible ASCII characters). Never echoed: the service doesn't print
# it, swagger-ui.mjs reads it from its environment and hides it in the
# screenshot, and the service's log is shown with it redacted.
api_key="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
if ! [[ "$api_key" =~ ^[0-9a-f]{32}$ ]]; then
  echo "run.sh: could not make an API key from /dev/urandom" >&2
  exit 1
fi
show_log() { sed "s/$api_key/[API key]/g" "$work/server.log" >&2; }

# Port 0: the kernel picks a free port, and the service prints the one it got
# once it is listening ("warden-demo: listening on http://127.0.0.1:PORT/...").
WARDEN_DEMO_API_KEY="$api_key" "$service" --port 0 --db "$work/demo.sqlite3" >"$work/server.log" 2>&1 &
server_pid=$!
base=""
for _ in $(seq 1 300); do # up to 30 s
  base="$(sed -nE 's#^warden-demo: listening on (http://127\.0\.0\.1:[0-9]+)/.*#\1#p' "$work/server.log" | head -n 1)"
  [ -n "$base" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "run.sh: the service exited before listening:" >&2
    show_log
    exit 1
  fi
  sleep 0.1
done
if [ -z "$base" ]; then
  echo "run.sh: the service did not report its port within 30 s:" >&2
  show_log
  exit 1
fi
port="${base##*:}"
# It binds before printing; make sure the port really answers.
if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "run.sh: nothing listens on 127.0.0.1:$port" >&2
  show_log
  exit 1
fi
echo "run.sh: the demo service listens on $base (database $work/demo.sqlite3, a new random API key)"

status=0
WARDEN_API_KEY="$api_key" CHROMIUM="$chromium" node "$here/swagger-ui.mjs" "$base" "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "run.sh: the browser test failed ($status); the service's log:" >&2
  show_log
fi
exit "$status"
