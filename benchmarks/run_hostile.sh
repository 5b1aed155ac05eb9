#!/usr/bin/env bash
# Hostile inputs: generates each shape of hostile/gen.py at each size, runs `oort check`
# (or the command in CMD) on it once and prints its exit status, wall time, max RSS and
# bytes of standard error, then the growth of time and memory per size step (4x the input
# should cost about 4x when checking is linear).
#   benchmarks/run_hostile.sh [OORT_BINARY]     (default: target/release/oort)
# SIZES="1m 4m 16m 64m 100m" and SHAPES="assign vars …" override the defaults (every
# shape at 1m 4m 16m); CMD=run runs the programs instead; TIMEOUT=300 (seconds) stops a
# run that takes longer (reported as status 124).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
bin=${1:-$repo/target/release/oort}
case $bin in /*) ;; *) [ -x "$bin" ] || bin=$repo/$bin ;; esac
[ -x "$bin" ] || { echo "error: no oort binary at $bin (build with cargo build --release, or pass a path)" >&2; exit 2; }
SIZES=${SIZES:-"1m 4m 16m"}
SHAPES=${SHAPES:-$(python3 "$here/hostile/gen.py" --list | awk '{print $1}')}
CMD=${CMD:-check}
TIMEOUT=${TIMEOUT:-300}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "oort $CMD on hostile inputs: $("$bin" --version 2>/dev/null || echo "$bin")"
printf '%-13s %6s %5s %9s %10s %12s %9s %9s\n' shape size exit "time s" "max RSS MB" "stderr bytes" "time x" "RSS x"
for shape in $SHAPES; do
    prev_t="" prev_m=""
    for size in $SIZES; do
        prog=$tmp/$shape.oort
        python3 "$here/hostile/gen.py" "$shape" "$size" >"$prog"
        set +e
        /usr/bin/time -f "%e %M" -o "$tmp/time" timeout "$TIMEOUT" "$bin" "$CMD" "$prog" >/dev/null 2>"$tmp/err"
        status=$?
        set -e
        # (time prefixes a line "Command exited with non-zero status N" on failure)
        read -r t kb < <(tail -n 1 "$tmp/time")
        mb=$((kb / 1024))
        errbytes=$(wc -c <"$tmp/err")
        if [ -n "$prev_t" ]; then
            growth=$(awk -v a="$t" -v b="$prev_t" -v c="$mb" -v d="$prev_m" \
                'BEGIN { printf "%9.2f %9.2f", (b > 0 ? a / b : 0), (d > 0 ? c / d : 0) }')
        else
            growth=$(printf '%9s %9s' - -)
        fi
        printf '%-13s %6s %5s %9s %10s %12s %s\n' "$shape" "$size" "$status" "$t" "$mb" "$errbytes" "$growth"
        if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
            echo "  unexpected exit status $status; stderr starts:" && head -c 400 "$tmp/err" | sed 's/^/  /'
        fi
        prev_t=$t prev_m=$mb
        rm -f "$prog"
    done
done
