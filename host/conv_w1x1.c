/* Fused conv, direct path: the 1x1 kernel vectorised along W (conv_w1x1). */
#include <stdlib.h>

#include "conv_plan.h"

/* Runs of a work-item per chunk of W swept for every channel block while
 * its input stays in L1 (16 channels x 8 runs of 16 floats: 8 KiB). */
#define CHUNK 8
/* Channel blocks of a work-group at most (its size stays <= 256). */
#define CB_GROUP 32

/* Register blocking: about 8 float8 accumulators (AVX2 has 16 registers;
 * the inputs and a broadcast weight need the rest). Blocks of up to 4
 * sub-pixels take two vectors along W and 4 / (bh * bw) channels; larger
 * blocks one vector and as many channels as fit in 8. */
static void choose_blocking(cls_conv_plan *p)
{
    const cls_conv_desc *d = &p->desc;
    int sub = d->block_h * d->block_w;
    p->w_tv = sub <= 4 ? 2 : 1;
    p->w_nc = sub <= 4 ? 4 / sub : (sub < 8 ? 8 / sub : 1);
    if (p->w_nc > d->out_channels)
        p->w_nc = d->out_channels;
    p->w_ncb = (d->out_channels + p->w_nc - 1) / p->w_nc;
}

/* Virtual channel of output channel c, sub-pixel (i, j). */
static int virtual_channel(const cls_conv_desc *d, int c, int i, int j)
{
    return (int)cls__chan_index(d->mode, c, i, j, d->out_channels, d->block_h, d->block_w);
}

/* Pack weights [cb][ci][NC][BH][BW], bias [cb][NC][BH][BW] and slopes
 * [cb][NC], zero past Cout, and upload them. */
static cls_status pack(cls_conv_plan *p)
{
    const cls_conv_desc *d = &p->desc;
    int bh = d->block_h, bw = d->block_w, nv = p->w_nc * bh * bw, cin = d->in_channels;
    size_t nb = (size_t)p->w_ncb * nv, nc = (size_t)p->w_ncb * p->w_nc;
    float *w = calloc(nb * cin, sizeof(float)), *b = calloc(nb, sizeof(float));
    float *sl = calloc(nc, sizeof(float));
    cls_status st = CLS_OK;
    if (!w || !b || !sl) {
        st = cls__fail(CLS_ERR_OUT_OF_MEMORY, "conv: out of host memory");
        goto done;
    }
    for (size_t k = 0; k < nb; k++) {
        int cb = (int)(k / nv), r = (int)(k % nv), c = cb * p->w_nc + r / (bh * bw);
        int v = c < d->out_channels ? virtual_channel(d, c, r / bw % bh, r % bw) : -1;
        if (v < 0)
            continue;
        b[k] = p->bias ? p->bias[v] : 0.0f;
        sl[(size_t)c] = p->prelu ? p->prelu[c] : 0.0f;
        for (int ci = 0; ci < cin; ci++)
            w[((size_t)cb * cin + ci) * nv + r] = p->weights[(size_t)v * cin + ci];
    }
    st = cls__conv_buffer(p->ctx, w, nb * cin * sizeof(float), &p->w_wts);
    if (st == CLS_OK)
        st = cls__conv_buffer(p->ctx, b, nb * sizeof(float), &p->w_bias);
    if (st == CLS_OK)
        st = cls__conv_buffer(p->ctx, sl, nc * sizeof(float), &p->w_slope);
done:
    free(w), free(b), free(sl);
    return st;
}

/* Weights and kernel, on the first enqueue that fits. */
static cls_status prepare(cls_conv_plan *p)
{
    const cls_conv_desc *d = &p->desc;
    char opts[96];
    cls_status st;
    if (p->w1x1)
        return CLS_OK;
    choose_blocking(p);
    st = pack(p);
    snprintf(opts, sizeof opts, "-DNC=%d -DBH=%d -DBW=%d -DTV=%d", p->w_nc, d->block_h, d->block_w,
             p->w_tv);
    if (st == CLS_OK)
        st = cls__kernel_get(p->ctx, "cpu/conv_w", opts, "conv_w1x1", &p->w1x1);
    if (st != CLS_OK) /* the next enqueue starts over */
        cls__conv_w1x1_release(p);
    return st;
}

