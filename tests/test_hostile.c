/* Hostile inputs (issue 16): sizes whose products wrap, foreign OpenCL
 * objects, self-overlapping destinations, a build failure half-way through
 * a multi-kernel op and untrusted disk-cache entries. Each case checks the
 * status, the message and that nothing was enqueued (the destination is
 * unchanged after clFinish). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "util.h"

#define FILL 0xEE

/* st is want and the message contains part. */
static void expect(cls_status st, cls_status want, const char *part)
{
    ck_assert_msg(st == want, "got %s (%s), want %s", cls_status_name(st), cls_last_error(),
                  cls_status_name(want));
    ck_assert_msg(strstr(cls_last_error(), part) != NULL, "message \"%s\" lacks \"%s\"",
                  cls_last_error(), part);
}

/* After the queue drains, every byte of buf is still FILL (tu_buffer's fill). */
static void untouched(cls_context *ctx, cl_mem buf, size_t size)
{
    cl_command_queue q;
    unsigned char *h;
    cls_context_get_cl(ctx, NULL, NULL, &q);
    ck_assert_int_eq(clFinish(q), CL_SUCCESS);
    h = tu_read(ctx, buf, size);
    for (size_t i = 0; i < size; i++)
        ck_assert_msg(h[i] == FILL, "byte %zu of the destination changed: 0x%02x", i, h[i]);
    free(h);
}

/* ---- 1. sizes whose products wrap ---- */

