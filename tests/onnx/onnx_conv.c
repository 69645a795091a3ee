/* ONNX Conv (1-D and 2-D) onto cls_conv_plan: ONNX attributes -> cls_conv_desc. */
#include <stdio.h>
#include <string.h>

#include "onnx_driver.h"

/* One spatial axis: ONNX auto_pad / pads -> begin and end padding and the output size. */
static int conv_axis(const char *auto_pad, int64_t in, int64_t k, int64_t s, int64_t d, int64_t *pb,
                     int64_t *pe, int64_t *out)
{
    int64_t span = (k - 1) * d + 1;
    if (strcmp(auto_pad, "SAME_UPPER") == 0 || strcmp(auto_pad, "SAME_LOWER") == 0) {
        int64_t o = (in + s - 1) / s, total = (o - 1) * s + span - in;
        if (total < 0)
            total = 0;
        /* SAME_UPPER puts the odd pixel at the end, SAME_LOWER at the beginning. */
        *pb = auto_pad[5] == 'U' ? total / 2 : total - total / 2;
        *pe = total - *pb;
    } else if (strcmp(auto_pad, "VALID") == 0) {
        *pb = *pe = 0;
    } else if (strcmp(auto_pad, "NOTSET") != 0) {
        return -1;
    }
    *out = (in + *pb + *pe - span) / s + 1;
    return *out >= 1 ? 0 : -1;
}

ox_outcome ox_run_conv(ox_env *env, const ox_step *step, const ox_value *x, const ox_host *w,
                       const ox_host *b, ox_value *y)
{
    if (x->ndim != 3 && x->ndim != 4) {
        snprintf(env->msg, env->msg_size, "%d-D Conv: clshuffle's conv is 1-D and 2-D",
                 x->ndim - 2);
        return OX_UNSUPPORTED;
    }
    if (x->dtype != CLS_F32) {
        snprintf(env->msg, env->msg_size, "Conv on %s (f32 cases only)", cls_dtype_name(x->dtype));
        return OX_UNSUPPORTED;
    }
    if (!w || w->ndim != x->ndim || w->dtype != CLS_F32 ||
        (b && (b->ndim != 1 || b->dtype != CLS_F32))) {
        snprintf(env->msg, env->msg_size, "Conv: W/B shapes do not fit X");
        return OX_FAIL;
    }
    int nsp = x->ndim - 2;
    int64_t k[2], s[2], d[2], pads[4], pb[2] = {0}, pe[2] = {0}, out[2];
    const ox_attr *ap = ox_attr_find(step, "auto_pad");
    const char *auto_pad = ap && ap->text[0] ? ap->text : "NOTSET";
    if (ox_attr_list(step, "kernel_shape", nsp, 0, k) || ox_attr_list(step, "strides", nsp, 1, s) ||
        ox_attr_list(step, "dilations", nsp, 1, d) ||
        ox_attr_list(step, "pads", 2 * nsp, 0, pads)) {
        snprintf(env->msg, env->msg_size, "Conv: an attribute has the wrong length");
        return OX_FAIL;
    }
    for (int i = 0; i < nsp; i++) {
        if (!ox_attr_find(step, "kernel_shape"))
            k[i] = w->dims[2 + i];
        pb[i] = pads[i];
        pe[i] = pads[nsp + i];
        if (conv_axis(auto_pad, x->dims[2 + i], k[i], s[i], d[i], &pb[i], &pe[i], &out[i])) {
            snprintf(env->msg, env->msg_size, "Conv: auto_pad %s or an empty output", auto_pad);
            return OX_FAIL;
        }
    }
    /* 1-D runs as H = 1: the API reads (N, C, L) tensors that way. */
    int h = nsp == 2; /* index of the H axis in k/s/d, or none */
    cls_conv_desc desc;
    memset(&desc, 0, sizeof desc);
    desc.in_channels = (int)x->dims[1];
    desc.out_channels = (int)w->dims[0];
    desc.groups = (int)ox_attr_int(step, "group", 1);
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
    desc.block_h = desc.block_w = 1;
    desc.mode = CLS_DCR;
    desc.dtype = CLS_F32;

    *y = *x;
    y->dims[1] = w->dims[0];
    for (int i = 0; i < nsp; i++)
        y->dims[2 + i] = out[i];
    return ox_conv_plan_run(env, &desc, x, w, b, y);
}
