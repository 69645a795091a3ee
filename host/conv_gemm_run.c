/* Fused conv, GEMM path: one enqueue (im2col, CLBlast GEMMs, epilogue). */
#include <clblast_c.h>

#include "conv_plan.h"

/* One (strided-batched) GEMM against the plan's B: C = A * B[:, b_off...]. */
typedef struct gemm_call {
    cl_mem a, c;
    size_t m, n, k, a_off, lda, a_stride, b_off, c_off, ldc, c_stride, batch;
} gemm_call;

/* Always the strided-batched routine (batch 1 where everything merges): one
 * CLBlast program to compile per process instead of two. */
static cls_status gemm(cls_conv_plan *p, const gemm_call *g)
{
    cl_command_queue q = p->ctx->queue;
    cl_event e = NULL;
    /* CLBlast rejects zero strides even for one batch: give it the natural ones. */
    size_t a_stride = g->batch > 1 ? g->a_stride : g->m * g->lda;
    size_t c_stride = g->batch > 1 ? g->c_stride : g->m * g->ldc;
    CLBlastStatusCode rc = CLBlastSgemmStridedBatched(
        CLBlastLayoutRowMajor, CLBlastTransposeNo, CLBlastTransposeNo, g->m, g->n, g->k, 1.0f, g->a,
        g->a_off, g->lda, a_stride, p->g_b, g->b_off, (size_t)p->v_all, 0, 0.0f, g->c, g->c_off,
        g->ldc, c_stride, g->batch, &q, &e);
    if (e)
        clReleaseEvent(e);
    if (rc != CLBlastSuccess)
        return cls__fail(CLS_ERR_CLBLAST,
                         "conv: CLBlastSgemmStridedBatched failed with status %d (m %zu, n %zu, "
                         "k %zu, batch %zu)",
                         (int)rc, g->m, g->n, g->k, g->batch);
    return CLS_OK;
}

/* A device scratch buffer of at least need bytes, kept by the plan. */
static cls_status scratch(cls_conv_plan *p, cl_mem *m, size_t *have, size_t need)
{
    cl_int err;
    if (*have >= need)
        return CLS_OK;
    if (*m)
        clReleaseMemObject(*m);
    *have = 0;
    *m = clCreateBuffer(p->ctx->cl_ctx, CL_MEM_READ_WRITE, need, NULL, &err);
    if (err != CL_SUCCESS)
        return cls__fail_cl(err, "clCreateBuffer (conv GEMM scratch)");
    *have = need;
    return CLS_OK;
}

/* A 1x1 stride-1 unpadded conv over channels-last rows reads src as A. */
static int src_is_a(const cls_conv_desc *d, const cls__conv_shape *s)
{
    return d->kernel_h == 1 && d->kernel_w == 1 && d->stride_h == 1 && d->stride_w == 1 &&
           !d->pad_top && !d->pad_bottom && !d->pad_left && !d->pad_right && s->ss[1] == 1 &&
           s->ss[3] >= d->in_channels && (s->h == 1 || s->ss[2] == s->w * s->ss[3]);
}

/* Channels-last dst whose (j, c) run of a block row is contiguous takes C. */
static int dst_is_c(const cls_conv_desc *d, const cls__conv_shape *s)
{
    return s->ds[1] == 1 &&
           (s->ds[3] == d->out_channels || (d->block_w == 1 && s->ds[3] >= d->out_channels));
}

