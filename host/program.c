/* Programs: built once per context, kept; on-disk binary cache written atomically. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define CACHE_MAGIC "CLSBIN01"

uint64_t cls__hash(uint64_t h, const void *data, size_t size)
{
    const unsigned char *p = data;
    if (h == 0)
        h = 1469598103934665603ull;
    for (size_t i = 0; i < size; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
    return cls__hash(h, s, strlen(s) + 1);
}

/* Double the capacity of a growable array (at least 16 entries). */
static int grow(void **items, int *cap, size_t item_size)
{
    int n = *cap ? *cap * 2 : 16;
    void *p = realloc(*items, (size_t)n * item_size);
    if (!p)
        return -1;
    *items = p;
    *cap = n;
    return 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Device identity for the disk key: name, driver, device and platform versions. */
static uint64_t device_key(const cls_context *ctx, uint64_t h)
{
    h = hash_str(h, ctx->info.name);
    h = hash_str(h, ctx->info.driver_version);
    h = hash_str(h, ctx->info.device_version);
    h = hash_str(h, ctx->info.platform_version);
    return h;
}

int cls__mkdir_p(const char *path)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    /* The cache directory itself is private (parents keep the umask's mode). */
    return (mkdir(tmp, 0700) == 0 || errno == EEXIST) ? 0 : -1;
}

/* Non-zero when st is owned by this user and not writable by group or
 * others (as ssh treats its keys): only then is a cache entry or the cache
 * directory trusted. */
