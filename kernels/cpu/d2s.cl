/* Depth-to-space / space-to-depth: register interleave and deinterleave of
 * FACTOR streams (FACTOR = 1 is a strided run copy).
 *
 * Both kernels see the op as rows of a 2-D block (w < len, k < FACTOR) under
 * up to four outer dimensions. In the interleave, stream k of a row is a
 * contiguous src run starting at (k / FLO) * shi + (k % FLO) * slo, and its
 * element w lands at w * group + k in dst; the deinterleave is the mirror
 * image. A work-item moves a chunk of one long row or a block of short rows
 * (consecutive in outer dims 2 and 3), looping over contiguous runs.
 *
 * Variants (-D): VEC when group == FACTOR: each step loads one 16-byte vector
 * per stream and permutes lanes in registers (zip / unzip shuffles for 2 and
 * 4 streams, 4 x 4 transposes for 16 streams of 4-byte elements). NT=1:
 * non-temporal vector stores, each run aligned at run time, heads and tails
 * streamed too where the element size allows, vectors stored as 32-byte
 * pairs. PASS: long deinterleave rows written one stream at a time. RUNV:
 * run copies of a few whole vectors, unrolled (WIDE: rows 32-byte aligned,
 * 32-byte non-temporal stores). V16: the one-axis streams of a layout copy
 * (FLO == FACTOR == group: NCHW <-> NHWC with few channels), 16 elements
 * per stream and step. ANY: run-time stream counts, scalar loops (any block
 * and group). IDX64: 64-bit indices (idx_t, common.cl), as the copy plan
 * decides. */

/* -DANY: the stream counts are the run-time arguments nf and nlo (any block,
 * scalar loops); else FACTOR and FLO are compile-time constants. */
#ifdef ANY
#undef VEC
#undef V16
#define NF nf
#define NLO nlo
#else
#define NF FACTOR
#define NLO FLO
#endif

/* A 16-byte vector of elements and its lanes. */
#if ELEM_SIZE == 1
typedef uchar16 vec_t;
#define VW 16
#elif ELEM_SIZE == 2
typedef ushort8 vec_t;
#define VW 8
#elif ELEM_SIZE == 4
typedef uint4 vec_t;
#define VW 4
#else
typedef ulong2 vec_t;
#define VW 2
#endif
/* The same vector at any element alignment: plain vector loads and stores
 * (some OpenCL libraries implement vloadn / vstoren element by element). */
typedef vec_t __attribute__((aligned(ELEM_SIZE))) uvec_t;
#define LOADU(p) (*(__global const uvec_t *)(p))

typedef union lanes {
    vec_t v;
    elem_t e[VW];
} lanes;

/* Lane lists: zip the low (ZLO) or high (ZHI) halves of two vectors, keep
 * the even (UEV) or odd (UOD) lanes of their concatenation. */
#if ELEM_SIZE == 1
typedef uchar16 mask_t;
#define ZLO 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23
#define ZHI 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31
#define UEV 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define UOD 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
#elif ELEM_SIZE == 2
typedef ushort8 mask_t;
#define ZLO 0, 8, 1, 9, 2, 10, 3, 11
#define ZHI 4, 12, 5, 13, 6, 14, 7, 15
#define UEV 0, 2, 4, 6, 8, 10, 12, 14
#define UOD 1, 3, 5, 7, 9, 11, 13, 15
#elif ELEM_SIZE == 4
typedef uint4 mask_t;
#define ZLO 0, 4, 1, 5
#define ZHI 2, 6, 3, 7
/* The low (LO2) or high (HI2) lane pairs of two vectors. */
#define LO2 0, 1, 4, 5
#define HI2 2, 3, 6, 7
#define UEV 0, 2, 4, 6
#define UOD 1, 3, 5, 7
#else
typedef ulong2 mask_t;
#define ZLO 0, 2
#define ZHI 1, 3
#define UEV 0, 2
#define UOD 1, 3
#endif

/* Clang's shufflevector takes constant lanes directly (some OpenCL
 * libraries implement shuffle2 lane by lane); others get shuffle2. */
#if CLS_SHUFFLEVECTOR
#define SHUF(a, b, lanes) __builtin_shufflevector((a), (b), lanes)
#endif
#ifndef SHUF
#define SHUF(a, b, lanes) shuffle2((a), (b), (mask_t)(lanes))
#endif

