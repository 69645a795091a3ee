/* Space-to-depth rewrites of a conv: the AUTO rule and the weight transforms.
 *
 * Per axis, a conv with stride s, kernel K, dilation d and leading pad p whose
 * output o = ob * q + psi (psi < ob, the output block) reads src x =
 * o * s - p + k * d. The rewritten conv reads the space-to-depth(ib) grid of
 * src shifted by a (x + a = ib * u + i, i < ib) with stride 1, where ib =
 * ob * s: a stride-s conv takes ob = 1, ib = s; a stride-1 conv ob = ib = b.
 * Then u = q + m with m * ib + i = e = psi * s + k * d + a - p, so tap
 * (psi, k) lands on the rewritten tap t = m - m_min of in-block channel i,
 * with m_min = floor((a - p) / ib), K' = m_max - m_min + 1 taps and a
 * leading pad of -m_min on the grid. Every (psi, k) lands on its own
 * (t, i); the slots no tap lands on hold zeros. a is the grid shift in
 * [0, ib) with the fewest taps (0 on a tie).
 */
#include <stdlib.h>
#include <string.h>

#include "conv_plan.h"

static _Thread_local int force_grid0;

void cls__conv_rewrite_force_grid0(int on)
{
    force_grid0 = on;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* One axis of a rewrite: the original conv, the blocks, and the fit (64-bit:
 * kernel * dilation may exceed an int; the weight check bounds taps later). */
typedef struct axis {
    int k, d, p, pb, s, ob, ib; /* in: kernel, dilation, pads, stride, out / in block */
    int a;                      /* out: grid shift */
    int64_t kk, lead, tail;     /* out: taps, grid pads */
} axis;

static void fit_axis(axis *x, int grid0)
{
    int64_t best = -1, span = (int64_t)(x->ob - 1) * x->s + (int64_t)(x->k - 1) * x->d;
    for (int a = 0; a < (grid0 ? 1 : x->ib); a++) {
        int64_t lo = floor_div((int64_t)a - x->p, x->ib);
        int64_t hi = floor_div(span + a - x->p, x->ib);
        if (best < 0 || hi - lo + 1 < best)
            best = hi - lo + 1, x->a = a, x->lead = -lo;
    }
    x->kk = best;
    {
        /* The trailing pad a src of n = ib * blocks needs (clamped at 0). */
        int64_t n = (int64_t)x->ib * (span + x->p + x->pb + 4), out = 0, q, grid;
        if (cls__conv_out_size(n, x->p, x->pb, x->d, x->k, x->s, &out))
            out = 0;
        q = (out + x->ob - 1) / x->ob;
        grid = (n + x->a + x->ib - 1) / x->ib;
        x->tail = q - 1 + x->kk - x->lead - grid;
        x->tail = x->tail < 0 ? 0 : x->tail > INT32_MAX ? INT32_MAX : x->tail;
    }
}

/* Where tap k of output phase psi lands: rewritten tap *t, block offset *i. */
static void land(const axis *x, int psi, int k, int *t, int *i)
{
    int64_t e = (int64_t)psi * x->s + (int64_t)k * x->d + x->a - x->p, m = floor_div(e, x->ib);
    *t = (int)(m + x->lead);
    *i = (int)(e - m * x->ib);
}

/* CLS_OK when the rewrite applies to u; else why not (CLS_ERR_UNSUPPORTED). */
static cls_status applies(const cls_conv_desc *u, cls_conv_path path)
{
    const char *why = u->transposed                            ? "a transposed conv"
                      : u->in_block_h > 1 || u->in_block_w > 1 ? "a conv with an in_block"
                      : u->block_h > 1 || u->block_w > 1       ? "a conv with an output block"
                      : path == CLS_CONV_PATH_GEMM             ? "the GEMM path"
                      : u->stride_h > 16 || u->stride_w > 16   ? "strides beyond 16"
                                                               : NULL;
    if (why)
        return cls__fail(CLS_ERR_UNSUPPORTED,
                         "desc: the space-to-depth rewrite is not available for %s (it rewrites "
                         "plain convs on the direct path)",
                         why);
    return CLS_OK;
}

/* The rewrite's axes: the stride as the block for strided convs, else b. */
static void make_axes(const cls_conv_desc *u, axis *h, axis *w)
{
    int strided = u->stride_h > 1 || u->stride_w > 1;
    int bh = u->rewrite_block_h, bw = u->rewrite_block_w;
    if (!bh && !bw)
        bh = u->kernel_h == 1 && u->pad_top == 0 && u->pad_bottom == 0 ? 1 : 2, bw = 2;
    bh = bh ? bh : 1, bw = bw ? bw : 1;
    *h = (axis){u->kernel_h,
                u->dilation_h,
                u->pad_top,
                u->pad_bottom,
                u->stride_h,
                strided ? 1 : bh,
                strided ? u->stride_h : bh,
                0,
                0,
                0,
                0};
    *w = (axis){u->kernel_w,
                u->dilation_w,
                u->pad_left,
                u->pad_right,
                u->stride_w,
                strided ? 1 : bw,
                strided ? u->stride_w : bw,
                0,
                0,
                0,
                0};
    fit_axis(h, force_grid0);
    fit_axis(w, force_grid0);
}

/* AUTO's rule, measured on PoCL 3.1 (CPU, the direct kernel; both tiers run
 * the same portable conv kernel for these shapes), the figures in
 * docs/tuning.md ("Space-to-depth rewrites"). The kernel's vectors run along
 * output channels (8 lanes), so the rewrite pays where it fills lanes the
 * original wastes and costs where it adds zero taps:
 *  - stride 1 (block 2x2): Cout <= 8 with kernels of 3x3 to 7x7 (3x3 4->4
 *    0.52x the time, 8->6 0.50x, 5x5 4->4 0.59x, 3x3 8->8 0.91-0.99x); 16
 *    outputs and more lose (3x3 16->16 1.44x, 32->32 1.73x), so do 1x1 and
 *    2x2 kernels (2.3-3.8x: no taps to merge).
 *  - strided: only without zero taps (the rewritten kernel times the stride
 *    equals the kernel, dilation 1), kernels up to 8, and few channels, Cin <= 4,
 *    Cout <= 16
 *    (4x4/2 pad 1 3->16 0.78x, 4x4/4 3->16 0.88x, 2x2/2 3->16 0.97x); the
 *    ResNet stem 7x7/2 (23% zero taps) 1.26x, 3x3/2 1.29-1.62x, 4x4/4
 *    3->64 1.04x, 2x2/2 16->32 1.13x keep their desc.
 * GPUs run the same portable kernel and take the same rule until measured. */
static int rewrite_wins(const cls_context *ctx, const cls_conv_desc *u)
{
    axis h, w;
    (void)ctx;
    if (u->groups != 1 || u->dilation_h != 1 || u->dilation_w != 1)
        return 0;
    if (u->stride_h == 1 && u->stride_w == 1)
        return u->out_channels <= 8 && u->kernel_h >= 3 && u->kernel_w >= 3 && u->kernel_h <= 7 &&
               u->kernel_w <= 7 && !u->rewrite_block_h && !u->rewrite_block_w;
    make_axes(u, &h, &w);
    return h.kk * h.ib == h.k && w.kk * w.ib == w.k && h.k <= 8 && w.k <= 8 &&
           u->in_channels <= 4 && u->out_channels <= 16;
}

/* Transformed weights [V'][Cin'/groups][K'h][K'w] and bias V' of the rewrite. */
static cls_status transform(cls_conv_plan *p, const axis *h, const axis *w)
{
    const cls_conv_desc *u = &p->user, *d = &p->desc;
    int cg = u->in_channels / u->groups, ibb = h->ib * w->ib, obb = h->ob * w->ob;
    int vall = d->out_channels * obb, cgr = cg * ibb, kk = h->kk * w->kk;
    size_t n = (size_t)vall * cgr * kk;
    p->weights = calloc(n ? n : 1, sizeof(float));
    p->bias = p->ubias ? malloc((size_t)vall * sizeof(float)) : NULL;
    if (!p->weights || (p->ubias && !p->bias))
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "cls_conv_plan_create: out of host memory");
    for (int co = 0; co < u->out_channels; co++)
        for (int ph = 0; ph < h->ob; ph++)
            for (int pw = 0; pw < w->ob; pw++) {
                int v = (int)cls__chan_index(CLS_CRD, co, ph, pw, u->out_channels, h->ob, w->ob);
                if (p->bias)
                    p->bias[v] = p->ubias[co];
                for (int ci = 0; ci < cg; ci++)
                    for (int kh = 0; kh < u->kernel_h; kh++)
                        for (int kw = 0; kw < u->kernel_w; kw++) {
                            int th, ih, tw, iw;
                            int64_t c;
                            land(h, ph, kh, &th, &ih);
                            land(w, pw, kw, &tw, &iw);
                            c = cls__chan_index(CLS_CRD, ci, ih, iw, cg, h->ib, w->ib);
                            p->weights[(((size_t)v * cgr + (size_t)c) * h->kk + th) * w->kk + tw] =
                                p->uweights[(((size_t)co * cg + ci) * u->kernel_h + kh) *
                                                u->kernel_w +
                                            kw];
                        }
            }
    return CLS_OK;
}

