/* Fused convolution + depth-to-space, direct: no intermediate tensor.
 *
 * A work-item computes TW consecutive low-resolution positions of one output
 * row for NVEC * 8 virtual output channels of one group (a "vblock"), held as
 * float8 accumulators: each input value loaded is broadcast across the 8
 * lanes and reused by the NVEC vectors, each weight vector by the TW
 * positions. Weights are packed by the host as [group][vblock][ci][kh][kw]
 * [NVEC] float8 (zero lanes past the group's channels). The epilogue adds
 * bias, applies the activation and stores every lane at its depth-to-space
 * position, found through vmap (per packed lane: c, i, j of the shuffle, or
 * c = -1 for padding lanes). Shapes and strides are arguments; NVEC, TW,
 * CONV_F16 (half storage, float arithmetic), KH_C / KW_C (the kernel size
 * when it is a compile-time constant, 0 when not) and VSTORE are
 * compile-time variants.
 */
#ifndef NVEC
#define NVEC 2
#endif
#ifndef TW
#define TW 6
#endif
/* A compile-time kernel size unrolls the tap loops and hoists the input
 * offsets of every tap out of the channel loop (a 1x1 kernel measured 17%
 * less CPU; 1-D k = 3 taps 13% less, 3x3 64->64*4 up to 30% less). */
#ifndef KH_C
#define KH_C 0
#endif
#ifndef KW_C
#define KW_C 0
#endif
#ifndef VSTORE
#define VSTORE 0 /* 1: lanes are 8 consecutive channels at unit dst stride (f32) */
#endif
/* IN_BLOCK: the conv reads src through a space-to-depth view. Geometry is in
 * src coordinates (stride, dilation and pad scaled by the block, the grid
 * shift in the pad); channel ci of the view is src channel cmap[ci].x at
 * block offset (cmap[ci].y, cmap[ci].z), so the loop over view channels
 * needs no division. */
#ifndef IN_BLOCK
#define IN_BLOCK 0
#endif
/* CROP: the store skips positions past dst (lim), a rewrite's partial block. */
#ifndef CROP
#define CROP 0
#endif

/* Tap loops are unrolled when the kernel size is a compile-time constant. */
#if KW_C
#define UNROLL_TAPS _Pragma("unroll")
#else
#define UNROLL_TAPS
#endif

/* The TW input values of one tap: positions iw (input column of t = 0)
 * plus t * stride; checked != 0 reads positions outside the row as zero.
 * sr: the input row; xs, ts: element steps of one column and one position. */
static inline __attribute__((always_inline)) void
load_tap(float x[TW], const __global io_t *sr, int iw, long xs, long ts, int stride, int w,
         const int checked)
{
    const __global io_t *p = sr + iw * xs;
#pragma unroll
    for (int t = 0; t < TW; t++) {
        x[t] = 0.0f;
        if (!checked || (iw + t * stride >= 0 && iw + t * stride < w))
            x[t] = LOADX(p, t * ts);
    }
}

/* geo: stride h/w, pad top/left, dilation h/w, KH, KW. checked != 0 tests
 * every input position against the image (padding reads as zero). */
static inline __attribute__((always_inline)) void
accumulate(vec_t acc[TW][NVEC], const __global io_t *s, long4 ss, int2 hw, int ih0, int iw0,
           int8 geo, int cg, const __global vec_t *w, const __global int4 *cmap, const int checked)
{
    const int kh_n = KH_C ? KH_C : geo.s6, kw_n = KW_C ? KW_C : geo.s7;
    const long ts = geo.s1 * ss.s3;
    for (int ci = 0; ci < cg; ci++) {
#if IN_BLOCK
        const int4 m = cmap[ci];
        const __global io_t *sc = s + m.x * ss.s1;
        const int ihc = ih0 + m.y, iwc = iw0 + m.z;
#else
        const __global io_t *sc = s + ci * ss.s1;
        const int ihc = ih0, iwc = iw0;
#endif
        UNROLL_TAPS
        for (int kh = 0; kh < kh_n; kh++) {
            const int ih = ihc + kh * geo.s4;
            const __global vec_t *wk = w + ((ci * kh_n + kh) * kw_n) * NVEC;
            if (checked && (ih < 0 || ih >= hw.s0))
                continue;
            const __global io_t *sr = sc + ih * ss.s2;
            UNROLL_TAPS
            for (int kw = 0; kw < kw_n; kw++) {
                vec_t wv[NVEC];
                float x[TW];
#pragma unroll
                for (int k = 0; k < NVEC; k++)
                    wv[k] = wk[kw * NVEC + k];
                load_tap(x, sr, iwc + kw * geo.s5, ss.s3, ts, geo.s1, hw.s1, checked);
#pragma unroll
                for (int t = 0; t < TW; t++)
#pragma unroll
                    for (int k = 0; k < NVEC; k++)
                        acc[t][k] = fma((vec_t)(x[t]), wv[k], acc[t][k]);
            }
        }
    }
}

/* Whether lane map m at position t of a tile at (y0, x0) lies inside dst
 * (always, without CROP). */
#if CROP
#define INSIDE(m, t) ((y0) + (m).y < lim.s0 && (x0) + (t)*blk.s1 + (m).z < lim.s1)
#else
#define INSIDE(m, t) 1
#endif

