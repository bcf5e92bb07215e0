#!/bin/sh
# Installs the Debian 12 packages zgnode needs to build, test and run, skipping
# those already present.  Run as root (or with sudo).
set -e
PKGS="build-essential autoconf automake libtool pkg-config curl ca-certificates
libconfig-dev libjansson-dev libevent-dev libssl-dev libleveldb-dev
libsecp256k1-dev libisal-dev librocksdb-dev
libvulkan-dev glslc mesa-vulkan-drivers vulkan-tools
clang libclang-rt-14-dev
dpkg-dev debhelper fakeroot"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js is for the end-to-end tests only; any install that provides node
# and npm will do (NodeSource's nodejs bundles npm and conflicts with Debian's).
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
    echo "install-deps: installing:$missing"
    SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
else
    echo "install-deps: all packages present"
fi
