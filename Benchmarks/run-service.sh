#!/usr/bin/env bash
# The whole service against the Python baseline (../shared/reference/server.py: FastAPI,
# uvicorn, refimpl on torch) on the same programs: wrk on loopback, each server pinned to
# SERVER_CORES, wrk to CLIENT_CORE, runs alternating between the two, medians reported.
#
#   Benchmarks/run-service.sh                 # RUNS=3 DURATION=10 CONNECTIONS=16
#   VENV=/path/to/venv Benchmarks/run-service.sh
#
# Needs wrk, taskset, and a virtualenv with torch numpy orjson fastapi uvicorn (VENV).
set -euo pipefail
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
SERVER_CORES=${SERVER_CORES:-0}
CLIENT_CORE=${CLIENT_CORE:-1}
VENV=${VENV:-/work/venv}
cd "$(dirname "$0")"
SHARED=${SHARED:-$(cd ../.. && pwd)/shared}

(cd .. && swift build -c release --product autograd-server >&2)
BIN=$(cd .. && swift build -c release --show-bin-path)/autograd-server
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
wait_port() { for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

taskset -c "$SERVER_CORES" "$BIN" --port 18090 --workers 1 --log-level warning 2>/dev/null & PIDS+=($!)
taskset -c "$SERVER_CORES" "$VENV/bin/python" "$SHARED/reference/server.py" --port 18091 >/dev/null 2>&1 & PIDS+=($!)
wait_port 18090; wait_port 18091

median() { sort -g | awk '{ a[NR]=$1 } END { print a[int((NR+1)/2)] }'; }
printf '| program | server | req/s (median of %s) | p50 | p99 |\n| --- | --- | --- | --- | --- |\n' "$RUNS"
for script in tutorial.lua mlp.lua; do
    for port in 18090 18091; do taskset -c "$CLIENT_CORE" wrk -t1 -c4 -d2s -s "$script" "http://127.0.0.1:$port" >/dev/null; done
    declare -A rps p50 p99
    for port in 18090 18091; do rps[$port]=""; p50[$port]=""; p99[$port]=""; done
    for _ in $(seq 1 "$RUNS"); do
        for port in 18090 18091; do
            out=$(taskset -c "$CLIENT_CORE" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$script" "http://127.0.0.1:$port")
            rps[$port]+="$(echo "$out" | awk '/Requests\/sec/ { print $2 }') "
            p50[$port]+="$(echo "$out" | awk '$1 == "50%" { print $2 }') "
            p99[$port]+="$(echo "$out" | awk '$1 == "99%" { print $2 }') "
        done
    done
    for port in 18090 18091; do
        name=$([ "$port" = 18090 ] && echo "autograd-server" || echo "server.py (FastAPI)")
        printf '| %s | %s | %s | %s | %s |\n' "${script%.lua}" "$name" \
            "$(echo ${rps[$port]} | tr ' ' '\n' | median)" "$(echo ${p50[$port]} | tr ' ' '\n' | sort | head -2 | tail -1)" \
            "$(echo ${p99[$port]} | tr ' ' '\n' | sort | head -2 | tail -1)"
    done
done
