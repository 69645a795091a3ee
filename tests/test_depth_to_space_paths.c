/* Depth-to-space / space-to-depth: the CPU tier's kernel paths (register
 * lane networks of every width, the streaming and non-temporal paths of
 * large tensors, 64-bit indices), bit-exact against the ONNX formulas; the
 * portable tier runs the same cases. */
#include <string.h>

#include "d2s_util.h"
#include "internal.h"
#include "reference/d2s_ref.h"
#include "util.h"

START_TEST(sixteen_streams_in_registers)
{
    /* NHWC CRD with r = 4 deinterleaves 16 streams per pixel (space-to-depth
     * interleaves them): channel counts of one vector, of whole 64-byte
     * lines and with a tail take the 4 x 4 transposes of 4-byte elements
     * (plain stores: a small tensor). */
    static const int64_t channels[] = {4, 16, 21};
    cls_context *ctx = tu_context();
    for (size_t i = 0; i < sizeof channels / sizeof channels[0]; i++)
        for (int dt = 0; dt < 2; dt++) {
            tcase_d2s k = {
                dt ? CLS_U32 : CLS_F32, 4, 2, channels[i], 3, 5, 4, 4, CLS_CRD, NHWC, NHWC};
            check_both(ctx, &k, (uint32_t)(i * 3 + (size_t)dt + 300));
        }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(stream_permutations_of_every_width)
{
    /* The vector paths of the stream counts without a dedicated build: 3
     * and 9 (constant shuffles folding one stream at a time), and as many
     * streams as vector lanes (u8 16 = r 4 x 4, 2-byte 8 = r 2 x 4: a square
     * transpose in zip rounds), NHWC CRD with whole vectors and tails along
     * C, NCHW DCR along W; then a u8 r = 4 NHWC CRD tensor past the
     * non-temporal threshold. */
    static const cls_dtype types[] = {CLS_U8, CLS_F16, CLS_U32};
    static const int64_t channels[] = {16, 37};
    static const int blocks[][2] = {{3, 3}, {4, 4}, {2, 4}};
    cls_context *ctx = tu_context();
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        for (size_t c = 0; c < sizeof channels / sizeof channels[0]; c++)
            for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
                tcase_d2s k = {types[t],     4,       2,    channels[c], 3, 5, blocks[b][0],
                               blocks[b][1], CLS_CRD, NHWC, NHWC};
                check_both(ctx, &k, (uint32_t)(t * 10 + c * 3 + b + 400));
            }
        {
            tcase_d2s k = {types[t], 4, 1, 2, 3, 37, 3, 3, CLS_DCR, NCHW, NCHW};
            check_both(ctx, &k, (uint32_t)(t + 450));
        }
    }
    {
        tcase_d2s big = {CLS_U8, 4, 1, 16, 64, 515, 4, 4, CLS_CRD, NHWC, NHWC};
        check_both(ctx, &big, 460);
    }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(large_tensors_take_the_streaming_paths)
{
    /* Tensors of 8 MiB and more use non-temporal stores with run-time
     * alignment heads and tails; odd widths put every run off alignment. */
    static const tcase_d2s cases[] = {
        {CLS_F32, 4, 1, 16, 43, 341, 3, 3, CLS_DCR, NCHW, NCHW},
        {CLS_F32, 4, 1, 16, 43, 341, 3, 3, CLS_CRD, NCHW, NCHW},
        {CLS_F32, 4, 1, 16, 64, 129, 4, 4, CLS_CRD, NHWC, NHWC},
        {CLS_F32, 4, 1, 16, 128, 257, 2, 2, CLS_DCR, NHWC, NHWC},
        {CLS_U8, 4, 1, 16, 256, 515, 2, 2, CLS_DCR, NCHW, NCHW},
        {CLS_F16, 4, 1, 16, 128, 517, 2, 2, CLS_CRD, NCHW, NCHW},
        {CLS_F16, 4, 1, 16, 64, 263, 4, 4, CLS_DCR, NHWC, NHWC},
    };
    check_table(cases, sizeof cases / sizeof cases[0], 200);
}
END_TEST

START_TEST(large_tensors_store_wide_pairs_and_lines)
{
    /* Non-temporal interleaves store 32-byte pairs (odd stream counts: of
     * two steps) after run-time heads of up to two vectors (padded views
     * put each row at another alignment), for every element size; NHWC DCR
     * rows of whole 32-byte halves go out as 32-byte stores, rows of whole
     * lines (r = 3) stream in any order. */
    static const tcase_d2s cases[] = {
        {CLS_F32, 4, 1, 16, 128, 257, 2, 2, CLS_DCR, NCHW_PAD, NCHW_PAD},
        {CLS_U8, 4, 1, 16, 256, 1031, 2, 2, CLS_CRD, NCHW_PAD, NCHW_PAD},
        {CLS_U16, 4, 1, 16, 32, 515, 4, 4, CLS_DCR, NCHW_PAD, NCHW_PAD},
        {CLS_U64, 4, 1, 16, 64, 257, 2, 2, CLS_DCR, NCHW_PAD, NCHW_PAD},
        {CLS_U8, 4, 1, 16, 128, 515, 3, 3, CLS_DCR, NCHW_PAD, NCHW_PAD},
        {CLS_U16, 4, 1, 16, 64, 515, 3, 3, CLS_CRD, NCHW_PAD, NCHW_PAD},
        {CLS_U64, 4, 1, 16, 43, 171, 3, 3, CLS_DCR, NCHW, NCHW},
        {CLS_F32, 4, 1, 16, 96, 171, 3, 3, CLS_DCR, NHWC, NHWC},
        {CLS_U8, 4, 1, 16, 256, 1031, 2, 2, CLS_DCR, NHWC, NHWC},
        {CLS_F32, 4, 1, 16, 128, 257, 2, 2, CLS_DCR, NHWC_PAD, NHWC_PAD},
    };
    check_table(cases, sizeof cases / sizeof cases[0], 200);
}
END_TEST

