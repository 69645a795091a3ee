/* Plain-loop CPU reference of the transposed conv, written from the scatter
 * definition (PyTorch conv_transpose2d), not from the sub-pixel rewrite. */
#ifndef CLS_CONV_TRANSPOSED_REF_H
#define CLS_CONV_TRANSPOSED_REF_H

#include "conv_ref.h"

/* Fill dst (a host image of dst's buffer) from src (a host image of src's
 * buffer) for a transposed desc (arg: a const cls__conv_ref_args * with
 * weights [Cin][Cout/groups][KH][KW], bias Cout values or NULL). Tensors are
 * 4-D (N, C, H, W) or 3-D (N, C, L read as H = 1), f32 or f16, any strides. */
cls_status cls__ref_conv_transposed(const unsigned char *src_host, const cls_tensor *src,
                                    unsigned char *dst_host, const cls_tensor *dst,
                                    const void *arg);

#endif
