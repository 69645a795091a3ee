/* Fused conv + pixel shuffle: plan creation, argument checks and dispatch. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "conv_plan.h"

static int def1(int v)
{
    return v == 0 ? 1 : v;
}

static void apply_defaults(cls_conv_desc *d)
{
    d->stride_h = def1(d->stride_h), d->stride_w = def1(d->stride_w);
    d->dilation_h = def1(d->dilation_h), d->dilation_w = def1(d->dilation_w);
    d->groups = def1(d->groups);
    d->block_h = def1(d->block_h), d->block_w = def1(d->block_w);
    d->in_block_h = def1(d->in_block_h), d->in_block_w = def1(d->in_block_w);
    if (d->dtype == 0)
        d->dtype = CLS_F32;
}

/* Mode, activation, dtype and path of a desc. */
static cls_status check_options(const cls_conv_desc *d)
{
    if (d->mode != CLS_DCR && d->mode != CLS_CRD)
        return cls__fail(CLS_ERR_INVALID_ARG, "desc: mode = %d is neither DCR nor CRD",
                         (int)d->mode);
    if (d->in_mode != CLS_DCR && d->in_mode != CLS_CRD)
        return cls__fail(CLS_ERR_INVALID_ARG, "desc: in_mode = %d is neither DCR nor CRD",
                         (int)d->in_mode);
    if ((int)d->rewrite < 0 || d->rewrite > CLS_CONV_REWRITE_SPACE_TO_DEPTH)
        return cls__fail(CLS_ERR_INVALID_ARG, "desc: rewrite = %d is unknown", (int)d->rewrite);
    if (d->rewrite_block_h < 0 || d->rewrite_block_w < 0 || d->rewrite_block_h > 16 ||
        d->rewrite_block_w > 16)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "desc: rewrite block %dx%d is outside 0..16 (0: the plan's choice)",
                         d->rewrite_block_h, d->rewrite_block_w);
    if ((int)d->activation < 0 || d->activation > CLS_ACT_SIGMOID)
        return cls__fail(CLS_ERR_INVALID_ARG, "desc: activation = %d is unknown",
                         (int)d->activation);
    if (d->activation == CLS_ACT_PRELU && !d->prelu)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "desc: CLS_ACT_PRELU needs desc.prelu "
                         "(out_channels = %d slopes)",
                         d->out_channels);
    if (d->dtype != CLS_F32 && d->dtype != CLS_F16)
        return cls__fail(CLS_ERR_INVALID_ARG, "desc: dtype %s is not f32 or f16",
                         cls_dtype_name(d->dtype));
    if ((int)d->path < 0 || d->path > CLS_CONV_PATH_GEMM)
        return cls__fail(CLS_ERR_INVALID_ARG, "desc: path = %d is unknown", (int)d->path);
    return CLS_OK;
}

