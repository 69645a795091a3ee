/* Device profiles and tiers: the portable planner on fake profiles (GPUs of
 * 32- and 64-wide preferred multiples, a CPU, an accelerator, a small
 * device, a device of several types), the tier choice, CLS_TIER, the
 * CLS_LOG launch line, and the fallback from a CPU kernel that does not
 * build to the portable one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "reference/d2s_ref.h"
#include "reference/reference.h"
#include "util.h"

typedef struct fake {
    const char *name;
    cl_device_type type;
    size_t max_wg, items[3], multiple;
    cl_ulong local;
    int clang, x86, avx2;
} fake;

static const fake fakes[] = {
    {"gpu32", CL_DEVICE_TYPE_GPU, 1024, {1024, 1024, 64}, 32, 49152, 1, 0, 0},
    {"gpu64", CL_DEVICE_TYPE_GPU, 256, {1024, 1024, 1024}, 64, 65536, 1, 0, 0},
    {"cpu", CL_DEVICE_TYPE_CPU, 4096, {4096, 4096, 4096}, 8, 524288, 1, 1, 1},
    {"accelerator", CL_DEVICE_TYPE_ACCELERATOR, 512, {512, 512, 512}, 16, 32768, 0, 0, 0},
    {"small", CL_DEVICE_TYPE_GPU, 256, {256, 256, 256}, 32, 16384, 0, 0, 0},
    {"several",
     CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_CPU | CL_DEVICE_TYPE_ACCELERATOR,
     256,
     {256, 256, 256},
     16,
     32768,
     1,
     0,
     0},
};

static cls_device_profile make_profile(const fake *f, cls_tier want)
{
    cls_device_profile p;
    memset(&p, 0, sizeof p);
    p.type = f->type;
    p.compute_units = 16;
    p.max_work_group_size = f->max_wg;
    memcpy(p.max_work_item_sizes, f->items, sizeof f->items);
    p.wg_multiple = f->multiple;
    p.local_mem_size = f->local;
    p.local_mem_is_local = 1;
    p.global_cache_line = 64;
    p.has_int64 = 1;
    p.clang = f->clang, p.x86_64 = f->x86, p.avx2 = f->avx2;
    p.nt_store = p.shufflevector = f->clang;
    cls__profile_finish(&p, want);
    return p;
}

START_TEST(tier_choice)
{
    for (size_t i = 0; i < sizeof fakes / sizeof fakes[0]; i++) {
        cls_device_profile p = make_profile(&fakes[i], CLS_TIER_AUTO);
        int cpu = strcmp(fakes[i].name, "cpu") == 0;
        ck_assert_msg(p.tier == (cpu ? CLS_TIER_CPU : CLS_TIER_PORTABLE), "%s: tier %s",
                      fakes[i].name, cls__tier_name(p.tier));
        /* Forcing portable always works; forcing cpu only where it fits. */
        ck_assert_int_eq(make_profile(&fakes[i], CLS_TIER_PORTABLE).tier, CLS_TIER_PORTABLE);
        ck_assert_int_eq(make_profile(&fakes[i], CLS_TIER_CPU).tier,
                         cpu ? CLS_TIER_CPU : CLS_TIER_PORTABLE);
        ck_assert_ptr_nonnull(strstr(p.defines, "-DCLS_AVX2="));
    }
}
END_TEST

/* Layouts used below: N, C, H, W with strides for NCHW or NHWC. */
static cls_tensor t4(cls_dtype dt, int64_t n, int64_t c, int64_t h, int64_t w, int nhwc)
{
    return nhwc ? cls_tensor_nhwc(NULL, 0, dt, n, c, h, w)
                : cls_tensor_nchw(NULL, 0, dt, n, c, h, w);
}

/* The plan of (src, dst) on profile p: a portable kernel whose launch is
 * within the device's limits, in work-groups of a multiple of the preferred
 * size, and stores consecutive units from consecutive work-items. */
