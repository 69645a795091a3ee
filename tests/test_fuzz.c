/* A bounded random driver (issue 16): random descriptors and op arguments
 * against small buffers inside guard regions. Every call must either fail
 * with an argument error and leave every byte as it was, or succeed, match
 * the CPU reference (verify mode) and leave every byte outside its
 * destination view as it was. Runs for CLS_FUZZ_SECONDS (default 20). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "util.h"

#define B 4096 /* bytes of each view buffer; guards of B bytes on each side */

static uint64_t state = 88172645463325252ull;

static uint64_t rnd(void)
{
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    return state;
}

static int64_t pick(int64_t n)
{
    return (int64_t)(rnd() % (uint64_t)n);
}

/* A size: mostly small, now and then 0 or one of the products that wrap. */
static int64_t rsize(void)
{
    static const int64_t huge[] = {(int64_t)1 << 29, (int64_t)1 << 40, INT64_MAX,
                                   ((int64_t)1 << 62) + 1, (int64_t)1 << 32};
    int64_t r = pick(100);
    if (r < 3)
        return huge[pick(5)];
    if (r < 6)
        return 0;
    return 1 + pick(6);
}

/* v + 1 and a * b, saturating at INT64_MAX (the driver's own arithmetic). */
static int64_t inc(int64_t v)
{
    return v < INT64_MAX ? v + 1 : v;
}

static int64_t mul(int64_t a, int64_t b)
{
    return cls__sat_mul_i64(a, b);
}

/* Strides for t's sizes: a random dim order, dense or with gaps, sometimes
 * one stride replaced by 0, a small number or a huge one. */
static void rstrides(cls_tensor *t)
{
    int order[CLS_MAX_DIMS];
    int64_t s = 1;
    for (int i = 0; i < t->ndim; i++)
        order[i] = i;
    for (int i = t->ndim - 1; i > 0 && pick(2); i--) {
        int k = (int)pick(i + 1), x = order[i];
        order[i] = order[k], order[k] = x;
    }
    for (int i = t->ndim - 1; i >= 0; i--) {
        int d = order[i];
        t->strides[d] = s;
        int64_t m = t->sizes[d] > 0 ? t->sizes[d] : 1;
        s = cls__sat_mul_i64(s, pick(4) == 0 ? inc(m) : m);
    }
    if (pick(8) == 0) {
        int64_t r = pick(3);
        t->strides[pick(t->ndim)] = r == 0 ? 0 : r == 1 ? pick(40) : (int64_t)1 << (40 + pick(23));
    }
}

static cls_dtype rdtype(void)
{
    static const cls_dtype d[] = {CLS_U8, CLS_F16, CLS_F32, CLS_F64};
    return pick(50) == 0 ? (cls_dtype)99 : d[pick(4)];
}

/* A tensor of ndim dims with the given sizes over buf. */
static cls_tensor rtensor(cl_mem buf, cls_dtype dt, int ndim, const int64_t *sizes)
{
    cls_tensor t;
    size_t es = cls_dtype_size(dt) ? cls_dtype_size(dt) : 1;
    memset(&t, 0, sizeof t);
    t.buffer = buf, t.dtype = dt, t.ndim = ndim;
    for (int i = 0; i < ndim; i++)
        t.sizes[i] = sizes[i];
    rstrides(&t);
    t.offset = pick(4) == 0 ? (size_t)pick(64) * es + (pick(20) == 0) : 0;
    return t;
}

typedef struct rig {
    cls_context *ctx;
    cl_command_queue q;
    cl_mem sp, dp, s, d; /* parents (3 B) and their middle sub-buffers */
    unsigned char *sh, *dh, *after, *mark;
    cls_conv_plan *plans[2];
} rig;

static cl_mem middle(cl_mem parent)
{
    cl_buffer_region r = {B, B};
    cl_int err;
    cl_mem m = clCreateSubBuffer(parent, CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION, &r, &err);
    ck_assert_msg(err == CL_SUCCESS, "clCreateSubBuffer: %s", cls_cl_error_name(err));
    return m;
}

