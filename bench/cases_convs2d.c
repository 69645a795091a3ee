/* Conv cases reading through a space-to-depth view (pixel-unshuffle + conv in
 * one pass) and the space-to-depth rewrites (strided and low-channel convs),
 * each verified on a sample against a plain-loop reference before timing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* One layer (NCHW f32, batch 1): src cin x h x w; a k x k conv with stride
 * and pad on the in-block's space-to-depth grid. ib > 1: the fused in-block
 * case (timed against the same kernel on a pre-unshuffled input and against a
 * separate space-to-depth + conv); ib == 1: a rewrite case (AUTO timed
 * against NONE and SPACE_TO_DEPTH). */
typedef struct s2d_layer {
    const char *name;
    int cin, cout, k, stride, pad, ib;
    cls_d2s_mode in_mode;
    int64_t h, w;
} s2d_layer;

static const s2d_layer layers[] = {
    {"esrgan x2 head: unshuffle 2 + 3x3 12->64", 3, 64, 3, 1, 1, 2, CLS_CRD, 512, 512},
    {"yolov5 focus: s2d 2 + 3x3 12->32", 3, 32, 3, 1, 1, 2, CLS_DCR, 640, 640},
    {"resnet50 stem 7x7/2 3->64", 3, 64, 7, 2, 3, 1, CLS_DCR, 224, 224},
    {"low-channel 3x3 8->8", 8, 8, 3, 1, 1, 1, CLS_DCR, 1024, 1024},
};

enum { P_LAYER, P_SHRINK };

typedef struct job {
    bench *b;
    s2d_layer l;
    int64_t ho, wo;
    float *x, *w; /* host src and weights [cout][cin*ib*ib][k][k] */
    cl_mem sb, mb, db;
    cls_tensor src, mid, dst; /* mid: the unshuffled src (in-block layers) */
    cls_conv_plan *plan, *pre, *plans[3];
    char why[160];
} job;

static cls_status run_plan(void *p, cl_event *ev)
{
    job *j = p;
    (void)ev;
    return cls_conv_plan_enqueue(j->plan, &j->src, &j->dst, 0, NULL, NULL);
}

/* The rewrite cases' three plans (NONE, SPACE_TO_DEPTH, AUTO). */
static cls_status run_planx(job *j, int k)
{
    return cls_conv_plan_enqueue(j->plans[k], &j->src, &j->dst, 0, NULL, NULL);
}

static cls_status run_plan0(void *p, cl_event *ev)
{
    (void)ev;
    return run_planx(p, 0);
}

static cls_status run_plan1(void *p, cl_event *ev)
{
    (void)ev;
    return run_planx(p, 1);
}

static cls_status run_plan2(void *p, cl_event *ev)
{
    (void)ev;
    return run_planx(p, 2);
}

static cls_status run_pre(void *p, cl_event *ev)
{
    job *j = p;
    (void)ev;
    return cls_conv_plan_enqueue(j->pre, &j->mid, &j->dst, 0, NULL, NULL);
}

static cls_status run_sep(void *p, cl_event *ev)
{
    job *j = p;
    cls_status st = cls_space_to_depth(j->b->ctx, &j->src, &j->mid, j->l.ib, j->l.ib, j->l.in_mode,
                                       0, NULL, NULL);
    return st == CLS_OK ? run_pre(p, ev) : st;
}

/* One output of the conv by its definition: the ONNX SpaceToDepth of src
 * (DCR channel (i*b + j)*C + c, CRD c*b*b + i*b + j), then the conv. */
static double ref_at(const job *j, int co, int64_t y, int64_t x)
{
    const s2d_layer *l = &j->l;
    int b = l->ib, cs = l->cin * b * b;
    int64_t hs = l->h / b, ws = l->w / b;
    double acc = 0.0;
    for (int q = 0; q < cs; q++) {
        int c = l->in_mode == CLS_CRD ? q / (b * b) : q % l->cin;
        int sub = l->in_mode == CLS_CRD ? q % (b * b) : q / l->cin, i = sub / b, jj = sub % b;
        for (int kh = 0; kh < l->k; kh++)
            for (int kw = 0; kw < l->k; kw++) {
                int64_t u = y * l->stride - l->pad + kh, v = x * l->stride - l->pad + kw;
                if (u < 0 || u >= hs || v < 0 || v >= ws)
                    continue;
                acc += (double)j->w[(((size_t)co * cs + q) * l->k + kh) * l->k + kw] *
                       j->x[((size_t)c * l->h + u * b + i) * l->w + v * b + jj];
            }
    }
    return acc;
}

