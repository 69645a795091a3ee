/* Transposed conv as a sub-pixel conv: desc checks, phase tables, weight
 * packing, the conv_transposed kernel's enqueue and the phase query. */
#include <stdlib.h>
#include <string.h>

#include "conv_plan.h"

#define VW 8

/* One axis split into its stride phases: phase psi has cnt[psi] taps, listed
 * from first[psi] in k[] (kernel index) and u[] (src offset), u ascending. */
typedef struct axis_phases {
    int s, cnt_max;
    int *cnt, *first, *k, *u;
} axis_phases;

struct cls__convt {
    axis_phases ah, aw;
    int nvec, tw, nvb, local;
    int posv, tv;           /* position vectors (groups of <= 4 channels): TV float8 of positions */
    cl_kernel kernel[2][2]; /* [vstore][spec], built on first use */
    cl_mem d_tab, d_wts, d_bias, d_slope;
};

static int gcd(int a, int b)
{
    while (b) {
        int t = a % b;
        a = b, b = t;
    }
    return a;
}

cls_status cls__convt_check_desc(const cls_conv_desc *d)
{
    const int op[2] = {d->output_padding_h, d->output_padding_w};
    const int st[2] = {d->stride_h, d->stride_w}, dil[2] = {d->dilation_h, d->dilation_w};
    const char *axis[2] = {"h", "w"};
    if (!d->transposed) {
        if (op[0] || op[1])
            return cls__fail(CLS_ERR_INVALID_ARG,
                             "desc: output_padding (%d, %d) needs transposed = 1", op[0], op[1]);
        return CLS_OK;
    }
    if (d->block_h != 1 || d->block_w != 1)
        return cls__fail(CLS_ERR_UNSUPPORTED,
                         "desc: a transposed conv needs a 1x1 block, got %dx%d: its "
                         "stride phases already form the depth-to-space block",
                         d->block_h, d->block_w);
    for (int a = 0; a < 2; a++) {
        int lim = st[a] > dil[a] ? st[a] : dil[a];
        if (op[a] < 0 || op[a] >= lim)
            return cls__fail(CLS_ERR_INVALID_ARG,
                             "desc: output_padding_%s = %d breaks 0 <= output_padding < "
                             "max(stride_%s, dilation_%s) = %d",
                             axis[a], op[a], axis[a], axis[a], lim);
    }
    return CLS_OK;
}

int64_t cls__convt_out_size(int64_t in, int stride, int pa, int pb, int dil, int k, int op)
{
    return (in - 1) * stride - pa - pb + (int64_t)dil * (k - 1) + op + 1;
}

/* Split one axis (kernel K, stride s, leading pad p, dilation d) by phase. */
static cls_status axis_split(axis_phases *a, int kn, int s, int p, int d)
{
    int n = 0;
    a->s = s, a->cnt_max = 0;
    a->cnt = calloc((size_t)s, sizeof(int)), a->first = calloc((size_t)s, sizeof(int));
    a->k = calloc((size_t)kn, sizeof(int)), a->u = calloc((size_t)kn, sizeof(int));
    if (!a->cnt || !a->first || !a->k || !a->u)
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "cls_conv_plan_create: out of host memory");
    for (int psi = 0; psi < s; psi++) {
        a->first[psi] = n;
        for (int k = kn - 1; k >= 0; k--) { /* u falls as k rises: ascending u */
            int64_t x = (int64_t)psi + p - (int64_t)d * k;
            if (((x % s) + s) % s)
                continue;
            a->k[n] = k, a->u[n] = (int)(x / s), n++;
        }
        a->cnt[psi] = n - a->first[psi];
        if (a->cnt[psi] > a->cnt_max)
            a->cnt_max = a->cnt[psi];
    }
    return CLS_OK;
}

static void axis_free(axis_phases *a)
{
    free(a->cnt), free(a->first), free(a->k), free(a->u);
}

/* NVEC float8 vectors of output channels times TW positions, about 8
 * accumulators, as the fused conv's direct kernel (measured there). */
