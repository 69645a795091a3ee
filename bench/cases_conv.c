/* Fused conv + pixel shuffle cases (placeholder). */
#include "bench.h"

int bench_plan_conv(bench *b)
{
    (void)b;
    return 0;
}
