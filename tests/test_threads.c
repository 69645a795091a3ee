/* Threads (issue 16): contexts created concurrently, and one context shared
 * by 8 threads running random ops of every kind (conv plan creation
 * included) from cold caches, each result compared with the CPU reference
 * loops of host/reference/. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "reference/conv_ref.h"
#include "reference/d2s_ref.h"
#include "reference/layout_ref.h"
#include "reference/reference.h"
#include "util.h"

#define THREADS 8
#define ROUNDS 3
#define OPS 10

static void *create_many(void *arg)
{
    char *err = arg, list[4096];
    for (int i = 0; i < 4 && !err[0]; i++) {
        cls_context *ctx = NULL;
        cls_status st = cls_context_create(&ctx, NULL);
        if (st != CLS_OK)
            snprintf(err, 256, "cls_context_create: %s: %s", cls_status_name(st), cls_last_error());
        else if ((st = cls_list_devices(list, sizeof list)) != CLS_OK)
            snprintf(err, 256, "cls_list_devices: %s", cls_last_error());
        cls_context_destroy(ctx);
    }
    return NULL;
}

START_TEST(contexts_created_concurrently)
{
    pthread_t t[THREADS];
    static char err[THREADS][256];
    memset(err, 0, sizeof err);
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, create_many, err[i]), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++)
        ck_assert_msg(err[i][0] == '\0', "thread %d: %s", i, err[i]);
}
END_TEST

/* One thread's state: the shared context, its seed, the first failure. */
typedef struct worker {
    cls_context *ctx;
    uint32_t seed;
    int done_ops;
    char err[512];
} worker;

static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 17, *s ^= *s << 5;
    return *s;
}

enum {
    OP_COPY,
    OP_PERMUTE,
    OP_D2S,
    OP_S2D,
    OP_SHUFFLE,
    OP_PACK,
    OP_UNPACK,
    OP_NHWC,
    OP_CONV,
    OP_COUNT
};

/* Upload src bytes, run the op, read dst back and compare it with ref applied
 * to host images (every byte of dst's buffer: the rest must stay as it was). */
typedef struct job {
    cls_tensor src, dst;
    size_t sbytes, dbytes;
    int kind, block, perm[CLS_MAX_DIMS];
    cls_d2s_mode mode;
} job;

static cls_status run_op(worker *w, job *j, cls_conv_plan *plan, cl_event *ev)
{
    cls_context *c = w->ctx;
    switch (j->kind) {
    case OP_COPY:
        return cls_copy(c, &j->src, &j->dst, 0, NULL, ev);
    case OP_PERMUTE:
        return cls_permute(c, &j->src, j->perm, &j->dst, 0, NULL, ev);
    case OP_D2S:
        return cls_depth_to_space(c, &j->src, &j->dst, j->block, j->block, j->mode, 0, NULL, ev);
    case OP_S2D:
        return cls_space_to_depth(c, &j->src, &j->dst, j->block, j->block, j->mode, 0, NULL, ev);
    case OP_SHUFFLE:
        return cls_pixel_shuffle(c, &j->src, &j->dst, j->block, 0, NULL, ev);
    case OP_PACK:
        return cls_blocked_pack(c, &j->src, &j->dst, j->block, 0, NULL, ev);
    case OP_UNPACK:
        return cls_blocked_unpack(c, &j->src, &j->dst, j->block, 0, NULL, ev);
    case OP_NHWC:
        return cls_nchw_to_nhwc(c, j->src.buffer, 0, j->dst.buffer, 0, j->src.dtype,
                                j->src.sizes[0], j->src.sizes[1], j->src.sizes[2], j->src.sizes[3],
                                0, NULL, ev);
    default:
        return cls_conv_plan_enqueue(plan, &j->src, &j->dst, 0, NULL, ev);
    }
}

