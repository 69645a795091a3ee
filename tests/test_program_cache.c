/* Program cache: built once per context, and the on-disk binary cache. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "util.h"

static const char good_src[] = "__kernel void k(__global int *p) { p[get_global_id(0)] += 1; }";

static cls_context *ctx_with_cache(const char *dir, int disable)
{
    cls_context *ctx = NULL;
    cls_context_options o;
    memset(&o, 0, sizeof o);
    o.cache_dir = dir;
    o.disable_disk_cache = disable;
    cls_status st = cls_context_create(&ctx, &o);
    ck_assert_msg(st == CLS_OK, "%s", cls_last_error());
    return ctx;
}

/* A fresh, empty cache directory for this test. */
static void fresh_dir(char *buf, size_t size, const char *tag)
{
    char cmd[600];
    snprintf(buf, size, "/tmp/cls-cache-test-%s-%ld", tag, (long)getpid());
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", buf);
    ck_assert_int_eq(system(cmd), 0);
}

/* The single .bin file in dir (path into out); returns the number found. */
static int cache_files(const char *dir, char *out, size_t size)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".bin") && !strstr(e->d_name, ".tmp")) {
            snprintf(out, size, "%s/%s", dir, e->d_name);
            n++;
        }
    closedir(d);
    return n;
}

START_TEST(second_build_is_not_compiled_again)
{
    cls_context *ctx = ctx_with_cache(NULL, 1);
    cl_program p1, p2, p3;
    cl_kernel k1, k2;
    ck_assert_int_eq(cls__program_get(ctx, "portable/copy", "-DELEM_SIZE=4", &p1), CLS_OK);
    ck_assert_int_eq(ctx->builds_from_source, 1);
    ck_assert_int_eq(cls__program_get(ctx, "portable/copy", "-DELEM_SIZE=4", &p2), CLS_OK);
    ck_assert_int_eq(ctx->builds_from_source, 1);
    ck_assert_ptr_eq(p1, p2);
    /* Other options are another program. */
    ck_assert_int_eq(cls__program_get(ctx, "portable/copy", "-DELEM_SIZE=2", &p3), CLS_OK);
    ck_assert_int_eq(ctx->builds_from_source, 2);
    ck_assert_ptr_ne(p1, p3);
    /* Kernels are created once too. */
    ck_assert_int_eq(cls__kernel_get(ctx, "portable/copy", "-DELEM_SIZE=4", "copy_gather", &k1),
                     CLS_OK);
    ck_assert_int_eq(cls__kernel_get(ctx, "portable/copy", "-DELEM_SIZE=4", "copy_gather", &k2),
                     CLS_OK);
    ck_assert_ptr_eq(k1, k2);
    ck_assert_int_eq(ctx->builds_from_source, 2);
    ck_assert_int_eq(ctx->builds_from_disk, 0);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(new_context_loads_from_disk)
{
    char dir[512], file[1024];
    cl_program p;
    fresh_dir(dir, sizeof dir, "load");
    cls_context *a = ctx_with_cache(dir, 0);
    ck_assert_int_eq(cls__program_get_source(a, "t", good_src, strlen(good_src), "", &p), CLS_OK);
    ck_assert_int_eq(a->builds_from_source, 1);
    ck_assert_int_eq(cache_files(dir, file, sizeof file), 1);
    cls_context_destroy(a);

    cls_context *b = ctx_with_cache(dir, 0);
    ck_assert_int_eq(cls__program_get_source(b, "t", good_src, strlen(good_src), "", &p), CLS_OK);
    ck_assert_int_eq(b->builds_from_source, 0);
    ck_assert_int_eq(b->builds_from_disk, 1);
    /* The public counters say the same. */
    cls_build_stats bs;
    ck_assert_int_eq(cls_context_get_build_stats(b, &bs), CLS_OK);
    ck_assert_int_eq(bs.from_source, 0);
    ck_assert_int_eq(bs.from_disk, 1);
    ck_assert(bs.seconds > 0.0 && bs.seconds < 60.0);
    ck_assert_int_eq(cls_context_get_build_stats(b, NULL), CLS_ERR_INVALID_ARG);
    ck_assert_int_eq(cls_context_get_build_stats(NULL, &bs), CLS_ERR_INVALID_ARG);
    /* The loaded program runs. */
    cl_int err;
    cl_kernel k = clCreateKernel(p, "k", &err);
    ck_assert_int_eq(err, CL_SUCCESS);
    clReleaseKernel(k);
    cls_context_destroy(b);
}
END_TEST

START_TEST(corrupt_cache_file_falls_back)
{
    char dir[512], file[1024];
    cl_program p;
    fresh_dir(dir, sizeof dir, "corrupt");
    cls_context *a = ctx_with_cache(dir, 0);
    ck_assert_int_eq(cls__program_get_source(a, "t", good_src, strlen(good_src), "", &p), CLS_OK);
    cls_context_destroy(a);
    ck_assert_int_eq(cache_files(dir, file, sizeof file), 1);

    /* Flip bytes in the middle of the binary. */
    FILE *f = fopen(file, "r+b");
    ck_assert_ptr_nonnull(f);
    fseek(f, 64, SEEK_SET);
    fwrite("garbage!garbage!", 1, 16, f);
    fclose(f);
    cls_context *b = ctx_with_cache(dir, 0);
    ck_assert_int_eq(cls__program_get_source(b, "t", good_src, strlen(good_src), "", &p), CLS_OK);
    ck_assert_int_eq(b->builds_from_disk, 0);
    ck_assert_int_eq(b->builds_from_source, 1);
    cls_context_destroy(b);

    /* The rebuilt entry was written back whole: a third context loads it. */
    cls_context *c = ctx_with_cache(dir, 0);
    ck_assert_int_eq(cls__program_get_source(c, "t", good_src, strlen(good_src), "", &p), CLS_OK);
    ck_assert_int_eq(c->builds_from_disk, 1);
    cls_context_destroy(c);

    /* A truncated file is a miss too. */
    ck_assert_int_eq(truncate(file, 20), 0);
    cls_context *d = ctx_with_cache(dir, 0);
    ck_assert_int_eq(cls__program_get_source(d, "t", good_src, strlen(good_src), "", &p), CLS_OK);
    ck_assert_int_eq(d->builds_from_source, 1);
    cls_context_destroy(d);
}
END_TEST

START_TEST(disabled_cache_writes_nothing)
{
    char dir[512], file[1024];
    cl_program p;
    fresh_dir(dir, sizeof dir, "off");
    cls_context *a = ctx_with_cache(dir, 1);
    ck_assert_int_eq(cls__program_get_source(a, "t", good_src, strlen(good_src), "", &p), CLS_OK);
    ck_assert_int_eq(cache_files(dir, file, sizeof file), 0);
    cls_context_destroy(a);
    /* CLS_CACHE_DIR=off turns it off too. */
    setenv("CLS_CACHE_DIR", "off", 1);
    cls_context *b = ctx_with_cache(NULL, 0);
    ck_assert_int_eq(b->disk_cache, 0);
    cls_context_destroy(b);
}
END_TEST

START_TEST(build_failure_reports_the_log)
{
    static const char bad[] = "__kernel void k(__global int *p) { p[0] = undeclared_name; }";
    cl_program p = NULL;
    cls_context *ctx = ctx_with_cache(NULL, 1);
    ck_assert_int_eq(cls__program_get_source(ctx, "bad", bad, strlen(bad), "-DX=1", &p),
                     CLS_ERR_BUILD);
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "CL_BUILD_PROGRAM_FAILURE"));
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "undeclared_name"));
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "-DX=1"));
    /* A program missing from the table is named. */
    ck_assert_int_eq(cls__program_get(ctx, "no_such_program", "", &p), CLS_ERR_BUILD);
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "\"no_such_program\""));
    cls_context_destroy(ctx);
}
END_TEST

