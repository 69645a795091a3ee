/* Fused conv + pixel shuffle: tensor checks, dispatch and verify mode. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conv_plan.h"
#include "reference/conv_ref.h"
#include "reference/conv_transposed_ref.h"

/* Sizes and strides of t read as (N, C, H, W); 3-D (N, C, L) has H = 1. */
static void dims4(const cls_tensor *t, int64_t size[4], int64_t stride[4])
{
    int three = t->ndim == 3;
    for (int d = 0, k = 0; d < 4; d++) {
        int h = three && d == 2;
        size[d] = h ? 1 : t->sizes[k];
        stride[d] = h ? 0 : t->strides[k];
        k += !h;
    }
}

static cls_status check_pair(const cls_conv_desc *d, const cls_tensor *src, const cls_tensor *dst)
{
    if ((src->ndim != 3 && src->ndim != 4) || dst->ndim != src->ndim)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "src ndim = %d, dst ndim = %d: expected both 4 (N, C, H, W) or both "
                         "3 (N, C, L)",
                         src->ndim, dst->ndim);
    if (src->dtype != d->dtype || dst->dtype != d->dtype)
        return cls__fail(CLS_ERR_INVALID_ARG, "src is %s and dst is %s but the plan is %s",
                         cls_dtype_name(src->dtype), cls_dtype_name(dst->dtype),
                         cls_dtype_name(d->dtype));
    if (src->sizes[1] != d->in_channels)
        return cls__fail(CLS_ERR_INVALID_ARG, "src has %lld channels but desc.in_channels = %d",
                         (long long)src->sizes[1], d->in_channels);
    if (dst->sizes[0] != src->sizes[0])
        return cls__fail(CLS_ERR_INVALID_ARG, "dst batch %lld differs from src batch %lld",
                         (long long)dst->sizes[0], (long long)src->sizes[0]);
    return CLS_OK;
}

/* src's space-to-depth grid: its size must be a multiple of the in-block. */
static cls_status in_grid(const cls_conv_desc *d, const cls_tensor *src, const int64_t sz[4],
                          int64_t *h, int64_t *w)
{
    if (src->ndim == 3 && d->in_block_h > 1)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "3-D tensors need in_block_h 1 (a (1, r) block), got in_block_h %d",
                         d->in_block_h);
    if (sz[2] % d->in_block_h || sz[3] % d->in_block_w)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "src spatial size %lld x %lld is not a multiple of the in_block %dx%d",
                         (long long)sz[2], (long long)sz[3], d->in_block_h, d->in_block_w);
    *h = sz[2] / d->in_block_h, *w = sz[3] / d->in_block_w;
    return CLS_OK;
}

/* The user desc d decides the output; p's run desc is what the kernels
 * compute: ho x wo positions of its (rewritten) output block, cropped to
 * dst's size. */
