# Shell helpers for zgnode's script tests: TAP output and daemon control.
# Source it: . "$ZG_SRCDIR/tests/lib.sh"
TAP_N=0
TAP_FAILED=0
ok() { # ok COND_EXIT_STATUS DESCRIPTION
    TAP_N=$((TAP_N + 1))
    if [ "$1" -eq 0 ]; then echo "ok $TAP_N - $2"; else echo "not ok $TAP_N - $2"; TAP_FAILED=$((TAP_FAILED + 1)); fi
}
check() { # check DESCRIPTION CMD... : ok when CMD succeeds
    local d=$1; shift
    "$@" >/dev/null 2>&1
    ok $? "$d"
}
tap_done() { echo "1..$TAP_N"; [ "$TAP_FAILED" -eq 0 ]; }

: "${ZGNODE:?ZGNODE not set}"
: "${ZGCTL:?ZGCTL not set}"
TMPBASE=${ZG_BUILDDIR:-$PWD}/tests/tmp
mkdir -p "$TMPBASE"
mktmp() { mktemp -d "$TMPBASE/$1.XXXXXX"; }

# start_node CONF DATADIR LOG: starts zgnode in the background, waits for
# DATADIR/rpc.port; sets NODE_PID and RPC_URL.  Returns non-zero on failure.
start_node() {
    rm -f "$2/rpc.port"
    "$ZGNODE" --config "$1" --datadir "$2" >"$3" 2>&1 &
    NODE_PID=$!
    for _ in $(seq 1 200); do
        if [ -s "$2/rpc.port" ]; then
            RPC_URL="http://127.0.0.1:$(cat "$2/rpc.port")/"
            return 0
        fi
        kill -0 "$NODE_PID" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}
stop_node() {
    [ -n "$NODE_PID" ] || return 0
    kill -TERM "$NODE_PID" 2>/dev/null
    wait "$NODE_PID"
    local rc=$?
    NODE_PID=
    return $rc
}
trap '[ -n "$NODE_PID" ] && kill -9 "$NODE_PID" 2>/dev/null' EXIT

# rpc BODY [curl args...]: POST raw BODY to RPC_URL, print the response
rpc() {
    local body=$1; shift
    curl -s -X POST -H 'Content-Type: application/json' --data-binary "$body" "$@" "$RPC_URL"
}