#define STORE_PLAIN(val, p) (*(__global uvec_t *)(p) = (val))
#define STORE_NT(val, p) __builtin_nontemporal_store((val), (__global vec_t *)(p))
#ifndef NT
#define NT 0
#endif
#if NT
#define STORE_VEC STORE_NT
#else
#define STORE_VEC STORE_PLAIN
#endif
/* Single elements next to non-temporal vectors are streamed too (MOVNTI on
 * x86) where the element is 4 or 8 bytes, so that no line is half cached. */
#if NT && ELEM_SIZE >= 4
#define STORE_ONE(val, p) __builtin_nontemporal_store((val), (p))
#else
#define STORE_ONE(val, p) (*(p) = (val))
#endif

/* Two adjacent 16-byte vectors as one 32-byte non-temporal store (one AVX
 * store: streaming bandwidth needs wide stores); p must be 32-byte aligned. */
typedef uint8 __attribute__((aligned(32))) wide_t;
#define STORE_NT2(a, b, p)                                                                       \
    __builtin_nontemporal_store((uint8)(as_uint4(a), as_uint4(b)), (__global wide_t *)(p))

/* Non-temporal interleaves write 32-byte pairs of vectors, so their runs
 * are aligned to 32 bytes (HEAD_MAX elements at most ahead of it). */
#if defined(VEC) && NT
#define HEAD_MAX (2 * VW)
#else
#define HEAD_MAX VW
#endif

#if defined(VEC) && NT
/* Elements of one short run (a row's head or tail) beside non-temporal
 * vectors, gathered first: narrow types go out as 4-byte non-temporal words
 * where aligned, so that the lines they share with the vectors stay uncached. */
#define RUN_MAX (HEAD_MAX * FACTOR)
static void put_run(__global elem_t *d, const elem_t *v, idx_t m)
{
    idx_t i = 0;
#if ELEM_SIZE < 4
    for (; i < m && (((ulong)(d + i)) & 3); i++)
        d[i] = v[i];
    for (; i + 4 / ELEM_SIZE <= m; i += 4 / ELEM_SIZE) {
#if ELEM_SIZE == 2
        uint word = as_uint((ushort2)(v[i], v[i + 1]));
#else
        uint word = as_uint((uchar4)(v[i], v[i + 1], v[i + 2], v[i + 3]));
#endif
        __builtin_nontemporal_store(word, (__global uint *)(d + i));
    }
#endif
    for (; i < m; i++)
        STORE_ONE(v[i], d + i);
}
#endif
#define UNROLL __attribute__((opencl_unroll_hint))
/* Vectors per stream in one deinterleave step: a 64-byte line (whole lines
 * for non-temporal stores) unless the unrolled permutation would be huge. */
#if defined(VEC) && FACTOR > 1 && FACTOR * VW <= 64
#define LINE 4
#else
#define LINE 1
#endif

/* Offset of stream k (a compile-time constant once the loops are unrolled). */
#define STREAM(k) (((k) / NLO) * shi + ((k) % NLO) * slo)

/* Leading elements to step over (per_w dst elements each) before p is
 * aligned to `align` bytes; hmax when no step count below it reaches it. */
static idx_t align_head(__global const elem_t *p, idx_t per_w, ulong align, idx_t hmax)
{
    for (idx_t h = 0; h < hmax; h++)
        if ((((ulong)(p + h * per_w)) & (align - 1)) == 0)
            return h;
    return hmax;
}

#if defined(VEC) && FACTOR == 16 && VW == 4
/* col[j] = (a[j], b[j], c[j], d[j]): the columns of four 4-lane rows. */
static void transpose4(vec_t a, vec_t b, vec_t c, vec_t d, vec_t *col)
{
    vec_t t0 = SHUF(a, b, ZLO), t1 = SHUF(a, b, ZHI);
    vec_t t2 = SHUF(c, d, ZLO), t3 = SHUF(c, d, ZHI);
    col[0] = SHUF(t0, t2, LO2);
    col[1] = SHUF(t0, t2, HI2);
    col[2] = SHUF(t1, t3, LO2);
    col[3] = SHUF(t1, t3, HI2);
}
#endif

#if defined(VEC) && FACTOR > 1
/* Any other stream count: each output vector built by two-input constant
 * shuffles, one stream at a time (FOLD, common.cl). */
#define FOLD_N FACTOR
#define FOLD_VW VW
#define FOLD_SHUF SHUF
#endif

