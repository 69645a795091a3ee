/* Fused conv + pixel shuffle against the plain-loop CPU reference (tolerance:
 * cu_compare in tests/conv_util.c). */
#include "conv_util.h"

/* Run one case on the device and compare the whole dst buffer (sentinels
 * outside the view included) with the reference; the plan's path must be
 * c->path unless that is AUTO. */
static void run_case(cls_context *ctx, const cu_cfg *c, int id)
{
    cls_conv_path path;
    cu_check_case(ctx, c, id, &path);
}

/* A base case every test edits. */
static cu_cfg base(void)
{
    cu_cfg c = cu_base_3x3(4, 3, 7, 9);
    c.bh = c.bw = 2;
    c.path = CLS_CONV_PATH_DIRECT;
    return c;
}

/* Case k of the sweep: K, padding (asymmetric), dilation, groups, block,
 * mode, layouts, bias and activation vary at co-prime periods. */
static cu_cfg sweep_case(int k)
{
    static const int ks[] = {1, 3, 5}, pads[] = {0, 1, 2, 1, 0}, dils[] = {1, 2};
    static const int blocks[] = {1, 2, 3, 2}, hs[] = {5, 7, 8}, ws[] = {6, 9, 11, 13};
    static const int cins[] = {4, 6}, couts[] = {2, 3, 5, 4};
    cu_cfg c = base();
    c.kh = PICK(ks, k), c.kw = PICK(ks, k / 3 + k);
    c.pt = PICK(pads, k), c.pb = PICK(pads, k + 2), c.pl = PICK(pads, k / 5);
    c.pr = PICK(pads, k / 7 + 1);
    c.dh = PICK(dils, k / 2), c.dw = PICK(dils, k / 3);
    c.bh = PICK(blocks, k / 4), c.bw = PICK(blocks, k / 2 + 1);
    c.h = PICK(hs, k), c.w = PICK(ws, k), c.cin = PICK(cins, k / 6), c.cout = PICK(couts, k);
    c.groups = (int[]){1, 2, 1, 0}[k % 4]; /* 0: depthwise */
    if (c.groups == 0)
        c.groups = c.cin, c.cout = c.cin;
    if ((c.cout * c.bh * c.bw) % c.groups)
        c.cout = 2;
    if (c.h + c.pt + c.pb - c.dh * (c.kh - 1) < 1)
        c.dh = 1;
    if (c.w + c.pl + c.pr - c.dw * (c.kw - 1) < 1)
        c.dw = 1;
    c.mode = (k / 2) % 2 ? CLS_CRD : CLS_DCR;
    c.src_cl = k % 2, c.dst_cl = (k / 2) % 2 ^ (k / 8) % 2;
    c.bias = (k / 3) % 3 != 0;
    c.act = (cls_activation)(k % 5);
    if (c.bh == 1 && c.bw == 1)
        c.sh = 1 + k % 2, c.sw = 1 + (k / 3) % 2;
    return c;
}

START_TEST(direct_sweep)
{
    cls_context *ctx = tu_context();
    for (int k = 0; k < 96; k++) {
        cu_cfg c = sweep_case(k);
        run_case(ctx, &c, k);
    }
    cls_context_destroy(ctx);
}
END_TEST

/* Many virtual channels: several float8 vectors and vblocks per group. */
START_TEST(direct_wide)
{
    cls_context *ctx = tu_context();
    static const int couts[] = {3, 12, 16, 64, 5, 5};
    for (int k = 0; k < 6; k++) {
        cu_cfg c = base();
        c.cin = 8 + k, c.cout = couts[k], c.h = 5, c.w = 21 + k, c.mode = k % 2;
        c.src_cl = k % 2, c.dst_cl = k / 2 % 2, c.act = CLS_ACT_PRELU;
        if (k == 4)
            c.groups = 2, c.cin = 10, c.cout = 6; /* 24 channels per group */
        if (k == 5)                               /* 40 channels per group: two vblocks per group */
            c.groups = 2, c.cin = 6, c.cout = 20, c.bias = 0;
        run_case(ctx, &c, k);
    }
    cls_context_destroy(ctx);
}
END_TEST

