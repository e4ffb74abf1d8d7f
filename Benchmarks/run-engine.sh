#!/usr/bin/env bash
# The engine against PyTorch on this machine, in one run: the tutorial program, a 10,000-op
# chain with backward, a 1024² float32 matmul. Prints both sides and the ratio.
#
#   VENV=/path/to/venv Benchmarks/run-engine.sh      # the venv has torch
set -euo pipefail
VENV=${VENV:-/work/venv}
cd "$(dirname "$0")"
rm -f .build/release/description.json   # SwiftPM caches the parent package's file list
swift build -c release --product engine-bench >&2
ours=$(./.build/release/engine-bench)
torch=$("$VENV/bin/python" torch_bench.py)
printf '| measure | engine | torch | engine / torch |\n| --- | --- | --- | --- |\n'
for key in tutorial_us chain_us_per_op matmul1024_gflops; do
    a=$(echo "$ours" | awk -v k=$key '$1 == k { print $2 }')
    b=$(echo "$torch" | awk -v k=$key '$1 == k { print $2 }')
    printf '| %s | %.3f | %.3f | %.3f |\n' "$key" "$a" "$b" "$(echo "$a / $b" | bc -l)"
done
