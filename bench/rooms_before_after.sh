#!/usr/bin/env bash
# Peer rooms before and after a change, back to back on this machine (bench/README.md).
#
#   bench/rooms_before_after.sh BEFORE_CHECKOUT AFTER_CHECKOUT [PROCESS_COUNTS] [ROUNDS]
#
# For each round, each process count (default "1 2 3") and each checkout in turn, starts
# that many daphne processes of the checkout (PostgreSQL, production settings; over Redis
# when more than one), runs the checkout's own bench/rooms_chat.py against them with
# --server-pids, and prints its figures plus the server CPU per delivered message. Both
# checkouts use this project's virtualenv (the same libraries). Absolute times differ
# about 2x between machines: compare the two checkouts within one run only.
set -euo pipefail

before=$(cd "$1" && pwd)
after=$(cd "$2" && pwd)
counts=${3:-"1 2 3"}
rounds=${4:-1}
here=$(cd "$(dirname "$0")/.." && pwd)
python="$here/.venv/bin/python"
daphne="$here/.venv/bin/daphne"
duration=${DURATION:-60}

export DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=false
export SECRET_KEY=${SECRET_KEY:-$("$python" -c 'import secrets; print(secrets.token_urlsafe(64))')}
export DATABASE_URL=${ROOMS_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_rooms}
export CACHE_KEY_PREFIX=rooms PUBLIC_BASE_URL=https://portal.example.org
redis_url=${ROOMS_REDIS_URL:-redis://127.0.0.1:6379/6}

pids=()
stop_servers() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pids=()
}
trap stop_servers EXIT

run_one() {
    local checkout=$1 label=$2 processes=$3
    cd "$checkout"
    if [ "$processes" -gt 1 ]; then export REDIS_URL=$redis_url; else unset REDIS_URL; fi
    "$python" manage.py migrate -v 0
    local servers="" ports=()
    for index in $(seq 0 $((processes - 1))); do
        local port=$((8600 + index))
        "$daphne" -e "tcp:port=$port:interface=127.0.0.1:backlog=1024" portal.asgi:application \
            >"/tmp/rooms-ba-$port.log" 2>&1 &
        pids+=($!)
        servers="${servers:+$servers,}127.0.0.1:$port"
        ports+=("$port")
    done
    for port in "${ports[@]}"; do
        for _ in $(seq 1 120); do
            curl -fsS -o /dev/null "http://127.0.0.1:$port/robots.txt" && break
            sleep 0.5
        done
    done
    local server_pids
    server_pids=$(IFS=,; echo "${pids[*]}")
    echo "### $label, $processes process(es)"
    "$python" bench/rooms_chat.py --servers "$servers" --duration "$duration" --clients 2 \
        --server-pids "$server_pids" | tee /tmp/rooms-ba-out.txt
    "$python" - "$duration" <<'EOF'
import re
import sys

text = open("/tmp/rooms-ba-out.txt").read()
delivered = int(re.search(r"delivered: (\d+)", text).group(1))
shares = [float(x) for x in re.findall(r"CPU while sending: ([\d.]+) % of a core", text)]
seconds = float(sys.argv[1]) * sum(shares) / 100
print(f"server CPU per delivered message: {seconds / max(delivered, 1) * 1e6:.1f} µs "
      f"({seconds:.1f} s of CPU over {len(shares)} process(es), {delivered} deliveries)")
EOF
    stop_servers
    cd "$here"
}

for round in $(seq 1 "$rounds"); do
    for processes in $counts; do
        run_one "$before" "before (round $round)" "$processes"
        run_one "$after" "after (round $round)" "$processes"
    done
done
