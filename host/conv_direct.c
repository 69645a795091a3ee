/* Fused conv, direct path: weight packing and the conv_direct kernel. */
#include <stdlib.h>
#include <string.h>

#include "conv_plan.h"
#include "tuning/cpu.h"
#include "tuning/portable.h"

#define VW 8

/* Register blocking: NVEC float8 vectors of virtual channels times TW
 * positions, about 8 accumulators. Measured on PoCL (AVX2, 16 vector
 * registers): 12 accumulators (2x6) ran at half the speed of 8 (2x4), and
 * among NVEC 2..4 for wide layers the one wasting fewest lanes wins. */
static void choose_blocking(cls_conv_plan *p)
{
    static const int tw_for[5] = {0, 8, 4, 3, 2};
    int need = (p->vg + VW - 1) / VW, best = 1, best_waste = INT32_MAX;
    if (need <= 4) {
        best = need;
    } else {
        for (int nv = 4; nv >= 2; nv--) {
            int waste = (need + nv - 1) / nv * nv - need;
            if (waste < best_waste)
                best_waste = waste, best = nv;
        }
    }
    p->nvec = best;
    p->tw = tw_for[best];
    p->nvb = (need + best - 1) / best;
    p->local = p->ctx->profile.tier == CLS_TIER_CPU
                   ? CLS_CPU_CONV_LOCAL
                   : cls__portable_wg(&p->ctx->profile, CLS_PORTABLE_CONV_LOCAL);
}

typedef struct packed {
    float *wts, *bias, *slope;
    cl_int *vmap;
} packed;

/* Pack lane l of packed vblock pk (group g, vblock vb). */
static void pack_lane(const cls_conv_plan *p, packed *pk_out, int g, int vb, int k, int l)
{
    const cls_conv_desc *d = &p->desc;
    int pk = g * p->nvb + vb, lane = (vb * p->nvec + k) * VW + l, kk = d->kernel_h * d->kernel_w;
    size_t li = ((size_t)pk * p->nvec + k) * VW + l;
    int v = g * p->vg + lane, c = -1, i = 0, j = 0;
    if (lane < p->vg && p->lanes_cl) { /* lanes in DCR order: (i * bw + j) * Cout + c */
        cls__chan_split(CLS_DCR, lane, d->out_channels, d->block_h, d->block_w, &c, &i, &j);
        v = (int)cls__chan_index(d->mode, c, i, j, d->out_channels, d->block_h, d->block_w);
    } else if (lane < p->vg) {
        cls__conv_unshuffle(d, v, &c, &i, &j);
    }
    pk_out->bias[li] = c >= 0 && p->bias ? p->bias[v] : 0.0f;
    pk_out->slope[li] = c >= 0 && p->prelu ? p->prelu[c] : 0.0f;
    pk_out->vmap[4 * li] = c, pk_out->vmap[4 * li + 1] = i;
    pk_out->vmap[4 * li + 2] = j, pk_out->vmap[4 * li + 3] = 0;
    for (int ci = 0; ci < p->cg; ci++)
        for (int t = 0; t < kk; t++) {
            size_t dst = ((((size_t)pk * p->cg + ci) * kk + t) * p->nvec + k) * VW + l;
            pk_out->wts[dst] = c >= 0 ? p->weights[((size_t)v * p->cg + ci) * kk + t] : 0.0f;
        }
}

static cls_status upload(cls_conv_plan *p, const packed *h, size_t lanes, size_t nw)
{
    cls_status st = cls__conv_buffer(p->ctx, h->wts, nw * sizeof(float), &p->d_wts);
    if (st == CLS_OK)
        st = cls__conv_buffer(p->ctx, h->bias, lanes * sizeof(float), &p->d_bias);
    if (st == CLS_OK)
        st = cls__conv_buffer(p->ctx, h->slope, lanes * sizeof(float), &p->d_slope);
    if (st == CLS_OK)
        st = cls__conv_buffer(p->ctx, h->vmap, lanes * 4 * sizeof(cl_int), &p->d_vmap);
    return st;
}

/* Whether the plan reads through an input block (its own or a rewrite's). */
static int in_block(const cls_conv_plan *p)
{
    return p->desc.in_block_h > 1 || p->desc.in_block_w > 1;
}

/* The direct kernel; vstore: the variant storing whole vectors of 8
 * consecutive channels (lanes_cl plans, dst channel stride 1); crop: the
 * variant whose store skips positions past dst (a rewrite's partial block). */