static void choose_blocking(struct cls__convt *t, int cog)
{
    static const int tw_for[5] = {0, 8, 4, 3, 2};
    int need = (cog + VW - 1) / VW, best = need, best_waste = 1 << 30;
    if (need > 4) {
        for (int nv = 4; nv >= 2; nv--) {
            int waste = (need + nv - 1) / nv * nv - need;
            if (waste < best_waste)
                best_waste = waste, best = nv;
        }
    }
    t->nvec = best, t->tw = tw_for[best], t->nvb = (need + best - 1) / best, t->local = 16;
    /* A group of <= 4 channels would leave most channel lanes idle: put 8
     * positions in the lanes instead, 4 to 8 accumulators. */
    t->posv = cog <= 4;
    if (t->posv)
        t->tv = cog <= 2 ? 4 : 2, t->tw = VW * t->tv, t->nvb = 1, t->nvec = 1;
}

/* The kernel's table (see kernels/conv_transposed.cl). */
static cls_status make_tab(cls_conv_plan *p, int **out, size_t *len)
{
    const axis_phases *ah = &p->convt->ah, *aw = &p->convt->aw;
    int sh = ah->s, sw = aw->s, head = 4 * (sh + sw) + sh * sw + 1;
    int kh = p->desc.kernel_h, kw = p->desc.kernel_w, *tab, before = 0;
    *len = (size_t)(head + kh + kw);
    tab = calloc(*len, sizeof(int));
    if (!(*out = tab))
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "cls_conv_plan_create: out of host memory");
    for (int i = 0; i < sh + sw; i++) {
        const axis_phases *a = i < sh ? ah : aw;
        int psi = i < sh ? i : i - sh, c = a->cnt[psi], f = a->first[psi];
        tab[4 * i] = c, tab[4 * i + 1] = head + (i < sh ? 0 : kh) + f;
        tab[4 * i + 2] = c ? a->u[f] : 0, tab[4 * i + 3] = c ? a->u[f + c - 1] : 0;
    }
    for (int ph = 0; ph < sh; ph++)
        for (int pw = 0; pw < sw; pw++) {
            tab[4 * (sh + sw) + ph * sw + pw] = before;
            before += ah->cnt[ph] * aw->cnt[pw];
        }
    tab[4 * (sh + sw) + sh * sw] = before; /* KH * KW */
    memcpy(tab + head, ah->u, (size_t)kh * sizeof(int));
    memcpy(tab + head + kh, aw->u, (size_t)kw * sizeof(int));
    return CLS_OK;
}

/* Packed weights [group][vblock][phase][ci][th][tw][NVEC] float8, bias and
 * slopes per lane [group][vblock][NVEC] float8 (zero past the group). */
static void pack_posv(const cls_conv_plan *p, float *wts, float *bias, float *slope)
{
    const cls_conv_desc *d = &p->desc;
    const axis_phases *ah = &p->convt->ah, *aw = &p->convt->aw;
    int cg = p->cg, cog = d->out_channels / d->groups;
    size_t at = 0;
    for (int c = 0; c < d->out_channels; c++) {
        bias[c] = p->bias ? p->bias[c] : 0.0f;
        slope[c] = p->prelu ? p->prelu[c] : 0.0f;
    }
    for (int g = 0; g < d->groups; g++)
        for (int ph = 0; ph < ah->s; ph++)
            for (int pw = 0; pw < aw->s; pw++)
                for (int ci = 0; ci < cg; ci++)
                    for (int th = 0; th < ah->cnt[ph]; th++)
                        for (int tw = 0; tw < aw->cnt[pw]; tw++)
                            for (int co = 0; co < cog; co++) {
                                int kh = ah->k[ah->first[ph] + th];
                                int kw = aw->k[aw->first[pw] + tw];
                                wts[at++] =
                                    p->weights[(((size_t)(g * cg + ci) * cog + co) * d->kernel_h +
                                                kh) *
                                                   d->kernel_w +
                                               kw];
                            }
}