/* 1-D: (N, C, L) -> (N, C', r*L), channels-first, channels-last and mixed. */
START_TEST(direct_1d)
{
    cls_context *ctx = tu_context();
    for (int k = 0; k < 8; k++) {
        cu_cfg c = base();
        c.one_d = 1, c.h = 1, c.kh = 1, c.pt = c.pb = 0, c.bh = 1, c.bw = 2 + k % 2;
        c.kw = (int[]){3, 1, 5, 3}[k % 4], c.pl = k % 3, c.pr = (k + 1) % 3;
        c.w = 17 + k, c.cin = 8, c.cout = 4 + k, c.mode = k / 2 % 2;
        c.src_cl = k % 2, c.dst_cl = k / 4 % 2 ? k % 2 : 1 - k % 2;
        run_case(ctx, &c, k);
    }
    cls_context_destroy(ctx);
}
END_TEST

/* The 1x1 kernel vectorised along W (NCHW / NCL on both sides): runs cut by
 * W tails and chunks, aligned and unaligned views, channel blocks past the
 * last channel and more blocks than one work-group holds, every block shape
 * it has a store for, both modes, every activation, with and without bias.
 * Mixed layouts leave it for the general kernel. */
START_TEST(direct_w1x1)
{
    cls_context *ctx = tu_context();
    static const int ws[] = {7, 16, 17, 33, 45, 130, 8, 300};
    static const int blocks[][2] = {{1, 1}, {1, 2}, {2, 2}, {2, 1}, {3, 3}, {2, 3}, {1, 3}, {4, 4}};
    for (int k = 0; k < 24; k++) {
        cu_cfg c = base();
        c.kh = c.kw = 1, c.pt = c.pb = c.pl = c.pr = 0;
        c.w = ws[k % 8], c.h = 3 + k % 2, c.cin = (int[]){3, 16, 5}[k % 3];
        c.bh = blocks[k % 8][0], c.bw = blocks[(k + k / 8) % 8][1];
        c.cout = (int[]){1, 3, 5, 40, 2, 7}[k % 6];
        if (c.bh * c.bw == 1 && k % 2)
            c.cout = 130; /* 33 blocks of 4 channels */
        c.mode = k / 2 % 2 ? CLS_CRD : CLS_DCR, c.act = (cls_activation)(k % 5);
        c.bias = k % 4 != 3, c.aligned = k % 3 == 1;
        if (k >= 20) /* 1-D channels-first; the last one mixed */
            c.one_d = 1, c.h = 1, c.bh = 1, c.dst_cl = k == 23;
        run_case(ctx, &c, k);
    }
    cls_context_destroy(ctx);
}
END_TEST

/* Channels-last dst with out_channels a multiple of 8 (groups 1): the direct
 * kernel stores whole vectors of 8 channels. Vector counts that leave
 * padding vectors (5 x 8 lanes), Wo tails, 1-D and 2-D blocks, both modes,
 * channels-first or -last src, every activation, with and without bias. */
START_TEST(direct_vstore)
{
    cls_context *ctx = tu_context();
    static const int couts[] = {8, 16, 40, 24, 64, 8};
    for (int k = 0; k < 12; k++) {
        cu_cfg c = base();
        c.cout = couts[k % 6], c.cin = 3 + k % 4, c.w = 9 + 2 * k, c.h = 3;
        c.bh = 1 + k % 2, c.bw = 1 + k / 2 % 3, c.mode = k % 2 ? CLS_DCR : CLS_CRD;
        c.kh = c.kw = (int[]){3, 1, 5}[k % 3], c.pt = c.pb = c.pl = c.pr = c.kh / 2;
        c.src_cl = k / 3 % 2, c.dst_cl = 1, c.act = (cls_activation)(k % 5);
        c.bias = k % 3 != 2, c.aligned = k % 4 == 0;
        if (k >= 8) /* 1-D channels-last, k = 3 */
            c.one_d = 1, c.h = 1, c.kh = 1, c.pt = c.pb = 0, c.bh = 1, c.kw = 3, c.pl = c.pr = 1;
        run_case(ctx, &c, k);
    }
    cls_context_destroy(ctx);
}
END_TEST

