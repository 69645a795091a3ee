/* Fused 1x1 convolution + depth-to-space, vectorised along W (NCHW to NCHW).
 *
 * For a 1x1 kernel with stride 1 and no padding, when src and dst both have
 * a unit W stride, a work-item computes 8 * TV consecutive positions of one
 * input row as float8 vectors for NC output channels and all BH * BW
 * sub-pixels of each (NV = NC * BH * BW virtual channels): every input
 * vector loaded is reused by the NV channels, every weight (a broadcast
 * scalar) by the TV vectors. The output row of sub-row i is the interleave
 * of the BW sub-pixel columns j: it is built in registers (a zip shuffle for
 * BW = 2) and stored as contiguous vectors. Weights are packed by the host as
 * [channel block][ci][NC][BH][BW] floats (zero past Cout), bias the same
 * without ci, slopes per output channel padded to whole blocks.
 *
 * Variants (-D): NC, BH, BW, TV. A block of 1x1 is the plain conv of the
 * same family. Rows whose run reaches past W take a bounds-checked path.
 */
#ifndef NC
#define NC 1
#endif
#ifndef BH
#define BH 2
#endif
#ifndef BW
#define BW 2
#endif
#ifndef TV
#define TV 2
#endif
#define NV (NC * BH * BW)
#define RUN (8 * TV)

/* A float8 at any float alignment: one unaligned vector access (PoCL may
 * split vload8 / vstore8 into element accesses). */
typedef float8 __attribute__((aligned(4))) f8u;
typedef float16 __attribute__((aligned(4))) f16u;

/* Whole vectors go out non-temporally where 32-byte aligned: the output is
 * written once and far larger than the caches. */
#define ALIGNED32(p) ((((ulong)(p)) & 31) == 0)
#define STORE8(v, p)                                                                               \
    do {                                                                                           \
        if (ALIGNED32(p))                                                                          \
            __builtin_nontemporal_store((v), (__global float8 *)(p));                              \
        else                                                                                       \
            *(__global f8u *)(p) = (v);                                                            \
    } while (0)
#define STORE16(v, p)                                                                              \
    do {                                                                                           \
        if (ALIGNED32(p)) {                                                                        \
            __builtin_nontemporal_store((v).lo, (__global float8 *)(p));                           \
            __builtin_nontemporal_store((v).hi, (__global float8 *)(p) + 1);                       \
        } else {                                                                                   \
            *(__global f16u *)(p) = (v);                                                           \
        }                                                                                          \
    } while (0)

/* Activation codes: cls_activation's, passed by the host as -DCLS_ACT_...=N. */
#ifndef CLS_ACT_SIGMOID
#error "the host passes the activation codes (-DCLS_ACT_NONE=... -DCLS_ACT_SIGMOID=...)"
#endif

static inline __attribute__((always_inline)) float8 act8(float8 x, int act, float alpha,
                                                         float slope)
{
    switch (act) {
    case CLS_ACT_RELU:
        return fmax(x, (float8)(0.0f));
    case CLS_ACT_LEAKY_RELU:
        return select(x, x * alpha, isless(x, (float8)(0.0f)));
    case CLS_ACT_PRELU:
        return select(x, x * slope, isless(x, (float8)(0.0f)));
    case CLS_ACT_SIGMOID:
        return 1.0f / (1.0f + exp(-x));
    default:
        return x;
    }
}

/* The input vectors of channel row s (at the run's first position); full:
 * the whole run lies inside the row, else positions from valid on read 0. */
static inline __attribute__((always_inline)) void load_run(float8 x[TV], const __global float *s,
                                                           int valid, const int full)
{
    if (full) {
#pragma unroll
        for (int t = 0; t < TV; t++)
            x[t] = *(const __global f8u *)(s + 8 * t);
    } else {
        float tmp[RUN];
        for (int e = 0; e < RUN; e++)
            tmp[e] = e < valid ? s[e] : 0.0f;
#pragma unroll
        for (int t = 0; t < TV; t++)
            x[t] = vload8(t, tmp);
    }
}

static inline __attribute__((always_inline)) void accumulate(float8 acc[NV][TV],
                                                             const __global float *s, long cstride,
                                                             int cin, const __global float *w,
                                                             int valid, const int full)
{
    for (int ci = 0; ci < cin; ci++) {
        float8 x[TV];
        load_run(x, s + ci * cstride, valid, full);
#pragma unroll
        for (int v = 0; v < NV; v++) {
            const float8 wv = (float8)(w[ci * NV + v]);
#pragma unroll
            for (int t = 0; t < TV; t++)
                acc[v][t] = fma(wv, x[t], acc[v][t]);
        }
    }
}