#if defined(VEC) && FACTOR == VW && VW >= 8
#if VW == 16
#define LOG2VW 4
#else
#define LOG2VW 3
#endif
/* As many streams as lanes: interleave and deinterleave are both the
 * transpose of the VW x VW matrix in[] (out[k] lane x = in[x] lane k), done
 * as log2(VW) rounds of zipping row i with row i + VW / 2. */
static void transpose_square(const vec_t *in, vec_t *out)
{
    vec_t x[VW], y[VW];
    UNROLL for (int i = 0; i < VW; i++) x[i] = in[i];
    UNROLL for (int r = 0; r < LOG2VW; r++) {
        UNROLL for (int i = 0; i < VW / 2; i++) {
            y[2 * i] = SHUF(x[i], x[i + VW / 2], ZLO);
            y[2 * i + 1] = SHUF(x[i], x[i + VW / 2], ZHI);
        }
        UNROLL for (int i = 0; i < VW; i++) x[i] = y[i];
    }
    UNROLL for (int i = 0; i < VW; i++) out[i] = x[i];
}
#endif

#ifdef VEC
/* out (FACTOR vectors of dst) from in (one vector per stream): out lane x is
 * in[x % FACTOR] lane x / FACTOR. Factors 2 and 4 zip with shuffles (what
 * compilers turn into unpack instructions); the rest move lanes. */
static void interleave_vecs(const vec_t *in, vec_t *out)
{
#if FACTOR == 2
    out[0] = SHUF(in[0], in[1], ZLO);
    out[1] = SHUF(in[0], in[1], ZHI);
#elif FACTOR == 4
    vec_t a0 = SHUF(in[0], in[2], ZLO), a1 = SHUF(in[0], in[2], ZHI);
    vec_t b0 = SHUF(in[1], in[3], ZLO), b1 = SHUF(in[1], in[3], ZHI);
    out[0] = SHUF(a0, b0, ZLO);
    out[1] = SHUF(a0, b0, ZHI);
    out[2] = SHUF(a1, b1, ZLO);
    out[3] = SHUF(a1, b1, ZHI);
#elif FACTOR == 16 && VW == 4
    /* out[4c + q] lane l is in[4q + l] lane c: a 4 x 4 transpose per q. */
    UNROLL for (int q = 0; q < 4; q++) {
        vec_t col[4];
        transpose4(in[4 * q], in[4 * q + 1], in[4 * q + 2], in[4 * q + 3], col);
        UNROLL for (int c = 0; c < 4; c++) out[4 * c + q] = col[c];
    }
#elif FACTOR == VW && VW >= 8
    transpose_square(in, out);
#elif FACTOR > 1 && FACTOR <= 16
#define IL_OUT(k)                                                                          \
    if (FACTOR > (k))                                                                      \
        FOLD(out[(k) % FACTOR], in, (k) % FACTOR, FOLD_IL);
    FOLD_EACH16(IL_OUT)
#undef IL_OUT
#else
    lanes li[FACTOR], lo[FACTOR];
    UNROLL for (int k = 0; k < FACTOR; k++) li[k].v = in[k];
    UNROLL for (int x = 0; x < FACTOR * VW; x++) lo[x / VW].e[x % VW] = li[x % FACTOR].e[x / FACTOR];
    UNROLL for (int m = 0; m < FACTOR; m++) out[m] = lo[m].v;
#endif
}

/* The inverse: out[k] (stream k) lane l is lane l * FACTOR + k of in. */
static void deinterleave_vecs(const vec_t *in, vec_t *out)
{
#if FACTOR == 2
    out[0] = SHUF(in[0], in[1], UEV);
    out[1] = SHUF(in[0], in[1], UOD);
#elif FACTOR == 4
    vec_t e0 = SHUF(in[0], in[1], UEV), o0 = SHUF(in[0], in[1], UOD);
    vec_t e1 = SHUF(in[2], in[3], UEV), o1 = SHUF(in[2], in[3], UOD);
    out[0] = SHUF(e0, e1, UEV);
    out[2] = SHUF(e0, e1, UOD);
    out[1] = SHUF(o0, o1, UEV);
    out[3] = SHUF(o0, o1, UOD);
#elif FACTOR == 16 && VW == 4
    /* out[4m + c] lane l is in[4l + m] lane c: a 4 x 4 transpose per m. */
    UNROLL for (int m = 0; m < 4; m++) {
        vec_t col[4];
        transpose4(in[m], in[4 + m], in[8 + m], in[12 + m], col);
        UNROLL for (int c = 0; c < 4; c++) out[4 * m + c] = col[c];
    }
#elif FACTOR == VW && VW >= 8
    transpose_square(in, out);
#elif FACTOR > 1 && FACTOR <= 16
#define DE_OUT(t)                                                                          \
    if (FACTOR > (t))                                                                      \
        FOLD(out[(t) % FACTOR], in, (t) % FACTOR, FOLD_DE);
    FOLD_EACH16(DE_OUT)
#undef DE_OUT
#else
    lanes li[FACTOR], lo[FACTOR];
    UNROLL for (int m = 0; m < FACTOR; m++) li[m].v = in[m];
    UNROLL for (int x = 0; x < FACTOR * VW; x++) lo[x % FACTOR].e[x / FACTOR] = li[x / VW].e[x % VW];
    UNROLL for (int k = 0; k < FACTOR; k++) out[k] = lo[k].v;
#endif
}
#endif

