/* Transposed-conv cases (--ops convt): decoder layers, each verified against
 * the scatter definition before timing, with two comparisons: the textbook
 * GEMM + col2im (+ bias) on CLBlast, and the library's own plain conv with
 * the same multiply-add count (Cin -> Cout, K x K, stride 1, at the input
 * size). */
#include <clblast_c.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "internal.h"

/* One layer: Cin -> Cout, K x K (1 x K for 1-D), stride s, padding p, output padding op. */
typedef struct convt_layer {
    const char *name;
    int cin, cout, k, s, p, op;
    int64_t h, w; /* 1-D: h = 1, w = L */
    int one_d, last;
} convt_layer;

static const convt_layer layers[] = {
    {"unet/dcgan k4 s2 p1", 64, 64, 4, 2, 1, 0, 128, 128, 0, 0},
    {"k3 s2 p1 op1", 64, 32, 3, 2, 1, 1, 128, 128, 0, 0},
    {"fsrcnn x3 k9 s3 p4 op2", 56, 1, 9, 3, 4, 2, 256, 256, 0, 0},
    {"hifi-gan 1-D k16 s8 p4", 512, 256, 16, 8, 4, 0, 1, 1024, 1, 1},
};

enum { P_LAYER };

/* Everything one case allocates. */
typedef struct convt_job {
    bench *b;
    convt_layer l;
    int kh;                          /* 1 for 1-D layers */
    int64_t ho, wo;                  /* transposed output size */
    cls_tensor src, dst, mid;        /* mid: the plain conv's output (N, Cout, H, W) */
    cls_tensor im;                   /* the peer's NCHW output (dst itself when dst is NCHW) */
    float *src_host, *w, *wp, *bias; /* wp: the plain conv's weights [Cout][Cin][K][K] */
    cls_conv_plan *plan, *plain;
    cl_mem w_buf, col, bias_img; /* the peer: weights, column buffer, bias image */
} convt_job;

static float uniform(uint64_t *st)
{
    *st = *st * 6364136223846793005ull + 1442695040888963407ull;
    return (float)((double)(*st >> 11) * (2.0 / 9007199254740992.0) - 1.0);
}

static cls_tensor layer_tensor(const convt_layer *l, cl_mem m, int64_t c, int64_t h, int64_t w,
                               int last)
{
    if (l->one_d)
        return last ? cls_tensor_nlc(m, 0, CLS_F32, 1, c, w)
                    : cls_tensor_ncl(m, 0, CLS_F32, 1, c, w);
    return last ? cls_tensor_nhwc(m, 0, CLS_F32, 1, c, h, w)
                : cls_tensor_nchw(m, 0, CLS_F32, 1, c, h, w);
}

/* Multiply-adds that land inside the output, one axis: pairs (i, k) with
 * 0 <= i * s - p + k < out. */
static double axis_macs(int64_t in, int k, int s, int p, int64_t out)
{
    double n = 0;
    for (int64_t i = 0; i < in; i++)
        for (int t = 0; t < k; t++) {
            int64_t o = i * s - p + t;
            n += o >= 0 && o < out;
        }
    return n;
}

static cls_conv_desc make_desc(const convt_job *j, int plain)
{
    const convt_layer *l = &j->l;
    cls_conv_desc d;
    memset(&d, 0, sizeof d);
    d.in_channels = l->cin, d.out_channels = l->cout, d.kernel_h = j->kh, d.kernel_w = l->k;
    d.dtype = CLS_F32;
    if (plain) { /* "same" padding, the extra pixel of an even K at the end */
        d.pad_top = (j->kh - 1) / 2, d.pad_bottom = j->kh / 2;
        d.pad_left = (l->k - 1) / 2, d.pad_right = l->k / 2;
        return d;
    }
    d.transposed = 1, d.stride_w = l->s, d.pad_left = d.pad_right = l->p;
    d.output_padding_w = l->op;
    if (!l->one_d)
        d.stride_h = l->s, d.pad_top = d.pad_bottom = l->p, d.output_padding_h = l->op;
    return d;
}