static void check_plan(const cls_device_profile *p, const char *dev, const char *what,
                       const cls_tensor *src, const cls_tensor *dst)
{
    cls__copy_plan plan;
    cls__launch_geom g;
    size_t wg;
    cls__copy_plan_make_prof(p, src, dst, strcmp(what, "d2s") == 0 || strcmp(what, "s2d") == 0,
                             &plan);
    ck_assert_msg(plan.tier == CLS_TIER_PORTABLE, "%s %s: tier %s", dev, what,
                  cls__tier_name(plan.tier));
    ck_assert_msg(plan.kernel == CLS__COPY_GENERIC || plan.kernel == CLS__COPY_RUN ||
                      plan.kernel == CLS__COPY_TILE,
                  "%s %s: kernel %s", dev, what, cls__copy_kernel_name(plan.kernel));
    cls__copy_portable_geometry(p, &plan, &g);
    ck_assert_ptr_nonnull(g.program);
    ck_assert_msg(strncmp(g.program, "portable/", 9) == 0, "%s %s: %s", dev, what, g.program);
    wg = g.local[0] * g.local[1] * g.local[2];
    ck_assert_msg(wg <= p->max_work_group_size, "%s %s: work-group %zu > %zu", dev, what, wg,
                  p->max_work_group_size);
    for (int i = 0; i < 3; i++) {
        ck_assert_msg(g.local[i] <= p->max_work_item_sizes[i], "%s %s: local[%d] = %zu", dev, what,
                      i, g.local[i]);
        ck_assert_msg(g.global[i] % g.local[i] == 0, "%s %s: global[%d] = %zu, local %zu", dev,
                      what, i, g.global[i], g.local[i]);
    }
    ck_assert_msg(wg % p->wg_multiple == 0, "%s %s: work-group %zu, preferred multiple %zu", dev,
                  what, wg, p->wg_multiple);
    /* Several z (batch) rows per work-item only where a work-group is a
     * task (the run copy, the register transpose), and every row covered. */
    ck_assert_uint_ge(g.zpi, 1);
    if (!(p->type & CL_DEVICE_TYPE_CPU))
        ck_assert_uint_eq(g.zpi, 1);
    if (strcmp(g.kernel, "transpose_regs") == 0) {
        uint64_t batch = 1;
        for (int d = 0; d < g.rows.ndim; d++)
            batch *= (uint64_t)g.rows.sizes[d];
        ck_assert_msg((uint64_t)g.global[2] * g.zpi >= batch &&
                          (uint64_t)(g.global[2] - 1) * g.zpi < batch,
                      "%s %s: %zu x %llu batch rows for %llu", dev, what, g.global[2],
                      (unsigned long long)g.zpi, (unsigned long long)batch);
    }
    /* Non-temporal stores (NT=1): the run copy and the register transpose
     * on devices of CPU type whose compiler has them, nowhere else. */
    {
        const char *nt = strstr(g.options, "-DNT=");
        int want = (p->type & CL_DEVICE_TYPE_CPU) && p->nt_store &&
                   (plan.kernel == CLS__COPY_RUN || plan.kernel == CLS__COPY_TILE);
        ck_assert_msg((nt && atoi(nt + 5) == 1) == want, "%s %s: %s, nt_store %d", dev, what,
                      g.options, p->nt_store);
    }
    /* Coalesced writes: x steps over a dim of dst stride 1 (the run copy's
     * and the gather's innermost dim, the tile's B), in units of at least
     * 4 bytes in the tile. */
    if (plan.kernel == CLS__COPY_TILE && strcmp(g.kernel, "transpose_regs") == 0) {
        /* The register transpose, only where a work-group is a task (CPU
         * type): V-element units of 8 or 16 bytes (2 of 8-byte elements), B
         * strips of whole units, stores along B. */
        const char *vopt = strstr(g.options, "-DV=");
        int v = vopt ? atoi(vopt + 4) : 0;
        ck_assert_msg(p->type & CL_DEVICE_TYPE_CPU, "%s %s: transpose_regs off a CPU", dev, what);
        ck_assert_int_eq(plan.dstr[plan.b], 1);
        ck_assert_msg(v >= 2 && v <= 8 && (size_t)v * plan.es >= 8, "%s %s: V=%d", dev, what, v);
        ck_assert_msg(g.per >= (uint64_t)v && g.per % (uint64_t)v == 0, "%s %s: strip %llu, V=%d",
                      dev, what, (unsigned long long)g.per, v);
        /* A of at most a line: a work-item takes every whole unit of it
         * (a partial one goes element by element). */
        if ((uint64_t)plan.sizes[plan.a] * plan.es <= p->global_cache_line) {
            const char *au = strstr(g.options, "-DAU=");
            ck_assert_msg(
                au && (uint64_t)atoi(au + 5) * (uint64_t)v * 2 > (uint64_t)plan.sizes[plan.a],
                "%s %s: A = %lld, %s", dev, what, (long long)plan.sizes[plan.a], g.options);
        }
    } else if (plan.kernel == CLS__COPY_TILE) {
        int tx, ty, u, pad;
        cls__portable_tile(p, plan.es, &tx, &ty, &u, &pad);
        ck_assert_int_eq(plan.dstr[plan.b], 1);
        ck_assert_msg((size_t)u * plan.es >= 4, "%s %s: %d-element units", dev, what, u);
        ck_assert_int_eq(g.local[0], (size_t)tx);
        ck_assert_msg(ty <= tx * u && (tx * u) % ty == 0, "%s %s: tile %dx%d, u %d", dev, what, tx,
                      ty, u);
        /* Only on devices not of CPU type: 4-byte units, one tile a
         * work-group. */
        ck_assert_msg(!(p->type & CL_DEVICE_TYPE_CPU), "%s %s: local tile on a CPU", dev, what);
        ck_assert_uint_eq(g.per, 1);
        ck_assert_msg(plan.es >= 4 || (size_t)u * plan.es == 4, "%s %s: %d-element units", dev,
                      what, u);
        ck_assert_msg((uint64_t)tx * (uint64_t)u * (uint64_t)(tx * u + pad) * plan.es <=
                          p->local_mem_size,
                      "%s %s: tile exceeds local memory", dev, what);
    } else if (plan.kernel == CLS__COPY_RUN) {
        ck_assert_int_eq(plan.dstr[plan.ndim - 1], 1);
    } else {
        /* Consecutive elements, or consecutive runs of the looped dim. */
        int x = g.xdim, l = g.ldim;
        ck_assert_msg(plan.dstr[x] == 1 || (l >= 0 && plan.dstr[l] == 1 && plan.dstr[x] == g.inner),
                      "%s %s: gather x dim dst stride %lld, loop %d", dev, what,
                      (long long)plan.dstr[x], l);
        ck_assert_int_le(g.inner, 16);
    }
}

