#!/bin/bash
# A quick subset of the Ethereum GeneralStateTests (Cancun) through
# zg-statetest: one TAP line per directory, covering every area of the EVM
# (a few seconds even under ASan).  The whole suite is run separately:
#   zg-statetest -j$(nproc) $ZG_ETH_TESTS/GeneralStateTests
bin=${ZG_BUILDDIR:-.}/tools/zg-statetest
fix=${ZG_ETH_TESTS:-}/GeneralStateTests
dirs="
VMTests/vmArithmeticTest VMTests/vmBitwiseLogicOperation VMTests/vmIOandFlowOperations
VMTests/vmLogTest VMTests/vmTests stExample stSStoreTest stCallCodes stCreate2 stCreateTest
stRevertTest stRefundTest stEIP2930 stEIP1559 stEIP3607 stEIP158Specific stEIP150Specific
stSelfBalance stShift stChainId stMemoryTest stReturnDataTest stStaticFlagEnabled
stTransactionTest stPreCompiledContracts stZeroKnowledge2 stCallCreateCallCodeTest
stInitCodeTest stSystemOperationsTest stCodeSizeLimit stExtCodeHash stBugs
Cancun/stEIP1153-transientStorage Cancun/stEIP4844-blobtransactions Cancun/stEIP5656-MCOPY
Shanghai/stEIP3651-warmcoinbase Shanghai/stEIP3855-push0 Shanghai/stEIP3860-limitmeterinitcode
Pyspecs/cancun/eip6780_selfdestruct Pyspecs/cancun/eip1153_tstore
"
n=0
fail=0
if [ ! -x "$bin" ]; then
    echo "not ok 1 - zg-statetest not built at $bin"
    echo "1..1"
    exit 1
fi
if [ ! -d "$fix" ]; then
    echo "not ok 1 - GeneralStateTests fixtures missing at '$fix' (configure --with-ethereum-tests=DIR)"
    echo "1..1"
    exit 1
fi
for d in $dirs; do
    n=$((n + 1))
    if [ ! -d "$fix/$d" ]; then
        echo "not ok $n - $d: fixture directory missing"
        fail=1
        continue
    fi
    out=$("$bin" -j2 "$fix/$d" 2>&1)
    rc=$?
    last=$(printf '%s\n' "$out" | tail -n 1)
    if [ $rc -eq 0 ] && printf '%s' "$last" | grep -q ' passed, 0 failed$' && ! printf '%s' "$last" | grep -q '^0 passed'; then
        echo "ok $n - $d: $last"
    else
        echo "not ok $n - $d: $last"
        printf '%s\n' "$out" | grep '^FAIL' | head -5 | sed 's/^/# /'
        fail=1
    fi
done
echo "1..$n"
exit $fail