static int private_to_user(const struct stat *st)
{
    return st->st_uid == geteuid() && (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/* Non-zero when the cache directory exists, is a directory and is private. */
static int cache_dir_private(const cls_context *ctx)
{
    struct stat st;
    return stat(ctx->cache_dir, &st) == 0 && S_ISDIR(st.st_mode) && private_to_user(&st);
}

static void cache_path(const cls_context *ctx, uint64_t key, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%016llx.bin", ctx->cache_dir, (unsigned long long)key);
}

/* Cache file: magic, key, binary size, binary hash, binary. Any mismatch = miss. */
static cl_program load_cached(cls_context *ctx, uint64_t key)
{
    char path[1200];
    unsigned char *bin = NULL;
    char magic[8];
    uint64_t fkey = 0, fsize = 0, fhash = 0;
    cl_program prog = NULL;
    FILE *f;
    struct stat st;
    int fd;
    if (!cache_dir_private(ctx))
        return NULL;
    cache_path(ctx, key, path, sizeof path);
    /* Entries that are links, not regular files, not the user's or writable
     * by others are ignored (and rebuilt and replaced). */
    fd = open(path, O_RDONLY | O_NOFOLLOW);
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || !private_to_user(&st) ||
        !(f = fdopen(fd, "rb"))) {
        close(fd);
        return NULL;
    }
    if (fread(magic, 1, 8, f) != 8 || memcmp(magic, CACHE_MAGIC, 8) != 0 ||
        fread(&fkey, 8, 1, f) != 1 || fread(&fsize, 8, 1, f) != 1 || fread(&fhash, 8, 1, f) != 1 ||
        fkey != key || fsize == 0 || fsize > (1ull << 30) || (uint64_t)st.st_size != 32 + fsize)
        goto done;
    bin = malloc(fsize);
    if (!bin || fread(bin, 1, fsize, f) != fsize || cls__hash(0, bin, fsize) != fhash)
        goto done;
    {
        const unsigned char *bins[1] = {bin};
        size_t sizes[1] = {(size_t)fsize};
        cl_int bstat = CL_SUCCESS, err;
        prog = clCreateProgramWithBinary(ctx->cl_ctx, 1, &ctx->device, sizes, bins, &bstat, &err);
        if (err != CL_SUCCESS || bstat != CL_SUCCESS) {
            if (prog)
                clReleaseProgram(prog);
            prog = NULL;
            goto done;
        }
        if (clBuildProgram(prog, 1, &ctx->device, NULL, NULL, NULL) != CL_SUCCESS) {
            clReleaseProgram(prog);
            prog = NULL;
        }
    }
done:
    free(bin);
    fclose(f);
    return prog;
}

static void store_cached(cls_context *ctx, uint64_t key, cl_program prog)
{
    char path[1200], tmp[1300];
    size_t size = 0;
    unsigned char *bin = NULL;
    FILE *f;
    if (clGetProgramInfo(prog, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, NULL) != CL_SUCCESS ||
        size == 0)
        return;
    bin = malloc(size);
    if (!bin)
        return;
    {
        unsigned char *bins[1] = {bin};
        if (clGetProgramInfo(prog, CL_PROGRAM_BINARIES, sizeof bins, bins, NULL) != CL_SUCCESS)
            goto done;
    }
    if (cls__mkdir_p(ctx->cache_dir) != 0 || !cache_dir_private(ctx))
        goto done;
    cache_path(ctx, key, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%ld", path, (long)getpid(), (long)clock());
    {
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
        if (fd < 0)
            goto done;
        f = fdopen(fd, "wb");
        if (!f) {
            close(fd);
            remove(tmp);
            goto done;
        }
    }
    {
        uint64_t s = size, h = cls__hash(0, bin, size);
        int ok = fwrite(CACHE_MAGIC, 1, 8, f) == 8 && fwrite(&key, 8, 1, f) == 1 &&
                 fwrite(&s, 8, 1, f) == 1 && fwrite(&h, 8, 1, f) == 1 &&
                 fwrite(bin, 1, size, f) == size;
        ok = (fclose(f) == 0) && ok;
        if (!ok || rename(tmp, path) != 0)
            remove(tmp);
    }
done:
    free(bin);
}

static cls_status build_from_source(cls_context *ctx, const char *text, size_t len,
                                    const char *options, cl_program *out)
{
    cl_int err;
    const char *srcs[1] = {text};
    cl_program prog = clCreateProgramWithSource(ctx->cl_ctx, 1, srcs, &len, &err);
    if (err != CL_SUCCESS)
        return cls__fail_cl(err, "clCreateProgramWithSource");
    err = clBuildProgram(prog, 1, &ctx->device, options, NULL, NULL);
    if (err != CL_SUCCESS) {
        char log[6000] = "";
        clGetProgramBuildInfo(prog, ctx->device, CL_PROGRAM_BUILD_LOG, sizeof log, log, NULL);
        log[sizeof log - 1] = '\0';
        clReleaseProgram(prog);
        return cls__fail(CLS_ERR_BUILD, "clBuildProgram failed: %s (%d), options \"%s\":\n%s",
                         cls_cl_error_name(err), (int)err, options ? options : "", log);
    }
    *out = prog;
    return CLS_OK;
}

static cls_status program_get_source(cls_context *ctx, const char *tag, const char *source,
                                     size_t size, const char *options, cl_program *out)
{
    uint64_t key;
    cl_program prog = NULL;
    cls_status st = CLS_OK;
    double t0;
    if (!options)
        options = "";
    key = hash_str(0, tag);
    key = cls__hash(key, source, size);
    key = hash_str(key, options);
    for (int i = 0; i < ctx->num_programs; i++)
        if (ctx->programs[i].key == key) {
            *out = ctx->programs[i].program;
            return CLS_OK;
        }
    if (ctx->num_programs == ctx->cap_programs &&
        grow((void **)&ctx->programs, &ctx->cap_programs, sizeof *ctx->programs) != 0)
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "out of host memory for the program cache");
    t0 = now_seconds();
    if (ctx->disk_cache)
        prog = load_cached(ctx, device_key(ctx, key));
    if (prog) {
        ctx->builds_from_disk++;
    } else {
        st = build_from_source(ctx, source, size, options, &prog);
        if (st != CLS_OK)
            return st;
        ctx->builds_from_source++;
        if (ctx->disk_cache)
            store_cached(ctx, device_key(ctx, key), prog);
    }
    ctx->build_seconds += now_seconds() - t0;
    ctx->programs[ctx->num_programs].key = key;
    ctx->programs[ctx->num_programs].program = prog;
    ctx->num_programs++;
    *out = prog;
    return CLS_OK;
}

/* The caches are the context's: every lookup and insertion holds its lock. */
cls_status cls__program_get_source(cls_context *ctx, const char *tag, const char *source,
                                   size_t size, const char *options, cl_program *out)
{
    cls_status st;
    cls__lock(ctx);
    st = program_get_source(ctx, tag, source, size, options, out);
    cls__unlock(ctx);
    return st;
}

/* Read a whole file; NULL when it cannot be read. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        if (buf) {
            buf[n] = '\0';
            *len = (size_t)n;
        }
    }
    fclose(f);
    return buf;
}

/* Source of kernels/<name>.cl: from kernel_dir when set, else embedded. */
static char *load_source(const cls_context *ctx, const char *name, size_t *len)
{
    if (ctx->kernel_dir[0]) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s.cl", ctx->kernel_dir, name);
        return read_file(path, len);
    }
    for (size_t i = 0; i < cls__kernel_source_count; i++)
        if (strcmp(cls__kernel_sources[i].name, name) == 0) {
            char *buf = malloc(cls__kernel_sources[i].size + 1);
            if (!buf)
                return NULL;
            memcpy(buf, cls__kernel_sources[i].data, cls__kernel_sources[i].size);
            buf[cls__kernel_sources[i].size] = '\0';
            *len = cls__kernel_sources[i].size;
            return buf;
        }
    return NULL;
}

