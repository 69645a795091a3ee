/* Conv reading through a space-to-depth view (in-block) and the space-to-depth
 * rewrites, against the plain-loop reference and the unrewritten plan. */
#include <math.h>
#include <string.h>

#include "conv_plan.h"
#include "conv_util.h"

/* Internal test hook (host/conv_rewrite.c): rewrites on the unshifted grid. */
void cls__conv_rewrite_force_grid0(int on);

/* Run desc d on r's views; return dst's image (dst refilled first). */
static unsigned char *run_plan(cls_context *ctx, const cu_cfg *c, cu_run *r, cls_conv_desc d,
                               cls_conv_rewrite_info *info, int id)
{
    cu_refill_dst(ctx, r);
    return cu_run_plan(ctx, c, r, d, NULL, info, id);
}

/* The case against the reference (tolerance: cu_compare in
 * tests/conv_util.c); with a forced rewrite also against the unrewritten
 * plan, and the rewrite must have been taken. */
static void run_case(cls_context *ctx, const cu_cfg *c, int id)
{
    cu_run r;
    cls_conv_rewrite_info info;
    cls_conv_desc d = cu_desc(c);
    /* One case in four on the kernel with compile-time tap counts, the rest
     * on the run-time one: both variants of every in-block form are covered
     * without a cold build of one program per shape (test_conv covers the
     * compile-time variants of plain convs). */
    cls__conv_direct_force_taps(id % 4 ? 0 : -1);
    cu_setup(ctx, c, &r, id);
    r.got = run_plan(ctx, c, &r, d, &info, id);
    cu_reference(c, &r, d);
    cu_compare(c, &r, r.got, r.exp, "vs reference", id);
    if (c->rewrite == CLS_CONV_REWRITE_SPACE_TO_DEPTH) {
        unsigned char *plain;
        ck_assert_msg(info.rewrite == CLS_CONV_REWRITE_SPACE_TO_DEPTH, "case %d: not rewritten",
                      id);
        d.rewrite = CLS_CONV_REWRITE_NONE;
        plain = run_plan(ctx, c, &r, d, &info, id);
        ck_assert_int_eq(info.rewrite, CLS_CONV_REWRITE_NONE);
        cu_compare(c, &r, r.got, plain, "vs unrewritten plan", id);
        free(plain);
    }
    cls__conv_direct_force_taps(-1);
    cu_teardown(&r);
}

static cu_cfg base(void)
{
    cu_cfg c = cu_base_3x3(3, 4, 8, 12);
    c.bh = c.bw = 1;
    c.ibh = c.ibw = 2;
    c.rewrite = CLS_CONV_REWRITE_NONE;
    return c;
}

/* In-blocks 1..4 and rectangular, both modes, with output blocks, padding,
 * dilation, groups, depthwise, layouts, activations and strides. */
static cu_cfg in_block_case(int k)
{
    static const int ibs[][2] = {{2, 2}, {1, 2}, {3, 3}, {4, 4}, {2, 3}, {1, 1}, {4, 2}, {2, 1}};
    static const int obs[][2] = {{1, 1}, {2, 2}, {1, 1}, {3, 2}, {2, 1}};
    static const int ks[] = {3, 1, 2, 5}, pads[] = {1, 0, 2, 1, 0}, dils[] = {1, 1, 2};
    static const int hs[] = {5, 7, 6}, ws[] = {6, 9, 7, 5};
    cu_cfg c = base();
    c.ibh = PICK(ibs, k)[0], c.ibw = PICK(ibs, k)[1];
    c.bh = PICK(obs, k / 3)[0], c.bw = PICK(obs, k / 3)[1];
    c.kh = PICK(ks, k / 2), c.kw = PICK(ks, k / 5 + 1);
    c.pt = PICK(pads, k), c.pb = PICK(pads, k + 2), c.pl = PICK(pads, k / 3);
    c.pr = PICK(pads, k / 7 + 1);
    c.dh = PICK(dils, k / 4), c.dw = PICK(dils, k / 5);
    c.h = PICK(hs, k) * c.ibh, c.w = PICK(ws, k / 2) * c.ibw;
    c.cin = (int[]){3, 2, 4}[k % 3];
    c.cout = (int[]){4, 3, 8, 5}[k % 4];
    c.groups = (int[]){1, 2, 1, 0, 3}[k % 5];
    if (c.groups == 0) /* depthwise over the unshuffled channels */
        c.groups = c.cin * c.ibh * c.ibw, c.cout = c.groups, c.bh = c.bw = 1;
    if ((c.cin * c.ibh * c.ibw) % c.groups || (c.cout * c.bh * c.bw) % c.groups)
        c.groups = 1;
    c.mode = (k / 2) % 2 ? CLS_CRD : CLS_DCR;
    c.in_mode = (k / 3) % 2 ? CLS_CRD : CLS_DCR;
    c.src_cl = k % 2, c.dst_cl = (k / 2) % 2 ^ (k / 8) % 2;
    c.bias = k % 3 != 0;
    c.act = (cls_activation)(k % 5);
    if (c.bh == 1 && c.bw == 1)
        c.sh = 1 + (k / 2) % 2, c.sw = 1 + (k / 5) % 2;
    c.n = 1 + k % 2;
    if (c.h / c.ibh + c.pt + c.pb - c.dh * (c.kh - 1) < 1)
        c.dh = 1;
    if (c.w / c.ibw + c.pl + c.pr - c.dw * (c.kw - 1) < 1)
        c.dw = 1;
    return c;
}

