/* Named layout conversions and blocked formats: hand-checked values, round
 * trips that must be the identity, zero padding, bad input. */
#include <string.h>

#include "internal.h"
#include "util.h"

static const cls_dtype dtypes[4] = {CLS_I8, CLS_F16, CLS_F32, CLS_F64};

/* Element i of a host image with es-byte elements, as a u64. */
static uint64_t get(const unsigned char *p, size_t es, uint64_t i)
{
    uint64_t v = 0;
    memcpy(&v, p + i * es, es);
    return v;
}

/* The named channels-first -> channels-last helper for z (see round_trip). */
static cls_status to_last(cls_context *c, cl_mem s, size_t so, cl_mem d, size_t dof,
                          cls_dtype dt, const int64_t *z, cl_uint nw, const cl_event *w,
                          cl_event *e)
{
    if (z[5] == 3)
        return cls_ncl_to_nlc(c, s, so, d, dof, dt, z[0], z[1], z[4], nw, w, e);
    if (z[5] == 4)
        return cls_nchw_to_nhwc(c, s, so, d, dof, dt, z[0], z[1], z[3], z[4], nw, w, e);
    return cls_ncdhw_to_ndhwc(c, s, so, d, dof, dt, z[0], z[1], z[2], z[3], z[4], nw, w, e);
}

/* The named channels-last -> channels-first helper for z. */
static cls_status to_first(cls_context *c, cl_mem s, size_t so, cl_mem d, size_t dof,
                           cls_dtype dt, const int64_t *z, cl_uint nw, const cl_event *w,
                           cl_event *e)
{
    if (z[5] == 3)
        return cls_nlc_to_ncl(c, s, so, d, dof, dt, z[0], z[1], z[4], nw, w, e);
    if (z[5] == 4)
        return cls_nhwc_to_nchw(c, s, so, d, dof, dt, z[0], z[1], z[3], z[4], nw, w, e);
    return cls_ndhwc_to_ncdhw(c, s, so, d, dof, dt, z[0], z[1], z[2], z[3], z[4], nw, w, e);
}

/* z = {N, C, D, H, W, ndim} (unused spatial dims 1). Checks every channels-
 * last element by hand, then that the way back is the identity. */
static void round_trip(cls_context *ctx, cls_dtype dt, const int64_t *z)
{
    size_t es = cls_dtype_size(dt), off = 3 * es;
    uint64_t sp = (uint64_t)(z[2] * z[3] * z[4]), n = (uint64_t)z[0] * (uint64_t)z[1] * sp;
    size_t bytes = off + n * es;
    unsigned char *src = malloc(bytes), *mid, *back;
    cl_mem a, b, c;
    cl_event e1 = NULL, e2 = NULL;
    tu_fill(src, bytes, (uint32_t)(z[1] + 31 * (int64_t)es));
    a = tu_buffer(ctx, bytes, src), b = tu_buffer(ctx, bytes, NULL);
    c = tu_buffer(ctx, bytes, NULL);
    ck_assert_msg(to_last(ctx, a, off, b, off, dt, z, 0, NULL, &e1) == CLS_OK, "%s",
                  cls_last_error());
    ck_assert_msg(to_first(ctx, b, off, c, off, dt, z, 1, &e1, &e2) == CLS_OK, "%s",
                  cls_last_error());
    ck_assert_int_eq(clWaitForEvents(1, &e2), CL_SUCCESS);
    mid = tu_read(ctx, b, bytes), back = tu_read(ctx, c, bytes);
    for (uint64_t i = 0; i < (uint64_t)z[0]; i++)
        for (uint64_t ch = 0; ch < (uint64_t)z[1]; ch++)
            for (uint64_t s = 0; s < sp; s++)
                ck_assert_uint_eq(get(mid + off, es, (i * sp + s) * (uint64_t)z[1] + ch),
                                  get(src + off, es, (i * (uint64_t)z[1] + ch) * sp + s));
    ck_assert_msg(memcmp(back + off, src + off, n * es) == 0, "round trip is not the identity");
    clReleaseEvent(e1), clReleaseEvent(e2);
    clReleaseMemObject(a), clReleaseMemObject(b), clReleaseMemObject(c);
    free(src), free(mid), free(back);
}