/* The A operand: src itself or the im2col scratch (filled here). */
static cls_status make_a(cls_conv_plan *p, const cls_tensor *src, const cls__conv_shape *s,
                         gemm_call *g, size_t *a_img)
{
    const cls_conv_desc *d = &p->desc;
    size_t rows = (size_t)(s->n * s->ho * s->wo), global[3];
    cl_long soff = s->soff;
    cl_long4 ss = {{s->ss[0], s->ss[1], s->ss[2], s->ss[3]}};
    cl_int2 hw = {{(cl_int)s->h, (cl_int)s->w}}, ohw = {{(cl_int)s->ho, (cl_int)s->wo}};
    cl_int8 geo = {{d->stride_h, d->stride_w, d->pad_top, d->pad_left, d->dilation_h, d->dilation_w,
                    d->kernel_h, d->kernel_w}};
    cl_int cin = d->in_channels;
    cls__args args = {0}, *a = &args;
    cls_status st;
    if (src_is_a(d, s)) {
        g->a = src->buffer, g->a_off = (size_t)s->soff, g->lda = (size_t)s->ss[3];
        *a_img = (size_t)s->ss[0];
        return CLS_OK;
    }
    g->a_off = 0, g->lda = g->k, *a_img = (size_t)(s->ho * s->wo) * g->k;
    if ((st = scratch(p, &p->g_col, &p->g_col_bytes, rows * g->k * sizeof(float))) != CLS_OK)
        return st;
    g->a = p->g_col;
    a->k = p->im2col;
    cls__arg(a, sizeof(cl_mem), &src->buffer);
    cls__arg(a, sizeof soff, &soff);
    cls__arg(a, sizeof ss, &ss);
    cls__arg(a, sizeof hw, &hw);
    cls__arg(a, sizeof ohw, &ohw);
    cls__arg(a, sizeof geo, &geo);
    cls__arg(a, sizeof cin, &cin);
    cls__arg(a, sizeof(cl_mem), &p->g_col);
    global[0] = (size_t)cin, global[1] = (size_t)(d->kernel_h * d->kernel_w), global[2] = rows;
    return cls__launch(p->ctx, a, "portable/conv_gemm", "conv_im2col", 3, global, NULL, 0, NULL,
                       NULL);
}

/* GEMMs writing the shuffled dst: for image n and block row i, a batch over
 * the low-res rows oh of (Wo x bw*Cout) blocks, ldc = bw * Cout; images and
 * rows merge into one batch or one matrix where the strides allow. */
static cls_status gemm_into_dst(cls_conv_plan *p, const cls_tensor *dst, const cls__conv_shape *s,
                                gemm_call g, size_t a_img)
{
    const cls_conv_desc *d = &p->desc;
    size_t bh = (size_t)d->block_h, ho = (size_t)s->ho, wo = (size_t)s->wo;
    size_t ds0 = (size_t)s->ds[0], ds2 = (size_t)s->ds[2], images = (size_t)s->n, a0 = g.a_off;
    g.ldc = (size_t)d->block_w * (size_t)s->ds[3];
    int rows_merge = bh == 1 && (ho == 1 || ds2 == wo * g.ldc);
    int imgs_merge = a_img == ho * wo * g.lda && (images == 1 || ds0 == ho * bh * ds2);
    cls_status st = CLS_OK;
    g.c = dst->buffer, g.n = (size_t)d->block_w * d->out_channels;
    g.m = rows_merge ? ho * wo : wo, g.batch = rows_merge ? 1 : ho;
    g.a_stride = wo * g.lda, g.c_stride = bh * ds2;
    if (imgs_merge) {
        if (rows_merge)
            g.m *= images;
        else
            g.batch *= images;
        images = 1;
    }
    for (size_t n = 0; n < images && st == CLS_OK; n++)
        for (size_t i = 0; i < bh && st == CLS_OK; i++) {
            g.a_off = a0 + n * a_img, g.b_off = i * g.n;
            g.c_off = (size_t)s->doff + n * ds0 + i * ds2;
            st = gemm(p, &g);
        }
    return st;
}

/* GEMMs into the plan's [N*Ho*Wo][V] scratch (the epilogue scatters it). */
static cls_status gemm_into_scratch(cls_conv_plan *p, const cls__conv_shape *s, gemm_call g,
                                    size_t a_img)
{
    size_t rows = (size_t)(s->ho * s->wo), images = (size_t)s->n, a0 = g.a_off;
    cls_status st =
        scratch(p, &p->g_out, &p->g_out_bytes, images * rows * (size_t)p->v_all * sizeof(float));
    g.c = p->g_out, g.n = g.ldc = (size_t)p->v_all, g.m = rows, g.batch = 1, g.b_off = 0;
    if (a_img == rows * g.lda)
        g.m *= images, images = 1;
    for (size_t n = 0; n < images && st == CLS_OK; n++) {
        g.a_off = a0 + n * a_img, g.c_off = n * rows * g.ldc;
        st = gemm(p, &g);
    }
    return st;
}