/* Two halves, each within the Check timeout on a cold kernel cache. */
START_TEST(in_block_sweep)
{
    cls_context *ctx = tu_context();
    for (int k = 40 * _i; k < 40 * _i + 40; k++) {
        cu_cfg c = in_block_case(k);
        run_case(ctx, &c, k);
    }
    cls_context_destroy(ctx);
}
END_TEST

/* 1-D tensors: a (1, r) in-block, with and without an output block. */
START_TEST(in_block_1d)
{
    cls_context *ctx = tu_context();
    for (int k = 0; k < 12; k++) {
        cu_cfg c = base();
        c.one_d = 1, c.h = 1, c.ibh = 1, c.ibw = 2 + k % 3, c.w = (5 + k) * c.ibw;
        c.kh = 1, c.pt = c.pb = 0, c.kw = 1 + 2 * (k % 3), c.pl = k % 2, c.pr = 1;
        c.bh = 1, c.bw = k % 4 == 1 ? 2 : 1, c.sw = c.bw == 1 ? 1 + k % 2 : 1;
        c.in_mode = k % 2 ? CLS_CRD : CLS_DCR, c.mode = (k / 2) % 2 ? CLS_CRD : CLS_DCR;
        c.src_cl = (k / 2) % 2, c.dst_cl = (k / 3) % 2;
        run_case(ctx, &c, k);
    }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(in_block_f16)
{
    cls_context *ctx = tu_context();
    for (int k = 0; k < 8; k++) {
        cu_cfg c = in_block_case(k * 3 + 1);
        c.dtype = CLS_F16;
        run_case(ctx, &c, k);
    }
    cls_context_destroy(ctx);
}
END_TEST

/* The fused in-block conv equals, bit for bit, the same plan without an
 * in-block run on cls_space_to_depth's output (same kernel, weights and
 * summation order): the unshuffle changes only where values are read. */
START_TEST(in_block_equals_separate)
{
    cls_context *ctx = tu_context();
    for (int k = 0; k < 4; k++) {
        cu_cfg c = base();
        cls_conv_rewrite_info info;
        cls_conv_desc d;
        cu_run r;
        unsigned char *sep;
        cl_mem mb;
        c.in_mode = k % 2 ? CLS_CRD : CLS_DCR, c.src_cl = k / 2, c.dst_cl = k / 2;
        c.cin = 3, c.cout = 8, c.h = 16, c.w = 20, c.ibh = 2, c.ibw = 2, c.bh = c.bw = k % 2 + 1;
        cu_setup(ctx, &c, &r, k);
        r.got = run_plan(ctx, &c, &r, cu_desc(&c), &info, k);
        mb = tu_buffer(ctx, (size_t)c.n * c.cin * c.h * c.w * 4, NULL);
        cls_tensor mid = c.src_cl ? cls_tensor_nhwc(mb, 0, CLS_F32, c.n, 12, 8, 10)
                                  : cls_tensor_nchw(mb, 0, CLS_F32, c.n, 12, 8, 10);
        ck_assert_int_eq(cls_space_to_depth(ctx, &r.st, &mid, 2, 2, c.in_mode, 0, NULL, NULL),
                         CLS_OK);
        d = cu_desc(&c);
        d.in_channels = 12, d.in_block_h = d.in_block_w = 0;
        r.st = mid;
        sep = run_plan(ctx, &c, &r, d, &info, k);
        ck_assert_msg(memcmp(sep, r.got, r.dst_bytes) == 0, "case %d: fused != separate", k);
        free(sep);
        clReleaseMemObject(mb);
        cu_teardown(&r);
    }
    cls_context_destroy(ctx);
}
END_TEST

/* Strided convs rewritten: strides 2..4, K 1..7 (below the stride, not a
 * multiple of it), asymmetric padding, dilation, groups, depthwise, odd
 * sizes (src not a multiple of the stride), layouts, 1-D, batch 2. */
START_TEST(rewrite_strided)
{
    cls_context *ctx = tu_context();
    static const int pads[] = {0, 1, 3, 2, 1, 0, 2};
    for (int k = 30 * _i; k < 30 * _i + 30; k++) {
        cu_cfg c = base();
        c.rewrite = CLS_CONV_REWRITE_SPACE_TO_DEPTH, c.ibh = c.ibw = 1;
        c.sh = 2 + k % 3, c.sw = 2 + (k / 3) % 3;
        c.kh = 1 + k % 7, c.kw = 1 + (k / 2) % 7;
        c.pt = PICK(pads, k), c.pb = PICK(pads, k + 3), c.pl = PICK(pads, k / 2);
        c.pr = PICK(pads, k / 3 + 1);
        c.dh = 1 + (k % 5 == 2), c.dw = 1 + (k % 7 == 3);
        c.h = 13 + k % 4, c.w = 14 + (k / 4) % 5;
        c.cin = (int[]){3, 4, 2}[k % 3], c.cout = (int[]){4, 6, 8, 5}[k % 4];
        c.groups = (int[]){1, 2, 1, 0}[k % 4];
        if (c.groups == 0)
            c.groups = c.cin, c.cout = c.cin;
        if (c.cin % c.groups || c.cout % c.groups)
            c.groups = 1;
        c.src_cl = k % 2, c.dst_cl = (k / 2) % 2, c.n = 1 + (k / 3) % 2;
        c.act = (cls_activation)(k % 5), c.bias = k % 4 != 3;
        c.dtype = k % 11 == 5 ? CLS_F16 : CLS_F32;
        if (k % 10 == 9) { /* 1-D */
            c.one_d = 1, c.h = 1, c.kh = 1, c.sh = 1, c.pt = c.pb = 0, c.dh = 1;
        }
        run_case(ctx, &c, k);
    }
    cls_context_destroy(ctx);
}
END_TEST

/* Stride-1 convs rewritten to in-block(b) + out-block(b): square and
 * rectangular blocks, padding 0..2 (shifted grid or not), odd output sizes
 * (a cropped partial block), dilation, groups, layouts, 1-D width-to-depth. */
START_TEST(rewrite_low_channel)
{
    cls_context *ctx = tu_context();
    for (int k = 0; k < 40; k++) {
        cu_cfg c = base();
        c.rewrite = CLS_CONV_REWRITE_SPACE_TO_DEPTH, c.ibh = c.ibw = 1;
        c.cin = (int[]){8, 3, 4}[k % 3], c.cout = (int[]){8, 4, 6, 3}[k % 4];
        c.kh = (int[]){3, 1, 2, 5}[k % 4], c.kw = (int[]){3, 3, 4, 1, 2}[k % 5];
        c.pt = k % 3, c.pb = (k / 3) % 3, c.pl = (k / 2) % 3, c.pr = k % 2;
        c.dh = 1 + (k % 6 == 4), c.dw = 1 + (k % 7 == 2);
        c.h = 10 + k % 3, c.w = 12 + k % 5;
        c.rbh = (int[]){0, 2, 3, 1, 2}[k % 5], c.rbw = (int[]){0, 2, 2, 4, 3, 1}[k % 6];
        c.groups = k % 4 == 2 ? 2 : 1;
        if (c.cin % c.groups || c.cout % c.groups)
            c.groups = 1;
        c.src_cl = k % 2, c.dst_cl = (k / 2) % 2, c.n = 1 + k % 2;
        c.act = (cls_activation)(k % 5), c.in_mode = c.mode = CLS_DCR;
        if (k % 8 == 7) { /* 1-D width-to-depth */
            c.one_d = 1, c.h = 1, c.kh = 1, c.pt = c.pb = 0, c.dh = 1, c.rbh = 0, c.rbw = 4;
        }
        cls__conv_rewrite_force_grid0(k % 3 == 1);
        run_case(ctx, &c, k);
    }
    cls__conv_rewrite_force_grid0(0);
    cls_context_destroy(ctx);
}
END_TEST

/* Host space-to-depth (CRD, block b) of an (n, c, h, w) NCHW float image
 * padded by pad zeros on every side first. */
static float *host_s2d(const float *x, int n, int c, int h, int w, int b, int pad, int *ho, int *wo)
{
    int hp = h + 2 * pad, wp = w + 2 * pad;
    float *y;
    *ho = hp / b, *wo = wp / b;
    y = calloc((size_t)n * c * b * b * *ho * *wo, sizeof(float));
    for (int in = 0; in < n; in++)
        for (int ic = 0; ic < c; ic++)
            for (int yy = 0; yy < *ho * b; yy++)
                for (int xx = 0; xx < *wo * b; xx++) {
                    int sy = yy - pad, sx = xx - pad;
                    int ch = (ic * b + yy % b) * b + xx % b;
                    float v = sy >= 0 && sy < h && sx >= 0 && sx < w
                                  ? x[((size_t)(in * c + ic) * h + sy) * w + sx]
                                  : 0.0f;
                    y[((size_t)(in * c * b * b + ch) * *ho + yy / b) * *wo + xx / b] = v;
                }
    return y;
}

/* dst = conv(src) through a plan of desc d (NCHW f32 images). */
static float *conv_host(cls_context *ctx, cls_conv_desc d, const float *w, const float *x, int n,
                        int c, int h, int wd, int co, int oh, int ow, cls_conv_rewrite_info *info)
{
    size_t sn = (size_t)n * c * h * wd, dn = (size_t)n * co * oh * ow;
    cl_mem sb = tu_buffer(ctx, sn * 4, x), db = tu_buffer(ctx, dn * 4, NULL);
    cls_tensor st = cls_tensor_nchw(sb, 0, CLS_F32, n, c, h, wd);
    cls_tensor dt = cls_tensor_nchw(db, 0, CLS_F32, n, co, oh, ow);
    cls_conv_plan *plan = NULL;
    float *y;
    ck_assert_msg(cls_conv_plan_create(ctx, &d, w, NULL, &plan) == CLS_OK, "plan: %s",
                  cls_last_error());
    if (info)
        ck_assert_int_eq(cls_conv_plan_get_rewrite(plan, info), CLS_OK);
    ck_assert_msg(cls_conv_plan_enqueue(plan, &st, &dt, 0, NULL, NULL) == CLS_OK, "enqueue: %s",
                  cls_last_error());
    y = tu_read(ctx, db, dn * 4);
    cls_conv_plan_destroy(plan);
    clReleaseMemObject(sb), clReleaseMemObject(db);
    return y;
}

static void expect_close(const float *a, const float *b, size_t n, const char *what)
{
    size_t nonzero = 0;
    for (size_t i = 0; i < n; i++) {
        nonzero += b[i] != 0.0f;
        ck_assert_msg(fabs((double)a[i] - b[i]) <= 1e-4 * (1.0 + fabs((double)b[i])),
                      "%s: element %zu = %g, expected %g", what, i, (double)a[i], (double)b[i]);
    }
    ck_assert_msg(nonzero > n / 2, "%s: mostly zero", what);
}

/* The ResNet-50 stem: 7x7 stride 2 pad 3 on 224x224x3 = a 4x4 conv with pads
 * (2, 1) on its 112x112x12 space-to-depth, weights W'[co][ci*4 + i*2 + j]
 * [t][u] = W[co][ci][2t + i - 1][2u + j - 1] (zero outside 0..6). */
START_TEST(seed_stem)
{
    cls_context *ctx = tu_context();
    const int co = 8, n = 1, hw = 224;
    float *w = malloc(co * 3 * 49 * sizeof(float)), *w2 = calloc(co * 12 * 16, sizeof(float));
    float *x = malloc((size_t)3 * hw * hw * sizeof(float)), *xs, *a, *b, *c;
    cls_conv_desc d;
    cls_conv_rewrite_info info;
    int sh, sw;
    for (int i = 0; i < co * 3 * 49; i++)
        w[i] = cu_frand();
    for (int i = 0; i < 3 * hw * hw; i++)
        x[i] = cu_frand();
    for (int o = 0; o < co; o++)
        for (int ci = 0; ci < 3; ci++)
            for (int q = 0; q < 4; q++)
                for (int t = 0; t < 4; t++)
                    for (int u = 0; u < 4; u++) {
                        int kh = 2 * t + q / 2 - 1, kw = 2 * u + q % 2 - 1;
                        if (kh >= 0 && kh < 7 && kw >= 0 && kw < 7)
                            w2[((o * 12 + ci * 4 + q) * 4 + t) * 4 + u] =
                                w[((o * 3 + ci) * 7 + kh) * 7 + kw];
                    }
    memset(&d, 0, sizeof d);
    d.in_channels = 3, d.out_channels = co, d.kernel_h = d.kernel_w = 7;
    d.stride_h = d.stride_w = 2, d.pad_top = d.pad_bottom = d.pad_left = d.pad_right = 3;
    d.rewrite = CLS_CONV_REWRITE_NONE;
    a = conv_host(ctx, d, w, x, n, 3, hw, hw, co, 112, 112, NULL);
    d.rewrite = CLS_CONV_REWRITE_SPACE_TO_DEPTH;
    b = conv_host(ctx, d, w, x, n, 3, hw, hw, co, 112, 112, &info);
    ck_assert_int_eq(info.rewrite, CLS_CONV_REWRITE_SPACE_TO_DEPTH);
    ck_assert_int_eq(info.desc.kernel_h, 4);
    ck_assert_int_eq(info.desc.kernel_w, 4);
    ck_assert_int_eq(info.desc.in_channels * info.desc.in_block_h * info.desc.in_block_w, 12);
    ck_assert_int_eq(info.desc.pad_top, 2);
    ck_assert_int_eq(info.desc.pad_bottom, 1);
    ck_assert_int_eq(info.desc.pad_left, 2);
    ck_assert_int_eq(info.desc.pad_right, 1);
    ck_assert_int_eq(info.desc.stride_h, 1);
    ck_assert_int_eq(info.desc.in_mode, CLS_CRD);
    ck_assert_int_eq(info.grid_top, 0);
    ck_assert_int_eq(info.grid_left, 0);
    /* The identity itself: the 4x4 conv on the host's space-to-depth. */
    xs = host_s2d(x, n, 3, hw, hw, 2, 0, &sh, &sw);
    memset(&d, 0, sizeof d);
    d.in_channels = 12, d.out_channels = co, d.kernel_h = d.kernel_w = 4;
    d.pad_top = d.pad_left = 2, d.pad_bottom = d.pad_right = 1;
    c = conv_host(ctx, d, w2, xs, n, 12, sh, sw, co, 112, 112, NULL);
    expect_close(c, a, (size_t)co * 112 * 112, "4x4 on 112x112x12 vs 7x7/2");
    expect_close(b, a, (size_t)co * 112 * 112, "rewritten plan vs 7x7/2");
    free(w), free(w2), free(x), free(xs), free(a), free(b), free(c);
    cls_context_destroy(ctx);
}
END_TEST

/* The low-channel conv: 3x3 8->8 = 2x2 32->32 (out-block 2) on the 2x2
 * space-to-depth, W'[(co*2 + p)*2 + q][ci*4 + i*2 + j][t][u] =
 * W[co][ci][2t + i - p][2u + j - q]; exact for padding 0, and for padding 1
 * over the input padded by one pixel (the shifted grid). Unshifted, the
 * rewrite needs 3x3 taps. */
START_TEST(seed_low_channel)
{
    cls_context *ctx = tu_context();
    const int c8 = 8, hw = 16;
    float *w = malloc(c8 * c8 * 9 * sizeof(float)), *w2 = calloc(32 * 32 * 4, sizeof(float));
    float *x = malloc((size_t)c8 * hw * hw * sizeof(float));
    cls_conv_desc d;
    cls_conv_rewrite_info info;
    for (int i = 0; i < c8 * c8 * 9; i++)
        w[i] = cu_frand();
    for (int i = 0; i < c8 * hw * hw; i++)
        x[i] = cu_frand();
    for (int co = 0; co < c8; co++)
        for (int ph = 0; ph < 2; ph++)
            for (int pw = 0; pw < 2; pw++)
                for (int ci = 0; ci < c8; ci++)
                    for (int q = 0; q < 4; q++)
                        for (int t = 0; t < 2; t++)
                            for (int u = 0; u < 2; u++) {
                                int kh = 2 * t + q / 2 - ph, kw = 2 * u + q % 2 - pw;
                                if (kh >= 0 && kh < 3 && kw >= 0 && kw < 3)
                                    w2[((((co * 2 + ph) * 2 + pw) * 32 + ci * 4 + q) * 2 + t) * 2 +
                                       u] = w[((co * c8 + ci) * 3 + kh) * 3 + kw];
                            }
    for (int pad = 0; pad < 2; pad++) {
        int oh = hw + 2 * pad - 2, sh, sw;
        float *a, *b, *c, *xs;
        memset(&d, 0, sizeof d);
        d.in_channels = d.out_channels = c8, d.kernel_h = d.kernel_w = 3;
        d.pad_top = d.pad_bottom = d.pad_left = d.pad_right = pad;
        d.rewrite = CLS_CONV_REWRITE_NONE;
        a = conv_host(ctx, d, w, x, 1, c8, hw, hw, c8, oh, oh, NULL);
        d.rewrite = CLS_CONV_REWRITE_SPACE_TO_DEPTH;
        b = conv_host(ctx, d, w, x, 1, c8, hw, hw, c8, oh, oh, &info);
        ck_assert_int_eq(info.desc.kernel_h, 2);
        ck_assert_int_eq(info.desc.kernel_w, 2);
        ck_assert_int_eq(info.desc.pad_top, 0);
        ck_assert_int_eq(info.desc.pad_left, 0);
        ck_assert_int_eq(info.grid_top, pad);
        ck_assert_int_eq(info.grid_left, pad);
        ck_assert_int_eq(info.desc.block_h * info.desc.block_w * info.desc.out_channels, 32);
        xs = host_s2d(x, 1, c8, hw, hw, 2, pad, &sh, &sw);
        memset(&d, 0, sizeof d);
        d.in_channels = 32, d.out_channels = c8, d.kernel_h = d.kernel_w = 2;
        d.block_h = d.block_w = 2, d.mode = CLS_CRD;
        c = conv_host(ctx, d, w2, xs, 1, 32, sh, sw, c8, oh, oh, NULL);
        expect_close(c, a, (size_t)c8 * oh * oh, "2x2x32x32 vs 3x3x8x8");
        expect_close(b, a, (size_t)c8 * oh * oh, "rewritten plan vs 3x3x8x8");
        free(a), free(b), free(c), free(xs);
        if (pad == 1) { /* the unshifted grid: 3x3 taps, pad 1 */
            cls__conv_rewrite_force_grid0(1);
            d = (cls_conv_desc){0};
            d.in_channels = d.out_channels = c8, d.kernel_h = d.kernel_w = 3;
            d.pad_top = d.pad_bottom = d.pad_left = d.pad_right = 1;
            d.rewrite = CLS_CONV_REWRITE_SPACE_TO_DEPTH;
            b = conv_host(ctx, d, w, x, 1, c8, hw, hw, c8, oh, oh, &info);
            cls__conv_rewrite_force_grid0(0);
            ck_assert_int_eq(info.desc.kernel_h, 3);
            ck_assert_int_eq(info.grid_top, 0);
            ck_assert_int_eq(info.desc.pad_top, 1);
            d.rewrite = CLS_CONV_REWRITE_NONE;
            a = conv_host(ctx, d, w, x, 1, c8, hw, hw, c8, oh, oh, NULL);
            expect_close(b, a, (size_t)c8 * oh * oh, "unshifted rewrite vs 3x3x8x8");
            free(a), free(b);
        }
    }
    free(w), free(w2), free(x);
    cls_context_destroy(ctx);
}
END_TEST

static void expect_create(cls_context *ctx, cls_conv_desc d, cls_status code, const char *part)
{
    static float w[4096];
    cls_conv_plan *plan = NULL;
    cls_status st = cls_conv_plan_create(ctx, &d, w, NULL, &plan);
    ck_assert_msg(st == code, "expected %s, got %s (%s)", cls_status_name(code),
                  cls_status_name(st), cls_last_error());
    ck_assert_msg(strstr(cls_last_error(), part), "message '%s' lacks '%s'", cls_last_error(),
                  part);
    ck_assert_ptr_null(plan);
}

START_TEST(errors_and_queries)
{
    cls_context *ctx = tu_context();
    cls_conv_desc d, t;
    cls_conv_plan *plan = NULL;
    cls_conv_rewrite_info info;
    cls_conv_path path;
    static float w[16384];
    memset(&d, 0, sizeof d);
    d.in_channels = 3, d.out_channels = 4, d.kernel_h = d.kernel_w = 3;
    d.in_block_h = d.in_block_w = 2;
    t = d, t.in_mode = (cls_d2s_mode)7;
    expect_create(ctx, t, CLS_ERR_INVALID_ARG, "in_mode = 7");
    t = d, t.in_block_w = -1;
    expect_create(ctx, t, CLS_ERR_INVALID_ARG, "in_block_w = -1 must be positive");
    t = d, t.groups = 5;
    expect_create(ctx, t, CLS_ERR_INVALID_ARG, "in_channels * in_block_h * in_block_w = 12");
    t = d, t.transposed = 1;
    expect_create(ctx, t, CLS_ERR_UNSUPPORTED, "in_block (2x2) with transposed");
    t = d, t.path = CLS_CONV_PATH_GEMM;
    expect_create(ctx, t, CLS_ERR_UNSUPPORTED, "GEMM path does not read through an in_block");
    t = d, t.rewrite = CLS_CONV_REWRITE_SPACE_TO_DEPTH;
    expect_create(ctx, t, CLS_ERR_UNSUPPORTED, "not available for a conv with an in_block");
    t = d, t.rewrite = (cls_conv_rewrite)9;
    expect_create(ctx, t, CLS_ERR_INVALID_ARG, "rewrite = 9");
    t = d, t.in_block_h = t.in_block_w = 0, t.block_h = 2;
    t.rewrite = CLS_CONV_REWRITE_SPACE_TO_DEPTH;
    expect_create(ctx, t, CLS_ERR_UNSUPPORTED, "a conv with an output block");
    t.block_h = 0, t.stride_h = 2, t.path = CLS_CONV_PATH_GEMM;
    expect_create(ctx, t, CLS_ERR_UNSUPPORTED, "the GEMM path");
    /* Hostile geometry: forced rewrites say why not, AUTO keeps the desc. */
    memset(&t, 0, sizeof t);
    t.in_channels = 1, t.out_channels = 1, t.kernel_h = t.kernel_w = 2;
    t.stride_h = 1 << 30, t.rewrite = CLS_CONV_REWRITE_SPACE_TO_DEPTH;
    expect_create(ctx, t, CLS_ERR_UNSUPPORTED, "strides beyond 16");
    t.stride_h = 2, t.dilation_h = t.dilation_w = 1 << 29;
    expect_create(ctx, t, CLS_ERR_INVALID_ARG, "exceed the device's largest allocation");
    t.rewrite = CLS_CONV_REWRITE_AUTO, t.stride_h = 1 << 30;
    ck_assert_int_eq(cls_conv_plan_create(ctx, &t, w, NULL, &plan), CLS_OK);
    ck_assert_int_eq(cls_conv_plan_get_rewrite(plan, &info), CLS_OK);
    ck_assert_int_eq(info.rewrite, CLS_CONV_REWRITE_NONE);
    cls_conv_plan_destroy(plan);
    t = d, t.pad_top = 1 << 29; /* times the in-block: past the kernel's int */
    expect_create(ctx, t, CLS_ERR_INVALID_ARG, "times the in_block (2x2) exceed");
    /* AUTO: a plan that runs and says what it runs. */
    ck_assert_int_eq(cls_conv_plan_create(ctx, &d, w, NULL, &plan), CLS_OK);
    ck_assert_int_eq(cls_conv_plan_get_path(plan, &path), CLS_OK);
    ck_assert_int_eq(path, CLS_CONV_PATH_DIRECT);
    ck_assert_int_eq(cls_conv_plan_get_rewrite(plan, &info), CLS_OK);
    ck_assert_int_eq(info.rewrite, CLS_CONV_REWRITE_NONE);
    ck_assert_int_eq(info.desc.in_block_h, 2);
    ck_assert_int_eq(cls_conv_plan_get_rewrite(plan, NULL), CLS_ERR_INVALID_ARG);
    ck_assert_int_eq(cls_conv_plan_get_rewrite(NULL, &info), CLS_ERR_INVALID_ARG);
    {
        cl_mem sb = tu_buffer(ctx, 4096, NULL), db = tu_buffer(ctx, 4096, NULL);
        cls_tensor src = cls_tensor_nchw(sb, 0, CLS_F32, 1, 3, 9, 8);
        cls_tensor dst = cls_tensor_nchw(db, 0, CLS_F32, 1, 4, 2, 2);
        ck_assert_int_eq(cls_conv_plan_enqueue(plan, &src, &dst, 0, NULL, NULL),
                         CLS_ERR_INVALID_ARG);
        ck_assert_ptr_nonnull(strstr(cls_last_error(), "9 x 8 is not a multiple of the in_block"));
        src = cls_tensor_nchw(sb, 0, CLS_F32, 1, 3, 10, 8);
        ck_assert_int_eq(cls_conv_plan_enqueue(plan, &src, &dst, 0, NULL, NULL),
                         CLS_ERR_INVALID_ARG);
        ck_assert_ptr_nonnull(strstr(cls_last_error(), "gives [1, 4, 3, 2]"));
        src = cls_tensor_ncl(sb, 0, CLS_F32, 1, 3, 8);
        dst = cls_tensor_ncl(db, 0, CLS_F32, 1, 4, 2);
        ck_assert_int_eq(cls_conv_plan_enqueue(plan, &src, &dst, 0, NULL, NULL),
                         CLS_ERR_INVALID_ARG);
        ck_assert_ptr_nonnull(strstr(cls_last_error(), "3-D tensors need in_block_h 1"));
        clReleaseMemObject(sb), clReleaseMemObject(db);
    }
    cls_conv_plan_destroy(plan);
    /* AUTO's rule (docs/tuning.md): the low-channel 3x3 and a 4x4/2 3->16
     * without zero taps are rewritten, the ResNet stem and 3x3 16->16 not. */
    {
        static const int shapes[][7] = {/* cin cout k stride pad rewritten */
                                        {8, 8, 3, 1, 1, 1},
                                        {3, 16, 4, 2, 1, 1},
                                        {3, 64, 7, 2, 3, 0},
                                        {16, 16, 3, 1, 1, 0},
                                        {8, 8, 1, 1, 0, 0}};
        for (int k = 0; k < 5; k++) {
            memset(&t, 0, sizeof t);
            t.in_channels = shapes[k][0], t.out_channels = shapes[k][1];
            t.kernel_h = t.kernel_w = shapes[k][2], t.stride_h = t.stride_w = shapes[k][3];
            t.pad_top = t.pad_bottom = t.pad_left = t.pad_right = shapes[k][4];
            ck_assert_int_eq(cls_conv_plan_create(ctx, &t, w, NULL, &plan), CLS_OK);
            ck_assert_int_eq(cls_conv_plan_get_rewrite(plan, &info), CLS_OK);
            ck_assert_msg(info.rewrite == (shapes[k][5] ? CLS_CONV_REWRITE_SPACE_TO_DEPTH
                                                        : CLS_CONV_REWRITE_NONE),
                          "shape %d: AUTO chose %d", k, (int)info.rewrite);
            cls_conv_plan_destroy(plan);
        }
    }
    cls_context_destroy(ctx);
}
END_TEST

/* Verify mode compares every enqueue with the reference of the user's desc:
 * an in-block plan and both rewrites pass it. */
START_TEST(verify_mode)
{
    cls_context *ctx = tu_context_verify();
    for (int k = 0; k < 3; k++) {
        cu_cfg c = base();
        if (k > 0)
            c.ibh = c.ibw = 1, c.rewrite = CLS_CONV_REWRITE_SPACE_TO_DEPTH;
        if (k == 1)
            c.sh = c.sw = 2, c.kh = c.kw = 5, c.pt = 2, c.pl = 1;
        if (k == 2)
            c.h = 9, c.w = 11; /* odd outputs: a cropped block */
        run_case(ctx, &c, k);
    }
    cls_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("conv_s2d");
    cu_rng = 777u;
    TCase *tc = tcase_create("in_block");
    tcase_add_loop_test(tc, in_block_sweep, 0, 2);
    tcase_add_test(tc, in_block_1d);
    tcase_add_test(tc, in_block_f16);
    tcase_add_test(tc, in_block_equals_separate);
    suite_add_tcase(s, tc);
    tc = tcase_create("rewrite");
    tcase_add_loop_test(tc, rewrite_strided, 0, 2);
    tcase_add_test(tc, rewrite_low_channel);
    tcase_add_test(tc, seed_stem);
    tcase_add_test(tc, seed_low_channel);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_test(tc, errors_and_queries);
    tcase_add_test(tc, verify_mode);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
