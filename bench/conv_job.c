/* Fused-conv cases: buffers, plans, and the enqueue of the op and of its peers. */
#include <clblast_c.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conv_case.h"
#include "internal.h"

cls_status conv_fused_enqueue(void *p, cl_event *ev)
{
    conv_job *j = p;
    (void)ev;
    return cls_conv_plan_enqueue(j->fused, &j->src, &j->dst, 0, NULL, NULL);
}

cls_status conv_plain_enqueue(void *p, cl_event *ev)
{
    conv_job *j = p;
    (void)ev;
    return cls_conv_plan_enqueue(j->plain, &j->src, &j->mid, 0, NULL, NULL);
}

/* The same conv writing a plain output, then a separate depth-to-space. */
cls_status conv_sep_enqueue(void *p, cl_event *ev)
{
    conv_job *j = p;
    cls_status st = conv_plain_enqueue(p, ev);
    if (st != CLS_OK)
        return st;
    return bench_d2s_any(j->b, &j->mid, &j->dst, j->host.l.bh, j->host.l.bw, j->host.mode,
                         &j->fallback);
}

/* CLBlastSconvgemm (NCHW only) then depth-to-space into dst's layout; for
 * channels-last layers the transpose CLBlast needs comes first. */
cls_status conv_clblast_enqueue(void *p, cl_event *ev)
{
    conv_job *j = p;
    const conv_layer *l = &j->host.l;
    cls_tensor s4 = bench_lift4(&j->src);
    CLBlastStatusCode s;
    cls_status st;
    (void)ev;
    if (l->last && (st = cls_copy(j->b->ctx, &j->src, &j->nc_src, 0, NULL, NULL)) != CLS_OK)
        return st;
    s = CLBlastSconvgemm(CLBlastKernelModeCrossCorrelation, (size_t)l->cin, (size_t)s4.sizes[2],
                         (size_t)s4.sizes[3], (size_t)l->kh, (size_t)l->kw, (size_t)conv_pad_h(l),
                         (size_t)conv_pad_w(l), 1, 1, 1, 1, (size_t)conv_virtual(l),
                         (size_t)s4.sizes[0], l->last ? j->nc_src.buffer : j->src.buffer, 0,
                         j->weights, 0, j->nc_mid.buffer, 0, &j->b->queue, NULL);
    if (s != CLBlastSuccess)
        return cls__fail(CLS_ERR_CLBLAST, "CLBlastSconvgemm: status %d", (int)s);
    return bench_d2s_any(j->b, &j->nc_mid, &j->dst, l->bh, l->bw, j->host.mode, &j->fallback);
}

/* A tensor of the layer: (N, C, H, W) or (N, C, L), channels-first or last. */
static cls_tensor layer_tensor(const conv_layer *l, cl_mem m, int64_t c, int64_t h, int64_t w,
                               int last)
{
    if (l->one_d)
        return last ? cls_tensor_nlc(m, 0, CLS_F32, 1, c, w)
                    : cls_tensor_ncl(m, 0, CLS_F32, 1, c, w);
    return last ? cls_tensor_nhwc(m, 0, CLS_F32, 1, c, h, w)
                : cls_tensor_nchw(m, 0, CLS_F32, 1, c, h, w);
}

cls_status conv_make_plan(conv_job *j, int blocked, cls_conv_plan **plan)
{
    const conv_layer *l = &j->host.l;
    cls_conv_desc d;
    memset(&d, 0, sizeof d);
    d.in_channels = l->cin;
    d.out_channels = blocked ? l->cout : conv_virtual(l);
    d.kernel_h = l->kh, d.kernel_w = l->kw;
    d.pad_top = d.pad_bottom = conv_pad_h(l);
    d.pad_left = d.pad_right = conv_pad_w(l);
    d.block_h = blocked ? l->bh : 1, d.block_w = blocked ? l->bw : 1;
    d.mode = j->host.mode;
    d.dtype = CLS_F32;
    return cls_conv_plan_create(j->b->ctx, &d, j->host.w, NULL, plan);
}

/* Buffers and host data; 0 or -1. */
int conv_job_setup(bench *b, conv_job *j, const conv_layer *l, cls_d2s_mode mode)
{
    int64_t v = conv_virtual(l), sz = l->h * l->w * 4;
    memset(j, 0, sizeof *j);
    j->b = b;
    j->src = layer_tensor(l, NULL, l->cin, l->h, l->w, l->last);
    if (conv_host_init(&j->host, l, mode, &j->src) != 0)
        return -1;
    j->src.buffer = bench_buffer(b, (size_t)(sz * l->cin), j->host.src_host);
    j->dst.buffer = bench_buffer(b, (size_t)(sz * v), NULL);
    j->mid.buffer = bench_buffer(b, (size_t)(sz * v), NULL);
    j->nc_src.buffer = l->last ? bench_buffer(b, (size_t)(sz * l->cin), NULL) : NULL;
    j->weights = bench_buffer(b, (size_t)(v * l->cin * l->kh * l->kw) * 4, j->host.w);
    j->dst = layer_tensor(l, j->dst.buffer, l->cout, l->h * l->bh, l->w * l->bw, l->last);
    j->mid = layer_tensor(l, j->mid.buffer, v, l->h, l->w, l->last);
    j->nc_mid = layer_tensor(l, j->mid.buffer, v, l->h, l->w, 0);
    j->nc_src = layer_tensor(l, j->nc_src.buffer, l->cin, l->h, l->w, 0);
    return j->src.buffer && j->dst.buffer && j->mid.buffer && j->weights &&
                   (j->nc_src.buffer || !l->last)
               ? 0
               : -1;
}

void conv_job_free(conv_job *j)
{
    cl_mem bufs[5] = {j->src.buffer, j->dst.buffer, j->mid.buffer, j->nc_src.buffer, j->weights};
    cls_conv_plan_destroy(j->fused);
    cls_conv_plan_destroy(j->plain);
    for (int i = 0; i < 5; i++)
        if (bufs[i])
            clReleaseMemObject(bufs[i]);
    conv_host_free(&j->host);
}

/* Refill dst with the sentinel, run fn once, check dst (or mid for the
 * plain output). Returns the op status; *ok says whether the output matched. */
cls_status conv_run_checked(conv_job *j, bench_enqueue_fn fn, const cls_tensor *out, int bh, int bw,
                            int *ok, char *note, size_t size)
{
    cl_uchar pattern = 0xEE;
    uint64_t bytes = 0;
    cls_status st;
    cls_tensor_extent(out, &bytes);
    clEnqueueFillBuffer(j->b->queue, out->buffer, &pattern, 1, 0, bytes, 0, NULL, NULL);
    st = fn(j, NULL);
    if (st == CLS_OK && clFinish(j->b->queue) != CL_SUCCESS)
        st = CLS_ERR_OPENCL;
    *ok = st == CLS_OK && conv_check(j->b, &j->host, out, bh, bw, note, size) == 0;
    return st;
}