/* Half storage (float arithmetic): vload_half / vstore_half are core OpenCL. */
START_TEST(direct_f16)
{
    cls_context *ctx = tu_context();
    for (int k = 0; k < 4; k++) {
        cu_cfg c = sweep_case(k * 5 + 1);
        c.dtype = CLS_F16;
        run_case(ctx, &c, k);
    }
    cls_context_destroy(ctx);
}
END_TEST

/* Verify mode runs the reference inside enqueue and accepts a correct result. */
START_TEST(verify_mode)
{
    cls_context *ctx = tu_context_verify();
    cu_cfg c = sweep_case(7);
    run_case(ctx, &c, 0);
    c = sweep_case(10);
    c.dtype = CLS_F16;
    run_case(ctx, &c, 1);
    cls_context_destroy(ctx);
}
END_TEST

/* The GEMM path on purpose: src as A (1x1 NHWC), im2col, direct strided-
 * batched writes into channels-last dst, and the scratch + epilogue route.
 * Few and small: CLBlast compiles each routine on first use. */
START_TEST(gemm_paths)
{
    cls_context *ctx = tu_context();
    for (int k = 0; k < 7; k++) {
        cu_cfg c = base();
        c.path = CLS_CONV_PATH_GEMM, c.act = (cls_activation)(k % 5), c.bias = k % 3 != 1;
        c.mode = k % 2, c.src_cl = 1, c.dst_cl = 1;
        if (k == 0 || k == 5) /* 1x1 over NHWC: src is A */
            c.kh = c.kw = 1, c.pt = c.pb = c.pl = c.pr = 0, c.cin = 8, c.bw = 3;
        if (k == 1) /* NCHW src through im2col, 2x3 blocks */
            c.src_cl = 0, c.bw = 3;
        if (k == 2) /* NCHW dst: scratch + epilogue; dilation, asymmetric pads */
            c.dst_cl = 0, c.dh = 2, c.pt = 2, c.pb = 0, c.pl = 0, c.pr = 2;
        if (k == 3 || k == 6) /* 1-D NLC, block (1, 2); k == 6 a 1x1 */
            c.one_d = 1, c.h = 1, c.kh = 1, c.pt = c.pb = 0, c.bh = 1, c.w = 19;
        if (k == 6)
            c.kw = 1, c.pl = c.pr = 0;
        if (k == 4) /* plain strided conv, NCHW both sides */
            c.bh = c.bw = 1, c.sh = c.sw = 2, c.src_cl = c.dst_cl = 0, c.cout = 7;
        if (k == 5) /* mixed: channels-last src, channels-first dst */
            c.dst_cl = 0;
        if (k == 6) /* verify mode checks the GEMM path too (same CLBlast program) */
            ck_assert_int_eq(cls_context_set_verify(ctx, 1), CLS_OK);
        run_case(ctx, &c, k);
    }
    cls_context_destroy(ctx);
}
END_TEST