/* Run fn on a dst full of sentinels; every element written and 4096
 * deterministic samples within 1e-4 * (1 + |ref|) (float sums of at most
 * 576 O(1) products against a double sum). 0, or -1 with j->why. */
static int verify(job *j, bench_enqueue_fn fn)
{
    size_t n = (size_t)j->l.cout * j->ho * j->wo;
    float *got = malloc(n * sizeof(float));
    unsigned char *fill = malloc(n * sizeof(float));
    uint32_t r = 99u;
    cls_status st;
    int rc = -1;
    if (!got || !fill)
        goto done;
    memset(fill, 0xEE, n * sizeof(float));
    if (bench_upload(j->b, j->db, fill, n * sizeof(float)) || (st = fn(j, NULL)) != CLS_OK ||
        bench_download(j->b, j->db, got, n * sizeof(float))) {
        snprintf(j->why, sizeof j->why, "run failed: %s", cls_last_error());
        goto done;
    }
    for (size_t e = 0; e < n; e++)
        if (memcmp(&got[e], fill, 4) == 0) {
            snprintf(j->why, sizeof j->why, "dst element %zu not written", e);
            goto done;
        }
    for (int s = 0; s < 4096; s++) {
        int co;
        int64_t y, x;
        double ref;
        r = r * 1664525u + 1013904223u;
        co = (int)(r % (uint32_t)j->l.cout), y = (int64_t)((r >> 8) % (uint32_t)j->ho);
        x = (int64_t)((r >> 3) % (uint32_t)j->wo);
        ref = ref_at(j, co, y, x);
        if (fabs(got[((size_t)co * j->ho + y) * j->wo + x] - ref) > 1e-4 * (1.0 + fabs(ref))) {
            snprintf(j->why, sizeof j->why, "dst[%d, %lld, %lld] = %g, reference %g", co,
                     (long long)y, (long long)x, (double)got[((size_t)co * j->ho + y) * j->wo + x],
                     ref);
            goto done;
        }
    }
    rc = 0;
done:
    free(got);
    free(fill);
    return rc;
}

static cls_status make_plan(job *j, int in_block, cls_conv_rewrite rw, cls_conv_plan **plan)
{
    const s2d_layer *l = &j->l;
    cls_conv_desc d;
    memset(&d, 0, sizeof d);
    d.in_channels = in_block ? l->cin : l->cin * l->ib * l->ib;
    d.out_channels = l->cout, d.kernel_h = d.kernel_w = l->k;
    d.stride_h = d.stride_w = l->stride;
    d.pad_top = d.pad_bottom = d.pad_left = d.pad_right = l->pad;
    d.in_block_h = d.in_block_w = in_block ? l->ib : 1, d.in_mode = l->in_mode;
    d.rewrite = rw;
    return cls_conv_plan_create(j->b->ctx, &d, j->w, NULL, plan);
}

static int setup(bench *b, job *j, const s2d_layer *l)
{
    size_t nx = (size_t)l->cin * l->h * l->w, nw;
    memset(j, 0, sizeof *j);
    j->b = b, j->l = *l;
    j->ho = (l->h / l->ib + 2 * l->pad - l->k) / l->stride + 1;
    j->wo = (l->w / l->ib + 2 * l->pad - l->k) / l->stride + 1;
    nw = (size_t)l->cout * l->cin * l->ib * l->ib * l->k * l->k;
    j->x = malloc(nx * sizeof(float)), j->w = malloc(nw * sizeof(float));
    if (!j->x || !j->w)
        return -1;
    for (size_t i = 0; i < nx; i++)
        j->x[i] = (float)((i * 2654435761u) >> 20 & 1023) / 512.0f - 1.0f;
    for (size_t i = 0; i < nw; i++)
        j->w[i] = (float)((i * 40503u + 17u) >> 4 & 255) / 1024.0f - 0.125f;
    j->sb = bench_buffer(b, nx * sizeof(float), j->x);
    j->db = bench_buffer(b, (size_t)l->cout * j->ho * j->wo * sizeof(float), NULL);
    j->mb = bench_buffer(b, nx * sizeof(float), NULL);
    if (!j->sb || !j->db || !j->mb)
        return -1;
    j->src = cls_tensor_nchw(j->sb, 0, CLS_F32, 1, l->cin, l->h, l->w);
    j->mid =
        cls_tensor_nchw(j->mb, 0, CLS_F32, 1, l->cin * l->ib * l->ib, l->h / l->ib, l->w / l->ib);
    j->dst = cls_tensor_nchw(j->db, 0, CLS_F32, 1, l->cout, j->ho, j->wo);
    return 0;
}

