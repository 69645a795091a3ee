/* The one table of kernel programs: each program's source files, in order,
 * and its tier. Call sites name a program; nothing else joins sources. */
#include <string.h>

#include "internal.h"

static const cls__program_def programs[] = {
    /* Portable tier: OpenCL C 1.2, no extensions, coalesced stores. */
    {"portable/copy", CLS_TIER_PORTABLE, {"portable/common", "portable/copy"}, 0},
    {"portable/transpose", CLS_TIER_PORTABLE, {"portable/common", "portable/transpose"}, 0},
    {"portable/conv", CLS_TIER_PORTABLE, {"portable/conv_common", "portable/conv"}, 1},
    {"portable/conv_gemm", CLS_TIER_PORTABLE, {"portable/conv_common", "portable/conv_gemm"}, 1},
    {"portable/conv_transposed",
     CLS_TIER_PORTABLE,
     {"portable/conv_common", "portable/conv_transposed"},
     1},
    /* CPU tier: clang, x86-64 with AVX2 (the profile's -D options). */
    {"cpu/copy", CLS_TIER_CPU, {"cpu/common", "cpu/copy"}, 0},
    {"cpu/transpose",
     CLS_TIER_CPU,
     {"cpu/common", "cpu/transpose_common", "cpu/transpose_regs", "cpu/transpose_b4",
      "cpu/transpose_b2", "cpu/transpose_b1", "cpu/transpose_blocks", "cpu/transpose"},
     0},
    {"cpu/d2s",
     CLS_TIER_CPU,
     {"cpu/common", "cpu/d2s_lanes", "cpu/d2s_rows", "cpu/d2s_v16", "cpu/d2s"},
     0},
    {"cpu/conv_w", CLS_TIER_CPU, {"cpu/conv_w"}, 1},
};

const cls__program_def *cls__program_find(const char *name)
{
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++)
        if (strcmp(programs[i].name, name) == 0)
            return &programs[i];
    return NULL;
}