static _Thread_local int force_taps = -1;

void cls__conv_direct_force_taps(int taps)
{
    force_taps = taps;
}

static cls_status get_kernel(cls_conv_plan *p, int vstore, int crop, cl_kernel *k)
{
    const cls_conv_desc *d = &p->desc;
    char opts[160];
    /* Compile-time (unrolled) tap counts up to 5 x 5. */
    int small = d->kernel_h <= 5 && d->kernel_w <= 5 && force_taps != 0;
    snprintf(opts, sizeof opts,
             "-DNVEC=%d -DTW=%d -DCONV_F16=%d -DKH_C=%d -DKW_C=%d -DVSTORE=%d -DIN_BLOCK=%d "
             "-DCROP=%d",
             p->nvec, p->tw, d->dtype == CLS_F16, small ? d->kernel_h : 0, small ? d->kernel_w : 0,
             vstore, in_block(p), crop);
    return cls__kernel_get(p->ctx, "portable/conv", opts, "conv_direct", k);
}

/* In-block plans: per s2d input channel, the src channel and block offset
 * (c, i, j) in the desc's in_mode order. */
static cls_status upload_cmap(cls_conv_plan *p)
{
    const cls_conv_desc *d = &p->desc;
    size_t n = (size_t)d->in_channels * d->in_block_h * d->in_block_w;
    cl_int *m = malloc(n * 4 * sizeof(cl_int));
    cls_status st;
    if (!m)
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "cls_conv_plan_create: out of host memory");
    for (size_t q = 0; q < n; q++) {
        int c, i, j;
        cls__chan_split(d->in_mode, (int64_t)q, d->in_channels, d->in_block_h, d->in_block_w, &c,
                        &i, &j);
        m[4 * q] = c, m[4 * q + 1] = i, m[4 * q + 2] = j, m[4 * q + 3] = 0;
    }
    st = cls__conv_buffer(p->ctx, m, n * 4 * sizeof(cl_int), &p->d_cmap);
    free(m);
    return st;
}

int cls__conv_direct_vstore_fits(const cls_conv_plan *p, const cls__conv_shape *s)
{
    return p->lanes_cl && s->ds[1] == 1;
}

/* In-block plans index src with stride, pad and dilation times the block
 * (plus the grid shift): those must stay far inside the kernel's int. */
static cls_status check_geometry(const cls_conv_plan *p)
{
    const cls_conv_desc *d = &p->desc;
    const int64_t lim = INT32_MAX / 4;
    int64_t v[6] = {(int64_t)d->stride_h * d->in_block_h,
                    (int64_t)d->stride_w * d->in_block_w,
                    (int64_t)d->pad_top * d->in_block_h + p->grid_h,
                    (int64_t)d->pad_left * d->in_block_w + p->grid_w,
                    (int64_t)d->dilation_h * d->in_block_h * d->kernel_h,
                    (int64_t)d->dilation_w * d->in_block_w * d->kernel_w};
    for (int k = 0; k < 6; k++)
        if (v[k] > lim)
            return cls__fail(CLS_ERR_INVALID_ARG,
                             "desc: stride, padding or dilation * kernel times the in_block "
                             "(%dx%d) exceed %lld source pixels",
                             d->in_block_h, d->in_block_w, (long long)lim);
    return CLS_OK;
}

cls_status cls__conv_direct_init(cls_conv_plan *p)
{
    const cls_conv_desc *d = &p->desc;
    packed h = {0};
    size_t lanes, nw;
    cls_status st;
    if (in_block(p) && (st = check_geometry(p)) != CLS_OK)
        return st;
    choose_blocking(p);
    p->lanes_cl = d->groups == 1 && d->out_channels % VW == 0 && d->dtype == CLS_F32;
    lanes = (size_t)d->groups * p->nvb * p->nvec * VW;
    nw = lanes * p->cg * d->kernel_h * d->kernel_w;
    h.wts = malloc(nw * sizeof(float));
    h.bias = malloc(lanes * sizeof(float));
    h.slope = malloc(lanes * sizeof(float));
    h.vmap = malloc(lanes * 4 * sizeof(cl_int));
    if (!h.wts || !h.bias || !h.slope || !h.vmap) {
        st = cls__fail(CLS_ERR_OUT_OF_MEMORY, "cls_conv_plan_create: out of host memory");
        goto done;
    }
    for (int g = 0; g < d->groups; g++)
        for (int vb = 0; vb < p->nvb; vb++)
            for (int k = 0; k < p->nvec; k++)
                for (int l = 0; l < VW; l++)
                    pack_lane(p, &h, g, vb, k, l);
    st = upload(p, &h, lanes, nw);
    if (st == CLS_OK && in_block(p))
        st = upload_cmap(p);
    if (st != CLS_OK)
        goto done;
    st = get_kernel(p, 0, 0, &p->direct);
done:
    free(h.wts);
    free(h.bias);
    free(h.slope);
    free(h.vmap);
    return st;
}

