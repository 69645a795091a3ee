/* clshuffle depth-to-space / space-to-depth (pixel shuffle / unshuffle). */
#ifndef CLSHUFFLE_D2S_H
#define CLSHUFFLE_D2S_H

#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Channel order of a depth-to-space block (ONNX DepthToSpace "mode"). */
typedef enum cls_d2s_mode {
    /** Depth-column-row, ONNX default and TensorFlow:
     *  dst[n][c][h*bh+i][w*bw+j] = src[n][(i*bw+j)*C + c][h][w]. */
    CLS_DCR = 0,
    /** Column-row-depth, PyTorch pixel_shuffle:
     *  dst[n][c][h*bh+i][w*bw+j] = src[n][c*bh*bw + i*bw + j][h][w]. */
    CLS_CRD = 1
} cls_d2s_mode;

/**
 * Depth-to-space. src is (N, C*bh*bw, H, W), dst (N, C, H*bh, W*bw), each
 * with any strides (NCHW, NHWC or mixed: a layout change happens in the same
 * pass); 1-D tensors (N, C*bw, L) -> (N, C, L*bw) with block_h == 1. Every
 * dtype. Not in place; the library does not own either buffer. Enqueued on
 * the context's queue after the wait list; empty tensors give a completed
 * event. In verify mode the result is checked against the CPU reference.
 * @param block_h, block_w the block (>= 1; block_h == 1 for 1-D tensors).
 * @param mode     CLS_DCR or CLS_CRD.
 * @param num_wait, wait events to wait for (wait is NULL iff num_wait is 0).
 * @param done     receives the op's event (the caller releases it); may be NULL.
 * @return CLS_OK; CLS_ERR_INVALID_ARG naming the mismatch and the numbers
 *         (channels not divisible by block_h * block_w, dst sizes, block < 1,
 *         1-D with block_h != 1, dtypes, ranks, mode); CLS_ERR_OVERLAP when
 *         dst overlaps src; CLS_ERR_BUFFER_TOO_SMALL; CLS_ERR_OPENCL.
 */
CLS_API cls_status cls_depth_to_space(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                              int block_h, int block_w, cls_d2s_mode mode, cl_uint num_wait,
                              const cl_event *wait, cl_event *done);

/** Space-to-depth, the exact inverse of cls_depth_to_space() with the same
 *  block and mode: src (N, C, H*bh, W*bw) -> dst (N, C*bh*bw, H, W); the
 *  src spatial sizes must divide by the block. Arguments, events and errors
 *  as for cls_depth_to_space(). */
CLS_API cls_status cls_space_to_depth(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                              int block_h, int block_w, cls_d2s_mode mode, cl_uint num_wait,
                              const cl_event *wait, cl_event *done);

/** PyTorch pixel_shuffle: depth-to-space in CRD mode with an r x r block. */
CLS_API cls_status cls_pixel_shuffle(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                             int r, cl_uint num_wait, const cl_event *wait, cl_event *done);

/** PyTorch pixel_unshuffle: space-to-depth in CRD mode with an r x r block. */
CLS_API cls_status cls_pixel_unshuffle(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                               int r, cl_uint num_wait, const cl_event *wait, cl_event *done);

#ifdef __cplusplus
}
#endif
#endif