/* src(ci, y, x) of the host image. */
static double src_at(const convt_job *j, int ci, int64_t y, int64_t x)
{
    cls_tensor s4 = bench_lift4(&j->src);
    return j->src_host[ci * s4.strides[1] + y * s4.strides[2] + x * s4.strides[3]];
}

/* dst(c, y, x) from the scatter definition gathered at one point (tap (kh,
 * kw) of src (ih, iw) lands at y = ih * s - p + kh), and the L1 norm of its
 * terms. */
static double ref_transposed(const convt_job *j, int64_t c, int64_t y, int64_t x, double *l1)
{
    const convt_layer *l = &j->l;
    int s_h = l->one_d ? 1 : l->s, p_h = l->one_d ? 0 : l->p;
    double v = j->bias[c];
    *l1 = fabs(v);
    for (int kh = 0; kh < j->kh; kh++) {
        int64_t ty = y + p_h - kh, ih = ty / s_h;
        if (ty < 0 || ty % s_h || ih >= l->h)
            continue;
        for (int kw = 0; kw < l->k; kw++) {
            int64_t tx = x + l->p - kw, iw = tx / l->s;
            if (tx < 0 || tx % l->s || iw >= l->w)
                continue;
            for (int ci = 0; ci < l->cin; ci++) {
                double t = src_at(j, ci, ih, iw) *
                           j->w[(((int64_t)ci * l->cout + c) * j->kh + kh) * l->k + kw];
                v += t, *l1 += fabs(t);
            }
        }
    }
    return v;
}

/* The plain conv (weights read as [Cout][Cin][KH][KW], same padding) at one point. */
static double ref_plain(const convt_job *j, int64_t c, int64_t y, int64_t x, double *l1)
{
    const convt_layer *l = &j->l;
    double v = j->bias[c];
    *l1 = fabs(v);
    for (int kh = 0; kh < j->kh; kh++)
        for (int kw = 0; kw < l->k; kw++) {
            int64_t iy = y - (j->kh - 1) / 2 + kh, ix = x - (l->k - 1) / 2 + kw;
            if (iy < 0 || iy >= l->h || ix < 0 || ix >= l->w)
                continue;
            for (int ci = 0; ci < l->cin; ci++) {
                double t = src_at(j, ci, iy, ix) *
                           j->w[(((int64_t)c * l->cin + ci) * j->kh + kh) * l->k + kw];
                v += t, *l1 += fabs(t);
            }
        }
    return v;
}

/* Every element of out written (no 0xEE sentinel) and 4000 sampled values
 * (the two ends included) within 1e-5 of their terms' L1 norm: fp32 sums of
 * up to Cin*K*K = 4096 products in another order than the double reference
 * stay below ~sqrt(n) * 2^-24 * L1 (4e-6 * L1), while one wrong or missing
 * tap moves a value by about L1 / n. Returns 0, or -1 with note filled. */
