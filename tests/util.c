/* Helpers shared by the Check suites. */
#include "util.h"

#include <string.h>

cls_context *tu_context(void)
{
    cls_context *ctx = NULL;
    cls_status st = cls_context_create(&ctx, NULL);
    ck_assert_msg(st == CLS_OK, "cls_context_create: %s: %s", cls_status_name(st),
                  cls_last_error());
    return ctx;
}

cls_context *tu_context_verify(void)
{
    cls_context *ctx = tu_context();
    ck_assert_int_eq(cls_context_set_verify(ctx, 1), CLS_OK);
    return ctx;
}

cl_mem tu_buffer(cls_context *ctx, size_t size, const void *host)
{
    cl_context c;
    cl_command_queue q;
    cl_int err;
    cl_mem m;
    void *fill = NULL;
    cls_context_get_cl(ctx, &c, NULL, &q);
    if (size == 0)
        size = 1;
    if (!host) {
        fill = malloc(size);
        ck_assert_ptr_nonnull(fill);
        memset(fill, 0xEE, size);
        host = fill;
    }
    m = clCreateBuffer(c, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, size, (void *)host, &err);
    free(fill);
    ck_assert_msg(err == CL_SUCCESS, "clCreateBuffer(%zu): %s", size, cls_cl_error_name(err));
    return m;
}

void *tu_read(cls_context *ctx, cl_mem buf, size_t size)
{
    cl_command_queue q;
    void *host = malloc(size ? size : 1);
    ck_assert_ptr_nonnull(host);
    cls_context_get_cl(ctx, NULL, NULL, &q);
    cl_int err = clEnqueueReadBuffer(q, buf, CL_TRUE, 0, size, host, 0, NULL, NULL);
    ck_assert_msg(err == CL_SUCCESS, "clEnqueueReadBuffer: %s", cls_cl_error_name(err));
    return host;
}

void tu_fill(void *dst, size_t size, uint32_t seed)
{
    unsigned char *p = dst;
    uint32_t x = seed * 2654435761u + 12345u;
    for (size_t i = 0; i < size; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (unsigned char)(x >> 8);
    }
}

void tu_add_case(Suite *s, const char *name, const TTest *test, int timeout)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, timeout);
    tcase_add_test(tc, test);
    suite_add_tcase(s, tc);
}

int tu_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
