#!/usr/bin/env bash
# Starts the whole system with tansiq-local (free loopback ports, a fresh data directory,
# authentication on), runs the TypeScript and the Python example against its gateway with a
# development token, stops it, and fails unless both examples pass. `make clients-test`.
#
#   clients/run-examples.sh BIN_DIR
#
# BIN_DIR holds the binaries `make build` made, tansiq-local among them. KEEP_DATA=1 keeps
# the data directory (store, logs) afterwards; it is always kept when a step fails.
set -euo pipefail

bin_dir=$(cd "${1:?usage: $0 BIN_DIR}" && pwd)
clients=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3
start_timeout=${START_TIMEOUT:-180}

[ -x "$bin_dir/tansiq-local" ] || { echo "no $bin_dir/tansiq-local: run make build" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tansiq-clients.XXXXXX")
data="$work/data"
out="$work/tansiq-local.out"
pid=""
failed=1

cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		# SIGTERM lets tansiq-local stop every process it started; SIGKILL only if it hangs.
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	if [ "$failed" = 0 ] && [ "${KEEP_DATA:-}" != 1 ]; then
		rm -rf "$work"
	else
		echo "data, logs and tansiq-local's output kept in $work" >&2
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

show_logs() {
	echo "--- tansiq-local output" >&2
	tail -n 40 "$out" >&2 || true
	for log in "$data"/logs/*.log; do
		[ -f "$log" ] || continue
		echo "--- $log (last lines)" >&2
		tail -n 20 "$log" >&2
	done
}

# One free loopback port per process, all held until every one is chosen so that no two
# are the same.
read -r store_port incident_port forces_port meeting_port gateway_port web_port cotbridge_port cot_tcp_port cot_tls_port < <("$python" - <<'EOF'
import socket
socks = [socket.socket() for _ in range(9)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
)

echo "starting tansiq-local (gateway on 127.0.0.1:$gateway_port, data in $data)"
"$bin_dir/tansiq-local" --bin-dir "$bin_dir" --data-dir "$data" \
	--store-port "$store_port" --incident-port "$incident_port" --forces-port "$forces_port" \
	--meeting-port "$meeting_port" --gateway-port "$gateway_port" --web-port "$web_port" \
	--cotbridge-port "$cotbridge_port" --cot-tcp-port "$cot_tcp_port" --cot-tls-port "$cot_tls_port" >"$out" 2>&1 </dev/null &
pid=$!

# tansiq-local writes the development tokens only once every process it started is
# healthy, so their file doubles as the readiness signal.
tokens="$data/tokens.env"
began=$SECONDS
until [ -s "$tokens" ]; do
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "tansiq-local exited before the system was healthy" >&2
		show_logs
		exit 1
	fi
	if (( SECONDS - began > start_timeout )); then
		echo "the system was not healthy after ${start_timeout}s" >&2
		show_logs
		exit 1
	fi
	sleep 0.5
done
echo "system healthy after $((SECONDS - began))s"
# shellcheck source=/dev/null
. "$tokens"

export TANSIQ_ADDR="127.0.0.1:$gateway_port"
# The examples record an incident of the Peshmerga and confirm it: act as its operator.
export TANSIQ_TOKEN="$TANSIQ_TOKEN_PESHMERGA"

passed=0
failures=0
run() {
	local name=$1
	shift
	echo
	echo "=== $name example"
	if "$@"; then
		passed=$((passed + 1))
	else
		echo "=== $name example FAILED" >&2
		failures=$((failures + 1))
	fi
}
run TypeScript node "$clients/typescript/example.mjs"
run Python env PYTHONDONTWRITEBYTECODE=1 "$python" "$clients/python/example.py"

echo
if [ "$failures" -gt 0 ]; then
	show_logs
else
	failed=0
fi
echo "clients: $passed passed, $failures failed"
exit "$failed"