static int check(convt_job *j, const cls_tensor *out, int plain, char *note, size_t size)
{
    cls_tensor o = bench_lift4(out);
    uint64_t bytes = 0, st = 99;
    int64_t total = cls_tensor_numel(&o);
    float *img;
    int ok = 1;
    cls_tensor_extent(out, &bytes);
    img = malloc(bytes);
    if (!img || bench_download(j->b, out->buffer, img, bytes) != 0) {
        free(img);
        snprintf(note, size, "cannot read the output back");
        return -1;
    }
    for (int64_t k = 0; ok && k < total; k++) {
        int64_t x = k % o.sizes[3], y = k / o.sizes[3] % o.sizes[2],
                c = k / o.sizes[3] / o.sizes[2];
        uint32_t bits;
        memcpy(&bits, img + c * o.strides[1] + y * o.strides[2] + x * o.strides[3], 4);
        if (bits == 0xEEEEEEEEu) {
            snprintf(note, size, "element %lld of %lld was never written", (long long)k,
                     (long long)total);
            ok = 0;
        }
    }
    for (int s = 0; ok && s < 4000; s++) {
        int64_t k = s == 0 ? 0 : s == 1 ? total - 1 : 0, x, y, c;
        double l1, want, got;
        if (s > 1) {
            st = st * 6364136223846793005ull + 1442695040888963407ull;
            k = (int64_t)((st >> 17) % (uint64_t)total);
        }
        x = k % o.sizes[3], y = k / o.sizes[3] % o.sizes[2], c = k / o.sizes[3] / o.sizes[2];
        want = plain ? ref_plain(j, c, y, x, &l1) : ref_transposed(j, c, y, x, &l1);
        got = img[c * o.strides[1] + y * o.strides[2] + x * o.strides[3]];
        if (!(fabs(got - want) <= 1e-5 * l1 + 1e-6)) {
            snprintf(note, size, "dst[0, %lld, %lld, %lld] = %.7g, the reference gives %.7g",
                     (long long)c, (long long)y, (long long)x, got, want);
            ok = 0;
        }
    }
    free(img);
    return ok ? 0 : -1;
}

/* Ours: one kernel each, so the op's event (ev may be NULL) spans it. */
static cls_status convt_enqueue(void *p, cl_event *ev)
{
    convt_job *j = p;
    return cls_conv_plan_enqueue(j->plan, &j->src, &j->dst, 0, NULL, ev);
}

static cls_status plain_enqueue(void *p, cl_event *ev)
{
    convt_job *j = p;
    return cls_conv_plan_enqueue(j->plain, &j->src, &j->mid, 0, NULL, ev);
}

/* The textbook transposed conv: im = bias image, col[Cout*KH*KW][H*W] =
 * W^T * X (CLBlastSgemm), im += col2im(col) (CLBlastScol2im), then for a
 * channels-last dst the transpose into it. */
static cls_status peer_enqueue(void *p, cl_event *ev)
{
    convt_job *j = p;
    const convt_layer *l = &j->l;
    cl_command_queue q = j->b->queue;
    size_t m = (size_t)l->cout * j->kh * l->k, n = (size_t)(l->h * l->w);
    size_t im_bytes = (size_t)(l->cout * j->ho * j->wo) * 4;
    int s_h = l->one_d ? 1 : l->s, p_h = l->one_d ? 0 : l->p;
    CLBlastStatusCode rc;
    cl_int err;
    (void)ev;
    err = clEnqueueCopyBuffer(q, j->bias_img, j->im.buffer, 0, 0, im_bytes, 0, NULL, NULL);
    if (err != CL_SUCCESS)
        return cls__fail_cl(err, "clEnqueueCopyBuffer (bias image)");
    rc = CLBlastSgemm(CLBlastLayoutRowMajor, CLBlastTransposeYes,
                      l->last ? CLBlastTransposeYes : CLBlastTransposeNo, m, n, (size_t)l->cin,
                      1.0f, j->w_buf, 0, m, j->src.buffer, 0, l->last ? (size_t)l->cin : n, 0.0f,
                      j->col, 0, n, &q, NULL);
    if (rc != CLBlastSuccess)
        return cls__fail(CLS_ERR_CLBLAST, "CLBlastSgemm: status %d", (int)rc);
    rc = CLBlastScol2im(CLBlastKernelModeCrossCorrelation, (size_t)l->cout, (size_t)j->ho,
                        (size_t)j->wo, (size_t)j->kh, (size_t)l->k, (size_t)p_h, (size_t)l->p,
                        (size_t)s_h, (size_t)l->s, 1, 1, j->col, 0, j->im.buffer, 0, &q, NULL);
    if (rc != CLBlastSuccess)
        return cls__fail(CLS_ERR_CLBLAST, "CLBlastScol2im: status %d", (int)rc);
    return l->last ? cls_copy(j->b->ctx, &j->im, &j->dst, 0, NULL, NULL) : CLS_OK;
}

