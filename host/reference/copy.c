/* Reference copy: every logical element of src to the same index of dst. */
#include <string.h>

#include "../internal.h"
#include "reference.h"

cls_status cls__ref_copy(const unsigned char *src_host, const cls_tensor *src,
                         unsigned char *dst_host, const cls_tensor *dst, const void *arg)
{
    int64_t idx[CLS_MAX_DIMS] = {0};
    size_t es = cls_dtype_size(src->dtype);
    (void)arg;
    if (cls_tensor_numel(src) == 0)
        return CLS_OK;
    do {
        memcpy(dst_host + cls__elem_offset(dst, idx), src_host + cls__elem_offset(src, idx), es);
    } while (cls__next_index(src->ndim, src->sizes, idx));
    return CLS_OK;
}
