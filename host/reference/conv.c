/* CPU reference for the fused conv: space-to-depth of src (the in-block),
 * conv2d, then depth-to-space, then the activation, each a plain loop written
 * from its definition. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"
#include "conv_ref.h"

float cls__half_to_float(uint16_t h)
{
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    float v = e == 0    ? ldexpf((float)m, -24)
              : e == 31 ? (m ? NAN : INFINITY)
                        : ldexpf((float)(m | 0x400), e - 25);
    return (h & 0x8000) ? -v : v;
}

uint16_t cls__float_to_half(float f)
{
    uint32_t x;
    uint16_t sign;
    memcpy(&x, &f, 4);
    sign = (uint16_t)((x >> 16) & 0x8000);
    if (isnan(f))
        return (uint16_t)(sign | 0x7e00);
    f = fabsf(f);
    if (f >= 65520.0f)
        return (uint16_t)(sign | 0x7c00);
    if (f < ldexpf(1.0f, -14)) /* subnormal: multiples of 2^-24, ties to even */
        return (uint16_t)(sign | (uint16_t)nearbyintf(ldexpf(f, 24)));
    {
        int e;
        float m = frexpf(f, &e);                          /* f = m * 2^e, m in [0.5, 1) */
        uint32_t q = (uint32_t)nearbyintf(ldexpf(m, 11)); /* 1024..2048 */
        if (q == 2048) {
            q = 1024;
            e++;
        }
        return (uint16_t)(sign | (uint32_t)(e + 14) << 10 | (q & 0x3ff));
    }
}

void cls__ref_dims4(const cls_tensor *t, int64_t size[4], int64_t stride[4])
{
    if (t->ndim == 3) {
        int64_t s[4] = {t->sizes[0], t->sizes[1], 1, t->sizes[2]};
        int64_t st[4] = {t->strides[0], t->strides[1], 0, t->strides[2]};
        memcpy(size, s, sizeof s);
        memcpy(stride, st, sizeof st);
    } else {
        memcpy(size, t->sizes, 4 * sizeof *size);
        memcpy(stride, t->strides, 4 * sizeof *stride);
    }
}

float cls__ref_load(const unsigned char *img, const cls_tensor *t, int64_t e)
{
    const unsigned char *p = img + t->offset + (size_t)e * cls_dtype_size(t->dtype);
    if (t->dtype == CLS_F16) {
        uint16_t h;
        memcpy(&h, p, 2);
        return cls__half_to_float(h);
    }
    {
        float f;
        memcpy(&f, p, 4);
        return f;
    }
}

void cls__ref_store(unsigned char *img, const cls_tensor *t, int64_t e, float v)
{
    unsigned char *p = img + t->offset + (size_t)e * cls_dtype_size(t->dtype);
    if (t->dtype == CLS_F16) {
        uint16_t h = cls__float_to_half(v);
        memcpy(p, &h, 2);
    } else {
        memcpy(p, &v, 4);
    }
}

int cls__ref_def1(int v)
{
    return v > 0 ? v : 1;
}

/* The conv's input x[N][C'][H'][W'] as floats: src itself, or with an in-block
 * its ONNX SpaceToDepth (opset 13), C' = C * bh * bw, H' = H / bh, W' = W / bw:
 * DCR x[n][(i * bw + j) * C + c][h][w] = src[n][c][h * bh + i][w * bw + j],
 * CRD (PyTorch pixel_unshuffle) x[n][c * bh * bw + i * bw + j][h][w] = the same. */
static float *unshuffle(const unsigned char *img, const cls_tensor *src, const cls_conv_desc *d,
                        int64_t xs[4])
{
    int bh = cls__ref_def1(d->in_block_h), bw = cls__ref_def1(d->in_block_w);
    int64_t sz[4], st[4];
    float *x;
    cls__ref_dims4(src, sz, st);
    xs[0] = sz[0], xs[1] = sz[1] * bh * bw, xs[2] = sz[2] / bh, xs[3] = sz[3] / bw;
    x = malloc((size_t)(xs[0] * xs[1] * xs[2] * xs[3] + 1) * sizeof *x);
    if (!x)
        return NULL;
    for (int64_t n = 0; n < xs[0]; n++)
        for (int64_t c = 0; c < sz[1]; c++)
            for (int i = 0; i < bh; i++)
                for (int j = 0; j < bw; j++)
                    for (int64_t h = 0; h < xs[2]; h++)
                        for (int64_t w = 0; w < xs[3]; w++) {
                            int64_t cx = d->in_mode == CLS_CRD ? c * bh * bw + i * bw + j
                                                               : (i * bw + j) * sz[1] + c;
                            x[((n * xs[1] + cx) * xs[2] + h) * xs[3] + w] =
                                cls__ref_load(img, src,
                                              n * st[0] + c * st[1] + (h * bh + i) * st[2] +
                                                  (w * bw + j) * st[3]);
                        }
    return x;
}

