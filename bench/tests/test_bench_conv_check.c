/* clshuffle-bench's fused-conv check: it passes the library's output and its peers, and catches
 * errors. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conv_case.h"
#include "util.h"

static bench *make_bench(void)
{
    bench *b = calloc(1, sizeof *b);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(cls_context_create(&b->ctx, NULL), CLS_OK);
    cls_context_get_cl(b->ctx, &b->cl_ctx, &b->device, &b->queue);
    b->opts.min_time = 0.01;
    return b;
}

static void free_bench(bench *b)
{
    cls_context_destroy(b->ctx);
    free(b);
}

/* Layers: 2-D NCHW and NHWC with a rectangular block, 1-D NLC. */
static const conv_layer layers[] = {
    {"small 2-D", 4, 2, 3, 3, 2, 3, 7, 9, 0, 0},
    {"small 2-D last", 4, 2, 3, 3, 2, 2, 5, 6, 0, 1},
    {"small 1-D", 3, 2, 1, 3, 1, 2, 1, 11, 1, 1},
};

START_TEST(every_variant_passes_the_check)
{
    bench *b = make_bench();
    conv_job j;
    char note[200] = "";
    int ok = 0;
    const conv_layer *l = &layers[_i];
    ck_assert_int_eq(conv_job_setup(b, &j, l, _i == 1 ? CLS_DCR : CLS_CRD), 0);
    ck_assert_int_eq(conv_make_plan(&j, 1, &j.fused), CLS_OK);
    ck_assert_int_eq(conv_make_plan(&j, 0, &j.plain), CLS_OK);
    ck_assert_int_eq(
        conv_run_checked(&j, conv_fused_enqueue, &j.dst, l->bh, l->bw, &ok, note, sizeof note),
        CLS_OK);
    ck_assert_msg(ok, "fused: %s", note);
    ck_assert_int_eq(conv_run_checked(&j, conv_plain_enqueue, &j.mid, 1, 1, &ok, note, sizeof note),
                     CLS_OK);
    ck_assert_msg(ok, "plain: %s", note);
    ck_assert_int_eq(
        conv_run_checked(&j, conv_sep_enqueue, &j.dst, l->bh, l->bw, &ok, note, sizeof note),
        CLS_OK);
    ck_assert_msg(ok, "conv + d2s: %s", note);
    ck_assert_int_eq(
        conv_run_checked(&j, conv_clblast_enqueue, &j.dst, l->bh, l->bw, &ok, note, sizeof note),
        CLS_OK);
    ck_assert_msg(ok, "CLBlast peer: %s", note);
    conv_job_free(&j);
    free_bench(b);
}
END_TEST

/* One wrong value, or one element never written, fails the check. */
START_TEST(errors_are_caught)
{
    bench *b = make_bench();
    conv_job j;
    char note[200] = "";
    int ok = 0;
    float v;
    const conv_layer *l = &layers[0];
    cl_uchar sentinel = 0xEE;
    size_t off = 4 * 101;
    ck_assert_int_eq(conv_job_setup(b, &j, l, CLS_CRD), 0);
    ck_assert_int_eq(conv_make_plan(&j, 1, &j.fused), CLS_OK);
    conv_run_checked(&j, conv_fused_enqueue, &j.dst, l->bh, l->bw, &ok, note, sizeof note);
    ck_assert(ok);
    /* A small error: the tap-sized change a wrong weight would make. */
    clEnqueueReadBuffer(b->queue, j.dst.buffer, CL_TRUE, off, 4, &v, 0, NULL, NULL);
    v += 0.01f * (1.0f + fabsf(v));
    clEnqueueWriteBuffer(b->queue, j.dst.buffer, CL_TRUE, off, 4, &v, 0, NULL, NULL);
    ck_assert_int_eq(conv_check(b, &j.host, &j.dst, l->bh, l->bw, note, sizeof note), -1);
    ck_assert_ptr_nonnull(strstr(note, "CPU reference gives"));
    clEnqueueFillBuffer(b->queue, j.dst.buffer, &sentinel, 1, off, 4, 0, NULL, NULL);
    clFinish(b->queue);
    ck_assert_int_eq(conv_check(b, &j.host, &j.dst, l->bh, l->bw, note, sizeof note), -1);
    ck_assert_ptr_nonnull(strstr(note, "never written"));
    /* The plain (block 1x1) reading of a shuffled output is wrong too. */
    conv_run_checked(&j, conv_fused_enqueue, &j.dst, l->bh, l->bw, &ok, note, sizeof note);
    ck_assert(ok);
    ck_assert_int_eq(conv_check(b, &j.host, &j.mid, 1, 1, note, sizeof note), -1);
    conv_job_free(&j);
    free_bench(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bench_conv_check");
    TCase *tc = tcase_create("conv_check");
    tcase_add_loop_test(tc, every_variant_passes_the_check, 0, 3);
    tcase_add_test(tc, errors_are_caught);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
