/* Transposed conv (sub-pixel form) against the plain-loop scatter reference.
 *
 * Tolerance, as for the fused conv: cu_compare in tests/conv_util.c (float
 * sums in another order than the reference's double sum: 1e-4 * (1 + |ref|);
 * fp16 storage: 2e-3 * (1 + |ref|); the whole dst buffer, sentinels
 * outside the view and row pitch included). */
#include <string.h>

#include "conv_plan.h"
#include "conv_util.h"

/* Run one case on the device and compare the whole dst buffer with the
 * scatter reference. */
static void run_case(cls_context *ctx, const cu_cfg *c, int id)
{
    cu_check_case(ctx, c, id, NULL);
}

/* A 2-D base case every test edits: k3 s2 p1 op1, 4 -> 3 channels. */
static cu_cfg base(void)
{
    cu_cfg c = cu_base_3x3(4, 3, 5, 7);
    c.sh = c.sw = 2;
    c.oph = c.opw = 1;
    c.transposed = 1;
    return c;
}

/* Keep padding legal for PyTorch and the output non-empty: shrink pads. */
static void fit_pads(cu_cfg *c)
{
    while (cu_out_h(c) < 1 && c->pt + c->pb > 0)
        c->pt > c->pb ? c->pt-- : c->pb--;
    while (cu_out_w(c) < 1 && c->pl + c->pr > 0)
        c->pl > c->pr ? c->pl-- : c->pr--;
}

/* Sampled case k of the full cross product (deterministic LCG): K 1..7 and
 * s 1..4 per axis (so K < s, K == s and K not a multiple of s all occur,
 * s_h != s_w mostly), padding 0..K-1 per side, an output padding from every
 * legal value, dilation 1..3, groups 1, 2 or depthwise, NCHW / NHWC / mixed
 * / row-pitched views, bias, every activation, odd sizes, 1-D one case in 5. */
static cu_cfg sweep_case(int k)
{
    cu_cfg c = base();
    int g = (int)(cu_next() % 3);
    c.kh = 1 + (int)(cu_next() % 7), c.kw = 1 + (int)(cu_next() % 7);
    c.sh = 1 + (int)(cu_next() % 4), c.sw = 1 + (int)(cu_next() % 4);
    c.dh = 1 + (int)(cu_next() % 3), c.dw = 1 + (int)(cu_next() % 3);
    c.pt = (int)(cu_next() % c.kh), c.pb = (int)(cu_next() % c.kh);
    c.pl = (int)(cu_next() % c.kw), c.pr = (int)(cu_next() % c.kw);
    c.oph = (int)(cu_next() % (c.sh > c.dh ? c.sh : c.dh));
    c.opw = (int)(cu_next() % (c.sw > c.dw ? c.sw : c.dw));
    c.h = 2 + (int)(cu_next() % 6), c.w = 3 + (int)(cu_next() % 7);
    c.cin = 2 * (1 + (int)(cu_next() % 3)), c.cout = 1 + (int)(cu_next() % 5);
    c.groups = g == 0 ? 1 : g == 1 ? 2 : c.cin;
    if (g == 1)
        c.cout = 2 * c.cout;
    if (g == 2)
        c.cout = c.cin * (1 + (int)(cu_next() % 2)); /* depthwise, multiplier 1 or 2 */
    c.src_cl = (int)(cu_next() % 2), c.dst_cl = (int)(cu_next() % 2);
    c.pitch = cu_next() % 4 == 0, c.aligned = cu_next() % 3 == 0;
    c.bias = cu_next() % 3 != 0, c.act = (cls_activation)(cu_next() % 5);
    if (k % 5 == 4) /* 1-D: (N, C, L) */
        c.one_d = 1, c.h = 1, c.kh = 1, c.sh = 1, c.dh = 1, c.pt = c.pb = 0, c.oph = 0;
    fit_pads(&c);
    return c;
}

#define SWEEP_CASES 160
#define SPEC_CASES 6

START_TEST(sweep)
{
    cls_context *ctx = tu_context();
    cu_rng = 2024u;
    for (int k = 0; k < SWEEP_CASES; k++) {
        cu_cfg c = sweep_case(k);
        run_case(ctx, &c, k);
    }
    cls_context_destroy(ctx);
}
END_TEST

/* One axis exhaustively, as 1-D NCL / NLC: every K 1..7, s 1..4, dilation
 * 1..3 and legal output padding, the padding pair cycling over 0..K-1. */
