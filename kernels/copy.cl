/* Copy-engine kernels for views whose innermost dimension is contiguous on
 * both sides, the generic strided fallback, and a strided zero fill.
 *
 * On PoCL a work-group runs as one loop over its work-items, so every kernel
 * here gives each work-item a strip of `len` elements along the innermost
 * dim and loops over it (the compiler vectorises that loop); the strip's
 * start offsets come from splitting the work-item's row index once. Shapes
 * are arguments; options: ELEM_SIZE (1, 2, 4, 8), IDX64 (64-bit indices),
 * NT (non-temporal stores for tensors larger than the caches). */

#if IDX64
typedef ulong idx_t;
#else
typedef uint idx_t;
#endif

#if ELEM_SIZE == 1
typedef uchar16 elem16_t;
#elif ELEM_SIZE == 2
typedef ushort16 elem16_t;
#elif ELEM_SIZE == 4
typedef uint16 elem16_t;
#else
typedef ulong16 elem16_t;
#endif
/* The same vector, element aligned (a single unaligned vector access). */
typedef elem16_t __attribute__((aligned(ELEM_SIZE))) elem16_u;

/* Offsets of row index `rem` split over the n outer dims (sizes, src and
 * dst strides). */
static inline void row_offsets(idx_t rem, int n, long8 sz, long8 ss, long8 ds, idx_t *so,
                               idx_t *dof)
{
    long s[8] = {sz.s0, sz.s1, sz.s2, sz.s3, sz.s4, sz.s5, sz.s6, sz.s7};
    long a[8] = {ss.s0, ss.s1, ss.s2, ss.s3, ss.s4, ss.s5, ss.s6, ss.s7};
    long b[8] = {ds.s0, ds.s1, ds.s2, ds.s3, ds.s4, ds.s5, ds.s6, ds.s7};
    for (int d = n - 1; d >= 0; d--) {
        idx_t q = rem / (idx_t)s[d];
        idx_t r = rem - q * (idx_t)s[d];
        *so += r * (idx_t)a[d];
        *dof += r * (idx_t)b[d];
        rem = q;
    }
}

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
    row_offsets(y, nouter, osz, oss, ods, so, dof);
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
