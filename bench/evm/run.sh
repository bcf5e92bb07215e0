#!/bin/bash
# bench/evm/run.sh — bench/evm against @ethereumjs/evm on the same bytecode.
# Installs @ethereumjs/evm (npm) into a temporary directory, runs each
# workload (alu, keccak, calls, erc20) on both, prints Mgas/s and the ratio.
# erc20 is whole transactions in bench/evm but runCall on ethereumjs, so its
# row compares execution gas (gas used less intrinsic gas) on both sides; a
# note under the table gives gas per transfer and bench/evm's figure on the
# transactions' gas used.  Needs node >= 18 and npm with registry access.
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
field() { sed -n "s/.*\"$1\":\\([0-9.]*\\).*/\\1/p"; }
note=
for w in alu keccak calls erc20; do
    zj=$("$bench" "$secs" --only "$w" --no-peer --json)
    read -r code data < <("$bench" --print "$w")
    ej=$(cd "$tmp" && node ethjs.mjs "$w" "$code" "$data" "$((${secs%.*} + 1))")
    # execution gas on both sides (equal to gas used for bare messages)
    ours=$(field exec_mgas_per_s <<<"$zj")
    theirs=$(field mgas_per_s <<<"$ej")
    if [ "$w" = erc20 ] && [ -n "$ours" ] && [ -n "$theirs" ]; then
        note=$(printf 'erc20 (execution gas): %s gas/transfer zg, %s ethjs; zg whole transactions: %s gas/transfer, %s Mgas/s\n' \
            "$(field exec_gas_per_tx <<<"$zj")" "$(field exec_gas_per_tx <<<"$ej")" \
            "$(field gas_per_tx <<<"$zj")" "$(field mgas_per_s <<<"$zj")")
    fi
    if [ -z "$ours" ] || [ -z "$theirs" ]; then
        printf '%-8s %12s %16s %10s\n' "$w" "${ours:-fail}" "${theirs:-fail}" "-"
        continue
    fi
    ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.0fx", a / b }')
    printf '%-8s %12.1f %16.2f %10s\n' "$w" "$ours" "$theirs" "$ratio"
done
[ -n "$note" ] && echo "$note"
exit 0
