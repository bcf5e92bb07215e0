#!/bin/bash
# The SDK as a third party sees it: install zgnode into a staging root, build
# sdk/examples/hello outside the tree through `pkg-config zg-plugin` only, and
# load it into the daemon next to an installed kv plugin.
. "$ZG_SRCDIR/tests/lib.sh"
T=$(mktmp sdk)
make -s -C "$ZG_BUILDDIR" install DESTDIR="$T/root" >"$T/install.log" 2>&1; ok $? "make install into a staging root"
PC="$T/root$ZG_LIBDIR/pkgconfig"
[ -f "$PC/zg-plugin.pc" ]; ok $? "zg-plugin.pc installed"
[ -f "$T/root$ZG_INCLUDEDIR/zg/plugin.h" ] && [ -f "$T/root$ZG_INCLUDEDIR/zg/kv.h" ]; ok $? "SDK headers installed"
cp -r "$ZG_ABS_SRCDIR/sdk/examples/hello" "$T/hello"
export PKG_CONFIG_PATH="$PC" PKG_CONFIG_SYSROOT_DIR="$T/root"
make -C "$T/hello" CC=cc >"$T/build.log" 2>&1; ok $? "example plugin builds with pkg-config only"
plugdir="$T/root$ZG_PLUGINDIR_INST"
[ -f "$plugdir/zg-kv-memory.so" ] || [ -f "$plugdir/zg-kv-leveldb.so" ]; ok $? "kv plugins installed in $ZG_PLUGINDIR_INST"
kv=memory; [ -f "$plugdir/zg-kv-memory.so" ] || kv=leveldb
cat >"$T/node.conf" <<CONF
node: { datadir = "$T/data"; plugin_path = [ "$T/hello", "$plugdir" ]; };
rpc: { port = 0; ws_port = 0; };
plugins = (
  { kind = "kv"; name = "$kv"; },
  { kind = "service"; name = "hello"; config = { greeting = "Hi"; }; }
);
CONF
export LD_LIBRARY_PATH="$T/root$ZG_LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
unset ZG_PLUGIN_PATH
start_node "$T/node.conf" "$T/data" "$T/node.log"; ok $? "daemon loads the out-of-tree plugin"
r=$(rpc '{"jsonrpc":"2.0","id":1,"method":"hello_greet","params":["zg"]}')
echo "$r" | grep -q '"message":"Hi, zg!","count":1,"hash":"0x'; ok $? "hello_greet answers ($r)"
r=$(rpc '{"jsonrpc":"2.0","id":2,"method":"hello_greet","params":["zg"]}')
echo "$r" | grep -q '"count":2'; ok $? "count kept in the kv backend"
r=$(rpc '{"jsonrpc":"2.0","id":3,"method":"hello_greet","params":[]}')
echo "$r" | grep -q '"code":-32602'; ok $? "bad params: -32602"
stop_node; ok $? "clean shutdown"
tap_done
