/* Fused conv + pixel shuffle cases: ESPCN-like, memory-bound and 1-D channels-last layers, with
 * peers. */
#include <math.h>
#include <string.h>

#include "conv_case.h"

/* The layers of the fused-conv issue; storage order per case. */
static const conv_layer layers[] = {
    {"espcn r=2", 64, 3, 3, 3, 2, 2, 256, 256, 0, 0},
    {"espcn r=3", 64, 3, 3, 3, 3, 3, 256, 256, 0, 0},
    {"espcn r=4", 64, 3, 3, 3, 4, 4, 256, 256, 0, 0},
    {"64->64*4 3x3", 64, 64, 3, 3, 2, 2, 128, 128, 0, 0},
    {"1x1 16->16*4", 16, 16, 1, 1, 2, 2, 512, 512, 0, 0},
    {"1-D 32->2*32 k=3", 32, 32, 1, 3, 1, 2, 1, 1 << 20, 1, 1},
    {"1-D 256->2*256 k=3", 256, 256, 1, 3, 1, 2, 1, 16384, 1, 1},
};

/* Parameters in bench_case.p[]. */
enum { P_LAYER, P_LAST };

static const char *path_name(cls_conv_plan *plan)
{
    cls_conv_path path = CLS_CONV_PATH_AUTO;
    cls_conv_plan_get_path(plan, &path);
    return path == CLS_CONV_PATH_GEMM ? "gemm" : path == CLS_CONV_PATH_DIRECT ? "direct" : "?";
}

/* Verify the output fn writes into out, then time fn on the host clock.
 * Returns 0 when timed; -1 with note filled otherwise (*mismatch when the
 * output was wrong, not merely unavailable). */
static int measure(conv_job *j, bench_enqueue_fn fn, const cls_tensor *out, int bh, int bw,
                   bench_timing *t, int *mismatch, char *note, size_t size)
{
    /* The verification run warms up; a peer slower than min_time runs once more. */
    bench_time_opts o = {fn == conv_clblast_enqueue ? 1 : 3, 1};
    int ok = 0;
    cls_status st = conv_run_checked(j, fn, out, bh, bw, &ok, note, size);
    *mismatch = 0;
    if (st != CLS_OK) {
        snprintf(note, size, "%s: %s", cls_status_name(st), cls_last_error());
        return -1;
    }
    if (!ok) {
        *mismatch = 1;
        return -1;
    }
    if (bench_time_ex(j->b->queue, fn, j, 0, j->b->opts.min_time, &o, t) != CLS_OK) {
        snprintf(note, size, "timing failed: %s", cls_last_error());
        return -1;
    }
    return 0;
}

/* Our own plain-output conv and the separate conv + depth-to-space. */
static void measure_ours_extra(bench *b, bench_case *c, conv_job *j, const bench_timing *ft)
{
    const conv_layer *l = &j->host.l;
    bench_timing pt, st;
    char note[160] = "";
    int bad = 0;
    cls_status s = conv_make_plan(j, 0, &j->plain);
    if (s != CLS_OK) {
        snprintf(note, sizeof note, "plain plan: %s", cls_last_error());
    } else if (strcmp(path_name(j->plain), path_name(j->fused)) != 0) {
        /* Then the ratio compares two kernels, not the shuffle's cost. */
        snprintf(note, sizeof note, "plain plan took path %s", path_name(j->plain));
    }
    if (j->plain && measure(j, conv_plain_enqueue, &j->mid, 1, 1, &pt, &bad, note + strlen(note),
                            sizeof note - strlen(note)) == 0) {
        c->rec.plain_ratio = ft->median_s / pt.median_s;
        if (measure(j, conv_sep_enqueue, &j->dst, l->bh, l->bw, &st, &bad, note + strlen(note),
                    sizeof note - strlen(note)) == 0)
            c->rec.sep_speedup = st.median_s / ft->median_s;
    }
    if (bad) {
        c->rec.verdict = BENCH_FAIL;
        b->failures++;
    }
    if (note[0])
        snprintf(c->rec.note + strlen(c->rec.note), sizeof c->rec.note - strlen(c->rec.note),
                 "; %s", note);
}

static void measure_peer(conv_job *j, bench_case *c, bench_timing *peer)
{
    const conv_layer *l = &j->host.l;
    char note[160] = "";
    int bad = 0;
    snprintf(c->rec.peer, sizeof c->rec.peer, "%s",
             l->last ? "CLBlast transpose+convgemm+d2s" : "CLBlastSconvgemm+d2s");
    if (measure(j, conv_clblast_enqueue, &j->dst, l->bh, l->bw, peer, &bad, note, sizeof note))
        snprintf(c->rec.note + strlen(c->rec.note), sizeof c->rec.note - strlen(c->rec.note),
                 "; peer %s: %s", bad ? "mismatch" : "not timed", note);
}

