/* Device profile: the facts every planner decides by, queried once per context
 * (device queries plus a tiny probe program for the compiler's features), and
 * the kernel tier they select. Nothing here looks at vendor or device names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* The probe: the only source that tests compiler and architecture macros.
 * Each feature present defines an empty kernel of its name, read back with
 * CL_PROGRAM_KERNEL_NAMES (nothing is enqueued: an adopted queue is never
 * touched). The result reaches the specialised kernels as -D options
 * (profile.defines). */
static const char probe_source[] =
    "__kernel void cls_probe(__global int *out) { out[get_global_id(0)] = 0; }\n"
    "#if defined(__clang__)\n"
    "__kernel void has_clang(void) {}\n"
    "#endif\n"
    "#if defined(__x86_64__)\n"
    "__kernel void has_x86_64(void) {}\n"
    "#endif\n"
    "#if defined(__AVX2__)\n"
    "__kernel void has_avx2(void) {}\n"
    "#endif\n"
    "#if defined(__has_builtin)\n"
    "#if __has_builtin(__builtin_nontemporal_store)\n"
    "__kernel void has_nt_store(void) {}\n"
    "#endif\n"
    "#if __has_builtin(__builtin_shufflevector)\n"
    "__kernel void has_shufflevector(void) {}\n"
    "#endif\n"
    "#endif\n";

static int has_ext(const char *ext, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = strstr(ext, name); p; p = strstr(p + 1, name))
        if ((p == ext || p[-1] == ' ' || p[-1] == ';') &&
            (p[n] == ' ' || p[n] == ';' || p[n] == '\0'))
            return 1;
    return 0;
}

/* Path of the probe's result in the disk cache, keyed by the device identity. */
static void probe_path(const cls_context *ctx, char *buf, size_t size)
{
    uint64_t h = cls__hash(0, probe_source, sizeof probe_source);
    h = cls__hash(h, ctx->info.name, strlen(ctx->info.name) + 1);
    h = cls__hash(h, ctx->info.driver_version, strlen(ctx->info.driver_version) + 1);
    h = cls__hash(h, ctx->info.device_version, strlen(ctx->info.device_version) + 1);
    h = cls__hash(h, ctx->info.platform_version, strlen(ctx->info.platform_version) + 1);
    snprintf(buf, size, "%s/probe-%016llx.txt", ctx->cache_dir, (unsigned long long)h);
}

static int probe_load(const cls_context *ctx, cls_device_profile *p)
{
    char path[1200];
    int f[5];
    unsigned long long mult = 0;
    FILE *fp;
    int ok;
    probe_path(ctx, path, sizeof path);
    if (!(fp = fopen(path, "r")))
        return 0;
    ok = fscanf(fp, "CLSPROBE1 %d %d %d %d %d %llu", &f[0], &f[1], &f[2], &f[3], &f[4], &mult) == 6;
    fclose(fp);
    if (!ok || mult == 0)
        return 0;
    p->clang = f[0] != 0, p->x86_64 = f[1] != 0, p->avx2 = f[2] != 0;
    p->nt_store = f[3] != 0, p->shufflevector = f[4] != 0;
    p->wg_multiple = (size_t)mult;
    return 1;
}