cls_status cls__program_get(cls_context *ctx, const char *name, const char *options,
                            cl_program *out)
{
    const cls__program_def *def = cls__program_find(name);
    char *text = NULL, opts[512], acts[160] = "";
    size_t len = 0;
    cls_status st = CLS_OK;
    if (!def)
        return cls__fail(CLS_ERR_BUILD, "kernel program \"%s\" is not in the program table", name);
    if (def->act_codes)
        snprintf(acts, sizeof acts,
                 " -DCLS_ACT_NONE=%d -DCLS_ACT_RELU=%d -DCLS_ACT_LEAKY_RELU=%d -DCLS_ACT_PRELU=%d "
                 "-DCLS_ACT_SIGMOID=%d",
                 (int)CLS_ACT_NONE, (int)CLS_ACT_RELU, (int)CLS_ACT_LEAKY_RELU, (int)CLS_ACT_PRELU,
                 (int)CLS_ACT_SIGMOID);
    if (snprintf(opts, sizeof opts, "%s%s%s%s", options ? options : "",
                 def->tier == CLS_TIER_PORTABLE ? "" : " ",
                 def->tier == CLS_TIER_PORTABLE ? "" : ctx->profile.defines,
                 acts) >= (int)sizeof opts)
        return cls__fail(CLS_ERR_INVALID_ARG, "build options of \"%s\" are too long", name);
    for (int i = 0; i < CLS__PROGRAM_FILES && def->files[i] && st == CLS_OK; i++) {
        size_t plen = 0;
        char *body = load_source(ctx, def->files[i], &plen), *grown;
        if (!body) {
            st = cls__fail(CLS_ERR_BUILD, "kernel source \"%s.cl\" not found%s%s", def->files[i],
                           ctx->kernel_dir[0] ? " in " : " among the embedded kernels",
                           ctx->kernel_dir);
            break;
        }
        grown = realloc(text, len + plen + 2);
        if (!grown) {
            free(body);
            st = cls__fail(CLS_ERR_OUT_OF_MEMORY, "out of host memory for kernel source");
            break;
        }
        text = grown;
        memcpy(text + len, body, plen);
        len += plen;
        text[len++] = '\n';
        text[len] = '\0';
        free(body);
    }
    if (st == CLS_OK)
        st = cls__program_get_source(ctx, name, text, len, opts, out);
    free(text);
    return st;
}

static cls_status kernel_get(cls_context *ctx, const char *name, const char *options,
                             const char *kernel_name, cl_kernel *out)
{
    cl_program prog;
    cl_int err;
    cl_kernel k;
    cls_status st;
    /* Hot path: a kernel made before is found by its key, without the source. */
    uint64_t key = hash_str(hash_str(hash_str(0, name), options ? options : ""), kernel_name);
    for (int i = ctx->num_kernels - 1; i >= 0; i--)
        if (ctx->kernels[i].key == key) {
            *out = ctx->kernels[i].kernel;
            return CLS_OK;
        }
    st = cls__program_get(ctx, name, options, &prog);
    if (st != CLS_OK)
        return st;
    if (ctx->num_kernels == ctx->cap_kernels &&
        grow((void **)&ctx->kernels, &ctx->cap_kernels, sizeof *ctx->kernels) != 0)
        return cls__fail(CLS_ERR_OUT_OF_MEMORY, "out of host memory for the kernel cache");
    k = clCreateKernel(prog, kernel_name, &err);
    if (err != CL_SUCCESS) {
        cls__fail_cl(err, "clCreateKernel");
        return cls__fail(CLS_ERR_BUILD, "clCreateKernel(\"%s\") in %s.cl failed: %s", kernel_name,
                         name, cls_cl_error_name(err));
    }
    ctx->kernels[ctx->num_kernels].key = key;
    ctx->kernels[ctx->num_kernels].kernel = k;
    ctx->num_kernels++;
    *out = k;
    return CLS_OK;
}

cls_status cls__kernel_get(cls_context *ctx, const char *name, const char *options,
                           const char *kernel_name, cl_kernel *out)
{
    cls_status st;
    cls__lock(ctx);
    st = kernel_get(ctx, name, options, kernel_name, out);
    cls__unlock(ctx);
    return st;
}
