/* tests/fuzz/fuzz.h — shared by libFuzzer targets and the replay driver.
 * A target is one C file defining LLVMFuzzerTestOneInput; it checks its
 * invariants with FUZZ_CHECK, which aborts (a crash both for libFuzzer and
 * for tests/fuzz/replay.c). */
#ifndef ZG_FUZZ_H
#define ZG_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                  \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                      \
        }                                                                                 \
    } while (0)
#endif
