#!/usr/bin/env bash
# Loopback HTTP benchmark: our HTTPServer against Hummingbird 2, same tiny JSON POST.
#
# Both servers are built in release mode and started side by side, pinned to core SERVER_CORE
# (an idle server costs nothing); wrk is pinned to CLIENT_CORE. Runs alternate between the
# servers (ours, Hummingbird, ours, ...) so that background load hits both alike. For each:
# a warm-up, RUNS runs of DURATION seconds with CONNECTIONS connections (medians reported),
# then one run over a single connection for its p50 latency.
#
#   Benchmarks/run-http.sh                      # 3 runs x 10 s, 64 connections
#   RUNS=5 DURATION=20 Benchmarks/run-http.sh
#
# Needs wrk (apt-get install -y wrk) and taskset (util-linux).
set -euo pipefail

RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
SERVER_CORE=${SERVER_CORE:-0}
CLIENT_CORE=${CLIENT_CORE:-1}
OURS_PORT=${OURS_PORT:-18080}
HB_PORT=${HB_PORT:-18081}

cd "$(dirname "$0")"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

echo "Building both servers (release)..." >&2
# SwiftPM caches the build plan of path dependencies; drop it so new files in ../ are seen.
rm -f .build/release/description.json
swift build -c release --product BenchHTTPServer >&2
swift build -c release --product BenchHummingbird >&2
BIN=$(swift build -c release --show-bin-path)
RESULTS=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$RESULTS"
}
trap cleanup EXIT

# Converts wrk's latency figures (850.00us, 1.20ms, 1.00s) to milliseconds.
to_ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); v=v/1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v=v*1000 } printf "%.3f\n", v }'; }
median() { sort -g | awk '{ a[NR]=$1 } END { print a[int((NR+1)/2)] }'; }

start_server() { # binary port
    taskset -c "$SERVER_CORE" "$BIN/$1" "$2" >/dev/null 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "$1 did not start on port $2" >&2
    return 1
}

run_wrk() { # port connections seconds output
    taskset -c "$CLIENT_CORE" wrk -t1 -c"$2" -d"$3"s --latency -s post.lua "http://127.0.0.1:$1/" > "$4"
}

start_server BenchHTTPServer "$OURS_PORT"
start_server BenchHummingbird "$HB_PORT"
run_wrk "$OURS_PORT" "$CONNECTIONS" 3 /dev/null   # warm-up
run_wrk "$HB_PORT" "$CONNECTIONS" 3 /dev/null
for run in $(seq 1 "$RUNS"); do
    for server in ours:"$OURS_PORT" hummingbird:"$HB_PORT"; do
        run_wrk "${server#*:}" "$CONNECTIONS" "$DURATION" "$RESULTS/${server%%:*}.$run"
        echo "  ${server%%:*} run $run: $(grep 'Requests/sec' "$RESULTS/${server%%:*}.$run")" >&2
    done
done
run_wrk "$OURS_PORT" 1 5 "$RESULTS/ours.single"
run_wrk "$HB_PORT" 1 5 "$RESULTS/hummingbird.single"

row() { # name label
    local rps p50 p99 errors single
    rps=$(cat "$RESULTS/$1".[0-9]* | awk '/Requests\/sec/ { print $2 }' | median)
    p50=$(cat "$RESULTS/$1".[0-9]* | awk '$1 == "50%" { print $2 }' | to_ms | median)
    p99=$(cat "$RESULTS/$1".[0-9]* | awk '$1 == "99%" { print $2 }' | to_ms | median)
    errors=$(cat "$RESULTS/$1".[0-9]* | grep -cE 'Non-2xx|Socket errors' || true)
    single=$(awk '$1 == "50%" { print $2 }' "$RESULTS/$1.single" | to_ms)
    printf "| %-18s | %8.0f | %8s | %8s | %15s | %11s |\n" "$2" "$rps" "$p50" "$p99" "$single" "$errors"
}

echo
echo "POST / {\"a\":1} -> {\"ok\":true}; wrk -t1 -c$CONNECTIONS -d${DURATION}s, median of $RUNS alternating runs; servers on core $SERVER_CORE, wrk on core $CLIENT_CORE"
echo
echo "| server             |    req/s | p50 (ms) | p99 (ms) | p50 1 conn (ms) | error lines |"
echo "|--------------------|----------|----------|----------|-----------------|-------------|"
row ours "HTTPServer (ours)"
row hummingbird "Hummingbird 2.28.1"
