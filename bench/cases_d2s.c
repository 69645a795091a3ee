/* Depth-to-space and space-to-depth cases: r in {2, 3, 4}, DCR and CRD, NCHW and NHWC; narrow
 * dtypes; a 64 KiB latency case. */
#include <math.h>
#include <string.h>

#include "bench.h"

/* Parameters in bench_case.p[]. */
enum { P_BH, P_BW, P_MODE, P_SRC_LAST, P_DST_LAST, P_S2D, P_LATENCY };

/* A 4-D tensor (N, C, H, W), channels-first or channels-last. */
static cls_tensor tensor4(cls_dtype dt, const int64_t *s, int last)
{
    return last ? cls_tensor_nhwc(NULL, 0, dt, s[0], s[1], s[2], s[3])
                : cls_tensor_nchw(NULL, 0, dt, s[0], s[1], s[2], s[3]);
}

static void run_d2s(bench *b, bench_case *c)
{
    bench_view_job j;
    int bh = c->p[P_BH], bw = c->p[P_BW];
    int64_t pk[4], up[4];
    cls_tensor packed, upsampled, pv, uv;
    /* dims are src's: the packed tensor for D2S, the upsampled one for S2D. */
    if (c->p[P_S2D]) {
        memcpy(up, c->dims, sizeof up);
        pk[0] = up[0], pk[1] = up[1] * bh * bw, pk[2] = up[2] / bh, pk[3] = up[3] / bw;
    } else {
        memcpy(pk, c->dims, sizeof pk);
        up[0] = pk[0], up[1] = pk[1] / (bh * bw), up[2] = pk[2] * bh, up[3] = pk[3] * bw;
    }
    memset(&j, 0, sizeof j);
    j.bh = bh, j.bw = bw, j.mode = (cls_d2s_mode)c->p[P_MODE];
    packed = tensor4(c->dtype, pk, c->p[c->p[P_S2D] ? P_DST_LAST : P_SRC_LAST]);
    upsampled = tensor4(c->dtype, up, c->p[c->p[P_S2D] ? P_SRC_LAST : P_DST_LAST]);
    bench_d2s_views(&packed, &upsampled, bh, bw, j.mode, &pv, &uv);
    if (c->p[P_S2D]) {
        j.op = BENCH_VJ_S2D;
        j.src = upsampled, j.dst = packed, j.ref_src = uv, j.ref_dst = pv;
    } else {
        j.op = BENCH_VJ_D2S;
        j.src = packed, j.dst = upsampled, j.ref_src = pv, j.ref_dst = uv;
    }
    if (c->p[P_LATENCY]) {
        j.wall = 1;
        j.peer = BENCH_PEER_EMPTY;
    }
    bench_run_view_case(b, c, &j);
}

/* One case: dst channels C, low-resolution H = W sized to hold ~elems. */
static int plan_one(bench *b, cls_dtype dt, int64_t elems, int r, cls_d2s_mode mode, int src_last,
                    int dst_last, int s2d)
{
    static const char *lay[2] = {"nchw", "nhwc"};
    const int64_t C = 16;
    int64_t hw = (int64_t)llround(sqrt((double)elems / (double)(C * r * r)));
    bench_case c;
    memset(&c, 0, sizeof c);
    bench_record_init(&c.rec);
    c.dtype = dt;
    c.ndim = 4;
    c.dims[0] = 1, c.dims[1] = C * r * r, c.dims[2] = c.dims[3] = hw > 0 ? hw : 1;
    c.p[P_BH] = c.p[P_BW] = r;
    c.p[P_MODE] = mode, c.p[P_SRC_LAST] = src_last, c.p[P_DST_LAST] = dst_last, c.p[P_S2D] = s2d;
    c.run = run_d2s;
    c.pairs_itself = 1;
    snprintf(c.rec.op, sizeof c.rec.op, "%s", s2d ? "s2d" : "d2s");
    snprintf(c.rec.variant, sizeof c.rec.variant, "r=%d %s", r, mode == CLS_DCR ? "DCR" : "CRD");
    if (src_last == dst_last)
        snprintf(c.rec.layout, sizeof c.rec.layout, "%s", lay[src_last]);
    else
        snprintf(c.rec.layout, sizeof c.rec.layout, "%s->%s", lay[src_last], lay[dst_last]);
    snprintf(c.rec.dtype, sizeof c.rec.dtype, "%s", cls_dtype_name(dt));
    snprintf(c.rec.block, sizeof c.rec.block, "%dx%d", r, r);
    snprintf(c.rec.mode, sizeof c.rec.mode, "%s", mode == CLS_DCR ? "DCR" : "CRD");
    if (s2d) { /* src is the upsampled tensor */
        c.dims[1] = C, c.dims[2] *= r, c.dims[3] *= r;
    }
    bench_shape_str(c.dims, c.ndim, c.rec.shape, sizeof c.rec.shape);
    c.rec.bytes = (uint64_t)(C * r * r * hw * hw) * cls_dtype_size(dt) * 2;
    return bench_add_case(b, &c);
}

/* The 64 KiB tensor, timed enqueue-to-completion against an empty kernel. */
static int plan_latency(bench *b)
{
    bench_case *c;
    if (plan_one(b, CLS_F32, 16384, 2, CLS_DCR, 0, 0, 0) != 0)
        return -1;
    c = &b->cases[b->num_cases - 1];
    c->dims[2] = c->dims[3] = 16;
    c->rec.bytes = 2 * 65536;
    c->p[P_LATENCY] = 1;
    c->pairs_itself = 0; /* wall-clock timed against an empty kernel */
    snprintf(c->rec.variant, sizeof c->rec.variant, "r=2 DCR 64KiB latency");
    bench_shape_str(c->dims, c->ndim, c->rec.shape, sizeof c->rec.shape);
    return 0;
}

static int plan_dtype(bench *b, cls_dtype dt, int64_t elems)
{
    int all = dt == CLS_F32 || b->opts.level == BENCH_FULL || b->opts.dtypes != 0;
    int full = b->opts.level == BENCH_FULL, rc = 0;
    /* Depth-to-space, then its inverse on the same grid. */
    for (int s2d = 0; s2d <= 1; s2d++)
        for (int r = 2; r <= (full ? 8 : 4); r += (r == 4 ? 4 : 1))
            for (int mode = CLS_DCR; mode <= CLS_CRD; mode++)
                for (int last = 0; last <= 1; last++)
                    if (all || (r == 2 && mode == CLS_DCR))
                        rc |= plan_one(b, dt, elems, r, (cls_d2s_mode)mode, last, last, s2d);
    if (full) {
        rc |= plan_one(b, dt, elems, 2, CLS_DCR, 0, 1, 0);
        rc |= plan_one(b, dt, elems, 2, CLS_CRD, 1, 0, 0);
    }
    return rc;
}

int bench_plan_d2s(bench *b)
{
    uint64_t sizes[BENCH_MAX_SIZES];
    int ns = bench_sizes(b, sizes, BENCH_MAX_SIZES), rc = 0;
    cls_dtype order[CLS_DTYPE_COUNT];
    int nd = bench_dtype_order(order);
    for (int s = 0; s < ns; s++)
        for (int d = 0; d < nd; d++)
            if (bench_dtype_on(b, order[d], 1))
                rc |= plan_dtype(b, order[d], (int64_t)(sizes[s] / cls_dtype_size(order[d])));
    if (bench_dtype_on(b, CLS_F32, 0))
        rc |= plan_latency(b);
    return rc;
}