START_TEST(sixty_four_bit_indices)
{
    /* The 64-bit index builds (IDX64=1), forced on small cases: register
     * interleaves and deinterleaves, short run copies, per-stream passes,
     * run-time stream counts and the non-temporal paths. */
    static const tcase_d2s forced[] = {
        {CLS_F32, 4, 2, 3, 5, 7, 2, 2, CLS_DCR, NCHW_PAD, NCHW_PAD},
        {CLS_F32, 4, 1, 3, 5, 7, 2, 4, CLS_DCR, NHWC, NHWC},
        {CLS_F16, 4, 2, 37, 3, 5, 4, 4, CLS_CRD, NHWC, NHWC},
        {CLS_F16, 3, 2, 3, 1, 37, 1, 5, CLS_DCR, NCHW, NCHW},
        {CLS_F32, 4, 1, 2, 3, 300, 2, 2, CLS_DCR, NCHW, NCHW},
        {CLS_F32, 4, 1, 16, 43, 341, 3, 3, CLS_DCR, NCHW, NCHW},
        {CLS_U8, 4, 1, 16, 256, 515, 2, 2, CLS_DCR, NCHW_PAD, NCHW_PAD},
    };
    /* A u8 source ending at byte 2^31 of its buffer (the largest buffer
     * many devices allow), whose indices the plan gives 64 bits on its own;
     * the buffer's head is never written. */
    static const tcase_d2s far = {CLS_U8, 4, 1, 4, 5, 37, 2, 2, CLS_DCR, NCHW, NCHW};
    const size_t end = (size_t)1 << 31;
    cls_context *ctx;
    cls_device_info info;
    /* Each case first with its own 32-bit indices, then forced to 64 bits
     * in the same context: the second run must build new programs (its
     * kernels get -DIDX64=1), so a launch that ignored the plan's index
     * width would fail here even where 32 bits give the same results. */
    for (size_t i = 0; i < sizeof forced / sizeof forced[0]; i++) {
        cls_build_stats b32, b64;
        ctx = tu_context();
        check_both(ctx, &forced[i], (uint32_t)i + 600);
        ck_assert_int_eq(cls_context_get_build_stats(ctx, &b32), CLS_OK);
        cls__copy_force_idx64(1);
        check_both(ctx, &forced[i], (uint32_t)i + 600);
        cls__copy_force_idx64(0);
        ck_assert_int_eq(cls_context_get_build_stats(ctx, &b64), CLS_OK);
        ck_assert_msg(b64.from_source + b64.from_disk > b32.from_source + b32.from_disk,
                      "case %zu: 64-bit indices built no program of their own", i);
        cls_context_destroy(ctx);
    }
    ctx = tu_context();
    ck_assert_int_eq(cls_context_get_info(ctx, &info), CLS_OK);
    if (info.max_alloc_size >= end) {
        int64_t dsz[4], ssz[4];
        size_t bytes, base;
        cls_tensor deep, space, vd, vs;
        cls__copy_plan p;
        case_sizes(&far, dsz, ssz);
        deep = make_view(NULL, far.dtype, 4, dsz, NCHW, &bytes);
        space = make_view(NULL, far.dtype, 4, ssz, NCHW, &bytes);
        base = end - bytes; /* both views have the same bytes (no padding) */
        deep.offset += base;
        cls__d2s_views(&deep, &space, far.bh, far.bw, far.mode, &vd, &vs);
        cls__copy_plan_make(ctx, &vd, &vs, 1, &p);
        ck_assert(p.idx64);
        if (ctx->profile.tier == CLS_TIER_CPU)
            ck_assert_int_eq(p.kernel, CLS__COPY_D2S);
        check_case_at(ctx, &far, 0, 650, base);
        check_case_at(ctx, &far, 1, 651, base);
    }
    cls_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("depth_to_space_paths");
    TU_ADD_CASE(s, sixteen_streams_in_registers, 120);
    TU_ADD_CASE(s, stream_permutations_of_every_width, 120);
    TU_ADD_CASE(s, large_tensors_take_the_streaming_paths, 120);
    TU_ADD_CASE(s, large_tensors_store_wide_pairs_and_lines, 120);
    TU_ADD_CASE(s, sixty_four_bit_indices, 120);
    return tu_run(s);
}
