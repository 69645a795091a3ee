/* cls_copy: bit-exact over a sweep of sizes, offsets, strided views, element sizes. */
#include <string.h>

#include "util.h"

/* Row-major strides of sizes, permuted: dim order[k] gets the k-th slowest stride;
 * pad adds that many elements to every stride but the innermost. */
static void make_strides(int nd, const int64_t *sizes, const int *order, int64_t pad,
                         int64_t *strides)
{
    int64_t s = 1;
    for (int k = nd - 1; k >= 0; k--) {
        strides[order[k]] = s;
        s = s * sizes[order[k]] + pad;
    }
}

static uint64_t extent_elems(int nd, const int64_t *sizes, const int64_t *strides)
{
    uint64_t e = 0;
    for (int d = 0; d < nd; d++)
        e += (uint64_t)(sizes[d] - 1) * (uint64_t)strides[d];
    return e + 1;
}

/* Copy one view to another on the device and compare with a plain loop. */
static void check_copy(cls_context *ctx, cls_dtype dt, int nd, const int64_t *sizes,
                       const int *sorder, const int *dorder, int64_t spad, int64_t dpad,
                       size_t soff_el, size_t doff_el)
{
    size_t es = cls_dtype_size(dt);
    cls_tensor s, d;
    memset(&s, 0, sizeof s);
    s.dtype = dt, s.ndim = nd;
    memcpy(s.sizes, sizes, sizeof(int64_t) * (size_t)nd);
    d = s;
    make_strides(nd, sizes, sorder, spad, s.strides);
    make_strides(nd, sizes, dorder, dpad, d.strides);
    s.offset = soff_el * es, d.offset = doff_el * es;
    size_t sbytes = s.offset + extent_elems(nd, sizes, s.strides) * es;
    size_t dbytes = d.offset + extent_elems(nd, sizes, d.strides) * es;
    unsigned char *host = malloc(sbytes), *want = malloc(dbytes);
    tu_fill(host, sbytes, (uint32_t)(nd * 131 + es));
    memset(want, 0xEE, dbytes);
    s.buffer = tu_buffer(ctx, sbytes, host);
    d.buffer = tu_buffer(ctx, dbytes, NULL);

    /* Reference: every logical index, straight from the strides. */
    int64_t idx[8] = {0};
    for (;;) {
        uint64_t so = 0, dof = 0;
        for (int k = 0; k < nd; k++)
            so += (uint64_t)idx[k] * (uint64_t)s.strides[k],
                dof += (uint64_t)idx[k] * (uint64_t)d.strides[k];
        memcpy(want + d.offset + dof * es, host + s.offset + so * es, es);
        int k = nd - 1;
        while (k >= 0 && ++idx[k] == sizes[k])
            idx[k--] = 0;
        if (k < 0)
            break;
    }
    cl_event ev = NULL;
    cls_status st = cls_copy(ctx, &s, &d, 0, NULL, &ev);
    ck_assert_msg(st == CLS_OK, "cls_copy: %s", cls_last_error());
    ck_assert_int_eq(clWaitForEvents(1, &ev), CL_SUCCESS);
    clReleaseEvent(ev);
    unsigned char *got = tu_read(ctx, d.buffer, dbytes);
    /* Whole buffer: elements in place, and every byte outside the view untouched. */
    ck_assert_msg(memcmp(got, want, dbytes) == 0, "mismatch: nd %d es %zu sizes[0] %lld", nd, es,
                  (long long)sizes[0]);
    free(got);
    free(host);
    free(want);
    clReleaseMemObject(s.buffer);
    clReleaseMemObject(d.buffer);
}

static const cls_dtype dtypes[4] = {CLS_U8, CLS_F16, CLS_F32, CLS_F64};
static const int64_t odd[5] = {1, 3, 7, 93, 133};

