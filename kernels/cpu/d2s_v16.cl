/* The depth-to-space family's V16 variant (definitions in d2s_lanes.cl). */

#ifdef V16
/* -DV16: FACTOR streams along one axis, each row a run of whole groups
 * (group == FLO == FACTOR: the canonical pair of a layout interleave, such
 * as NCHW <-> NHWC with few channels). A step moves 16 elements of every
 * stream (64 bytes of fp32, 32 of fp16) through FOLD's two-input constant
 * shuffles on 16-lane vectors (common.cl), whose masks are integer constant
 * expressions of FACTOR, so one source serves every factor; the zips and
 * 16-byte vectors of VEC measured slower on these rows for 2-byte elements
 * and on deinterleaves (docs/tuning.md). The chunks of a row are the copy
 * engine's strips (about 4 KiB of dst each). */
#define FOLD_N FACTOR
#define FOLD_VW 16
#if CLS_SHUFFLEVECTOR
#define FOLD_SHUF __builtin_shufflevector
#else
#define FOLD_SHUF(a, b, lanes) shuffle2((a), (b), (VEC_T(16))(lanes))
#endif

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

/* The FACTOR consecutive src vectors of a 16-element deinterleave step at p. */
#define LOAD_CHUNK(in, p)                                                                  \
    _Pragma("unroll") for (int k_ = 0; k_ < FACTOR; k_++)                                  \
        in[k_] = *(__global const elem16_u *)((p) + 16 * k_)

/* One interleave chunk: d[w * FACTOR + k] = s[STREAM(k) + w] for w < n, each
 * step's FACTOR dst vectors stored non-temporally when the chunk starts on
 * a vector (then every step does). */
static void interleave_row16(__global const elem_t *restrict s, __global elem_t *restrict d,
                             idx_t n, idx_t g, idx_t shi, idx_t slo, int nf, int nlo, idx_t w0,
                             idx_t len)
{
    idx_t w = 0;
    int nt = NT && ((ulong)d) % (16 * ELEM_SIZE) == 0;
    for (; w + 16 <= n; w += 16) {
        elem16_t in[FACTOR], o;
        UNROLL for (int k = 0; k < FACTOR; k++) in[k] =
            *(__global const elem16_u *)(s + STREAM(k) + w);
        __global elem_t *p = d + w * FACTOR;
#define IL_OUT(k)                                                                          \
    if (FACTOR > (k)) {                                                                    \
        FOLD(o, in, (k) % FACTOR, FOLD_IL);                                                \
        store16(o, p + 16 * (k), nt);                                                      \
    }
        FOLD_EACH16(IL_OUT)
#undef IL_OUT
    }
    for (; w < n; w++)
        UNROLL for (int k = 0; k < FACTOR; k++) d[w * FACTOR + k] = s[STREAM(k) + w];
    (void)g, (void)shi, (void)nf, (void)nlo, (void)w0, (void)len;
}

#if NT
/* Streams that do not start on a vector (plane sizes not a multiple of 16
 * elements), at most 4 of them: each stream on its own, in whole dst lines,
 * each line computed from src loads shifted to match (unaligned loads cost
 * little, and the chunk's src stays in the L1 for the FACTOR passes) and
 * stored non-temporally. A line belongs to the chunk that holds its first
 * element (it reads the src of the next chunk's first elements); only the
 * stream's first and last lines, which it may share with whatever lies
 * beside it, are stored element by element. sr and dr are the row's starts
 * (w = 0), the chunk is [w0, we) of a row of len. Plain stores across
 * lines had fp32 C = 3 at 2365 x 2365 at 0.64-0.73 of the copy, 0.92-0.96
 * so; fp16 0.67 -> 0.93. Vector-aligned (not line-aligned) runs per chunk,
 * whose chunk ends mixed plain and non-temporal stores in one line, had u8
 * C = 3 at 4730 x 4730 at 0.50-0.58, against 0.96 for streams of whole
 * lines. The loads grow as FACTOR squared: at 7 and 16 streams this
 * measured slower than the plain stores. */
static void deinterleave_lines16(__global const elem_t *restrict sr, __global elem_t *restrict dr,
                                 idx_t w0, idx_t we, idx_t len, idx_t shi, idx_t slo)
{
#define LINE_E (64 / ELEM_SIZE)
#define DE_STREAM(t)                                                                       \
    if (FACTOR > (t)) {                                                                    \
        __global elem_t *pd = dr + STREAM((t) % FACTOR);                                   \
        idx_t ea = (idx_t)(((64 - (ulong)pd % 64) % 64) / ELEM_SIZE), e = ea;              \
        if (w0 > ea)                                                                       \
            e = ea + (w0 - ea + LINE_E - 1) / LINE_E * LINE_E;                             \
        if (w0 == 0)                                                                       \
            for (idx_t i = 0; i < min(ea, len); i++)                                       \
                pd[i] = sr[i * FACTOR + (t)];                                              \
        for (; e < we; e += LINE_E) {                                                      \
            if (e + LINE_E > len) {                                                        \
                for (idx_t i = e; i < len; i++)                                            \
                    pd[i] = sr[i * FACTOR + (t)];                                          \
                continue;                                                                  \
            }                                                                              \
            _Pragma("unroll") for (int v = 0; v < LINE_E / 16; v++)                        \
            {                                                                              \
                elem16_t in[FACTOR], o;                                                    \
                LOAD_CHUNK(in, sr + (e + 16 * v) * FACTOR);                                \
                FOLD(o, in, (t) % FACTOR, FOLD_DE);                                        \
                store16(o, pd + e + 16 * v, 1);                                            \
            }                                                                              \
        }                                                                                  \
    }
    FOLD_EACH16(DE_STREAM)
#undef DE_STREAM
#undef LINE_E
}
#endif

/* One deinterleave chunk: d[STREAM(k) + w] = s[w * FACTOR + k] for w < n, one
 * vector to each stream per step, non-temporally when every stream starts
 * on a vector; the line-wise passes above where they do not. */
static void deinterleave_row16(__global const elem_t *restrict s, __global elem_t *restrict d,
                               idx_t n, idx_t g, idx_t shi, idx_t slo, int nf, int nlo, idx_t w0,
                               idx_t len)
{
    idx_t w = 0;
    int nt = NT && slo % 16 == 0 && ((ulong)d) % (16 * ELEM_SIZE) == 0;
#if NT
    if (FACTOR <= 4 && !nt) {
        deinterleave_lines16(s - w0 * FACTOR, d - w0, w0, w0 + n, len, shi, slo);
        return;
    }
#endif
    for (; w + 16 <= n; w += 16) {
        elem16_t in[FACTOR], o;
        LOAD_CHUNK(in, s + w * FACTOR);
#define DE_OUT(t)                                                                          \
    if (FACTOR > (t)) {                                                                    \
        FOLD(o, in, (t) % FACTOR, FOLD_DE);                                                \
        store16(o, d + STREAM((t) % FACTOR) + w, nt);                                      \
    }
        FOLD_EACH16(DE_OUT)
#undef DE_OUT
    }
    for (; w < n; w++)
        UNROLL for (int k = 0; k < FACTOR; k++) d[STREAM(k) + w] = s[w * FACTOR + k];
    (void)g, (void)shi, (void)nf, (void)nlo, (void)len;
}
#define INTERLEAVE_ROW interleave_row16
#define DEINTERLEAVE_ROW deinterleave_row16
#else
#define INTERLEAVE_ROW interleave_row
#define DEINTERLEAVE_ROW deinterleave_row
#endif

