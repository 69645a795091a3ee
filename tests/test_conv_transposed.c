/* Transposed conv (sub-pixel form) against the plain-loop scatter reference.
 *
 * Tolerance, as for the fused conv (tests/test_conv.c): every output is a
 * float sum of at most Cin/groups * KH * KW products of values in [-1, 1],
 * accumulated by the kernel per phase in another order than the
 * reference's double sum, so it differs by a few float ulps of the sum's
 * magnitude: far below 1e-4 * (1 + |ref|). fp16 storage adds one rounding of
 * the output (2^-11 relative) and a possible tie flip: 2e-3 * (1 + |ref|).
 * The whole dst buffer is compared, so elements outside the view (offsets,
 * row pitch) must keep their 0xEE sentinel and every element of the view
 * must have been written. */
#include <math.h>
#include <string.h>

#include "conv_plan.h"
#include "reference/conv_transposed_ref.h"
#include "util.h"

/* One case: shapes, transposed-conv parameters and layouts. */
typedef struct cfg {
    int n, cin, cout, h, w, kh, kw, pt, pb, pl, pr, sh, sw, dh, dw, oph, opw, groups;
    cls_activation act;
    int bias, src_cl, dst_cl, one_d; /* channels-last src / dst; 3-D tensors */
    int aligned;                     /* views at offset 0 instead of 3 elements */
    int pitch;                       /* dst rows (or channel vectors) padded by 3 elements */
    cls_dtype dtype;
} cfg;

static uint32_t rng = 2024u;
static uint32_t next(void)
{
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
}
static float frand(void)
{
    return (float)(next() & 0xffff) / 32768.0f - 1.0f;
}

static int64_t out_size(int64_t in, int s, int pa, int pb, int d, int k, int op)
{
    return (in - 1) * s - pa - pb + (int64_t)d * (k - 1) + op + 1;
}

static cls_conv_desc make_desc(const cfg *c)
{
    cls_conv_desc d;
    memset(&d, 0, sizeof d);
    d.in_channels = c->cin, d.out_channels = c->cout;
    d.kernel_h = c->kh, d.kernel_w = c->kw, d.stride_h = c->sh, d.stride_w = c->sw;
    d.pad_top = c->pt, d.pad_bottom = c->pb, d.pad_left = c->pl, d.pad_right = c->pr;
    d.dilation_h = c->dh, d.dilation_w = c->dw, d.groups = c->groups;
    d.activation = c->act, d.act_alpha = 0.125f, d.dtype = c->dtype;
    d.transposed = 1, d.output_padding_h = c->oph, d.output_padding_w = c->opw;
    return d;
}

/* A tensor at a small offset: 4-D NCHW/NHWC or 3-D NCL/NLC; pitch pads the
 * innermost stored dimension's outer stride by 3 elements. */
static cls_tensor make_tensor(cl_mem buf, const cfg *c, int64_t ch, int64_t h, int64_t w, int cl,
                              int pitch)
{
    size_t off = c->aligned ? 0 : 3 * cls_dtype_size(c->dtype);
    cls_tensor t = c->one_d ? (cl ? cls_tensor_nlc(buf, off, c->dtype, c->n, ch, w)
                                  : cls_tensor_ncl(buf, off, c->dtype, c->n, ch, w))
                            : (cl ? cls_tensor_nhwc(buf, off, c->dtype, c->n, ch, h, w)
                                  : cls_tensor_nchw(buf, off, c->dtype, c->n, ch, h, w));
    if (pitch && !cl && t.ndim == 4) { /* rows of W + 3 elements */
        int64_t st[4] = {ch * h * (w + 3), h * (w + 3), w + 3, 1};
        memcpy(t.strides, st, sizeof st);
    } else if (pitch && !cl) {
        int64_t st[3] = {ch * (w + 3), w + 3, 1};
        memcpy(t.strides, st, sizeof st);
    } else if (pitch && t.ndim == 4) { /* pixels of C + 3 elements */
        int64_t st[4] = {h * w * (ch + 3), 1, w * (ch + 3), ch + 3};
        memcpy(t.strides, st, sizeof st);
    } else if (pitch) {
        int64_t st[3] = {w * (ch + 3), 1, ch + 3};
        memcpy(t.strides, st, sizeof st);
    }
    return t;
}

static void fill(unsigned char *img, size_t count, cls_dtype dt)
{
    for (size_t i = 0; i < count; i++) {
        float f = frand();
        uint16_t h = cls__float_to_half(f);
        if (dt == CLS_F16)
            memcpy(img + 2 * i, &h, 2);
        else
            memcpy(img + 4 * i, &f, 4);
    }
}

