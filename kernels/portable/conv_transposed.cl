/* Transposed convolution as a sub-pixel convolution, direct: no zero
 * insertion, no col2im, no intermediate tensor.
 *
 * Per axis, output index o = s * q + phase; tap k feeds phase psi iff
 * (psi + pad - d * k) mod s == 0, reading src at q + u with u = (psi + pad -
 * d * k) / s. The host lists each phase's taps (their u, sorted) and packs
 * the weights of each phase apart, so a work-item runs only the taps of its
 * own phase: phases of one conv may have different tap counts.
 *
 * A work-item computes TW consecutive positions q of one output row of one
 * phase (ph, pw) for NVEC * 8 output channels of one group (a "vblock"),
 * held as float8 accumulators: each input value loaded is broadcast across
 * the 8 lanes and reused by the NVEC vectors, each weight vector by the TW
 * positions. The stride-1 sub-pixel conv reads TW consecutive src columns
 * per tap. Weights are packed as [group][vblock][phase][ci][th][tw][NVEC]
 * float8 (zero lanes past the group's channels). Every output element is
 * written once, by the work-item of its phase.
 *
 * tab (ints): for each phase of the H axis then of the W axis an int4
 * (taps, index of its first u in tab, u_min, u_max); then per 2-D phase
 * (ph * s_w + pw) the number of taps of the phases before it; then the u
 * lists. Shapes and strides are arguments; NVEC, TW, CONV_F16 (half
 * storage, float arithmetic), VSTORE (whole-vector stores along unit-stride
 * channels) and SPEC (compile-time tap counts) are compile-time variants.
 */
#ifndef NVEC
#define NVEC 2
#endif
#ifndef TW
#define TW 4
#endif
#ifndef VSTORE
#define VSTORE 0
#endif
/* POSV = 1: for groups of at most 4 output channels, float8 lanes are 8
 * consecutive positions q (the sub-pixel conv has stride 1, so a tap reads
 * 8 consecutive src columns) and a work-item computes TV such vectors for
 * all CO channels of its group; weights are packed [group][phase][ci][th]
 * [tw][CO] floats and bias / slopes [group][CO]. */
#ifndef POSV
#define POSV 0
#endif
#if POSV
#undef TW
#define TW (8 * TV)
#define W_T float
#define ACC_ARG(name) vec_t name[CO][TV]
#else
#define W_T vec_t
#define ACC_ARG(name) vec_t name[TW][NVEC]
#endif
/* SPEC = 1: the phases' tap counts are compile-time constants. An axis's
 * phases have 0, LO or HI taps (the floor and ceiling of K over the number
 * of phases a tap residue reaches), so four unrolled bodies serve every
 * phase; SPEC = 0 loops over the runtime counts. */
#ifndef SPEC
#define SPEC 0
#endif
#if SPEC
/* The phase's src offsets live in private arrays; the tap loops unroll. */
#define U_ARG(name) const int name[TH_HI > TW_HI ? TH_HI : TW_HI]
#define UNROLL_TAPS _Pragma("unroll")
#else
/* The phase's src offsets are read from the table. */
#define U_ARG(name) const __global int *name
#define UNROLL_TAPS
#endif

#if !POSV
/* The phase's taps over every input channel. sr0: src of (n, first channel
 * of the group); uh / uw: the phase's src offsets; nth / ntw: its taps.
 * checked != 0 reads positions outside the image as zero. */
static inline __attribute__((always_inline)) void
accumulate(vec_t acc[TW][NVEC], const __global io_t *s, long4 ss, int2 hw, int qh, int q0,
           U_ARG(uh), const int nth, U_ARG(uw), const int ntw, int cg,
           const __global vec_t *w, const int checked)
{
    const int taps = nth * ntw;
    for (int ci = 0; ci < cg; ci++) {
        const __global io_t *sc = s + ci * ss.s1;
        const __global vec_t *wc = w + ci * taps * NVEC;
        UNROLL_TAPS
        for (int th = 0; th < nth; th++) {
            const int ih = qh + uh[th];
            if (checked && (ih < 0 || ih >= hw.s0))
                continue;
            const __global io_t *sr = sc + ih * ss.s2;
            UNROLL_TAPS
            for (int tw = 0; tw < ntw; tw++) {
                const int iw = q0 + uw[tw];
                vec_t wv[NVEC];
                float x[TW];
#pragma unroll
                for (int k = 0; k < NVEC; k++)
                    wv[k] = wc[(th * ntw + tw) * NVEC + k];
#pragma unroll
                for (int t = 0; t < TW; t++) {
                    x[t] = 0.0f;
                    if (!checked || (iw + t >= 0 && iw + t < hw.s1))
                        x[t] = LOADX(sr, (iw + t) * ss.s3);
                }
#pragma unroll
                for (int t = 0; t < TW; t++)
#pragma unroll
                    for (int k = 0; k < NVEC; k++)
                        acc[t][k] = fma((vec_t)(x[t]), wv[k], acc[t][k]);
            }
        }
    }
}

