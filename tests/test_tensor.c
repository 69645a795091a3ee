/* Tensor descriptors: constructors, and the validation every op shares. */
#include <string.h>

#include "internal.h"
#include "util.h"

START_TEST(constructors_give_the_right_strides)
{
    cls_tensor t = cls_tensor_nchw(NULL, 8, CLS_F32, 2, 3, 5, 7);
    ck_assert_int_eq(t.ndim, 4);
    ck_assert_int_eq(t.strides[0], 105);
    ck_assert_int_eq(t.strides[1], 35);
    ck_assert_int_eq(t.strides[2], 7);
    ck_assert_int_eq(t.strides[3], 1);
    ck_assert_uint_eq(t.offset, 8);
    t = cls_tensor_nhwc(NULL, 0, CLS_U8, 2, 3, 5, 7);
    ck_assert_int_eq(t.sizes[1], 3);
    ck_assert_int_eq(t.strides[0], 105);
    ck_assert_int_eq(t.strides[1], 1);
    ck_assert_int_eq(t.strides[2], 21);
    ck_assert_int_eq(t.strides[3], 3);
    t = cls_tensor_ncl(NULL, 0, CLS_F16, 2, 3, 5);
    ck_assert_int_eq(t.strides[0], 15);
    ck_assert_int_eq(t.strides[1], 5);
    t = cls_tensor_nlc(NULL, 0, CLS_F16, 2, 3, 5);
    ck_assert_int_eq(t.strides[1], 1);
    ck_assert_int_eq(t.strides[2], 3);
    ck_assert_int_eq(t.strides[0], 15);
    ck_assert_int_eq(cls_tensor_numel(&t), 30);
    int64_t sz[8] = {1, 2, 1, 2, 1, 2, 1, 3};
    t = cls_tensor_contiguous(NULL, 0, CLS_I64, 8, sz);
    ck_assert_int_eq(t.strides[0], 24);
    ck_assert_int_eq(t.strides[6], 3);
}
END_TEST

START_TEST(dtype_sizes)
{
    static const size_t want[CLS_DTYPE_COUNT] = {1, 1, 2, 2, 2, 2, 4, 4, 4, 8, 8, 8};
    for (int d = 0; d < CLS_DTYPE_COUNT; d++)
        ck_assert_uint_eq(cls_dtype_size((cls_dtype)d), want[d]);
    ck_assert_uint_eq(cls_dtype_size((cls_dtype)99), 0);
    ck_assert_str_eq(cls_dtype_name(CLS_BF16), "bf16");
}
END_TEST

/* Expect code and a message containing what. */
static void expect(const cls_tensor *t, cls_status code, const char *what)
{
    cls_status st = cls_tensor_validate(t);
    ck_assert_msg(st == code, "got %s (%s), want %s", cls_status_name(st), cls_last_error(),
                  cls_status_name(code));
    ck_assert_msg(strstr(cls_last_error(), what) != NULL, "message \"%s\" lacks \"%s\"",
                  cls_last_error(), what);
}