static float elem(const unsigned char *img, size_t i, cls_dtype dt)
{
    float f;
    if (dt == CLS_F16) {
        uint16_t h;
        memcpy(&h, img + 2 * i, 2);
        return cls__half_to_float(h);
    }
    memcpy(&f, img + 4 * i, 4);
    return f;
}

static size_t view_bytes(const cls_tensor *t)
{
    uint64_t b = 0;
    ck_assert_int_eq(cls_tensor_extent(t, &b), CLS_OK);
    return (size_t)b + 4 * cls_dtype_size(t->dtype); /* a sentinel tail */
}

/* Run one case on the device and compare the whole dst buffer with the
 * scatter reference. */
static void run_case(cls_context *ctx, const cfg *c, int id)
{
    cls_conv_desc d = make_desc(c);
    cls_conv_plan *plan = NULL;
    cls__conv_ref_args args;
    int64_t ho = out_size(c->h, c->sh, c->pt, c->pb, c->dh, c->kh, c->oph);
    int64_t wo = out_size(c->w, c->sw, c->pl, c->pr, c->dw, c->kw, c->opw);
    size_t es = cls_dtype_size(c->dtype), nonzero = 0;
    size_t nw = (size_t)c->cin * (c->cout / c->groups) * c->kh * c->kw;
    float *wts = malloc(nw * sizeof(float)), *bias = malloc((size_t)c->cout * sizeof(float));
    float *slope = malloc((size_t)c->cout * sizeof(float));
    double tol = c->dtype == CLS_F16 ? 2e-3 : 1e-4;
    cls_tensor src = make_tensor(NULL, c, c->cin, c->h, c->w, c->src_cl, 0);
    cls_tensor dst = make_tensor(NULL, c, c->cout, ho, wo, c->dst_cl, c->pitch);
    size_t sbytes = view_bytes(&src), dbytes = view_bytes(&dst);
    unsigned char *simg = malloc(sbytes), *exp = malloc(dbytes), *got;
    cls_status st;
    ck_assert_msg(ho >= 1 && wo >= 1, "case %d: bad case, output %lldx%lld", id, (long long)ho,
                  (long long)wo);
    for (size_t i = 0; i < nw; i++)
        wts[i] = frand();
    for (int i = 0; i < c->cout; i++)
        bias[i] = frand(), slope[i] = 0.5f * frand();
    fill(simg, sbytes / es, c->dtype);
    memset(exp, 0xEE, dbytes);
    d.prelu = slope;
    st = cls_conv_plan_create(ctx, &d, wts, c->bias ? bias : NULL, &plan);
    ck_assert_msg(st == CLS_OK, "case %d: plan: %s", id, cls_last_error());
    src.buffer = tu_buffer(ctx, sbytes, simg), dst.buffer = tu_buffer(ctx, dbytes, NULL);
    st = cls_conv_plan_enqueue(plan, &src, &dst, 0, NULL, NULL);
    ck_assert_msg(st == CLS_OK, "case %d: enqueue: %s", id, cls_last_error());
    got = tu_read(ctx, dst.buffer, dbytes);
    args.desc = d, args.weights = wts, args.bias = c->bias ? bias : NULL, args.prelu = slope;
    ck_assert_int_eq(cls__ref_conv_transposed(simg, &src, exp, &dst, &args), CLS_OK);
    for (size_t i = 0; i < dbytes / es; i++) {
        float a = elem(got, i, c->dtype), b = elem(exp, i, c->dtype);
        nonzero += b != 0.0f && !isnan(b);
        ck_assert_msg(fabs((double)a - b) <= tol * (1.0 + fabs((double)b)) || (a != a && b != b),
                      "case %d: dst element %zu = %g, reference %g (cin %d cout %d k %dx%d s %dx%d "
                      "pad %d %d %d %d dil %dx%d op %dx%d groups %d)",
                      id, i, (double)a, (double)b, c->cin, c->cout, c->kh, c->kw, c->sh, c->sw,
                      c->pt, c->pb, c->pl, c->pr, c->dh, c->dw, c->oph, c->opw, c->groups);
    }
    ck_assert_msg(nonzero > 0, "case %d: reference all zero", id);
    free(got), free(simg), free(exp), free(wts), free(bias), free(slope);
    clReleaseMemObject(src.buffer), clReleaseMemObject(dst.buffer);
    cls_conv_plan_destroy(plan);
}