/* Bias, activation and the store of valid_t positions x NVEC * 8 lanes.
 * base: dst offset of (n, first channel of the vblock, oh, pw); step: dst
 * distance between two positions q; lanes: channels of the vblock left. */
static inline void store_tile(vec_t acc[TW][NVEC], __global io_t *d, long base, long cs, long step,
                              int valid_t, int lanes, const __global vec_t *bias,
                              const __global vec_t *slope, int act, float alpha)
{
#pragma unroll
    for (int k = 0; k < NVEC; k++) {
        const vec_t b = bias[k], sl = slope[k];
        if (k * VW >= lanes)
            break;
#if VSTORE
        /* Lanes are 8 consecutive channels at unit stride, all inside the group. */
        for (int t = 0; t < valid_t; t++)
            STORE8(d + base + k * VW + t * step, activate(acc[t][k] + b, act, alpha, sl));
#else
        float vals[TW][VW];
        for (int t = 0; t < TW; t++)
            vstore8(activate(acc[t][k] + b, act, alpha, sl), 0, vals[t]);
        const int nl = min(VW, lanes - k * VW);
        for (int l = 0; l < nl; l++) {
            const long off = base + (long)(k * VW + l) * cs;
            for (int t = 0; t < valid_t; t++)
                STOREX(d, off + t * step, vals[t][l]);
        }
#endif
    }
}

#else
/* The phase's taps over every input channel, 8 positions per vector. */
static inline __attribute__((always_inline)) void
accumulate(ACC_ARG(acc), const __global io_t *s, long4 ss, int2 hw, int qh, int q0, U_ARG(uh),
           const int nth, U_ARG(uw), const int ntw, int cg, const __global float *w,
           const int checked)
{
    const int taps = nth * ntw;
    for (int ci = 0; ci < cg; ci++) {
        const __global io_t *sc = s + ci * ss.s1;
        const __global float *wc = w + ci * taps * CO;
        UNROLL_TAPS
        for (int th = 0; th < nth; th++) {
            const int ih = qh + uh[th];
            if (checked && (ih < 0 || ih >= hw.s0))
                continue;
            const __global io_t *sr = sc + ih * ss.s2;
            UNROLL_TAPS
            for (int tw = 0; tw < ntw; tw++) {
                const int iw = q0 + uw[tw];
                vec_t x[TV];
                float wv[CO];
#pragma unroll
                for (int v = 0; v < TV; v++) {
                    const int i0 = iw + v * VW;
                    if (ss.s3 == 1 && (!checked || (i0 >= 0 && i0 + VW <= hw.s1))) {
                        x[v] = LOAD8(sr + i0); /* 8 consecutive columns inside the row */
                    } else {
                        float xs[VW];
#pragma unroll
                        for (int l = 0; l < VW; l++) {
                            xs[l] = 0.0f;
                            if (!checked || (i0 + l >= 0 && i0 + l < hw.s1))
                                xs[l] = LOADX(sr, (i0 + l) * ss.s3);
                        }
                        x[v] = vload8(0, xs);
                    }
                }
#pragma unroll
                for (int c = 0; c < CO; c++)
                    wv[c] = wc[(th * ntw + tw) * CO + c];
#pragma unroll
                for (int c = 0; c < CO; c++)
#pragma unroll
                    for (int v = 0; v < TV; v++)
                        acc[c][v] = fma(x[v], (vec_t)(wv[c]), acc[c][v]);
            }
        }
    }
}

/* Bias, activation and the store of valid_t positions of CO channels. */
static inline void store_tile(ACC_ARG(acc), __global io_t *d, long base, long cs, long step,
                              int valid_t, int lanes, const __global float *bias,
                              const __global float *slope, int act, float alpha)
{
#pragma unroll
    for (int c = 0; c < CO; c++) {
        const float b = bias[c];
        const vec_t sl = (vec_t)(slope[c]);
#pragma unroll
        for (int v = 0; v < TV; v++) {
            float vals[VW];
            vstore8(activate(acc[c][v] + b, act, alpha, sl), 0, vals);
            for (int l = 0; l < VW && v * VW + l < valid_t; l++)
                STOREX(d, base + c * cs + (v * VW + l) * step, vals[l]);
        }
    }
    (void)lanes;
}
#endif

/* Work-groups along dim 0 hold all s_w column phases of the same m tiles
 * of TW positions (local size m * s_w; local id / m = the phase pw), so one
 * work-group writes whole dst rows segments, phases next to each other, and
 * work-items of one phase stay contiguous. Global size: (the tiles of the
 * widest phase, rounded up to m, times s_w; the tallest phase's Hq; N *
 * groups * vblocks * s_h). ohw: the output size; strd: (s_h, s_w); grp:
 * (input channels per group, vblocks per group, groups, output channels per
 * group). */
