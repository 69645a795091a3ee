/* Internal state of a fused conv plan, shared by host/conv*.c (not installed). */
#ifndef CLS_CONV_PLAN_H
#define CLS_CONV_PLAN_H

#include "internal.h"

/* Sizes and element strides of one enqueue, tensors read as (N, C, H, W). */
typedef struct cls__conv_shape {
    int64_t n, h, w, ho, wo;
    int64_t ss[4], ds[4]; /* src and dst strides (N, C, H, W) */
    int64_t soff, doff;   /* offsets in elements */
    int64_t lim_h, lim_w; /* dst's spatial size (the store crops past it) */
    int crop;             /* ho * bh > lim_h or wo * bw > lim_w: a rewrite's partial block */
} cls__conv_shape;

struct cls_conv_plan {
    cls_context *ctx;
    cls_conv_desc user; /* as created, defaults applied; prelu points at the plan's copy */
    /* The conv the kernels run: user, or its space-to-depth rewrite (conv_rewrite.c). */
    cls_conv_desc desc;
    cls_conv_rewrite rewrite; /* NONE or SPACE_TO_DEPTH */
    int grid_h, grid_w;       /* the s2d grid starts this far above / left of src */
    int ratio_h, ratio_w;     /* desc's output block over user's (a stride-1 rewrite: b) */
    int v_all, vg, cg;        /* desc's virtual channels, per group; s2d input channels per group */
    cls_conv_path path;
    float *weights, *bias, *prelu; /* host copies for desc (bias, prelu may be NULL) */
    float *uweights, *ubias;       /* user's weights and bias (verify); may alias the above */
    /* Direct path: packed float8 weights, bias, slopes and the lane map. */
    int nvec, tw, nvb, local;
    int w1x1_failed;            /* the CPU tier's 1x1 kernel did not build: direct from then on */
    int lanes_cl;               /* lanes in (i, j, c) order: 8 consecutive channels per vector */
    cl_kernel direct, direct_v; /* direct_v: whole-vector stores, built on first use */
    cl_mem d_wts, d_bias, d_slope, d_vmap;
    cl_mem d_cmap; /* in-block plans: s2d channel -> (c, i, j) of src */
    /* Direct 1x1 kernel vectorised along W (NCHW to NCHW), built on first use:
     * NC output channels and TV float8 runs per work-item, channel blocks. */
    int w_nc, w_tv, w_ncb;
    cl_kernel w1x1;
    cl_mem w_wts, w_bias, w_slope;
    /* GEMM path: B = [KH*KW*Cin][V] with V in (i, j, c) order, epilogue data. */
    cl_kernel im2col, epilogue;
    cl_mem g_b, g_bias, g_slope;
    cl_mem g_col, g_out; /* scratch, allocated lazily and grown */
    size_t g_col_bytes, g_out_bytes;
    struct cls__convt *convt; /* transposed plans: phases, kernels (conv_transposed.c) */
};

/* Virtual channel v -> (c, i, j) of the shuffle, per the plan's mode. */
void cls__conv_unshuffle(const cls_conv_desc *d, int v, int *c, int *i, int *j);

/* Rewrites (conv_rewrite.c): choose (AUTO rule or forced) and set desc,
 * grid, ratio, weights and bias from user, uweights and ubias. */
cls_status cls__conv_rewrite_init(cls_conv_plan *p);
/* Tests: 1 makes the rewrites use the unshifted grid (grid 0) for the
 * calling thread's plan creations, 0 restores the shift that saves taps. */
void cls__conv_rewrite_force_grid0(int on);
/* A read-only device buffer initialised from host memory. */
cls_status cls__conv_buffer(cls_context *ctx, const void *host, size_t bytes, cl_mem *buf);

cls_status cls__conv_direct_init(cls_conv_plan *p);
/* Non-zero when dst's channel stride lets the direct kernel store vectors. */
int cls__conv_direct_vstore_fits(const cls_conv_plan *p, const cls__conv_shape *s);
/* Arguments 0..6 shared by the direct, transposed and 1x1 kernels: src
 * buffer, offset and strides, the input's H x W, dst buffer, offset and
 * strides (cls__launch names the first that failed). */
void cls__conv_set_io_args(cls__args *a, const cls_tensor *src, const cls_tensor *dst,
                           const cls__conv_shape *s);
cls_status cls__conv_direct_enqueue(cls_conv_plan *p, const cls_tensor *src, const cls_tensor *dst,
                                    const cls__conv_shape *s, cl_uint num_wait,
                                    const cl_event *wait, cl_event *ev);
void cls__conv_direct_release(cls_conv_plan *p);

/* Non-zero when the W-vectorised 1x1 kernel can run this enqueue. */
int cls__conv_w1x1_fits(const cls_conv_plan *p, const cls__conv_shape *s);
cls_status cls__conv_w1x1_enqueue(cls_conv_plan *p, const cls_tensor *src, const cls_tensor *dst,
                                  const cls__conv_shape *s, cl_uint num_wait, const cl_event *wait,
                                  cl_event *ev);
void cls__conv_w1x1_release(cls_conv_plan *p);

/* CLS_OK when the GEMM path can run desc; else the reason (CLS_ERR_UNSUPPORTED). */
/* Non-zero when the GEMM path is expected to beat the direct kernel. */
int cls__conv_gemm_wins(const cls_context *ctx, const cls_conv_desc *d);
cls_status cls__conv_gemm_supported(const cls_context *ctx, const cls_conv_desc *d);
cls_status cls__conv_gemm_init(cls_conv_plan *p);
cls_status cls__conv_gemm_enqueue(cls_conv_plan *p, const cls_tensor *src, const cls_tensor *dst,
                                  const cls__conv_shape *s, cl_uint num_wait, const cl_event *wait,
                                  cl_event *ev);
void cls__conv_gemm_release(cls_conv_plan *p);

/* Transposed conv (conv_transposed.c). Desc checks of the transposed fields
 * (defaults applied; also rejects output padding on a plain conv). */
cls_status cls__convt_check_desc(const cls_conv_desc *d);
/* Output size of a transposed conv along one axis (may be < 1). */
int64_t cls__convt_out_size(int64_t in, int stride, int pa, int pb, int dil, int k, int op);
/* Phase tables, packed weights and the kernel; CLS_ERR_UNSUPPORTED for the GEMM path. */
cls_status cls__convt_init(cls_conv_plan *p);
cls_status cls__convt_enqueue(cls_conv_plan *p, const cls_tensor *src, const cls_tensor *dst,
                              const cls__conv_shape *s, cl_uint num_wait, const cl_event *wait,
                              cl_event *ev);
void cls__convt_release(cls_conv_plan *p);
/* Tests: build the calling thread's later direct-conv plans with the
 * run-time tap counts even for kernels up to 5 x 5 (0), or as the size says
 * (-1): sweeps cover both variants without compiling one program per shape. */
void cls__conv_direct_force_taps(int taps);
/* Tests: force the kernel with compile-time tap counts (1), the generic one
 * (0), or let the size decide (-1) for the calling thread's enqueues. */
void cls__convt_force_spec(int spec);

/* Verify mode: compare dst with the CPU reference after ev. */
cls_status cls__conv_verify(cls_conv_plan *p, const cls_tensor *src, const cls_tensor *dst,
                            cl_event ev);

#endif