START_TEST(portable_plans_on_fake_profiles)
{
    static const cls_dtype dts[4] = {CLS_U8, CLS_F16, CLS_F32, CLS_F64};
    static const cls_d2s_mode modes[2] = {CLS_DCR, CLS_CRD};
    int plans = 0;
    for (size_t f = 0; f < sizeof fakes / sizeof fakes[0]; f++) {
        cls_device_profile p = make_profile(&fakes[f], CLS_TIER_PORTABLE);
        const char *dev = fakes[f].name;
        for (int k = 0; k < 4; k++) {
            cls_dtype dt = dts[k];
            int64_t n = 4099, sz2[2] = {300, 517}, sz5[5] = {2, 5, 7, 9, 11};
            int64_t cs[4] = {3, 16, 64, 256};
            cls_tensor s, d;
            /* copy */
            s = cls_tensor_contiguous(NULL, 0, dt, 1, &n), d = s;
            check_plan(&p, dev, "copy", &s, &d), plans++;
            /* NCHW <-> NHWC, NCL <-> NLC */
            for (int c = 0; c < 4; c++) {
                s = t4(dt, 2, cs[c], 33, 35, 0), d = t4(dt, 2, cs[c], 33, 35, 1);
                check_plan(&p, dev, "nchw->nhwc", &s, &d), plans++;
                check_plan(&p, dev, "nhwc->nchw", &d, &s), plans++;
                s = cls_tensor_ncl(NULL, 0, dt, 2, cs[c], 1000);
                d = cls_tensor_nlc(NULL, 0, dt, 2, cs[c], 1000);
                check_plan(&p, dev, "ncl->nlc", &s, &d), plans++;
                check_plan(&p, dev, "nlc->ncl", &d, &s), plans++;
            }
            /* a 2-D transpose and a 5-D permute */
            s = cls_tensor_contiguous(NULL, 0, dt, 2, sz2), d = s;
            d.strides[0] = 1, d.strides[1] = 300;
            check_plan(&p, dev, "transpose2d", &s, &d), plans++;
            s = cls_tensor_contiguous(NULL, 0, dt, 5, sz5), d = s;
            {
                static const int perm[5] = {0, 3, 1, 4, 2};
                int64_t st = 1;
                for (int i = 4; i >= 0; i--)
                    d.strides[perm[i]] = st, st *= sz5[perm[i]];
            }
            check_plan(&p, dev, "permute5", &s, &d), plans++;
            /* blocked nChw16c: plain (N, C/16, H, W, 16) against the blocks */
            {
                int64_t bs[5] = {2, 4, 9, 11, 16};
                cls_tensor pv = cls_tensor_contiguous(NULL, 0, dt, 5, bs), bv = pv;
                pv.strides[0] = 64 * 99, pv.strides[1] = 16 * 99, pv.strides[2] = 11;
                pv.strides[3] = 1, pv.strides[4] = 99;
                check_plan(&p, dev, "blocked pack", &pv, &bv), plans++;
                check_plan(&p, dev, "blocked unpack", &bv, &pv), plans++;
            }
            /* depth-to-space and space-to-depth, both modes and layouts */
            for (int r = 2; r <= 4; r++)
                for (int m = 0; m < 2; m++)
                    for (int nhwc = 0; nhwc < 2; nhwc++) {
                        cls_tensor deep = t4(dt, 2, 5 * r * r, 13, 17, nhwc);
                        cls_tensor space = t4(dt, 2, 5, 13 * r, 17 * r, nhwc), vd, vs;
                        cls__d2s_views(&deep, &space, r, r, modes[m], &vd, &vs);
                        check_plan(&p, dev, "d2s", &vd, &vs), plans++;
                        check_plan(&p, dev, "s2d", &vs, &vd), plans++;
                    }
        }
        /* The direct conv's work-group: a power of two within the limits. */
        {
            size_t wg = cls__portable_wg(&p, 64);
            ck_assert_uint_le(wg, p.max_work_group_size);
            ck_assert_uint_eq(wg % p.wg_multiple, 0);
        }
    }
    ck_assert_int_gt(plans, 500);
}
END_TEST