/* A 2-D base case every test edits: k3 s2 p1 op1, 4 -> 3 channels. */
static cfg base(void)
{
    cfg c = {.n = 2,
             .cin = 4,
             .cout = 3,
             .h = 5,
             .w = 7,
             .kh = 3,
             .kw = 3,
             .pt = 1,
             .pb = 1,
             .pl = 1,
             .pr = 1,
             .sh = 2,
             .sw = 2,
             .dh = 1,
             .dw = 1,
             .oph = 1,
             .opw = 1,
             .groups = 1,
             .act = CLS_ACT_NONE,
             .bias = 1,
             .dtype = CLS_F32};
    return c;
}

/* Keep padding legal for PyTorch and the output non-empty: shrink pads. */
static void fit_pads(cfg *c)
{
    while (out_size(c->h, c->sh, c->pt, c->pb, c->dh, c->kh, c->oph) < 1 && c->pt + c->pb > 0)
        c->pt > c->pb ? c->pt-- : c->pb--;
    while (out_size(c->w, c->sw, c->pl, c->pr, c->dw, c->kw, c->opw) < 1 && c->pl + c->pr > 0)
        c->pl > c->pr ? c->pl-- : c->pr--;
}

/* Sampled case k of the full cross product (deterministic LCG): K 1..7 and
 * s 1..4 per axis (so K < s, K == s and K not a multiple of s all occur,
 * s_h != s_w mostly), padding 0..K-1 per side, an output padding from every
 * legal value, dilation 1..3, groups 1, 2 or depthwise, NCHW / NHWC / mixed
 * / row-pitched views, bias, every activation, odd sizes, 1-D one case in 5. */
