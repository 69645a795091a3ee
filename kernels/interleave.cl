/* The copy engine's interleave and deinterleave of TILE (2..16) streams
 * (definitions in transpose_common.cl). */

#ifdef TILE
#if defined(__clang__)
/* Interleave and deinterleave of TILE (2..16) streams in chunks of 16
 * elements per stream, through constant two-input shuffles (clang's
 * __builtin_shufflevector; the masks are integer constant expressions of
 * TILE, so the same source serves every factor). Output element f of a
 * chunk (f = 16 k + p in vector k) comes from stream f % TILE, element
 * f / TILE; vector k is built by folding in the streams one at a time. */
#define F_(k, p) (16 * (k) + (p))
/* Interleave, first step: streams 0 and 1. */
#define ILF(k, p) (F_(k, p) % TILE == 0 ? F_(k, p) / TILE : F_(k, p) % TILE == 1 ? 16 + F_(k, p) / TILE : -1)
/* Interleave, step s: keep what is built, fold in stream s. */
#define ILS(k, p, s) (F_(k, p) % TILE < (s) ? (p) : F_(k, p) % TILE == (s) ? 16 + F_(k, p) / TILE : -1)
/* Deinterleave: element j of stream t is input element j * TILE + t, in
 * input vector (j * TILE + t) / 16. */
#define G_(t, j) ((j) * TILE + (t))
#define DEF(t, j) (G_(t, j) / 16 == 0 ? G_(t, j) % 16 : G_(t, j) / 16 == 1 ? 16 + G_(t, j) % 16 : -1)
#define DES(t, j, v) (G_(t, j) / 16 < (v) ? (j) : G_(t, j) / 16 == (v) ? 16 + G_(t, j) % 16 : -1)
#define M16F(M, k) M(k, 0), M(k, 1), M(k, 2), M(k, 3), M(k, 4), M(k, 5), M(k, 6), M(k, 7), \
    M(k, 8), M(k, 9), M(k, 10), M(k, 11), M(k, 12), M(k, 13), M(k, 14), M(k, 15)
#define M16S(M, k, s) M(k, 0, s), M(k, 1, s), M(k, 2, s), M(k, 3, s), M(k, 4, s), M(k, 5, s), \
    M(k, 6, s), M(k, 7, s), M(k, 8, s), M(k, 9, s), M(k, 10, s), M(k, 11, s), M(k, 12, s),   \
    M(k, 13, s), M(k, 14, s), M(k, 15, s)
/* Output vector k of an interleave of in[0..TILE-1]. Steps past the factor
 * keep every lane (their masks are the identity) and fold nothing. */
#define IL_VEC(o, in, k)                                                             \
    do {                                                                            \
        o = __builtin_shufflevector(in[0], in[1], M16F(ILF, k));                     \
        if (TILE > 2) o = __builtin_shufflevector(o, in[2 % TILE], M16S(ILS, k, 2));  \
        if (TILE > 3) o = __builtin_shufflevector(o, in[3 % TILE], M16S(ILS, k, 3));  \
        if (TILE > 4) o = __builtin_shufflevector(o, in[4 % TILE], M16S(ILS, k, 4));  \
        if (TILE > 5) o = __builtin_shufflevector(o, in[5 % TILE], M16S(ILS, k, 5));  \
        if (TILE > 6) o = __builtin_shufflevector(o, in[6 % TILE], M16S(ILS, k, 6));  \
        if (TILE > 7) o = __builtin_shufflevector(o, in[7 % TILE], M16S(ILS, k, 7));  \
        if (TILE > 8) o = __builtin_shufflevector(o, in[8 % TILE], M16S(ILS, k, 8));  \
        if (TILE > 9) o = __builtin_shufflevector(o, in[9 % TILE], M16S(ILS, k, 9));  \
        if (TILE > 10) o = __builtin_shufflevector(o, in[10 % TILE], M16S(ILS, k, 10));  \
        if (TILE > 11) o = __builtin_shufflevector(o, in[11 % TILE], M16S(ILS, k, 11));  \
        if (TILE > 12) o = __builtin_shufflevector(o, in[12 % TILE], M16S(ILS, k, 12));  \
        if (TILE > 13) o = __builtin_shufflevector(o, in[13 % TILE], M16S(ILS, k, 13));  \
        if (TILE > 14) o = __builtin_shufflevector(o, in[14 % TILE], M16S(ILS, k, 14));  \
        if (TILE > 15) o = __builtin_shufflevector(o, in[15 % TILE], M16S(ILS, k, 15));  \
    } while (0)