__kernel void conv_transposed(const __global io_t *src, long src_off, long4 ss, int2 hw,
                              __global io_t *dst, long dst_off, long4 ds, int2 ohw, int2 strd,
                              int4 grp, const __global int *tab, const __global W_T *wts,
                              const __global W_T *bias, const __global W_T *slope, int act,
                              float alpha)
{
    const int m = (int)get_local_size(0) / strd.s1, xl = (int)get_local_id(0);
    const int pw = xl / m, q0 = ((int)get_group_id(0) * m + xl % m) * TW;
    const int qh = (int)get_global_id(1);
    const int nph = strd.s0 * strd.s1, nvb = grp.s1, groups = grp.s2, cg = grp.s0, cog = grp.s3;
    const int z = (int)get_global_id(2), ph = z % strd.s0, zz = z / strd.s0;
    const int vb = zz % nvb, g = (zz / nvb) % groups, n = zz / (nvb * groups);
    const int phase = ph * strd.s1 + pw;
    const int oh = qh * strd.s0 + ph;
    /* Positions q of this phase along W: ceil((Wo - pw) / s_w). */
    const int wq = (ohw.s1 - pw + strd.s1 - 1) / strd.s1;
    if (oh >= ohw.s0 || q0 >= wq)
        return;
    const int4 eh = vload4(ph, tab), ew = vload4(strd.s0 + pw, tab);
#if SPEC
    int uh[TH_HI > TW_HI ? TH_HI : TW_HI], uw[TH_HI > TW_HI ? TH_HI : TW_HI];
#pragma unroll
    for (int t = 0; t < TH_HI; t++)
        uh[t] = t < eh.x ? tab[eh.y + t] : 0;
#pragma unroll
    for (int t = 0; t < TW_HI; t++)
        uw[t] = t < ew.x ? tab[ew.y + t] : 0;
#else
    const __global int *uh = tab + eh.y, *uw = tab + ew.y;
#endif
    const int before = tab[4 * (strd.s0 + strd.s1) + phase];
    const int interior = qh + eh.z >= 0 && qh + eh.w < hw.s0 && q0 + ew.z >= 0 &&
                         q0 + TW - 1 + ew.w < hw.s1 && q0 + TW <= wq;
    const __global io_t *s = src + src_off + n * ss.s0 + (long)g * cg * ss.s1;
    const long pk = (long)g * nvb + vb; /* packed vblock index */
    const int ktot = tab[4 * (strd.s0 + strd.s1) + nph]; /* KH * KW */
#if POSV
    const __global float *w = wts + (pk * ktot + before) * cg * CO;
    vec_t acc[CO][TV];
#pragma unroll
    for (int c = 0; c < CO; c++)
#pragma unroll
        for (int v = 0; v < TV; v++)
            acc[c][v] = (vec_t)(0.0f);
#define WPER CO
#else
    const __global vec_t *w = wts + (pk * ktot + before) * cg * NVEC;
    vec_t acc[TW][NVEC];
#pragma unroll
    for (int t = 0; t < TW; t++)
#pragma unroll
        for (int k = 0; k < NVEC; k++)
            acc[t][k] = (vec_t)(0.0f);
#define WPER NVEC
#endif
#define ACCUMULATE(nth, ntw)                                                     \
    do {                                                                         \
        if (interior)                                                            \
            accumulate(acc, s, ss, hw, qh, q0, uh, nth, uw, ntw, cg, w, 0);      \
        else                                                                     \
            accumulate(acc, s, ss, hw, qh, q0, uh, nth, uw, ntw, cg, w, 1);      \
    } while (0)
#if SPEC
    if (eh.x == TH_HI && ew.x == TW_HI)
        ACCUMULATE(TH_HI, TW_HI);
    else if (eh.x == TH_HI && ew.x == TW_LO)
        ACCUMULATE(TH_HI, TW_LO);
    else if (eh.x == TH_LO && ew.x == TW_HI)
        ACCUMULATE(TH_LO, TW_HI);
    else if (eh.x == TH_LO && ew.x == TW_LO)
        ACCUMULATE(TH_LO, TW_LO);
    /* else a phase without taps: bias only */
#else
    ACCUMULATE(eh.x, ew.x);
#endif
    const int c0 = vb * NVEC * VW;
    store_tile(acc, dst,
               dst_off + n * ds.s0 + (long)(g * cog + c0) * ds.s1 + (long)oh * ds.s2 +
                   (long)pw * ds.s3 + (long)q0 * strd.s1 * ds.s3,
               ds.s1, strd.s1 * ds.s3, min(TW, wq - q0), cog - c0, bias + pk * WPER,
               slope + pk * WPER, act, alpha);
}