static cfg sweep_case(int k)
{
    cfg c = base();
    int g = (int)(next() % 3);
    c.kh = 1 + (int)(next() % 7), c.kw = 1 + (int)(next() % 7);
    c.sh = 1 + (int)(next() % 4), c.sw = 1 + (int)(next() % 4);
    c.dh = 1 + (int)(next() % 3), c.dw = 1 + (int)(next() % 3);
    c.pt = (int)(next() % c.kh), c.pb = (int)(next() % c.kh);
    c.pl = (int)(next() % c.kw), c.pr = (int)(next() % c.kw);
    c.oph = (int)(next() % (c.sh > c.dh ? c.sh : c.dh));
    c.opw = (int)(next() % (c.sw > c.dw ? c.sw : c.dw));
    c.h = 2 + (int)(next() % 6), c.w = 3 + (int)(next() % 7);
    c.cin = 2 * (1 + (int)(next() % 3)), c.cout = 1 + (int)(next() % 5);
    c.groups = g == 0 ? 1 : g == 1 ? 2 : c.cin;
    if (g == 1)
        c.cout = 2 * c.cout;
    if (g == 2)
        c.cout = c.cin * (1 + (int)(next() % 2)); /* depthwise, multiplier 1 or 2 */
    c.src_cl = (int)(next() % 2), c.dst_cl = (int)(next() % 2);
    c.pitch = next() % 4 == 0, c.aligned = next() % 3 == 0;
    c.bias = next() % 3 != 0, c.act = (cls_activation)(next() % 5);
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
    rng = 2024u;
    for (int k = 0; k < SWEEP_CASES; k++) {
        cfg c = sweep_case(k);
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
                    cfg c = base();
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
        cfg c = base();
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
    rng = 77u;
    for (int k = 0; k < 8; k++) {
        cfg c = sweep_case(k);
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
        cfg c = base();
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
    rng = 555u;
    for (int k = 0; k < SPEC_CASES; k++) {
        cfg c = sweep_case(k);
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
    cfg c = base();
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
    cfg c = base();
    cls_conv_desc d = make_desc(&c);
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

/* Create a plan from d and expect code with msg in the message. */
static void expect_desc(cls_context *ctx, cls_conv_desc d, cls_status code, const char *msg)
{
    static float w[4096];
    cls_conv_plan *plan = (cls_conv_plan *)&d; /* must be reset to NULL */
    cls_status st = cls_conv_plan_create(ctx, &d, w, NULL, &plan);
    ck_assert_msg(st == code, "expected %s, got %s: %s", cls_status_name(code), cls_status_name(st),
                  cls_last_error());
    ck_assert_ptr_null(plan);
    ck_assert_msg(strstr(cls_last_error(), msg), "message '%s' lacks '%s'", cls_last_error(), msg);
}

START_TEST(desc_errors)
{
    cls_context *ctx = tu_context();
    cfg c = base();
    cls_conv_desc d = make_desc(&c), e;
    e = d, e.output_padding_h = 2;
    expect_desc(ctx, e, CLS_ERR_INVALID_ARG,
                "output_padding_h = 2 breaks 0 <= output_padding < max(stride_h, dilation_h) = 2");
    e = d, e.stride_w = 1, e.dilation_w = 3, e.output_padding_w = 3;
    expect_desc(ctx, e, CLS_ERR_INVALID_ARG, "output_padding_w = 3 breaks");
    e = d, e.output_padding_w = -1;
    expect_desc(ctx, e, CLS_ERR_INVALID_ARG, "output_padding_w = -1 breaks");
    e = d, e.transposed = 0;
    expect_desc(ctx, e, CLS_ERR_INVALID_ARG, "output_padding (1, 1) needs transposed = 1");
    e = d, e.block_h = 2, e.block_w = 2;
    expect_desc(ctx, e, CLS_ERR_UNSUPPORTED, "a transposed conv needs a 1x1 block, got 2x2");
    e = d, e.path = CLS_CONV_PATH_GEMM;
    expect_desc(ctx, e, CLS_ERR_UNSUPPORTED, "the GEMM path does not run transposed convs");
    e = d, e.groups = 2;
    expect_desc(ctx, e, CLS_ERR_INVALID_ARG, "groups = 2 does not divide out_channels");
    e = d, e.kernel_w = 0;
    expect_desc(ctx, e, CLS_ERR_INVALID_ARG, "kernel_w = 0 must be positive");
    cls_context_destroy(ctx);
}
END_TEST

/* Enqueue src and dst and expect code with msg in the message. */
static void expect_enqueue(cls_conv_plan *plan, cls_tensor src, cls_tensor dst, cls_status code,
                           const char *msg)
{
    cl_event ev = (cl_event)&src;
    cls_status st = cls_conv_plan_enqueue(plan, &src, &dst, 0, NULL, &ev);
    ck_assert_msg(st == code, "expected %s, got %s: %s", cls_status_name(code), cls_status_name(st),
                  cls_last_error());
    ck_assert_ptr_null(ev);
    ck_assert_msg(strstr(cls_last_error(), msg), "message '%s' lacks '%s'", cls_last_error(), msg);
}

START_TEST(tensor_errors)
{
    cls_context *ctx = tu_context();
    static float w[4096];
    cfg c = base(); /* 2 x 4 x 5 x 7 -> 2 x 3 x 10 x 14 (k3 s2 p1 op1) */
    cls_conv_desc d = make_desc(&c);
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
    expect_enqueue(plan, src, t, CLS_ERR_INVALID_ARG,
                   "dst (N, C, H, W) is [2, 3, 9, 14] but the conv with block 1x1 gives "
                   "[2, 3, 10, 14]");
    t = src, t.sizes[1] = 5;
    expect_enqueue(plan, t, dst, CLS_ERR_INVALID_ARG,
                   "src has 5 channels but desc.in_channels = 4");
    t = dst, t.sizes[0] = 1;
    expect_enqueue(plan, src, t, CLS_ERR_INVALID_ARG, "dst batch 1 differs from src batch 2");
    t = dst, t.dtype = CLS_F16;
    expect_enqueue(plan, src, t, CLS_ERR_INVALID_ARG, "dst is f16 but the plan is f32");
    expect_enqueue(plan, cls_tensor_ncl(sb, 0, CLS_F32, 2, 4, 7),
                   cls_tensor_ncl(db, 0, CLS_F32, 2, 3, 14), CLS_ERR_INVALID_ARG,
                   "3-D tensors need an output height of 1");
    expect_enqueue(plan, src, cls_tensor_nchw(sb, 64, CLS_F32, 2, 3, 10, 14), CLS_ERR_OVERLAP,
                   "overlaps");
    /* Padding that crops the whole output of a 1x1 input: Ho = 0. */
    d.kernel_h = d.kernel_w = 1, d.pad_top = d.pad_left = 1, d.pad_bottom = d.pad_right = 0;
    d.output_padding_h = d.output_padding_w = 0;
    ck_assert_int_eq(cls_conv_plan_create(ctx, &d, w, NULL, &crop), CLS_OK);
    expect_enqueue(crop, cls_tensor_nchw(sb, 0, CLS_F32, 2, 4, 1, 1),
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