/* Stream t of a deinterleave of in[0..TILE-1], steps likewise. */
#define DE_VEC(o, in, t)                                                             \
    do {                                                                            \
        o = __builtin_shufflevector(in[0], in[1], M16F(DEF, t));                     \
        if (TILE > 2) o = __builtin_shufflevector(o, in[2 % TILE], M16S(DES, t, 2));  \
        if (TILE > 3) o = __builtin_shufflevector(o, in[3 % TILE], M16S(DES, t, 3));  \
        if (TILE > 4) o = __builtin_shufflevector(o, in[4 % TILE], M16S(DES, t, 4));  \
        if (TILE > 5) o = __builtin_shufflevector(o, in[5 % TILE], M16S(DES, t, 5));  \
        if (TILE > 6) o = __builtin_shufflevector(o, in[6 % TILE], M16S(DES, t, 6));  \
        if (TILE > 7) o = __builtin_shufflevector(o, in[7 % TILE], M16S(DES, t, 7));  \
        if (TILE > 8) o = __builtin_shufflevector(o, in[8 % TILE], M16S(DES, t, 8));  \
        if (TILE > 9) o = __builtin_shufflevector(o, in[9 % TILE], M16S(DES, t, 9));  \
        if (TILE > 10) o = __builtin_shufflevector(o, in[10 % TILE], M16S(DES, t, 10));  \
        if (TILE > 11) o = __builtin_shufflevector(o, in[11 % TILE], M16S(DES, t, 11));  \
        if (TILE > 12) o = __builtin_shufflevector(o, in[12 % TILE], M16S(DES, t, 12));  \
        if (TILE > 13) o = __builtin_shufflevector(o, in[13 % TILE], M16S(DES, t, 13));  \
        if (TILE > 14) o = __builtin_shufflevector(o, in[14 % TILE], M16S(DES, t, 14));  \
        if (TILE > 15) o = __builtin_shufflevector(o, in[15 % TILE], M16S(DES, t, 15));  \
    } while (0)
/* X(0) .. X(15): the output vectors of a chunk, each guarded by the factor
 * (taken modulo TILE inside, so the masks stay valid where unused). */
#define ALL16(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) \
    X(14) X(15)
/* Store a 16-element vector, non-temporally when asked (p then aligned). */
static inline void store16(elem16_t v, __global elem_t *p, int nt)
{
#if NT
    if (nt) {
        __builtin_nontemporal_store(v, (__global elem16_t *)p);
        return;
    }
#endif
    (void)nt;
    *(__global elem16_u *)p = v;
}

/* Interleave (nb == da == TILE): a strip of A indices, 16 at a time: TILE
 * stream vectors in, TILE consecutive dst vectors out. */
__kernel void interleave(TRANSPOSE_ARGS)
{
    idx_t a0 = (idx_t)get_global_id(0) * len, so = src_off, dof = dst_off, ae, af;
    int nt;
    if (a0 >= na)
        return;
    batch_offsets(get_global_id(2), nbatch, bsz, bss, bds, &so, &dof);
    ae = min(a0 + len, na), af = a0 + (ae - a0) / 16 * 16;
    nt = NT && ((ulong)(dst + dof + a0 * TILE)) % (16 * ELEM_SIZE) == 0;
    for (idx_t a = a0; a < af; a += 16) {
        elem16_t in[TILE > 1 ? TILE : 2], o;
#pragma unroll
        for (int t = 0; t < TILE; t++)
            in[t] = *(__global const elem16_u *)(src + so + t * sb + a);
        __global elem_t *d = dst + dof + a * TILE;
#define IL_OUT(k)                                                                  \
    if (TILE > (k)) {                                                              \
        IL_VEC(o, in, (k) % TILE);                                                 \
        store16(o, d + 16 * (k), nt);                                              \
    }
        ALL16(IL_OUT)
#undef IL_OUT
    }
    for (idx_t a = af; a < ae; a++)
#pragma unroll
        for (idx_t t = 0; t < TILE; t++)
            dst[dof + a * TILE + t] = src[so + t * sb + a];
}

/* The TILE consecutive src vectors of a 16-element deinterleave chunk at p. */
#define LOAD_CHUNK(in, p)                                                          \
    _Pragma("unroll") for (int k_ = 0; k_ < TILE; k_++)                            \
        in[k_] = *(__global const elem16_u *)((p) + 16 * k_)

/* Deinterleave (na == sb == TILE): a strip of B indices, 16 at a time: TILE
 * consecutive src vectors in, one vector to each of the TILE dst planes. */
