#!/bin/bash
# The daemon end to end: command line, config errors with file:line, every
# broken-plugin case, JSON-RPC (good and bad requests), admin token, metrics,
# datadir lock, SIGHUP and clean shutdown.
. "$ZG_SRCDIR/tests/lib.sh"
T=$(mktmp core)
TP="$ZG_BUILDDIR/tests/plugins/.libs"

# --- command line ---
"$ZGNODE" --help | grep -q -- "--config FILE"; ok $? "--help describes --config"
"$ZGNODE" --version | grep -q "plugin ABI 1\."; ok $? "--version prints the ABI version"
"$ZGNODE" --bogus >/dev/null 2>&1; rc=$?; [ $rc -eq 2 ]; ok $? "unknown option exits 2 (got $rc)"
"$ZGNODE" >/dev/null 2>&1; [ $? -eq 2 ]; ok $? "no --config exits 2"
"$ZGNODE" --config "$T/missing.conf" --datadir "$T/d" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "cannot read config file" "$T/err"; ok $? "missing config file is reported"

# --- config errors carry file:line ---
printf 'node: {\n  datadir = "%s";\n  bogus_key = 1;\n};\n' "$T/d" >"$T/unk.conf"
"$ZGNODE" --config "$T/unk.conf" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "unk.conf:3: node.bogus_key: unknown key" "$T/err"; ok $? "unknown core key reported with file:line"
printf 'node: { datadir = "%s"; };\nrpc: {\n port = "8545";\n};\n' "$T/d" >"$T/type.conf"
"$ZGNODE" --config "$T/type.conf" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "type.conf:3: rpc.port: must be an integer" "$T/err"; ok $? "type error reported with file:line"
printf 'node: { datadir = "%s" };\nrpc = { port = 1 \n' "$T/d" >"$T/syntax.conf"
"$ZGNODE" --config "$T/syntax.conf" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "syntax.conf:[0-9]*: syntax error" "$T/err"; ok $? "syntax error reported with file:line"

# --- broken plugins: one clear line each, non-zero exit, no crash ---
plugconf() { # plugconf FILE KIND NAME [CONFIG_GROUP_BODY]
    cat >"$1" <<CONF
node: { datadir = "$T/d"; plugin_path = [ "$TP" ]; };
rpc: { port = 0; ws_port = 0; };
plugins = ( { kind = "$2"; name = "$3"; config = { $4 }; } );
CONF
}
bad_case() { # bad_case DESC KIND NAME EXPECTED_TEXT
    plugconf "$T/bad.conf" "$2" "$3"
    "$ZGNODE" --config "$T/bad.conf" 2>"$T/err"; rc=$?
    errs=$(grep -c " error " "$T/err")
    [ $rc -eq 1 ] && grep -q "$4" "$T/err" && [ "$errs" -ge 1 ]
    ok $? "$1: exit $rc, says '$4'"
    [ $rc -lt 128 ]; ok $? "$1: no crash"
}
bad_case "file not found" service nosuch "file not found: zg-service-nosuch.so"
printf 'not an ELF file\n' >"$T/zg-service-garbage.so"
TP_SAVE=$TP; TP="$T"
bad_case "not a shared object" service garbage "cannot load"
TP=$TP_SAVE
bad_case "no entry symbol" service noentry "is not a zg plugin (no zg_plugin_entry symbol)"
bad_case "wrong magic" service badmagic "wrong magic 0x12345678"
bad_case "ABI major mismatch" service badabi "ABI major mismatch: plugin built for ABI 99.0, this zgnode provides ABI 1.0"
bad_case "kind mismatch" kv notkv "kind mismatch: it is a 'service' plugin, configured as 'kv'"
bad_case "init failure" service initfail "init failed"
bad_case "unknown kind" gadget x "unknown plugin kind 'gadget'"
plugconf "$T/bad.conf" service test 'greeting = "hi"; colour = "blue";'
"$ZGNODE" --config "$T/bad.conf" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "bad.conf:3: plugins\[0\].config.colour: unknown key for plugin test" "$T/err"
ok $? "unknown plugin key reported with file:line"
plugconf "$T/bad.conf" service test 'greeting = 5;'
"$ZGNODE" --config "$T/bad.conf" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "plugins\[0\].config.greeting: plugin test: must be a string" "$T/err"
ok $? "plugin config type error reported with file:line"

