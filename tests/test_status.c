/* Status codes, their strings and names, and the thread-local message. */
#include <pthread.h>
#include <string.h>

#include "internal.h"
#include "util.h"

START_TEST(every_code_has_a_string_and_name)
{
    static const cls_status codes[] = {
#define C_(name, value, msg) CLS_##name,
        CLS_STATUS_MAP(C_)
#undef C_
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        ck_assert_str_ne(cls_status_string(codes[i]), "unknown status");
        ck_assert(strncmp(cls_status_name(codes[i]), "CLS_", 4) == 0);
        if (i > 0)
            ck_assert_int_lt(codes[i], 0);
    }
    ck_assert_int_eq(CLS_OK, 0);
    ck_assert_str_eq(cls_status_name(CLS_ERR_INVALID_ARG), "CLS_ERR_INVALID_ARG");
    ck_assert_str_eq(cls_status_string((cls_status)-999), "unknown status");
    ck_assert_str_eq(cls_status_name((cls_status)-999), "CLS_UNKNOWN");
}
END_TEST

START_TEST(cl_error_names)
{
    ck_assert_str_eq(cls_cl_error_name(CL_INVALID_VALUE), "CL_INVALID_VALUE");
    ck_assert_str_eq(cls_cl_error_name(CL_BUILD_PROGRAM_FAILURE), "CL_BUILD_PROGRAM_FAILURE");
    ck_assert_str_eq(cls_cl_error_name(12345), "CL_UNKNOWN_ERROR");
}
END_TEST

START_TEST(messages_name_the_problem)
{
    cls_tensor t = cls_tensor_nchw(NULL, 0, CLS_F32, 1, -2, 3, 3);
    ck_assert_int_eq(cls_tensor_validate(&t), CLS_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "sizes[1] = -2"));
    ck_assert_int_eq(cls__fail_cl(CL_INVALID_MEM_OBJECT, "clFoo"), CLS_ERR_OPENCL);
    ck_assert_str_eq(cls_last_error(), "clFoo failed: CL_INVALID_MEM_OBJECT (-38)");
    ck_assert_int_eq(cls__fail_cl(CL_OUT_OF_RESOURCES, "clBar"), CLS_ERR_OUT_OF_MEMORY);
}
END_TEST

static void *other_thread(void *arg)
{
    (void)arg;
    cls__fail(CLS_ERR_OPENCL, "set on another thread");
    return NULL;
}

START_TEST(message_is_thread_local)
{
    pthread_t th;
    cls__fail(CLS_ERR_INVALID_ARG, "main thread message");
    ck_assert_int_eq(pthread_create(&th, NULL, other_thread, NULL), 0);
    pthread_join(th, NULL);
    ck_assert_str_eq(cls_last_error(), "main thread message");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("status");
    TCase *tc = tcase_create("status");
    tcase_add_test(tc, every_code_has_a_string_and_name);
    tcase_add_test(tc, cl_error_names);
    tcase_add_test(tc, messages_name_the_problem);
    tcase_add_test(tc, message_is_thread_local);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