/* A 1x1 kernel without stride, padding, groups or in-block in f32, both W strides 1,
 * blocks of at most 16 sub-pixels (their accumulators) and N * H * chunks
 * within the kernel's int index. */
int cls__conv_w1x1_fits(const cls_conv_plan *p, const cls__conv_shape *s)
{
    const cls_conv_desc *d = &p->desc;
    return p->ctx->profile.tier == CLS_TIER_CPU && !p->w1x1_failed && d->kernel_h == 1 &&
           d->kernel_w == 1 && d->stride_h == 1 && d->stride_w == 1 && d->pad_top == 0 &&
           d->pad_bottom == 0 && d->pad_left == 0 && d->pad_right == 0 && d->groups == 1 &&
           d->dtype == CLS_F32 && d->block_h * d->block_w <= 16 && d->in_block_h == 1 &&
           d->in_block_w == 1 && !s->crop && s->ss[3] == 1 && s->ds[3] == 1 &&
           s->n * s->h * (s->w / 8 + 1) < INT32_MAX;
}

static void set_args(cls_conv_plan *p, cls__args *a, const cls_tensor *src, const cls_tensor *dst,
                     const cls__conv_shape *s, size_t chunks)
{
    const cls_conv_desc *d = &p->desc;
    cl_int4 cc = {{d->in_channels, d->out_channels, p->w_ncb, (cl_int)chunks}};
    cl_int act = (cl_int)d->activation;
    cl_float alpha = d->act_alpha;
    cls__conv_set_io_args(a, src, dst, s);
    cls__arg(a, sizeof cc, &cc);
    cls__arg(a, sizeof(cl_mem), &p->w_wts);
    cls__arg(a, sizeof(cl_mem), &p->w_bias);
    cls__arg(a, sizeof(cl_mem), &p->w_slope);
    cls__arg(a, sizeof act, &act);
    cls__arg(a, sizeof alpha, &alpha);
}

cls_status cls__conv_w1x1_enqueue(cls_conv_plan *p, const cls_tensor *src, const cls_tensor *dst,
                                  const cls__conv_shape *s, cl_uint num_wait, const cl_event *wait,
                                  cl_event *ev)
{
    size_t runs, chunk, chunks, global[3], local[3];
    cls__args a = {0};
    cls_status st = prepare(p);
    if (st != CLS_OK)
        return st;
    runs = (size_t)((s->w + 8 * p->w_tv - 1) / (8 * p->w_tv));
    chunk = runs < CHUNK ? runs : CHUNK;
    chunks = (runs + chunk - 1) / chunk;
    local[0] = global[0] = chunk;
    local[1] = p->w_ncb < CB_GROUP ? (size_t)p->w_ncb : CB_GROUP;
    global[1] = ((size_t)p->w_ncb + local[1] - 1) / local[1] * local[1];
    local[2] = 1, global[2] = (size_t)s->n * (size_t)s->h * chunks;
    a.k = p->w1x1;
    set_args(p, &a, src, dst, s, chunks);
    return cls__launch(p->ctx, &a, "cpu/conv_w", "conv_w1x1", 3, global, local, num_wait, wait, ev);
}

void cls__conv_w1x1_release(cls_conv_plan *p)
{
    cl_mem *bufs[3] = {&p->w_wts, &p->w_bias, &p->w_slope};
    for (int i = 0; i < 3; i++)
        if (*bufs[i]) {
            clReleaseMemObject(*bufs[i]);
            *bufs[i] = NULL;
        }
    p->w1x1 = NULL; /* owned by the context's kernel cache */
}