static void run_conv(bench *b, bench_case *c)
{
    conv_layer l = layers[c->p[P_LAYER]];
    conv_job j;
    bench_timing ft, peer = {NAN, NAN, 0, 0};
    double flops;
    int bad = 0;
    cls_status st;
    l.h = c->ndim == 4 ? c->dims[2] : 1;
    l.w = c->dims[c->ndim - 1];
    l.last = c->p[P_LAST];
    if (conv_job_setup(b, &j, &l, CLS_CRD) != 0) {
        bench_case_status(b, c, CLS_ERR_OUT_OF_MEMORY, "conv buffers");
        goto done;
    }
    if ((st = conv_make_plan(&j, 1, &j.fused)) != CLS_OK) {
        bench_case_status(b, c, st, "plan");
        goto done;
    }
    snprintf(c->rec.note, sizeof c->rec.note, "path %s", path_name(j.fused));
    if (measure(&j, conv_fused_enqueue, &j.dst, l.bh, l.bw, &ft, &bad,
                c->rec.note + strlen(c->rec.note), 120) != 0) {
        c->rec.verdict = bad ? BENCH_FAIL : BENCH_ERROR;
        b->failures++;
        goto done;
    }
    c->rec.verdict = BENCH_PASS;
    snprintf(c->rec.timing, sizeof c->rec.timing, "wall");
    measure_ours_extra(b, c, &j, &ft);
    measure_peer(&j, c, &peer);
    bench_finish_record(b, &c->rec, &ft, isnan(peer.median_s) ? NULL : &peer);
    flops = 2.0 * (double)(l.h * l.w) * conv_virtual(&l) * l.cin * l.kh * l.kw;
    c->rec.gflops = flops / ft.median_s * 1e-9;
    if (j.fallback)
        snprintf(c->rec.note + strlen(c->rec.note), sizeof c->rec.note - strlen(c->rec.note),
                 "; peers' d2s ran as cls_copy");
done:
    conv_job_free(&j);
}

static int plan_layer(bench *b, int index, int last, int shrink)
{
    const conv_layer *l = &layers[index];
    bench_case c;
    int64_t h, w;
    memset(&c, 0, sizeof c);
    bench_record_init(&c.rec);
    c.dtype = CLS_F32;
    c.p[P_LAYER] = index, c.p[P_LAST] = last;
    h = l->one_d ? 1 : l->h / shrink;
    w = l->one_d ? l->w / (shrink * shrink) : l->w / shrink;
    c.ndim = l->one_d ? 3 : 4;
    c.dims[0] = 1, c.dims[1] = l->cin, c.dims[2] = l->one_d ? w : h, c.dims[3] = w;
    c.run = run_conv;
    snprintf(c.rec.op, sizeof c.rec.op, "conv");
    snprintf(c.rec.variant, sizeof c.rec.variant, "%s", l->name);
    snprintf(c.rec.layout, sizeof c.rec.layout, "%s",
             l->one_d ? (last ? "nlc" : "ncl") : (last ? "nhwc" : "nchw"));
    snprintf(c.rec.dtype, sizeof c.rec.dtype, "f32");
    snprintf(c.rec.block, sizeof c.rec.block, "%dx%d", l->bh, l->bw);
    snprintf(c.rec.mode, sizeof c.rec.mode, "CRD");
    bench_shape_str(c.dims, c.ndim, c.rec.shape, sizeof c.rec.shape);
    c.rec.bytes = (uint64_t)(h * w) * (uint64_t)(l->cin + conv_virtual(l)) * 4 +
                  (uint64_t)conv_virtual(l) * (uint64_t)(l->cin * l->kh * l->kw + 1) * 4;
    return bench_add_case(b, &c);
}

int bench_plan_conv(bench *b)
{
    int full = b->opts.level == BENCH_FULL, shrink = b->opts.level == BENCH_QUICK ? 8 : 1;
    int rc = 0;
    if (!bench_dtype_on(b, CLS_F32, 0))
        return 0;
    for (int i = 0; i < (int)(sizeof layers / sizeof layers[0]); i++) {
        /* Default: 2-D layers channels-first (the memory-bound 1x1 layer both
         * ways), 1-D layers channels-last; --full: every layer both ways. */
        int one_by_one = layers[i].kh == 1 && layers[i].kw == 1;
        int first = !layers[i].one_d || full, second = layers[i].one_d || full || one_by_one;
        if (first)
            rc |= plan_layer(b, i, 0, shrink);
        if (second)
            rc |= plan_layer(b, i, 1, shrink);
    }
    return rc;
}