/* Check a desc whose defaults are applied. */
static cls_status check_desc(const cls_conv_desc *d)
{
    const struct {
        const char *name;
        int value;
    } pos[] = {{"in_channels", d->in_channels}, {"out_channels", d->out_channels},
               {"kernel_h", d->kernel_h},       {"kernel_w", d->kernel_w},
               {"stride_h", d->stride_h},       {"stride_w", d->stride_w},
               {"dilation_h", d->dilation_h},   {"dilation_w", d->dilation_w},
               {"groups", d->groups},           {"block_h", d->block_h},
               {"block_w", d->block_w},         {"in_block_h", d->in_block_h},
               {"in_block_w", d->in_block_w}};
    int64_t v64, k64, c64;
    int v_all;
    cls_status st;
    for (size_t k = 0; k < sizeof pos / sizeof pos[0]; k++)
        if (pos[k].value < 1)
            return cls__fail(CLS_ERR_INVALID_ARG, "desc: %s = %d must be positive", pos[k].name,
                             pos[k].value);
    if (d->pad_top < 0 || d->pad_bottom < 0 || d->pad_left < 0 || d->pad_right < 0)
        return cls__fail(CLS_ERR_INVALID_ARG, "desc: padding (%d, %d, %d, %d) is negative",
                         d->pad_top, d->pad_bottom, d->pad_left, d->pad_right);
    if (d->transposed && (d->in_block_h > 1 || d->in_block_w > 1))
        return cls__fail(CLS_ERR_UNSUPPORTED,
                         "desc: an in_block (%dx%d) with transposed is unsupported (a transposed "
                         "conv does not read through a space-to-depth view here)",
                         d->in_block_h, d->in_block_w);
    if ((st = cls__convt_check_desc(d)) != CLS_OK)
        return st;
    if (cls__mul3_i64(d->out_channels, d->block_h, d->block_w, &v64) || v64 > INT_MAX / 8 ||
        cls__mul3_i64(d->in_channels, d->in_block_h, d->in_block_w, &c64) || c64 > INT_MAX / 8 ||
        cls__mul3_i64(c64, d->kernel_h, d->kernel_w, &k64) || k64 > INT_MAX / 8)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "desc: out_channels * block (%d * %d x %d) or in_channels * kernel * "
                         "in_block (%d * %d x %d * %d x %d) exceeds %d",
                         d->out_channels, d->block_h, d->block_w, d->in_channels, d->kernel_h,
                         d->kernel_w, d->in_block_h, d->in_block_w, INT_MAX / 8);
    v_all = d->out_channels * d->block_h * d->block_w;
    if (c64 % d->groups && d->in_block_h * d->in_block_w == 1)
        return cls__fail(CLS_ERR_INVALID_ARG, "desc: groups = %d does not divide in_channels = %d",
                         d->groups, d->in_channels);
    if (c64 % d->groups)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "desc: groups = %d does not divide in_channels * in_block_h * "
                         "in_block_w = %lld",
                         d->groups, (long long)c64);
    if (v_all % d->groups)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "desc: groups = %d does not divide out_channels * block_h * block_w"
                         " = %d",
                         d->groups, v_all);
    if ((d->stride_h > 1 || d->stride_w > 1) && (d->block_h > 1 || d->block_w > 1))
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "desc: stride %dx%d needs a 1x1 block, the block is %dx%d", d->stride_h,
                         d->stride_w, d->block_h, d->block_w);
    return check_options(d);
}

void cls__conv_unshuffle(const cls_conv_desc *d, int v, int *c, int *i, int *j)
{
    cls__chan_split(d->mode, v, d->out_channels, d->block_h, d->block_w, c, i, j);
}

cls_status cls__conv_buffer(cls_context *ctx, const void *host, size_t bytes, cl_mem *buf)
{
    cl_int err;
    *buf = clCreateBuffer(ctx->cl_ctx, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, bytes, (void *)host,
                          &err);
    return err == CL_SUCCESS ? CLS_OK : cls__fail_cl(err, "clCreateBuffer (conv plan)");
}

/* Host copies of the user's weights, bias and slopes (verify mode, the
 * rewrite and packing use them). */
static cls_status copy_host(cls_conv_plan *p, const float *weights, const float *bias)
{
    const cls_conv_desc *d = &p->user;
    size_t nw = (size_t)p->v_all * p->cg * d->kernel_h * d->kernel_w;
    p->uweights = malloc(nw * sizeof(float));
    p->ubias = bias ? malloc((size_t)p->v_all * sizeof(float)) : NULL;
    p->prelu = d->prelu ? malloc((size_t)d->out_channels * sizeof(float)) : NULL;
    if (!p->uweights || (bias && !p->ubias) || (d->prelu && !p->prelu))
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "cls_conv_plan_create: out of host memory");
    memcpy(p->uweights, weights, nw * sizeof(float));
    if (bias)
        memcpy(p->ubias, bias, (size_t)p->v_all * sizeof(float));
    if (d->prelu)
        memcpy(p->prelu, d->prelu, (size_t)d->out_channels * sizeof(float));
    p->user.prelu = p->prelu;
    return CLS_OK;
}

/* Channel counts of the desc the kernels run. */
static void set_counts(cls_conv_plan *p)
{
    const cls_conv_desc *d = &p->desc;
    p->v_all = d->out_channels * d->block_h * d->block_w;
    p->vg = p->v_all / d->groups;
    p->cg = d->in_channels * d->in_block_h * d->in_block_w / d->groups;
}

/* The weights must fit one device allocation (the packed copies are about
 * as large); a count past that is an argument error, not an allocation one. */
