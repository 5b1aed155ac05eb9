#!/usr/bin/env bash
# Runs the binary-trees benchmark on every engine present (oort, lua5.4, luajit),
# checks the output, reports the median wall time of each engine and its ratio to
# oort, and appends the results as a markdown table to results/binary_trees.md.
#
# Usage: benchmarks/run_binary_trees.sh [N]       (N = maximum tree depth, default 16)
# Environment:
#   RUNS=3          runs per engine (the median is reported)
#   SKIP_BUILD=1    use the existing target/release/oort instead of building it
#   LUA=lua5.4      the Lua 5.4 interpreter to use;  LUAJIT=luajit  the LuaJIT one
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bench="$here/binary_trees"
results="$here/results/binary_trees.md"

n=${1:-16}
runs=${RUNS:-3}
lua_cmd=${LUA:-lua5.4}
luajit_cmd=${LUAJIT:-luajit}

case "$n" in
    '' | *[!0-9]*) echo "error: N must be a non-negative integer, got '$n'" >&2; exit 2 ;;
esac
case "$runs" in
    '' | *[!0-9]* | 0) echo "error: RUNS must be a positive integer, got '$runs'" >&2; exit 2 ;;
esac

# Nanoseconds since some fixed point: GNU date, else python3, else perl.
now_ns() {
    local t
    t=$(date +%s%N 2>/dev/null || true)
    case "$t" in
        '' | *[!0-9]*) ;;
        *) echo "$t"; return ;;
    esac
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import time; print(time.monotonic_ns())'
    elif command -v perl >/dev/null 2>&1; then
        perl -MTime::HiRes=time -e 'printf("%.0f\n", time() * 1e9)'
    else
        echo "error: no way to measure time (need GNU date, python3 or perl)" >&2
        exit 1
    fi
}

# Milliseconds (integer) to seconds with three decimals.
ms_to_s() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

# ratio A B: A / B with two decimals (integers in ms).
ratio() {
    if [ "$2" -eq 0 ]; then echo "n/a"; return; fi
    local r=$(( ($1 * 100 + $2 / 2) / $2 ))
    printf '%d.%02d' $((r / 100)) $((r % 100))
}

# median of integers given as arguments
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/binary_trees.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ---------------------------------------------------------------- build oort
oort_bin="$root/target/release/oort"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    echo "building oort (cargo build --release) ..."
    (cd "$root" && cargo build --release --quiet)
fi
if [ ! -x "$oort_bin" ]; then
    echo "error: $oort_bin not found (build it or unset SKIP_BUILD)" >&2
    exit 1
fi

# ---------------------------------------------------------------- engines
# Each engine: a name, a version string and a command (as an array, set in run_engine).
names=()
versions=()
medians=()

expected="$bench/expected_16.txt"

# run_engine NAME VERSION CMD... : runs CMD $runs times, checks the output, records the median.
run_engine() {
    local name=$1 version=$2
    shift 2
    local times=() i start end ms status out="$tmp/$name.out"
    echo "== $name ($version), N = $n, $runs runs"
    for ((i = 1; i <= runs; i++)); do
        start=$(now_ns)
        status=0
        "$@" >"$out" 2>"$tmp/$name.err" || status=$?
        if [ "$status" -ne 0 ]; then
            echo "   run $i FAILED (exit status $status); stderr:" >&2
            sed 's/^/     /' "$tmp/$name.err" >&2
            names+=("$name"); versions+=("$version"); medians+=("failed")
            return 0
        fi
        end=$(now_ns)
        ms=$(( (end - start) / 1000000 ))
        times+=("$ms")
        echo "   run $i: $(ms_to_s "$ms") s"
        if [ "$n" = 16 ] && [ -f "$expected" ]; then
            if ! diff -u "$expected" "$out" >"$tmp/$name.diff"; then
                echo "   WRONG OUTPUT (expected $expected):" >&2
                sed 's/^/     /' "$tmp/$name.diff" >&2
                names+=("$name"); versions+=("$version"); medians+=("wrong")
                return 0
            fi
        fi
    done
    names+=("$name")
    versions+=("$version")
    medians+=("$(median "${times[@]}")")
}

oort_version=$("$oort_bin" --version 2>/dev/null | head -n 1 || true)
[ -n "$oort_version" ] || oort_version="oort"
commit=$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || true)
[ -z "$commit" ] || oort_version="$oort_version ($commit)"
run_engine oort "$oort_version" "$oort_bin" run "$bench/binary_trees.oort" "$n"

if command -v "$lua_cmd" >/dev/null 2>&1; then
    v=$("$lua_cmd" -v 2>&1 | head -n 1 | awk '{ print $1, $2 }')
    run_engine lua5.4 "$v" "$lua_cmd" "$bench/binary_trees.lua" "$n"
else
    echo "== lua5.4: '$lua_cmd' not found, skipped"
fi

if command -v "$luajit_cmd" >/dev/null 2>&1; then
    v=$("$luajit_cmd" -v 2>&1 | head -n 1 | awk '{ print $1, $2 }')
    run_engine luajit "$v" "$luajit_cmd" "$bench/binary_trees.lua" "$n"
else
    echo "== luajit: '$luajit_cmd' not found, skipped"
fi

# ---------------------------------------------------------------- report
oort_ms=${medians[0]}
is_number() { case "$1" in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac; }

echo
printf '%-8s %12s %16s\n' engine "median (s)" "time / oort"
rows=""
for i in "${!names[@]}"; do
    m=${medians[$i]}
    if is_number "$m"; then
        secs=$(ms_to_s "$m")
        if is_number "$oort_ms"; then r=$(ratio "$m" "$oort_ms"); else r="n/a"; fi
    else
        secs=$m
        r="n/a"
    fi
    printf '%-8s %12s %16s\n' "${names[$i]}" "$secs" "$r"
    rows+="| ${names[$i]} | ${versions[$i]} | $secs | $r |"$'\n'
done

mkdir -p "$(dirname "$results")"
if [ ! -f "$results" ]; then
    {
        echo "# binary-trees results"
        echo
        echo "Appended by \`benchmarks/run_binary_trees.sh\`: median wall time of $runs runs per engine;"
        echo "\"time / oort\" below 1 means faster than oort."
    } >"$results"
fi
{
    echo
    echo "## $(date '+%Y-%m-%d %H:%M:%S %z'), $(uname -m), N = $n, $runs runs"
    echo
    echo "| engine | version | median (s) | time / oort |"
    echo "|---|---|---|---|"
    printf '%s' "$rows"
} >>"$results"
echo
echo "appended to $results"

# Fail when an engine failed or printed a wrong result.
for m in "${medians[@]}"; do
    if ! is_number "$m"; then exit 1; fi
done
