/* cls_permute (placeholder until the layout-engine issue lands). */
#include "internal.h"

cls_status cls_permute(cls_context *ctx, const cls_tensor *src, const int *perm,
                       const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                       cl_event *done)
{
    (void)ctx, (void)src, (void)perm, (void)dst, (void)num_wait, (void)wait, (void)done;
    return cls__fail(CLS_ERR_UNSUPPORTED, "cls_permute: not implemented yet");
}