/* A program is its table entry's files joined in order: the interleave
 * row kernels need the shared definitions (element and index types, FOLD)
 * before them, and get them. */
START_TEST(joined_parts_build_as_one_program)
{
    cls_context *ctx = NULL;
    cls_context_options o;
    cl_program p;
    cl_kernel k;
    cl_int err;
    const char *opts = "-DELEM_SIZE=4 -DIDX64=0 -DNT=0 -DFACTOR=3 -DFLO=3 -DV16";
    const cls__program_def *def = cls__program_find("cpu/d2s");
    ck_assert_ptr_nonnull(def);
    ck_assert_str_eq(def->files[0], "cpu/common");
    ck_assert_str_eq(def->files[1], "cpu/d2s_lanes");
    ck_assert_str_eq(def->files[4], "cpu/d2s");
    ck_assert_ptr_null(def->files[5]);
    memset(&o, 0, sizeof o);
    o.disable_disk_cache = 1;
    ck_assert_int_eq(cls_context_create(&ctx, &o), CLS_OK);
    ck_assert_int_eq(cls__program_get(ctx, "cpu/d2s", opts, &p), CLS_OK);
    k = clCreateKernel(p, "d2s_deinterleave", &err);
    ck_assert_int_eq(err, CL_SUCCESS);
    clReleaseKernel(k);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(kernel_dir_loads_from_the_source_tree)
{
    cls_context *ctx = NULL;
    cls_context_options o;
    cl_program p;
    memset(&o, 0, sizeof o);
    o.disable_disk_cache = 1;
    o.kernel_dir = CLS_SOURCE_DIR "/kernels";
    ck_assert_int_eq(cls_context_create(&ctx, &o), CLS_OK);
    ck_assert_int_eq(cls__program_get(ctx, "portable/copy", "-DELEM_SIZE=1", &p), CLS_OK);
    ck_assert_int_eq(cls__program_get(ctx, "cpu/copy", "-DELEM_SIZE=1", &p), CLS_OK);
    cls_context_destroy(ctx);
    o.kernel_dir = "/nonexistent-dir";
    ck_assert_int_eq(cls_context_create(&ctx, &o), CLS_OK);
    ck_assert_int_eq(cls__program_get(ctx, "portable/copy", "-DELEM_SIZE=1", &p), CLS_ERR_BUILD);
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "/nonexistent-dir"));
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "portable/common.cl"));
    cls_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("program_cache");
    TCase *tc = tcase_create("program_cache");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, second_build_is_not_compiled_again);
    tcase_add_test(tc, new_context_loads_from_disk);
    tcase_add_test(tc, corrupt_cache_file_falls_back);
    tcase_add_test(tc, disabled_cache_writes_nothing);
    tcase_add_test(tc, build_failure_reports_the_log);
    tcase_add_test(tc, kernel_dir_loads_from_the_source_tree);
    tcase_add_test(tc, joined_parts_build_as_one_program);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
