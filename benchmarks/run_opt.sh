#!/usr/bin/env bash
# Effect of the optimizer (-O0 against -O1) on every benchmark program (every .oort file
# under benchmarks/ except check/, which is a compile-time benchmark). For each program:
#   - the bytecode instructions executed at -O0 and -O1 (`oort run --count-instrs`,
#     deterministic), and a check that both levels print the same output and end alike;
#   - the median wall time at each level over RUNS runs (default 11), interleaved
#     O0, O1, O0, O1, ... so that load on the (shared, noisy) machine hits both alike;
#   - with CALLGRIND=1, the host instructions (callgrind's Ir) of one run per level.
# Prints a markdown table per measurement.
#   benchmarks/run_opt.sh [OORT_BINARY]   (default: $CARGO_TARGET_DIR/release/oort,
#                                          else target/release/oort)
# Environment: RUNS=11; CALLGRIND=1 (slow: valgrind runs each program twice, about
# 6 minutes for all four programs on a 2-core VM); PROGS="calls/fib.oort ..." (paths relative to
# benchmarks/) to measure only some programs.
# The binary is copied first, so a rebuild during the run does not change what is measured.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
bin=${1:-${CARGO_TARGET_DIR:-$repo/target}/release/oort}
case $bin in /*) ;; *) [ -x "$bin" ] || bin=$repo/$bin ;; esac
[ -x "$bin" ] || { echo "error: no oort binary at $bin (build with cargo build --release, or pass a path)" >&2; exit 2; }
RUNS=${RUNS:-11}
case "$RUNS" in '' | *[!0-9]* | 0) echo "error: RUNS must be a positive integer, got '$RUNS'" >&2; exit 2 ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/run_opt.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp "$bin" "$tmp/oort"
oort=$tmp/oort

# The arguments each program is run with: the ones its own runner script and recorded
# results use (binary_trees: N = 16, as run_binary_trees.sh; churn: 1 GiB, as
# results/churn.md). Programs not listed here run without arguments.
args_of() {
    case $1 in
        binary_trees/binary_trees.oort) echo 16 ;;
        churn/churn.oort) echo 1 ;;
        *) echo ;;
    esac
}

cd "$here"
if [ -n "${PROGS:-}" ]; then
    read -r -a progs <<<"$PROGS"
else
    mapfile -t progs < <(find . -name '*.oort' -not -path './check/*' | sed 's|^\./||' | LC_ALL=C sort)
fi

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# ratio A B: A / B with three decimals (integers).
ratio() {
    [ "$2" -ne 0 ] || { echo "n/a"; return; }
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'
}
# 1234567 -> 1,234,567
commas() { echo "$1" | sed ':a; s/\B[0-9]\{3\}\>/,&/; ta'; }

commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$repo" diff --quiet HEAD 2>/dev/null || commit="$commit, tree has uncommitted changes"
echo "oort optimizer benchmark: $("$oort" --version 2>/dev/null || echo oort) ($bin; repo at $commit), $RUNS interleaved runs per level"
echo

# ------------------------------------------------------------ instruction counts, output
declare -A count=() status=()
failed=0
for prog in "${progs[@]}"; do
    read -r -a pargs <<<"$(args_of "$prog")"
    for lvl in 0 1; do
        st=0
        "$oort" run -O$lvl --count-instrs "$prog" "${pargs[@]}" >"$tmp/out$lvl" 2>"$tmp/err$lvl" || st=$?
        status[$prog,$lvl]=$st
        count[$prog,$lvl]=$(sed -n 's/^instructions executed: \([0-9]*\)$/\1/p' "$tmp/err$lvl" | tail -n 1)
        [ -n "${count[$prog,$lvl]}" ] || count[$prog,$lvl]=0
        grep -v '^instructions executed: ' "$tmp/err$lvl" >"$tmp/errx$lvl" || true
    done
    if ! cmp -s "$tmp/out0" "$tmp/out1" || ! cmp -s "$tmp/errx0" "$tmp/errx1" \
        || [ "${status[$prog,0]}" != "${status[$prog,1]}" ]; then
        echo "error: $prog: -O0 and -O1 differ (output, diagnostics or exit status ${status[$prog,0]} / ${status[$prog,1]}):" >&2
        diff "$tmp/out0" "$tmp/out1" | head -n 20 >&2 || true
        failed=1
    fi
    if [ "${status[$prog,0]}" != 0 ]; then
        echo "error: $prog exited with status ${status[$prog,0]}:" >&2
        head -n 20 "$tmp/errx0" >&2
        failed=1
    fi
done
[ "$failed" = 0 ] || exit 1

# ------------------------------------------------------------ wall time, interleaved
declare -A ms=()
for prog in "${progs[@]}"; do
    read -r -a pargs <<<"$(args_of "$prog")"
    t0s=() t1s=()
    for _ in $(seq "$RUNS"); do
        for lvl in 0 1; do
            t0=$(date +%s%N)
            "$oort" run -O$lvl "$prog" "${pargs[@]}" >/dev/null
            t=$(( ($(date +%s%N) - t0) / 1000000 ))
            if [ $lvl = 0 ]; then t0s+=("$t"); else t1s+=("$t"); fi
        done
    done
    ms[$prog,0]=$(median "${t0s[@]}")
    ms[$prog,1]=$(median "${t1s[@]}")
    echo "$prog: -O0 ${t0s[*]} ms; -O1 ${t1s[*]} ms" >&2
done

echo "| program | args | instrs -O0 | instrs -O1 | ratio | median ms -O0 | median ms -O1 | ratio |"
echo "|---|---|---|---|---|---|---|---|"
for prog in "${progs[@]}"; do
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$prog" "$(args_of "$prog")" \
        "$(commas "${count[$prog,0]}")" "$(commas "${count[$prog,1]}")" \
        "$(ratio "${count[$prog,1]}" "${count[$prog,0]}")" \
        "${ms[$prog,0]}" "${ms[$prog,1]}" "$(ratio "${ms[$prog,1]}" "${ms[$prog,0]}")"
done
echo
echo "Output identical at -O0 and -O1 for every program. Ratios are -O1 / -O0."

# ------------------------------------------------------------ callgrind (host instructions)
if [ "${CALLGRIND:-0}" = 1 ]; then
    command -v valgrind >/dev/null 2>&1 || { echo "error: CALLGRIND=1 but valgrind is not installed" >&2; exit 1; }
    declare -A ir=()
    for prog in "${progs[@]}"; do
        read -r -a pargs <<<"$(args_of "$prog")"
        for lvl in 0 1; do
            valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
                "$oort" run -O$lvl "$prog" "${pargs[@]}" >"$tmp/cgout$lvl" 2>"$tmp/cgerr$lvl"
            ir[$prog,$lvl]=$(awk '/^(summary|totals):/ { print $2; exit }' "$tmp/cg.out")
            echo "$prog -O$lvl: Ir ${ir[$prog,$lvl]}" >&2
        done
        cmp -s "$tmp/cgout0" "$tmp/cgout1" || { echo "error: $prog: -O0 and -O1 print different output under valgrind" >&2; exit 1; }
    done
    echo
    echo "| program | args | Ir -O0 | Ir -O1 | ratio |"
    echo "|---|---|---|---|---|"
    for prog in "${progs[@]}"; do
        printf '| %s | %s | %s | %s | %s |\n' "$prog" "$(args_of "$prog")" \
            "$(commas "${ir[$prog,0]}")" "$(commas "${ir[$prog,1]}")" \
            "$(ratio "${ir[$prog,1]}" "${ir[$prog,0]}")"
    done
    echo
    echo "Ir: host instructions of one run under valgrind --tool=callgrind (whole process)."
fi
