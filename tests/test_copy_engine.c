/* Copy engine: canonical forms, kernel choice, and every kernel forced on
 * purpose, bit-exact against the reference over odd sizes, offsets, strided
 * views and every element size. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "reference/reference.h"
#include "util.h"

static const cls_dtype dtypes[4] = {CLS_U8, CLS_F16, CLS_F32, CLS_F64};

/* Strides of sizes laid out with order[0] outermost ... order[nd-1]
 * innermost; pad adds elements to every stride but the innermost. */
static void layout(int nd, const int64_t *sizes, const int *order, int64_t pad, int64_t *st)
{
    int64_t s = 1;
    for (int k = nd - 1; k >= 0; k--) {
        st[order[k]] = s;
        s = s * sizes[order[k]] + pad;
    }
}

static size_t view_bytes(const cls_tensor *t)
{
    uint64_t bytes = 0;
    ck_assert_int_eq(cls_tensor_extent(t, &bytes), CLS_OK);
    return (size_t)bytes + 16;
}

/* Non-zero when ctx runs the portable tier and kernel is a CPU-tier one. */
static int portable_only(const cls_context *ctx, cls__copy_kernel kernel)
{
    return ctx->profile.tier == CLS_TIER_PORTABLE && kernel != CLS__COPY_AUTO &&
           kernel != CLS__COPY_GENERIC && kernel != CLS__COPY_RUN && kernel != CLS__COPY_TILE;
}

/* Copy src -> dst (shape, orders, pads and element offsets given) with
 * `want` forced, check the engine chose it (when strict), and compare the whole dst
 * buffer with the reference (so stray writes fail too). */
static void check(cls_context *ctx, cls_dtype dt, int nd, const int64_t *sizes, const int *sorder,
                  int64_t spad, size_t soff, const int *dorder, int64_t dpad, size_t doff,
                  cls__copy_kernel want, int strict)
{
    size_t es = cls_dtype_size(dt), sb, db;
    cls_tensor s = cls_tensor_contiguous(NULL, soff * es, dt, nd, sizes), d = s;
    unsigned char *sh, *dh, *out;
    d.offset = doff * es;
    layout(nd, sizes, sorder, spad, s.strides);
    layout(nd, sizes, dorder, dpad, d.strides);
    sb = view_bytes(&s), db = view_bytes(&d);
    sh = malloc(sb), dh = malloc(db);
    tu_fill(sh, sb, 7u + (uint32_t)nd), tu_fill(dh, db, 99u);
    s.buffer = tu_buffer(ctx, sb, sh), d.buffer = tu_buffer(ctx, db, dh);
    cls__copy_force(want);
    /* The portable tier has no CPU kernels: a forced one gives its own choice. */
    if (want != CLS__COPY_AUTO && strict && !portable_only(ctx, want))
        ck_assert_msg(cls__copy_choose(ctx, &s, &d) == want, "chose %s, wanted %s",
                      cls__copy_kernel_name(cls__copy_choose(ctx, &s, &d)),
                      cls__copy_kernel_name(want));
    if (portable_only(ctx, want)) {
        cls__copy_kernel k = cls__copy_choose(ctx, &s, &d);
        ck_assert_msg(k == CLS__COPY_GENERIC || k == CLS__COPY_RUN || k == CLS__COPY_TILE,
                      "portable tier chose %s", cls__copy_kernel_name(k));
    }
    ck_assert_msg(cls_copy(ctx, &s, &d, 0, NULL, NULL) == CLS_OK, "%s", cls_last_error());
    cls__copy_force(CLS__COPY_AUTO);
    out = tu_read(ctx, d.buffer, db);
    ck_assert_int_eq(cls__ref_copy(sh, &s, dh, &d, NULL), CLS_OK);
    ck_assert_msg(memcmp(out, dh, db) == 0, "%s, %zu-byte elements, %d dims: differs",
                  cls__copy_kernel_name(want), es, nd);
    clReleaseMemObject(s.buffer), clReleaseMemObject(d.buffer);
    free(sh), free(dh), free(out);
}

/* A 4-D (N, C, H, W) pair: src channels-first, dst channels-last, or the
 * reverse, with offsets and optional padding. */
static void check_nchw(cls_context *ctx, cls_dtype dt, int64_t n, int64_t c, int64_t h,
                       int64_t w, int to_nhwc, int64_t pad, cls__copy_kernel want)
{
    static const int nchw[4] = {0, 1, 2, 3}, nhwc[4] = {0, 2, 3, 1};
    const int64_t sizes[4] = {n, c, h, w};
    check(ctx, dt, 4, sizes, to_nhwc ? nchw : nhwc, pad, 5, to_nhwc ? nhwc : nchw, 0, 3, want,
          1);
}

