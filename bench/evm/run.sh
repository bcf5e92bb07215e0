#!/bin/bash
# bench/evm/run.sh — bench/evm against @ethereumjs/evm on the same bytecode.
# Installs @ethereumjs/evm (npm) into a temporary directory, runs each
# bare-message workload (alu, keccak, calls) on both, prints Mgas/s and the
# ratio.  Needs node >= 18 and npm with registry access.
#   bench/evm/run.sh [BUILDDIR (default .)] [seconds per run (default 0.5)]
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-.}
secs=${2:-0.5}
bench="$build/bench/evm"
if [ ! -x "$bench" ]; then
    echo "run.sh: $bench not built (make bench)" >&2
    exit 2
fi
for t in node npm; do
    command -v $t >/dev/null || { echo "run.sh: $t not found" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "installing @ethereumjs/evm into $tmp ..." >&2
(cd "$tmp" && npm init -y >/dev/null 2>&1 &&
    npm install --no-audit --no-fund --silent @ethereumjs/evm@10 @ethereumjs/util@10 >/dev/null 2>&1) || {
    echo "run.sh: npm install @ethereumjs/evm failed" >&2
    exit 2
}
cp "$here/ethjs.mjs" "$tmp/"
ver=$(node -e "console.log(require('$tmp/node_modules/@ethereumjs/evm/package.json').version)")
printf '%-8s %12s %16s %10s\n' workload "zg Mgas/s" "ethjs $ver" ratio
for w in alu keccak calls; do
    ours=$("$bench" "$secs" --only "$w" --no-peer --json | sed -n 's/.*"mgas_per_s":\([0-9.]*\).*/\1/p')
    read -r code data < <("$bench" --print "$w")
    theirs=$(cd "$tmp" && node ethjs.mjs "$w" "$code" "$data" "$((${secs%.*} + 1))" |
        sed -n 's/.*"mgas_per_s":\([0-9.]*\).*/\1/p')
    if [ -z "$ours" ] || [ -z "$theirs" ]; then
        printf '%-8s %12s %16s %10s\n' "$w" "${ours:-fail}" "${theirs:-fail}" "-"
        continue
    fi
    ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.0fx", a / b }')
    printf '%-8s %12.1f %16.2f %10s\n' "$w" "$ours" "$theirs" "$ratio"
done
