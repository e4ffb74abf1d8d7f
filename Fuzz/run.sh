#!/usr/bin/env bash
# Builds the request-parser fuzzer with libFuzzer + AddressSanitizer and runs it for a bounded
# time (default 60 s) from the seed requests in Fuzz/seeds/.
#
#   Fuzz/run.sh [seconds]
#
# New interesting inputs go to Fuzz/corpus-run/ (not committed), crashes to Fuzz/artifacts/.
# Each crash found is fixed and its input kept as a regression test beside the parser tests.
set -euo pipefail

SECONDS_TO_RUN=${1:-60}
cd "$(dirname "$0")/.."
OUT=.build-fuzz
mkdir -p "$OUT" Fuzz/corpus-run Fuzz/artifacts

# The parser is pure Swift with no dependencies: compile its files straight into the fuzzer.
PARSER_SOURCES=(
    Sources/HTTPServer/ByteClass.swift
    Sources/HTTPServer/ChunkedDecoder.swift
    Sources/HTTPServer/FramingFields.swift
    Sources/HTTPServer/HTTPError.swift
    Sources/HTTPServer/HTTPHeaders.swift
    Sources/HTTPServer/HTTPParserLimits.swift
    Sources/HTTPServer/HTTPRequestHead.swift
    Sources/HTTPServer/HTTPRequestParser.swift
    Sources/HTTPServer/HTTPVersion.swift
    Sources/HTTPServer/PercentDecoding.swift
    Sources/HTTPServer/RequestTarget.swift
)
swiftc -sanitize=fuzzer,address -parse-as-library -swift-version 6 -O -g -module-name HTTPParserFuzz \
    "${PARSER_SOURCES[@]}" Fuzz/FuzzParser.swift -o "$OUT/parser-fuzzer"

"$OUT/parser-fuzzer" \
    -max_total_time="$SECONDS_TO_RUN" \
    -max_len=4096 \
    -timeout=10 \
    -dict=Fuzz/http.dict \
    -artifact_prefix=Fuzz/artifacts/ \
    -print_final_stats=1 \
    Fuzz/corpus-run Fuzz/seeds
