/* Depth-to-space / space-to-depth: bit-exact against the ONNX formulas. */
#include <string.h>

#include "d2s_util.h"
#include "internal.h"
#include "reference/d2s_ref.h"
#include "util.h"

static const cls_d2s_mode modes[2] = {CLS_DCR, CLS_CRD};

START_TEST(blocks_square_and_rectangular)
{
    static const int blocks[][2] = {{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {7, 7}, {8, 8},
                                    {9, 9}, {2, 3}, {3, 2}, {1, 4}, {4, 1}, {2, 5}, {1, 2}};
    cls_context *ctx = tu_context();
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
        for (int m = 0; m < 2; m++)
            for (int lay = NCHW; lay <= NHWC; lay++) {
                tcase_d2s k = {CLS_F32,      4,        1,   3,  5, 7, blocks[b][0],
                               blocks[b][1], modes[m], lay, lay};
                check_both(ctx, &k, (uint32_t)(b * 7 + m * 3 + lay));
            }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(odd_spatial_channels_and_batch)
{
    static const int64_t shapes[][4] = {{1, 1, 1, 1},   {1, 2, 7, 1},   {1, 2, 1, 111},
                                        {2, 1, 3, 111}, {3, 300, 3, 5}, {2, 1, 7, 7},
                                        {1, 33, 2, 9},  {1, 16, 3, 5}};
    cls_context *ctx = tu_context();
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int r = 2; r <= 3; r++)
            for (int m = 0; m < 2; m++)
                for (int lay = NCHW; lay <= NHWC; lay++) {
                    tcase_d2s k = {
                        CLS_F32, 4, shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3],
                        r,       r, modes[m],     lay,          lay};
                    check_both(ctx, &k, (uint32_t)(s * 11 + r));
                }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(strided_views_with_offsets_and_mixed_layouts)
{
    static const int pairs[][2] = {{NCHW_PAD, NCHW_PAD}, {NHWC_PAD, NHWC_PAD},
                                   {NCHW, NHWC},         {NHWC, NCHW},
                                   {NCHW_PAD, NHWC},     {NHWC_PAD, NCHW_PAD}};
    static const int blocks[][2] = {{2, 2}, {3, 3}, {1, 3}, {4, 2}};
    cls_context *ctx = tu_context();
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++)
        for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
            for (int m = 0; m < 2; m++) {
                tcase_d2s k = {CLS_F32,      4,        2,           3,          5, 7, blocks[b][0],
                               blocks[b][1], modes[m], pairs[p][0], pairs[p][1]};
                check_both(ctx, &k, (uint32_t)(p * 5 + b));
            }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(every_element_type)
{
    cls_context *ctx = tu_context();
    for (int dt = 0; dt < CLS_DTYPE_COUNT; dt++)
        for (int lay = NCHW; lay <= NHWC_PAD; lay++) {
            tcase_d2s k = {(cls_dtype)dt, 4, 2, 2, 3, 9, 2, 3, modes[(dt + lay) & 1], lay, lay};
            tcase_d2s q = {(cls_dtype)dt, 4, 1, 5, 4, 33, 2, 2, modes[dt & 1], lay, lay};
            check_both(ctx, &k, (uint32_t)dt);
            if (dt == CLS_U8 || dt == CLS_U16 || dt == CLS_U32 || dt == CLS_U64)
                check_both(ctx, &q, (uint32_t)dt + 50);
        }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(one_dimensional)
{
    static const int pairs[][2] = {{NCHW, NCHW}, {NHWC, NHWC}, {NCHW, NHWC}, {NHWC_PAD, NCHW_PAD}};
    cls_context *ctx = tu_context();
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++)
        for (int r = 1; r <= 5; r++)
            for (int m = 0; m < 2; m++) {
                tcase_d2s k = {CLS_F32, 3, 2, 3, 1, 37, 1, r, modes[m], pairs[p][0], pairs[p][1]};
                tcase_d2s u8 = k;
                u8.dtype = CLS_U8;
                u8.c = 1;
                check_both(ctx, &k, (uint32_t)(p * 9 + r));
                check_both(ctx, &u8, (uint32_t)(p * 9 + r + 100));
            }
    cls_context_destroy(ctx);
}
END_TEST

/* x (deep, layout a) -> depth_to_space -> y (space, layout b) -> space_to_depth
 * -> z (deep, layout c); every element of z must equal x. */
static void round_trip(cls_context *ctx, const tcase_d2s *k, int a, int b, int c)
{
    int64_t dsz[4], ssz[4], idx[4] = {0};
    size_t xb, yb, zb, es = cls_dtype_size(k->dtype);
    cls_tensor x, y, z;
    unsigned char *hx, *hz;
    cl_event e1 = NULL, e2 = NULL;
    case_sizes(k, dsz, ssz);
    x = make_view(NULL, k->dtype, k->ndim, dsz, a, &xb);
    y = make_view(NULL, k->dtype, k->ndim, ssz, b, &yb);
    z = make_view(NULL, k->dtype, k->ndim, dsz, c, &zb);
    hx = malloc(xb);
    ck_assert_ptr_nonnull(hx);
    tu_fill(hx, xb, (uint32_t)(a * 16 + b * 4 + c));
    x.buffer = tu_buffer(ctx, xb, hx);
    y.buffer = tu_buffer(ctx, yb, NULL);
    z.buffer = tu_buffer(ctx, zb, NULL);
    ck_assert_int_eq(cls_depth_to_space(ctx, &x, &y, k->bh, k->bw, k->mode, 0, NULL, &e1), CLS_OK);
    ck_assert_int_eq(cls_space_to_depth(ctx, &y, &z, k->bh, k->bw, k->mode, 1, &e1, &e2), CLS_OK);
    ck_assert_int_eq(clWaitForEvents(1, &e2), CL_SUCCESS);
    hz = tu_read(ctx, z.buffer, zb);
    do {
        if (memcmp(hx + cls__elem_offset(&x, idx), hz + cls__elem_offset(&z, idx), es) != 0)
            ck_abort_msg("round trip differs at [%lld, %lld, %lld, %lld]", (long long)idx[0],
                         (long long)idx[1], (long long)idx[2], (long long)idx[3]);
    } while (cls__next_index(x.ndim, x.sizes, idx));
    clReleaseEvent(e1), clReleaseEvent(e2);
    clReleaseMemObject(x.buffer), clReleaseMemObject(y.buffer), clReleaseMemObject(z.buffer);
    free(hx), free(hz);
}

START_TEST(round_trips_every_mode_and_layout)
{
    static const int blocks[][2] = {{2, 2}, {3, 3}, {4, 4}, {2, 3}, {1, 2}};
    cls_context *ctx = tu_context();
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
        for (int m = 0; m < 2; m++)
            for (int lay = 0; lay < 4; lay++) {
                tcase_d2s k = {b & 1 ? CLS_F16 : CLS_F32,
                               4,
                               2,
                               3,
                               3,
                               5,
                               blocks[b][0],
                               blocks[b][1],
                               modes[m],
                               0,
                               0};
                tcase_d2s l = k;
                l.ndim = 3, l.bh = 1;
                round_trip(ctx, &k, lay, lay, lay);
                round_trip(ctx, &k, lay, (lay + 1) & 3, (lay + 2) & 3);
                round_trip(ctx, &l, lay, (lay + 3) & 3, lay);
            }
    cls_context_destroy(ctx);
}
END_TEST

/* The worked example of the ONNX DepthToSpace documentation: x of shape
 * [1, 8, 2, 3] holding 0..47, blocksize 2. */
static void onnx_example(cls_d2s_mode mode, const float *want)
{
    float x[48], got[48];
    cls_context *ctx = tu_context();
    cl_mem bx, by;
    cls_tensor tx, ty;
    cl_command_queue q;
    for (int i = 0; i < 48; i++)
        x[i] = (float)i;
    bx = tu_buffer(ctx, sizeof x, x);
    by = tu_buffer(ctx, sizeof got, NULL);
    tx = cls_tensor_nchw(bx, 0, CLS_F32, 1, 8, 2, 3);
    ty = cls_tensor_nchw(by, 0, CLS_F32, 1, 2, 4, 6);
    ck_assert_int_eq(cls_depth_to_space(ctx, &tx, &ty, 2, 2, mode, 0, NULL, NULL), CLS_OK);
    cls_context_get_cl(ctx, NULL, NULL, &q);
    ck_assert_int_eq(clEnqueueReadBuffer(q, by, CL_TRUE, 0, sizeof got, got, 0, NULL, NULL),
                     CL_SUCCESS);
    for (int i = 0; i < 48; i++)
        ck_assert_msg(got[i] == want[i], "element %d: got %g, ONNX says %g", i, (double)got[i],
                      (double)want[i]);
    /* And back: space_to_depth restores x. */
    ck_assert_int_eq(cls_space_to_depth(ctx, &ty, &tx, 2, 2, mode, 0, NULL, NULL), CLS_OK);
    ck_assert_int_eq(clEnqueueReadBuffer(q, bx, CL_TRUE, 0, sizeof got, got, 0, NULL, NULL),
                     CL_SUCCESS);
    for (int i = 0; i < 48; i++)
        ck_assert(got[i] == (float)i);
    clReleaseMemObject(bx), clReleaseMemObject(by);
    cls_context_destroy(ctx);
}

START_TEST(onnx_worked_example_dcr)
{
    static const float want[48] = {0,  12, 1,  13, 2,  14, 24, 36, 25, 37, 26, 38, 3,  15, 4,  16,
                                   5,  17, 27, 39, 28, 40, 29, 41, 6,  18, 7,  19, 8,  20, 30, 42,
                                   31, 43, 32, 44, 9,  21, 10, 22, 11, 23, 33, 45, 34, 46, 35, 47};
    onnx_example(CLS_DCR, want);
}
END_TEST

START_TEST(onnx_worked_example_crd)
{
    static const float want[48] = {0,  6,  1,  7,  2,  8,  12, 18, 13, 19, 14, 20, 3,  9,  4,  10,
                                   5,  11, 15, 21, 16, 22, 17, 23, 24, 30, 25, 31, 26, 32, 36, 42,
                                   37, 43, 38, 44, 27, 33, 28, 34, 29, 35, 39, 45, 40, 46, 41, 47};
    onnx_example(CLS_CRD, want);
}
END_TEST

/* Expect code and a message containing text from a depth_to_space call. */
#define EXPECT_FAIL(call, code, text)                                                              \
    do {                                                                                           \
        cls_status st_ = (call);                                                                   \
        ck_assert_msg(st_ == (code), "%s: got %s (%s)", #call, cls_status_name(st_),               \
                      cls_last_error());                                                           \
        ck_assert_msg(strstr(cls_last_error(), text) != NULL, "message \"%s\" lacks \"%s\"",       \
                      cls_last_error(), text);                                                     \
    } while (0)

START_TEST(errors_name_the_mismatch)
{
    cls_context *ctx = tu_context();
    cl_mem a = tu_buffer(ctx, 4096, NULL), b = tu_buffer(ctx, 4096, NULL);
    cls_tensor deep = cls_tensor_nchw(a, 0, CLS_F32, 1, 12, 2, 3);
    cls_tensor space = cls_tensor_nchw(b, 0, CLS_F32, 1, 3, 4, 6);
    cls_tensor bad_c = cls_tensor_nchw(a, 0, CLS_F32, 1, 6, 2, 3);
    cls_tensor wrong = cls_tensor_nchw(b, 0, CLS_F32, 1, 3, 4, 7);
    cls_tensor half = cls_tensor_nchw(b, 0, CLS_F16, 1, 3, 4, 6);
    cls_tensor l_deep = cls_tensor_ncl(a, 0, CLS_F32, 1, 6, 5);
    cls_tensor l_space = cls_tensor_ncl(b, 0, CLS_F32, 1, 3, 10);
    cls_tensor odd = cls_tensor_nchw(b, 0, CLS_F32, 1, 3, 5, 6);
    cls_tensor overl = cls_tensor_nchw(a, 128, CLS_F32, 1, 3, 4, 6);
    EXPECT_FAIL(cls_depth_to_space(ctx, &bad_c, &space, 2, 2, CLS_DCR, 0, NULL, NULL),
                CLS_ERR_INVALID_ARG, "src channels 6 are not divisible by block_h * block_w = 4");
    EXPECT_FAIL(cls_depth_to_space(ctx, &deep, &wrong, 2, 2, CLS_CRD, 0, NULL, NULL),
                CLS_ERR_INVALID_ARG, "dst sizes [1, 3, 4, 7] do not match [1, 3, 4, 6]");
    EXPECT_FAIL(cls_space_to_depth(ctx, &space, &bad_c, 2, 2, CLS_DCR, 0, NULL, NULL),
                CLS_ERR_INVALID_ARG, "dst sizes [1, 6, 2, 3] do not match [1, 12, 2, 3]");
    EXPECT_FAIL(cls_space_to_depth(ctx, &odd, &deep, 2, 2, CLS_DCR, 0, NULL, NULL),
                CLS_ERR_INVALID_ARG, "src spatial size 5 x 6 is not divisible by block 2 x 2");
    EXPECT_FAIL(cls_depth_to_space(ctx, &deep, &space, 0, 2, CLS_DCR, 0, NULL, NULL),
                CLS_ERR_INVALID_ARG, "block 0 x 2");
    EXPECT_FAIL(cls_pixel_shuffle(ctx, &deep, &space, -1, 0, NULL, NULL), CLS_ERR_INVALID_ARG,
                "must be >= 1");
    EXPECT_FAIL(cls_depth_to_space(ctx, &l_deep, &l_space, 2, 2, CLS_DCR, 0, NULL, NULL),
                CLS_ERR_INVALID_ARG, "need block_h == 1, got block 2 x 2");
    EXPECT_FAIL(cls_depth_to_space(ctx, &deep, &half, 2, 2, CLS_DCR, 0, NULL, NULL),
                CLS_ERR_INVALID_ARG, "dst dtype f16 differs from src dtype f32");
    EXPECT_FAIL(cls_depth_to_space(ctx, &deep, &l_space, 2, 2, CLS_DCR, 0, NULL, NULL),
                CLS_ERR_INVALID_ARG, "dst has 3 dims but src has 4");
    EXPECT_FAIL(cls_depth_to_space(ctx, &deep, &space, 2, 2, (cls_d2s_mode)7, 0, NULL, NULL),
                CLS_ERR_INVALID_ARG, "mode 7");
    EXPECT_FAIL(cls_depth_to_space(ctx, &deep, &overl, 2, 2, CLS_DCR, 0, NULL, NULL),
                CLS_ERR_OVERLAP, "overlaps");
    EXPECT_FAIL(cls_depth_to_space(NULL, &deep, &space, 2, 2, CLS_DCR, 0, NULL, NULL),
                CLS_ERR_INVALID_ARG, "ctx is NULL");
    EXPECT_FAIL(cls_depth_to_space(ctx, &deep, &space, 2, 2, CLS_DCR, 1, NULL, NULL),
                CLS_ERR_INVALID_ARG, "num_wait = 1");
    /* The same arguments are accepted once corrected. */
    ck_assert_int_eq(cls_depth_to_space(ctx, &deep, &space, 2, 2, CLS_DCR, 0, NULL, NULL), CLS_OK);
    ck_assert_int_eq(cls_depth_to_space(ctx, &l_deep, &l_space, 1, 2, CLS_DCR, 0, NULL, NULL),
                     CLS_OK);
    clReleaseMemObject(a), clReleaseMemObject(b);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(empty_tensors_complete_and_events_chain)
{
    cls_context *ctx = tu_context();
    cl_context c;
    cl_mem a = tu_buffer(ctx, 4096, NULL), b = tu_buffer(ctx, 4096, NULL);
    cls_tensor deep0 = cls_tensor_nchw(a, 0, CLS_U8, 0, 8, 3, 3);
    cls_tensor space0 = cls_tensor_nchw(b, 0, CLS_U8, 0, 2, 6, 6);
    cls_tensor deep = cls_tensor_nhwc(a, 0, CLS_U8, 1, 8, 3, 3);
    cls_tensor space = cls_tensor_nhwc(b, 0, CLS_U8, 1, 2, 6, 6);
    cl_event gate, done = NULL;
    cl_int state = 0;
    cls_context_get_cl(ctx, &c, NULL, NULL);
    ck_assert_int_eq(cls_depth_to_space(ctx, &deep0, &space0, 2, 2, CLS_DCR, 0, NULL, &done),
                     CLS_OK);
    ck_assert_ptr_nonnull(done);
    ck_assert_int_eq(clWaitForEvents(1, &done), CL_SUCCESS);
    clReleaseEvent(done);
    /* A gated wait list holds the op back until the gate opens. */
    gate = clCreateUserEvent(c, NULL);
    ck_assert_int_eq(cls_pixel_unshuffle(ctx, &space, &deep, 2, 1, &gate, &done), CLS_OK);
    clGetEventInfo(done, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof state, &state, NULL);
    ck_assert_int_ne(state, CL_COMPLETE);
    clSetUserEventStatus(gate, CL_COMPLETE);
    ck_assert_int_eq(clWaitForEvents(1, &done), CL_SUCCESS);
    clReleaseEvent(done), clReleaseEvent(gate);
    clReleaseMemObject(a), clReleaseMemObject(b);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(pixel_shuffle_is_crd_and_verify_mode_agrees)
{
    cls_context *ctx = tu_context_verify();
    tcase_d2s k = {CLS_F32, 4, 2, 3, 4, 5, 3, 3, CLS_CRD, NHWC_PAD, NCHW};
    int64_t dsz[4], ssz[4];
    size_t db, sb;
    cls_tensor td, ts;
    unsigned char *hd;
    case_sizes(&k, dsz, ssz);
    td = make_view(NULL, CLS_F32, 4, dsz, NHWC_PAD, &db);
    ts = make_view(NULL, CLS_F32, 4, ssz, NCHW, &sb);
    hd = malloc(db);
    tu_fill(hd, db, 9);
    td.buffer = tu_buffer(ctx, db, hd);
    ts.buffer = tu_buffer(ctx, sb, NULL);
    ck_assert_int_eq(cls_pixel_shuffle(ctx, &td, &ts, 3, 0, NULL, NULL), CLS_OK);
    ck_assert_int_eq(cls_pixel_unshuffle(ctx, &ts, &td, 3, 0, NULL, NULL), CLS_OK);
    /* Verify mode runs every case above through the library's own reference. */
    check_both(ctx, &k, 3);
    k.mode = CLS_DCR, k.bh = 1, k.ndim = 3;
    check_both(ctx, &k, 4);
    clReleaseMemObject(td.buffer), clReleaseMemObject(ts.buffer);
    free(hd);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(reference_matches_the_formulas)
{
    /* The library reference (used by verify mode) against expect() on host
     * images: a mismatch here would make verify mode check the wrong thing. */
    static const int lays[][2] = {{NCHW, NHWC_PAD}, {NHWC, NCHW_PAD}};
    for (int m = 0; m < 2; m++)
        for (int l = 0; l < 2; l++)
            for (int s2d = 0; s2d < 2; s2d++) {
                tcase_d2s k = {CLS_U16,   4 - l, 2,        3,          l ? 1 : 3, 4,
                               l ? 1 : 2, 3,     modes[m], lays[l][0], lays[l][1]};
                cls__d2s_ref_arg arg = {k.bh, k.bw, k.mode, s2d};
                int64_t dsz[4], ssz[4];
                size_t sb, db;
                cls_tensor ts, td;
                unsigned char *hs, *a, *b;
                case_sizes(&k, dsz, ssz);
                ts = make_view(NULL, k.dtype, k.ndim, s2d ? ssz : dsz, lays[l][s2d], &sb);
                td = make_view(NULL, k.dtype, k.ndim, s2d ? dsz : ssz, lays[l][!s2d], &db);
                hs = malloc(sb), a = calloc(1, db), b = calloc(1, db);
                tu_fill(hs, sb, (uint32_t)(m * 4 + l * 2 + s2d));
                expect(&k, s2d, hs, &ts, a, &td);
                ck_assert_int_eq(cls__ref_depth_to_space(hs, &ts, b, &td, &arg), CLS_OK);
                ck_assert(memcmp(a, b, db) == 0);
                free(hs), free(a), free(b);
            }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("depth_to_space");
    TU_ADD_CASE(s, blocks_square_and_rectangular, 120);
    TU_ADD_CASE(s, odd_spatial_channels_and_batch, 120);
    TU_ADD_CASE(s, strided_views_with_offsets_and_mixed_layouts, 120);
    TU_ADD_CASE(s, every_element_type, 120);
    TU_ADD_CASE(s, one_dimensional, 120);
    TU_ADD_CASE(s, round_trips_every_mode_and_layout, 120);
    TU_ADD_CASE(s, onnx_worked_example_dcr, 120);
    TU_ADD_CASE(s, onnx_worked_example_crd, 120);
    TU_ADD_CASE(s, errors_name_the_mismatch, 120);
    TU_ADD_CASE(s, empty_tensors_complete_and_events_chain, 120);
    TU_ADD_CASE(s, pixel_shuffle_is_crd_and_verify_mode_agrees, 120);
    TU_ADD_CASE(s, reference_matches_the_formulas, 120);
    return tu_run(s);
}
