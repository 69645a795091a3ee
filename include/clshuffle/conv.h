/* clshuffle fused convolution + pixel shuffle (sub-pixel convolution). */
#ifndef CLSHUFFLE_CONV_H
#define CLSHUFFLE_CONV_H

#include "d2s.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cls_activation {
    CLS_ACT_NONE = 0,
    CLS_ACT_RELU,
    CLS_ACT_LEAKY_RELU, /**< x < 0 ? alpha * x : x, alpha = desc.act_alpha */
    CLS_ACT_PRELU,      /**< per output channel slope (desc.prelu, Cout values) */
    CLS_ACT_SIGMOID
} cls_activation;

/**
 * Which implementation a plan runs. AUTO picks DIRECT on CPU devices (on
 * PoCL it measured 5-20x faster than CLBlast's GEMM for every layer shape
 * tried) and GEMM on GPUs for 1x1 convs with Cin >= 32 or reductions of
 * Cin*KH*KW >= 1024 with groups = 1 and f32; DIRECT everywhere else.
 */
typedef enum cls_conv_path {
    CLS_CONV_PATH_AUTO = 0, /**< the plan chooses by shape and device */
    CLS_CONV_PATH_DIRECT,   /**< the fused direct OpenCL kernel */
    CLS_CONV_PATH_GEMM      /**< CLBlast GEMM writing the shuffled output (groups 1, f32);
                                 channels-last dst is written by the GEMM itself, other
                                 layouts go through a plan-owned scratch */
} cls_conv_path;

/**
 * A convolution with out_channels * block_h * block_w virtual output channels
 * whose results are stored at their depth-to-space positions: src (N, Cin, H,
 * W) -> dst (N, Cout, Ho*bh, Wo*bw), Ho/Wo the usual conv output size. block
 * 1x1 is a plain conv. Zero-initialise, then set the fields.
 */
typedef struct cls_conv_desc {
    int in_channels;  /**< Cin */
    int out_channels; /**< Cout after the shuffle (conv produces Cout*bh*bw) */
    int kernel_h, kernel_w;
    int stride_h, stride_w; /**< 0 means 1; > 1 only with a 1x1 block */
    int pad_top, pad_bottom, pad_left, pad_right;
    int dilation_h, dilation_w; /**< 0 means 1 */
    int groups;                 /**< 0 means 1; Cin and Cout*bh*bw divisible */
    int block_h, block_w;       /**< 0 means 1 */
    cls_d2s_mode mode;          /**< channel order of the block (DCR/CRD) */
    cls_activation activation;
    float act_alpha;    /**< leaky relu slope */
    const float *prelu; /**< CLS_ACT_PRELU: Cout slopes, copied at plan creation */
    cls_dtype dtype;    /**< CLS_F32 (0 is read as F32), or CLS_F16: half storage with
                             float arithmetic (vload_half), on any device, direct path */
    cls_conv_path path; /**< force a path, or AUTO */
} cls_conv_desc;

typedef struct cls_conv_plan cls_conv_plan;

/**
 * Create a plan: validates desc, packs weights (and bias) on the device in
 * the kernel's layout and builds its kernels. The host arrays are copied.
 * @param weights PyTorch layout [Cout*bh*bw][Cin/groups][KH][KW], virtual
 *                output channel v = the depth-to-space source channel.
 * @param bias    Cout*bh*bw values, or NULL.
 * @return CLS_ERR_INVALID_ARG naming the mismatch.
 */
cls_status cls_conv_plan_create(cls_context *ctx, const cls_conv_desc *desc, const float *weights,
                                const float *bias, cls_conv_plan **plan);

/**
 * Enqueue the fused conv. src (N, Cin, H, W) and dst (N, Cout, Ho*bh, Wo*bw)
 * with any strides (NCHW, NHWC, mixed); 3-D (N, C, L) tensors are read as
 * H = 1. Not in place. The library does not own either buffer.
 * @param done receives the op's event (the caller releases it); may be NULL.
 *             On the GEMM path it is a marker that completes after the
 *             whole sequence (im2col, GEMMs, epilogue).
 */
cls_status cls_conv_plan_enqueue(cls_conv_plan *plan, const cls_tensor *src, const cls_tensor *dst,
                                 cl_uint num_wait, const cl_event *wait, cl_event *done);

/** The path the plan runs (never AUTO). */
cls_status cls_conv_plan_get_path(const cls_conv_plan *plan, cls_conv_path *path);

/** Release the plan's device buffers and kernels; NULL is a no-op. */
void cls_conv_plan_destroy(cls_conv_plan *plan);

#ifdef __cplusplus
}
#endif
#endif
