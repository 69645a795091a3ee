/* Contexts: device choice (options, CLS_DEVICE, default), adoption, device facts. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_PLATFORMS 16
#define MAX_DEVICES 64

/* Device discovery and context creation, serialised process-wide: some
 * drivers (PoCL 3) race when several threads make their first device
 * queries at once. */
static pthread_mutex_t discovery = PTHREAD_MUTEX_INITIALIZER;

void cls__lock(cls_context *ctx)
{
    pthread_mutex_lock(&ctx->lock);
}

void cls__unlock(cls_context *ctx)
{
    pthread_mutex_unlock(&ctx->lock);
}

/* A zeroed context with its recursive lock; NULL when out of memory. */
static cls_context *context_alloc(void)
{
    pthread_mutexattr_t attr;
    cls_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    if (pthread_mutex_init(&ctx->lock, &attr) != 0) {
        free(ctx);
        ctx = NULL;
    }
    pthread_mutexattr_destroy(&attr);
    return ctx;
}

static const char install_hint[] =
    "no OpenCL platform found; install an OpenCL driver, for example PoCL's CPU "
    "device: apt-get install -y pocl-opencl-icd ocl-icd-opencl-dev";

static void get_str(cl_device_id dev, cl_device_info what, char *buf, size_t size)
{
    buf[0] = '\0';
    if (clGetDeviceInfo(dev, what, size, buf, NULL) != CL_SUCCESS)
        buf[0] = '\0';
    buf[size - 1] = '\0';
}

static const char *type_name(cl_device_type t)
{
    if (t & CL_DEVICE_TYPE_GPU)
        return "gpu";
    if (t & CL_DEVICE_TYPE_CPU)
        return "cpu";
    if (t & CL_DEVICE_TYPE_ACCELERATOR)
        return "accelerator";
    return "other";
}

static cls_status read_info(cls_context *ctx)
{
    cls_device_info *in = &ctx->info;
    cl_platform_id plat = NULL;
    char ext[8192];
    cl_device_fp_config dbl = 0;
    memset(in, 0, sizeof *in);
    get_str(ctx->device, CL_DEVICE_NAME, in->name, sizeof in->name);
    get_str(ctx->device, CL_DEVICE_VENDOR, in->vendor, sizeof in->vendor);
    get_str(ctx->device, CL_DRIVER_VERSION, in->driver_version, sizeof in->driver_version);
    get_str(ctx->device, CL_DEVICE_VERSION, in->device_version, sizeof in->device_version);
    get_str(ctx->device, CL_DEVICE_EXTENSIONS, ext, sizeof ext);
    clGetDeviceInfo(ctx->device, CL_DEVICE_TYPE, sizeof in->type, &in->type, NULL);
    clGetDeviceInfo(ctx->device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof(size_t),
                    &in->max_work_group_size, NULL);
    clGetDeviceInfo(ctx->device, CL_DEVICE_LOCAL_MEM_SIZE, sizeof(cl_ulong), &in->local_mem_size,
                    NULL);
    clGetDeviceInfo(ctx->device, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof(cl_ulong), &in->global_mem_size,
                    NULL);
    clGetDeviceInfo(ctx->device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof(cl_ulong),
                    &in->max_alloc_size, NULL);
    clGetDeviceInfo(ctx->device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof(cl_uint), &in->compute_units,
                    NULL);
    clGetDeviceInfo(ctx->device, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof dbl, &dbl, NULL);
    in->has_fp16 = strstr(ext, "cl_khr_fp16") != NULL;
    in->has_fp64 = strstr(ext, "cl_khr_fp64") != NULL || dbl != 0;
    if (clGetDeviceInfo(ctx->device, CL_DEVICE_PLATFORM, sizeof plat, &plat, NULL) == CL_SUCCESS) {
        clGetPlatformInfo(plat, CL_PLATFORM_NAME, sizeof in->platform_name, in->platform_name,
                          NULL);
        clGetPlatformInfo(plat, CL_PLATFORM_VERSION, sizeof in->platform_version,
                          in->platform_version, NULL);
        in->platform_name[sizeof in->platform_name - 1] = '\0';
        in->platform_version[sizeof in->platform_version - 1] = '\0';
    }
    if (in->max_work_group_size == 0)
        in->max_work_group_size = 1;
    return CLS_OK;
}