START_TEST(each_bad_input_gets_its_code_and_message)
{
    cls_context *ctx = tu_context();
    cl_mem buf = tu_buffer(ctx, 1000, NULL);
    cls_tensor ok = cls_tensor_nchw(buf, 0, CLS_F32, 1, 2, 5, 25);
    cls_tensor t;
    ck_assert_int_eq(cls_tensor_validate(&ok), CLS_OK);
    ck_assert_int_eq(cls_tensor_validate(NULL), CLS_ERR_INVALID_ARG);
    t = ok, t.dtype = (cls_dtype)42;
    expect(&t, CLS_ERR_INVALID_ARG, "invalid dtype 42");
    t = ok, t.ndim = 0;
    expect(&t, CLS_ERR_INVALID_ARG, "ndim 0 outside 1..8");
    t = ok, t.ndim = 9;
    expect(&t, CLS_ERR_INVALID_ARG, "ndim 9");
    t = ok, t.sizes[2] = -1;
    expect(&t, CLS_ERR_INVALID_ARG, "sizes[2] = -1 is negative");
    t = ok, t.strides[3] = -4;
    expect(&t, CLS_ERR_INVALID_ARG, "strides[3] = -4 is negative");
    t = ok, t.offset = 2;
    expect(&t, CLS_ERR_INVALID_ARG, "offset 2 bytes is not a multiple");
    t = ok, t.strides[0] = INT64_MAX / 2;
    t.sizes[0] = 3;
    expect(&t, CLS_ERR_INVALID_ARG, "overflows");
    t = ok, t.buffer = NULL;
    expect(&t, CLS_ERR_INVALID_ARG, "buffer is NULL");
    t = ok, t.offset = 4;
    expect(&t, CLS_ERR_BUFFER_TOO_SMALL, "needs 1004 bytes");
    t = ok, t.strides[3] = 2;
    expect(&t, CLS_ERR_BUFFER_TOO_SMALL, "but the buffer has 1000");
    /* Exactly fitting and empty views are fine, wherever they point. */
    t = ok, t.offset = 0;
    ck_assert_int_eq(cls_tensor_validate(&t), CLS_OK);
    t = ok, t.sizes[1] = 0, t.offset = 4000;
    ck_assert_int_eq(cls_tensor_validate(&t), CLS_OK);
    uint64_t ext = 0;
    ck_assert_int_eq(cls_tensor_extent(&ok, &ext), CLS_OK);
    ck_assert_uint_eq(ext, 1000);
    clReleaseMemObject(buf);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(overlap_detection)
{
    cls_context *ctx = tu_context();
    cl_mem buf = tu_buffer(ctx, 4096, NULL);
    cl_int err;
    cls_tensor a = cls_tensor_ncl(buf, 0, CLS_F32, 1, 4, 64);   /* bytes [0, 1024) */
    cls_tensor b = cls_tensor_ncl(buf, 1024, CLS_F32, 1, 4, 64); /* bytes [1024, 2048) */
    ck_assert(!cls__tensors_overlap(&a, &b));
    b.offset = 1020;
    ck_assert(cls__tensors_overlap(&a, &b));
    /* Sub-buffers resolve to their parent. */
    cl_buffer_region r = {1024, 1024};
    cl_mem sub = clCreateSubBuffer(buf, 0, CL_BUFFER_CREATE_TYPE_REGION, &r, &err);
    if (err == CL_SUCCESS) {
        cls_tensor s = cls_tensor_ncl(sub, 0, CLS_F32, 1, 4, 64);
        a.offset = 512;
        ck_assert(cls__tensors_overlap(&a, &s));
        a.offset = 0;
        ck_assert(!cls__tensors_overlap(&a, &s));
        clReleaseMemObject(sub);
    }
    /* cls_copy refuses an overlapping pair. */
    b.offset = 512;
    ck_assert_int_eq(cls_copy(ctx, &a, &b, 0, NULL, NULL), CLS_ERR_OVERLAP);
    clReleaseMemObject(buf);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(zero_size_is_a_completed_noop)
{
    cls_context *ctx = tu_context();
    cl_mem buf = tu_buffer(ctx, 64, NULL);
    cls_tensor a = cls_tensor_nchw(buf, 0, CLS_F32, 1, 0, 3, 3);
    cls_tensor b = cls_tensor_nhwc(buf, 0, CLS_F32, 1, 0, 3, 3);
    cl_event ev = NULL;
    cl_int status = -1;
    ck_assert_int_eq(cls_copy(ctx, &a, &b, 0, NULL, &ev), CLS_OK);
    ck_assert_ptr_nonnull(ev);
    ck_assert_int_eq(clWaitForEvents(1, &ev), CL_SUCCESS);
    clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof status, &status, NULL);
    ck_assert_int_eq(status, CL_COMPLETE);
    clReleaseEvent(ev);
    /* Wait-list arguments that disagree are rejected. */
    ck_assert_int_eq(cls_copy(ctx, &a, &b, 2, NULL, NULL), CLS_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "num_wait = 2"));
    clReleaseMemObject(buf);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(shape_mismatch_is_named)
{
    cls_context *ctx = tu_context();
    cl_mem s = tu_buffer(ctx, 4096, NULL), d = tu_buffer(ctx, 4096, NULL);
    cls_tensor a = cls_tensor_nchw(s, 0, CLS_F32, 1, 2, 3, 4);
    cls_tensor b = cls_tensor_nchw(d, 0, CLS_F32, 1, 2, 4, 3);
    ck_assert_int_eq(cls_copy(ctx, &a, &b, 0, NULL, NULL), CLS_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "[1, 2, 4, 3] differ from src sizes [1, 2, 3, 4]"));
    b = cls_tensor_nchw(d, 0, CLS_I32, 1, 2, 3, 4);
    ck_assert_int_eq(cls_copy(ctx, &a, &b, 0, NULL, NULL), CLS_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "dtype i32 differs from src dtype f32"));
    ck_assert_int_eq(cls_copy(NULL, &a, &b, 0, NULL, NULL), CLS_ERR_INVALID_ARG);
    clReleaseMemObject(s);
    clReleaseMemObject(d);
    cls_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tensor");
    TCase *tc = tcase_create("tensor");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, constructors_give_the_right_strides);
    tcase_add_test(tc, dtype_sizes);
    tcase_add_test(tc, each_bad_input_gets_its_code_and_message);
    tcase_add_test(tc, overlap_detection);
    tcase_add_test(tc, zero_size_is_a_completed_noop);
    tcase_add_test(tc, shape_mismatch_is_named);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
