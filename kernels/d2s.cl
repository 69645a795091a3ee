/* Depth-to-space / space-to-depth: register interleave and deinterleave of
 * FACTOR streams (FACTOR = 1 is a strided run copy).
 *
 * Both kernels see the op as rows of a 2-D block (w < len, j < FACTOR) under
 * up to four outer dimensions. In the interleave, stream j of a row is a
 * contiguous src run at j * stream and lands at w * group + j in dst (groups of
 * FACTOR adjacent dst elements, usually group == FACTOR); the deinterleave is
 * the mirror image. Work-item (x, y, z): chunk x of row (y, z), where y spans
 * outer dims 2 and 3 and z spans dims 0 and 1. Each work-item loops over its
 * chunk, which LLVM-based CPU compilers vectorise as an interleaved access. */

#ifndef FACTOR
#define FACTOR 1
#endif

/* GROUP as a compile-time constant lets the compiler see whole groups. */
#ifdef GROUP
#define GROUP_OF(g) ((long)GROUP)
#else
#define GROUP_OF(g) (g)
#endif

/* Element offsets of row (y, z) in src and dst. */
static void row_offsets(long4 osz, long4 oss, long4 ods, ulong *so, ulong *dof)
{
    long z = (long)get_global_id(2), y = (long)get_global_id(1);
    long a0 = z / osz.s1, a1 = z - a0 * osz.s1;
    long a2 = y / osz.s3, a3 = y - a2 * osz.s3;
    *so += (ulong)(a0 * oss.s0 + a1 * oss.s1 + a2 * oss.s2 + a3 * oss.s3);
    *dof += (ulong)(a0 * ods.s0 + a1 * ods.s1 + a2 * ods.s2 + a3 * ods.s3);
}

/* dst[w * group + j] = src[j * stream + w] within each row. */
__kernel void d2s_interleave(__global const elem_t *restrict src, ulong src_off,
                             __global elem_t *restrict dst, ulong dst_off, long len,
                             long group, long stream, long chunk, long4 osz, long4 oss,
                             long4 ods)
{
    long w0 = (long)get_global_id(0) * chunk;
    long n = min(chunk, len - w0);
    const long g = GROUP_OF(group);
    ulong so = src_off, dof = dst_off;
    row_offsets(osz, oss, ods, &so, &dof);
    __global const elem_t *restrict s = src + so + w0;
    __global elem_t *restrict d = dst + dof + w0 * g;
    for (long w = 0; w < n; w++)
        for (int j = 0; j < FACTOR; j++)
            d[w * g + j] = s[j * stream + w];
}

/* dst[j * stream + w] = src[w * group + j] within each row. */
__kernel void d2s_deinterleave(__global const elem_t *restrict src, ulong src_off,
                               __global elem_t *restrict dst, ulong dst_off, long len,
                               long group, long stream, long chunk, long4 osz, long4 oss,
                               long4 ods)
{
    long w0 = (long)get_global_id(0) * chunk;
    long n = min(chunk, len - w0);
    const long g = GROUP_OF(group);
    ulong so = src_off, dof = dst_off;
    row_offsets(osz, oss, ods, &so, &dof);
    __global const elem_t *restrict s = src + so + w0 * g;
    __global elem_t *restrict d = dst + dof + w0;
    for (long w = 0; w < n; w++)
        for (int j = 0; j < FACTOR; j++)
            d[j * stream + w] = s[w * g + j];
}
