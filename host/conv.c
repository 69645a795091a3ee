/* Fused conv + pixel shuffle (placeholder until the fused-conv issue lands). */
#include "internal.h"

cls_status cls_conv_plan_create(cls_context *ctx, const cls_conv_desc *desc,
                                const float *weights, const float *bias, cls_conv_plan **plan)
{
    (void)ctx, (void)desc, (void)weights, (void)bias;
    if (plan)
        *plan = NULL;
    return cls__fail(CLS_ERR_UNSUPPORTED, "cls_conv_plan_create: not implemented yet");
}

cls_status cls_conv_plan_enqueue(cls_conv_plan *plan, const cls_tensor *src,
                                 const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                                 cl_event *done)
{
    (void)plan, (void)src, (void)dst, (void)num_wait, (void)wait, (void)done;
    return cls__fail(CLS_ERR_UNSUPPORTED, "cls_conv_plan_enqueue: not implemented yet");
}

cls_status cls_conv_plan_get_path(const cls_conv_plan *plan, cls_conv_path *path)
{
    (void)plan, (void)path;
    return cls__fail(CLS_ERR_UNSUPPORTED, "cls_conv_plan_get_path: not implemented yet");
}

void cls_conv_plan_destroy(cls_conv_plan *plan)
{
    (void)plan;
}