__kernel void deinterleave(TRANSPOSE_ARGS)
{
    idx_t b0 = (idx_t)get_global_id(0) * len, so = src_off, dof = dst_off, be, bf;
    int nt;
    if (b0 >= nb)
        return;
    batch_offsets(get_global_id(2), nbatch, bsz, bss, bds, &so, &dof);
    be = min(b0 + len, nb), bf = b0 + (be - b0) / 16 * 16;
    nt = NT && da % 16 == 0 && ((ulong)(dst + dof + b0)) % (16 * ELEM_SIZE) == 0;
#if NT
    /* Planes that do not start on a vector (a plane size that is not a
     * multiple of 16 elements): each plane on its own, in whole dst lines,
     * each line computed from src loads shifted to match (unaligned loads
     * cost little, and the strip's src stays in the L1 for the TILE passes)
     * and stored non-temporally. A line belongs to the work-item whose strip
     * holds its first element (it reads the src of the next strip's first
     * elements); only the plane's first and last lines, which it may share
     * with whatever lies beside it, are stored element by element. Plain
     * stores across lines had fp32 C = 3 at 2365 x 2365 at 0.64-0.73 of the
     * copy, 0.92-0.96 so; fp16 0.67 -> 0.93. Vector-aligned (not
     * line-aligned) runs per strip, whose strip ends mixed plain and
     * non-temporal stores in one line, had u8 C = 3 at 4730 x 4730 at
     * 0.50-0.58, against 0.96 for planes of whole lines. The loads grow as
     * TILE squared: at 7 and 16 planes this measured slower than the plain
     * stores. */
    if (TILE <= 4 && !nt) {
#define LINE_E (64 / ELEM_SIZE)
#define DE_PLANE(t)                                                                \
    if (TILE > (t)) {                                                              \
        __global elem_t *pd = dst + dof + (t) * da;                                \
        idx_t ea = (idx_t)(((64 - (ulong)pd % 64) % 64) / ELEM_SIZE), e = ea;      \
        if (b0 > ea)                                                               \
            e = ea + (b0 - ea + LINE_E - 1) / LINE_E * LINE_E;                     \
        if (b0 == 0)                                                               \
            for (idx_t i = 0; i < min(ea, nb); i++)                                \
                pd[i] = src[so + i * TILE + (t)];                                  \
        for (; e < be; e += LINE_E) {                                              \
            if (e + LINE_E > nb) {                                                 \
                for (idx_t i = e; i < nb; i++)                                     \
                    pd[i] = src[so + i * TILE + (t)];                              \
                continue;                                                          \
            }                                                                      \
            _Pragma("unroll") for (int v = 0; v < LINE_E / 16; v++)                \
            {                                                                      \
                elem16_t in[TILE > 1 ? TILE : 2], o;                               \
                LOAD_CHUNK(in, src + so + (e + 16 * v) * TILE);                    \
                DE_VEC(o, in, (t) % TILE);                                         \
                store16(o, pd + e + 16 * v, 1);                                    \
            }                                                                      \
        }                                                                          \
    }
        ALL16(DE_PLANE)
#undef DE_PLANE
#undef LINE_E
        return;
    }
#endif
    for (idx_t b = b0; b < bf; b += 16) {
        elem16_t in[TILE > 1 ? TILE : 2], o;
        LOAD_CHUNK(in, src + so + b * TILE);
#define DE_OUT(t)                                                                  \
    if (TILE > (t)) {                                                              \
        DE_VEC(o, in, (t) % TILE);                                                 \
        store16(o, dst + dof + (t) * da + b, nt);                                  \
    }
        ALL16(DE_OUT)
#undef DE_OUT
    }
    for (idx_t b = bf; b < be; b++)
#pragma unroll
        for (idx_t t = 0; t < TILE; t++)
            dst[dof + t * da + b] = src[so + b * TILE + t];
}
#else
/* Interleave (nb == da == TILE, 2..16): a strip of A indices, each reading
 * TILE planes and writing TILE consecutive dst elements; the constant factor
 * lets the compiler turn the stores into shuffles and full vector stores. */
__kernel void interleave(TRANSPOSE_ARGS)
{
    idx_t a0 = (idx_t)get_global_id(0) * len, so = src_off, dof = dst_off, ae;
    if (a0 >= na)
        return;
    batch_offsets(get_global_id(2), nbatch, bsz, bss, bds, &so, &dof);
    ae = min(a0 + len, na);
    for (idx_t a = a0; a < ae; a++)
#pragma unroll
        for (idx_t t = 0; t < TILE; t++)
            dst[dof + a * TILE + t] = src[so + t * sb + a];
}

/* Deinterleave (na == sb == TILE, 2..16): a strip of B indices, each reading
 * TILE consecutive src elements and writing one element of each dst plane. */
__kernel void deinterleave(TRANSPOSE_ARGS)
{
    idx_t b0 = (idx_t)get_global_id(0) * len, so = src_off, dof = dst_off, be;
    if (b0 >= nb)
        return;
    batch_offsets(get_global_id(2), nbatch, bsz, bss, bds, &so, &dof);
    be = min(b0 + len, nb);
    for (idx_t b = b0; b < be; b++)
#pragma unroll
        for (idx_t t = 0; t < TILE; t++)
            dst[dof + t * da + b] = src[so + b * TILE + t];
}
#endif
#endif
