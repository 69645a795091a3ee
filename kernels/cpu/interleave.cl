/* The copy engine's interleave and deinterleave of TILE (2..16) streams
 * (definitions in transpose_common.cl): a strip per work-item, in chunks
 * of 16 elements per stream where clang's shuffles are available, element
 * by element for the rest (and elsewhere, where the constant factor lets
 * the compiler vectorise the element loops). */

#ifdef TILE
#if CLS_SHUFFLEVECTOR
/* Chunks through constant two-input shuffles (FOLD, common.cl, with
 * __builtin_shufflevector): the masks are integer constant expressions of
 * TILE, so the same source serves every factor. */
#define CHUNKS 1
#define FOLD_N TILE
#define FOLD_VW 16
#define FOLD_SHUF __builtin_shufflevector
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

/* The TILE consecutive src vectors of a 16-element deinterleave chunk at p. */
#define LOAD_CHUNK(in, p)                                                          \
    _Pragma("unroll") for (int k_ = 0; k_ < TILE; k_++)                            \
        in[k_] = *(__global const elem16_u *)((p) + 16 * k_)
#else
#define CHUNKS 0
#endif

/* Interleave (nb == da == TILE): a strip of A indices, TILE stream vectors
 * in and TILE consecutive dst vectors out per chunk. */
__kernel void interleave(TRANSPOSE_ARGS)
{
    idx_t a0 = (idx_t)get_global_id(0) * len, so = src_off, dof = dst_off, ae, af;
    if (a0 >= na)
        return;
    batch_offsets(get_global_id(2), nbatch, bsz, bss, bds, &so, &dof);
    ae = min(a0 + len, na), af = a0;
#if CHUNKS
    af = a0 + (ae - a0) / 16 * 16;
    int nt = NT && ((ulong)(dst + dof + a0 * TILE)) % (16 * ELEM_SIZE) == 0;
    for (idx_t a = a0; a < af; a += 16) {
        elem16_t in[TILE > 1 ? TILE : 2], o;
#pragma unroll
        for (int t = 0; t < TILE; t++)
            in[t] = *(__global const elem16_u *)(src + so + t * sb + a);
        __global elem_t *d = dst + dof + a * TILE;
#define IL_OUT(k)                                                                  \
    if (TILE > (k)) {                                                              \
        FOLD(o, in, (k) % TILE, FOLD_IL);                                          \
        store16(o, d + 16 * (k), nt);                                              \
    }
        FOLD_EACH16(IL_OUT)
#undef IL_OUT
    }
#endif
    for (idx_t a = af; a < ae; a++)
#pragma unroll
        for (idx_t t = 0; t < TILE; t++)
            dst[dof + a * TILE + t] = src[so + t * sb + a];
}

/* Deinterleave (na == sb == TILE): a strip of B indices, TILE consecutive
 * src vectors in and one vector to each of the TILE dst planes per chunk. */
__kernel void deinterleave(TRANSPOSE_ARGS)
{
    idx_t b0 = (idx_t)get_global_id(0) * len, so = src_off, dof = dst_off, be, bf;
    if (b0 >= nb)
        return;
    batch_offsets(get_global_id(2), nbatch, bsz, bss, bds, &so, &dof);
    be = min(b0 + len, nb), bf = b0;
#if CHUNKS
    bf = b0 + (be - b0) / 16 * 16;
    int nt = NT && da % 16 == 0 && ((ulong)(dst + dof + b0)) % (16 * ELEM_SIZE) == 0;
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
                FOLD(o, in, (t) % TILE, FOLD_DE);                                  \
                store16(o, pd + e + 16 * v, 1);                                    \
            }                                                                      \
        }                                                                          \
    }
        FOLD_EACH16(DE_PLANE)
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
        FOLD(o, in, (t) % TILE, FOLD_DE);                                          \
        store16(o, dst + dof + (t) * da + b, nt);                                  \
    }
        FOLD_EACH16(DE_OUT)
#undef DE_OUT
    }
#endif
    for (idx_t b = bf; b < be; b++)
#pragma unroll
        for (idx_t t = 0; t < TILE; t++)
            dst[dof + t * da + b] = src[so + b * TILE + t];
}
#endif