/* The FACTOR interleaved vectors out at p: plain, non-temporal, or as
 * non-temporal 32-byte pairs (an even stream count). */
#define PUT_PLAIN(out, p) UNROLL for (int m = 0; m < FACTOR; m++) STORE_PLAIN(out[m], (p) + m * VW);
#define PUT_NT1(out, p) UNROLL for (int m = 0; m < FACTOR; m++) STORE_NT(out[m], (p) + m * VW);
#define PUT_NT2(out, p)                                                                          \
    UNROLL for (int m = 0; m < FACTOR; m += 2) STORE_NT2(out[m], out[m + 1], (p) + m * VW);

/* Vector body of an interleave row from w to the last whole vector. */
#define INTERLEAVE_BODY(put)                                                                   \
    for (; w + VW <= n; w += VW) {                                                            \
        vec_t in[FACTOR], out[FACTOR];                                                        \
        UNROLL for (int k = 0; k < FACTOR; k++) in[k] = LOADU(s + STREAM(k) + w);          \
        interleave_vecs(in, out);                                                             \
        put(out, d + w * FACTOR)                                                              \
    }

/* The non-temporal body from a 32-byte aligned w * FACTOR: even stream
 * counts store pairs of each step's vectors; odd ones interleave two steps
 * at once (FACTOR pairs), then at most one step of 16-byte stores. */
#if FACTOR % 2 == 0
#define INTERLEAVE_NT INTERLEAVE_BODY(PUT_NT2)
#else
#define INTERLEAVE_NT                                                                          \
    for (; w + 2 * VW <= n; w += 2 * VW) {                                                    \
        vec_t in[2][FACTOR], out[2 * FACTOR];                                                 \
        UNROLL for (int u = 0; u < 2; u++) {                                                  \
            UNROLL for (int k = 0; k < FACTOR; k++)                                           \
                in[u][k] = LOADU(s + STREAM(k) + w + u * VW);                                 \
            interleave_vecs(in[u], out + u * FACTOR);                                         \
        }                                                                                     \
        UNROLL for (int m = 0; m < 2 * FACTOR; m += 2)                                        \
            STORE_NT2(out[m], out[m + 1], d + w * FACTOR + m * VW);                           \
    }                                                                                         \
    INTERLEAVE_BODY(PUT_NT1)
#endif

