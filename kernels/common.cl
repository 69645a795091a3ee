/* Shared definitions prepended to every clshuffle kernel file. */
#ifndef ELEM_SIZE
#define ELEM_SIZE 4
#endif

/* Layout kernels move bytes: the element type depends only on its size. */
#if ELEM_SIZE == 1
typedef uchar elem_t;
#elif ELEM_SIZE == 2
typedef ushort elem_t;
#elif ELEM_SIZE == 4
typedef uint elem_t;
#elif ELEM_SIZE == 8
typedef ulong elem_t;
#else
#error "ELEM_SIZE must be 1, 2, 4 or 8"
#endif

#define CLS_MAX_DIMS 8

/* Index type: 64-bit where an extent can exceed 2^31 elements (-DIDX64=1). */
#ifndef IDX64
#define IDX64 0
#endif
#if IDX64
typedef ulong idx_t;
#else
typedef uint idx_t;
#endif

#if ELEM_SIZE == 1
#define VEC_T(n) uchar##n
#elif ELEM_SIZE == 2
#define VEC_T(n) ushort##n
#elif ELEM_SIZE == 4
#define VEC_T(n) uint##n
#else
#define VEC_T(n) ulong##n
#endif
typedef VEC_T(16) elem16_t;
/* An element-aligned vector type: accesses through it compile to single
 * unaligned vector loads and stores (PoCL's vloadn/vstoren may split them
 * into element accesses). */
typedef VEC_T(16) __attribute__((aligned(ELEM_SIZE))) elem16_u;

/* Source and destination offsets of batch (or row) index rem split over the
 * n outer dims (sizes, src and dst strides). */
static inline void batch_offsets(idx_t rem, int n, long8 sz, long8 ss, long8 ds, idx_t *so,
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
