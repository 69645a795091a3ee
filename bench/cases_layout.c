/* Layout cases: NCHW <-> NHWC, NCL <-> NLC, a 5-D permute and a 2-D transpose (vs
 * CLBlastSomatcopy). */
#include <math.h>
#include <string.h>

#include "bench.h"

/* p[0]: how the case runs. */
enum { LK_VIEWS, LK_PERMUTE };
/* p[1], p[2]: storage order of src and dst for LK_VIEWS. */
enum { ORDER_FIRST, ORDER_LAST };

static void order_of(int kind, int ndim, int *order)
{
    /* Channels-first: dims in logical order; channels-last: dim 1 moved innermost. */
    int k = 0;
    order[k++] = 0;
    for (int d = (kind == ORDER_LAST) ? 2 : 1; d < ndim; d++)
        order[k++] = d;
    if (kind == ORDER_LAST)
        order[k++] = 1;
}

static cls_tensor view(cls_dtype dt, int ndim, const int64_t *sizes, int order_kind)
{
    cls_tensor t;
    int order[CLS_MAX_DIMS];
    memset(&t, 0, sizeof t);
    t.dtype = dt;
    t.ndim = ndim;
    memcpy(t.sizes, sizes, sizeof(int64_t) * (size_t)ndim);
    order_of(order_kind, ndim, order);
    bench_strides_for_order(ndim, sizes, order, t.strides);
    return t;
}

static void run_layout(bench *b, bench_case *c)
{
    bench_view_job j;
    memset(&j, 0, sizeof j);
    if (c->p[0] == LK_VIEWS) {
        j.op = BENCH_VJ_COPY;
        j.src = view(c->dtype, c->ndim, c->dims, c->p[1]);
        j.dst = view(c->dtype, c->ndim, c->dims, c->p[2]);
        j.ref_src = j.src;
        j.ref_dst = j.dst;
    } else {
        int64_t pd[CLS_MAX_DIMS];
        j.op = BENCH_VJ_PERMUTE;
        for (int k = 0; k < c->ndim; k++) {
            pd[k] = c->dims[c->perm[k]];
            j.perm[k] = c->perm[k];
        }
        j.src = view(c->dtype, c->ndim, c->dims, ORDER_FIRST);
        j.dst = view(c->dtype, c->ndim, pd, ORDER_FIRST);
        /* The reference walks src order: dst index k is src dim perm[k]. */
        j.ref_src = j.src;
        j.ref_dst = j.src;
        for (int k = 0; k < c->ndim; k++)
            j.ref_dst.strides[c->perm[k]] = j.dst.strides[k];
        j.peer = c->p[3];
    }
    bench_run_view_case(b, c, &j);
}

static int add(bench *b, bench_case *c, const char *variant, const char *layout)
{
    size_t es = cls_dtype_size(c->dtype);
    int64_t n = 1;
    for (int d = 0; d < c->ndim; d++)
        n *= c->dims[d];
    snprintf(c->rec.op, sizeof c->rec.op, "layout");
    snprintf(c->rec.variant, sizeof c->rec.variant, "%s", variant);
    snprintf(c->rec.layout, sizeof c->rec.layout, "%s", layout);
    snprintf(c->rec.dtype, sizeof c->rec.dtype, "%s", cls_dtype_name(c->dtype));
    snprintf(c->rec.block, sizeof c->rec.block, "-");
    snprintf(c->rec.mode, sizeof c->rec.mode, "-");
    bench_shape_str(c->dims, c->ndim, c->rec.shape, sizeof c->rec.shape);
    c->rec.bytes = (uint64_t)n * es * 2;
    c->run = run_layout;
    c->pairs_itself = 1;
    return bench_add_case(b, c);
}

