#!/bin/bash
# Swapping the kv backend is a config change: the same daemon binary runs on
# memory, leveldb and rocksdb (when built), zgctl plugins shows which, data
# goes through it, and the persistent ones keep data across restarts.
. "$ZG_SRCDIR/tests/lib.sh"
T=$(mktmp kvswitch)
TP="$ZG_BUILDDIR/tests/plugins/.libs"
backends="memory leveldb"
[ -f "$ZG_PLUGIN_PATH/zg-kv-rocksdb.so" ] && backends="$backends rocksdb"
echo "# backends: $backends"
for b in $backends; do
    cat >"$T/$b.conf" <<CONF
node: { datadir = "$T/$b"; plugin_path = [ "$TP" ]; };
rpc: { port = 0; ws_port = 0; };
plugins = (
  { kind = "kv"; name = "$b"; instance = "store"; },
  { kind = "service"; name = "test"; config = { use_kv = true; }; }
);
CONF
    start_node "$T/$b.conf" "$T/$b" "$T/$b.log"; ok $? "$b: node starts"
    "$ZGCTL" --datadir "$T/$b" plugins >"$T/out" 2>&1
    grep -Eq "^store +kv +$b " "$T/out"; ok $? "$b: zgctl plugins shows kv $b"
    r=$(rpc '{"jsonrpc":"2.0","id":1,"method":"test_kv_put","params":["k1","v-'$b'"]}')
    [ "$r" = '{"jsonrpc":"2.0","id":1,"result":0}' ]; ok $? "$b: put through the plugin ($r)"
    r=$(rpc '{"jsonrpc":"2.0","id":2,"method":"test_kv_get","params":["k1"]}')
    [ "$r" = '{"jsonrpc":"2.0","id":2,"result":"v-'$b'"}' ]; ok $? "$b: get returns it"
    stop_node; ok $? "$b: clean stop"
    start_node "$T/$b.conf" "$T/$b" "$T/$b.2.log"
    r=$(rpc '{"jsonrpc":"2.0","id":3,"method":"test_kv_get","params":["k1"]}')
    if [ $b = memory ]; then
        [ "$r" = '{"jsonrpc":"2.0","id":3,"result":null}' ]; ok $? "$b: empty after restart (in-memory)"
    else
        [ "$r" = '{"jsonrpc":"2.0","id":3,"result":"v-'$b'"}' ]; ok $? "$b: data survives a restart"
        # a SIGKILL after an acknowledged synced write loses nothing
        rpc '{"jsonrpc":"2.0","id":4,"method":"test_kv_put","params":["k2","after"]}' >/dev/null
        kill -9 $NODE_PID; wait $NODE_PID 2>/dev/null; NODE_PID=
        start_node "$T/$b.conf" "$T/$b" "$T/$b.3.log"; ok $? "$b: restarts after SIGKILL (stale lock is no obstacle)"
        r=$(rpc '{"jsonrpc":"2.0","id":5,"method":"test_kv_get","params":["k2"]}')
        [ "$r" = '{"jsonrpc":"2.0","id":5,"result":"after"}' ]; ok $? "$b: synced write survived SIGKILL"
    fi
    stop_node
done
tap_done
