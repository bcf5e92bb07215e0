#!/bin/sh
# Installs what is missing, builds and installs zgnode, and runs a single-node
# devnet with conf/dev.conf (embedded LevelDB) in the foreground.
set -e
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
[ -x configure ] || autoreconf -fi
mkdir -p build/release
cd build/release
[ -f Makefile ] || ../../configure --prefix=/usr/local
make -j"$(nproc)"
make install
ldconfig
cd ../..
exec zgnode --config conf/dev.conf "$@"