static void pack(const cls_conv_plan *p, float *wts, float *bias, float *slope)
{
    if (p->convt->posv) {
        pack_posv(p, wts, bias, slope);
        return;
    }
    const cls_conv_desc *d = &p->desc;
    const struct cls__convt *t = p->convt;
    const axis_phases *ah = &t->ah, *aw = &t->aw;
    int cg = p->cg, cog = d->out_channels / d->groups, nv = t->nvec, kk = d->kernel_h * d->kernel_w;
    for (int g = 0; g < d->groups; g++)
        for (int vb = 0; vb < t->nvb; vb++) {
            size_t pk = (size_t)g * t->nvb + vb, at = pk * kk * cg * nv;
            for (int l = 0; l < nv * VW; l++) {
                int co = vb * nv * VW + l, c = g * cog + co;
                bias[pk * nv * VW + l] = co < cog && p->bias ? p->bias[c] : 0.0f;
                slope[pk * nv * VW + l] = co < cog && p->prelu ? p->prelu[c] : 0.0f;
            }
            for (int ph = 0; ph < ah->s; ph++)
                for (int pw = 0; pw < aw->s; pw++)
                    for (int ci = 0; ci < cg; ci++)
                        for (int th = 0; th < ah->cnt[ph]; th++)
                            for (int tw = 0; tw < aw->cnt[pw]; tw++, at += nv)
                                for (int l = 0; l < nv * VW; l++) {
                                    int co = vb * nv * VW + l;
                                    int kh = ah->k[ah->first[ph] + th];
                                    int kw = aw->k[aw->first[pw] + tw];
                                    size_t src =
                                        (((size_t)(g * cg + ci) * cog + co) * d->kernel_h + kh) *
                                            d->kernel_w +
                                        kw;
                                    wts[at * VW + l] = co < cog ? p->weights[src] : 0.0f;
                                }
        }
}

/* The smallest non-zero tap count of an axis's phases (the largest is cnt_max). */
static int taps_lo(const axis_phases *a)
{
    int lo = a->cnt_max;
    for (int psi = 0; psi < a->s; psi++)
        if (a->cnt[psi] && a->cnt[psi] < lo)
            lo = a->cnt[psi];
    return lo;
}

/* The kernel variant: vstore stores whole vectors of 8 channels; spec makes
 * the phases' tap counts compile-time constants. */
static cls_status get_kernel(cls_conv_plan *p, int vstore, int spec, cl_kernel *k)
{
    const struct cls__convt *t = p->convt;
    char opts[240], *o;
    int n = 0;
    if (t->posv)
        n = snprintf(opts, sizeof opts, "-DPOSV=1 -DCO=%d -DTV=%d ",
                     p->desc.out_channels / p->desc.groups, t->tv);
    o = opts + n;
    if (spec)
        snprintf(o, sizeof opts - (size_t)n,
                 "-DNVEC=%d -DTW=%d -DCONV_F16=%d -DVSTORE=%d -DSPEC=1 -DTH_LO=%d -DTH_HI=%d "
                 "-DTW_LO=%d -DTW_HI=%d",
                 t->nvec, t->tw, p->desc.dtype == CLS_F16, vstore, taps_lo(&t->ah), t->ah.cnt_max,
                 taps_lo(&t->aw), t->aw.cnt_max);
    else
        snprintf(o, sizeof opts - (size_t)n, "-DNVEC=%d -DTW=%d -DCONV_F16=%d -DVSTORE=%d", t->nvec,
                 t->tw, p->desc.dtype == CLS_F16, vstore);
    return cls__kernel_get(p->ctx, "portable/conv_transposed", opts, "conv_transposed", k);
}

static _Thread_local int force_spec = -1;

void cls__convt_force_spec(int spec)
{
    force_spec = spec;
}

static cls_status upload(cls_conv_plan *p, const int *tab, size_t tab_len, const float *wts,
                         size_t nw, const float *bias, const float *slope, size_t lanes)
{
    struct cls__convt *t = p->convt;
    cls_status st = cls__conv_buffer(p->ctx, tab, tab_len * sizeof(int), &t->d_tab);
    if (st == CLS_OK)
        st = cls__conv_buffer(p->ctx, wts, nw * sizeof(float), &t->d_wts);
    if (st == CLS_OK)
        st = cls__conv_buffer(p->ctx, bias, lanes * sizeof(float), &t->d_bias);
    if (st == CLS_OK)
        st = cls__conv_buffer(p->ctx, slope, lanes * sizeof(float), &t->d_slope);
    return st;
}