static void rig_make(rig *r)
{
    cls_conv_desc d = {0};
    static float w[128]; /* plan 1: 4 x 2 x 3 x 3 weights */
    memset(r, 0, sizeof *r);
    r->ctx = tu_context_verify();
    cls_context_get_cl(r->ctx, NULL, NULL, &r->q);
    r->sp = tu_buffer(r->ctx, 3 * B, NULL), r->dp = tu_buffer(r->ctx, 3 * B, NULL);
    r->s = middle(r->sp), r->d = middle(r->dp);
    r->sh = malloc(3 * B), r->dh = malloc(3 * B), r->after = malloc(3 * B);
    r->mark = malloc(3 * B);
    for (int i = 0; i < 128; i++)
        w[i] = (float)(i % 7) - 3.0f;
    d.in_channels = 2, d.out_channels = 2, d.kernel_h = d.kernel_w = 1;
    ck_assert_int_eq(cls_conv_plan_create(r->ctx, &d, w, NULL, &r->plans[0]), CLS_OK);
    d.out_channels = 1, d.kernel_h = d.kernel_w = 3, d.block_h = d.block_w = 2;
    d.pad_top = d.pad_bottom = d.pad_left = d.pad_right = 1;
    ck_assert_int_eq(cls_conv_plan_create(r->ctx, &d, w, NULL, &r->plans[1]), CLS_OK);
}

/* One random call; returns its status. */
static cls_status one_call(rig *r, int op, cls_tensor *dst_out)
{
    cls_dtype dt = rdtype();
    int64_t n = rsize(), c = rsize(), h = rsize(), w = rsize(), b = 1 + pick(3);
    cl_mem sbuf = pick(10) == 0 ? r->d : r->s; /* now and then src and dst share a buffer */
    cls_tensor s, d;
    if (op == 0 || op == 1) { /* copy, permute: ndim 1..5 */
        int nd = 1 + (int)pick(5), perm[CLS_MAX_DIMS];
        int64_t sz[CLS_MAX_DIMS], dz[CLS_MAX_DIMS];
        for (int i = 0; i < nd; i++)
            sz[i] = rsize(), perm[i] = i;
        for (int i = nd - 1; i > 0; i--) {
            int k = (int)pick(i + 1), x = perm[i];
            perm[i] = perm[k], perm[k] = x;
        }
        if (pick(20) == 0)
            perm[pick(nd)] = (int)pick(nd + 1);
        for (int i = 0; i < nd; i++)
            dz[i] = op == 0 ? sz[i] : sz[perm[i] < nd && perm[i] >= 0 ? perm[i] : 0];
        if (pick(20) == 0)
            dz[pick(nd)] = inc(dz[pick(nd)]);
        s = rtensor(sbuf, dt, nd, sz), d = rtensor(r->d, pick(30) ? dt : rdtype(), nd, dz);
        *dst_out = d;
        return op == 0 ? cls_copy(r->ctx, &s, &d, 0, NULL, NULL)
                       : cls_permute(r->ctx, &s, perm, &d, 0, NULL, NULL);
    }
    if (op == 2 || op == 3) { /* depth-to-space, space-to-depth */
        int64_t deep[4] = {n, mul(c, b * b), h, w}, space[4] = {n, c, mul(h, b), mul(w, b)};
        cls_d2s_mode mode = pick(2) ? CLS_DCR : CLS_CRD;
        if (pick(10) == 0)
            deep[1] = inc(deep[1]);
        if (pick(40) == 0)
            b = -b;
        s = rtensor(sbuf, dt, 4, op == 2 ? deep : space);
        d = rtensor(r->d, dt, 4, op == 2 ? space : deep);
        *dst_out = d;
        return op == 2 ? cls_depth_to_space(r->ctx, &s, &d, (int)b, (int)b, mode, 0, NULL, NULL)
                       : cls_space_to_depth(r->ctx, &s, &d, (int)b, (int)b, mode, 0, NULL, NULL);
    }
    if (op == 4 || op == 5) { /* blocked pack, unpack */
        int64_t plain[4] = {n, c, h, w};
        int blk = (int)(1 + pick(8));
        cls_tensor p = rtensor(op == 4 ? sbuf : r->d, dt, 4, plain);
        cls_tensor q =
            cls_tensor_blocked(op == 4 ? r->d : sbuf, 0, dt, 4, plain, pick(10) ? blk : blk + 1);
        if (pick(3) == 0)
            rstrides(&q);
        s = op == 4 ? p : q, d = op == 4 ? q : p;
        *dst_out = d;
        return op == 4 ? cls_blocked_pack(r->ctx, &s, &d, blk, 0, NULL, NULL)
                       : cls_blocked_unpack(r->ctx, &s, &d, blk, 0, NULL, NULL);
    }
    { /* conv: plan 0 (1x1, 2 -> 2) or plan 1 (3x3 pad 1, 2 -> 1, block 2) */
        int k = (int)pick(2);
        int64_t ss[4] = {n, 2, h, w}, ds[4] = {n, 2 - k, mul(h, 1 + k), mul(w, 1 + k)};
        if (pick(10) == 0)
            ds[3] = inc(ds[3]);
        s = rtensor(sbuf, pick(10) ? CLS_F32 : dt, 4, ss);
        d = rtensor(r->d, pick(10) ? CLS_F32 : dt, 4, ds);
        *dst_out = d;
        return cls_conv_plan_enqueue(r->plans[k], &s, &d, 0, NULL, NULL);
    }
}

