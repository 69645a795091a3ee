/* Copy-engine kernels for views whose innermost dimension is contiguous on
 * both sides, the generic strided fallback, and a strided zero fill.
 *
 * On PoCL a work-group runs as one loop over its work-items, so every kernel
 * here gives each work-item a strip of `len` elements along the innermost
 * dim and loops over it (the compiler vectorises that loop); the strip's
 * start offsets come from splitting the work-item's row index once. Shapes
 * are arguments; options: ELEM_SIZE (1, 2, 4, 8), IDX64 (64-bit indices),
 * NT (non-temporal stores for tensors larger than the caches). */

#define STRIP_ARGS                                                                             \
    __global const elem_t *src, ulong src_off, __global elem_t *dst, ulong dst_off, idx_t inner, \
        idx_t sis, idx_t dis, idx_t len, idx_t rows, int nouter, long8 osz, long8 oss,           \
        long8 ods

/* Strip start: work-item (x, y) owns inner elements [x * len, x * len + len)
 * of row y; returns the strip length (0: nothing to do). */
static inline idx_t strip(idx_t inner, idx_t len, idx_t rows, int nouter, long8 osz, long8 oss,
                          long8 ods, idx_t sis, idx_t dis, idx_t *so, idx_t *dof)
{
    idx_t x0 = (idx_t)get_global_id(0) * len, y = get_global_id(1);
    if (y >= rows || x0 >= inner)
        return 0;
    batch_offsets(y, nouter, osz, oss, ods, so, dof);
    *so += x0 * sis;
    *dof += x0 * dis;
    return min(len, inner - x0);
}

/* Any strides: the strip steps by the inner dim's strides on both sides. */
__kernel void copy_generic(STRIP_ARGS)
{
    idx_t so = src_off, dof = dst_off;
    idx_t n = strip(inner, len, rows, nouter, osz, oss, ods, sis, dis, &so, &dof);
    for (idx_t t = 0; t < n; t++)
        dst[dof + t * dis] = src[so + t * sis];
}

/* Inner dim contiguous on both sides (sis == dis == 1). With NT the body
 * stores 16-element vectors non-temporally once dst is aligned. */
__kernel void copy_run(STRIP_ARGS)
{
    idx_t so = src_off, dof = dst_off, t = 0;
    idx_t n = strip(inner, len, rows, nouter, osz, oss, ods, sis, dis, &so, &dof);
#if NT
    for (; t < n && (((ulong)(dst + dof + t)) & (sizeof(elem16_t) - 1)) != 0; t++)
        dst[dof + t] = src[so + t];
    for (; t + 16 <= n; t += 16)
        __builtin_nontemporal_store(vload16(0, src + so + t),
                                    (__global elem16_t *)(dst + dof + t));
#endif
    for (; t < n; t++)
        dst[dof + t] = src[so + t];
}

/* Short runs of `run` elements contiguous on both sides, stacked along the
 * strip dim (strides sis, dis): each work-item walks a strip of runs. */
__kernel void copy_run_packed(STRIP_ARGS, idx_t run)
{
    idx_t so = src_off, dof = dst_off;
    idx_t n = strip(inner, len, rows, nouter, osz, oss, ods, sis, dis, &so, &dof);
    for (idx_t r = 0; r < n; r++) {
        __global const elem_t *s = src + so + r * sis;
        __global elem_t *d = dst + dof + r * dis;
        idx_t t = 0;
        /* Whole 16-element vectors (non-temporal where the dst one is
         * aligned), then the rest. */
#if NT
        if ((((ulong)d) & (sizeof(elem16_t) - 1)) == 0)
            for (; t + 16 <= run; t += 16)
                __builtin_nontemporal_store(*(__global const elem16_u *)(s + t),
                                            (__global elem16_t *)(d + t));
#endif
        for (; t + 16 <= run; t += 16)
            *(__global elem16_u *)(d + t) = *(__global const elem16_u *)(s + t);
        for (; t < run; t++)
            d[t] = s[t];
    }
}

/* Zero every element of a strided view (blocked-format channel padding):
 * the same strips as copy_generic with only a dst side. */
__kernel void fill_zero(__global elem_t *dst, ulong dst_off, idx_t inner, idx_t dis, idx_t len,
                        idx_t rows, int nouter, long8 osz, long8 ods)
{
    idx_t so = 0, dof = dst_off;
    idx_t n = strip(inner, len, rows, nouter, osz, ods, ods, dis, dis, &so, &dof);
    for (idx_t t = 0; t < n; t++)
        dst[dof + t * dis] = 0;
}