START_TEST(wrapping_numel_is_rejected)
{
    cls_context *ctx = tu_context();
    cl_mem b = tu_buffer(ctx, 64, NULL);
    cls_tensor t = cls_tensor_nchw(b, 0, CLS_F32, 64, 1, 1 << 29, 1 << 29);
    ck_assert_int_eq(cls_tensor_numel(&t), -1);
    expect(cls_tensor_validate(&t), CLS_ERR_INVALID_ARG, "multiply past 2^63");
    clReleaseMemObject(b);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(blocked_unpack_with_wrapping_view)
{
    cls_context *ctx = tu_context();
    cl_mem s = tu_buffer(ctx, 4096, NULL), d = tu_buffer(ctx, 64, NULL);
    int64_t sizes[4] = {64, 4, 1 << 29, 1 << 29};
    cls_tensor plain = cls_tensor_nchw(d, 0, CLS_F32, 64, 4, 1 << 29, 1 << 29);
    cls_tensor blk = cls_tensor_blocked(s, 0, CLS_F32, 4, sizes, 4);
    expect(cls_blocked_unpack(ctx, &blk, &plain, 4, 0, NULL, NULL), CLS_ERR_INVALID_ARG,
           "multiply past 2^63");
    untouched(ctx, d, 64);
    clReleaseMemObject(s), clReleaseMemObject(d);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(conv_over_wrapping_src)
{
    cls_context *ctx = tu_context();
    cls_conv_desc desc = {0};
    cls_conv_plan *plan = NULL;
    float w = 1.0f;
    cl_mem s = tu_buffer(ctx, 64, NULL), d = tu_buffer(ctx, 64 * 64 * 4, NULL);
    cls_tensor src = cls_tensor_nchw(s, 0, CLS_F32, 64, 1, 1 << 29, 1 << 29);
    cls_tensor dst = cls_tensor_nchw(d, 0, CLS_F32, 64, 1, 8, 8);
    desc.in_channels = desc.out_channels = 1;
    desc.kernel_h = desc.kernel_w = 1;
    desc.stride_h = desc.stride_w = 1 << 26;
    ck_assert_msg(cls_conv_plan_create(ctx, &desc, &w, NULL, &plan) == CLS_OK, "%s",
                  cls_last_error());
    expect(cls_conv_plan_enqueue(plan, &src, &dst, 0, NULL, NULL), CLS_ERR_INVALID_ARG,
           "multiply past 2^63");
    untouched(ctx, d, 64 * 64 * 4);
    cls_conv_plan_destroy(plan);
    clReleaseMemObject(s), clReleaseMemObject(d);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(space_to_depth_channel_product_wraps)
{
    cls_context *ctx = tu_context();
    cl_mem s = tu_buffer(ctx, 64, NULL), d = tu_buffer(ctx, 64, NULL);
    cls_tensor src = cls_tensor_nchw(s, 0, CLS_U8, 1, 1, 2, 2);
    cls_tensor dst = cls_tensor_nchw(d, 0, CLS_U8, 1, 4, 1, 1);
    src.sizes[1] = ((int64_t)1 << 62) + 1, src.strides[1] = 0;
    /* The element count (C * H * W >= C * block) is the product that wraps. */
    expect(cls_space_to_depth(ctx, &src, &dst, 2, 2, CLS_DCR, 0, NULL, NULL), CLS_ERR_INVALID_ARG,
           "multiply past 2^63");
    untouched(ctx, d, 64);
    clReleaseMemObject(s), clReleaseMemObject(d);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(blocked_descriptor_with_int64_max_channels)
{
    int64_t sizes[4] = {1, INT64_MAX, 1, 1};
    cls_tensor t = cls_tensor_blocked((cl_mem)NULL, 0, CLS_F32, 4, sizes, 4);
    ck_assert_int_eq(t.ndim, 5);
    ck_assert_int_eq(t.sizes[1], INT64_MAX / 4 + 1);
    expect(cls_tensor_validate(&t), CLS_ERR_INVALID_ARG, "overflows 64 bits");
}
END_TEST

START_TEST(conv_desc_products_are_argument_errors)
{
    cls_context *ctx = tu_context();
    cls_conv_desc desc = {0};
    cls_conv_plan *plan = NULL;
    float w = 1.0f;
    desc.in_channels = desc.out_channels = 1;
    desc.kernel_h = desc.kernel_w = 1 << 30;
    expect(cls_conv_plan_create(ctx, &desc, &w, NULL, &plan), CLS_ERR_INVALID_ARG,
           "in_channels * kernel");
    ck_assert_ptr_null(plan);
    desc.kernel_h = desc.kernel_w = 1;
    desc.out_channels = INT_MAX, desc.block_h = desc.block_w = 1 << 15;
    expect(cls_conv_plan_create(ctx, &desc, &w, NULL, &plan), CLS_ERR_INVALID_ARG,
           "out_channels * block");
    /* Products that fit int but not one device allocation (2^46 weights,
     * 256 TiB). */
    desc.out_channels = 1 << 20, desc.block_h = desc.block_w = 1;
    desc.in_channels = 1 << 20, desc.kernel_h = desc.kernel_w = 8;
    expect(cls_conv_plan_create(ctx, &desc, &w, NULL, &plan), CLS_ERR_INVALID_ARG,
           "largest allocation");
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(conv_output_size_overflow)
{
    cls_context *ctx = tu_context();
    cls_conv_desc desc = {0};
    cls_conv_plan *plan = NULL;
    float w = 1.0f;
    cl_mem s = tu_buffer(ctx, 64, NULL), d = tu_buffer(ctx, 64, NULL);
    cls_tensor src = cls_tensor_nchw(s, 0, CLS_F32, 1, 1, 1, 1);
    cls_tensor dst = cls_tensor_nchw(d, 0, CLS_F32, 1, 1, 2, 1);
    src.sizes[2] = INT64_MAX, src.strides[2] = 0;
    desc.in_channels = desc.out_channels = 1;
    desc.kernel_h = desc.kernel_w = 1;
    desc.pad_top = 1;
    ck_assert_msg(cls_conv_plan_create(ctx, &desc, &w, NULL, &plan) == CLS_OK, "%s",
                  cls_last_error());
    expect(cls_conv_plan_enqueue(plan, &src, &dst, 0, NULL, NULL), CLS_ERR_INVALID_ARG,
           "output size overflows 64 bits");
    untouched(ctx, d, 64);
    cls_conv_plan_destroy(plan);
    clReleaseMemObject(s), clReleaseMemObject(d);
    cls_context_destroy(ctx);
}
END_TEST

/* ---- 2. foreign objects ---- */

/* Two 64-element u8 tensors over a source and a destination buffer. */
typedef struct pair {
    cls_context *ctx;
    cl_mem s, d;
    cls_tensor src, dst;
} pair;

static void pair_make(pair *p)
{
    int64_t n = 64;
    unsigned char host[64];
    tu_fill(host, sizeof host, 5);
    p->ctx = tu_context();
    p->s = tu_buffer(p->ctx, 64, host), p->d = tu_buffer(p->ctx, 64, NULL);
    p->src = cls_tensor_contiguous(p->s, 0, CLS_U8, 1, &n);
    p->dst = cls_tensor_contiguous(p->d, 0, CLS_U8, 1, &n);
}

static void pair_free(pair *p)
{
    clReleaseMemObject(p->s), clReleaseMemObject(p->d);
    cls_context_destroy(p->ctx);
}

START_TEST(image_is_not_a_buffer)
{
    pair p;
    cl_context c;
    cl_image_format fmt = {CL_RGBA, CL_UNSIGNED_INT8};
    cl_image_desc desc;
    cl_int err;
    cl_mem img;
    pair_make(&p);
    cls_context_get_cl(p.ctx, &c, NULL, NULL);
    memset(&desc, 0, sizeof desc);
    desc.image_type = CL_MEM_OBJECT_IMAGE2D, desc.image_width = 4, desc.image_height = 4;
    img = clCreateImage(c, CL_MEM_READ_WRITE, &fmt, &desc, NULL, &err);
    ck_assert_msg(err == CL_SUCCESS, "clCreateImage: %s", cls_cl_error_name(err));
    p.src.buffer = img;
    expect(cls_copy(p.ctx, &p.src, &p.dst, 0, NULL, NULL), CLS_ERR_INVALID_ARG,
           "src: the cl_mem is not a buffer");
    untouched(p.ctx, p.d, 64);
    clReleaseMemObject(img);
    pair_free(&p);
}
END_TEST

/* A second cl_context on the same device. */
static cl_context other_context(cls_context *ctx)
{
    cl_device_id dev;
    cl_int err;
    cl_context c;
    cls_context_get_cl(ctx, NULL, &dev, NULL);
    c = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
    ck_assert_int_eq(err, CL_SUCCESS);
    return c;
}

START_TEST(buffer_of_another_context)
{
    pair p;
    cl_context c2;
    cl_int err;
    cl_mem foreign;
    pair_make(&p);
    c2 = other_context(p.ctx);
    foreign = clCreateBuffer(c2, CL_MEM_READ_WRITE, 64, NULL, &err);
    ck_assert_int_eq(err, CL_SUCCESS);
    p.src.buffer = foreign;
    expect(cls_copy(p.ctx, &p.src, &p.dst, 0, NULL, NULL), CLS_ERR_INVALID_ARG,
           "src: buffer belongs to another cl_context");
    untouched(p.ctx, p.d, 64);
    clReleaseMemObject(foreign);
    clReleaseContext(c2);
    pair_free(&p);
}
END_TEST

START_TEST(null_event_in_wait_list)
{
    pair p;
    cl_context c;
    cl_int err;
    cl_event wait[2];
    pair_make(&p);
    cls_context_get_cl(p.ctx, &c, NULL, NULL);
    wait[0] = clCreateUserEvent(c, &err);
    ck_assert_int_eq(err, CL_SUCCESS);
    wait[1] = NULL;
    clSetUserEventStatus(wait[0], CL_COMPLETE);
    expect(cls_copy(p.ctx, &p.src, &p.dst, 2, wait, NULL), CLS_ERR_INVALID_ARG, "wait[1] is NULL");
    untouched(p.ctx, p.d, 64);
    clReleaseEvent(wait[0]);
    pair_free(&p);
}
END_TEST

START_TEST(event_of_another_context)
{
    pair p;
    cl_context c2;
    cl_int err;
    cl_event ev;
    pair_make(&p);
    c2 = other_context(p.ctx);
    ev = clCreateUserEvent(c2, &err);
    ck_assert_int_eq(err, CL_SUCCESS);
    clSetUserEventStatus(ev, CL_COMPLETE);
    expect(cls_copy(p.ctx, &p.src, &p.dst, 1, &ev, NULL), CLS_ERR_INVALID_ARG,
           "wait[0] belongs to another cl_context");
    untouched(p.ctx, p.d, 64);
    clReleaseEvent(ev);
    clReleaseContext(c2);
    pair_free(&p);
}
END_TEST

START_TEST(use_host_ptr_buffers_alias)
{
    cls_context *ctx = tu_context();
    cl_context c;
    cl_int err;
    int64_t n = 128;
    float *host = aligned_alloc(4096, 4096);
    cl_mem a, b, far;
    cls_tensor src, dst;
    ck_assert_ptr_nonnull(host);
    for (int i = 0; i < 1024; i++)
        host[i] = (float)i;
    cls_context_get_cl(ctx, &c, NULL, NULL);
    a = clCreateBuffer(c, CL_MEM_USE_HOST_PTR, 256 * 4, host, &err);
    ck_assert_int_eq(err, CL_SUCCESS);
    b = clCreateBuffer(c, CL_MEM_USE_HOST_PTR, 256 * 4, host + 64, &err);
    ck_assert_int_eq(err, CL_SUCCESS);
    far = clCreateBuffer(c, CL_MEM_USE_HOST_PTR, 256 * 4, host + 512, &err);
    ck_assert_int_eq(err, CL_SUCCESS);
    src = cls_tensor_contiguous(a, 0, CLS_F32, 1, &n);
    dst = cls_tensor_contiguous(b, 0, CLS_F32, 1, &n);
    expect(cls_copy(ctx, &src, &dst, 0, NULL, NULL), CLS_ERR_OVERLAP, "overlaps");
    for (int i = 0; i < 1024; i++)
        ck_assert_msg(host[i] == (float)i, "host[%d] changed", i);
    /* Host memory that does not overlap is accepted and copied. */
    dst.buffer = far;
    ck_assert_msg(cls_copy(ctx, &src, &dst, 0, NULL, NULL) == CLS_OK, "%s", cls_last_error());
    {
        cl_command_queue q;
        cls_context_get_cl(ctx, NULL, NULL, &q);
        clFinish(q);
        float *m =
            clEnqueueMapBuffer(q, far, CL_TRUE, CL_MAP_READ, 0, 256 * 4, 0, NULL, NULL, &err);
        ck_assert_int_eq(err, CL_SUCCESS);
        for (int i = 0; i < 128; i++)
            ck_assert_msg(m[i] == (float)i, "far[%d] = %g", i, (double)m[i]);
        clEnqueueUnmapMemObject(q, far, m, 0, NULL, NULL);
        clFinish(q);
    }
    clReleaseMemObject(a), clReleaseMemObject(b), clReleaseMemObject(far);
    free(host);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(self_overlapping_dst_views)
{
    pair p;
    pair_make(&p);
    /* A zero stride on a dim of size 4: four elements at one address. */
    p.src = cls_tensor_nchw(p.s, 0, CLS_U8, 1, 1, 4, 4);
    p.dst = p.src, p.dst.buffer = p.d, p.dst.strides[2] = 0;
    expect(cls_copy(p.ctx, &p.src, &p.dst, 0, NULL, NULL), CLS_ERR_INVALID_ARG,
           "dim 2 has size 4 and stride 0");
    untouched(p.ctx, p.d, 64);
    /* Interleaved strides that collide: (4, 4) with strides (1, 2). */
    p.dst.strides[2] = 1, p.dst.strides[3] = 2;
    expect(cls_depth_to_space(p.ctx, &p.src, &p.dst, 1, 1, CLS_DCR, 0, NULL, NULL),
           CLS_ERR_INVALID_ARG, "elements do share addresses");
    expect(cls_permute(p.ctx, &p.src, (const int[]){0, 1, 2, 3}, &p.dst, 0, NULL, NULL),
           CLS_ERR_INVALID_ARG, "must not overlap itself");
    untouched(p.ctx, p.d, 64);
    /* Interleaved strides that do not collide, (3, 3) with strides (2, 3),
     * are a valid destination. */
    p.src = cls_tensor_nchw(p.s, 0, CLS_U8, 1, 1, 3, 3);
    p.dst = p.src, p.dst.buffer = p.d, p.dst.strides[2] = 2, p.dst.strides[3] = 3;
    ck_assert_int_eq(cls_context_set_verify(p.ctx, 1), CLS_OK);
    ck_assert_msg(cls_copy(p.ctx, &p.src, &p.dst, 0, NULL, NULL) == CLS_OK, "%s", cls_last_error());
    pair_free(&p);
}
END_TEST

START_TEST(list_devices_reports_truncation)
{
    char buf[5], big[8192];
    memset(buf, 'x', sizeof buf);
    expect(cls_list_devices(buf, sizeof buf), CLS_ERR_BUFFER_TOO_SMALL, "needs");
    ck_assert_int_eq(buf[4], '\0');
    ck_assert_msg(cls_list_devices(big, sizeof big) == CLS_OK, "%s", cls_last_error());
    ck_assert_int_eq(strncmp(buf, big, 4), 0);
}
END_TEST

/* ---- 3. a build failure half-way through a multi-kernel op ---- */

START_TEST(blocked_pack_fails_before_enqueueing)
{
    char dir[] = "/tmp/cls-broken-XXXXXX", cmd[512];
    cls_context_options o;
    cls_context *ctx = NULL;
    int64_t plain_sizes[4] = {1, 5, 32, 32}, bytes = 5 * 32 * 32 * 4, bbytes = 8 * 32 * 32 * 4;
    unsigned char *host = malloc((size_t)bytes);
    cl_mem s, d;
    cls_tensor src, dst;
    ck_assert_ptr_nonnull(mkdtemp(dir));
    /* Every kernel file as shipped, but copy.cl of both tiers (the partial
     * block's and the padding's kernels, and their portable fallback) fails
     * to build; on the CPU tier the full blocks run the interleave. */
    snprintf(cmd, sizeof cmd,
             "cp -r %s/kernels/* %s && echo '#error broken' >> %s/cpu/copy.cl && "
             "echo '#error broken' >> %s/portable/copy.cl",
             CLS_SOURCE_DIR, dir, dir, dir);
    ck_assert_int_eq(system(cmd), 0);
    memset(&o, 0, sizeof o);
    o.kernel_dir = dir, o.disable_disk_cache = 1;
    ck_assert_int_eq(cls_context_create(&ctx, &o), CLS_OK);
    tu_fill(host, (size_t)bytes, 9);
    s = tu_buffer(ctx, (size_t)bytes, host), d = tu_buffer(ctx, (size_t)bbytes, NULL);
    src = cls_tensor_contiguous(s, 0, CLS_F32, 4, plain_sizes);
    dst = cls_tensor_blocked(d, 0, CLS_F32, 4, plain_sizes, 4);
    expect(cls_blocked_pack(ctx, &src, &dst, 4, 0, NULL, NULL), CLS_ERR_BUILD,
           "clBuildProgram failed");
    untouched(ctx, d, (size_t)bbytes);
    clReleaseMemObject(s), clReleaseMemObject(d);
    cls_context_destroy(ctx);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
    free(host);
}
END_TEST

/* ---- 5. the disk cache trusts only private entries ---- */

static const char ksrc[] = "__kernel void k(__global int *p) { p[get_global_id(0)] = 7; }";

/* A fresh context on dir that builds ksrc; returns it (counters inside). */
static cls_context *cache_ctx(const char *dir)
{
    cls_context_options o;
    cls_context *ctx = NULL;
    cl_program prog;
    memset(&o, 0, sizeof o);
    o.cache_dir = dir;
    ck_assert_int_eq(cls_context_create(&ctx, &o), CLS_OK);
    ck_assert_msg(cls__program_get_source(ctx, "hostile", ksrc, sizeof ksrc - 1, "", &prog) ==
                      CLS_OK,
                  "%s", cls_last_error());
    return ctx;
}

/* Path of the one entry in dir. */
static void entry_path(const char *dir, char *out, size_t size)
{
    char cmd[700];
    FILE *f;
    snprintf(cmd, sizeof cmd, "ls %s/*.bin", dir);
    f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(out, (int)size, f));
    out[strcspn(out, "\n")] = '\0';
    pclose(f);
}

START_TEST(cache_is_private_and_ignores_foreign_entries)
{
    char dir[] = "/tmp/cls-priv-XXXXXX", sub[64], path[700], cmd[3000];
    struct stat st;
    cls_context *ctx;
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/cache", dir);
    ctx = cache_ctx(sub);
    ck_assert_int_eq(ctx->builds_from_source, 1);
    cls_context_destroy(ctx);
    ck_assert_int_eq(stat(sub, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    entry_path(sub, path, sizeof path);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    /* A private entry is loaded. */
    ctx = cache_ctx(sub);
    ck_assert_int_eq(ctx->builds_from_disk, 1);
    cls_context_destroy(ctx);
    /* Writable by others: ignored, rebuilt and replaced by a private one. */
    ck_assert_int_eq(chmod(path, 0666), 0);
    ctx = cache_ctx(sub);
    ck_assert_int_eq(ctx->builds_from_disk, 0);
    ck_assert_int_eq(ctx->builds_from_source, 1);
    cls_context_destroy(ctx);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    /* Owned by another user (needs root to set up). */
    if (geteuid() == 0) {
        ck_assert_int_eq(chown(path, 65534, 65534), 0);
        ctx = cache_ctx(sub);
        ck_assert_int_eq(ctx->builds_from_disk, 0);
        ck_assert_int_eq(ctx->builds_from_source, 1);
        cls_context_destroy(ctx);
        ck_assert_int_eq(stat(path, &st), 0);
        ck_assert_int_eq(st.st_uid, geteuid());
    }
    /* A link in place of the entry is not followed. */
    snprintf(cmd, sizeof cmd, "cp %s %s/elsewhere && rm %s && ln -s %s/elsewhere %s", path, dir,
             path, dir, path);
    ck_assert_int_eq(system(cmd), 0);
    ctx = cache_ctx(sub);
    ck_assert_int_eq(ctx->builds_from_disk, 0);
    cls_context_destroy(ctx);
    /* A directory writable by others is not used at all. */
    ck_assert_int_eq(chmod(sub, 0777), 0);
    ctx = cache_ctx(sub);
    ck_assert_int_eq(ctx->builds_from_disk, 0);
    ck_assert_int_eq(ctx->builds_from_source, 1);
    cls_context_destroy(ctx);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("hostile");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, wrapping_numel_is_rejected);
    tcase_add_test(tc, blocked_unpack_with_wrapping_view);
    tcase_add_test(tc, conv_over_wrapping_src);
    tcase_add_test(tc, space_to_depth_channel_product_wraps);
    tcase_add_test(tc, blocked_descriptor_with_int64_max_channels);
    tcase_add_test(tc, conv_desc_products_are_argument_errors);
    tcase_add_test(tc, conv_output_size_overflow);
    tcase_add_test(tc, image_is_not_a_buffer);
    tcase_add_test(tc, buffer_of_another_context);
    tcase_add_test(tc, null_event_in_wait_list);
    tcase_add_test(tc, event_of_another_context);
    tcase_add_test(tc, use_host_ptr_buffers_alias);
    tcase_add_test(tc, self_overlapping_dst_views);
    tcase_add_test(tc, list_devices_reports_truncation);
    tcase_add_test(tc, blocked_pack_fails_before_enqueueing);
    tcase_add_test(tc, cache_is_private_and_ignores_foreign_entries);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
