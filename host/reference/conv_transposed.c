/* CPU reference for the transposed conv: every src pixel scatters its
 * K x K weighted taps to oh = ih * s - pad_top + kh * d (likewise ow),
 * summed in double, then bias and the activation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"
#include "conv_transposed_ref.h"

/* acc[n][co][oh][ow] += every tap of every src pixel that lands inside. */
static void scatter(const unsigned char *img, const cls_tensor *src, const cls__conv_ref_args *a,
                    const int64_t dz[4], double *acc)
{
    const cls_conv_desc *d = &a->desc;
    int64_t sz[4], st[4];
    int sh = cls__ref_def1(d->stride_h), sw = cls__ref_def1(d->stride_w),
        dh = cls__ref_def1(d->dilation_h);
    int dw = cls__ref_def1(d->dilation_w), g = cls__ref_def1(d->groups);
    int cg = d->in_channels / g, cog = d->out_channels / g;
    cls__ref_dims4(src, sz, st);
    for (int64_t n = 0; n < sz[0]; n++)
        for (int ci = 0; ci < d->in_channels; ci++)
            for (int64_t ih = 0; ih < sz[2]; ih++)
                for (int64_t iw = 0; iw < sz[3]; iw++) {
                    double x =
                        cls__ref_load(img, src, n * st[0] + ci * st[1] + ih * st[2] + iw * st[3]);
                    for (int co = 0; co < cog; co++)
                        for (int kh = 0; kh < d->kernel_h; kh++)
                            for (int kw = 0; kw < d->kernel_w; kw++) {
                                int64_t oh = ih * sh - d->pad_top + (int64_t)kh * dh;
                                int64_t ow = iw * sw - d->pad_left + (int64_t)kw * dw;
                                int64_t c = (int64_t)(ci / cg) * cog + co;
                                float w = a->weights[(((int64_t)ci * cog + co) * d->kernel_h + kh) *
                                                         d->kernel_w +
                                                     kw];
                                if (oh < 0 || oh >= dz[2] || ow < 0 || ow >= dz[3])
                                    continue;
                                acc[((n * dz[1] + c) * dz[2] + oh) * dz[3] + ow] += x * w;
                            }
                }
}

cls_status cls__ref_conv_transposed(const unsigned char *src_host, const cls_tensor *src,
                                    unsigned char *dst_host, const cls_tensor *dst, const void *arg)
{
    const cls__conv_ref_args *a = arg;
    int64_t dz[4], ds[4];
    size_t count;
    double *acc;
    cls__ref_dims4(dst, dz, ds);
    count = (size_t)(dz[0] * dz[1] * dz[2] * dz[3]);
    acc = calloc(count ? count : 1, sizeof *acc);
    if (!acc)
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "transposed conv reference: out of host memory");
    scatter(src_host, src, a, dz, acc);
    for (int64_t n = 0; n < dz[0]; n++)
        for (int64_t c = 0; c < dz[1]; c++)
            for (int64_t y = 0; y < dz[2]; y++)
                for (int64_t x = 0; x < dz[3]; x++) {
                    double v = acc[((n * dz[1] + c) * dz[2] + y) * dz[3] + x];
                    v += a->bias ? a->bias[c] : 0.0;
                    cls__ref_store(dst_host, dst, n * ds[0] + c * ds[1] + y * ds[2] + x * ds[3],
                                   cls__ref_activate(a, (int)c, (float)v));
                }
    free(acc);
    return CLS_OK;
}