/* AUTO never reports AUTO; on a CPU it picks the direct kernel (measured). */
START_TEST(auto_path)
{
    cls_context *ctx = tu_context();
    cls_device_info info;
    cu_cfg c = base();
    c.path = CLS_CONV_PATH_AUTO;
    run_case(ctx, &c, 0);
    cls_conv_desc d = cu_desc(&c);
    float w[4 * 12 * 9] = {0};
    cls_conv_plan *plan = NULL;
    cls_conv_path path;
    ck_assert_int_eq(cls_conv_plan_create(ctx, &d, w, NULL, &plan), CLS_OK);
    ck_assert_int_eq(cls_conv_plan_get_path(plan, &path), CLS_OK);
    cls_context_get_info(ctx, &info);
    if (info.type & CL_DEVICE_TYPE_CPU)
        ck_assert_int_eq(path, CLS_CONV_PATH_DIRECT);
    ck_assert_int_ne(path, CLS_CONV_PATH_AUTO);
    cls_conv_plan_destroy(plan);
    cls_conv_plan_destroy(NULL);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(desc_errors)
{
    cls_context *ctx = tu_context();
    static float w[4096];
    cu_cfg c = base();
    cls_conv_desc d = cu_desc(&c), e;
    e = d, e.in_channels = 0;
    cu_expect_desc(ctx, e, w, CLS_ERR_INVALID_ARG, "in_channels = 0 must be positive");
    e = d, e.groups = 3;
    cu_expect_desc(ctx, e, w, CLS_ERR_INVALID_ARG, "groups = 3 does not divide in_channels = 4");
    e = d, e.groups = 2, e.block_h = e.block_w = 1;
    cu_expect_desc(ctx, e, w, CLS_ERR_INVALID_ARG,
                   "groups = 2 does not divide out_channels * block_h * block_w = 3");
    e = d, e.stride_w = 2;
    cu_expect_desc(ctx, e, w, CLS_ERR_INVALID_ARG,
                   "stride 1x2 needs a 1x1 block, the block is 2x2");
    e = d, e.pad_left = -1;
    cu_expect_desc(ctx, e, w, CLS_ERR_INVALID_ARG, "padding (1, 1, -1, 1) is negative");
    e = d, e.activation = CLS_ACT_PRELU;
    cu_expect_desc(ctx, e, w, CLS_ERR_INVALID_ARG, "CLS_ACT_PRELU needs desc.prelu");
    e = d, e.dtype = CLS_I32;
    cu_expect_desc(ctx, e, w, CLS_ERR_INVALID_ARG, "dtype i32 is not f32 or f16");
    e = d, e.mode = (cls_d2s_mode)7;
    cu_expect_desc(ctx, e, w, CLS_ERR_INVALID_ARG, "mode = 7");
    cu_expect_desc(ctx, d, NULL, CLS_ERR_INVALID_ARG, "weights is NULL");
    e = d, e.groups = 2, e.in_channels = 4, e.path = CLS_CONV_PATH_GEMM;
    cu_expect_desc(ctx, e, w, CLS_ERR_UNSUPPORTED, "GEMM path needs groups = 1");
    ck_assert_int_eq(cls_conv_plan_create(ctx, &d, w, NULL, NULL), CLS_ERR_INVALID_ARG);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(tensor_errors)
{
    cls_context *ctx = tu_context();
    static float w[4096];
    cu_cfg c = base(); /* 2 x 4 x 7 x 9 -> 2 x 3 x 14 x 18 */
    cls_conv_desc d = cu_desc(&c);
    cls_conv_plan *plan = NULL;
    ck_assert_int_eq(cls_conv_plan_create(ctx, &d, w, NULL, &plan), CLS_OK);
    cl_mem sb = tu_buffer(ctx, 4096 * 4, NULL), db = tu_buffer(ctx, 8192 * 4, NULL);
    cls_tensor src = cls_tensor_nchw(sb, 0, CLS_F32, 2, 4, 7, 9), t;
    cls_tensor dst = cls_tensor_nhwc(db, 0, CLS_F32, 2, 3, 14, 18);
    ck_assert_int_eq(cls_conv_plan_enqueue(plan, &src, &dst, 0, NULL, NULL), CLS_OK);
    t = src, t.sizes[1] = 5;
    cu_expect_enqueue(plan, t, dst, CLS_ERR_INVALID_ARG,
                      "src has 5 channels but desc.in_channels = 4");
    t = dst, t.sizes[3] = 17;
    cu_expect_enqueue(plan, src, t, CLS_ERR_INVALID_ARG,
                      "dst (N, C, H, W) is [2, 3, 14, 17] but the conv with block 2x2 gives "
                      "[2, 3, 14, 18]");
    t = dst, t.sizes[0] = 1;
    cu_expect_enqueue(plan, src, t, CLS_ERR_INVALID_ARG, "dst batch 1 differs from src batch 2");
    t = src, t.dtype = CLS_F16;
    cu_expect_enqueue(plan, t, dst, CLS_ERR_INVALID_ARG,
                      "src is f16 and dst is f32 but the plan is f32");
    cu_expect_enqueue(plan, cls_tensor_ncl(sb, 0, CLS_F32, 2, 4, 9), dst, CLS_ERR_INVALID_ARG,
                      "src ndim = 3, dst ndim = 4");
    cu_expect_enqueue(plan, cls_tensor_ncl(sb, 0, CLS_F32, 2, 4, 9),
                      cls_tensor_ncl(db, 0, CLS_F32, 2, 3, 18), CLS_ERR_INVALID_ARG,
                      "3-D tensors need an output height of 1");
    cu_expect_enqueue(plan, cls_tensor_nchw(sb, 0, CLS_F32, 2, 4, 7, 0), dst, CLS_ERR_INVALID_ARG,
                      "does not fit the padded 9x2 input");
    /* An empty dst is still checked against the conv's output shape; an
     * empty batch is a completed no-op. */
    cu_expect_enqueue(plan, src, cls_tensor_nchw(db, 0, CLS_F32, 2, 99, 0, 1), CLS_ERR_INVALID_ARG,
                      "dst (N, C, H, W) is [2, 99, 0, 1] but the conv with block 2x2 gives "
                      "[2, 3, 14, 18]");
    {
        cls_tensor s0 = cls_tensor_nchw(sb, 0, CLS_F32, 0, 4, 7, 9);
        cls_tensor d0 = cls_tensor_nchw(db, 0, CLS_F32, 0, 3, 14, 18);
        cl_event ev = NULL;
        cl_int state = 0;
        ck_assert_int_eq(cls_conv_plan_enqueue(plan, &s0, &d0, 0, NULL, &ev), CLS_OK);
        ck_assert_ptr_nonnull(ev);
        clWaitForEvents(1, &ev);
        clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof state, &state, NULL);
        ck_assert_int_eq(state, CL_COMPLETE);
        clReleaseEvent(ev);
    }
    cu_expect_enqueue(plan, src, cls_tensor_nchw(sb, 64, CLS_F32, 2, 3, 14, 18), CLS_ERR_OVERLAP,
                      "overlaps");
    cu_expect_enqueue(plan, src, cls_tensor_nchw(sb, 0, CLS_F32, 2, 3, 140, 18),
                      CLS_ERR_BUFFER_TOO_SMALL, "dst: view needs");
    ck_assert_int_eq(cls_conv_plan_enqueue(NULL, &src, &dst, 0, NULL, NULL), CLS_ERR_INVALID_ARG);
    clReleaseMemObject(sb), clReleaseMemObject(db);
    cls_conv_plan_destroy(plan);
    cls_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("conv");
    cu_rng = 12345u;
    TCase *tc = tcase_create("direct");
    tcase_add_test(tc, direct_sweep);
    tcase_add_test(tc, direct_wide);
    tcase_add_test(tc, direct_1d);
    tcase_add_test(tc, direct_w1x1);
    tcase_add_test(tc, direct_vstore);
    tcase_add_test(tc, direct_f16);
    tcase_add_test(tc, verify_mode);
    suite_add_tcase(s, tc);
    tc = tcase_create("gemm");
    tcase_add_test(tc, gemm_paths);
    tcase_add_test(tc, auto_path);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, desc_errors);
    tcase_add_test(tc, tensor_errors);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