/* The tile fits every element size into 16 KiB of local memory. */
START_TEST(tile_fits_small_local_memory)
{
    cls_device_profile p = make_profile(&fakes[4], CLS_TIER_PORTABLE);
    for (size_t es = 1; es <= 8; es *= 2) {
        int tx, ty, u, pad;
        cls__portable_tile(&p, es, &tx, &ty, &u, &pad);
        ck_assert_uint_le((size_t)tx * u * (size_t)(tx * u + pad) * es, 16384 / 2);
        ck_assert_uint_le((size_t)tx * ty, 256);
    }
}
END_TEST

START_TEST(context_profile_and_env)
{
    cls_context *ctx = tu_context();
    cls_device_profile p;
    char line[512];
    ck_assert_int_eq(cls_context_get_profile(ctx, &p), CLS_OK);
    ck_assert_uint_ge(p.wg_multiple, 1);
    ck_assert_uint_ge(p.max_work_group_size, 1);
    ck_assert_int_eq(cls_profile_describe(&p, line, sizeof line), CLS_OK);
    ck_assert_ptr_nonnull(strstr(line, "tier="));
    ck_assert_int_eq(cls_profile_describe(&p, line, 10), CLS_ERR_INVALID_ARG);
    cls_context_destroy(ctx);
    /* CLS_TIER forces the portable tier; an unknown value is an error. */
    setenv("CLS_TIER", "portable", 1);
    ctx = tu_context();
    ck_assert_int_eq(cls_context_get_profile(ctx, &p), CLS_OK);
    ck_assert_int_eq(p.tier, CLS_TIER_PORTABLE);
    cls_context_destroy(ctx);
    setenv("CLS_TIER", "fastest", 1);
    ck_assert_int_eq(cls_context_create(&ctx, NULL), CLS_ERR_INVALID_ARG);
    ck_assert_ptr_nonnull(strstr(cls_last_error(), "fastest"));
    unsetenv("CLS_TIER");
}
END_TEST

