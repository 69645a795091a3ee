/* CPU reference for depth-to-space / space-to-depth (ONNX DepthToSpace formulas). */
#ifndef CLS_D2S_REF_H
#define CLS_D2S_REF_H

#include "clshuffle/clshuffle.h"

/* What the reference computes: the block, the channel order and the direction. */
typedef struct cls__d2s_ref_arg {
    int block_h;
    int block_w;
    cls_d2s_mode mode;
    int space_to_depth; /* non-zero: src is the space tensor, dst the deep one */
} cls__d2s_ref_arg;

/* Depth-to-space or space-to-depth (arg is a cls__d2s_ref_arg) on host images
 * of whole buffers, with the ops' own descriptors: 4-D (N, C, H, W) or 1-D
 * (N, C, L), any strides. Matches cls__ref_fn for the verify mode. */
cls_status cls__ref_depth_to_space(const unsigned char *src_host, const cls_tensor *src,
                                   unsigned char *dst_host, const cls_tensor *dst,
                                   const void *arg);

#endif
