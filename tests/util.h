/* Helpers shared by the Check suites: contexts, buffers, deterministic data. */
#ifndef CLS_TEST_UTIL_H
#define CLS_TEST_UTIL_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "clshuffle/clshuffle.h"

/* A context on the default device (PoCL in CI); fails the test if none. */
cls_context *tu_context(void);
/* Same, with verify mode on. */
cls_context *tu_context_verify(void);
/* A device buffer of size bytes filled from host (may be NULL: filled with 0xEE). */
cl_mem tu_buffer(cls_context *ctx, size_t size, const void *host);
/* Read size bytes back (blocking). Caller frees. */
void *tu_read(cls_context *ctx, cl_mem buf, size_t size);
/* Deterministic distinct-ish bytes: byte i of a pattern seeded by seed. */
void tu_fill(void *dst, size_t size, uint32_t seed);
/* One test as a test case of its own (named after it, so CK_RUN_CASE can
 * pick it), with a timeout in seconds. */
void tu_add_case(Suite *s, const char *name, const TTest *test, int timeout);
#define TU_ADD_CASE(s, fn, timeout) tu_add_case((s), #fn, (fn), (timeout))
/* A suite runner: runs s with CK_FORK as configured, returns exit status. */
int tu_run(Suite *s);

#endif
