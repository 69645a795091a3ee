/* The depth-to-space family's kernels (family overview and definitions in
 * d2s_lanes.cl, rows in d2s_rows.cl and d2s_v16.cl). */

/* The rows of work-item (x, a1, a0): x enumerates blocks of `rows` rows of
 * the flattened (a2, a3) range times chunks of `chunk` elements along w.
 * Indices are idx_t (unsigned): the host launches exactly the work-items
 * there are chunks and row blocks for, so the chunk and block starts lie
 * inside their ranges and every difference, quotient and min below is of
 * non-negative values. Only the wrap steps (from the last row of an a3
 * sweep to the first of the next) can be negative; they are only added,
 * and modular addition leaves the in-range offsets exact. */
#define D2S_ROWS(row_fn, smul, dmul)                                                            \
    idx_t n2 = (idx_t)osz.s2, n3 = (idx_t)osz.s3;                                            \
    idx_t nch = (len + chunk - 1) / chunk, x = (idx_t)get_global_id(0), blk = x / nch;         \
    idx_t w0 = (x - blk * nch) * chunk, n = min(chunk, len - w0);                            \
    idx_t q0 = blk * rows, qn;                                                               \
    if (q0 >= n2 * n3)                                                                       \
        return;                                                                              \
    qn = min(rows, n2 * n3 - q0);                                                            \
    idx_t a2 = q0 / n3, a3 = q0 - a2 * n3;                                                   \
    idx_t a1 = (idx_t)get_global_id(1), a0 = (idx_t)get_global_id(2);                        \
    idx_t so = (idx_t)src_off + a0 * (idx_t)oss.s0 + a1 * (idx_t)oss.s1 + a2 * (idx_t)oss.s2 + \
               a3 * (idx_t)oss.s3;                                                           \
    idx_t dof = (idx_t)dst_off + a0 * (idx_t)ods.s0 + a1 * (idx_t)ods.s1 +                   \
                a2 * (idx_t)ods.s2 + a3 * (idx_t)ods.s3;                                     \
    idx_t swrap = (idx_t)oss.s2 - (n3 - 1) * (idx_t)oss.s3;                                  \
    idx_t dwrap = (idx_t)ods.s2 - (n3 - 1) * (idx_t)ods.s3;                                  \
    for (idx_t q = 0; q < qn; q++) {                                                         \
        row_fn(src + so + w0 * (smul), dst + dof + w0 * (dmul), n, group, shi, slo, nf, nlo,  \
               w0, len);                                                                     \
        if (++a3 < n3) {                                                                     \
            so += (idx_t)oss.s3, dof += (idx_t)ods.s3;                                       \
        } else {                                                                             \
            a3 = 0, so += swrap, dof += dwrap;                                               \
        }                                                                                    \
    }

/* The arguments of both kernels: the outer sizes and strides come as long4
 * (as the other kernels' dims do) and are taken as idx_t. */
#define D2S_ARGS                                                                                \
    __global const elem_t *restrict src, ulong src_off, __global elem_t *restrict dst,         \
        ulong dst_off, idx_t len, idx_t group, idx_t shi, idx_t slo, int nf, int nlo,          \
        idx_t chunk, idx_t rows, long4 osz, long4 oss, long4 ods

/* dst[w * group + k] = src[STREAM(k) + w] within each row. */
__kernel void d2s_interleave(D2S_ARGS)
{
    D2S_ROWS(INTERLEAVE_ROW, 1, group)
}

/* dst[STREAM(k) + w] = src[w * group + k] within each row. */
__kernel void d2s_deinterleave(D2S_ARGS)
{
    D2S_ROWS(DEINTERLEAVE_ROW, group, 1)
}