START_TEST(random_calls_touch_only_their_destination)
{
    const char *env = getenv("CLS_FUZZ_SECONDS");
    double limit = env ? atof(env) : 20.0;
    long calls = 0, ok = 0, errors = 0;
    struct timespec t0, t1;
    rig r;
    rig_make(&r);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        cls_tensor d;
        cls_status st;
        int op = (int)pick(7);
        tu_fill(r.sh, 3 * B, (uint32_t)calls * 2 + 1);
        /* The conv's arithmetic is compared with a tolerance: finite, moderate
         * inputs (as f32 words and as their f16 halves); the byte movers get
         * random bytes. */
        for (size_t i = 0; op == 6 && i < 3 * B / 4; i++) {
            float v = (float)((int)(r.sh[i] % 13) - 6) * 0.25f;
            memcpy(r.sh + 4 * i, &v, 4);
        }
        tu_fill(r.dh, 3 * B, (uint32_t)calls * 2 + 2);
        ck_assert_int_eq(clEnqueueWriteBuffer(r.q, r.sp, CL_TRUE, 0, 3 * B, r.sh, 0, NULL, NULL),
                         CL_SUCCESS);
        ck_assert_int_eq(clEnqueueWriteBuffer(r.q, r.dp, CL_TRUE, 0, 3 * B, r.dh, 0, NULL, NULL),
                         CL_SUCCESS);
        st = one_call(&r, op, &d);
        ck_assert_int_eq(clFinish(r.q), CL_SUCCESS);
        ck_assert_int_eq(clEnqueueReadBuffer(r.q, r.dp, CL_TRUE, 0, 3 * B, r.after, 0, NULL, NULL),
                         CL_SUCCESS);
        memset(r.mark, 0, 3 * B);
        if (st == CLS_OK) {
            int64_t idx[CLS_MAX_DIMS] = {0};
            size_t es = cls_dtype_size(d.dtype);
            ok++;
            if (cls_tensor_numel(&d) > 0)
                do
                    memset(r.mark + B + cls__elem_offset(&d, idx), 1, es);
                while (cls__next_index(d.ndim, d.sizes, idx));
        } else {
            errors++;
            ck_assert_msg(st == CLS_ERR_INVALID_ARG || st == CLS_ERR_BUFFER_TOO_SMALL ||
                              st == CLS_ERR_OVERLAP || st == CLS_ERR_UNSUPPORTED,
                          "call %ld: %s: %s", calls, cls_status_name(st), cls_last_error());
        }
        for (size_t i = 0; i < 3 * B; i++)
            ck_assert_msg(r.mark[i] || r.after[i] == r.dh[i],
                          "call %ld (%s: %s): byte %zd outside the destination view changed", calls,
                          cls_status_name(st), cls_last_error(), (ssize_t)i - B);
        calls++;
        clock_gettime(CLOCK_MONOTONIC, &t1);
    } while ((double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec) < limit);
    printf("fuzz: %ld calls in %.0f s: %ld completed (checked against the reference), %ld "
           "rejected\n",
           calls, limit, ok, errors);
    ck_assert_int_gt(ok, 0);
    ck_assert_int_gt(errors, 0);
    cls_conv_plan_destroy(r.plans[0]), cls_conv_plan_destroy(r.plans[1]);
    clReleaseMemObject(r.s), clReleaseMemObject(r.d);
    clReleaseMemObject(r.sp), clReleaseMemObject(r.dp);
    free(r.sh), free(r.dh), free(r.after), free(r.mark);
    cls_context_destroy(r.ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fuzz");
    TCase *tc = tcase_create("fuzz");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, random_calls_touch_only_their_destination);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
