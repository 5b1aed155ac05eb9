#!/usr/bin/env bash
# Call-overhead benchmarks (calls/fib.oort, calls/small_calls.oort): runs each program
# with every given oort binary, interleaved, RUNS times (default 9), and prints the
# median wall time per binary. Use it to compare a change against the build before it:
#   benchmarks/run_calls.sh /tmp/oort-before target/release/oort
set -euo pipefail
cd "$(dirname "$0")"
RUNS=${RUNS:-9}
[ $# -ge 1 ] || { echo "usage: $0 OORT_BINARY..." >&2; exit 2; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for prog in calls/fib.oort calls/small_calls.oort; do
    declare -A times=()
    for _ in $(seq "$RUNS"); do
        for bin in "$@"; do
            t0=$(date +%s%N)
            "$bin" run "$prog" >/dev/null
            t=$(( ($(date +%s%N) - t0) / 1000000 ))
            times[$bin]+="$t "
        done
    done
    for bin in "$@"; do
        printf '%-24s %-32s median %s ms\n' "$prog" "$bin" "$(echo "${times[$bin]}" | tr ' ' '\n' | grep . | median)"
    done
    unset times
done
