/* clshuffle layout ops: permutes, channels-first <-> channels-last, blocked formats. */
#ifndef CLSHUFFLE_LAYOUT_H
#define CLSHUFFLE_LAYOUT_H

#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * dst = src permuted: dst.sizes[i] == src.sizes[perm[i]], and
 * dst[i_0, ..., i_{n-1}] = src[j] with j[perm[k]] = i_k. Any strides on both
 * sides; not in place. The library does not own either buffer.
 * @param perm  a permutation of 0..ndim-1.
 * @param done  receives the op's event (the caller releases it); may be NULL.
 */
cls_status cls_permute(cls_context *ctx, const cls_tensor *src, const int *perm,
                       const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                       cl_event *done);

#ifdef __cplusplus
}
#endif
#endif