typedef struct device_list {
    cl_device_id ids[MAX_PLATFORMS * MAX_DEVICES];
    int platform[MAX_PLATFORMS * MAX_DEVICES];
    int index[MAX_PLATFORMS * MAX_DEVICES];
    int count;
} device_list;

static cls_status enumerate(device_list *list)
{
    cl_platform_id plats[MAX_PLATFORMS];
    cl_uint np = 0;
    list->count = 0;
    if (clGetPlatformIDs(MAX_PLATFORMS, plats, &np) != CL_SUCCESS || np == 0)
        return cls__fail(CLS_ERR_NO_DEVICE, "%s", install_hint);
    for (cl_uint p = 0; p < np && p < MAX_PLATFORMS; p++) {
        cl_device_id devs[MAX_DEVICES];
        cl_uint nd = 0;
        if (clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, MAX_DEVICES, devs, &nd) != CL_SUCCESS)
            continue;
        for (cl_uint d = 0; d < nd && d < MAX_DEVICES; d++) {
            list->ids[list->count] = devs[d];
            list->platform[list->count] = (int)p;
            list->index[list->count] = (int)d;
            list->count++;
        }
    }
    if (list->count == 0)
        return cls__fail(CLS_ERR_NO_DEVICE, "OpenCL platforms found but no device; %s",
                         install_hint);
    return CLS_OK;
}

static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return n == 0;
}

static cls_status pick_device(const char *spec, cl_device_id *out)
{
    device_list list;
    cls_status st = enumerate(&list);
    if (st != CLS_OK)
        return st;
    if (spec == NULL || spec[0] == '\0') {
        for (int i = 0; i < list.count; i++) {
            cl_device_type t = 0;
            clGetDeviceInfo(list.ids[i], CL_DEVICE_TYPE, sizeof t, &t, NULL);
            if (t & CL_DEVICE_TYPE_GPU) {
                *out = list.ids[i];
                return CLS_OK;
            }
        }
        *out = list.ids[0];
        return CLS_OK;
    }
    if (strcmp(spec, "gpu") == 0 || strcmp(spec, "cpu") == 0) {
        cl_device_type want = spec[0] == 'g' ? CL_DEVICE_TYPE_GPU : CL_DEVICE_TYPE_CPU;
        for (int i = 0; i < list.count; i++) {
            cl_device_type t = 0;
            clGetDeviceInfo(list.ids[i], CL_DEVICE_TYPE, sizeof t, &t, NULL);
            if (t & want) {
                *out = list.ids[i];
                return CLS_OK;
            }
        }
        return cls__fail(CLS_ERR_NO_DEVICE, "device \"%s\": no %s device among %d devices", spec,
                         spec, list.count);
    }
    if (isdigit((unsigned char)spec[0])) {
        int p = -1, d = -1, used = 0;
        if (sscanf(spec, "%d:%d%n", &p, &d, &used) != 2 || spec[used] != '\0' || p < 0 || d < 0)
            return cls__fail(CLS_ERR_INVALID_ARG,
                             "device \"%s\": expected \"gpu\", \"cpu\", \"P:D\" or a name", spec);
        for (int i = 0; i < list.count; i++)
            if (list.platform[i] == p && list.index[i] == d) {
                *out = list.ids[i];
                return CLS_OK;
            }
        return cls__fail(CLS_ERR_NO_DEVICE, "device \"%s\": no device %d on platform %d", spec, d,
                         p);
    }
    for (int i = 0; i < list.count; i++) {
        char name[256];
        get_str(list.ids[i], CL_DEVICE_NAME, name, sizeof name);
        if (contains_nocase(name, spec)) {
            *out = list.ids[i];
            return CLS_OK;
        }
    }
    return cls__fail(CLS_ERR_NO_DEVICE, "device \"%s\": no device name contains it", spec);
}