/* Copy the kernels folder to dir, with every CPU-tier file broken. */
static void broken_cpu_kernels(char *dir, size_t size)
{
    char cmd[1400];
    snprintf(dir, size, "/tmp/cls_broken_%d", (int)getpid());
    snprintf(cmd, sizeof cmd,
             "rm -rf %s && cp -r %s/kernels %s && for f in %s/cpu/*.cl; do "
             "echo '#error deliberately broken' >> $f; done",
             dir, CLS_SOURCE_DIR, dir, dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Run op on a fresh pair of buffers and compare the whole dst buffer with
 * the reference (stray writes fail too). */
static void run_layout(cls_context *ctx, const char *what, const cls_tensor *s0,
                       const cls_tensor *d0, int d2s_block)
{
    cls_tensor s = *s0, d = *d0;
    uint64_t sb = 0, db = 0;
    unsigned char *sh, *dh, *out;
    ck_assert_int_eq(cls_tensor_extent(&s, &sb), CLS_OK);
    ck_assert_int_eq(cls_tensor_extent(&d, &db), CLS_OK);
    sh = malloc(sb), dh = malloc(db);
    tu_fill(sh, sb, 5u), tu_fill(dh, db, 9u);
    s.buffer = tu_buffer(ctx, sb, sh), d.buffer = tu_buffer(ctx, db, dh);
    if (d2s_block) {
        cls__d2s_ref_arg arg = {d2s_block, d2s_block, CLS_DCR, 0};
        ck_assert_msg(
            cls_depth_to_space(ctx, &s, &d, d2s_block, d2s_block, CLS_DCR, 0, NULL, NULL) == CLS_OK,
            "%s: %s", what, cls_last_error());
        ck_assert_int_eq(cls__ref_depth_to_space(sh, &s, dh, &d, &arg), CLS_OK);
    } else {
        ck_assert_msg(cls_copy(ctx, &s, &d, 0, NULL, NULL) == CLS_OK, "%s: %s", what,
                      cls_last_error());
        ck_assert_int_eq(cls__ref_copy(sh, &s, dh, &d, NULL), CLS_OK);
    }
    out = tu_read(ctx, d.buffer, db);
    ck_assert_msg(memcmp(out, dh, db) == 0, "%s: differs from the reference", what);
    clReleaseMemObject(s.buffer), clReleaseMemObject(d.buffer);
    free(sh), free(dh), free(out);
}

/* What stderr (redirected to path, open as fd) received; removes the file. */
static void read_log(const char *path, int fd, char *log, size_t size)
{
    FILE *f;
    size_t n;
    fflush(stderr);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    n = fread(log, 1, size - 1, f);
    log[n] = '\0';
    fclose(f);
    close(fd);
    unlink(path);
}

START_TEST(cpu_kernel_that_fails_to_build_falls_back)
{
    char dir[256], path[] = "/tmp/cls_fallback_XXXXXX", log[4096];
    cls_context *ctx = NULL;
    cls_context_options o;
    int fd = mkstemp(path);
    broken_cpu_kernels(dir, sizeof dir);
    memset(&o, 0, sizeof o);
    o.disable_disk_cache = 1;
    o.kernel_dir = dir;
    o.tier = CLS_TIER_CPU;
    ck_assert_int_eq(cls_context_create(&ctx, &o), CLS_OK);
    if (ctx->profile.tier != CLS_TIER_CPU) { /* the CPU tier does not fit this device */
        cls_context_destroy(ctx);
        return;
    }
    ck_assert_int_ge(fd, 0);
    setenv("CLS_LOG", "1", 1);
    ck_assert_ptr_nonnull(freopen(path, "w", stderr));
    {
        cls_tensor s = t4(CLS_F32, 2, 16, 9, 13, 0), d = t4(CLS_F32, 2, 16, 9, 13, 1);
        run_layout(ctx, "nchw->nhwc", &s, &d, 0);
        s = t4(CLS_U8, 2, 3, 9, 13, 0), d = t4(CLS_U8, 2, 3, 9, 13, 1);
        run_layout(ctx, "nchw->nhwc u8 C=3", &s, &d, 0);
        s = t4(CLS_F32, 2, 12, 9, 13, 0), d = t4(CLS_F32, 2, 3, 18, 26, 0);
        run_layout(ctx, "d2s r=2", &s, &d, 2);
    }
    read_log(path, fd, log, sizeof log);
    ck_assert_msg(strstr(log, "fallback tier=portable") != NULL, "log: %s", log);
    ck_assert_msg(strstr(log, "deliberately broken") != NULL, "log: %s", log);
    ck_assert_msg(strstr(log, "launch tier=portable kernel=") != NULL, "log: %s", log);
    ck_assert_msg(strstr(log, "launch tier=cpu") == NULL, "log: %s", log);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(log_line_names_tier_and_kernel)
{
    char path[] = "/tmp/cls_tierlog_XXXXXX", log[2048];
    int fd = mkstemp(path);
    cls_context *ctx = tu_context();
    cls_tensor s = t4(CLS_F32, 1, 64, 16, 16, 0), d = t4(CLS_F32, 1, 64, 16, 16, 1);
    char want[64];
    ck_assert_int_ge(fd, 0);
    setenv("CLS_LOG", "1", 1);
    ck_assert_ptr_nonnull(freopen(path, "w", stderr));
    run_layout(ctx, "nchw->nhwc", &s, &d, 0);
    read_log(path, fd, log, sizeof log);
    snprintf(want, sizeof want, "launch tier=%s kernel=", cls__tier_name(ctx->profile.tier));
    ck_assert_msg(strstr(log, want) != NULL, "log: %s", log);
    cls_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("profile");
    TCase *tc = tcase_create("profile");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, tier_choice);
    tcase_add_test(tc, portable_plans_on_fake_profiles);
    tcase_add_test(tc, tile_fits_small_local_memory);
    tcase_add_test(tc, context_profile_and_env);
    tcase_add_test(tc, cpu_kernel_that_fails_to_build_falls_back);
    tcase_add_test(tc, log_line_names_tier_and_kernel);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