/* A random job of kind k over fresh buffers. */
static void make_job(worker *w, uint32_t *s, int k, job *j)
{
    static const cls_dtype dts[4] = {CLS_U8, CLS_F16, CLS_F32, CLS_F64};
    cls_dtype dt = k == OP_CONV ? CLS_F32 : dts[rnd(s) % 4];
    size_t es = cls_dtype_size(dt);
    int64_t n = 1 + rnd(s) % 2, c = 1 + rnd(s) % 5, h = 1 + rnd(s) % 9, wd = 1 + rnd(s) % 9;
    int b = 2 + (int)(rnd(s) % 2);
    memset(j, 0, sizeof *j);
    j->kind = k, j->block = b, j->mode = rnd(s) % 2 ? CLS_CRD : CLS_DCR;
    if (k == OP_SHUFFLE)
        j->mode = CLS_CRD;
    switch (k) {
    case OP_COPY:
        j->src = cls_tensor_nchw(NULL, 0, dt, n, c, h, wd);
        j->dst = cls_tensor_nhwc(NULL, 0, dt, n, c, h, wd);
        break;
    case OP_PERMUTE:
    case OP_NHWC: {
        int64_t sz[4] = {n, c, h, wd};
        int p[4] = {0, 2, 3, 1};
        if (k == OP_PERMUTE)
            for (int i = 3; i > 0; i--) {
                int r = (int)(rnd(s) % (uint32_t)(i + 1)), t = p[i];
                p[i] = p[r], p[r] = t;
            }
        for (int i = 0; i < 4; i++)
            j->perm[i] = p[i];
        j->src = cls_tensor_nchw(NULL, 0, dt, n, c, h, wd);
        j->dst = cls_tensor_nchw(NULL, 0, dt, sz[p[0]], sz[p[1]], sz[p[2]], sz[p[3]]);
        break;
    }
    case OP_D2S:
    case OP_SHUFFLE:
        j->src = cls_tensor_nchw(NULL, 0, dt, n, c * b * b, h, wd);
        j->dst = cls_tensor_nhwc(NULL, 0, dt, n, c, h * b, wd * b);
        break;
    case OP_S2D:
        j->src = cls_tensor_nhwc(NULL, 0, dt, n, c, h * b, wd * b);
        j->dst = cls_tensor_nchw(NULL, 0, dt, n, c * b * b, h, wd);
        break;
    case OP_PACK:
    case OP_UNPACK: {
        int64_t sz[4] = {n, c, h, wd};
        cls_tensor plain = cls_tensor_nchw(NULL, 0, dt, n, c, h, wd);
        cls_tensor blk = cls_tensor_blocked(NULL, 0, dt, 4, sz, b * 2);
        j->block = b * 2;
        j->src = k == OP_PACK ? plain : blk;
        j->dst = k == OP_PACK ? blk : plain;
        break;
    }
    default: /* conv: 3x3, pad 1, Cin 3, Cout 2, block 2 */
        j->src = cls_tensor_nchw(NULL, 0, dt, n, 3, h, wd);
        j->dst = cls_tensor_nchw(NULL, 0, dt, n, 2, h * 2, wd * 2);
        break;
    }
    j->sbytes = (size_t)cls_tensor_numel(&j->src) * es;
    j->dbytes = (size_t)cls_tensor_numel(&j->dst) * es;
    (void)w;
}

