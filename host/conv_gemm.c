/* Fused conv, GEMM path on CLBlast (stub while the direct path lands). */
#include "conv_plan.h"

cls_status cls__conv_gemm_supported(const cls_context *ctx, const cls_conv_desc *d)
{
    (void)ctx, (void)d;
    return cls__fail(CLS_ERR_UNSUPPORTED, "conv: the GEMM path is not available yet");
}

int cls__conv_gemm_wins(const cls_context *ctx, const cls_conv_desc *d)
{
    (void)ctx, (void)d;
    return 0;
}

cls_status cls__conv_gemm_init(cls_conv_plan *p)
{
    (void)p;
    return CLS_ERR_UNSUPPORTED;
}

cls_status cls__conv_gemm_enqueue(cls_conv_plan *p, const cls_tensor *src,
                                  const cls_tensor *dst, const cls__conv_shape *s,
                                  cl_uint num_wait, const cl_event *wait, cl_event *ev)
{
    (void)p, (void)src, (void)dst, (void)s, (void)num_wait, (void)wait, (void)ev;
    return CLS_ERR_UNSUPPORTED;
}

void cls__conv_gemm_release(cls_conv_plan *p)
{
    (void)p;
}
