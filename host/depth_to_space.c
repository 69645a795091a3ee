/* Depth-to-space (placeholder until the depth-to-space issue lands). */
#include "internal.h"

#define UNUSED_ARGS (void)ctx, (void)src, (void)dst, (void)num_wait, (void)wait, (void)done

cls_status cls_depth_to_space(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                              int bh, int bw, cls_d2s_mode mode, cl_uint num_wait,
                              const cl_event *wait, cl_event *done)
{
    UNUSED_ARGS, (void)bh, (void)bw, (void)mode;
    return cls__fail(CLS_ERR_UNSUPPORTED, "cls_depth_to_space: not implemented yet");
}

cls_status cls_space_to_depth(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                              int bh, int bw, cls_d2s_mode mode, cl_uint num_wait,
                              const cl_event *wait, cl_event *done)
{
    UNUSED_ARGS, (void)bh, (void)bw, (void)mode;
    return cls__fail(CLS_ERR_UNSUPPORTED, "cls_space_to_depth: not implemented yet");
}

cls_status cls_pixel_shuffle(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                             int r, cl_uint num_wait, const cl_event *wait, cl_event *done)
{
    return cls_depth_to_space(ctx, src, dst, r, r, CLS_CRD, num_wait, wait, done);
}

cls_status cls_pixel_unshuffle(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                               int r, cl_uint num_wait, const cl_event *wait, cl_event *done)
{
    return cls_space_to_depth(ctx, src, dst, r, r, CLS_CRD, num_wait, wait, done);
}
