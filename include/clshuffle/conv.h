/* clshuffle fused convolution + pixel shuffle (sub-pixel convolution). */
#ifndef CLSHUFFLE_CONV_H
#define CLSHUFFLE_CONV_H

#include "export.h"

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
 *
 * With transposed != 0 the plan is a transposed convolution (PyTorch
 * conv_transpose1d/2d, ONNX ConvTranspose): stride, padding, dilation and
 * groups mean what they mean there, the block must be 1x1, and dst is
 * (N, Cout, Ho, Wo) with Ho = (H - 1) * stride_h - pad_top - pad_bottom +
 * dilation_h * (kernel_h - 1) + output_padding_h + 1 (likewise Wo). It runs
 * as a sub-pixel convolution: each of the stride_h x stride_w output phases
 * is a small stride-1 conv of src with only its own taps, written in place
 * (no zero insertion, no col2im, no intermediate tensor).
 */
/**
 * Whether a plan may run the conv through a space-to-depth rewrite (the
 * Qualcomm HTP guide's "use space-to-depth where possible"). Both rewrites
 * are exact: weights are transformed once, at plan creation, and the taps no
 * original tap lands on hold exact zeros.
 *  - A stride-s conv (kernel K, dilation d) runs as a stride-1 conv reading
 *    the space-to-depth(s) view of src with kernel ceil((d*(K-1)+1)/s) (one
 *    tap more where the padding is not a multiple of s and no grid shift
 *    helps), e.g. the ResNet-50 stem 7x7/2 pad 3 on 224x224x3 = a 4x4 conv
 *    with pads (2, 1) on 112x112x12.
 *  - A stride-1 conv runs as a space-to-depth(b)-read, depth-to-space(b)-write
 *    conv with b*b times the channels on a quarter of the pixels (3x3 8->8 on
 *    1024x1024 = 2x2 32->32 on 512x512 with the grid shifted by the padding),
 *    b = rewrite_block_h x rewrite_block_w, default 2x2, or 1x2 (width to
 *    depth) for kernels of height 1 without vertical padding.
 * Rewrites apply to plain descs (no in- or out-block, not transposed);
 * forcing one on another desc gives CLS_ERR_UNSUPPORTED naming why.
 * cls_conv_plan_get_rewrite says what a plan runs.
 */
typedef enum cls_conv_rewrite {
    CLS_CONV_REWRITE_AUTO = 0,      /**< the plan chooses (host/conv_rewrite.c: measured rule) */
    CLS_CONV_REWRITE_NONE,          /**< run the desc as given */
    CLS_CONV_REWRITE_SPACE_TO_DEPTH /**< run the space-to-depth form */
} cls_conv_rewrite;

typedef struct cls_conv_desc {
    int in_channels;  /**< Cin */
    int out_channels; /**< Cout after the shuffle (conv produces Cout*bh*bw) */
    int kernel_h, kernel_w;
    int stride_h, stride_w; /**< 0 means 1; > 1 only with a 1x1 (output) block */
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
    int transposed;     /**< nonzero: a transposed conv; weights [Cin][Cout/groups][KH][KW],
                             bias Cout values, block 1x1 (CLS_ERR_UNSUPPORTED otherwise) */
    int output_padding_h, output_padding_w; /**< transposed only: rows / columns added at the
                                                 bottom / right, each < max(stride, dilation)
                                                 on its axis */
    /** Input block (pixel-unshuffle / space-to-depth read), 0 means 1: the
     *  conv reads src (N, in_channels, H*in_block_h, W*in_block_w) as its
     *  space-to-depth (N, in_channels*in_block_h*in_block_w, H, W) in in_mode's
     *  channel order, with no intermediate tensor. Weights are then
     *  [Cout*bh*bw][in_channels*ibh*ibw/groups][KH][KW] and groups divide
     *  in_channels*ibh*ibw. src's height and width must be multiples of the
     *  block. Combines with the output block, padding (on the unshuffled
     *  grid), dilation, groups, activations, f16 and every layout; 3-D tensors
     *  take in_block_h 1. Direct path only: the GEMM path and transposed
     *  plans give CLS_ERR_UNSUPPORTED (AUTO picks the direct path), and the
     *  CPU tier's 1x1 kernel leaves them to the portable direct kernel. */
    int in_block_h, in_block_w;
    cls_d2s_mode in_mode;                 /**< channel order of the input block (DCR/CRD) */
    cls_conv_rewrite rewrite;             /**< space-to-depth rewrite: AUTO, NONE or forced */
    int rewrite_block_h, rewrite_block_w; /**< stride-1 rewrite's block; 0: the plan's
                                               choice (2x2, or 1x2 for kernel_h 1 without
                                               vertical padding); ignored for strided convs
                                               (the block is the stride) */
} cls_conv_desc;