/* Store the 8 * BW floats of vector t of sub-row i: the BW sub-pixel
 * columns a[j] interleaved. valid: floats of the run inside the row. */
static inline __attribute__((always_inline)) void store_sub(__global float *d, const float8 a[BW],
                                                            int valid, const int full)
{
#if BW == 1
    if (full) {
        STORE8(a[0], d);
        return;
    }
#elif BW == 2
    const float16 z =
        shuffle2(a[0], a[1], (uint16)(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15));
    if (full) {
        STORE16(z, d);
        return;
    }
#endif
    float o[8 * BW];
#pragma unroll
    for (int j = 0; j < BW; j++)
#pragma unroll
        for (int e = 0; e < 8; e++)
            o[e * BW + j] = a[j][e];
    if (full) {
#pragma unroll
        for (int j = 0; j < BW; j++)
            STORE8(vload8(j, o), d + 8 * j);
    } else {
        for (int e = 0; e < valid; e++)
            d[e] = o[e];
    }
}

/* Bias, activation and the shuffled stores of the run. row: dst offset of
 * (n, c = cb * NC, h * BH, w0 * BW); valid: positions of the run inside W. */
static inline __attribute__((always_inline)) void
store_run(float8 acc[NV][TV], __global float *dst, long row, long4 ds, int cb, int cout, int valid,
          const int full, const __global float *bias, const __global float *slope, int act,
          float alpha)
{
#pragma unroll
    for (int cl = 0; cl < NC; cl++) {
        if (cb * NC + cl >= cout)
            break;
        const float sl = slope[cb * NC + cl];
#pragma unroll
        for (int i = 0; i < BH; i++) {
            __global float *d = dst + row + cl * ds.s1 + i * ds.s2;
#pragma unroll
            for (int t = 0; t < TV; t++) {
                float8 a[BW];
#pragma unroll
                for (int j = 0; j < BW; j++) {
                    const int v = (cl * BH + i) * BW + j;
                    a[j] = act8(acc[v][t] + bias[cb * NV + v], act, alpha, sl);
                }
                if (full || valid >= 8 * (t + 1))
                    store_sub(d + 8 * BW * t, a, 0, 1);
                else if (valid > 8 * t)
                    store_sub(d + 8 * BW * t, a, (valid - 8 * t) * BW, 0);
            }
        }
    }
}

/* Global size: (runs per chunk, channel blocks, N * H * chunks), each rounded
 * up to the work-group of (runs per chunk, a few channel blocks, 1): the
 * work-items of a chunk of W sweep its runs for one channel block
 * (contiguous stores), then for the next block while the chunk's input is
 * still in cache. The third index only depends on the work-group, so its
 * divisions leave PoCL's work-item loop. hw: H, W; cc: Cin, Cout, channel
 * blocks, chunks. */
__kernel void conv_w1x1(const __global float *src, long src_off, long4 ss, int2 hw,
                        __global float *dst, long dst_off, long4 ds, int4 cc,
                        const __global float *wts, const __global float *bias,
                        const __global float *slope, int act, float alpha)
{
    const int cin = cc.s0, cb = (int)get_global_id(1), z = (int)get_global_id(2);
    const int chunk = z % cc.s3, h = z / cc.s3 % hw.s0, n = z / cc.s3 / hw.s0;
    const int w0 = (chunk * (int)get_global_size(0) + (int)get_global_id(0)) * RUN;
    if (cb >= cc.s2 || w0 >= hw.s1)
        return;
    const int valid = min(RUN, hw.s1 - w0);
    const __global float *s = src + src_off + n * ss.s0 + h * ss.s2 + w0;
    const __global float *w = wts + (long)cb * cin * NV;
    const long row =
        dst_off + n * ds.s0 + (long)cb * NC * ds.s1 + (long)h * BH * ds.s2 + (long)w0 * BW;
    float8 acc[NV][TV];
#pragma unroll
    for (int v = 0; v < NV; v++)
#pragma unroll
        for (int t = 0; t < TV; t++)
            acc[v][t] = (float8)(0.0f);
    if (valid == RUN) {
        accumulate(acc, s, ss.s1, cin, w, RUN, 1);
        store_run(acc, dst, row, ds, cb, cc.s1, RUN, 1, bias, slope, act, alpha);
    } else {
        accumulate(acc, s, ss.s1, cin, w, valid, 0);
        store_run(acc, dst, row, ds, cb, cc.s1, valid, 0, bias, slope, act, alpha);
    }
}