static cls_status check_weight_count(const cls_context *ctx, const cls_conv_plan *p)
{
    const cls_conv_desc *d = &p->desc;
    int64_t n = 0, bytes = 0;
    if (cls__mul3_i64(p->v_all, p->cg, d->kernel_h, &n) || cls__mul_i64(n, d->kernel_w, &n) ||
        cls__mul_i64(n, (int64_t)sizeof(float), &bytes) ||
        (uint64_t)bytes > ctx->info.max_alloc_size)
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "desc: %d x %d x %d x %d weights exceed the device's largest "
                         "allocation (%llu bytes)",
                         p->v_all, p->cg, d->kernel_h, d->kernel_w,
                         (unsigned long long)ctx->info.max_alloc_size);
    return CLS_OK;
}

/* AUTO: GEMM only where it wins (see cls__conv_gemm_wins), else direct. */
static cls_conv_path choose_path(const cls_context *ctx, const cls_conv_desc *d)
{
    if (d->path != CLS_CONV_PATH_AUTO)
        return d->path;
    if (cls__conv_gemm_supported(ctx, d) == CLS_OK && cls__conv_gemm_wins(ctx, d))
        return CLS_CONV_PATH_GEMM;
    /* A probe that said no is not the plan's error. */
    cls__clear_error();
    return CLS_CONV_PATH_DIRECT;
}

cls_status cls_conv_plan_create(cls_context *ctx, const cls_conv_desc *desc, const float *weights,
                                const float *bias, cls_conv_plan **plan)
{
    cls_conv_plan *p = NULL;
    cls_status st;
    if (!plan)
        return cls__fail(CLS_ERR_INVALID_ARG, "cls_conv_plan_create: plan pointer is NULL");
    *plan = NULL;
    if (!ctx || !desc || !weights)
        return cls__fail(CLS_ERR_INVALID_ARG, "cls_conv_plan_create: %s is NULL",
                         !ctx    ? "ctx"
                         : !desc ? "desc"
                                 : "weights");
    p = calloc(1, sizeof *p);
    if (!p)
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "cls_conv_plan_create: out of host memory");
    cls__lock(ctx);
    p->ctx = ctx;
    p->user = *desc;
    apply_defaults(&p->user);
    p->desc = p->user;
    st = check_desc(&p->user);
    if (st != CLS_OK)
        goto done;
    set_counts(p);
    st = check_weight_count(ctx, p);
    if (st == CLS_OK)
        st = copy_host(p, weights, bias);
    if (st == CLS_OK)
        st = cls__conv_rewrite_init(p);
    if (st != CLS_OK)
        goto done;
    set_counts(p);
    if (p->rewrite != CLS_CONV_REWRITE_NONE && (st = check_weight_count(ctx, p)) != CLS_OK)
        goto done;
    p->path = p->desc.transposed ? CLS_CONV_PATH_DIRECT : choose_path(ctx, &p->desc);
    if (p->desc.transposed) {
        st = cls__convt_init(p);
    } else if (p->path == CLS_CONV_PATH_GEMM) {
        st = cls__conv_gemm_supported(ctx, &p->desc);
        if (st == CLS_OK)
            st = cls__conv_gemm_init(p);
    } else {
        st = cls__conv_direct_init(p);
    }
done:
    cls__unlock(ctx);
    if (st != CLS_OK)
        cls_conv_plan_destroy(p);
    else
        *plan = p;
    return st;
}

cls_status cls_conv_plan_get_rewrite(const cls_conv_plan *plan, cls_conv_rewrite_info *info)
{
    if (!plan || !info)
        return cls__fail(CLS_ERR_INVALID_ARG, "cls_conv_plan_get_rewrite: %s is NULL",
                         !plan ? "plan" : "info");
    info->rewrite = plan->rewrite;
    info->desc = plan->desc;
    info->grid_top = plan->grid_h;
    info->grid_left = plan->grid_w;
    return CLS_OK;
}

cls_status cls_conv_plan_get_path(const cls_conv_plan *plan, cls_conv_path *path)
{
    if (!plan || !path)
        return cls__fail(CLS_ERR_INVALID_ARG, "cls_conv_plan_get_path: %s is NULL",
                         !plan ? "plan" : "path");
    *path = plan->path;
    return CLS_OK;
}

void cls_conv_plan_destroy(cls_conv_plan *plan)
{
    if (!plan)
        return;
    cls__conv_direct_release(plan);
    cls__conv_w1x1_release(plan);
    cls__conv_gemm_release(plan);
    cls__convt_release(plan);
    if (plan->weights != plan->uweights)
        free(plan->weights);
    if (plan->bias != plan->ubias)
        free(plan->bias);
    free(plan->uweights);
    free(plan->ubias);
    free(plan->prelu);
    free(plan);
}