# --- a running node ---
plugconf "$T/good.conf" service test 'greeting = "hi"; tick_ms = 20;'
start_node "$T/good.conf" "$T/d" "$T/node.log"; ok $? "node starts with the test plugin"
grep -q "loaded service plugin test" "$T/node.log"; ok $? "log names the loaded plugin"
r=$(rpc '{"jsonrpc":"2.0","id":1,"method":"test_echo","params":[1,"a"]}')
[ "$r" = '{"jsonrpc":"2.0","id":1,"result":{"params":[1,"a"],"greeting":"hi"}}' ]; ok $? "plugin method answers ($r)"
r=$(rpc '{"jsonrpc":"2.0","id":"x","method":"test_started"}')
[ "$r" = '{"jsonrpc":"2.0","id":"x","result":1}' ]; ok $? "start() ran before serving"
r=$(rpc '{"jsonrpc":"2.0","id":2,"method":"test_fail"}')
echo "$r" | grep -q '"error":{"code":-32000,"message":"test failure requested","data":"0xdeadbeef"}'; ok $? "handler errors carry code, message and data"
r=$(rpc '{"jsonrpc":"2.0","id":3,"method":"nope"}')
echo "$r" | grep -q '"code":-32601'; ok $? "unknown method: -32601"
r=$(rpc '{"jsonrpc":"2.0","id":4,"method":')
echo "$r" | grep -q '"id":null,"error":{"code":-32700'; ok $? "malformed JSON: -32700"
r=$(rpc '[]'); echo "$r" | grep -q '"code":-32600'; ok $? "empty batch: -32600"
r=$(rpc '42'); echo "$r" | grep -q '"code":-32600'; ok $? "non-object request: -32600"
r=$(rpc '{"jsonrpc":"1.0","id":5,"method":"test_echo"}'); echo "$r" | grep -q '"id":5,"error":{"code":-32600'; ok $? "wrong jsonrpc version: -32600"
r=$(rpc '{"jsonrpc":"2.0","id":6,"method":7}'); echo "$r" | grep -q '"code":-32600'; ok $? "non-string method: -32600"
r=$(rpc '{"jsonrpc":"2.0","id":7,"method":"test_echo","params":"x"}'); echo "$r" | grep -q '"code":-32600'; ok $? "scalar params: -32600"
r=$(rpc '{"jsonrpc":"2.0","id":[1],"method":"test_echo"}'); echo "$r" | grep -q '"id":null,"error":{"code":-32600'; ok $? "array id: -32600"
r=$(rpc '[{"jsonrpc":"2.0","id":1,"method":"test_started"},{"jsonrpc":"2.0","method":"test_echo"},3,{"jsonrpc":"2.0","id":2,"method":"nope"}]')
[ "$(echo "$r" | grep -o '"id"' | wc -l)" -eq 3 ] && echo "$r" | grep -q '"id":1,"result":1' && echo "$r" | grep -q '"code":-32601'
ok $? "batch: results, errors, notifications skipped"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary '{"jsonrpc":"2.0","method":"test_echo"}' "$RPC_URL")
[ "$code" = 204 ]; ok $? "notification gets no body (HTTP $code)"
head -c 6000000 /dev/zero | tr '\0' ' ' >"$T/big.json"
r=$(curl -s -X POST --data-binary @"$T/big.json" "$RPC_URL")
echo "$r" | grep -q '"code":-32600,"message":"request body of 6000000 bytes exceeds the limit'; ok $? "oversized body: JSON-RPC error"
r=$(rpc '{"jsonrpc":"2.0","id":8,"method":"zg_version"}'); echo "$r" | grep -q '"result":"zgnode/'; ok $? "node keeps serving after bad input"
# --- HTTP worker threads: plain handlers on the loop thread, concurrent ones on a worker ---
grep -q "JSON-RPC listening on .* ([0-9]* HTTP threads" "$T/node.log"; ok $? "log says how many HTTP threads serve"
r=$(rpc '{"jsonrpc":"2.0","id":1,"method":"test_thread"}'); [ "$r" = '{"jsonrpc":"2.0","id":1,"result":{"loop":true}}' ]; ok $? "plain handler runs on the loop thread ($r)"
r=$(rpc '{"jsonrpc":"2.0","id":1,"method":"test_thread_conc"}'); [ "$r" = '{"jsonrpc":"2.0","id":1,"result":{"loop":false}}' ]; ok $? "concurrent handler runs on a worker ($r)"
r=$(rpc '[{"jsonrpc":"2.0","id":1,"method":"test_thread_conc"},{"jsonrpc":"2.0","id":2,"method":"test_thread"}]')
[ "$r" = '[{"jsonrpc":"2.0","id":1,"result":{"loop":true}},{"jsonrpc":"2.0","id":2,"result":{"loop":true}}]' ]; ok $? "a batch with a plain call runs whole on the loop thread ($r)"
pids=; for i in $(seq 1 20); do rpc "{\"jsonrpc\":\"2.0\",\"id\":$i,\"method\":\"test_thread\"}" >"$T/par.$i" & pids="$pids $!"; done; wait $pids
n=0; for i in $(seq 1 20); do grep -q "\"id\":$i,\"result\":{\"loop\":true}" "$T/par.$i" && n=$((n+1)); done
[ $n -eq 20 ]; ok $? "20 parallel connections all answered from the loop thread ($n)"
r=$(rpc '{"jsonrpc":"2.0","id":9,"method":"zg_status"}'); echo "$r" | grep -q '"code":-32001'; ok $? "admin method without token: -32001"
r=$(rpc '{"jsonrpc":"2.0","id":9,"method":"zg_status"}' -H "Authorization: Bearer wrong-token-wrong-token"); echo "$r" | grep -q '"code":-32001'; ok $? "admin method with a wrong token: -32001"
r=$(rpc '{"jsonrpc":"2.0","id":9,"method":"zg_status"}' -H "Authorization: Bearer $(cat "$T/d/admin.token")"); echo "$r" | grep -q '"plugins":1'; ok $? "admin method with the token works"
[ "$(stat -c %a "$T/d/admin.token")" = 600 ]; ok $? "admin token file is private (0600)"
"$ZGCTL" --datadir "$T/d" plugins >"$T/out" 2>&1 && grep -q "^test  *service  *test  *0.0.1  *1.0" "$T/out"; ok $? "zgctl plugins lists the plugin"
"$ZGCTL" --datadir "$T/d" status >"$T/out" 2>&1 && grep -q "^uptime_s" "$T/out"; ok $? "zgctl status"
"$ZGCTL" --rpc "$RPC_URL" status >"$T/out" 2>&1; rc=$?; [ $rc -eq 1 ] && grep -q "admin token" "$T/out"; ok $? "zgctl without the token explains"
"$ZGCTL" --datadir "$T/d" call test_echo '{"a":1}' | grep -q '"a": 1'; ok $? "zgctl call with params"
"$ZGCTL" --rpc http://127.0.0.1:1/ version >"$T/out" 2>&1; rc=$?; [ $rc -eq 1 ] && grep -q "cannot connect" "$T/out"; ok $? "zgctl with no node says so"
sleep 0.2
m=$(curl -s "${RPC_URL}metrics")
echo "$m" | grep -q '^# TYPE zg_rpc_requests_total counter' && echo "$m" | grep -Eq '^zg_test_ticks_total [1-9]'; ok $? "/metrics has core and plugin metrics"
[ "$(curl -s "${RPC_URL}health")" = ok ]; ok $? "/health"
# --- WebSocket JSON-RPC on its own port ---
WS="$ZG_BUILDDIR/tests/ws_client"
wsport=$(cat "$T/d/ws.port" 2>/dev/null)
[ -n "$wsport" ]; ok $? "ws.port written ($wsport)"
out=$("$WS" "$wsport" '{"jsonrpc":"2.0","id":1,"method":"test_echo","params":[2]}' 2>&1)
echo "$out" | grep -q '^{"jsonrpc":"2.0","id":1,"result":{"params":\[2\],"greeting":"hi"}}'; ok $? "ws: request/response ($out)"
out=$("$WS" "$wsport" '{"jsonrpc":"2.0","id":1,"method":"test_thread_conc"}' 2>&1)
echo "$out" | grep -q '"result":{"loop":true}'; ok $? "ws: every handler runs on the loop thread ($out)"
out=$("$WS" "$wsport" -n 3 '{"jsonrpc":"2.0","id":1,"method":"test_subscribe"}')
[ "$(echo "$out" | grep -c '^{"jsonrpc":"2.0","method":"test_tick","params":{"sub":')" -eq 3 ]; ok $? "ws: server pushes notifications to a subscriber"
sleep 0.2
r=$(rpc '{"jsonrpc":"2.0","id":1,"method":"test_closed"}'); [ "$r" = '{"jsonrpc":"2.0","id":1,"result":1}' ]; ok $? "ws: plugin told when the connection closed ($r)"
r=$(rpc '{"jsonrpc":"2.0","id":1,"method":"test_subscribe"}'); echo "$r" | grep -q 'notifications need a WebSocket'; ok $? "HTTP caller gets conn 0"
out=$("$WS" "$wsport" '{"jsonrpc":"2.0","id":2,"method":"zg_status"}'); echo "$out" | grep -q '"code":-32001'; ok $? "ws: admin method needs the token"
out=$("$WS" "$wsport" -t "$(cat "$T/d/admin.token")" '{"jsonrpc":"2.0","id":2,"method":"zg_status"}'); echo "$out" | grep -q '"plugins":1'; ok $? "ws: token at the handshake authorizes"
out=$("$WS" "$wsport" '[{"jsonrpc":"2.0","id":1,"method":"zg_version"},{"jsonrpc":"2.0","id":2,"method":"nope"}]' '{bad' @ping @frag)
echo "$out" | grep -q '"id":2,"error":{"code":-32601' && echo "$out" | grep -q '"code":-32700' && echo "$out" | grep -q '^PONG hi' && echo "$out" | grep -q '"id":77,"result":"zgnode/'
ok $? "ws: batch, parse error, ping/pong, fragmented message"
out=$("$WS" "$wsport" @big:6000000); rc=$?
[ $rc -eq 3 ] && echo "$out" | grep -q "^CLOSE 1009 message exceeds the limit"; ok $? "ws: oversized message closed with 1009"
out=$("$WS" "$wsport" -r $'GET / HTTP/1.1\r\nHost: x\r\n\r\n'); rc=$?
[ $rc -eq 5 ] && echo "$out" | grep -q "^HTTP/1.1 400"; ok $? "ws: plain HTTP on the ws port gets 400"
r=$(rpc '{"jsonrpc":"2.0","id":8,"method":"zg_version"}'); echo "$r" | grep -q '"result":"zgnode/'; ok $? "node keeps serving after bad WebSocket input"

