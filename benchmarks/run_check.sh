#!/usr/bin/env bash
# Front-end speed: generates Oort programs of 50,000, 100,000 and 200,000 lines with
# check/gen.py (deterministic), runs `oort check` on each RUNS times (default 5) and
# prints, per size, the median wall time and lines per second, then the ratios
# time(200k)/time(100k) and time(100k)/time(50k) (about 2.0 when checking is linear).
#   benchmarks/run_check.sh [OORT_BINARY]     (default: target/release/oort)
# SIZES="20000 40000" overrides the sizes (the ratios are printed for consecutive sizes).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
bin=${1:-$repo/target/release/oort}
case $bin in /*) ;; *) [ -x "$bin" ] || bin=$repo/$bin ;; esac
[ -x "$bin" ] || { echo "error: no oort binary at $bin (build with cargo build --release, or pass a path)" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
RUNS=${RUNS:-5}
SIZES=${SIZES:-"50000 100000 200000"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "oort check benchmark: $("$bin" --version 2>/dev/null || echo "$bin"), $RUNS runs per size"
printf '%-10s %12s %14s\n' lines "median ms" "lines/s"
declare -A ms=()
for n in $SIZES; do
    prog=$tmp/check_$n.oort
    python3 "$here/check/gen.py" --lines "$n" >"$prog"
    lines=$(wc -l <"$prog")
    times=""
    for _ in $(seq "$RUNS"); do
        t0=$(date +%s%N)
        if ! "$bin" check "$prog" >"$tmp/out" 2>"$tmp/err"; then
            echo "error: \`oort check\` failed on the generated $n-line program:" >&2
            head -n 40 "$tmp/err" >&2
            cp "$prog" "/tmp/check_failed_$n.oort" && echo "(program kept in /tmp/check_failed_$n.oort)" >&2
            exit 1
        fi
        t1=$(date +%s%N)
        times+="$(( (t1 - t0) / 1000 )) "   # microseconds
    done
    if [ -s "$tmp/out" ] || [ -s "$tmp/err" ]; then
        echo "warning: \`oort check\` printed diagnostics for the $n-line program:" >&2
        head -n 20 "$tmp/err" "$tmp/out" >&2
    fi
    us=$(echo "$times" | tr ' ' '\n' | grep . | median)
    ms[$n]=$us
    awk -v n="$lines" -v us="$us" 'BEGIN { printf "%-10d %12.1f %14.0f\n", n, us / 1000, n / (us / 1e6) }'
done
prev=""
for n in $SIZES; do
    if [ -n "$prev" ]; then
        awk -v a="$n" -v b="$prev" -v ta="${ms[$n]}" -v tb="${ms[$prev]}" \
            'BEGIN { printf "time(%dk)/time(%dk) = %.2f\n", a / 1000, b / 1000, ta / tb }'
    fi
    prev=$n
done | tac