cls_status cls__conv_rewrite_init(cls_conv_plan *p)
{
    const cls_conv_desc *u = &p->user;
    cls_conv_desc *d = &p->desc;
    axis h, w;
    cls_status st;
    *d = *u;
    p->weights = p->uweights, p->bias = p->ubias;
    p->grid_h = p->grid_w = 0, p->ratio_h = p->ratio_w = 1;
    p->rewrite = CLS_CONV_REWRITE_NONE;
    if (u->rewrite == CLS_CONV_REWRITE_NONE)
        return CLS_OK;
    st = applies(u, u->path);
    if (u->rewrite == CLS_CONV_REWRITE_AUTO) {
        cls__clear_error();
        if (st != CLS_OK || !rewrite_wins(p->ctx, u))
            return CLS_OK;
    } else if (st != CLS_OK) {
        return st;
    }
    make_axes(u, &h, &w);
    {
        /* The transformed weights must fit one device allocation. */
        int64_t vall = (int64_t)u->out_channels * h.ob * w.ob;
        int64_t cin = (int64_t)u->in_channels * h.ib * w.ib / u->groups, n = 0;
        if (cls__mul3_i64(vall, cin, h.kk, &n) ||
            cls__mul3_i64(n, w.kk, (int64_t)sizeof(float), &n) ||
            (uint64_t)n > p->ctx->info.max_alloc_size) {
            if (u->rewrite == CLS_CONV_REWRITE_AUTO)
                return CLS_OK;
            return cls__fail(CLS_ERR_INVALID_ARG,
                             "desc: the space-to-depth rewrite's weights (%lld x %lld taps on "
                             "%lld x %lld channels) exceed the device's largest allocation",
                             (long long)h.kk, (long long)w.kk, (long long)vall, (long long)cin);
        }
    }
    d->kernel_h = (int)h.kk, d->kernel_w = (int)w.kk;
    d->stride_h = d->stride_w = d->dilation_h = d->dilation_w = 1;
    d->pad_top = (int)h.lead, d->pad_bottom = (int)h.tail;
    d->pad_left = (int)w.lead, d->pad_right = (int)w.tail;
    d->block_h = h.ob, d->block_w = w.ob, d->mode = CLS_CRD;
    d->in_block_h = h.ib, d->in_block_w = w.ib, d->in_mode = CLS_CRD;
    d->rewrite = CLS_CONV_REWRITE_NONE;
    d->rewrite_block_h = d->rewrite_block_w = 0;
    p->grid_h = h.a, p->grid_w = w.a, p->ratio_h = h.ob, p->ratio_w = w.ob;
    p->rewrite = CLS_CONV_REWRITE_SPACE_TO_DEPTH;
    return transform(p, &h, &w);
}