cls_status cls__convt_init(cls_conv_plan *p)
{
    const cls_conv_desc *d = &p->desc;
    float *wts = NULL, *bias = NULL, *slope = NULL;
    int *tab = NULL;
    size_t lanes, nw, tab_len = 0;
    cls_status st;
    if (d->path == CLS_CONV_PATH_GEMM)
        return cls__fail(CLS_ERR_UNSUPPORTED,
                         "conv: the GEMM path does not run transposed convs (its im2col reads "
                         "one strided conv; a transposed conv is stride_h x stride_w phase convs "
                         "with different kernels): use CLS_CONV_PATH_DIRECT or AUTO");
    p->path = CLS_CONV_PATH_DIRECT;
    if (!(p->convt = calloc(1, sizeof *p->convt)))
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "cls_conv_plan_create: out of host memory");
    if ((st = axis_split(&p->convt->ah, d->kernel_h, d->stride_h, d->pad_top, d->dilation_h)) ||
        (st = axis_split(&p->convt->aw, d->kernel_w, d->stride_w, d->pad_left, d->dilation_w)))
        return st;
    choose_blocking(p->convt, d->out_channels / d->groups);
    lanes = p->convt->posv ? (size_t)d->out_channels
                           : (size_t)d->groups * p->convt->nvb * p->convt->nvec * VW;
    nw = lanes * p->cg * d->kernel_h * d->kernel_w;
    wts = malloc(nw * sizeof(float));
    bias = malloc(lanes * sizeof(float));
    slope = malloc(lanes * sizeof(float));
    if (!wts || !bias || !slope) {
        st = cls__fail(CLS_ERR_OUT_OF_MEMORY, "cls_conv_plan_create: out of host memory");
        goto done;
    }
    if ((st = make_tab(p, &tab, &tab_len)) != CLS_OK)
        goto done;
    pack(p, wts, bias, slope);
    if ((st = upload(p, tab, tab_len, wts, nw, bias, slope, lanes)) != CLS_OK)
        goto done;
    st = get_kernel(p, 0, 0, &p->convt->kernel[0][0]); /* build errors surface at creation */
done:
    free(tab), free(wts), free(bias), free(slope);
    return st;
}

static void set_args(cls_conv_plan *p, cls__args *a, const cls_tensor *src, const cls_tensor *dst,
                     const cls__conv_shape *s)
{
    const cls_conv_desc *d = &p->desc;
    struct cls__convt *t = p->convt;
    cl_int2 ohw = {{(cl_int)s->ho, (cl_int)s->wo}}, strd = {{d->stride_h, d->stride_w}};
    cl_int4 grp = {{p->cg, t->nvb, d->groups, d->out_channels / d->groups}};
    cl_int act = (cl_int)d->activation;
    cl_float alpha = d->act_alpha;
    cls__conv_set_io_args(a, src, dst, s);
    cls__arg(a, sizeof ohw, &ohw);
    cls__arg(a, sizeof strd, &strd);
    cls__arg(a, sizeof grp, &grp);
    cls__arg(a, sizeof(cl_mem), &t->d_tab);
    cls__arg(a, sizeof(cl_mem), &t->d_wts);
    cls__arg(a, sizeof(cl_mem), &t->d_bias);
    cls__arg(a, sizeof(cl_mem), &t->d_slope);
    cls__arg(a, sizeof act, &act);
    cls__arg(a, sizeof alpha, &alpha);
}

/* Whole-vector stores: unit channel stride and every vector inside a group. */
static int vstore_fits(const cls_conv_plan *p, const cls__conv_shape *s)
{
    return !p->convt->posv && s->ds[1] == 1 && (p->desc.out_channels / p->desc.groups) % VW == 0;
}