static void apply_options(cls_context *ctx, const cls_context_options *opts)
{
    const char *env_verify = getenv("CLS_VERIFY");
    const char *env_cache = getenv("CLS_CACHE_DIR");
    const char *env_kdir = getenv("CLS_KERNEL_DIR");
    const char *dir = opts ? opts->cache_dir : NULL;
    ctx->verify = (opts && opts->verify) || (env_verify && strcmp(env_verify, "1") == 0);
    ctx->disk_cache = !(opts && opts->disable_disk_cache);
    if (!dir && env_cache && env_cache[0])
        dir = env_cache;
    if (dir && (strcmp(dir, "off") == 0 || strcmp(dir, "0") == 0))
        ctx->disk_cache = 0;
    if (dir) {
        snprintf(ctx->cache_dir, sizeof ctx->cache_dir, "%s", dir);
    } else {
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        if (xdg && xdg[0])
            snprintf(ctx->cache_dir, sizeof ctx->cache_dir, "%s/clshuffle", xdg);
        else if (home && home[0])
            snprintf(ctx->cache_dir, sizeof ctx->cache_dir, "%s/.cache/clshuffle", home);
        else
            ctx->disk_cache = 0;
    }
    if (opts && opts->kernel_dir)
        snprintf(ctx->kernel_dir, sizeof ctx->kernel_dir, "%s", opts->kernel_dir);
    else if (env_kdir && env_kdir[0])
        snprintf(ctx->kernel_dir, sizeof ctx->kernel_dir, "%s", env_kdir);
}

cls_status cls_context_create(cls_context **out, const cls_context_options *opts)
{
    const char *spec = opts ? opts->device : NULL;
    cl_device_id dev = NULL;
    cl_int err = CL_SUCCESS;
    cls_context *ctx;
    cls_status st;

    if (!out)
        return cls__fail(CLS_ERR_INVALID_ARG, "ctx: output pointer is NULL");
    *out = NULL;
    if (!spec)
        spec = getenv("CLS_DEVICE");
    pthread_mutex_lock(&discovery);
    st = pick_device(spec, &dev);
    if (st != CLS_OK) {
        pthread_mutex_unlock(&discovery);
        return st;
    }
    ctx = context_alloc();
    if (!ctx) {
        pthread_mutex_unlock(&discovery);
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "cls_context_create: out of host memory");
    }
    ctx->device = dev;
    ctx->cl_ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
    if (err != CL_SUCCESS) {
        st = cls__fail_cl(err, "clCreateContext");
        goto done;
    }
    {
        cl_queue_properties props[] = {CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0};
        ctx->queue = clCreateCommandQueueWithProperties(ctx->cl_ctx, dev, props, &err);
    }
    if (err != CL_SUCCESS) {
        st = cls__fail_cl(err, "clCreateCommandQueueWithProperties");
        goto done;
    }
    read_info(ctx);
    pthread_mutex_unlock(&discovery);
    apply_options(ctx, opts);
    if ((st = cls__profile_read(ctx, opts)) != CLS_OK)
        goto done;
    *out = ctx;
    return CLS_OK;
done:
    pthread_mutex_unlock(&discovery);
    cls_context_destroy(ctx);
    return st;
}

cls_status cls_context_wrap_opts(cls_context **out, cl_context cl_ctx, cl_device_id device,
                                 cl_command_queue queue, const cls_context_options *opts)
{
    cls_context *ctx;
    cl_context qctx = NULL;
    cl_device_id qdev = NULL;
    cl_int err;
    if (!out)
        return cls__fail(CLS_ERR_INVALID_ARG, "ctx: output pointer is NULL");
    *out = NULL;
    if (!cl_ctx || !device || !queue)
        return cls__fail(CLS_ERR_INVALID_ARG, "cls_context_wrap: %s is NULL",
                         !cl_ctx   ? "cl_context"
                         : !device ? "cl_device_id"
                                   : "cl_command_queue");
    err = clGetCommandQueueInfo(queue, CL_QUEUE_CONTEXT, sizeof qctx, &qctx, NULL);
    if (err != CL_SUCCESS)
        return cls__fail_cl(err, "clGetCommandQueueInfo(CL_QUEUE_CONTEXT)");
    clGetCommandQueueInfo(queue, CL_QUEUE_DEVICE, sizeof qdev, &qdev, NULL);
    if (qctx != cl_ctx || qdev != device)
        return cls__fail(CLS_ERR_INVALID_ARG, "cls_context_wrap: the queue belongs to another %s",
                         qctx != cl_ctx ? "context" : "device");
    ctx = context_alloc();
    if (!ctx)
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "cls_context_wrap: out of host memory");
    clRetainContext(cl_ctx);
    clRetainCommandQueue(queue);
    ctx->cl_ctx = cl_ctx;
    ctx->device = device;
    ctx->queue = queue;
    pthread_mutex_lock(&discovery);
    read_info(ctx);
    pthread_mutex_unlock(&discovery);
    apply_options(ctx, opts);
    {
        cls_status st = cls__profile_read(ctx, opts);
        if (st != CLS_OK) {
            cls_context_destroy(ctx);
            return st;
        }
    }
    *out = ctx;
    return CLS_OK;
}