START_TEST(nchw_nhwc_round_trips)
{
    static const int64_t shapes[][6] = {{2, 3, 1, 7, 13, 4},  {1, 16, 1, 5, 5, 4},
                                        {3, 64, 1, 3, 7, 4},  {1, 256, 1, 2, 3, 4},
                                        {2, 1, 1, 3, 5, 4},   {1, 7, 1, 1, 1, 4}};
    cls_context *ctx = tu_context();
    for (int e = 0; e < 4; e++)
        for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
            round_trip(ctx, dtypes[e], shapes[i]);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(ncl_nlc_and_ncdhw_ndhwc_round_trips)
{
    static const int64_t shapes[][6] = {{2, 3, 1, 1, 93, 3}, {3, 32, 1, 1, 17, 3},
                                        {1, 133, 1, 1, 7, 3}, {2, 3, 5, 7, 3, 5},
                                        {1, 16, 3, 4, 5, 5},  {2, 9, 2, 1, 13, 5}};
    cls_context *ctx = tu_context();
    for (int e = 0; e < 4; e++)
        for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
            round_trip(ctx, dtypes[e], shapes[i]);
    cls_context_destroy(ctx);
}
END_TEST

/* Plain (N, C, S...) descriptor over buf: channels-first or channels-last. */
static cls_tensor plain_view(cl_mem buf, size_t off, cls_dtype dt, int nd, const int64_t *sizes,
                             int channels_last)
{
    cls_tensor t = cls_tensor_contiguous(buf, off, dt, nd, sizes);
    if (channels_last) {
        int64_t s = sizes[1];
        t.strides[1] = 1;
        for (int d = nd - 1; d >= 2; d--) {
            t.strides[d] = s;
            s *= sizes[d];
        }
        t.strides[0] = s;
    }
    return t;
}

/* Check every element of the packed image by hand: data lanes hold the
 * plain value, padding lanes are zero. */
static void check_packed(const unsigned char *plain_host, const cls_tensor *p,
                         const unsigned char *blk_host, const cls_tensor *b, int block)
{
    size_t es = cls_dtype_size(p->dtype);
    int64_t q[CLS_MAX_DIMS] = {0}, i[CLS_MAX_DIMS] = {0};
    do {
        uint64_t got = get(blk_host + cls__elem_offset(b, q), es, 0);
        int64_t c = q[1] * block + q[p->ndim];
        for (int d = 0; d < p->ndim; d++)
            i[d] = q[d];
        i[1] = c;
        if (c < p->sizes[1])
            ck_assert_uint_eq(got, get(plain_host + cls__elem_offset(p, i), es, 0));
        else
            ck_assert_msg(got == 0, "padding lane %lld of channel block %lld is not zero",
                          (long long)q[p->ndim], (long long)q[1]);
    } while (cls__next_index(b->ndim, b->sizes, q));
}

/* plain -> blocked -> plain with the padding poisoned in between. */
static void blocked_trip(cls_context *ctx, cls_dtype dt, int nd, const int64_t *sizes, int block,
                         int channels_last)
{
    size_t es = cls_dtype_size(dt), off = 2 * es, pb, bb;
    cls_tensor p = plain_view(NULL, off, dt, nd, sizes, channels_last), b, back;
    unsigned char *ph, *bh, *out;
    uint64_t ext;
    ck_assert_int_eq(cls_tensor_extent(&p, &ext), CLS_OK);
    pb = (size_t)ext;
    b = cls_tensor_blocked(NULL, es, dt, nd, sizes, block);
    ck_assert_int_eq(b.ndim, nd + 1);
    ck_assert_int_eq(cls_tensor_extent(&b, &ext), CLS_OK);
    bb = (size_t)ext;
    ph = malloc(pb), tu_fill(ph, pb, (uint32_t)(block * 7 + nd));
    p.buffer = tu_buffer(ctx, pb, ph), b.buffer = tu_buffer(ctx, bb, NULL);
    ck_assert_msg(cls_blocked_pack(ctx, &p, &b, block, 0, NULL, NULL) == CLS_OK, "%s",
                  cls_last_error());
    bh = tu_read(ctx, b.buffer, bb);
    check_packed(ph, &p, bh, &b, block);
    /* Poison the padding: unpack must not read it. */
    {
        int64_t q[CLS_MAX_DIMS] = {0};
        cl_command_queue queue;
        do {
            if (q[1] * block + q[nd] >= sizes[1])
                memset(bh + cls__elem_offset(&b, q), 0x5A, es);
        } while (cls__next_index(b.ndim, b.sizes, q));
        cls_context_get_cl(ctx, NULL, NULL, &queue);
        ck_assert_int_eq(clEnqueueWriteBuffer(queue, b.buffer, CL_TRUE, 0, bb, bh, 0, NULL, NULL),
                         CL_SUCCESS);
    }
    back = p;
    back.buffer = tu_buffer(ctx, pb, NULL);
    ck_assert_msg(cls_blocked_unpack(ctx, &b, &back, block, 0, NULL, NULL) == CLS_OK, "%s",
                  cls_last_error());
    out = tu_read(ctx, back.buffer, pb);
    ck_assert_msg(memcmp(out + off, ph + off, pb - off) == 0,
                  "plain -> blocked -> plain is not the identity (block %d, C %lld)", block,
                  (long long)sizes[1]);
    clReleaseMemObject(p.buffer), clReleaseMemObject(b.buffer), clReleaseMemObject(back.buffer);
    free(ph), free(bh), free(out);
}

START_TEST(blocked_descriptor)
{
    const int64_t sizes[4] = {2, 13, 5, 7};
    cls_tensor t = cls_tensor_blocked(NULL, 0, CLS_F32, 4, sizes, 8);
    ck_assert_int_eq(t.ndim, 5);
    ck_assert_int_eq(t.sizes[1], 2);
    ck_assert_int_eq(t.sizes[4], 8);
    ck_assert_int_eq(t.strides[4], 1);
    ck_assert_int_eq(t.strides[3], 8);
    ck_assert_int_eq(t.strides[1], 5 * 7 * 8);
    ck_assert_int_eq(t.strides[0], 2 * 5 * 7 * 8);
    ck_assert_int_eq(cls_tensor_blocked(NULL, 0, CLS_F32, 4, sizes, 0).ndim, 0);
    ck_assert_int_eq(cls_tensor_blocked(NULL, 0, CLS_F32, 8, sizes, 4).ndim, 0);
    ck_assert_int_eq(cls_tensor_blocked(NULL, 0, CLS_F32, 4, NULL, 4).ndim, 0);
}
END_TEST

START_TEST(blocked_round_trips_zero_padding)
{
    static const int blocks[3] = {4, 8, 16};
    static const int64_t channels[5] = {3, 8, 13, 16, 17};
    cls_context *ctx = tu_context();
    for (int bi = 0; bi < 3; bi++)
        for (int ci = 0; ci < 5; ci++) {
            const int64_t s4[4] = {2, channels[ci], 3, 5};
            blocked_trip(ctx, dtypes[(bi + ci) % 4], 4, s4, blocks[bi], 0);
            blocked_trip(ctx, dtypes[(bi + ci + 1) % 4], 4, s4, blocks[bi], 1);
        }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(blocked_1d_and_3d)
{
    const int64_t s3[3] = {2, 13, 93}, s5[5] = {1, 19, 3, 4, 5};
    cls_context *ctx = tu_context();
    for (int e = 0; e < 4; e++) {
        blocked_trip(ctx, dtypes[e], 3, s3, 8, e % 2);
        blocked_trip(ctx, dtypes[e], 5, s5, 16, e % 2);
        blocked_trip(ctx, dtypes[e], 5, s5, 4, 0);
    }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(blocked_in_verify_mode)
{
    const int64_t s4[4] = {2, 13, 3, 5};
    cls_context *ctx = tu_context_verify();
    blocked_trip(ctx, CLS_F32, 4, s4, 8, 0);
    blocked_trip(ctx, CLS_U8, 4, s4, 16, 1);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(blocked_bad_input_is_named)
{
    const int64_t s4[4] = {2, 13, 3, 5};
    cls_context *ctx = tu_context();
    cl_mem a = tu_buffer(ctx, 8192, NULL), m = tu_buffer(ctx, 8192, NULL);
    cls_tensor p = cls_tensor_nchw(a, 0, CLS_F32, 2, 13, 3, 5);
    cls_tensor b = cls_tensor_blocked(m, 0, CLS_F32, 4, s4, 8);
    ck_assert_int_eq(cls_blocked_pack(ctx, &p, &b, 4, 0, NULL, NULL), CLS_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "is not the block 4"));
    ck_assert_int_eq(cls_blocked_pack(ctx, &p, &b, 0, 0, NULL, NULL), CLS_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "block 0 outside"));
    b.sizes[1] = 3;
    ck_assert_int_eq(cls_blocked_unpack(ctx, &b, &p, 8, 0, NULL, NULL), CLS_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "needs 2 blocks of 8"));
    b.sizes[1] = 2, b.sizes[2] = 4;
    ck_assert_int_eq(cls_blocked_pack(ctx, &p, &b, 8, 0, NULL, NULL), CLS_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "blocked.sizes[2] = 4"));
    b.sizes[2] = 3;
    ck_assert_int_eq(cls_blocked_pack(ctx, &p, &p, 8, 0, NULL, NULL), CLS_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "plain ndim + 1"));
    b.buffer = a;
    ck_assert_int_eq(cls_blocked_pack(ctx, &p, &b, 8, 0, NULL, NULL), CLS_ERR_OVERLAP);
    clReleaseMemObject(a), clReleaseMemObject(m);
    cls_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("layout");
    TCase *tc = tcase_create("layout");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, nchw_nhwc_round_trips);
    tcase_add_test(tc, ncl_nlc_and_ncdhw_ndhwc_round_trips);
    tcase_add_test(tc, blocked_descriptor);
    tcase_add_test(tc, blocked_round_trips_zero_padding);
    tcase_add_test(tc, blocked_1d_and_3d);
    tcase_add_test(tc, blocked_in_verify_mode);
    tcase_add_test(tc, blocked_bad_input_is_named);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
