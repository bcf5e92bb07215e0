#!/bin/bash
# Runs zgnode's test programs and scripts, each printing TAP lines
# ("ok N - ..." / "not ok N - ..."), in parallel, and prints one closing line
# "N passed, N failed" counting every TAP result.  A program that exits
# non-zero, or prints no result at all, counts as one failure.
#
# usage: run-tests.sh TEST...   (env: ZG_TEST_JOBS, ZG_TEST_TIMEOUT, ZG_SRCDIR)
jobs=${ZG_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
tmo=${ZG_TEST_TIMEOUT:-900}
srcdir=${ZG_SRCDIR:-.}
logdir=tests/logs
mkdir -p "$logdir" tests/tmp
rm -f "$logdir"/*.log "$logdir"/*.res

logname() { local n=${1#./}; echo "${n//\//_}"; }

run_one() {
    local t=$1 name log rc start secs pass fail
    name=$(logname "$t")
    log="$logdir/$name.log"
    local cmd
    case "$t" in
        *.sh) cmd=(bash "$srcdir/$t") ;;
        *.js | *.mjs) cmd=(node "$srcdir/$t") ;;
        *) cmd=("./$t") ;;
    esac
    start=$(date +%s)
    timeout -k 10 "$tmo" "${cmd[@]}" >"$log" 2>&1 </dev/null
    rc=$?
    secs=$(($(date +%s) - start))
    pass=$(grep -c '^ok ' "$log")
    fail=$(grep -c '^not ok ' "$log")
    if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
        fail=1
        echo "not ok - $t exited with status $rc" >>"$log"
    fi
    if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
        fail=1
        echo "not ok - $t printed no test result" >>"$log"
    fi
    echo "$pass $fail" >"$logdir/$name.res"
    if [ "$fail" -eq 0 ]; then
        echo "PASS: $t ($pass ok, ${secs}s)"
    else
        {
            echo "FAIL: $t ($pass ok, $fail failed, ${secs}s; log: $log)"
            grep '^not ok ' "$log" | head -20 | sed 's/^/    /'
            grep -v '^ok ' "$log" | tail -n 15 | sed 's/^/    | /'
        }
    fi
}

# Tests in ZG_TESTS_ALONE run after all others, one at a time (the SDK test
# runs `make install`, whose libtool relinking rewrites plugins under .libs
# that concurrent tests are loading).
alone=" ${ZG_TESTS_ALONE:-} "
running=0
for t in "$@"; do
    case "$alone" in *" $t "*) continue ;; esac
    if [ "$running" -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
    run_one "$t" &
    running=$((running + 1))
done
wait
for t in "$@"; do
    case "$alone" in *" $t "*) run_one "$t" ;; esac
done

passed=0
failed=0
for t in "$@"; do
    name=$(logname "$t")
    if [ -f "$logdir/$name.res" ]; then
        read -r p f <"$logdir/$name.res"
    else
        p=0 f=1
        echo "FAIL: $t did not run"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