/* A 2-D or batched 3-D transpose pair: src (B, R, C) row-major, dst with the
 * last two dims swapped, both padded and offset. */
static void check_transpose(cls_context *ctx, cls_dtype dt, int64_t b, int64_t r, int64_t c,
                            cls__copy_kernel want)
{
    static const int src_order[3] = {0, 1, 2}, dst_order[3] = {0, 2, 1};
    const int64_t sizes[3] = {b, r, c};
    check(ctx, dt, 3, sizes, src_order, 3, 11, dst_order, 2, 7, want, 1);
}

START_TEST(canonical_forms)
{
    int64_t sizes[5] = {2, 1, 3, 5, 7};
    cls_tensor s = cls_tensor_contiguous(NULL, 8, CLS_F32, 5, sizes), d = s;
    cls__copy_plan p;
    /* Contiguous on both sides: one dim; size-1 dims are dropped. */
    cls__copy_plan_make_raw(&s, &d, &p);
    ck_assert_int_eq(p.ndim, 1);
    ck_assert_int_eq(p.sizes[0], 210);
    ck_assert_int_eq(p.soff, 2);
    /* NCHW -> NHWC: (N, HW, C) ordered by dst stride, H and W merged. */
    s = cls_tensor_nchw(NULL, 0, CLS_F32, 2, 3, 5, 7);
    d = cls_tensor_nhwc(NULL, 0, CLS_F32, 2, 3, 5, 7);
    cls__copy_plan_make_raw(&s, &d, &p);
    ck_assert_int_eq(p.ndim, 3);
    ck_assert_int_eq(p.sizes[0], 2);
    ck_assert_int_eq(p.sizes[1], 35);
    ck_assert_int_eq(p.sizes[2], 3);
    ck_assert_int_eq(p.dstr[2], 1);
    ck_assert_int_eq(p.sstr[2], 35);
    ck_assert_int_eq(p.a, 1);
    ck_assert_int_eq(p.b, 2);
    /* N = 1 drops out: (HW, C). */
    s = cls_tensor_nhwc(NULL, 0, CLS_F32, 1, 16, 4, 4);
    d = cls_tensor_nchw(NULL, 0, CLS_F32, 1, 16, 4, 4);
    cls__copy_plan_make_raw(&s, &d, &p);
    ck_assert_int_eq(p.ndim, 2);
    ck_assert_int_eq(p.sizes[0], 16);
    ck_assert_int_eq(p.sizes[1], 16);
    ck_assert_int_eq(p.sstr[0], 1);
    ck_assert_int_eq(p.sstr[1], 16);
}
END_TEST

START_TEST(automatic_choice_by_shape_and_device)
{
    cls_context *ctx = tu_context();
    int64_t n = 1000, sizes[2] = {100, 3};
    cls_tensor s, d;
    /* The portable tier's choices are tested with fake profiles
     * (test_profile.c); these are the CPU tier's. */
    if (ctx->profile.tier != CLS_TIER_CPU) {
        cls_context_destroy(ctx);
        return;
    }
    s = cls_tensor_contiguous(NULL, 0, CLS_F32, 1, &n), d = s;
    ck_assert_int_eq(cls__copy_choose(ctx, &s, &d), CLS__COPY_RUN);
    s = cls_tensor_contiguous(NULL, 0, CLS_F32, 2, sizes), d = s;
    s.strides[0] = 5;
    ck_assert_int_eq(cls__copy_choose(ctx, &s, &d), CLS__COPY_RUN_PACKED);
    s.strides[1] = 2;
    ck_assert_int_eq(cls__copy_choose(ctx, &s, &d), CLS__COPY_GENERIC);
    /* Runs shorter than a strip (4 KiB) go several to a work-item on CPUs. */
    sizes[1] = 500;
    s = cls_tensor_contiguous(NULL, 0, CLS_F32, 2, sizes), d = s;
    s.strides[0] = 501;
    ck_assert_int_eq(cls__copy_choose(ctx, &s, &d), CLS__COPY_RUN_PACKED);
    sizes[1] = 1100;
    s = cls_tensor_contiguous(NULL, 0, CLS_F32, 2, sizes), d = s;
    s.strides[0] = 1101;
    ck_assert_int_eq(cls__copy_choose(ctx, &s, &d), CLS__COPY_RUN);
    s = cls_tensor_nchw(NULL, 0, CLS_F32, 2, 3, 32, 32);
    d = cls_tensor_nhwc(NULL, 0, CLS_F32, 2, 3, 32, 32);
    ck_assert_int_eq(cls__copy_choose(ctx, &s, &d), CLS__COPY_INTERLEAVE);
    ck_assert_int_eq(cls__copy_choose(ctx, &d, &s), CLS__COPY_DEINTERLEAVE);
    s = cls_tensor_nchw(NULL, 0, CLS_F32, 2, 64, 32, 32);
    d = cls_tensor_nhwc(NULL, 0, CLS_F32, 2, 64, 32, 32);
    ck_assert_int_eq(cls__copy_choose(ctx, &s, &d), CLS__COPY_REG);
    /* A forced kernel that cannot run the pair is ignored. */
    cls__copy_force(CLS__COPY_RUN);
    ck_assert_int_eq(cls__copy_choose(ctx, &s, &d), CLS__COPY_REG);
    cls__copy_force(CLS__COPY_AUTO);
    ck_assert_str_eq(cls__copy_kernel_name(CLS__COPY_REG), "reg");
    ck_assert_str_eq(cls__copy_kernel_name((cls__copy_kernel)99), "invalid");
    cls_context_destroy(ctx);
}
END_TEST

