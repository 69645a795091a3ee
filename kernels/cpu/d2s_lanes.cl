/* Depth-to-space / space-to-depth, and the layout interleaves: register
 * interleave and deinterleave of FACTOR streams (FACTOR = 1 is a strided
 * run copy). The one family's program joins d2s_lanes.cl (this overview,
 * vector types, lane permutes, store helpers), d2s_rows.cl (the rows),
 * d2s_v16.cl (the V16 rows) and d2s.cl (the kernels).
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