START_TEST(axis_exhaustive_1d)
{
    cls_context *ctx = tu_context();
    int id = 0;
    for (int k = 1; k <= 7; k++)
        for (int s = 1; s <= 4; s++)
            for (int d = 1; d <= 3; d++)
                for (int op = 0; op < (s > d ? s : d); op++, id++) {
                    cu_cfg c = base();
                    c.one_d = 1, c.h = 1, c.kh = 1, c.sh = 1, c.dh = 1, c.pt = c.pb = 0;
                    c.oph = 0, c.kw = k, c.sw = s, c.dw = d, c.opw = op;
                    c.pl = id % k, c.pr = (id / 3 + 1) % k, c.w = 3 + id % 5;
                    c.cin = 3, c.cout = 2, c.src_cl = id % 2, c.dst_cl = id / 2 % 2;
                    fit_pads(&c);
                    run_case(ctx, &c, id);
                }
    cls_context_destroy(ctx);
}
END_TEST

/* Many output channels: several float8 vectors and vblocks per group, and
 * whole-vector stores into channels-last dst (channels per group a multiple
 * of 8), with groups, pitches, f32 and f16. */
START_TEST(wide)
{
    cls_context *ctx = tu_context();
    static const int couts[] = {16, 40, 64, 24, 13, 48, 16, 32};
    for (int k = 0; k < 8; k++) {
        cu_cfg c = base();
        c.cin = 5 + k, c.cout = couts[k], c.h = 4, c.w = 9 + k, c.dst_cl = k != 4;
        c.src_cl = k % 2, c.act = (cls_activation)(k % 5), c.bias = k % 3 != 2;
        c.kh = c.kw = 2 + k % 3, c.pt = c.pl = k % 2, c.pb = c.pr = 0, c.oph = c.opw = 0;
        c.sh = 1 + k % 3, c.sw = 2, c.pitch = k == 3, c.aligned = k % 2;
        if (k == 5 || k == 6) /* two groups of 24 / 8 channels */
            c.groups = 2, c.cin = 6;
        if (k == 7) /* 1-D channels-last, f16 */
            c.one_d = 1, c.h = 1, c.kh = 1, c.sh = 1, c.pt = c.pb = 0, c.dtype = CLS_F16;
        if (k == 6)
            c.dtype = CLS_F16;
        fit_pads(&c);
        run_case(ctx, &c, k);
    }
    cls_context_destroy(ctx);
}
END_TEST

/* Half storage (float arithmetic) over sampled sweep cases. */
START_TEST(f16)
{
    cls_context *ctx = tu_context();
    cu_rng = 77u;
    for (int k = 0; k < 8; k++) {
        cu_cfg c = sweep_case(k);
        c.dtype = CLS_F16;
        run_case(ctx, &c, k);
    }
    cls_context_destroy(ctx);
}
END_TEST

/* The benchmark's decoder layers with few channels: U-Net/DCGAN k4 s2 p1,
 * k3 s2 p1 op1, FSRCNN x3 k9 s3 p4 op2 (one output channel), HiFi-GAN
 * 1-D k16 s8 p4 NLC. */
static void run_layers(cls_context *ctx)
{
    static const int l[4][8] = {/* k, s, p, op, cin, cout, one_d, channels-last */
                                {4, 2, 1, 0, 6, 8, 0, 0},
                                {3, 2, 1, 1, 6, 5, 0, 1},
                                {9, 3, 4, 2, 7, 1, 0, 0},
                                {16, 8, 4, 0, 9, 16, 1, 1}};
    for (int k = 0; k < 4; k++) {
        cu_cfg c = base();
        c.kh = c.kw = l[k][0], c.sh = c.sw = l[k][1], c.pt = c.pb = c.pl = c.pr = l[k][2];
        c.oph = c.opw = l[k][3], c.cin = l[k][4], c.cout = l[k][5];
        c.h = 6, c.w = 11, c.src_cl = c.dst_cl = l[k][7];
        if (l[k][6])
            c.one_d = 1, c.h = 1, c.kh = 1, c.sh = 1, c.pt = c.pb = 0, c.oph = 0, c.w = 23;
        run_case(ctx, &c, k);
    }
}

START_TEST(layers)
{
    cls_context *ctx = tu_context();
    run_layers(ctx);
    cls_context_destroy(ctx);
}
END_TEST

/* The kernel with compile-time tap counts (what convs above ~16 M
 * multiply-adds run; every other test here is small enough for the generic
 * one) on sampled sweep cases, some with whole-vector stores, and the
 * benchmark layers. Few cases: each tap-count shape is one more program to
 * build. */
START_TEST(spec)
{
    cls_context *ctx = tu_context();
    cls__convt_force_spec(1);
    cu_rng = 555u;
    for (int k = 0; k < SPEC_CASES; k++) {
        cu_cfg c = sweep_case(k);
        if (k % 4 == 3)
            c.cout = 16, c.dst_cl = 1, c.groups = 1; /* whole-vector stores */
        run_case(ctx, &c, k);
    }
    run_layers(ctx);
    cls__convt_force_spec(-1);
    cls_context_destroy(ctx);
}
END_TEST