cls_status cls_context_wrap(cls_context **out, cl_context cl_ctx, cl_device_id device,
                            cl_command_queue queue)
{
    return cls_context_wrap_opts(out, cl_ctx, device, queue, NULL);
}

void cls_context_destroy(cls_context *ctx)
{
    if (!ctx)
        return;
    for (int i = 0; i < ctx->num_kernels; i++)
        clReleaseKernel(ctx->kernels[i].kernel);
    for (int i = 0; i < ctx->num_programs; i++)
        clReleaseProgram(ctx->programs[i].program);
    free(ctx->kernels);
    free(ctx->programs);
    if (ctx->queue)
        clReleaseCommandQueue(ctx->queue);
    if (ctx->cl_ctx)
        clReleaseContext(ctx->cl_ctx);
    pthread_mutex_destroy(&ctx->lock);
    free(ctx);
}

cls_status cls_context_get_cl(const cls_context *ctx, cl_context *cl_ctx, cl_device_id *device,
                              cl_command_queue *queue)
{
    if (!ctx)
        return cls__fail(CLS_ERR_INVALID_ARG, "ctx is NULL");
    if (cl_ctx)
        *cl_ctx = ctx->cl_ctx;
    if (device)
        *device = ctx->device;
    if (queue)
        *queue = ctx->queue;
    return CLS_OK;
}

cls_status cls_context_get_info(const cls_context *ctx, cls_device_info *info)
{
    if (!ctx || !info)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s is NULL", !ctx ? "ctx" : "info");
    *info = ctx->info;
    return CLS_OK;
}

cls_status cls_context_get_build_stats(cls_context *ctx, cls_build_stats *stats)
{
    if (!ctx || !stats)
        return cls__fail(CLS_ERR_INVALID_ARG, "%s is NULL", !ctx ? "ctx" : "stats");
    cls__lock(ctx);
    stats->from_source = ctx->builds_from_source;
    stats->from_disk = ctx->builds_from_disk;
    stats->seconds = ctx->build_seconds;
    cls__unlock(ctx);
    return CLS_OK;
}

cls_status cls_context_set_verify(cls_context *ctx, int verify)
{
    if (!ctx)
        return cls__fail(CLS_ERR_INVALID_ARG, "ctx is NULL");
    cls__lock(ctx);
    ctx->verify = verify != 0;
    cls__unlock(ctx);
    return CLS_OK;
}

cls_status cls_list_devices(char *buf, size_t size)
{
    device_list list;
    size_t used = 0;
    cls_status st;
    if (!buf || size == 0)
        return cls__fail(CLS_ERR_INVALID_ARG, "buf is NULL or empty");
    buf[0] = '\0';
    pthread_mutex_lock(&discovery);
    st = enumerate(&list);
    if (st != CLS_OK) {
        pthread_mutex_unlock(&discovery);
        return st;
    }
    for (int i = 0; i < list.count; i++) {
        char name[256], pname[256] = "";
        cl_device_type t = 0;
        cl_platform_id plat = NULL;
        get_str(list.ids[i], CL_DEVICE_NAME, name, sizeof name);
        clGetDeviceInfo(list.ids[i], CL_DEVICE_TYPE, sizeof t, &t, NULL);
        clGetDeviceInfo(list.ids[i], CL_DEVICE_PLATFORM, sizeof plat, &plat, NULL);
        clGetPlatformInfo(plat, CL_PLATFORM_NAME, sizeof pname, pname, NULL);
        pname[sizeof pname - 1] = '\0';
        /* Past the end of buf, snprintf only counts (the list is cut at a
         * line's end or inside the last line that fits, always terminated). */
        int n = snprintf(used < size ? buf + used : NULL, used < size ? size - used : 0,
                         "%d:%d  %-5s %s  (%s)\n", list.platform[i], list.index[i], type_name(t),
                         name, pname);
        if (n < 0)
            n = 0;
        used += (size_t)n;
    }
    pthread_mutex_unlock(&discovery);
    if (used >= size)
        return cls__fail(CLS_ERR_BUFFER_TOO_SMALL,
                         "cls_list_devices: the list of %d devices needs %zu bytes but buf_size "
                         "is %zu; buf holds it truncated",
                         list.count, used + 1, size);
    return CLS_OK;
}