static void release(job *j)
{
    cls_conv_plan_destroy(j->plan), cls_conv_plan_destroy(j->pre);
    for (int k = 0; k < 3; k++)
        cls_conv_plan_destroy(j->plans[k]);
    if (j->sb)
        clReleaseMemObject(j->sb);
    if (j->mb)
        clReleaseMemObject(j->mb);
    if (j->db)
        clReleaseMemObject(j->db);
    free(j->x), free(j->w);
}

/* Time fns[0..n) round-robin on the host clock, one run of each per round
 * until every fn has had min_time (at least 5 rounds): on a shared machine
 * all see the same moment's load, so their ratios hold even when the
 * absolute times drift. Each was run once already (its verification). */
#define MAX_ALT 3
static int alternate(job *j, bench_enqueue_fn const *fns, int n, bench_timing *out)
{
    enum { MAX_ROUNDS = 400 };
    static double v[MAX_ALT][MAX_ROUNDS];
    double total = 0.0;
    int rounds = 0;
    while (rounds < MAX_ROUNDS && (rounds < 5 || total < j->b->opts.min_time * n)) {
        for (int k = 0; k < n; k++) {
            double t0 = bench_now();
            if (fns[k](j, NULL) != CLS_OK || clFinish(j->b->queue) != CL_SUCCESS) {
                snprintf(j->why, sizeof j->why, "timing failed: %s", cls_last_error());
                return -1;
            }
            v[k][rounds] = bench_now() - t0;
            total += v[k][rounds];
        }
        rounds++;
    }
    for (int k = 0; k < n; k++) {
        bench_stats(v[k], rounds, &out[k].median_s, &out[k].min_s);
        out[k].iters = rounds, out[k].wall = 1;
    }
    return 0;
}

/* The fused in-block conv; the same kernel on the pre-unshuffled input
 * (plain_ratio = fused / that, target <= 1.05); s2d + conv (sep_speedup). */
static void run_in_block(bench *b, bench_case *c, job *j, double flops)
{
    bench_enqueue_fn const fns[3] = {run_plan, run_pre, run_sep};
    bench_timing t[3];
    if (make_plan(j, 1, CLS_CONV_REWRITE_AUTO, &j->plan) != CLS_OK ||
        make_plan(j, 0, CLS_CONV_REWRITE_AUTO, &j->pre) != CLS_OK) {
        bench_case_status(b, c, CLS_ERR_INVALID_ARG, "plan");
        return;
    }
    if (cls_space_to_depth(b->ctx, &j->src, &j->mid, j->l.ib, j->l.ib, j->l.in_mode, 0, NULL,
                           NULL) != CLS_OK ||
        verify(j, run_plan) || verify(j, run_pre) || verify(j, run_sep) ||
        alternate(j, fns, 3, t)) {
        c->rec.verdict = BENCH_FAIL;
        b->failures++;
        snprintf(c->rec.note, sizeof c->rec.note, "%s", j->why);
        return;
    }
    c->rec.verdict = BENCH_PASS;
    snprintf(c->rec.timing, sizeof c->rec.timing, "wall");
    bench_finish_record(b, &c->rec, &t[0], NULL);
    c->rec.gflops = flops / t[0].median_s * 1e-9;
    c->rec.plain_ratio = t[0].median_s / t[1].median_s;
    c->rec.sep_speedup = t[2].median_s / t[0].median_s;
    snprintf(c->rec.note, sizeof c->rec.note,
             "median (min) ms: fused %.3f (%.3f), pre-unshuffled %.3f (%.3f), s2d+conv %.3f "
             "(%.3f); %d rounds",
             t[0].median_s * 1e3, t[0].min_s * 1e3, t[1].median_s * 1e3, t[1].min_s * 1e3,
             t[2].median_s * 1e3, t[2].min_s * 1e3, t[0].iters);
}

/* AUTO against NONE and SPACE_TO_DEPTH: peer = the better of the two,
 * peer_speedup = its time / AUTO's (target >= 1 / 1.05). */
