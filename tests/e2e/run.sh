#!/bin/bash
# End-to-end tests of zgnode's Ethereum JSON-RPC with real clients:
#   - ethers v6 + solc-js (node:test, ethers.test.mjs): deploy an ERC-20 and
#     an events contract, transfers, filters, WebSocket subscriptions,
#     revert reasons, signing with node-held keys;
#   - viem + solc-js (node:test, viem.test.mjs): public, wallet (local and
#     JSON-RPC accounts) and test clients over http() and webSocket():
#     contracts, revert decoding, logs, filters, watchers, signatures,
#     snapshot/revert, time and mining control;
#   - a Hardhat project (hardhat/) whose tests run against zgnode as an
#     external network;
#   - trace.test.mjs: debug_traceTransaction's struct logs compared step by
#     step with those of Hardhat's in-process network.
# Starts zgnode (memory kv, evm, dev consensus, chain) on free ports and
# stops it at the end.  Output: TAP (node:test's reporter, then Hardhat's
# mocha results as TAP lines); exit status non-zero on any failure.
#
# usage: tests/e2e/run.sh [BUILDDIR]
#   BUILDDIR (default $ZG_BUILDDIR, else ./build) holds zgnode and .plugins/.
#   npm packages are installed into tests/e2e/node_modules on first run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-${ZG_BUILDDIR:-$PWD/build}}
build=$(cd "$build" 2>/dev/null && pwd) || { echo "Bail out! no build directory ${1:-${ZG_BUILDDIR:-build}}"; exit 1; }
ZGNODE=${ZGNODE:-$build/zgnode}
export ZG_PLUGIN_PATH=${ZG_PLUGIN_PATH:-$build/.plugins}
[ -x "$ZGNODE" ] || { echo "Bail out! $ZGNODE not built"; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null || { echo "Bail out! node and npm are required"; exit 1; }

if [ ! -d "$here/node_modules/ethers" ] || [ ! -d "$here/node_modules/viem" ] || [ ! -d "$here/node_modules/hardhat" ] || [ ! -d "$here/node_modules/solc" ]; then
    echo "# installing npm packages into tests/e2e/node_modules"
    (cd "$here" && npm install --no-audit --no-fund --loglevel=error >&2) || { echo "Bail out! npm install failed"; exit 1; }
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/zg-e2e.XXXXXX")
cat >"$tmp/node.conf" <<CONF
node: { datadir = "$tmp/data"; log_level = "info"; };
rpc: { port = 0; ws_port = 0; };
plugins = (
  { kind = "kv"; name = "memory"; },
  { kind = "executor"; name = "evm"; },
  { kind = "consensus"; name = "dev"; },
  { kind = "service"; name = "chain"; }
);
CONF
"$ZGNODE" --config "$tmp/node.conf" >"$tmp/node.log" 2>&1 &
pid=$!
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
for _ in $(seq 1 200); do
    [ -s "$tmp/data/rpc.port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
done
if [ ! -s "$tmp/data/rpc.port" ]; then
    echo "Bail out! zgnode did not start:"; sed 's/^/# /' "$tmp/node.log"; exit 1
fi
export ZG_RPC_URL="http://127.0.0.1:$(cat "$tmp/data/rpc.port")/"
[ -s "$tmp/data/ws.port" ] && export ZG_WS_URL="ws://127.0.0.1:$(cat "$tmp/data/ws.port")/"
echo "# zgnode at $ZG_RPC_URL ${ZG_WS_URL:-(no WebSocket)}"

rc=0
# one node --test run per file: node runs the files of one run in parallel,
# and both send from the same account (nonces) and the viem file rewinds the
# chain (evm_snapshot/evm_revert) and switches mining modes
# first, while 0xdead is empty: zgnode's struct logs against Hardhat's
(cd "$here" && node --test --test-reporter=tap trace.test.mjs) || rc=1
(cd "$here" && node --test --test-reporter=tap ethers.test.mjs) || rc=1
(cd "$here" && node --test --test-reporter=tap viem.test.mjs) || rc=1

# Hardhat: its mocha output turned into TAP lines
echo "# hardhat project (tests/e2e/hardhat) against zgnode"
hh_out=$(cd "$here/hardhat" && HARDHAT_DISABLE_TELEMETRY_PROMPT=true node "$here/node_modules/hardhat/internal/cli/cli.js" test --network zgnode 2>&1)
hh_rc=$?
echo "$hh_out" | sed 's/^/# /'
npass=$(echo "$hh_out" | sed -n 's/^ *\([0-9][0-9]*\) passing.*/\1/p' | tail -1)
nfail=$(echo "$hh_out" | sed -n 's/^ *\([0-9][0-9]*\) failing.*/\1/p' | tail -1)
for i in $(seq 1 "${npass:-0}"); do echo "ok - hardhat test $i"; done
for i in $(seq 1 "${nfail:-0}"); do echo "not ok - hardhat test failure $i"; done
if [ "$hh_rc" -ne 0 ] || [ -z "$npass" ]; then
    [ -n "$nfail" ] || echo "not ok - hardhat run failed (exit $hh_rc)"
    rc=1
fi
kill -TERM "$pid"; wait "$pid"; nrc=$?; pid=
if [ "$nrc" -eq 0 ]; then echo "ok - zgnode stops cleanly after the tests"; else echo "not ok - zgnode exit status $nrc at shutdown"; rc=1; fi
if [ $rc -ne 0 ]; then echo "# zgnode log tail:"; tail -n 40 "$tmp/node.log" | sed 's/^/# /'; fi
exit $rc
