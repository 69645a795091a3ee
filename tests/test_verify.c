/* Verify mode: ops read back and compare with the CPU reference. */
#include <string.h>

#include "internal.h"
#include "reference/reference.h"
#include "util.h"

/* A reference that is wrong at one element: the planted mismatch. */
static cls_status wrong_ref(const unsigned char *src_host, const cls_tensor *src,
                            unsigned char *dst_host, const cls_tensor *dst, const void *arg)
{
    const int64_t *at = arg;
    cls_status st = cls__ref_copy(src_host, src, dst_host, dst, NULL);
    dst_host[cls__elem_offset(dst, at)] ^= 0x40;
    return st;
}

START_TEST(verify_mode_passes_correct_results)
{
    cls_context *ctx = tu_context_verify();
    unsigned char host[2 * 3 * 5 * 7 * 4];
    tu_fill(host, sizeof host, 9);
    cl_mem a = tu_buffer(ctx, sizeof host, host), b = tu_buffer(ctx, sizeof host, NULL);
    cls_tensor s = cls_tensor_nchw(a, 0, CLS_F32, 2, 3, 5, 7);
    cls_tensor d = cls_tensor_nhwc(b, 0, CLS_F32, 2, 3, 5, 7);
    cl_event ev = NULL;
    ck_assert_int_eq(cls_copy(ctx, &s, &d, 0, NULL, &ev), CLS_OK);
    ck_assert_ptr_nonnull(ev);
    clReleaseEvent(ev);
    clReleaseMemObject(a);
    clReleaseMemObject(b);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(verify_catches_a_planted_mismatch)
{
    cls_context *ctx = tu_context_verify();
    unsigned char host[2 * 3 * 5 * 7 * 4];
    tu_fill(host, sizeof host, 10);
    cl_mem a = tu_buffer(ctx, sizeof host, host), b = tu_buffer(ctx, sizeof host, NULL);
    cls_tensor s = cls_tensor_nchw(a, 0, CLS_F32, 2, 3, 5, 7);
    cls_tensor d = cls_tensor_nhwc(b, 0, CLS_F32, 2, 3, 5, 7);
    cl_event ev = NULL;
    int64_t at[4] = {1, 2, 3, 4};
    ck_assert_int_eq(cls__copy_enqueue(ctx, &s, &d, 0, NULL, &ev), CLS_OK);
    ck_assert_int_eq(cls__verify_layout(ctx, &s, &d, ev, wrong_ref, at), CLS_ERR_VERIFY);
    ck_assert_msg(strstr(cls_last_error(), "dst[1, 2, 3, 4]") != NULL, "%s", cls_last_error());
    /* The same check with the true reference passes. */
    ck_assert_int_eq(cls__verify_layout(ctx, &s, &d, ev, cls__ref_copy, NULL), CLS_OK);

    /* A wrong value on the device (planted after the copy) is caught and named. */
    cl_command_queue q;
    cl_event bad = NULL;
    float junk = -12345.0f;
    int64_t at2[4] = {0, 1, 4, 6};
    cls_context_get_cl(ctx, NULL, NULL, &q);
    ck_assert_int_eq(clEnqueueWriteBuffer(q, b, CL_FALSE, cls__elem_offset(&d, at2), 4, &junk, 1,
                                          &ev, &bad),
                     CL_SUCCESS);
    ck_assert_int_eq(cls__verify_layout(ctx, &s, &d, bad, cls__ref_copy, NULL), CLS_ERR_VERIFY);
    ck_assert_msg(strstr(cls_last_error(), "dst[0, 1, 4, 6]") != NULL, "%s", cls_last_error());
    clReleaseEvent(bad);
    clReleaseEvent(ev);
    clReleaseMemObject(a);
    clReleaseMemObject(b);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(compare_names_the_first_mismatch)
{
    unsigned char e[24 * 4], g[24 * 4];
    cls_tensor t = cls_tensor_nchw(NULL, 0, CLS_U32, 1, 2, 3, 4);
    tu_fill(e, sizeof e, 3);
    memcpy(g, e, sizeof g);
    ck_assert_int_eq(cls__compare_exact(e, g, &t), CLS_OK);
    g[4 * (1 * 12 + 2 * 4 + 3) + 1] ^= 1; /* element [0, 1, 2, 3] */
    g[4 * 23] ^= 1;                       /* a later one */
    ck_assert_int_eq(cls__compare_exact(e, g, &t), CLS_ERR_VERIFY);
    ck_assert_str_eq(cls_last_error(),
                     "verify: dst[0, 1, 2, 3] differs from the CPU reference (first mismatch)");
}
END_TEST

START_TEST(verify_from_the_environment)
{
    cls_context *ctx = NULL;
    setenv("CLS_VERIFY", "1", 1);
    ck_assert_int_eq(cls_context_create(&ctx, NULL), CLS_OK);
    ck_assert_int_eq(ctx->verify, 1);
    cls_context_destroy(ctx);
    unsetenv("CLS_VERIFY");
    ck_assert_int_eq(cls_context_create(&ctx, NULL), CLS_OK);
    ck_assert_int_eq(ctx->verify, 0);
    cls_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("verify");
    TCase *tc = tcase_create("verify");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, verify_mode_passes_correct_results);
    tcase_add_test(tc, verify_catches_a_planted_mismatch);
    tcase_add_test(tc, compare_names_the_first_mismatch);
    tcase_add_test(tc, verify_from_the_environment);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
