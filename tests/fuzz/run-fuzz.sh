#!/bin/sh
# Runs a libFuzzer target for a bounded time: run-fuzz.sh FUZZER SECONDS SEED_DIR...
# New inputs go to a temporary corpus, so the seed directories in the source
# tree stay read-only. Exits non-zero when the fuzzer finds a crash, a leak,
# undefined behaviour or a broken invariant.
set -eu
fuzzer=$(realpath "$1")
seconds=$2
shift 2
seeds=""
for d in "$@"; do
	seeds="$seeds $(realpath "$d")"
done
work=$(mktemp -d "${TMPDIR:-/tmp}/ackmock-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
	-print_final_stats=1 "$work" $seeds
