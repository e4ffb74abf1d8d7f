#!/usr/bin/env bash
# The engine against PyTorch on this machine, in one run: the tutorial program, a 10,000-op
# chain with backward, a 1024² float32 matmul. Prints both sides and the ratio, and beside them
# issue 2's yardstick (prototype-bench: a minimal class-node autograd of the kind the issue
# measured its targets against) on the same machine.
#
#   VENV=/path/to/venv Benchmarks/run-engine.sh      # the venv has torch
set -euo pipefail
VENV=${VENV:-/work/venv}
cd "$(dirname "$0")"
rm -f .build/release/description.json   # SwiftPM caches the parent package's file list
swift build -c release --product engine-bench >&2
swift build -c release --product prototype-bench >&2
ours=$(./.build/release/engine-bench)
torch=$("$VENV/bin/python" torch_bench.py)
prototype=$(./.build/release/prototype-bench)
printf '| measure | engine | torch | engine / torch | prototype | engine / prototype |\n| --- | --- | --- | --- | --- | --- |\n'
for key in tutorial_us chain_us_per_op matmul1024_gflops; do
    a=$(echo "$ours" | awk -v k=$key '$1 == k { print $2 }')
    b=$(echo "$torch" | awk -v k=$key '$1 == k { print $2 }')
    p=$(echo "$prototype" | awk -v k=$key '$1 == k { print $2 }')
    if [ -n "$p" ]; then
        printf '| %s | %.3f | %.3f | %.3f | %.3f | %.3f |\n' "$key" "$a" "$b" "$(echo "$a / $b" | bc -l)" "$p" "$(echo "$a / $p" | bc -l)"
    else
        printf '| %s | %.3f | %.3f | %.3f | | |\n' "$key" "$a" "$b" "$(echo "$a / $b" | bc -l)"
    fi
done