/* One interleave row: d[w * g + k] = s[STREAM(k) + w] for w < n. */
static void interleave_row(__global const elem_t *restrict s, __global elem_t *restrict d,
                           idx_t n, idx_t g, idx_t shi, idx_t slo, int nf, int nlo, idx_t w0,
                           idx_t len)
{
    idx_t w = 0;
#ifdef RUNV
    /* Short runs of RUNV whole vectors (a run copy; the host checked the
     * length and, for non-temporal stores, every row's alignment). */
#if NT && defined(WIDE) && RUNV % 2 == 0
    /* Rows 32-byte aligned (-DWIDE): whole 32-byte non-temporal stores. */
    UNROLL for (int v = 0; v < RUNV; v += 2)
        STORE_NT2(LOADU(s + v * VW), LOADU(s + (v + 1) * VW), d + v * VW);
#else
    UNROLL for (int v = 0; v < RUNV; v++) STORE_VEC(LOADU(s + v * VW), d + v * VW);
#endif
    w = n;
#elif defined(VEC) && NT
    idx_t h = align_head(d, FACTOR, 32, HEAD_MAX);
    if (h == 0 && n % VW == 0) {
        /* The common case of an aligned row of whole vectors. */
        INTERLEAVE_NT
    } else if (h < HEAD_MAX && h < n) {
        elem_t run[RUN_MAX];
        for (; w < h; w++)
            UNROLL for (int k = 0; k < FACTOR; k++) run[w * FACTOR + k] = s[STREAM(k) + w];
        put_run(d, run, h * FACTOR);
        INTERLEAVE_NT
        for (idx_t t = w; t < n; t++)
            UNROLL for (int k = 0; k < FACTOR; k++) run[(t - w) * FACTOR + k] = s[STREAM(k) + t];
        put_run(d + w * FACTOR, run, (n - w) * FACTOR);
        w = n;
    }
#endif
#ifdef VEC
    INTERLEAVE_BODY(PUT_PLAIN)
#endif
    for (; w < n; w++)
        for (int k = 0; k < NF; k++)
            d[w * g + k] = s[STREAM(k) + w];
    (void)nf, (void)nlo, (void)w0, (void)len;
}

#if defined(VEC) && defined(PASS)
/* Long deinterleave rows: one pass over the row per stream, so that every
 * stream is written as one sequential run while the src row stays in cache;
 * each stream aligns its own stores. */
static void deinterleave_pass(__global const elem_t *restrict s, __global elem_t *restrict d,
                              idx_t n, idx_t shi, idx_t slo)
{
    UNROLL for (int k = 0; k < FACTOR; k++) {
        __global elem_t *restrict dk = d + STREAM(k);
        idx_t v = 0;
#if NT
        elem_t run[RUN_MAX];
        idx_t h = min(align_head(dk, 1, 16, VW), n);
        for (; v < h; v++)
            run[v] = s[v * FACTOR + k];
        put_run(dk, run, h);
#endif
        for (; v + VW <= n; v += VW) {
            vec_t in[FACTOR], out[FACTOR];
            UNROLL for (int m = 0; m < FACTOR; m++) in[m] = LOADU(s + v * FACTOR + m * VW);
            deinterleave_vecs(in, out);
            STORE_VEC(out[k], dk + v);
        }
#if NT
        for (idx_t t = v; t < n; t++)
            run[t - v] = s[t * FACTOR + k];
        put_run(dk + v, run, n - v);
        v = n;
#endif
        for (; v < n; v++)
            dk[v] = s[v * FACTOR + k];
    }
}
#endif

/* One deinterleave row: d[STREAM(k) + w] = s[w * g + k] for w < n. */
static void deinterleave_row(__global const elem_t *restrict s, __global elem_t *restrict d,
                             idx_t n, idx_t g, idx_t shi, idx_t slo, int nf, int nlo, idx_t w0,
                             idx_t len)
{
    idx_t w = 0;
#if defined(VEC) && defined(PASS)
    deinterleave_pass(s, d, n, shi, slo);
    w = n;
#elif defined(VEC)
    /* LINE vectors (64 bytes) per stream and step, each stream's written
     * together so that non-temporal stores fill whole cache lines (the host
     * enables them only when every stream is aligned). */
    for (; w + LINE * VW <= n; w += LINE * VW) {
        vec_t in[LINE][FACTOR], out[LINE][FACTOR];
        UNROLL for (int u = 0; u < LINE; u++) {
            UNROLL for (int m = 0; m < FACTOR; m++)
                in[u][m] = LOADU(s + (w + u * VW) * FACTOR + m * VW);
            deinterleave_vecs(in[u], out[u]);
        }
        UNROLL for (int k = 0; k < FACTOR; k++)
            UNROLL for (int u = 0; u < LINE; u++) STORE_VEC(out[u][k], d + STREAM(k) + w + u * VW);
    }
    for (; w + VW <= n; w += VW) {
        vec_t in[FACTOR], out[FACTOR];
        UNROLL for (int m = 0; m < FACTOR; m++) in[m] = LOADU(s + w * FACTOR + m * VW);
        deinterleave_vecs(in, out);
        UNROLL for (int k = 0; k < FACTOR; k++) STORE_PLAIN(out[k], d + STREAM(k) + w);
    }
#endif
    for (; w < n; w++)
        for (int k = 0; k < NF; k++)
            d[STREAM(k) + w] = s[w * g + k];
    (void)nf, (void)nlo, (void)w0, (void)len;
}

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
