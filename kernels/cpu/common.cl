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

/* Interleave and deinterleave of FOLD_N (2..16) streams of FOLD_VW-lane
 * vectors (FOLD_VW a plain 2, 4, 8 or 16) through two-input constant
 * shuffles, FOLD_SHUF(a, b, lanes...), which the user defines before
 * expanding FOLD (d2s.cl). Each output vector is built one
 * stream at a time (the masks are integer constant expressions of FOLD_N
 * and FOLD_VW; a lane a step does not fill is left undefined, -1).
 * Interleave: output lane x of vector k is stream (VW k + x) % N, lane
 * (VW k + x) / N. Deinterleave: lane l of stream t is input lane l N + t, in
 * vector (l N + t) / VW. */
#define FOLD_IX(k, x) (FOLD_VW * (k) + (x))
#define FOLD_IL(k, x, s)                                                                   \
    ((s) == 1 ? (FOLD_IX(k, x) % FOLD_N == 0   ? FOLD_IX(k, x) / FOLD_N                  \
                 : FOLD_IX(k, x) % FOLD_N == 1 ? FOLD_VW + FOLD_IX(k, x) / FOLD_N        \
                                               : -1)                                     \
     : FOLD_IX(k, x) % FOLD_N < (s)  ? (x)                                               \
     : FOLD_IX(k, x) % FOLD_N == (s) ? FOLD_VW + FOLD_IX(k, x) / FOLD_N                  \
                                     : -1)
#define FOLD_DX(t, l) ((l) * FOLD_N + (t))
#define FOLD_DE(t, l, s)                                                                   \
    ((s) == 1 ? (FOLD_DX(t, l) / FOLD_VW == 0   ? FOLD_DX(t, l) % FOLD_VW                \
                 : FOLD_DX(t, l) / FOLD_VW == 1 ? FOLD_VW + FOLD_DX(t, l) % FOLD_VW      \
                                                : -1)                                    \
     : FOLD_DX(t, l) / FOLD_VW < (s)  ? (l)                                              \
     : FOLD_DX(t, l) / FOLD_VW == (s) ? FOLD_VW + FOLD_DX(t, l) % FOLD_VW                \
                                      : -1)
/* The lanes of step s of vector k, chosen by FOLD_VW when expanded. */
#define FOLD_MASK2(M, k, s) M(k, 0, s), M(k, 1, s)
#define FOLD_MASK4(M, k, s) FOLD_MASK2(M, k, s), M(k, 2, s), M(k, 3, s)
#define FOLD_MASK8(M, k, s) FOLD_MASK4(M, k, s), M(k, 4, s), M(k, 5, s), M(k, 6, s), M(k, 7, s)
#define FOLD_MASK16(M, k, s)                                                               \
    FOLD_MASK8(M, k, s), M(k, 8, s), M(k, 9, s), M(k, 10, s), M(k, 11, s), M(k, 12, s),     \
        M(k, 13, s), M(k, 14, s), M(k, 15, s)
#define FOLD_CAT_(a, b) a##b
#define FOLD_CAT(a, b) FOLD_CAT_(a, b)
#define FOLD_MASK(M, k, s) FOLD_CAT(FOLD_MASK, FOLD_VW)(M, k, s)
/* Vector k of the output (M: FOLD_IL or FOLD_DE): in[0] and in[1], then
 * in[s] folded in for every s < FOLD_N (later steps keep every lane: their
 * masks are the identity). */
#define FOLD(o, in, k, M)                                                                  \
    do {                                                                                  \
        o = FOLD_SHUF(in[0], in[1], FOLD_MASK(M, k, 1));                                  \
        if (FOLD_N > 2) o = FOLD_SHUF(o, in[2 % FOLD_N], FOLD_MASK(M, k, 2));             \
        if (FOLD_N > 3) o = FOLD_SHUF(o, in[3 % FOLD_N], FOLD_MASK(M, k, 3));             \
        if (FOLD_N > 4) o = FOLD_SHUF(o, in[4 % FOLD_N], FOLD_MASK(M, k, 4));             \
        if (FOLD_N > 5) o = FOLD_SHUF(o, in[5 % FOLD_N], FOLD_MASK(M, k, 5));             \
        if (FOLD_N > 6) o = FOLD_SHUF(o, in[6 % FOLD_N], FOLD_MASK(M, k, 6));             \
        if (FOLD_N > 7) o = FOLD_SHUF(o, in[7 % FOLD_N], FOLD_MASK(M, k, 7));             \
        if (FOLD_N > 8) o = FOLD_SHUF(o, in[8 % FOLD_N], FOLD_MASK(M, k, 8));             \
        if (FOLD_N > 9) o = FOLD_SHUF(o, in[9 % FOLD_N], FOLD_MASK(M, k, 9));             \
        if (FOLD_N > 10) o = FOLD_SHUF(o, in[10 % FOLD_N], FOLD_MASK(M, k, 10));          \
        if (FOLD_N > 11) o = FOLD_SHUF(o, in[11 % FOLD_N], FOLD_MASK(M, k, 11));          \
        if (FOLD_N > 12) o = FOLD_SHUF(o, in[12 % FOLD_N], FOLD_MASK(M, k, 12));          \
        if (FOLD_N > 13) o = FOLD_SHUF(o, in[13 % FOLD_N], FOLD_MASK(M, k, 13));          \
        if (FOLD_N > 14) o = FOLD_SHUF(o, in[14 % FOLD_N], FOLD_MASK(M, k, 14));          \
        if (FOLD_N > 15) o = FOLD_SHUF(o, in[15 % FOLD_N], FOLD_MASK(M, k, 15));          \
    } while (0)
/* X(k) for every vector k < 16 (callers guard k < FOLD_N and take k modulo
 * FOLD_N inside, so the masks stay valid where unused). */
#define FOLD_EACH16(X)                                                                     \
    X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