/* Verify mode runs the scatter reference inside enqueue and accepts a
 * correct result (f32 and f16). */
START_TEST(verify_mode)
{
    cls_context *ctx = tu_context_verify();
    cu_cfg c = base();
    run_case(ctx, &c, 0);
    c.dtype = CLS_F16, c.dst_cl = 1, c.kw = 4, c.sw = 3, c.opw = 2;
    run_case(ctx, &c, 1);
    cls_context_destroy(ctx);
}
END_TEST

/* The query against hand-derived phases. K = 3, s = 2, p = 1: phase 0
 * takes tap 1 from u = 0, phase 1 taps 2 and 0 from u = 0 and 1 (so 1x1,
 * 1x2, 2x1 and 2x2 taps). K = 5, s = 3, p = 0, d = 2: phase 0 takes taps 3
 * and 0 (u = -2, 0), phase 1 tap 2 (u = -1), phase 2 taps 4 and 1 (u = -2,
 * 0); taps of a phase are 2 / gcd(3, 2) = 2 src positions apart. */
START_TEST(query)
{
    cls_context *ctx = tu_context();
    cu_cfg c = base();
    cls_conv_desc d = cu_desc(&c);
    cls_conv_plan *plan = NULL;
    cls_conv_transposed_info info;
    cls_conv_phase_info ph;
    static float w[4 * 3 * 25];
    static const int exp_taps[2] = {1, 2}, exp_head[2] = {0, 0};
    ck_assert_int_eq(cls_conv_plan_create(ctx, &d, w, NULL, &plan), CLS_OK);
    ck_assert_int_eq(cls_conv_plan_get_transposed_info(plan, &info), CLS_OK);
    ck_assert_int_eq(info.block_h, 2);
    ck_assert_int_eq(info.block_w, 2);
    ck_assert_int_eq(info.max_taps_h, 2);
    ck_assert_int_eq(info.taps_total, 9);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            ck_assert_int_eq(cls_conv_plan_get_transposed_phase(plan, i, j, &ph), CLS_OK);
            ck_assert_int_eq(ph.taps_h, exp_taps[i]);
            ck_assert_int_eq(ph.taps_w, exp_taps[j]);
            ck_assert_int_eq(ph.head_h, exp_head[i]);
            ck_assert_int_eq(ph.head_w, exp_head[j]);
            ck_assert_int_eq(ph.step_h, 1);
        }
    ck_assert_int_eq(cls_conv_plan_get_transposed_phase(plan, 2, 0, &ph), CLS_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "phase_h = 2 is outside [0, stride_h = 2)"));
    cls_conv_plan_destroy(plan);
    d.kernel_w = 5, d.stride_w = 3, d.dilation_w = 2, d.pad_left = d.pad_right = 0;
    d.output_padding_w = 0;
    ck_assert_int_eq(cls_conv_plan_create(ctx, &d, w, NULL, &plan), CLS_OK);
    {
        static const int taps[3] = {2, 1, 2}, head[3] = {-2, -1, -2};
        for (int j = 0; j < 3; j++) {
            ck_assert_int_eq(cls_conv_plan_get_transposed_phase(plan, 0, j, &ph), CLS_OK);
            ck_assert_int_eq(ph.taps_w, taps[j]);
            ck_assert_int_eq(ph.head_w, head[j]);
            ck_assert_int_eq(ph.step_w, 2);
        }
    }
    cls_conv_plan_destroy(plan);
    d.transposed = 0, d.output_padding_h = d.output_padding_w = 0, d.stride_h = d.stride_w = 1;
    ck_assert_int_eq(cls_conv_plan_create(ctx, &d, w, NULL, &plan), CLS_OK);
    ck_assert_int_eq(cls_conv_plan_get_transposed_info(plan, &info), CLS_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "not a transposed conv"));
    cls_conv_plan_destroy(plan);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(desc_errors)
{
    cls_context *ctx = tu_context();
    static float w[4096];
    cu_cfg c = base();
    cls_conv_desc d = cu_desc(&c), e;
    e = d, e.output_padding_h = 2;
    cu_expect_desc(
        ctx, e, w, CLS_ERR_INVALID_ARG,
        "output_padding_h = 2 breaks 0 <= output_padding < max(stride_h, dilation_h) = 2");
    e = d, e.stride_w = 1, e.dilation_w = 3, e.output_padding_w = 3;
    cu_expect_desc(ctx, e, w, CLS_ERR_INVALID_ARG, "output_padding_w = 3 breaks");
    e = d, e.output_padding_w = -1;
    cu_expect_desc(ctx, e, w, CLS_ERR_INVALID_ARG, "output_padding_w = -1 breaks");
    e = d, e.transposed = 0;
    cu_expect_desc(ctx, e, w, CLS_ERR_INVALID_ARG, "output_padding (1, 1) needs transposed = 1");
    e = d, e.block_h = 2, e.block_w = 2;
    cu_expect_desc(ctx, e, w, CLS_ERR_UNSUPPORTED, "a transposed conv needs a 1x1 block, got 2x2");
    e = d, e.path = CLS_CONV_PATH_GEMM;
    cu_expect_desc(ctx, e, w, CLS_ERR_UNSUPPORTED, "the GEMM path does not run transposed convs");
    e = d, e.groups = 2;
    cu_expect_desc(ctx, e, w, CLS_ERR_INVALID_ARG, "groups = 2 does not divide out_channels");
    e = d, e.kernel_w = 0;
    cu_expect_desc(ctx, e, w, CLS_ERR_INVALID_ARG, "kernel_w = 0 must be positive");
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(tensor_errors)
{
    cls_context *ctx = tu_context();
    static float w[4096];
    cu_cfg c = base(); /* 2 x 4 x 5 x 7 -> 2 x 3 x 10 x 14 (k3 s2 p1 op1) */
    cls_conv_desc d = cu_desc(&c);
    cls_conv_plan *plan = NULL, *crop = NULL;
    cl_event ev = NULL;
    ck_assert_int_eq(cls_conv_plan_create(ctx, &d, w, NULL, &plan), CLS_OK);
    cl_mem sb = tu_buffer(ctx, 4096 * 4, NULL), db = tu_buffer(ctx, 8192 * 4, NULL);
    cls_tensor src = cls_tensor_nchw(sb, 0, CLS_F32, 2, 4, 5, 7), t;
    cls_tensor dst = cls_tensor_nhwc(db, 0, CLS_F32, 2, 3, 10, 14);
    ck_assert_int_eq(cls_conv_plan_enqueue(plan, &src, &dst, 0, NULL, &ev), CLS_OK);
    ck_assert_ptr_nonnull(ev);
    ck_assert_int_eq(clWaitForEvents(1, &ev), CL_SUCCESS);
    clReleaseEvent(ev);
    t = dst, t.sizes[2] = 9;
    cu_expect_enqueue(plan, src, t, CLS_ERR_INVALID_ARG,
                      "dst (N, C, H, W) is [2, 3, 9, 14] but the conv with block 1x1 gives "
                      "[2, 3, 10, 14]");
    t = src, t.sizes[1] = 5;
    cu_expect_enqueue(plan, t, dst, CLS_ERR_INVALID_ARG,
                      "src has 5 channels but desc.in_channels = 4");
    t = dst, t.sizes[0] = 1;
    cu_expect_enqueue(plan, src, t, CLS_ERR_INVALID_ARG, "dst batch 1 differs from src batch 2");
    t = dst, t.dtype = CLS_F16;
    cu_expect_enqueue(plan, src, t, CLS_ERR_INVALID_ARG, "dst is f16 but the plan is f32");
    cu_expect_enqueue(plan, cls_tensor_ncl(sb, 0, CLS_F32, 2, 4, 7),
                      cls_tensor_ncl(db, 0, CLS_F32, 2, 3, 14), CLS_ERR_INVALID_ARG,
                      "3-D tensors need an output height of 1");
    cu_expect_enqueue(plan, src, cls_tensor_nchw(sb, 64, CLS_F32, 2, 3, 10, 14), CLS_ERR_OVERLAP,
                      "overlaps");
    /* Padding that crops the whole output of a 1x1 input: Ho = 0. */
    d.kernel_h = d.kernel_w = 1, d.pad_top = d.pad_left = 1, d.pad_bottom = d.pad_right = 0;
    d.output_padding_h = d.output_padding_w = 0;
    ck_assert_int_eq(cls_conv_plan_create(ctx, &d, w, NULL, &crop), CLS_OK);
    cu_expect_enqueue(crop, cls_tensor_nchw(sb, 0, CLS_F32, 2, 4, 1, 1),
                      cls_tensor_nchw(db, 0, CLS_F32, 2, 3, 1, 1), CLS_ERR_INVALID_ARG,
                      "the transposed conv of a 1x1 input gives a 0x0 output");
    clReleaseMemObject(sb), clReleaseMemObject(db);
    cls_conv_plan_destroy(plan);
    cls_conv_plan_destroy(crop);
    cls_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("conv_transposed");
    cu_rng = 2024u;
    TCase *tc = tcase_create("direct");
    tcase_add_test(tc, sweep);
    tcase_add_test(tc, axis_exhaustive_1d);
    tcase_add_test(tc, wide);
    tcase_add_test(tc, f16);
    tcase_add_test(tc, layers);
    tcase_add_test(tc, spec);
    tcase_add_test(tc, verify_mode);
    suite_add_tcase(s, tc);
    tc = tcase_create("api");
    tcase_add_test(tc, query);
    tcase_add_test(tc, desc_errors);
    tcase_add_test(tc, tensor_errors);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