static void probe_store(const cls_context *ctx, const cls_device_profile *p)
{
    char path[1200], tmp[1300];
    FILE *fp;
    probe_path(ctx, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    if (cls__mkdir_p(ctx->cache_dir) != 0 || !(fp = fopen(tmp, "w")))
        return;
    fprintf(fp, "CLSPROBE1 %d %d %d %d %d %llu\n", p->clang, p->x86_64, p->avx2, p->nt_store,
            p->shufflevector, (unsigned long long)p->wg_multiple);
    if (fclose(fp) != 0 || rename(tmp, path) != 0)
        remove(tmp);
}

/* Build the probe (or read its cached result): the compiler fields and the
 * preferred work-group size multiple. Any failure leaves the features off
 * (the portable tier needs none of them). */
static void run_probe(cls_context *ctx, cls_device_profile *p)
{
    const char *srcs[1] = {probe_source};
    size_t len = sizeof probe_source - 1, mult = 0;
    char names[512] = "";
    cl_program prog = NULL;
    cl_kernel k = NULL;
    cl_int err;
    if (ctx->disk_cache && probe_load(ctx, p))
        return;
    prog = clCreateProgramWithSource(ctx->cl_ctx, 1, srcs, &len, &err);
    if (err != CL_SUCCESS || clBuildProgram(prog, 1, &ctx->device, "", NULL, NULL) != CL_SUCCESS)
        goto done;
    if (clGetProgramInfo(prog, CL_PROGRAM_KERNEL_NAMES, sizeof names - 1, names, NULL) !=
        CL_SUCCESS)
        names[0] = '\0';
    p->clang = has_ext(names, "has_clang");
    p->x86_64 = has_ext(names, "has_x86_64");
    p->avx2 = has_ext(names, "has_avx2");
    p->nt_store = has_ext(names, "has_nt_store");
    p->shufflevector = has_ext(names, "has_shufflevector");
    k = clCreateKernel(prog, "cls_probe", &err);
    if (err == CL_SUCCESS &&
        clGetKernelWorkGroupInfo(k, ctx->device, CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE,
                                 sizeof mult, &mult, NULL) == CL_SUCCESS &&
        mult > 0)
        p->wg_multiple = mult;
    if (ctx->disk_cache && p->wg_multiple > 0)
        probe_store(ctx, p);
done:
    if (k)
        clReleaseKernel(k);
    if (prog)
        clReleaseProgram(prog);
}

const char *cls__tier_name(cls_tier tier)
{
    switch (tier) {
    case CLS_TIER_PORTABLE:
        return "portable";
    case CLS_TIER_CPU:
        return "cpu";
    default:
        return "auto";
    }
}

int cls__cpu_tier_fits(const cls_device_profile *p)
{
    /* A plain CPU device (not one that also reports GPU or accelerator) whose
     * compiler is clang for x86-64 with AVX2 and the two builtins: what the
     * register blocks, lane networks and non-temporal stores are written for. */
    cl_device_type t = p->type;
    return (t & CL_DEVICE_TYPE_CPU) && !(t & (CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_ACCELERATOR)) &&
           p->clang && p->x86_64 && p->avx2 && p->nt_store && p->shufflevector;
}

void cls__profile_finish(cls_device_profile *p, cls_tier want)
{
    p->tier = want == CLS_TIER_PORTABLE                       ? CLS_TIER_PORTABLE
              : want == CLS_TIER_CPU || cls__cpu_tier_fits(p) ? CLS_TIER_CPU
                                                              : CLS_TIER_PORTABLE;
    if (p->tier == CLS_TIER_CPU && !cls__cpu_tier_fits(p))
        p->tier = CLS_TIER_PORTABLE;
    if (p->wg_multiple == 0)
        p->wg_multiple = 1;
    if (p->max_work_group_size == 0)
        p->max_work_group_size = 1;
    snprintf(p->defines, sizeof p->defines,
             "-DCLS_CLANG=%d -DCLS_X86_64=%d -DCLS_AVX2=%d -DCLS_NT_STORE=%d "
             "-DCLS_SHUFFLEVECTOR=%d",
             p->clang, p->x86_64, p->avx2, p->nt_store, p->shufflevector);
}

/* The tier asked for by opts, else CLS_TIER ("portable", "cpu", "auto"). */
static cls_status wanted_tier(const cls_context_options *opts, cls_tier *want)
{
    const char *env = getenv("CLS_TIER");
    *want = opts ? opts->tier : CLS_TIER_AUTO;
    if ((int)*want < 0 || *want > CLS_TIER_CPU)
        return cls__fail(CLS_ERR_INVALID_ARG, "options: tier = %d is unknown", (int)*want);
    if (*want != CLS_TIER_AUTO || !env || !env[0] || strcmp(env, "auto") == 0)
        return CLS_OK;
    if (strcmp(env, "portable") == 0)
        *want = CLS_TIER_PORTABLE;
    else if (strcmp(env, "cpu") == 0)
        *want = CLS_TIER_CPU;
    else
        return cls__fail(CLS_ERR_INVALID_ARG,
                         "CLS_TIER=\"%s\": expected \"portable\", \"cpu\" or \"auto\"", env);
    return CLS_OK;
}

cls_status cls__profile_read(cls_context *ctx, const cls_context_options *opts)
{
    cls_device_profile *p = &ctx->profile;
    char ext[8192] = "", prof[64] = "";
    cl_device_local_mem_type lt = CL_LOCAL;
    cls_tier want;
    cls_status st = wanted_tier(opts, &want);
    if (st != CLS_OK)
        return st;
    memset(p, 0, sizeof *p);
    clGetDeviceInfo(ctx->device, CL_DEVICE_TYPE, sizeof p->type, &p->type, NULL);
    clGetDeviceInfo(ctx->device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof p->compute_units,
                    &p->compute_units, NULL);
    clGetDeviceInfo(ctx->device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof p->max_work_group_size,
                    &p->max_work_group_size, NULL);
    clGetDeviceInfo(ctx->device, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof p->max_work_item_sizes,
                    p->max_work_item_sizes, NULL);
    clGetDeviceInfo(ctx->device, CL_DEVICE_LOCAL_MEM_SIZE, sizeof p->local_mem_size,
                    &p->local_mem_size, NULL);
    clGetDeviceInfo(ctx->device, CL_DEVICE_LOCAL_MEM_TYPE, sizeof lt, &lt, NULL);
    clGetDeviceInfo(ctx->device, CL_DEVICE_GLOBAL_MEM_CACHELINE_SIZE, sizeof p->global_cache_line,
                    &p->global_cache_line, NULL);
    clGetDeviceInfo(ctx->device, CL_DEVICE_EXTENSIONS, sizeof ext - 1, ext, NULL);
    clGetDeviceInfo(ctx->device, CL_DEVICE_PROFILE, sizeof prof - 1, prof, NULL);
    p->local_mem_is_local = lt == CL_LOCAL;
    p->has_fp16 = has_ext(ext, "cl_khr_fp16");
    /* 64-bit integers are core in the full profile, an extension in the
     * embedded one. */
    p->has_int64 = strcmp(prof, "EMBEDDED_PROFILE") != 0 || has_ext(ext, "cles_khr_int64");
    for (int i = 0; i < 3; i++)
        if (p->max_work_item_sizes[i] == 0)
            p->max_work_item_sizes[i] = 1;
    run_probe(ctx, p);
    cls__profile_finish(p, want);
    return CLS_OK;
}

cls_status cls_context_get_profile(const cls_context *ctx, cls_device_profile *profile)
{
    if (!ctx || !profile)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s is NULL", !ctx ? "ctx" : "profile");
    *profile = ctx->profile;
    return CLS_OK;
}

cls_status cls_profile_describe(const cls_device_profile *p, char *buf, size_t size)
{
    const char *type = (p && (p->type & CL_DEVICE_TYPE_GPU))           ? "gpu"
                       : (p && (p->type & CL_DEVICE_TYPE_CPU))         ? "cpu"
                       : (p && (p->type & CL_DEVICE_TYPE_ACCELERATOR)) ? "accelerator"
                                                                       : "other";
    int n;
    if (!p || !buf || size == 0)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s is NULL or empty", !p ? "profile" : "buf");
    n = snprintf(buf, size,
                 "tier=%s type=%s%s%s compute_units=%u max_wg=%zu wg_multiple=%zu "
                 "local_mem=%llu%s cache_line=%u int64=%d fp16=%d clang=%d x86_64=%d avx2=%d "
                 "nt_store=%d shufflevector=%d",
                 cls__tier_name(p->tier), type,
                 (p->type & CL_DEVICE_TYPE_CPU) && (p->type & CL_DEVICE_TYPE_GPU) ? "+cpu" : "",
                 (p->type & CL_DEVICE_TYPE_ACCELERATOR) &&
                         (p->type & ~CL_DEVICE_TYPE_ACCELERATOR & ~CL_DEVICE_TYPE_DEFAULT)
                     ? "+accelerator"
                     : "",
                 p->compute_units, p->max_work_group_size, p->wg_multiple,
                 (unsigned long long)p->local_mem_size, p->local_mem_is_local ? "" : "(global)",
                 p->global_cache_line, p->has_int64, p->has_fp16, p->clang, p->x86_64, p->avx2,
                 p->nt_store, p->shufflevector);
    if (n < 0 || (size_t)n >= size)
        return cls__fail(CLS_ERR_INVALID_ARG, "buf: %zu bytes, the description needs %d", size,
                         n + 1);
    return CLS_OK;
}
