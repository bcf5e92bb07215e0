#!/bin/bash
# Installs what is missing, builds zgnode twice (release, and ASan+UBSan) and
# runs every test: make check in both builds and make distcheck.  The last
# line is "N passed, N failed" summed over the runs.
set -o pipefail
cd "$(dirname "$0")/.."
top=$PWD
sh scripts/install-deps.sh || exit 1
autoreconf -fi >/dev/null 2>&1 || { autoreconf -fi; exit 1; }
jobs=$(nproc)
total_pass=0 total_fail=0 status=0
logdir=$top/build/logs
mkdir -p "$logdir"

# run_check NAME CONFIGURE_ARGS...: build in build/NAME and run make check
run_check() {
    local name=$1; shift
    local dir=$top/build/$name
    mkdir -p "$dir"
    echo "=== $name: configure $* ==="
    (cd "$dir" && "$top/configure" -q "$@") || { echo "$name: configure failed"; status=1; total_fail=$((total_fail + 1)); return; }
    echo "=== $name: build ==="
    if ! make -C "$dir" -j"$jobs" >"$logdir/$name-build.log" 2>&1; then
        tail -40 "$logdir/$name-build.log"; echo "$name: build failed"; status=1; total_fail=$((total_fail + 1)); return
    fi
    echo "=== $name: make check ==="
    make -C "$dir" -s check 2>&1 | tee "$logdir/$name-check.log" | grep -v "^make"
    local line
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$logdir/$name-check.log" | tail -1)
    if [ -z "$line" ]; then
        echo "$name: make check printed no summary"; status=1; total_fail=$((total_fail + 1)); return
    fi
    total_pass=$((total_pass + $(echo "$line" | cut -d' ' -f1)))
    total_fail=$((total_fail + $(echo "$line" | cut -d' ' -f3)))
    grep -q ' 0 failed$' <<<"$line" || status=1
}

run_check release
run_check asan --enable-sanitizers

# count_line NAME LOG: add a runner's closing "N passed, N failed" to the totals
count_line() {
    local line
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$2" | tail -1)
    if [ -z "$line" ]; then
        echo "$1: printed no summary"; total_fail=$((total_fail + 1)); status=1; return
    fi
    total_pass=$((total_pass + $(echo "$line" | cut -d' ' -f1)))
    total_fail=$((total_fail + $(echo "$line" | cut -d' ' -f3 | tr -d ',')))
    grep -qE ' 0 failed' <<<"$line" || status=1
}

eth_tests=${ZG_ETH_TESTS:-$top/../shared/ethereum-tests}
echo "=== release: every GeneralStateTests case (zg-statetest) ==="
build/release/tools/zg-statetest -j"$jobs" "$eth_tests/GeneralStateTests" >"$logdir/statetest.log" 2>&1
grep -v '^ok' "$logdir/statetest.log" | tail -20
count_line statetest "$logdir/statetest.log"

echo "=== release: end-to-end tests (ethers, solc, hardhat against zgnode) ==="
bash tests/e2e/run.sh "$top/build/release" >"$logdir/e2e.log" 2>&1
e2e_rc=$?
grep -E '^ *(not ok|ok)' "$logdir/e2e.log" | tail -40
# node:test nests subtests as indented TAP lines: count them all
pass=$(grep -cE '^ *ok ' "$logdir/e2e.log"); fail=$(grep -cE '^ *not ok ' "$logdir/e2e.log")
if [ "$e2e_rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; tail -30 "$logdir/e2e.log"; fi
[ "$pass" -gt 0 ] || { fail=$((fail + 1)); echo "e2e: no test ran"; tail -30 "$logdir/e2e.log"; }
echo "e2e: $pass passed, $fail failed"
total_pass=$((total_pass + pass)); total_fail=$((total_fail + fail)); [ "$fail" -eq 0 ] || status=1

echo "=== release: make distcheck ==="
if make -C build/release distcheck >"$logdir/distcheck.log" 2>&1; then
    echo "distcheck: ok"; total_pass=$((total_pass + 1))
else
    tail -60 "$logdir/distcheck.log"; echo "distcheck: FAILED"; total_fail=$((total_fail + 1)); status=1
fi

echo "=== packaging: dpkg-buildpackage ==="
pkgdir=$top/build/pkg
rm -rf "$pkgdir" && mkdir -p "$pkgdir/src"
git archive HEAD 2>/dev/null | tar -x -C "$pkgdir/src" || cp -a $(ls -A | grep -v '^build$') "$pkgdir/src/"
cp -r "$pkgdir/src/packaging/debian" "$pkgdir/src/debian"
if (cd "$pkgdir/src" && dpkg-buildpackage -us -uc -b -j"$jobs") >"$logdir/package.log" 2>&1 &&
    dpkg-deb -c "$pkgdir"/zgnode_*.deb | grep 'usr/bin/zgnode$' >/dev/null &&
    dpkg-deb -c "$pkgdir"/zgnode-dev_*.deb | grep 'usr/include/zg/plugin.h$' >/dev/null; then
    echo "packaging: ok ($(cd "$pkgdir" && ls *.deb | tr '\n' ' '))"; total_pass=$((total_pass + 1))
else
    tail -30 "$logdir/package.log"; echo "packaging: FAILED"; total_fail=$((total_fail + 1)); status=1
fi

echo "$total_pass passed, $total_fail failed"
exit $status