/* NCHW <-> NHWC with C channels, H = W chosen so the tensor holds ~elems. */
static int plan_nchw(bench *b, cls_dtype dt, int64_t elems, int64_t C, int to_last)
{
    bench_case c;
    char variant[48];
    int64_t hw = (int64_t)llround(sqrt((double)elems / (double)C));
    memset(&c, 0, sizeof c);
    bench_record_init(&c.rec);
    c.dtype = dt;
    c.ndim = 4;
    c.dims[0] = 1, c.dims[1] = C, c.dims[2] = hw > 0 ? hw : 1, c.dims[3] = hw > 0 ? hw : 1;
    c.p[0] = LK_VIEWS;
    c.p[1] = to_last ? ORDER_FIRST : ORDER_LAST;
    c.p[2] = to_last ? ORDER_LAST : ORDER_FIRST;
    snprintf(variant, sizeof variant, "%s C=%lld", to_last ? "nchw->nhwc" : "nhwc->nchw",
             (long long)C);
    return add(b, &c, variant, to_last ? "nchw->nhwc" : "nhwc->nchw");
}

static int plan_ncl(bench *b, cls_dtype dt, int64_t elems, int to_last)
{
    bench_case c;
    memset(&c, 0, sizeof c);
    bench_record_init(&c.rec);
    c.dtype = dt;
    c.ndim = 3;
    c.dims[0] = 1, c.dims[1] = 64, c.dims[2] = elems / 64 > 0 ? elems / 64 : 1;
    c.p[0] = LK_VIEWS;
    c.p[1] = to_last ? ORDER_FIRST : ORDER_LAST;
    c.p[2] = to_last ? ORDER_LAST : ORDER_FIRST;
    return add(b, &c, to_last ? "ncl->nlc C=64" : "nlc->ncl C=64",
               to_last ? "ncl->nlc" : "nlc->ncl");
}

/* A generic 5-D permute, and a square 2-D transpose (fp32: vs CLBlastSomatcopy). */
static int plan_permutes(bench *b, cls_dtype dt, int64_t elems)
{
    static const int perm5[5] = {0, 3, 1, 4, 2};
    bench_case c;
    int64_t side = (int64_t)llround(sqrt((double)elems)), last = elems / (4 * 8 * 16 * 32);
    memset(&c, 0, sizeof c);
    bench_record_init(&c.rec);
    c.dtype = dt;
    c.ndim = 5;
    c.dims[0] = 4, c.dims[1] = 8, c.dims[2] = 16, c.dims[3] = 32, c.dims[4] = last > 0 ? last : 1;
    memcpy(c.perm, perm5, sizeof perm5);
    c.p[0] = LK_PERMUTE;
    if (add(b, &c, "permute5 (0,3,1,4,2)", "contiguous") != 0)
        return -1;
    c.ndim = 2;
    c.dims[0] = c.dims[1] = side > 0 ? side : 1;
    c.perm[0] = 1, c.perm[1] = 0;
    c.p[3] = dt == CLS_F32 ? BENCH_PEER_OMATCOPY : BENCH_PEER_NONE;
    return add(b, &c, "transpose2d", "row-major");
}

/* Default: every case in fp32; fp16 and u8 on C = 16 and NCL -> NLC. */
static int plan_dtype(bench *b, cls_dtype dt, int64_t elems)
{
    static const int64_t channels[] = {3, 16, 64, 256};
    int all = dt == CLS_F32 || b->opts.level == BENCH_FULL || b->opts.dtypes != 0;
    int rc = 0;
    for (int to_last = 1; to_last >= 0; to_last--)
        for (size_t i = 0; i < sizeof channels / sizeof channels[0]; i++)
            if (all || channels[i] == 16)
                rc |= plan_nchw(b, dt, elems, channels[i], to_last);
    rc |= plan_ncl(b, dt, elems, 1);
    if (all) {
        rc |= plan_ncl(b, dt, elems, 0);
        rc |= plan_permutes(b, dt, elems);
    }
    return rc;
}

int bench_plan_layout(bench *b)
{
    uint64_t sizes[BENCH_MAX_SIZES];
    int ns = bench_sizes(b, sizes, BENCH_MAX_SIZES), rc = 0;
    cls_dtype order[CLS_DTYPE_COUNT];
    int nd = bench_dtype_order(order);
    for (int s = 0; s < ns; s++)
        for (int d = 0; d < nd; d++)
            if (bench_dtype_on(b, order[d], 1))
                rc |= plan_dtype(b, order[d], (int64_t)(sizes[s] / cls_dtype_size(order[d])));
    return rc;
}