static void run_rewrite(bench *b, bench_case *c, job *j, double flops)
{
    bench_timing t[3];
    const cls_conv_rewrite rw[3] = {CLS_CONV_REWRITE_NONE, CLS_CONV_REWRITE_SPACE_TO_DEPTH,
                                    CLS_CONV_REWRITE_AUTO};
    bench_enqueue_fn const fns[3] = {run_plan0, run_plan1, run_plan2};
    cls_conv_rewrite_info info = {0};
    const bench_timing *best;
    int k;
    for (k = 0; k < 3; k++)
        if (make_plan(j, 0, rw[k], &j->plans[k]) != CLS_OK || verify(j, fns[k]))
            break;
    if (k < 3 || alternate(j, fns, 3, t)) {
        c->rec.verdict = BENCH_FAIL;
        b->failures++;
        snprintf(c->rec.note, sizeof c->rec.note, "rewrite %d: %s", k < 3 ? (int)rw[k] : -1,
                 j->why[0] ? j->why : cls_last_error());
        return;
    }
    cls_conv_plan_get_rewrite(j->plans[2], &info);
    best = t[0].median_s <= t[1].median_s ? &t[0] : &t[1];
    c->rec.verdict = BENCH_PASS;
    snprintf(c->rec.timing, sizeof c->rec.timing, "wall");
    snprintf(c->rec.peer, sizeof c->rec.peer, "best of none/s2d (%s)",
             best == &t[0] ? "none" : "s2d");
    bench_finish_record(b, &c->rec, &t[2], best);
    c->rec.gflops = flops / t[2].median_s * 1e-9;
    snprintf(c->rec.note, sizeof c->rec.note,
             "median (min) ms: none %.3f (%.3f) %.1f GFLOP/s, s2d %.3f (%.3f) %.1f GFLOP/s, "
             "auto=%s %.3f (%.3f); %d rounds",
             t[0].median_s * 1e3, t[0].min_s * 1e3, flops / t[0].median_s * 1e-9,
             t[1].median_s * 1e3, t[1].min_s * 1e3, flops / t[1].median_s * 1e-9,
             info.rewrite == CLS_CONV_REWRITE_SPACE_TO_DEPTH ? "s2d" : "none", t[2].median_s * 1e3,
             t[2].min_s * 1e3, t[0].iters);
}

static void run_case(bench *b, bench_case *c)
{
    s2d_layer l = layers[c->p[P_LAYER]];
    job j;
    double flops;
    l.h /= c->p[P_SHRINK], l.w /= c->p[P_SHRINK];
    if (setup(b, &j, &l) != 0) {
        bench_case_status(b, c, CLS_ERR_OUT_OF_MEMORY, "buffers");
        release(&j);
        return;
    }
    /* Useful work: the conv on the unshuffled grid, without zero taps. */
    flops = 2.0 * (double)(j.ho * j.wo) * l.cout * l.cin * l.ib * l.ib * l.k * l.k;
    if (l.ib > 1)
        run_in_block(b, c, &j, flops);
    else
        run_rewrite(b, c, &j, flops);
    release(&j);
}

int bench_plan_conv_s2d(bench *b)
{
    int shrink = b->opts.level == BENCH_QUICK ? 8 : 1, rc = 0;
    if (!bench_dtype_on(b, CLS_F32, 0))
        return 0;
    for (int i = 0; i < (int)(sizeof layers / sizeof layers[0]); i++) {
        const s2d_layer *l = &layers[i];
        bench_case c;
        memset(&c, 0, sizeof c);
        bench_record_init(&c.rec);
        c.dtype = CLS_F32;
        c.p[P_LAYER] = i, c.p[P_SHRINK] = shrink;
        c.ndim = 4;
        c.dims[0] = 1, c.dims[1] = l->cin, c.dims[2] = l->h / shrink, c.dims[3] = l->w / shrink;
        c.run = run_case;
        snprintf(c.rec.op, sizeof c.rec.op, "conv");
        snprintf(c.rec.variant, sizeof c.rec.variant, "%s", l->name);
        snprintf(c.rec.layout, sizeof c.rec.layout, "nchw");
        snprintf(c.rec.dtype, sizeof c.rec.dtype, "f32");
        snprintf(c.rec.block, sizeof c.rec.block, l->ib > 1 ? "in %dx%d" : "-",
                 (unsigned char)l->ib, (unsigned char)l->ib);
        snprintf(c.rec.mode, sizeof c.rec.mode, "%s",
                 l->ib > 1 ? (l->in_mode == CLS_CRD ? "CRD" : "DCR") : "-");
        bench_shape_str(c.dims, c.ndim, c.rec.shape, sizeof c.rec.shape);
        {
            int64_t hs = c.dims[2] / l->ib, ws = c.dims[3] / l->ib;
            int64_t ho = (hs + 2 * l->pad - l->k) / l->stride + 1;
            int64_t wo = (ws + 2 * l->pad - l->k) / l->stride + 1;
            c.rec.bytes = (uint64_t)(c.dims[2] * c.dims[3] * l->cin + ho * wo * l->cout) * 4;
        }
        rc |= bench_add_case(b, &c);
    }
    return rc;
}