cls_status cls__convt_enqueue(cls_conv_plan *p, const cls_tensor *src, const cls_tensor *dst,
                              const cls__conv_shape *s, cl_uint num_wait, const cl_event *wait,
                              cl_event *ev)
{
    struct cls__convt *t = p->convt;
    const cls_conv_desc *d = &p->desc;
    size_t wq = (size_t)((s->wo + d->stride_w - 1) / d->stride_w); /* phase 0 is the widest */
    size_t tiles = (wq + (size_t)t->tw - 1) / (size_t)t->tw, lx = (size_t)t->local, m;
    size_t global[3], local[3] = {1, 1, 1};
    int vstore = vstore_fits(p, s), spec;
    double macs = (double)s->n * s->h * s->w * p->cg * d->out_channels * d->kernel_h * d->kernel_w;
    cls__args a = {0};
    cl_kernel k;
    cls_status st;
    /* Compile-time tap counts (one more program per kernel shape) pay on
     * convs above ~16 M multiply-adds; small ones share the generic kernel. */
    spec = force_spec >= 0 ? force_spec : macs >= (double)(1 << 24);
    if (!t->kernel[vstore][spec] &&
        (st = get_kernel(p, vstore, spec, &t->kernel[vstore][spec])) != CLS_OK)
        return st;
    k = t->kernel[vstore][spec];
    /* m tiles of every column phase per work-group (see the kernel). */
    m = lx / (size_t)d->stride_w ? lx / (size_t)d->stride_w : 1;
    if (m > tiles)
        m = tiles;
    while (m > 1 && m * (size_t)d->stride_w > p->ctx->info.max_work_group_size)
        m--;
    if (m * (size_t)d->stride_w > p->ctx->info.max_work_group_size)
        return cls__fail(CLS_ERR_UNSUPPORTED,
                         "conv_transposed: stride_w = %d exceeds the device's work-group size "
                         "%zu",
                         d->stride_w, p->ctx->info.max_work_group_size);
    local[0] = m * (size_t)d->stride_w;
    global[0] = (tiles + m - 1) / m * local[0];
    global[1] = (size_t)((s->ho + d->stride_h - 1) / d->stride_h);
    global[2] = (size_t)s->n * d->groups * t->nvb * d->stride_h;
    a.k = k;
    set_args(p, &a, src, dst, s);
    return cls__launch(p->ctx, &a, "portable/conv_transposed", "conv_transposed", 3, global, local,
                       num_wait, wait, ev);
}

void cls__convt_release(cls_conv_plan *p)
{
    struct cls__convt *t = p->convt;
    cl_mem bufs[4];
    if (!t)
        return;
    bufs[0] = t->d_tab, bufs[1] = t->d_wts, bufs[2] = t->d_bias, bufs[3] = t->d_slope;
    for (int i = 0; i < 4; i++)
        if (bufs[i])
            clReleaseMemObject(bufs[i]);
    axis_free(&t->ah), axis_free(&t->aw); /* kernels: owned by the context's cache */
    free(t);
    p->convt = NULL;
}

static cls_status check_query(const cls_conv_plan *plan, const void *out, const char *fn)
{
    if (!plan || !out)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: %s is NULL", fn, !plan ? "plan" : "info");
    if (!plan->convt)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s: the plan is not a transposed conv", fn);
    return CLS_OK;
}

cls_status cls_conv_plan_get_transposed_info(const cls_conv_plan *plan,
                                             cls_conv_transposed_info *info)
{
    cls_status st = check_query(plan, info, "cls_conv_plan_get_transposed_info");
    if (st != CLS_OK)
        return st;
    info->block_h = plan->convt->ah.s, info->block_w = plan->convt->aw.s;
    info->max_taps_h = plan->convt->ah.cnt_max, info->max_taps_w = plan->convt->aw.cnt_max;
    info->taps_total = plan->desc.kernel_h * plan->desc.kernel_w;
    return CLS_OK;
}

cls_status cls_conv_plan_get_transposed_phase(const cls_conv_plan *plan, int phase_h, int phase_w,
                                              cls_conv_phase_info *info)
{
    const axis_phases *a[2];
    int ph[2] = {phase_h, phase_w}, out[3][2];
    int dil[2];
    cls_status st = check_query(plan, info, "cls_conv_plan_get_transposed_phase");
    if (st != CLS_OK)
        return st;
    a[0] = &plan->convt->ah, a[1] = &plan->convt->aw;
    dil[0] = plan->desc.dilation_h, dil[1] = plan->desc.dilation_w;
    for (int i = 0; i < 2; i++) {
        if (ph[i] < 0 || ph[i] >= a[i]->s)
            return cls__fail(CLS_ERR_INVALID_ARG,
                             "cls_conv_plan_get_transposed_phase: phase_%s = %d is outside "
                             "[0, stride_%s = %d)",
                             i ? "w" : "h", ph[i], i ? "w" : "h", a[i]->s);
        out[0][i] = a[i]->cnt[ph[i]];
        out[1][i] = dil[i] / gcd(a[i]->s, dil[i]);
        out[2][i] = out[0][i] ? a[i]->u[a[i]->first[ph[i]]] : 0;
    }
    info->taps_h = out[0][0], info->taps_w = out[0][1];
    info->step_h = out[1][0], info->step_w = out[1][1];
    info->head_h = out[2][0], info->head_w = out[2][1];
    return CLS_OK;
}