static cls_status make_shape(const cls_conv_plan *p, const cls_tensor *src, const cls_tensor *dst,
                             cls__conv_shape *s)
{
    const cls_conv_desc *d = &p->user;
    int64_t sz[4], dz[4], oh = 0, ow = 0;
    char got[96], exp[96];
    cls_status st;
    dims4(src, sz, s->ss);
    dims4(dst, dz, s->ds);
    s->n = sz[0];
    if ((st = in_grid(d, src, sz, &s->h, &s->w)) != CLS_OK)
        return st;
    if (d->transposed) {
        s->ho = cls__convt_out_size(s->h, d->stride_h, d->pad_top, d->pad_bottom, d->dilation_h,
                                    d->kernel_h, d->output_padding_h);
        s->wo = cls__convt_out_size(s->w, d->stride_w, d->pad_left, d->pad_right, d->dilation_w,
                                    d->kernel_w, d->output_padding_w);
        if (s->h < 1 || s->w < 1 || s->ho < 1 || s->wo < 1)
            return cls__fail(CLS_ERR_INVALID_ARG,
                             "the transposed conv of a %lldx%lld input gives a %lldx%lld output "
                             "(padding (%d, %d, %d, %d) crops it all)",
                             (long long)s->h, (long long)s->w, (long long)s->ho, (long long)s->wo,
                             d->pad_top, d->pad_bottom, d->pad_left, d->pad_right);
    } else if (cls__conv_out_size(s->h, d->pad_top, d->pad_bottom, d->dilation_h, d->kernel_h,
                                  d->stride_h, &s->ho) ||
               cls__conv_out_size(s->w, d->pad_left, d->pad_right, d->dilation_w, d->kernel_w,
                                  d->stride_w, &s->wo)) {
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "src spatial size %lld x %lld with padding: the output size overflows "
                         "64 bits",
                         (long long)s->h, (long long)s->w);
    }
    if (cls__mul_i64(s->ho, d->block_h, &oh) || cls__mul_i64(s->wo, d->block_w, &ow))
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "src spatial size %lld x %lld with padding, block %dx%d: the output "
                         "size overflows 64 bits",
                         (long long)s->h, (long long)s->w, d->block_h, d->block_w);
    if (s->ho < 1 || s->wo < 1)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "the %dx%d kernel (dilation %dx%d) does not fit the padded %lldx%lld "
                         "input",
                         d->kernel_h, d->kernel_w, d->dilation_h, d->dilation_w,
                         (long long)s->h + d->pad_top + d->pad_bottom,
                         (long long)s->w + d->pad_left + d->pad_right);
    if (src->ndim == 3 && oh != 1)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "3-D tensors need an output height of 1 (kernel_h "
                         "1, no top/bottom padding, block_h 1), got %lld",
                         (long long)oh);
    if (dz[1] != d->out_channels || dz[2] != oh || dz[3] != ow) {
        snprintf(got, sizeof got, "[%lld, %lld, %lld, %lld]", (long long)dz[0], (long long)dz[1],
                 (long long)dz[2], (long long)dz[3]);
        snprintf(exp, sizeof exp, "[%lld, %d, %lld, %lld]", (long long)s->n, d->out_channels,
                 (long long)oh, (long long)ow);
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "dst (N, C, H, W) is %s but the conv with block "
                         "%dx%d gives %s",
                         got, d->block_h, d->block_w, exp);
    }
    if (sz[2] > INT_MAX / 4 || sz[3] > INT_MAX / 4 || dz[2] > INT_MAX / 4 || dz[3] > INT_MAX / 4)
        return cls__fail(CLS_ERR_UNSUPPORTED, "conv: spatial sizes beyond 2^29 are unsupported");
    /* The kernels index src itself (the in-block's grid is their stride). */
    s->h = sz[2], s->w = sz[3];
    s->lim_h = oh, s->lim_w = ow;
    s->ho = (s->ho + p->ratio_h - 1) / p->ratio_h;
    s->wo = (s->wo + p->ratio_w - 1) / p->ratio_w;
    s->crop = s->ho * p->desc.block_h != oh || s->wo * p->desc.block_w != ow;
    s->soff = (int64_t)(src->offset / cls_dtype_size(src->dtype));
    s->doff = (int64_t)(dst->offset / cls_dtype_size(dst->dtype));
    return CLS_OK;
}

void cls__conv_set_io_args(cls__args *a, const cls_tensor *src, const cls_tensor *dst,
                           const cls__conv_shape *s)
{
    cl_long soff = s->soff, doff = s->doff;
    cl_long4 ss = {{s->ss[0], s->ss[1], s->ss[2], s->ss[3]}};
    cl_long4 ds = {{s->ds[0], s->ds[1], s->ds[2], s->ds[3]}};
    cl_int2 hw = {{(cl_int)s->h, (cl_int)s->w}};
    cls__arg(a, sizeof(cl_mem), &src->buffer);
    cls__arg(a, sizeof soff, &soff);
    cls__arg(a, sizeof ss, &ss);
    cls__arg(a, sizeof hw, &hw);
    cls__arg(a, sizeof(cl_mem), &dst->buffer);
    cls__arg(a, sizeof doff, &doff);
    cls__arg(a, sizeof ds, &ds);
}

/* One enqueue's state: the plan, and the shape its check computed. */
typedef struct conv_call {
    cls_conv_plan *plan;
    cls__conv_shape s;
} conv_call;

/* The whole shape, before the op entry's empty test (an empty dst must still
 * be the conv's output shape); kept for the enqueue. */
static cls_status conv_check(const cls__op *op, const cls_tensor *src, const cls_tensor *dst)
{
    conv_call *c = (conv_call *)op->arg;
    cls_status st = check_pair(&c->plan->user, src, dst);
    return st != CLS_OK ? st : make_shape(c->plan, src, dst, &c->s);
}

/* The plan's path: transposed phases, GEMM, the CPU tier's 1x1 kernel (the
 * portable direct kernel when that does not build) or the direct kernel. */