static int setup(bench *b, convt_job *j, const convt_layer *l)
{
    uint64_t st = 12345;
    size_t nw = (size_t)l->cin * l->cout * (l->one_d ? 1 : l->k) * l->k;
    size_t n_src = (size_t)(l->cin * l->h * l->w);
    float scale;
    memset(j, 0, sizeof *j);
    j->b = b, j->l = *l, j->kh = l->one_d ? 1 : l->k;
    j->ho = l->one_d ? 1 : (l->h - 1) * l->s - 2 * l->p + l->k - 1 + l->op + 1;
    j->wo = (l->w - 1) * l->s - 2 * l->p + l->k - 1 + l->op + 1;
    scale = 1.0f / sqrtf((float)(l->cin * j->kh * l->k));
    j->src_host = malloc(n_src * 4), j->w = malloc(nw * 4);
    j->bias = malloc((size_t)l->cout * 4);
    if (!j->src_host || !j->w || !j->bias)
        return -1;
    for (size_t i = 0; i < n_src; i++)
        j->src_host[i] = uniform(&st);
    for (size_t i = 0; i < nw; i++)
        j->w[i] = uniform(&st) * scale;
    for (int i = 0; i < l->cout; i++)
        j->bias[i] = uniform(&st);
    {
        size_t im_n = (size_t)(l->cout * j->ho * j->wo);
        float *img = malloc(im_n * 4);
        if (!img)
            return -1;
        for (size_t i = 0; i < im_n; i++)
            img[i] = j->bias[i / (size_t)(j->ho * j->wo)];
        j->bias_img = bench_buffer(b, im_n * 4, img);
        free(img);
        j->src =
            layer_tensor(l, bench_buffer(b, n_src * 4, j->src_host), l->cin, l->h, l->w, l->last);
        j->dst = layer_tensor(l, bench_buffer(b, im_n * 4, NULL), l->cout, j->ho, j->wo, l->last);
        j->mid = layer_tensor(l, bench_buffer(b, (size_t)(l->cout * l->h * l->w) * 4, NULL),
                              l->cout, l->h, l->w, l->last);
        j->im = l->last ? layer_tensor(l, bench_buffer(b, im_n * 4, NULL), l->cout, j->ho, j->wo, 0)
                        : j->dst;
        j->w_buf = bench_buffer(b, nw * 4, j->w);
        j->col = bench_buffer(b, (size_t)l->cout * j->kh * l->k * n_src / l->cin * 4, NULL);
    }
    return j->bias_img && j->src.buffer && j->dst.buffer && j->mid.buffer && j->im.buffer &&
                   j->w_buf && j->col
               ? 0
               : -1;
}

static void job_free(convt_job *j)
{
    cl_mem bufs[7] = {j->src.buffer,
                      j->dst.buffer,
                      j->mid.buffer,
                      j->w_buf,
                      j->col,
                      j->bias_img,
                      j->l.last ? j->im.buffer : NULL};
    cls_conv_plan_destroy(j->plan);
    cls_conv_plan_destroy(j->plain);
    for (int i = 0; i < 7; i++)
        if (bufs[i])
            clReleaseMemObject(bufs[i]);
    free(j->src_host), free(j->w), free(j->bias);
}

/* Fill out with the sentinel, run fn once, check out, then time fn on the
 * host clock (CLBlast's event covers only its last kernel). 0 when timed;
 * -1 with note filled (*bad when the output was wrong). */
