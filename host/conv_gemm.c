/* Fused conv, GEMM path on CLBlast: B = packed weights [KH*KW*Cin][V] with the
 * columns in depth-to-space block order (i, j, c), A = the NHWC input itself
 * (1x1 convs) or an im2col scratch, C = the shuffled dst itself where dst is
 * channels-last (each block row i is a strided-batched GEMM write), else a
 * scratch scattered by the epilogue kernel. */
#include <clblast_c.h>
#include <stdlib.h>
#include <string.h>

#include "conv_plan.h"
#include "tuning/portable.h"

cls_status cls__conv_gemm_supported(const cls_context *ctx, const cls_conv_desc *d)
{
    (void)ctx;
    if (d->in_block_h > 1 || d->in_block_w > 1)
        return cls__fail(CLS_ERR_UNSUPPORTED,
                         "conv: the GEMM path does not read through an in_block (%dx%d): use the "
                         "direct path",
                         d->in_block_h, d->in_block_w);
    if (d->groups != 1)
        return cls__fail(CLS_ERR_UNSUPPORTED, "conv: the GEMM path needs groups = 1 (got %d)",
                         d->groups);
    if (d->dtype != CLS_F32)
        return cls__fail(CLS_ERR_UNSUPPORTED, "conv: the GEMM path is f32 only (got %s)",
                         cls_dtype_name(d->dtype));
    return CLS_OK;
}

/* Measured on PoCL (CPU): the direct kernel beats CLBlast's untuned GEMM on
 * every benchmark layer, so CPUs always run direct. On GPUs GEMM takes 1x1
 * convs and long reductions, where its tiling pays. */
int cls__conv_gemm_wins(const cls_context *ctx, const cls_conv_desc *d)
{
    int kdim = d->in_channels * d->kernel_h * d->kernel_w;
    cl_device_type t = ctx->profile.type;
    if (!(t & CL_DEVICE_TYPE_GPU) || (t & CL_DEVICE_TYPE_CPU))
        return 0;
    return (d->kernel_h == 1 && d->kernel_w == 1 && d->in_channels >= CLS_GPU_GEMM_MIN_CIN_1X1) ||
           kdim >= CLS_GPU_GEMM_MIN_REDUCTION;
}

/* B[(kh*KW + kw)*Cin + ci][(i*bw + j)*Cout + c] = weights[v(c, i, j)][ci][kh][kw]. */
static void pack_b(const cls_conv_plan *p, float *b, float *bias, float *slope)
{
    const cls_conv_desc *d = &p->desc;
    int kk = d->kernel_h * d->kernel_w, cin = d->in_channels;
    for (int v = 0; v < p->v_all; v++) {
        int c, i, j, col;
        cls__conv_unshuffle(d, v, &c, &i, &j);
        col = (int)cls__chan_index(CLS_DCR, c, i, j, d->out_channels, d->block_h, d->block_w);
        bias[col] = p->bias ? p->bias[v] : 0.0f;
        for (int ci = 0; ci < cin; ci++)
            for (int t = 0; t < kk; t++)
                b[((size_t)t * cin + ci) * p->v_all + col] =
                    p->weights[((size_t)v * cin + ci) * kk + t];
    }
    for (int c = 0; c < d->out_channels; c++)
        slope[c] = p->prelu ? p->prelu[c] : 0.0f;
}

cls_status cls__conv_gemm_init(cls_conv_plan *p)
{
    const cls_conv_desc *d = &p->desc;
    size_t kdim = (size_t)d->in_channels * d->kernel_h * d->kernel_w;
    float *b = malloc(kdim * p->v_all * sizeof(float));
    float *bias = malloc((size_t)p->v_all * sizeof(float));
    float *slope = malloc((size_t)d->out_channels * sizeof(float));
    cls_status st;
    if (!b || !bias || !slope) {
        st = cls__fail(CLS_ERR_OUT_OF_MEMORY, "cls_conv_plan_create: out of host memory");
        goto done;
    }
    pack_b(p, b, bias, slope);
    if ((st = cls__conv_buffer(p->ctx, b, kdim * p->v_all * sizeof(float), &p->g_b)) ||
        (st = cls__conv_buffer(p->ctx, bias, (size_t)p->v_all * sizeof(float), &p->g_bias)) ||
        (st = cls__conv_buffer(p->ctx, slope, (size_t)d->out_channels * sizeof(float),
                               &p->g_slope)) ||
        (st = cls__kernel_get(p->ctx, "portable/conv_gemm", "", "conv_im2col", &p->im2col)))
        goto done;
    st = cls__kernel_get(p->ctx, "portable/conv_gemm", "", "conv_epilogue", &p->epilogue);
done:
    free(b);
    free(bias);
    free(slope);
    return st;
}

void cls__conv_gemm_release(cls_conv_plan *p)
{
    cl_mem *bufs[5] = {&p->g_b, &p->g_bias, &p->g_slope, &p->g_col, &p->g_out};
    for (int i = 0; i < 5; i++)
        if (*bufs[i]) {
            clReleaseMemObject(*bufs[i]);
            *bufs[i] = NULL;
        }
    p->im2col = p->epilogue = NULL; /* owned by the context's kernel cache */
}
