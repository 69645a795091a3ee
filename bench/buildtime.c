/* Kernel build time, measured in child processes: cold (no caches) and from clshuffle's disk cache.
 */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "internal.h"

/* Tiny instances of every op family, so each builds the programs it needs. */
static void probe_ops(cls_context *ctx, cl_context cl, cl_command_queue q, int quick)
{
    cl_int err;
    cl_mem a = clCreateBuffer(cl, CL_MEM_READ_WRITE, 4096, NULL, &err);
    cl_mem d = clCreateBuffer(cl, CL_MEM_READ_WRITE, 4096, NULL, &err);
    static const int perm[5] = {0, 3, 1, 4, 2};
    static const float w[4 * 4 * 9] = {0};
    int64_t s5[5] = {2, 2, 3, 2, 2}, d5[5] = {2, 2, 2, 2, 3};
    cls_tensor x = cls_tensor_nchw(a, 0, CLS_F32, 1, 4, 5, 7);
    cls_tensor y = cls_tensor_nhwc(d, 0, CLS_F32, 1, 4, 5, 7);
    cls_tensor up = cls_tensor_nchw(d, 0, CLS_F32, 1, 1, 10, 14);
    cls_tensor p5 = cls_tensor_contiguous(a, 0, CLS_F32, 5, s5);
    cls_tensor q5 = cls_tensor_contiguous(d, 0, CLS_F32, 5, d5);
    cls_conv_desc cd;
    cls_conv_plan *plan = NULL;
    memset(&cd, 0, sizeof cd);
    cd.in_channels = 4, cd.out_channels = 1, cd.kernel_h = cd.kernel_w = 3;
    cd.pad_top = cd.pad_bottom = cd.pad_left = cd.pad_right = 1;
    cd.block_h = cd.block_w = 2;
    cls_copy(ctx, &x, &y, 0, NULL, NULL);
    if (quick) /* --quick: the layout program alone */
        goto done;
    cls_permute(ctx, &p5, perm, &q5, 0, NULL, NULL);
    cls_depth_to_space(ctx, &x, &up, 2, 2, CLS_DCR, 0, NULL, NULL);
    if (cls_conv_plan_create(ctx, &cd, w, NULL, &plan) == CLS_OK)
        cls_conv_plan_enqueue(plan, &x, &up, 0, NULL, NULL);
done:
    clFinish(q);
    cls_conv_plan_destroy(plan);
    clReleaseMemObject(a);
    clReleaseMemObject(d);
}

int bench_build_probe_child(const bench_opts *o)
{
    cls_context_options co;
    cls_context *ctx = NULL;
    cl_context cl;
    cl_command_queue q;
    cls_build_stats bs;
    double t0;
    memset(&co, 0, sizeof co);
    co.device = o->device;
    if (cls_context_create(&ctx, &co) != CLS_OK)
        return 2;
    cls_context_get_cl(ctx, &cl, NULL, &q);
    t0 = bench_now();
    probe_ops(ctx, cl, q, o->level == BENCH_QUICK);
    t0 = bench_now() - t0;
    if (cls_context_get_build_stats(ctx, &bs) != CLS_OK)
        bs.from_source = bs.from_disk = -1;
    printf("%.6f %d %d\n", t0, bs.from_source, bs.from_disk);
    cls_context_destroy(ctx);
    return 0;
}

/* Run the probe in a child with env prefixed; seconds, or NAN on failure. */
static double run_probe(const char *exe, const char *env, int quick, int *programs)
{
    char cmd[2600];
    double secs = NAN;
    int src = 0, disk = 0;
    FILE *p;
    snprintf(cmd, sizeof cmd, "%s '%s' --build-probe%s", env, exe, quick ? " --quick" : "");
    p = popen(cmd, "r");
    if (!p)
        return NAN;
    if (fscanf(p, "%lf %d %d", &secs, &src, &disk) != 3)
        secs = NAN;
    if (pclose(p) != 0)
        secs = NAN;
    *programs = src + disk;
    return secs;
}

/* Remove the probe's cache files, then its directory. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[1300];
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        remove(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* Cold: a fresh context, an empty clshuffle disk cache and PoCL's own kernel
 * cache off, so every program compiles from source. Cached: a fresh context
 * loading the binaries the cold run stored. Both in child processes, with a
 * temporary cache directory (the user's cache is left alone). */
void bench_build_time(bench *b, const char *argv0)
{
    char exe[1024], dir[] = "/tmp/clshuffle-bench-cache-XXXXXX", env[1200];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    int programs = 0, quick = b->opts.level == BENCH_QUICK;
    if (n > 0)
        exe[n] = '\0';
    else
        snprintf(exe, sizeof exe, "%s", argv0);
    if (strchr(exe, '\'') || !mkdtemp(dir)) /* cannot quote it for the shell: skip */
        return;
    if (b->opts.device)
        setenv("CLS_DEVICE", b->opts.device, 1);
    bench_progress(b, "kernel build time: cold");
    snprintf(env, sizeof env, "POCL_KERNEL_CACHE=0 CLS_CACHE_DIR='%s'", dir);
    b->hdr.build_cold_s = run_probe(exe, env, quick, &programs);
    b->hdr.build_programs = programs;
    bench_progress(b, "kernel build time: from the cache");
    snprintf(env, sizeof env, "CLS_CACHE_DIR='%s'", dir);
    b->hdr.build_cached_s = run_probe(exe, env, quick, &programs);
    remove_dir(dir);
}