static int measure(convt_job *j, bench_enqueue_fn fn, const cls_tensor *out, int plain,
                   bench_timing *t, int *bad, char *note, size_t size)
{
    bench_time_opts o = {fn == peer_enqueue ? 1 : 3, 1};
    cl_uchar pattern = 0xEE;
    uint64_t bytes = 0;
    cls_status st;
    *bad = 0;
    cls_tensor_extent(out, &bytes);
    clEnqueueFillBuffer(j->b->queue, out->buffer, &pattern, 1, 0, bytes, 0, NULL, NULL);
    st = fn(j, NULL);
    if (st == CLS_OK && clFinish(j->b->queue) != CL_SUCCESS)
        st = CLS_ERR_OPENCL;
    if (st != CLS_OK) {
        snprintf(note, size, "%s: %s", cls_status_name(st), cls_last_error());
        return -1;
    }
    if (check(j, out, plain, note, size) != 0) {
        *bad = 1;
        return -1;
    }
    if (bench_time_ex(j->b->queue, fn, j, 0, j->b->opts.min_time, &o, t) != CLS_OK) {
        snprintf(note, size, "timing failed: %s", cls_last_error());
        return -1;
    }
    return 0;
}

/* The plain conv of equal multiply-adds, verified, then timed alternately
 * with the transposed conv by their kernel events (both see the same
 * moment's load on a shared machine): their useful GFLOP/s in g[0]
 * (transposed) and g[1] (plain), NAN when not measured (note says why). */
static void measure_plain(convt_job *j, bench_case *c, double macs, double g[2])
{
    const convt_layer *l = &j->l;
    cls_conv_desc d = make_desc(j, 1);
    bench_timing t, pt;
    bench_enqueue_fn refs[1] = {plain_enqueue};
    void *ref_args[1] = {j};
    char note[160] = "";
    int bad = 0;
    cls_status st = cls_conv_plan_create(j->b->ctx, &d, j->w, j->bias, &j->plain);
    g[0] = g[1] = NAN;
    if (st != CLS_OK)
        snprintf(note, sizeof note, "plan: %s", cls_last_error());
    else if (measure(j, plain_enqueue, &j->mid, 1, &t, &bad, note, sizeof note) == 0 &&
             bench_time_alternating(j->b->queue, convt_enqueue, j, 1, refs, ref_args,
                                    j->b->opts.min_time, &t, &pt) == CLS_OK) {
        g[0] = 2.0 * macs / t.median_s * 1e-9;
        g[1] = 2.0 * axis_macs(l->h, j->kh, 1, (j->kh - 1) / 2, l->h) *
               axis_macs(l->w, l->k, 1, (l->k - 1) / 2, l->w) * l->cin * l->cout / pt.median_s *
               1e-9;
    }
    if (bad) {
        c->rec.verdict = BENCH_FAIL;
        j->b->failures++;
    }
    if (note[0])
        snprintf(c->rec.note + strlen(c->rec.note), sizeof c->rec.note - strlen(c->rec.note),
                 "; plain conv %s", note);
}