"$ZGNODE" --config "$T/good.conf" --datadir "$T/d" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "is in use by another zgnode (pid $NODE_PID)" "$T/err"; ok $? "second daemon on the same datadir is refused"
kill -HUP $NODE_PID; sleep 0.3
grep -q "SIGHUP: log level is now" "$T/node.log"; ok $? "SIGHUP re-reads the log level"
kill -0 $NODE_PID; ok $? "node alive after SIGHUP"
stop_node; rc=$?
[ $rc -eq 0 ] && grep -q "test plugin stopped" "$T/node.log" && grep -q "stopped cleanly" "$T/node.log"; ok $? "SIGTERM: plugins finalized, exit 0"
[ ! -e "$T/d/rpc.port" ] && [ ! -e "$T/d/ws.port" ]; ok $? "rpc.port and ws.port removed at exit"

# --- rpc.threads ---
printf 'node: { datadir = "%s"; plugin_path = [ "%s" ]; };\nrpc: { port = 0; ws_port = 0;\n threads = -1; };\nplugins = ( { kind = "service"; name = "test"; } );\n' "$T/d" "$TP" >"$T/thr.conf"
"$ZGNODE" --config "$T/thr.conf" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] && grep -q "thr.conf:3: rpc.threads: must be 0..64" "$T/err"; ok $? "rpc.threads out of range is reported"
sed -i 's/threads = -1/threads = 0/' "$T/thr.conf"
start_node "$T/thr.conf" "$T/d" "$T/node3.log"; ok $? "node starts with rpc.threads = 0"
r=$(rpc '{"jsonrpc":"2.0","id":1,"method":"test_thread_conc"}'); [ "$r" = '{"jsonrpc":"2.0","id":1,"result":{"loop":true}}' ]; ok $? "threads = 0: everything on the loop thread ($r)"
stop_node; ok $? "threads = 0: clean stop"

# --- zg_shutdown and JSON logs ---
start_node "$T/good.conf" "$T/d" "$T/node2.log" && "$ZGNODE" --version >/dev/null
"$ZGCTL" --datadir "$T/d" shutdown >/dev/null; wait $NODE_PID; rc=$?; NODE_PID=
[ $rc -eq 0 ] && grep -q "stopping: zg_shutdown" "$T/node2.log"; ok $? "zgctl shutdown stops the node"
ZGNODE_ARGS= "$ZGNODE" --config "$T/good.conf" --datadir "$T/d" --log-format json --check-config 2>"$T/json.log"; rc=$?
[ $rc -eq 0 ] && head -1 "$T/json.log" | grep -q '^{"ts":".*","level":"info","src":"core","msg":"zgnode'; ok $? "--log-format json writes JSON lines"
tap_done