static cls_status conv_enqueue(cls_context *ctx, const cls__op *op, const cls_tensor *src,
                               const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                               cl_event *ev)
{
    conv_call *c = (conv_call *)op->arg;
    cls_conv_plan *plan = c->plan;
    const cls__conv_shape *s = &c->s;
    cls_status st;
    (void)ctx;
    if (plan->convt)
        return cls__convt_enqueue(plan, src, dst, s, num_wait, wait, ev);
    if (plan->path == CLS_CONV_PATH_GEMM)
        return cls__conv_gemm_enqueue(plan, src, dst, s, num_wait, wait, ev);
    if (cls__conv_w1x1_fits(plan, s)) {
        st = cls__conv_w1x1_enqueue(plan, src, dst, s, num_wait, wait, ev);
        if (st != CLS_ERR_BUILD)
            return st;
        cls__log_fallback("cpu/conv_w");
        plan->w1x1_failed = 1;
    }
    return cls__conv_direct_enqueue(plan, src, dst, s, num_wait, wait, ev);
}

static cls_status conv_verify(cls_context *ctx, const cls__op *op, const cls_tensor *src,
                              const cls_tensor *dst, cl_event ev)
{
    (void)ctx;
    return cls__conv_verify(((conv_call *)op->arg)->plan, src, dst, ev);
}

/* Through the one op entry, under the context's lock: a plan's lazily built
 * kernels and scratch, and the shared kernels' arguments, belong to one
 * enqueue at a time. */
cls_status cls_conv_plan_enqueue(cls_conv_plan *plan, const cls_tensor *src, const cls_tensor *dst,
                                 cl_uint num_wait, const cl_event *wait, cl_event *done)
{
    conv_call call = {plan, {0}};
    const cls__op op = {
        "cls_conv_plan_enqueue", &call, conv_check, conv_enqueue, NULL, conv_verify};
    if (done)
        *done = NULL;
    if (!plan)
        return cls__fail(CLS_ERR_INVALID_ARG, "cls_conv_plan_enqueue: plan is NULL");
    return cls__op_run(plan->ctx, &op, src, dst, num_wait, wait, done);
}

/* fp32: sums of up to Cin*K*K products of O(1) values, accumulated in another
 * order than the reference's double sum: the error is a few float ulps of the
 * sum's magnitude, far below 1e-4 * (1 + |b|). fp16 adds one rounding of the
 * output (2^-11 relative) and a possible tie flip: 2e-3 * (1 + |b|). */
static cls_status compare(const unsigned char *exp, const unsigned char *got, const cls_tensor *t)
{
    int64_t idx[CLS_MAX_DIMS] = {0};
    double tol = t->dtype == CLS_F16 ? 2e-3 : 1e-4;
    do {
        uint64_t off = cls__elem_offset(t, idx);
        float a, b;
        if (t->dtype == CLS_F16) {
            uint16_t ha, hb;
            memcpy(&ha, got + off, 2), memcpy(&hb, exp + off, 2);
            a = cls__half_to_float(ha), b = cls__half_to_float(hb);
        } else {
            memcpy(&a, got + off, 4), memcpy(&b, exp + off, 4);
        }
        /* Equal infinities and NaN for NaN (from such inputs) agree too. */
        if (!(a == b || (isnan(a) && isnan(b)) ||
              fabs((double)a - b) <= tol * (1.0 + fabs((double)b))))
            return cls__fail(CLS_ERR_VERIFY,
                             "verify: conv dst[%lld, %lld, %lld, %lld] = %g but "
                             "the CPU reference gives %g",
                             (long long)idx[0], (long long)idx[1], (long long)idx[2],
                             (long long)idx[3], (double)a, (double)b);
    } while (cls__next_index(t->ndim, t->sizes, idx));
    return CLS_OK;
}

cls_status cls__conv_verify(cls_conv_plan *p, const cls_tensor *src, const cls_tensor *dst,
                            cl_event ev)
{
    unsigned char *s = NULL, *d = NULL, *exp = NULL;
    uint64_t lo, hi;
    cls__conv_ref_args args;
    cls_status st = cls__read_tensor_bytes(p->ctx, src, ev, &s);
    if (st == CLS_OK)
        st = cls__read_tensor_bytes(p->ctx, dst, ev, &d);
    if (st != CLS_OK)
        goto done;
    cls__tensor_range(dst, &lo, &hi);
    exp = malloc(hi ? hi : 1);
    if (!exp) {
        st = cls__fail(CLS_ERR_OUT_OF_MEMORY, "verify: out of host memory");
        goto done;
    }
    memcpy(exp, d, hi);
    args.desc = p->user, args.weights = p->uweights, args.bias = p->ubias, args.prelu = p->prelu;
    st = p->user.transposed ? cls__ref_conv_transposed(s, src, exp, dst, &args)
                            : cls__ref_conv(s, src, exp, dst, &args);
    if (st == CLS_OK)
        st = compare(exp, d, dst);
done:
    free(s);
    free(d);
    free(exp);
    return st;
}
