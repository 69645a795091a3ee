/* Host reference of the fused-conv cases: deterministic data and a sampled, tolerance-checked
 * compare. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conv_case.h"

#define SAMPLES 6000
#define SENTINEL 0xEEEEEEEEu

int conv_virtual(const conv_layer *l)
{
    return l->cout * l->bh * l->bw;
}

int conv_pad_h(const conv_layer *l)
{
    return (l->kh - 1) / 2;
}

int conv_pad_w(const conv_layer *l)
{
    return (l->kw - 1) / 2;
}

/* Uniform in [-1, 1) from a 64-bit LCG. */
static float uniform(uint64_t *state)
{
    *state = *state * 6364136223846793005ull + 1442695040888963407ull;
    return (float)((double)(*state >> 11) * (2.0 / 9007199254740992.0) - 1.0);
}

int conv_host_init(conv_host *h, const conv_layer *l, cls_d2s_mode mode, const cls_tensor *src)
{
    uint64_t bytes = 0, st = 12345;
    size_t nw = (size_t)conv_virtual(l) * (size_t)(l->cin * l->kh * l->kw);
    float scale = 1.0f / sqrtf((float)(l->cin * l->kh * l->kw));
    memset(h, 0, sizeof *h);
    h->l = *l;
    h->mode = mode;
    h->src = bench_lift4(src);
    cls_tensor_extent(src, &bytes);
    h->src_bytes = (size_t)bytes;
    h->src_host = malloc(h->src_bytes);
    h->w = malloc(nw * sizeof *h->w);
    if (!h->src_host || !h->w) {
        conv_host_free(h);
        return -1;
    }
    for (size_t i = 0; i < h->src_bytes / 4; i++)
        h->src_host[i] = uniform(&st);
    for (size_t i = 0; i < nw; i++)
        h->w[i] = uniform(&st) * scale;
    return 0;
}

void conv_host_free(conv_host *h)
{
    free(h->src_host);
    free(h->w);
    h->src_host = h->w = NULL;
}

/* Virtual channel of output channel c at sub-pixel (i, j). */
static int virtual_channel(const conv_host *h, int cout, int bh, int bw, int c, int i, int j)
{
    if (bh * bw == 1)
        return c;
    return h->mode == CLS_CRD ? c * bh * bw + i * bw + j : (i * bw + j) * cout + c;
}

/* Reference value (double) and the L1 norm of its terms at low-res (n, y, x), channel v. */
static double ref_at(const conv_host *h, int64_t n, int v, int64_t y, int64_t x, double *l1)
{
    const conv_layer *l = &h->l;
    double sum = 0.0;
    *l1 = 0.0;
    for (int ci = 0; ci < l->cin; ci++)
        for (int ky = 0; ky < l->kh; ky++) {
            int64_t iy = y - conv_pad_h(l) + ky;
            if (iy < 0 || iy >= h->src.sizes[2])
                continue;
            for (int kx = 0; kx < l->kw; kx++) {
                int64_t ix = x - conv_pad_w(l) + kx;
                if (ix < 0 || ix >= h->src.sizes[3])
                    continue;
                int64_t off = (int64_t)(h->src.offset / 4) + n * h->src.strides[0] +
                              ci * h->src.strides[1] + iy * h->src.strides[2] +
                              ix * h->src.strides[3];
                double t = (double)h->w[((v * l->cin + ci) * l->kh + ky) * l->kw + kx] *
                           (double)h->src_host[off];
                sum += t;
                *l1 += fabs(t);
            }
        }
    return sum;
}

/* Every element of the output view was written (the 0xEE fill is gone). */
static int64_t first_unwritten(const float *img, const cls_tensor *o)
{
    int64_t k = 0;
    for (int64_t n = 0; n < o->sizes[0]; n++)
        for (int64_t c = 0; c < o->sizes[1]; c++)
            for (int64_t y = 0; y < o->sizes[2]; y++)
                for (int64_t x = 0; x < o->sizes[3]; x++, k++) {
                    uint32_t bits;
                    memcpy(&bits,
                           img + o->offset / 4 + n * o->strides[0] + c * o->strides[1] +
                               y * o->strides[2] + x * o->strides[3],
                           4);
                    if (bits == SENTINEL)
                        return k;
                }
    return -1;
}

/* fp32 sums of up to Cin*K*K = 2304 products in another order than the
 * double reference: the rounding error stays below ~sqrt(n) * 2^-24 of the
 * terms' L1 norm (3e-6 for n = 2304), so 1e-5 * L1 holds it, while one wrong
 * or missing tap moves the value by about L1 / n >= 4e-4 * L1. */
static int sample_ok(const conv_host *h, const float *img, const cls_tensor *o, int bh, int bw,
                     int64_t k, char *note, size_t size)
{
    int64_t x = k % o->sizes[3], y = (k / o->sizes[3]) % o->sizes[2];
    int64_t c = (k / (o->sizes[3] * o->sizes[2])) % o->sizes[1];
    int64_t n = k / (o->sizes[3] * o->sizes[2] * o->sizes[1]);
    int v = virtual_channel(h, (int)o->sizes[1], bh, bw, (int)c, (int)(y % bh), (int)(x % bw));
    double l1, want = ref_at(h, n, v, y / bh, x / bw, &l1);
    double got = img[o->offset / 4 + n * o->strides[0] + c * o->strides[1] + y * o->strides[2] +
                     x * o->strides[3]];
    if (fabs(got - want) <= 1e-5 * l1 + 1e-6)
        return 1;
    snprintf(note, size, "dst[%lld, %lld, %lld, %lld] = %.7g, the CPU reference gives %.7g",
             (long long)n, (long long)c, (long long)y, (long long)x, got, want);
    return 0;
}

int conv_check(bench *b, const conv_host *h, const cls_tensor *out, int bh, int bw, char *note,
               size_t note_size)
{
    cls_tensor o = bench_lift4(out);
    uint64_t bytes = 0, st = 777;
    int64_t total = cls_tensor_numel(&o), bad;
    float *img;
    int ok = 1;
    cls_tensor_extent(out, &bytes);
    img = malloc(bytes);
    if (!img || bench_download(b, out->buffer, img, bytes) != 0) {
        free(img);
        snprintf(note, note_size, "cannot read the output back");
        return -1;
    }
    if ((bad = first_unwritten(img, &o)) >= 0) {
        snprintf(note, note_size, "element %lld of %lld was never written", (long long)bad,
                 (long long)total);
        ok = 0;
    }
    /* Every element of a small output; else the two ends and random ones. */
    for (int s = 0; ok && s < SAMPLES && s < total; s++) {
        int64_t k = total <= SAMPLES ? s : s == 0 ? 0 : s == 1 ? total - 1 : 0;
        if (total > SAMPLES && s > 1) {
            st = st * 6364136223846793005ull + 1442695040888963407ull;
            k = (int64_t)((st >> 17) % (uint64_t)total);
        }
        ok = sample_ok(h, img, &o, bh, bw, k, note, note_size);
    }
    free(img);
    return ok ? 0 : -1;
}