/** What a plan runs after its rewrite choice. */
typedef struct cls_conv_rewrite_info {
    cls_conv_rewrite rewrite; /**< NONE or SPACE_TO_DEPTH (never AUTO) */
    /** The conv the kernels run: the plan's desc (defaults applied), or the
     *  rewritten in-block desc (in_mode and mode CRD, stride and dilation 1,
     *  pads on the space-to-depth grid; pad_bottom / pad_right as a src whose
     *  size is a multiple of the block needs them). prelu points at the
     *  plan's copy. */
    cls_conv_desc desc;
    /** The space-to-depth grid starts grid_top rows above and grid_left
     *  columns left of src (src padded by that much first: a shifted grid,
     *  which saves a tap when the padding is not a multiple of the block). */
    int grid_top, grid_left;
} cls_conv_rewrite_info;

/**
 * The sub-pixel conv that one output phase of a transposed conv runs, per
 * axis: output row oh = stride_h * q + phase_h reads src rows q + head_h +
 * t * step_h for t < taps_h (likewise columns). taps 0 means the phase gets
 * the bias only (a kernel smaller than the stride).
 */
typedef struct cls_conv_phase_info {
    int taps_h, taps_w; /**< the phase's kernel extent in taps (K') */
    int step_h, step_w; /**< src distance between taps: dilation / gcd(stride, dilation) */
    int head_h, head_w; /**< src offset of the first tap (a left pad of -head) */
} cls_conv_phase_info;

/** The effective sub-pixel conv of a transposed plan. */
typedef struct cls_conv_transposed_info {
    int block_h, block_w;       /**< phases per axis: the stride (the depth-to-space block) */
    int max_taps_h, max_taps_w; /**< the largest phase extents */
    int taps_total;             /**< taps of all phases: kernel_h * kernel_w */
} cls_conv_transposed_info;

typedef struct cls_conv_plan cls_conv_plan;

/**
 * Create a plan: validates desc, chooses the rewrite and the path, transforms
 * and packs weights (and bias) on the device in the kernel's layout and
 * builds its kernels. The host arrays are copied.
 * @param weights PyTorch layout [Cout*bh*bw][Cin*ibh*ibw/groups][KH][KW],
 *                virtual output channel v = the depth-to-space source
 *                channel, input channel = the space-to-depth channel.
 * @param bias    Cout*bh*bw values, or NULL.
 * @return CLS_ERR_INVALID_ARG naming the mismatch.
 */
CLS_API cls_status cls_conv_plan_create(cls_context *ctx, const cls_conv_desc *desc,
                                        const float *weights, const float *bias,
                                        cls_conv_plan **plan);

/**
 * Enqueue the fused conv. src (N, Cin, H, W) and dst (N, Cout, Ho*bh, Wo*bw)
 * with any strides (NCHW, NHWC, mixed); 3-D (N, C, L) tensors are read as
 * H = 1. Not in place. The library does not own either buffer.
 * @param done receives the op's event (the caller releases it); may be NULL.
 *             On the GEMM path it is a marker that completes after the
 *             whole sequence (im2col, GEMMs, epilogue).
 */
CLS_API cls_status cls_conv_plan_enqueue(cls_conv_plan *plan, const cls_tensor *src,
                                         const cls_tensor *dst, cl_uint num_wait,
                                         const cl_event *wait, cl_event *done);

/**
 * The sub-pixel form of a transposed plan: its block and largest phases.
 * @return CLS_ERR_INVALID_ARG when plan or info is NULL or the plan is not
 *         transposed.
 */
CLS_API cls_status cls_conv_plan_get_transposed_info(const cls_conv_plan *plan,
                                                     cls_conv_transposed_info *info);

/**
 * One output phase (phase_h < stride_h, phase_w < stride_w) of a transposed
 * plan: its taps, tap step and head offset per axis.
 * @return CLS_ERR_INVALID_ARG naming a NULL argument, a plan that is not
 *         transposed or a phase out of range.
 */
CLS_API cls_status cls_conv_plan_get_transposed_phase(const cls_conv_plan *plan, int phase_h,
                                                      int phase_w, cls_conv_phase_info *info);

/**
 * The plan's rewrite choice and the effective desc it runs.
 * @return CLS_ERR_INVALID_ARG when plan or info is NULL.
 */
CLS_API cls_status cls_conv_plan_get_rewrite(const cls_conv_plan *plan,
                                             cls_conv_rewrite_info *info);

/** The path the plan runs (never AUTO). */
CLS_API cls_status cls_conv_plan_get_path(const cls_conv_plan *plan, cls_conv_path *path);

/** Release the plan's device buffers and kernels; NULL is a no-op. */
CLS_API void cls_conv_plan_destroy(cls_conv_plan *plan);

#ifdef __cplusplus
}
#endif
#endif
