/* Reference permute: every dst index mapped back to its src index. */
#include <string.h>

#include "../internal.h"
#include "layout_ref.h"

cls_status cls__ref_permute(const unsigned char *src_host, const cls_tensor *src,
                            unsigned char *dst_host, const cls_tensor *dst, const void *arg)
{
    const int *perm = arg;
    int64_t i[CLS_MAX_DIMS] = {0}, j[CLS_MAX_DIMS] = {0};
    size_t es = cls_dtype_size(src->dtype);
    if (cls_tensor_numel(dst) == 0)
        return CLS_OK;
    do {
        for (int k = 0; k < dst->ndim; k++)
            j[perm[k]] = i[k];
        memcpy(dst_host + cls__elem_offset(dst, i), src_host + cls__elem_offset(src, j), es);
    } while (cls__next_index(dst->ndim, dst->sizes, i));
    return CLS_OK;
}