START_TEST(one_dim_sizes_and_offsets)
{
    cls_context *ctx = tu_context();
    int order[1] = {0};
    for (int t = 0; t < 4; t++)
        for (int i = 0; i < 5; i++) {
            int64_t n = odd[i];
            check_copy(ctx, dtypes[t], 1, &n, order, order, 0, 0, 0, 0);
            check_copy(ctx, dtypes[t], 1, &n, order, order, 0, 0, 3, 5);
        }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(transposes_and_padded_views)
{
    cls_context *ctx = tu_context();
    int rm[2] = {0, 1}, cm[2] = {1, 0};
    for (int t = 0; t < 4; t++)
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j += 2) {
                int64_t sz[2] = {odd[i], odd[j]};
                check_copy(ctx, dtypes[t], 2, sz, rm, cm, 0, 0, 1, 0);
                check_copy(ctx, dtypes[t], 2, sz, cm, rm, 2, 1, 0, 7);
            }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(nchw_nhwc_both_ways)
{
    cls_context *ctx = tu_context();
    int nchw[4] = {0, 1, 2, 3}, nhwc[4] = {0, 2, 3, 1};
    int64_t shapes[3][4] = {{2, 3, 7, 93}, {1, 16, 5, 7}, {3, 1, 1, 133}};
    for (int t = 0; t < 4; t++)
        for (int i = 0; i < 3; i++) {
            check_copy(ctx, dtypes[t], 4, shapes[i], nchw, nhwc, 0, 0, 0, 0);
            check_copy(ctx, dtypes[t], 4, shapes[i], nhwc, nchw, 0, 0, 4, 4);
        }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(every_rank_up_to_eight)
{
    cls_context *ctx = tu_context();
    int64_t sz[8] = {2, 3, 1, 5, 2, 7, 3, 2};
    for (int nd = 1; nd <= 8; nd++) {
        int id[8], rev[8];
        for (int k = 0; k < nd; k++)
            id[k] = k, rev[k] = nd - 1 - k;
        for (int t = 0; t < 4; t++)
            check_copy(ctx, dtypes[t], nd, sz + (8 - nd), id, rev, nd % 3, 1, 2, 1);
    }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(events_honour_the_wait_list)
{
    cls_context *ctx = tu_context();
    cl_context c;
    cl_int err, status = -1;
    cls_context_get_cl(ctx, &c, NULL, NULL);
    float host[64];
    for (int i = 0; i < 64; i++)
        host[i] = (float)i;
    cl_mem a = tu_buffer(ctx, sizeof host, host), b = tu_buffer(ctx, sizeof host, NULL);
    int64_t n = 64;
    cls_tensor s = cls_tensor_contiguous(a, 0, CLS_F32, 1, &n), d = s;
    d.buffer = b;
    cl_event gate = clCreateUserEvent(c, &err), done = NULL;
    ck_assert_int_eq(err, CL_SUCCESS);
    ck_assert_int_eq(cls_copy(ctx, &s, &d, 1, &gate, &done), CLS_OK);
    clGetEventInfo(done, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof status, &status, NULL);
    ck_assert_int_ne(status, CL_COMPLETE);
    clSetUserEventStatus(gate, CL_COMPLETE);
    ck_assert_int_eq(clWaitForEvents(1, &done), CL_SUCCESS);
    float *got = tu_read(ctx, b, sizeof host);
    ck_assert(memcmp(got, host, sizeof host) == 0);
    free(got);
    clReleaseEvent(gate);
    clReleaseEvent(done);
    clReleaseMemObject(a);
    clReleaseMemObject(b);
    cls_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("copy");
    TCase *tc = tcase_create("copy");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, one_dim_sizes_and_offsets);
    tcase_add_test(tc, transposes_and_padded_views);
    tcase_add_test(tc, nchw_nhwc_both_ways);
    tcase_add_test(tc, every_rank_up_to_eight);
    tcase_add_test(tc, events_honour_the_wait_list);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