static void run_convt(bench *b, bench_case *c)
{
    convt_layer l = layers[c->p[P_LAYER]];
    convt_job j;
    bench_timing ft, peer = {NAN, NAN, 0, 0};
    double macs, g[2];
    char note[160] = "";
    int bad = 0;
    cls_conv_desc d;
    cls_status st;
    l.h = c->ndim == 4 ? c->dims[2] : 1;
    l.w = c->dims[c->ndim - 1];
    if (setup(b, &j, &l) != 0) {
        bench_case_status(b, c, CLS_ERR_OUT_OF_MEMORY, "convt buffers");
        goto done;
    }
    d = make_desc(&j, 0);
    if ((st = cls_conv_plan_create(b->ctx, &d, j.w, j.bias, &j.plan)) != CLS_OK) {
        bench_case_status(b, c, st, "plan");
        goto done;
    }
    snprintf(c->rec.note, sizeof c->rec.note, "path direct");
    if (measure(&j, convt_enqueue, &j.dst, 0, &ft, &bad, note, sizeof note) != 0) {
        c->rec.verdict = bad ? BENCH_FAIL : BENCH_ERROR;
        snprintf(c->rec.note, sizeof c->rec.note, "%s", note);
        b->failures++;
        goto done;
    }
    c->rec.verdict = BENCH_PASS;
    snprintf(c->rec.timing, sizeof c->rec.timing, "wall");
    snprintf(c->rec.peer, sizeof c->rec.peer, "CLBlast gemm+col2im+bias%s",
             l.last ? "+transpose" : "");
    if (measure(&j, peer_enqueue, &j.dst, 0, &peer, &bad, note, sizeof note) != 0) {
        snprintf(c->rec.note + strlen(c->rec.note), sizeof c->rec.note - strlen(c->rec.note),
                 "; peer %s: %s", bad ? "mismatch" : "not timed", note);
        peer.median_s = NAN;
    }
    bench_finish_record(b, &c->rec, &ft, isnan(peer.median_s) ? NULL : &peer);
    macs = axis_macs(l.h, j.kh, l.one_d ? 1 : l.s, l.one_d ? 0 : l.p, j.ho) *
           axis_macs(l.w, l.k, l.s, l.p, j.wo) * l.cin * l.cout;
    c->rec.gflops = 2.0 * macs / ft.median_s * 1e-9;
    measure_plain(&j, c, macs, g);
    if (!isnan(g[0]))
        snprintf(c->rec.note + strlen(c->rec.note), sizeof c->rec.note - strlen(c->rec.note),
                 "; kernel events, alternating: convt %.1f, plain %dx%d conv %.1f GFLOP/s, "
                 "ratio %.2f",
                 g[0], j.kh, l.k, g[1], g[0] / g[1]);
done:
    job_free(&j);
}

static int plan_layer(bench *b, int index, int shrink)
{
    const convt_layer *l = &layers[index];
    bench_case c;
    int64_t h = l->one_d ? 1 : l->h / shrink, w = l->w / shrink;
    int64_t ho = l->one_d ? 1 : (h - 1) * l->s - 2 * l->p + l->k + l->op;
    int64_t wo = (w - 1) * l->s - 2 * l->p + l->k + l->op;
    memset(&c, 0, sizeof c);
    bench_record_init(&c.rec);
    c.dtype = CLS_F32;
    c.p[P_LAYER] = index;
    c.ndim = l->one_d ? 3 : 4;
    c.dims[0] = 1, c.dims[1] = l->cin, c.dims[2] = l->one_d ? w : h, c.dims[3] = w;
    c.run = run_convt;
    snprintf(c.rec.op, sizeof c.rec.op, "convt");
    snprintf(c.rec.variant, sizeof c.rec.variant, "%s", l->name);
    snprintf(c.rec.layout, sizeof c.rec.layout, "%s",
             l->one_d ? (l->last ? "nlc" : "ncl") : (l->last ? "nhwc" : "nchw"));
    snprintf(c.rec.dtype, sizeof c.rec.dtype, "f32");
    snprintf(c.rec.block, sizeof c.rec.block, "%dx%d", l->one_d ? 1 : l->s, l->s);
    snprintf(c.rec.mode, sizeof c.rec.mode, "-");
    bench_shape_str(c.dims, c.ndim, c.rec.shape, sizeof c.rec.shape);
    c.rec.bytes = (uint64_t)(h * w * l->cin + ho * wo * l->cout) * 4 +
                  (uint64_t)l->cin * l->cout * (l->one_d ? 1 : l->k) * l->k * 4;
    return bench_add_case(b, &c);
}

int bench_plan_convt(bench *b)
{
    int rc = 0, shrink = b->opts.level == BENCH_QUICK ? 8 : 1;
    if (!bench_dtype_on(b, CLS_F32, 0))
        return 0;
    for (int i = 0; i < (int)(sizeof layers / sizeof layers[0]); i++)
        rc |= plan_layer(b, i, shrink);
    return rc;
}