/* Bias, activation and (from scratch) the shuffle, in one pass over dst. */
static cls_status epilogue(cls_conv_plan *p, const cls_tensor *dst, const cls__conv_shape *s,
                           cl_int from_scratch)
{
    const cls_conv_desc *d = &p->desc;
    cls__args args = {0}, *a = &args;
    cl_long doff = s->doff;
    cl_long4 ds = {{s->ds[0], s->ds[1], s->ds[2], s->ds[3]}};
    cl_int4 dims = {{(cl_int)s->ho, (cl_int)s->wo, d->block_h, d->block_w}};
    cl_int cout = d->out_channels, act = (cl_int)d->activation;
    cl_float alpha = d->act_alpha;
    cl_mem scr = from_scratch ? p->g_out : p->g_bias;
    size_t global[3] = {(size_t)cout, (size_t)(s->wo * d->block_w),
                        (size_t)(s->n * s->ho * d->block_h)};
    a->k = p->epilogue;
    cls__arg(a, sizeof(cl_mem), &dst->buffer);
    cls__arg(a, sizeof doff, &doff);
    cls__arg(a, sizeof ds, &ds);
    cls__arg(a, sizeof dims, &dims);
    cls__arg(a, sizeof cout, &cout);
    cls__arg(a, sizeof(cl_mem), &scr);
    cls__arg(a, sizeof from_scratch, &from_scratch);
    cls__arg(a, sizeof(cl_mem), &p->g_bias);
    cls__arg(a, sizeof(cl_mem), &p->g_slope);
    cls__arg(a, sizeof act, &act);
    cls__arg(a, sizeof alpha, &alpha);
    return cls__launch(p->ctx, a, "portable/conv_gemm", "conv_epilogue", 3, global, NULL, 0, NULL,
                       NULL);
}

/* CLBlast takes no wait list: a marker orders the in-order queue after it,
 * and a final marker gives the caller one event for the whole sequence. */
cls_status cls__conv_gemm_enqueue(cls_conv_plan *p, const cls_tensor *src, const cls_tensor *dst,
                                  const cls__conv_shape *s, cl_uint num_wait, const cl_event *wait,
                                  cl_event *ev)
{
    const cls_conv_desc *d = &p->desc;
    gemm_call g = {0};
    size_t a_img = 0;
    int into_dst = dst_is_c(d, s);
    cl_int err;
    cls_status st;
    g.k = (size_t)d->in_channels * d->kernel_h * d->kernel_w;
    if (num_wait) {
        err = clEnqueueMarkerWithWaitList(p->ctx->queue, num_wait, wait, NULL);
        if (err != CL_SUCCESS)
            return cls__fail_cl(err, "clEnqueueMarkerWithWaitList (conv GEMM)");
    }
    st = make_a(p, src, s, &g, &a_img);
    if (st == CLS_OK)
        st = into_dst ? gemm_into_dst(p, dst, s, g, a_img) : gemm_into_scratch(p, s, g, a_img);
    if (st == CLS_OK && (!into_dst || p->bias || d->activation != CLS_ACT_NONE))
        st = epilogue(p, dst, s, !into_dst);
    if (st != CLS_OK) {
        /* Failed half-way: wait for what was enqueued (the queue is in
         * order), so the caller may free its buffers once we return. */
        clFinish(p->ctx->queue);
        return st;
    }
    err = clEnqueueMarkerWithWaitList(p->ctx->queue, 0, NULL, ev);
    return err == CL_SUCCESS ? CLS_OK
                             : cls__fail_cl(err, "clEnqueueMarkerWithWaitList (conv GEMM)");
}
