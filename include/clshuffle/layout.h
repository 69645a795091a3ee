/* clshuffle layout ops: permutes, channels-first <-> channels-last, blocked formats. */
#ifndef CLSHUFFLE_LAYOUT_H
#define CLSHUFFLE_LAYOUT_H

#include "export.h"

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
 * @return CLS_ERR_INVALID_ARG naming the problem (a perm entry out of range
 *         or repeated, a size mismatch, different dtypes), CLS_ERR_OVERLAP,
 *         CLS_ERR_BUFFER_TOO_SMALL.
 */
CLS_API cls_status cls_permute(cls_context *ctx, const cls_tensor *src, const int *perm,
                       const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                       cl_event *done);

/**
 * Channels-first to channels-last between two densely packed buffers:
 * src holds (N, C, H, W) row-major at src_offset bytes, dst receives
 * (N, H, W, C) row-major at dst_offset bytes. Same return values and
 * ownership as cls_permute(); done may be NULL.
 */
CLS_API cls_status cls_nchw_to_nhwc(cls_context *ctx, cl_mem src, size_t src_offset, cl_mem dst,
                            size_t dst_offset, cls_dtype dtype, int64_t n, int64_t c, int64_t h,
                            int64_t w, cl_uint num_wait, const cl_event *wait, cl_event *done);

/** Channels-last to channels-first: src (N, H, W, C) -> dst (N, C, H, W), packed. */
CLS_API cls_status cls_nhwc_to_nchw(cls_context *ctx, cl_mem src, size_t src_offset, cl_mem dst,
                            size_t dst_offset, cls_dtype dtype, int64_t n, int64_t c, int64_t h,
                            int64_t w, cl_uint num_wait, const cl_event *wait, cl_event *done);

/** 1-D channels-first to channels-last: src (N, C, L) -> dst (N, L, C), packed. */
CLS_API cls_status cls_ncl_to_nlc(cls_context *ctx, cl_mem src, size_t src_offset, cl_mem dst,
                          size_t dst_offset, cls_dtype dtype, int64_t n, int64_t c, int64_t l,
                          cl_uint num_wait, const cl_event *wait, cl_event *done);

/** 1-D channels-last to channels-first: src (N, L, C) -> dst (N, C, L), packed. */
CLS_API cls_status cls_nlc_to_ncl(cls_context *ctx, cl_mem src, size_t src_offset, cl_mem dst,
                          size_t dst_offset, cls_dtype dtype, int64_t n, int64_t c, int64_t l,
                          cl_uint num_wait, const cl_event *wait, cl_event *done);

/** 3-D channels-first to channels-last: src (N, C, D, H, W) -> dst (N, D, H, W, C). */
CLS_API cls_status cls_ncdhw_to_ndhwc(cls_context *ctx, cl_mem src, size_t src_offset, cl_mem dst,
                              size_t dst_offset, cls_dtype dtype, int64_t n, int64_t c,
                              int64_t d, int64_t h, int64_t w, cl_uint num_wait,
                              const cl_event *wait, cl_event *done);

/** 3-D channels-last to channels-first: src (N, D, H, W, C) -> dst (N, C, D, H, W). */
CLS_API cls_status cls_ndhwc_to_ncdhw(cls_context *ctx, cl_mem src, size_t src_offset, cl_mem dst,
                              size_t dst_offset, cls_dtype dtype, int64_t n, int64_t c,
                              int64_t d, int64_t h, int64_t w, cl_uint num_wait,
                              const cl_event *wait, cl_event *done);

/**
 * Descriptor of a channel-blocked tensor (oneDNN nCw{b}c, nChw{b}c,
 * nCdhw{b}c): the dense row-major view (N, ceil(C/b), spatial..., b) of the
 * plain logical shape sizes = (N, C, spatial...).
 * @param ndim  dims of the plain shape, 2..CLS_MAX_DIMS - 1 (3: NCL, 4: NCHW,
 *              5: NCDHW); the result has ndim + 1 dims.
 * @param block channels per block, 1..64 (4, 8 and 16 are the usual ones).
 * @return the view; ndim 0 (rejected by every op) when ndim or block is out
 *         of range or sizes is NULL. The library does not own the buffer.
 */
CLS_API cls_tensor cls_tensor_blocked(cl_mem buffer, size_t offset, cls_dtype dtype, int ndim,
                              const int64_t *sizes, int block);

/**
 * Plain to blocked: dst[n][q][s...][j] = src[n][q*block + j][s...], and the
 * padding lanes (q*block + j >= C) of the last block are set to zero.
 * src is (N, C, spatial...) with any strides (NCHW, NHWC, ...); dst is
 * (N, ceil(C/block), spatial..., block) with any strides, as made by
 * cls_tensor_blocked(). Not in place; done may be NULL.
 * @return CLS_ERR_INVALID_ARG naming a shape or block mismatch.
 */
CLS_API cls_status cls_blocked_pack(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                            int block, cl_uint num_wait, const cl_event *wait, cl_event *done);

/**
 * Blocked to plain, the inverse of cls_blocked_pack(): dst[n][c][s...] =
 * src[n][c/block][s...][c%block]; the padding lanes are not read.
 */
CLS_API cls_status cls_blocked_unpack(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                              int block, cl_uint num_wait, const cl_event *wait,
                              cl_event *done);

#ifdef __cplusplus
}
#endif
#endif