/* The one chooser: a depth-to-space op's views get the interleave rows of
 * their best match on the CPU tier; the same pair as a plain copy gets the
 * one-axis rows of the same kernels (V16), and the portable tier never
 * offers them. */
START_TEST(d2s_kernels_are_candidates_of_the_chooser)
{
    cls_context *ctx = tu_context();
    cls_device_profile portable = ctx->profile;
    cls_tensor deep = cls_tensor_nchw(NULL, 0, CLS_F32, 2, 12, 32, 32);
    cls_tensor space = cls_tensor_nchw(NULL, 0, CLS_F32, 2, 3, 64, 64), vd, vs;
    cls__copy_plan p;
    cls__d2s_views(&deep, &space, 2, 2, CLS_DCR, &vd, &vs);
    portable.tier = CLS_TIER_PORTABLE;
    cls__copy_plan_make_prof(&portable, &vd, &vs, 1, &p);
    ck_assert_int_ne(p.kernel, CLS__COPY_D2S);
    ck_assert(!cls__copy_applies(&p, CLS__COPY_D2S));
    if (ctx->profile.tier == CLS_TIER_CPU) {
        cls__copy_plan_make_prof(&ctx->profile, &vd, &vs, 1, &p);
        ck_assert_int_eq(p.kernel, CLS__COPY_D2S);
        ck_assert_str_eq(cls__copy_kernel_name(p.kernel), "d2s");
        ck_assert(!p.d2s.v16);
        cls__copy_plan_make_prof(&ctx->profile, &vd, &vs, 0, &p);
        ck_assert_int_eq(p.kernel, CLS__COPY_INTERLEAVE);
        ck_assert(p.d2s.v16 && !p.d2s.de && p.d2s.factor == 2 && p.d2s.group == 2);
        /* Forcing the d2s kernels on a plain copy is ignored. */
        cls__copy_force(CLS__COPY_D2S);
        ck_assert_int_eq(cls__copy_choose(ctx, &vd, &vs), CLS__COPY_INTERLEAVE);
        cls__copy_force(CLS__COPY_AUTO);
    }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(run_kernels)
{
    static const int rm[3] = {0, 1, 2};
    const int64_t rows[2] = {7, 93}, flat[1] = {133}, shortr[3] = {7, 13, 3}, one[1] = {1};
    cls_context *ctx = tu_context();
    for (int i = 0; i < 4; i++) {
        check(ctx, dtypes[i], 2, rows, rm, 7, 3, rm, 0, 1, CLS__COPY_RUN, 1);
        check(ctx, dtypes[i], 1, flat, rm, 0, 5, rm, 0, 2, CLS__COPY_RUN, 1);
        check(ctx, dtypes[i], 1, one, rm, 0, 0, rm, 0, 0, CLS__COPY_RUN, 1);
        check(ctx, dtypes[i], 2, rows, rm, 7, 3, rm, 2, 1, CLS__COPY_RUN_PACKED, 1);
        check(ctx, dtypes[i], 3, shortr, rm, 2, 1, rm, 1, 0, CLS__COPY_RUN_PACKED, 1);
        check(ctx, dtypes[i], 1, flat, rm, 0, 5, rm, 0, 2, CLS__COPY_RUN_PACKED, 1);
    }
    /* Past the non-temporal threshold: 112-element runs into line-aligned
     * dst rows (whole vectors stored non-temporally) and into unaligned ones. */
    {
        const int64_t big[2] = {20000, 112}, bytes[2] = {20000, 500};
        check(ctx, CLS_F32, 2, big, rm, 3, 1, rm, 16, 0, CLS__COPY_RUN_PACKED, 1);
        check(ctx, CLS_F32, 2, big, rm, 3, 1, rm, 5, 3, CLS__COPY_RUN_PACKED, 1);
        check(ctx, CLS_U8, 2, bytes, rm, 3, 1, rm, 12, 0, CLS__COPY_RUN_PACKED, 1);
    }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(generic_kernel)
{
    static const int rm[3] = {0, 1, 2}, tr[3] = {0, 2, 1}, rev[3] = {2, 1, 0};
    const int64_t sizes[3] = {3, 7, 93};
    cls_context *ctx = tu_context();
    for (int i = 0; i < 4; i++) {
        check(ctx, dtypes[i], 3, sizes, rm, 3, 5, tr, 1, 2, CLS__COPY_GENERIC, 1);
        check(ctx, dtypes[i], 3, sizes, rev, 0, 0, rm, 4, 9, CLS__COPY_GENERIC, 1);
        check(ctx, dtypes[i], 3, sizes, rm, 0, 1, rm, 0, 0, CLS__COPY_GENERIC, 1);
    }
    cls_context_destroy(ctx);
}
END_TEST

/* Both transposes over sizes at, below and above their blocks. */
static void transposes(cls__copy_kernel k)
{
    static const int64_t shapes[][3] = {{1, 93, 133}, {3, 7, 13}, {2, 37, 41},
                                        {1, 2, 3},    {2, 16, 8}, {1, 133, 17}};
    cls_context *ctx = tu_context();
    for (int i = 0; i < 4; i++)
        for (size_t j = 0; j < sizeof shapes / sizeof shapes[0]; j++)
            check_transpose(ctx, dtypes[i], shapes[j][0], shapes[j][1], shapes[j][2], k);
    cls_context_destroy(ctx);
}

START_TEST(tile_transpose)
{
    transposes(CLS__COPY_TILE);
}
END_TEST

START_TEST(reg_transpose)
{
    transposes(CLS__COPY_REG);
}
END_TEST

/* REG's long strips along B (dst rows longer than 256 elements, src rows
 * close together): 16 A elements per work-item when na <= 16, else 8, with
 * tails on both sides, several strips and batches, every element size. */
START_TEST(reg_transpose_long_rows)
{
    static const int64_t shapes[][3] = {{1, 1100, 13}, {2, 300, 37}, {1, 2071, 16}, {3, 257, 9}};
    cls_context *ctx = tu_context();
    for (int i = 0; i < 4; i++)
        for (size_t j = 0; j < sizeof shapes / sizeof shapes[0]; j++)
            check_transpose(ctx, dtypes[i], shapes[j][0], shapes[j][1], shapes[j][2],
                            CLS__COPY_REG);
    cls_context_destroy(ctx);
}
END_TEST

/* REG's 16 x 64 blocks of 1-byte elements (four 16 x 16 quarters, row quads
 * interleaved into 32-bit lanes): exact blocks, tails on either side, odd
 * offsets and padded strides, both work-item orders, NCHW <-> NHWC with C at
 * and around 16. */
START_TEST(reg_transpose_bytes)
{
    static const int64_t shapes[][3] = {{1, 16, 16}, {2, 32, 48}, {1, 17, 15}, {3, 47, 33},
                                        {1, 300, 31}, {2, 16, 513}};
    cls_context *ctx = tu_context();
    for (size_t j = 0; j < sizeof shapes / sizeof shapes[0]; j++)
        check_transpose(ctx, CLS_U8, shapes[j][0], shapes[j][1], shapes[j][2], CLS__COPY_REG);
    check_nchw(ctx, CLS_U8, 2, 16, 5, 7, 1, 1, CLS__COPY_REG);
    check_nchw(ctx, CLS_U8, 2, 16, 5, 7, 0, 2, CLS__COPY_REG);
    check_nchw(ctx, CLS_U8, 1, 33, 4, 9, 1, 0, CLS__COPY_REG);
    check_nchw(ctx, CLS_U8, 1, 33, 4, 9, 0, 3, CLS__COPY_REG);
    cls_context_destroy(ctx);
}
END_TEST

/* REG's tiled walk (src rows of 64 B to 1 KiB, more than 256 of them): the
 * whole A range per work-item, B in tiles (of 256 or 512 dst bytes, or 8 KiB
 * of src) with the next tile prefetched; tails in A, in the last tile and in the last block,
 * padded and offset views, batches, every element size (the shapes outside
 * the walk's row range take the other orders, also checked). */
START_TEST(reg_transpose_tiles)
{
    static const int64_t shapes[][3] = {{1, 1000, 37}, {2, 300, 70},  {1, 4099, 64},
                                        {3, 517, 200}, {1, 777, 260}, {2, 2000, 16}};
    cls_context *ctx = tu_context();
    for (int i = 0; i < 4; i++)
        for (size_t j = 0; j < sizeof shapes / sizeof shapes[0]; j++)
            check_transpose(ctx, dtypes[i], shapes[j][0], shapes[j][1], shapes[j][2],
                            CLS__COPY_REG);
    cls_context_destroy(ctx);
}
END_TEST

/* 1-, 2- and 8-byte elements past the non-temporal threshold with
 * line-aligned dst rows: whole 64-byte lines stored non-temporally by the
 * tiled walk (NHWC -> NCHW, C = 64), the B-band order (NCHW -> NHWC: fp16
 * and u8 C = 64 in line-wide bands, C = 16 as contiguous lines; a u8
 * 4096 x 4096 transpose in line-wide bands through the stage) and the
 * A-strip order (600 x 4000 fp32). */
START_TEST(reg_transpose_large_narrow)
{
    static const int nchw[4] = {0, 1, 2, 3}, nhwc[4] = {0, 2, 3, 1};
    const int64_t f16[4] = {1, 64, 256, 260}, u8[4] = {1, 64, 512, 260};
    const int64_t c16h[4] = {1, 16, 1024, 520}, c16b[4] = {1, 16, 1024, 600};
    const int64_t c64d[4] = {1, 64, 128, 130};
    cls_context *ctx = tu_context();
    check(ctx, CLS_F16, 4, f16, nhwc, 0, 0, nchw, 0, 0, CLS__COPY_REG, 1);
    check(ctx, CLS_F16, 4, f16, nchw, 0, 0, nhwc, 0, 0, CLS__COPY_REG, 1);
    check(ctx, CLS_U8, 4, u8, nhwc, 0, 0, nchw, 0, 0, CLS__COPY_REG, 1);
    check(ctx, CLS_U8, 4, u8, nchw, 0, 0, nhwc, 0, 0, CLS__COPY_REG, 1);
    /* Rows of exactly 16 elements: whole blocks stored as contiguous lines,
     * aligned or (dst offset 1) not. */
    check(ctx, CLS_F16, 4, c16h, nchw, 0, 0, nhwc, 0, 0, CLS__COPY_REG, 1);
    check(ctx, CLS_F16, 4, c16h, nchw, 0, 0, nhwc, 0, 1, CLS__COPY_REG, 1);
    check(ctx, CLS_U8, 4, c16b, nchw, 0, 0, nhwc, 0, 0, CLS__COPY_REG, 1);
    check(ctx, CLS_U8, 4, c16b, nchw, 3, 0, nhwc, 0, 1, CLS__COPY_REG, 1);
    /* The staged u8 narrow blocks (src pitch a multiple of 2 KiB) into dst
     * rows that are not whole lines: offset by one, or padded to 20 bytes. */
    check(ctx, CLS_U8, 4, c16b, nchw, 0, 0, nhwc, 0, 1, CLS__COPY_REG, 1);
    check(ctx, CLS_U8, 4, c16b, nchw, 0, 0, nhwc, 4, 0, CLS__COPY_REG, 1);
    check(ctx, CLS_F64, 4, c64d, nhwc, 0, 0, nchw, 0, 0, CLS__COPY_REG, 1);
    check(ctx, CLS_F64, 4, c64d, nchw, 0, 0, nhwc, 0, 0, CLS__COPY_REG, 1);
    {
        static const int rm[2] = {0, 1}, tr[2] = {1, 0};
        const int64_t sq[2] = {4096, 4096}, strip[2] = {4000, 600};
        /* Staged u8 bands whose A range ends mid-block: src pitches of 1
         * and 4 KiB padded from 1000 and 4000 bytes (plain and
         * non-temporal stores), so the last work-item's staged blocks stop
         * short and hand 16-element blocks and single elements to the
         * others. */
        const int64_t pitched[2] = {200, 1000}, pitched_big[2] = {1000, 4000};
        check(ctx, CLS_U8, 2, sq, rm, 0, 0, tr, 0, 0, CLS__COPY_REG, 1);
        check(ctx, CLS_U8, 2, pitched, rm, 24, 0, tr, 0, 0, CLS__COPY_REG, 1);
        check(ctx, CLS_U8, 2, pitched_big, rm, 96, 0, tr, 0, 0, CLS__COPY_REG, 1);
        /* The same for 2-byte elements (pitches of 2 and 4 KiB). */
        check(ctx, CLS_F16, 2, pitched, rm, 24, 0, tr, 0, 0, CLS__COPY_REG, 1);
        check(ctx, CLS_F16, 2, pitched_big, rm, 48, 0, tr, 0, 0, CLS__COPY_REG, 1);
        check(ctx, CLS_F32, 2, strip, rm, 0, 0, tr, 0, 0, CLS__COPY_REG, 1);
    }
    cls_context_destroy(ctx);
}
END_TEST

/* The tiled walk into dst rows whose pitch is not a multiple of a line, past
 * the non-temporal threshold: each row starts at its own offset within a
 * line, so lines are assembled across consecutive blocks (funnel), with
 * plain partial lines at every tile's ends; also a dst offset of 3
 * elements and a src row pitch padded by 5. */
START_TEST(reg_transpose_unaligned_rows)
{
    static const int nchw[4] = {0, 1, 2, 3}, nhwc[4] = {0, 2, 3, 1};
    const int64_t f16[4] = {1, 64, 257, 259}, f32[4] = {1, 37, 250, 230};
    const int64_t u8[4] = {1, 100, 300, 290}, big[4] = {1, 200, 150, 71};
    const int64_t runs[4] = {64, 100, 2, 527};
    cls_context *ctx = tu_context();
    check(ctx, CLS_F16, 4, f16, nhwc, 0, 0, nchw, 0, 0, CLS__COPY_REG, 1);
    check(ctx, CLS_F16, 4, f16, nhwc, 5, 0, nchw, 0, 3, CLS__COPY_REG, 1);
    check(ctx, CLS_F32, 4, f32, nhwc, 0, 0, nchw, 0, 0, CLS__COPY_REG, 1);
    check(ctx, CLS_F32, 4, big, nhwc, 0, 0, nchw, 0, 3, CLS__COPY_REG, 1);
    check(ctx, CLS_U8, 4, u8, nhwc, 0, 0, nchw, 0, 0, CLS__COPY_REG, 1);
    check(ctx, CLS_U8, 4, u8, nhwc, 5, 2, nchw, 0, 3, CLS__COPY_REG, 1);
    /* Rows' funnels run on across tiles: 1054-byte rows are two tiles of
     * 512 and one of 30, shorter than a block, so the second tile's tails
     * are stored after the third's elements. */
    check(ctx, CLS_U8, 4, runs, nhwc, 0, 0, nchw, 0, 0, CLS__COPY_REG, 1);
    cls_context_destroy(ctx);
}
END_TEST

/* Tensors past the non-temporal threshold (8 MiB), 4-byte elements: line
 * aligned dst rows (non-temporal stores) in the B-band order and the tiled
 * walk, and an
 * odd square transpose whose rows are not aligned (plain stores). */
START_TEST(reg_transpose_large)
{
    static const int nchw[4] = {0, 1, 2, 3}, nhwc[4] = {0, 2, 3, 1};
    const int64_t to_last[4] = {1, 64, 182, 182}, to_first[4] = {1, 64, 130, 256};
    const int64_t narrow[4] = {1, 16, 400, 336};
    cls_context *ctx = tu_context();
    check(ctx, CLS_F32, 4, to_last, nchw, 0, 5, nhwc, 0, 16, CLS__COPY_REG, 1);
    check(ctx, CLS_F32, 4, to_first, nhwc, 0, 3, nchw, 0, 16, CLS__COPY_REG, 1);
    check(ctx, CLS_F32, 4, narrow, nhwc, 0, 0, nchw, 0, 32, CLS__COPY_REG, 1);
    check_transpose(ctx, CLS_F32, 1, 1451, 1451, CLS__COPY_REG);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(interleave_kernels)
{
    cls_context *ctx = tu_context();
    for (int i = 0; i < 4; i++) {
        check_nchw(ctx, dtypes[i], 2, 3, 7, 13, 1, 1, CLS__COPY_INTERLEAVE);
        check_nchw(ctx, dtypes[i], 1, 16, 5, 3, 1, 0, CLS__COPY_INTERLEAVE);
        check_nchw(ctx, dtypes[i], 3, 2, 1, 133, 1, 2, CLS__COPY_INTERLEAVE);
        check_nchw(ctx, dtypes[i], 2, 3, 7, 13, 0, 0, CLS__COPY_DEINTERLEAVE);
        check_nchw(ctx, dtypes[i], 1, 16, 5, 3, 0, 0, CLS__COPY_DEINTERLEAVE);
        check_nchw(ctx, dtypes[i], 3, 5, 1, 133, 0, 0, CLS__COPY_DEINTERLEAVE);
    }
    cls_context_destroy(ctx);
}
END_TEST

/* The shuffle interleave and deinterleave (16 elements per stream at a time,
 * masks built from the factor) at factors 2..16 for 1-byte elements, eight
 * factors for 4-byte, three for 2- and 8-byte, with a partial last chunk
 * (H x W = 185) and a batch; then past the non-temporal threshold. */
START_TEST(interleave_factors)
{
    static const int factors[] = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    static const int nchw[4] = {0, 1, 2, 3}, nhwc[4] = {0, 2, 3, 1};
    const int64_t rgb[4] = {1, 3, 1024, 1024}, quad[4] = {1, 4, 2048, 1100};
    const int64_t odd[4] = {1, 3, 1023, 1001};
    cls_context *ctx = tu_context();
    for (int i = 0; i < 4; i++)
        for (size_t f = 0; f < sizeof factors / sizeof factors[0]; f++) {
            int f4 = factors[f] <= 5 || factors[f] == 7 || factors[f] == 8 ||
                     factors[f] == 11 || factors[f] == 16;
            if (dtypes[i] == CLS_F32 ? !f4
                                     : dtypes[i] != CLS_U8 && factors[f] != 2 &&
                                           factors[f] != 3 && factors[f] != 16)
                continue;
            check_nchw(ctx, dtypes[i], 2, factors[f], 5, 37, 1, 1, CLS__COPY_INTERLEAVE);
            check_nchw(ctx, dtypes[i], 2, factors[f], 5, 37, 0, 0, CLS__COPY_DEINTERLEAVE);
        }
    check(ctx, CLS_F32, 4, rgb, nchw, 0, 0, nhwc, 0, 0, CLS__COPY_INTERLEAVE, 1);
    check(ctx, CLS_F32, 4, rgb, nhwc, 0, 0, nchw, 0, 0, CLS__COPY_DEINTERLEAVE, 1);
    check(ctx, CLS_U8, 4, quad, nchw, 0, 0, nhwc, 0, 0, CLS__COPY_INTERLEAVE, 1);
    check(ctx, CLS_U8, 4, quad, nhwc, 0, 0, nchw, 0, 0, CLS__COPY_DEINTERLEAVE, 1);
    /* ... and unaligned (dst offset 1: plain stores) with a partial chunk,
     * and 2-byte elements (32-byte vectors). */
    check(ctx, CLS_F32, 4, odd, nchw, 0, 0, nhwc, 0, 1, CLS__COPY_INTERLEAVE, 1);
    check(ctx, CLS_F32, 4, odd, nhwc, 0, 0, nchw, 0, 1, CLS__COPY_DEINTERLEAVE, 1);
    check(ctx, CLS_F16, 4, rgb, nchw, 0, 0, nhwc, 0, 0, CLS__COPY_INTERLEAVE, 1);
    check(ctx, CLS_F16, 4, rgb, nhwc, 0, 0, nchw, 0, 0, CLS__COPY_DEINTERLEAVE, 1);
    /* Deinterleaves into planes that are not on a line, written plane by
     * plane in whole lines (each owned by the strip holding its first
     * element): 1- and 2-byte elements, two batches, dst offsets of 3 and
     * 1 elements; and planes shorter than a line (all head). */
    {
        const int64_t u8p[4] = {2, 3, 1400, 1001}, f16p[4] = {2, 3, 700, 1001};
        const int64_t tiny[4] = {60000, 3, 5, 11};
        check(ctx, CLS_U8, 4, u8p, nhwc, 0, 0, nchw, 0, 3, CLS__COPY_DEINTERLEAVE, 1);
        check(ctx, CLS_F16, 4, f16p, nhwc, 0, 0, nchw, 0, 1, CLS__COPY_DEINTERLEAVE, 1);
        check(ctx, CLS_U8, 4, tiny, nhwc, 0, 0, nchw, 0, 0, CLS__COPY_DEINTERLEAVE, 1);
    }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(sixty_four_bit_indices)
{
    static const cls__copy_kernel kernels[] = {CLS__COPY_GENERIC, CLS__COPY_REG,
                                               CLS__COPY_TILE, CLS__COPY_INTERLEAVE};
    cls_context *ctx = tu_context();
    cls__copy_force_idx64(1);
    for (size_t k = 0; k < sizeof kernels / sizeof kernels[0]; k++)
        check_nchw(ctx, CLS_F32, 2, 3, 7, 13, 1, 1, kernels[k]);
    check_nchw(ctx, CLS_F32, 2, 3, 7, 13, 0, 0, CLS__COPY_DEINTERLEAVE);
    check_transpose(ctx, CLS_F32, 2, 37, 41, CLS__COPY_REG);
    check_transpose(ctx, CLS_F32, 1, 1100, 13, CLS__COPY_REG);
    check_transpose(ctx, CLS_F16, 2, 300, 70, CLS__COPY_REG); /* tiled walk */
    check_transpose(ctx, CLS_U8, 1, 517, 200, CLS__COPY_REG);
    check_nchw(ctx, CLS_U8, 2, 16, 5, 7, 1, 1, CLS__COPY_REG); /* 16-wide bands */
    check_nchw(ctx, CLS_U8, 2, 3, 7, 13, 0, 0, CLS__COPY_DEINTERLEAVE);
    {
        static const int rm[2] = {0, 1};
        const int64_t rows[2] = {7, 93};
        check(ctx, CLS_F32, 2, rows, rm, 7, 3, rm, 0, 1, CLS__COPY_RUN, 1);
        check(ctx, CLS_F32, 2, rows, rm, 7, 3, rm, 0, 1, CLS__COPY_RUN_PACKED, 1);
    }
    cls__copy_force_idx64(0);
    cls_context_destroy(ctx);
}
END_TEST

/* Every rank 1..8, random dst orders, each kernel forced where it applies. */
START_TEST(every_rank_every_kernel)
{
    cls_context *ctx = tu_context();
    uint32_t x = 12345;
    for (int nd = 1; nd <= 8; nd++) {
        int64_t sizes[8];
        int sorder[8], dorder[8];
        for (int i = 0; i < nd; i++) {
            sizes[i] = nd <= 4 ? 3 + (i * 5) % 7 : 2 + i % 2;
            sorder[i] = dorder[i] = i;
        }
        for (int i = nd - 1; i > 0; i--) {
            x = x * 1103515245u + 12345u;
            int j = (int)((x >> 8) % (uint32_t)(i + 1)), t = dorder[i];
            dorder[i] = dorder[j], dorder[j] = t;
        }
        for (int k = CLS__COPY_AUTO; k < CLS__COPY_KERNEL_COUNT; k++)
            check(ctx, dtypes[(nd + k) % 4], nd, sizes, sorder, nd % 2, (size_t)nd, dorder,
                  (nd + 1) % 2, 1, (cls__copy_kernel)k, 0);
    }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(log_line_names_the_kernel)
{
    static const int rm[2] = {0, 1};
    const int64_t rows[2] = {7, 93};
    char path[] = "/tmp/cls_log_XXXXXX", line[512] = "";
    int fd = mkstemp(path);
    FILE *f;
    cls_context *ctx = tu_context();
    ck_assert_int_ge(fd, 0);
    setenv("CLS_LOG", "1", 1);
    ck_assert_ptr_nonnull(freopen(path, "w", stderr));
    check(ctx, CLS_F32, 2, rows, rm, 7, 3, rm, 0, 1, CLS__COPY_AUTO, 0);
    fflush(stderr);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    fclose(f);
    close(fd);
    unlink(path);
    ck_assert_msg(strstr(line, "clshuffle: copy kernel=run") != NULL, "log line: %s", line);
    cls_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("copy_engine");
    TCase *tc = tcase_create("copy_engine");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, canonical_forms);
    tcase_add_test(tc, automatic_choice_by_shape_and_device);
    tcase_add_test(tc, d2s_kernels_are_candidates_of_the_chooser);
    tcase_add_test(tc, run_kernels);
    tcase_add_test(tc, generic_kernel);
    tcase_add_test(tc, tile_transpose);
    tcase_add_test(tc, reg_transpose);
    tcase_add_test(tc, reg_transpose_long_rows);
    tcase_add_test(tc, reg_transpose_bytes);
    tcase_add_test(tc, reg_transpose_large);
    tcase_add_test(tc, reg_transpose_tiles);
    tcase_add_test(tc, interleave_factors);
    tcase_add_test(tc, reg_transpose_large_narrow);
    tcase_add_test(tc, reg_transpose_unaligned_rows);
    tcase_add_test(tc, interleave_kernels);
    tcase_add_test(tc, sixty_four_bit_indices);
    tcase_add_test(tc, every_rank_every_kernel);
    tcase_add_test(tc, log_line_names_the_kernel);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