static void set_args(cls_conv_plan *p, cls__args *a, const cls_tensor *src, const cls_tensor *dst,
                     const cls__conv_shape *s)
{
    const cls_conv_desc *d = &p->desc;
    cl_int2 ohw = {{(cl_int)s->ho, (cl_int)s->wo}};
    cl_int2 blk = {{d->block_h, d->block_w}};
    /* In src coordinates: the s2d grid's row u is src row u * ibh - grid_h
     * (plus the channel's block offset i, from the cmap). */
    const int ibh = d->in_block_h, ibw = d->in_block_w;
    cl_int8 geo = {{d->stride_h * ibh, d->stride_w * ibw, d->pad_top * ibh + p->grid_h,
                    d->pad_left * ibw + p->grid_w, d->dilation_h * ibh, d->dilation_w * ibw,
                    d->kernel_h, d->kernel_w}};
    cl_int4 inb = {{ibh - 1, ibw - 1, (cl_int)s->lim_h, (cl_int)s->lim_w}};
    cl_mem cmap = p->d_cmap ? p->d_cmap : p->d_vmap; /* unread without an in-block */
    cl_int4 grp = {{p->cg, p->nvb, d->groups, 0}};
    cl_int act = (cl_int)d->activation;
    cl_float alpha = d->act_alpha;
    cls__conv_set_io_args(a, src, dst, s);
    cls__arg(a, sizeof ohw, &ohw);
    cls__arg(a, sizeof blk, &blk);
    cls__arg(a, sizeof geo, &geo);
    cls__arg(a, sizeof grp, &grp);
    cls__arg(a, sizeof(cl_mem), &p->d_wts);
    cls__arg(a, sizeof(cl_mem), &p->d_bias);
    cls__arg(a, sizeof(cl_mem), &p->d_slope);
    cls__arg(a, sizeof(cl_mem), &p->d_vmap);
    cls__arg(a, sizeof act, &act);
    cls__arg(a, sizeof alpha, &alpha);
    cls__arg(a, sizeof(cl_mem), &cmap);
    cls__arg(a, sizeof inb, &inb);
}

cls_status cls__conv_direct_enqueue(cls_conv_plan *p, const cls_tensor *src, const cls_tensor *dst,
                                    const cls__conv_shape *s, cl_uint num_wait,
                                    const cl_event *wait, cl_event *ev)
{
    size_t tiles = (size_t)((s->wo + p->tw - 1) / p->tw), lx = (size_t)p->local;
    size_t global[3], local[3] = {lx, 1, 1};
    int vstore = cls__conv_direct_vstore_fits(p, s);
    cls__args a = {0};
    cl_kernel k;
    cls_status st;
    if (vstore && !p->direct_v && (st = get_kernel(p, 1, 0, &p->direct_v)) != CLS_OK)
        return st;
    k = vstore ? p->direct_v : p->direct;
    if (s->crop && (st = get_kernel(p, vstore, 1, &k)) != CLS_OK)
        return st;
    if (tiles < lx)
        lx = local[0] = tiles;
    global[0] = (tiles + lx - 1) / lx * lx;
    global[1] = (size_t)s->ho;
    global[2] = (size_t)s->n * p->desc.groups * p->nvb;
    a.k = k;
    set_args(p, &a, src, dst, s);
    return cls__launch(p->ctx, &a, "portable/conv", "conv_direct", 3, global, local, num_wait, wait,
                       ev);
}

void cls__conv_direct_release(cls_conv_plan *p)
{
    cl_mem *bufs[5] = {&p->d_wts, &p->d_bias, &p->d_slope, &p->d_vmap, &p->d_cmap};
    for (int i = 0; i < 5; i++)
        if (*bufs[i]) {
            clReleaseMemObject(*bufs[i]);
            *bufs[i] = NULL;
        }
    p->direct = p->direct_v = NULL; /* owned by the context's kernel cache */
}