/* Run one job and compare; returns 0 and fills w->err on a failure. */
static int one_job(worker *w, job *j, const cls_conv_desc *desc, const float *wts)
{
    unsigned char *sh = malloc(j->sbytes), *got = NULL, *exp = malloc(j->dbytes);
    cl_event ev = NULL;
    cls_conv_plan *plan = NULL;
    cls_status st = CLS_OK;
    cl_int err;
    int ok = 0;
    cl_context c;
    cl_command_queue q;
    cls_context_get_cl(w->ctx, &c, NULL, &q);
    tu_fill(sh, j->sbytes, rnd(&w->seed));
    if (j->src.dtype == CLS_F16 || j->kind == OP_CONV)
        for (size_t i = 0; j->kind == OP_CONV && i < j->sbytes / 4; i++)
            ((float *)sh)[i] = (float)(sh[i * 4] % 17) / 8.0f - 1.0f;
    memset(exp, 0xEE, j->dbytes);
    j->src.buffer =
        clCreateBuffer(c, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, j->sbytes, sh, &err);
    j->dst.buffer =
        clCreateBuffer(c, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, j->dbytes, exp, &err);
    if (j->kind == OP_CONV)
        st = cls_conv_plan_create(w->ctx, desc, wts, NULL, &plan);
    if (st == CLS_OK)
        st = run_op(w, j, plan, &ev);
    if (st != CLS_OK) {
        snprintf(w->err, sizeof w->err, "op %d: %s: %s", j->kind, cls_status_name(st),
                 cls_last_error());
        goto done;
    }
    got = malloc(j->dbytes);
    clEnqueueReadBuffer(q, j->dst.buffer, CL_TRUE, 0, j->dbytes, got, 1, &ev, NULL);
    if (j->kind == OP_CONV) {
        cls__conv_ref_args a = {*desc, wts, NULL, NULL};
        a.desc.stride_h = a.desc.stride_w = a.desc.dilation_h = a.desc.dilation_w = 1;
        a.desc.groups = 1;
        cls__ref_conv(sh, &j->src, exp, &j->dst, &a);
        /* Float sums in another order: 1e-4 relative, as the verify mode. */
        for (size_t i = 0; i < j->dbytes / 4; i++) {
            float x = ((float *)got)[i], y = ((float *)exp)[i];
            if (!(fabsf(x - y) <= 1e-4f * (1.0f + fabsf(y)))) {
                snprintf(w->err, sizeof w->err, "conv: element %zu = %g, reference %g", i,
                         (double)x, (double)y);
                goto done;
            }
        }
    } else {
        cls__d2s_ref_arg d = {j->block, j->block, j->mode, j->kind == OP_S2D};
        cls_tensor view = j->src;
        int id[4] = {0, 2, 3, 1};
        if (j->kind == OP_COPY)
            cls__ref_copy(sh, &j->src, exp, &j->dst, NULL);
        else if (j->kind == OP_PERMUTE)
            cls__ref_permute(sh, &j->src, exp, &j->dst, j->perm);
        else if (j->kind == OP_NHWC)
            cls__ref_permute(sh, &view, exp, &j->dst, id);
        else if (j->kind == OP_PACK)
            cls__ref_blocked_pack(sh, &j->src, exp, &j->dst, &j->block);
        else if (j->kind == OP_UNPACK)
            cls__ref_blocked_unpack(sh, &j->src, exp, &j->dst, &j->block);
        else
            cls__ref_depth_to_space(sh, &j->src, exp, &j->dst, &d);
        if (memcmp(got, exp, j->dbytes) != 0) {
            size_t i = 0;
            while (got[i] == exp[i])
                i++;
            snprintf(w->err, sizeof w->err, "op %d (%s): byte %zu differs from the reference",
                     j->kind, cls_dtype_name(j->src.dtype), i);
            goto done;
        }
    }
    ok = 1;
done:
    if (ev)
        clReleaseEvent(ev);
    cls_conv_plan_destroy(plan);
    clReleaseMemObject(j->src.buffer), clReleaseMemObject(j->dst.buffer);
    free(sh), free(got), free(exp);
    return ok;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    float wts[2 * 4 * 3 * 9];
    cls_conv_desc desc = {0};
    desc.in_channels = 3, desc.out_channels = 2, desc.kernel_h = desc.kernel_w = 3;
    desc.pad_top = desc.pad_bottom = desc.pad_left = desc.pad_right = 1;
    desc.block_h = desc.block_w = 2;
    for (size_t i = 0; i < sizeof wts / sizeof wts[0]; i++)
        wts[i] = (float)((int)(i * 7 % 11) - 5) / 4.0f;
    for (int i = 0; i < OPS && !w->err[0]; i++) {
        job j;
        /* Every kind in every thread: the first OP_COUNT ops in order. */
        int k = i < OP_COUNT ? (int)((i + w->seed) % OP_COUNT) : (int)(rnd(&w->seed) % OP_COUNT);
        make_job(w, &w->seed, k, &j);
        if (!one_job(w, &j, &desc, wts))
            break;
        w->done_ops++;
    }
    return NULL;
}

START_TEST(one_context_many_threads)
{
    for (int round = 0; round < ROUNDS; round++) {
        cls_context_options o;
        cls_context *ctx = NULL;
        pthread_t t[THREADS];
        worker w[THREADS];
        int total = 0;
        memset(&o, 0, sizeof o);
        o.disable_disk_cache = 1; /* cold: every program built in this context */
        ck_assert_int_eq(cls_context_create(&ctx, &o), CLS_OK);
        memset(w, 0, sizeof w);
        for (int i = 0; i < THREADS; i++) {
            w[i].ctx = ctx, w[i].seed = 1000u * (uint32_t)round + 17u * (uint32_t)i + 1u;
            ck_assert_int_eq(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
        }
        for (int i = 0; i < THREADS; i++)
            pthread_join(t[i], NULL);
        for (int i = 0; i < THREADS; i++) {
            ck_assert_msg(w[i].err[0] == '\0', "round %d thread %d: %s", round, i, w[i].err);
            total += w[i].done_ops;
        }
        ck_assert_int_eq(total, THREADS * OPS);
        ck_assert_int_gt(ctx->builds_from_source, 5);
        cls_context_destroy(ctx);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("threads");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, contexts_created_concurrently);
    tcase_add_test(tc, one_context_many_threads);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
