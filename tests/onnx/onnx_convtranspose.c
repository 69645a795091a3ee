/* ONNX ConvTranspose (1-D and 2-D) onto cls_conv_plan with desc.transposed:
 * ONNX attributes -> cls_conv_desc. Built only when cls_conv_desc has the
 * transposed-conv fields (CMake checks desc.output_padding_h). */
#include <stdio.h>
#include <string.h>

#include "onnx_driver.h"

/*
 * One spatial axis, per the ONNX ConvTranspose spec: explicit pads; or, with
 * output_shape (or auto_pad SAME_*, whose output is in * stride), the total
 * padding s*(in-1) + output_padding + (k-1)*d + 1 - out split between begin
 * and end (SAME_UPPER: begin = total/2; otherwise begin = total - total/2).
 * A negative total (an output_shape beyond the full result) is output
 * padding at the end, as in the ONNX reference and onnxruntime.
 */
static int convt_axis(const char *auto_pad, int64_t in, int64_t k, int64_t s, int64_t d,
                      int64_t out_shape, int64_t *pb, int64_t *pe, int64_t *op, int64_t *out)
{
    int same = strcmp(auto_pad, "SAME_UPPER") == 0 || strcmp(auto_pad, "SAME_LOWER") == 0;
    if (!same && strcmp(auto_pad, "VALID") != 0 && strcmp(auto_pad, "NOTSET") != 0)
        return -1;
    if (out_shape <= 0 && same)
        out_shape = in * s;
    if (out_shape > 0) {
        int64_t total = s * (in - 1) + *op + (k - 1) * d + 1 - out_shape;
        if (total < 0) {
            *op -= total;
            total = 0;
        }
        *pb = strcmp(auto_pad, "SAME_UPPER") == 0 ? total / 2 : total - total / 2;
        *pe = total - *pb;
    } else if (strcmp(auto_pad, "VALID") == 0) {
        *pb = *pe = 0;
    }
    *out = s * (in - 1) + *op + (k - 1) * d + 1 - *pb - *pe;
    return *out >= 1 ? 0 : -1;
}

ox_outcome ox_run_convtranspose(ox_env *env, const ox_step *step, const ox_value *x,
                                const ox_host *w, const ox_host *b, ox_value *y)
{
    if (x->ndim != 3 && x->ndim != 4) {
        snprintf(env->msg, env->msg_size, "%d-D ConvTranspose: clshuffle's conv is 1-D and 2-D",
                 x->ndim - 2);
        return OX_UNSUPPORTED;
    }
    if (x->dtype != CLS_F32) {
        snprintf(env->msg, env->msg_size, "ConvTranspose on %s (f32 cases only)",
                 cls_dtype_name(x->dtype));
        return OX_UNSUPPORTED;
    }
    if (!w || w->ndim != x->ndim || w->dtype != CLS_F32 || w->dims[0] != x->dims[1] ||
        (b && (b->ndim != 1 || b->dtype != CLS_F32))) {
        snprintf(env->msg, env->msg_size, "ConvTranspose: W/B shapes do not fit X");
        return OX_FAIL;
    }
    int nsp = x->ndim - 2;
    int64_t k[2], s[2], d[2], pads[4], op[2], pb[2], pe[2], out[2], oshape[2] = {0, 0};
    const ox_attr *ap = ox_attr_find(step, "auto_pad");
    const char *auto_pad = ap && ap->text[0] ? ap->text : "NOTSET";
    const ox_attr *os = ox_attr_find(step, "output_shape");
    if (ox_attr_list(step, "kernel_shape", nsp, 0, k) || ox_attr_list(step, "strides", nsp, 1, s) ||
        ox_attr_list(step, "dilations", nsp, 1, d) ||
        ox_attr_list(step, "pads", 2 * nsp, 0, pads) ||
        ox_attr_list(step, "output_padding", nsp, 0, op) ||
        (os && os->nints != nsp && os->nints != nsp + 2)) {
        snprintf(env->msg, env->msg_size, "ConvTranspose: an attribute has the wrong length");
        return OX_FAIL;
    }
    for (int i = 0; os && i < nsp; i++)
        oshape[i] = os->ints[os->nints - nsp + i]; /* spatial dims, or the full N, C, ... shape */
    for (int i = 0; i < nsp; i++) {
        if (!ox_attr_find(step, "kernel_shape"))
            k[i] = w->dims[2 + i];
        pb[i] = pads[i];
        pe[i] = pads[nsp + i];
        if (convt_axis(auto_pad, x->dims[2 + i], k[i], s[i], d[i], oshape[i], &pb[i], &pe[i],
                       &op[i], &out[i])) {
            snprintf(env->msg, env->msg_size, "ConvTranspose: auto_pad %s or an empty output",
                     auto_pad);
            return OX_FAIL;
        }
    }
    int h = nsp == 2; /* 1-D runs as H = 1 */
    int groups = (int)ox_attr_int(step, "group", 1);
    cls_conv_desc desc;
    memset(&desc, 0, sizeof desc);
    desc.transposed = 1;
    desc.in_channels = (int)x->dims[1];
    desc.out_channels = (int)w->dims[1] * groups; /* W is [Cin][Cout/groups][KH][KW] */
    desc.groups = groups;
    desc.kernel_h = h ? (int)k[0] : 1;
    desc.kernel_w = (int)k[nsp - 1];
    desc.stride_h = h ? (int)s[0] : 1;
    desc.stride_w = (int)s[nsp - 1];
    desc.dilation_h = h ? (int)d[0] : 1;
    desc.dilation_w = (int)d[nsp - 1];
    desc.pad_top = h ? (int)pb[0] : 0;
    desc.pad_bottom = h ? (int)pe[0] : 0;
    desc.pad_left = (int)pb[nsp - 1];
    desc.pad_right = (int)pe[nsp - 1];
    desc.output_padding_h = h ? (int)op[0] : 0;
    desc.output_padding_w = (int)op[nsp - 1];
    desc.block_h = desc.block_w = 1;
    desc.mode = CLS_DCR;
    desc.dtype = CLS_F32;

    *y = *x;
    y->dims[1] = desc.out_channels;
    for (int i = 0; i < nsp; i++)
        y->dims[2 + i] = out[i];
    return ox_conv_plan_run(env, &desc, x, w, b, y);
}
