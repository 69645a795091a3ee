/* Plain-loop CPU reference of the fused conv + depth-to-space, written from
 * the definitions (conv2d, then ONNX DepthToSpace, then the activation). */
#ifndef CLS_CONV_REF_H
#define CLS_CONV_REF_H

#include "clshuffle/clshuffle.h"

/* What the reference needs besides the tensors: the (defaulted) desc, the
 * weights [V][Cin/groups][KH][KW], bias (V values or NULL) and PReLU slopes
 * (Cout values, used with CLS_ACT_PRELU). */
typedef struct cls__conv_ref_args {
    cls_conv_desc desc;
    const float *weights;
    const float *bias;
    const float *prelu;
} cls__conv_ref_args;

/* Fill dst (a host image of dst's buffer) from src (a host image of src's
 * buffer). Tensors are 4-D (N, C, H, W) or 3-D (N, C, L read as H = 1), f32
 * or f16, any strides. arg is a const cls__conv_ref_args *. */
cls_status cls__ref_conv(const unsigned char *src_host, const cls_tensor *src,
                         unsigned char *dst_host, const cls_tensor *dst, const void *arg);

/* Shared by the conv references (conv.c, conv_transposed.c): a 3-D or 4-D
 * tensor's sizes and strides read as (N, C, H, W) (3-D: H = 1); element e
 * (offset in elements) of a host image loaded or stored as float (f16 or
 * f32); the desc's activation applied to x of output channel c; v, or 1
 * when v <= 0 (the desc's defaults). */
void cls__ref_dims4(const cls_tensor *t, int64_t size[4], int64_t stride[4]);
float cls__ref_load(const unsigned char *img, const cls_tensor *t, int64_t e);
void cls__ref_store(unsigned char *img, const cls_tensor *t, int64_t e, float v);
float cls__ref_activate(const cls__conv_ref_args *a, int c, float x);
int cls__ref_def1(int v);

/* IEEE half <-> float conversions (round to nearest even) for host images. */
float cls__half_to_float(uint16_t h);
uint16_t cls__float_to_half(float f);

#endif