/* Plain conv2d of x (sizes xs) into out[N][V][Ho][Wo] (bias added). */
static void conv2d(const float *x, const int64_t xs[4], const cls__conv_ref_args *a, int64_t ho,
                   int64_t wo, float *out)
{
    const cls_conv_desc *d = &a->desc;
    int sh = cls__ref_def1(d->stride_h), sw = cls__ref_def1(d->stride_w),
        dh = cls__ref_def1(d->dilation_h);
    int dw = cls__ref_def1(d->dilation_w), g = cls__ref_def1(d->groups);
    int v_all = d->out_channels * cls__ref_def1(d->block_h) * cls__ref_def1(d->block_w);
    int cg = (int)(xs[1] / g), vg = v_all / g;
    for (int64_t n = 0; n < xs[0]; n++)
        for (int v = 0; v < v_all; v++)
            for (int64_t y = 0; y < ho; y++)
                for (int64_t x0 = 0; x0 < wo; x0++) {
                    double acc = a->bias ? a->bias[v] : 0.0;
                    for (int ci = 0; ci < cg; ci++)
                        for (int kh = 0; kh < d->kernel_h; kh++)
                            for (int kw = 0; kw < d->kernel_w; kw++) {
                                int64_t iy = y * sh - d->pad_top + (int64_t)kh * dh;
                                int64_t ix = x0 * sw - d->pad_left + (int64_t)kw * dw;
                                int64_t c = (int64_t)(v / vg) * cg + ci;
                                if (iy < 0 || iy >= xs[2] || ix < 0 || ix >= xs[3])
                                    continue;
                                acc +=
                                    (double)a->weights[(((int64_t)v * cg + ci) * d->kernel_h + kh) *
                                                           d->kernel_w +
                                                       kw] *
                                    x[((n * xs[1] + c) * xs[2] + iy) * xs[3] + ix];
                            }
                    out[((n * v_all + v) * ho + y) * wo + x0] = (float)acc;
                }
}

float cls__ref_activate(const cls__conv_ref_args *a, int c, float x)
{
    switch (a->desc.activation) {
    case CLS_ACT_RELU:
        return x > 0.0f ? x : 0.0f;
    case CLS_ACT_LEAKY_RELU:
        return x < 0.0f ? a->desc.act_alpha * x : x;
    case CLS_ACT_PRELU:
        return x < 0.0f ? a->prelu[c] * x : x;
    case CLS_ACT_SIGMOID:
        return (float)(1.0 / (1.0 + exp(-(double)x)));
    default:
        return x;
    }
}

/* ONNX DepthToSpace of conv[N][C*bh*bw][Ho][Wo], then the activation, stored in dst. */
static void d2s_act(const float *conv, const cls__conv_ref_args *a, int64_t n_all, int64_t ho,
                    int64_t wo, unsigned char *img, const cls_tensor *dst)
{
    const cls_conv_desc *d = &a->desc;
    int bh = cls__ref_def1(d->block_h), bw = cls__ref_def1(d->block_w), cout = d->out_channels;
    int64_t sz[4], st[4];
    cls__ref_dims4(dst, sz, st);
    for (int64_t n = 0; n < n_all; n++)
        for (int c = 0; c < cout; c++)
            for (int64_t y = 0; y < ho * bh; y++)
                for (int64_t x = 0; x < wo * bw; x++) {
                    int i = (int)(y % bh), j = (int)(x % bw);
                    int v = d->mode == CLS_CRD ? c * bh * bw + i * bw + j : (i * bw + j) * cout + c;
                    float val = conv[((n * cout * bh * bw + v) * ho + y / bh) * wo + x / bw];
                    cls__ref_store(img, dst, n * st[0] + c * st[1] + y * st[2] + x * st[3],
                                   cls__ref_activate(a, c, val));
                }
}

cls_status cls__ref_conv(const unsigned char *src_host, const cls_tensor *src,
                         unsigned char *dst_host, const cls_tensor *dst, const void *arg)
{
    const cls__conv_ref_args *a = arg;
    const cls_conv_desc *d = &a->desc;
    int64_t sz[4], ho, wo;
    size_t count;
    float *conv, *x = unshuffle(src_host, src, d, sz);
    if (!x)
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "conv reference: out of host memory");
    ho = (sz[2] + d->pad_top + d->pad_bottom -
          (int64_t)cls__ref_def1(d->dilation_h) * (d->kernel_h - 1) - 1) /
             cls__ref_def1(d->stride_h) +
         1;
    wo = (sz[3] + d->pad_left + d->pad_right -
          (int64_t)cls__ref_def1(d->dilation_w) * (d->kernel_w - 1) - 1) /
             cls__ref_def1(d->stride_w) +
         1;
    count = (size_t)(sz[0] * d->out_channels * cls__ref_def1(d->block_h) *
                     cls__ref_def1(d->block_w) * ho * wo);
    conv = malloc((count ? count : 1) * sizeof *conv);
    if (!conv) {
        free(x);
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "conv reference: out of host memory");
    }
    conv2d(x, sz, a, ho, wo, conv);
    d2s_act(conv, a, sz[0], ho, wo, dst_host, dst);
    free(x);
    free(conv);
    return CLS_OK;
}