/* Bias, activation and the shuffled store of TW positions x NVEC*8 lanes.
 * base: dst offset of (n, c = 0, oh * bh, ow0 * bw); blk: (bh, bw); y0, x0:
 * that position; lim: dst's height and width (CROP). */
static inline void store_tile(vec_t acc[TW][NVEC], __global io_t *d, long base, long4 ds, int2 blk,
                              int valid_t, const __global vec_t *bias, const __global vec_t *slope,
                              const __global int4 *vmap, int act, float alpha, int y0, int x0,
                              int2 lim)
{
#if VSTORE
    /* Vector k holds channels c..c+7 of one sub-pixel: one store per position. */
#pragma unroll
    for (int k = 0; k < NVEC; k++) {
        const int4 m = vmap[k * VW];
        const vec_t b = bias[k], sl = slope[k];
        if (m.x < 0)
            continue;
        const long off = base + m.x * ds.s1 + m.y * ds.s2 + m.z * ds.s3, step = blk.s1 * ds.s3;
#pragma unroll
        for (int t = 0; t < TW; t++)
            if (t < valid_t && INSIDE(m, t))
                vstore8(activate(acc[t][k] + b, act, alpha, sl), 0, d + off + t * step);
    }
#else
    float vals[TW][NVEC * VW];
#pragma unroll
    for (int k = 0; k < NVEC; k++) {
        const vec_t b = bias[k], sl = slope[k];
#pragma unroll
        for (int t = 0; t < TW; t++)
            vstore8(activate(acc[t][k] + b, act, alpha, sl), k, vals[t]);
    }
    for (int l = 0; l < NVEC * VW; l++) {
        const int4 m = vmap[l];
        if (m.x < 0)
            continue;
        const long off = base + m.x * ds.s1 + m.y * ds.s2 + m.z * ds.s3, step = blk.s1 * ds.s3;
        if (CROP ? 0 : valid_t == TW) { /* CROP checks every position */
#pragma unroll
            for (int t = 0; t < TW; t++)
                STOREX(d, off + t * step, vals[t][l]);
        } else {
            for (int t = 0; t < valid_t; t++)
                if (INSIDE(m, t))
                    STOREX(d, off + t * step, vals[t][l]);
        }
    }
#endif
}

/* Global size: (tiles of TW along Wo, rounded up to the work-group; Ho;
 * N * groups * vblocks). grp: channels per group, vblocks per group,
 * groups. hw/ohw: input and output low-res sizes. */
__kernel void conv_direct(const __global io_t *src, long src_off, long4 ss, int2 hw,
                          __global io_t *dst, long dst_off, long4 ds, int2 ohw, int2 blk, int8 geo,
                          int4 grp, const __global vec_t *wts, const __global vec_t *bias,
                          const __global vec_t *slope, const __global int4 *vmap, int act,
                          float alpha, const __global int4 *cmap, int4 inb)
{
    const int ow0 = (int)get_global_id(0) * TW, oh = (int)get_global_id(1);
    const int z = (int)get_global_id(2), nvb = grp.s1, groups = grp.s2, cg = grp.s0;
    const int vb = z % nvb, g = (z / nvb) % groups, n = z / (nvb * groups);
    if (ow0 >= ohw.s1)
        return;
    const int ih0 = oh * geo.s0 - geo.s2, iw0 = ow0 * geo.s1 - geo.s3;
    /* inb: the largest block offsets (in-block size - 1), dst's size (CROP). */
    const int interior = ih0 >= 0 && ih0 + (geo.s6 - 1) * geo.s4 + inb.s0 < hw.s0 && iw0 >= 0 &&
                         iw0 + (TW - 1) * geo.s1 + (geo.s7 - 1) * geo.s5 + inb.s1 < hw.s1 &&
                         ow0 + TW <= ohw.s1;
#if IN_BLOCK
    const __global io_t *s = src + src_off + n * ss.s0; /* cmap holds absolute channels */
    const __global int4 *cm = cmap + g * cg;
#else
    const __global io_t *s = src + src_off + n * ss.s0 + (long)g * cg * ss.s1;
    const __global int4 *cm = cmap;
#endif
    const long pk = (long)g * nvb + vb; /* packed vblock index */
    const __global vec_t *w = wts + pk * cg * geo.s6 * geo.s7 * NVEC;
    vec_t acc[TW][NVEC];
#pragma unroll
    for (int t = 0; t < TW; t++)
#pragma unroll
        for (int k = 0; k < NVEC; k++)
            acc[t][k] = (vec_t)(0.0f);
    if (interior)
        accumulate(acc, s, ss, hw, ih0, iw0, geo, cg, w, cm, 0);
    else
        accumulate(acc, s, ss, hw, ih0, iw0, geo, cg, w, cm, 1);
    store_tile(acc, dst,
               dst_off + n * ds.s0 + (long)oh * blk.s0 * ds.s2 + (long)ow0 * blk.s1 * ds.s3, ds,
               blk, min(TW, ohw.s1 - ow0), bias + pk * NVEC, slope + pk * NVEC,
               vmap + pk * NVEC * VW, act, alpha, oh * blk.s0, ow0 * blk.s1, inb.hi);
}
