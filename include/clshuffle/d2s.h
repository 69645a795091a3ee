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
 * with any strides (NCHW, NHWC or mixed); 1-D tensors (N, C*bw, L) ->
 * (N, C, L*bw) with block_h == 1. Every dtype. Not in place; the library does
 * not own either buffer.
 * @param done receives the op's event (the caller releases it); may be NULL.
 * @return CLS_ERR_INVALID_ARG naming the mismatch for wrong sizes or blocks.
 */
cls_status cls_depth_to_space(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                              int block_h, int block_w, cls_d2s_mode mode, cl_uint num_wait,
                              const cl_event *wait, cl_event *done);

/** Space-to-depth, the exact inverse of cls_depth_to_space() with the same
 *  block and mode: src (N, C, H*bh, W*bw) -> dst (N, C*bh*bw, H, W). */
cls_status cls_space_to_depth(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                              int block_h, int block_w, cls_d2s_mode mode, cl_uint num_wait,
                              const cl_event *wait, cl_event *done);

/** PyTorch pixel_shuffle: depth-to-space in CRD mode with an r x r block. */
cls_status cls_pixel_shuffle(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                             int r, cl_uint num_wait, const cl_event *wait, cl_event *done);

/** PyTorch pixel_unshuffle: space-to-depth in CRD mode with an r x r block. */
cls_status cls_pixel_unshuffle(cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                               int r, cl_uint num_wait, const cl_event *wait, cl_event *done);

#ifdef __cplusplus
}
#endif
#endif
