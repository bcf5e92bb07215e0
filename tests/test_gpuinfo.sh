#!/bin/bash
# zg-gpuinfo: --help, listing and self-test of every gpu backend built here,
# exit codes for bad usage and an empty plugin path.
n=0 failed=0
t() { # t DESC CMD... : ok when CMD succeeds
    local d=$1
    shift
    n=$((n + 1))
    if "$@"; then echo "ok $n - $d"; else echo "not ok $n - $d"; failed=1; fi
}
bin="${ZG_BUILDDIR:-.}/zg-gpuinfo"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

t "zg-gpuinfo is built" test -x "$bin"
t "--help exits 0 and explains the options" bash -c "'$bin' --help | grep -q -- --plugin-path"
"$bin" --bogus >/dev/null 2>&1
t "an unknown option exits 2" test $? -eq 2
"$bin" --plugin-path /nonexistent >"$out" 2>&1
t "an empty plugin path exits 3" test $? -eq 3
"$bin" --config '[1]' >/dev/null 2>&1
t "a --config that is not an object exits 2" test $? -eq 2

"$bin" --plugin-path "$ZG_PLUGIN_PATH" >"$out" 2>&1
rc=$?
sed 's/^/# /' "$out"
t "self-test of every backend exits 0" test $rc -eq 0
t "the cpu backend is listed" grep -q '^backend cpu' "$out"
t "the overall verdict is PASS" grep -q '^PASS:' "$out"
t "no device FAILed" bash -c "! grep -q 'FAIL' '$out'"
if ls "$ZG_PLUGIN_PATH"/zg-gpu-vulkan.so >/dev/null 2>&1; then
    t "the vulkan backend is listed" grep -q '^backend vulkan' "$out"
fi
"$bin" --plugin-path "$ZG_PLUGIN_PATH" --backend cpu --no-selftest >"$out" 2>&1
t "--backend cpu --no-selftest lists only cpu" bash -c "grep -q '^backend cpu' '$out' && ! grep -q 'backend vulkan' '$out' && ! grep -q self-test '$out'"
ZG_PLUGIN_PATH="$ZG_PLUGIN_PATH" "$bin" --backend cpu --config '{"threads": 1}' >"$out" 2>&1
t "default path from \$ZG_PLUGIN_PATH, config passed to the backend" grep -q '1 compute units' "$out"
echo "1..$n"
exit $failed
