/* Reference blocked-format reorders (nC[D]HW{b}c and friends). */
#include <string.h>

#include "../internal.h"
#include "layout_ref.h"

/* The plain index of blocked index q (n, cq, s..., j): channel cq*b + j. */
static int64_t plain_index(const int64_t *q, int plain_ndim, int block, int64_t *p)
{
    p[0] = q[0];
    p[1] = q[1] * block + q[plain_ndim];
    for (int d = 2; d < plain_ndim; d++)
        p[d] = q[d];
    return p[1];
}

cls_status cls__ref_blocked_pack(const unsigned char *src_host, const cls_tensor *src,
                                 unsigned char *dst_host, const cls_tensor *dst, const void *arg)
{
    int block = *(const int *)arg;
    int64_t q[CLS_MAX_DIMS] = {0}, p[CLS_MAX_DIMS] = {0};
    size_t es = cls_dtype_size(src->dtype);
    if (cls_tensor_numel(dst) == 0)
        return CLS_OK;
    do {
        unsigned char *to = dst_host + cls__elem_offset(dst, q);
        if (plain_index(q, src->ndim, block, p) < src->sizes[1])
            memcpy(to, src_host + cls__elem_offset(src, p), es);
        else
            memset(to, 0, es);
    } while (cls__next_index(dst->ndim, dst->sizes, q));
    return CLS_OK;
}

cls_status cls__ref_blocked_unpack(const unsigned char *src_host, const cls_tensor *src,
                                   unsigned char *dst_host, const cls_tensor *dst,
                                   const void *arg)
{
    int block = *(const int *)arg;
    int64_t q[CLS_MAX_DIMS] = {0}, p[CLS_MAX_DIMS] = {0};
    size_t es = cls_dtype_size(src->dtype);
    if (cls_tensor_numel(src) == 0)
        return CLS_OK;
    do {
        if (plain_index(q, dst->ndim, block, p) < dst->sizes[1])
            memcpy(dst_host + cls__elem_offset(dst, p), src_host + cls__elem_offset(src, q), es);
    } while (cls__next_index(src->ndim, src->sizes, q));
    return CLS_OK;
}
