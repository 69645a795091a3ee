/* clshuffle-bench: options, the run (roofline, build time, cases) and the reports. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "options.h"

int bench_add_case(bench *b, const bench_case *c)
{
    if (b->opts.match && !strstr(c->rec.variant, b->opts.match))
        return 0;
    if (b->num_cases == b->cap_cases) {
        int cap = b->cap_cases ? 2 * b->cap_cases : 64;
        bench_case *n = realloc(b->cases, sizeof *n * (size_t)cap);
        if (!n)
            return -1;
        b->cases = n;
        b->cap_cases = cap;
    }
    b->cases[b->num_cases++] = *c;
    return 0;
}

void bench_progress(const bench *b, const char *fmt, ...)
{
    static int tty = -1;
    va_list ap;
    (void)b;
    if (tty < 0)
        tty = isatty(STDERR_FILENO);
    fputs(tty ? "\r\033[K" : "", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(tty ? "" : "\n", stderr);
    fflush(stderr);
}

int bench_dtype_order(cls_dtype *order)
{
    int n = 0;
    order[n++] = CLS_F32;
    order[n++] = CLS_F16;
    order[n++] = CLS_U8;
    for (int d = 0; d < CLS_DTYPE_COUNT; d++)
        if (d != CLS_F32 && d != CLS_F16 && d != CLS_U8)
            order[n++] = (cls_dtype)d;
    return n;
}

int bench_dtype_on(const bench *b, cls_dtype dt, int with_narrow)
{
    if (b->opts.dtypes)
        return (b->opts.dtypes >> dt) & 1u;
    return dt == CLS_F32 || (with_narrow && (dt == CLS_F16 || dt == CLS_U8));
}

int bench_sizes(const bench *b, uint64_t *bytes, int max)
{
    static const double quick[] = {8}, normal[] = {64}, full[] = {64, 256};
    const double *mib = b->opts.sizes_mib;
    int n = b->opts.num_sizes;
    if (n == 0) {
        mib = b->opts.level == BENCH_QUICK ? quick : b->opts.level == BENCH_FULL ? full : normal;
        n = b->opts.level == BENCH_FULL ? 2 : 1;
    }
    for (int i = 0; i < n && i < max; i++)
        bytes[i] = (uint64_t)(mib[i] * 1048576.0);
    return n < max ? n : max;
}

/* Fill the header's device facts and the date; plan every selected case. */
static int setup(bench *b)
{
    cls_context_options co;
    time_t now = time(NULL);
    cls_status st;
    memset(&co, 0, sizeof co);
    co.device = b->opts.device;
    co.tier = b->opts.tier;
    if ((st = cls_context_create(&b->ctx, &co)) != CLS_OK) {
        fprintf(stderr, "clshuffle-bench: %s: %s\n", cls_status_string(st), cls_last_error());
        return -1;
    }
    /* The bench checks every case itself; CLS_VERIFY=1 would time the
     * library's read-back checks too. */
    cls_context_set_verify(b->ctx, 0);
    cls_context_get_cl(b->ctx, &b->cl_ctx, &b->device, &b->queue);
    cls_context_get_info(b->ctx, &b->info);
    {
        cls_device_profile prof;
        cls_context_get_profile(b->ctx, &prof);
        snprintf(b->hdr.tier, sizeof b->hdr.tier, "%s",
                 prof.tier == CLS_TIER_CPU ? "cpu" : "portable");
        if (cls_profile_describe(&prof, b->hdr.profile, sizeof b->hdr.profile) != CLS_OK)
            b->hdr.profile[0] = '\0';
    }
    snprintf(b->hdr.device, sizeof b->hdr.device, "%s", b->info.name);
    snprintf(b->hdr.vendor, sizeof b->hdr.vendor, "%s", b->info.vendor);
    snprintf(b->hdr.driver, sizeof b->hdr.driver, "%s", b->info.driver_version);
    snprintf(b->hdr.platform, sizeof b->hdr.platform, "%s %s", b->info.platform_name,
             b->info.platform_version);
    strftime(b->hdr.date, sizeof b->hdr.date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    snprintf(b->hdr.level, sizeof b->hdr.level, "%s",
             b->opts.level == BENCH_QUICK  ? "quick"
             : b->opts.level == BENCH_FULL ? "full"
                                           : "default");
    b->hdr.min_time = b->opts.min_time;
    b->hdr.build_cold_s = b->hdr.build_cached_s = NAN;
    if (((b->opts.ops & BENCH_OP_LAYOUT) && bench_plan_layout(b) != 0) ||
        ((b->opts.ops & BENCH_OP_D2S) && bench_plan_d2s(b) != 0) ||
        ((b->opts.ops & BENCH_OP_CONV) && bench_plan_conv(b) != 0) ||
        ((b->opts.ops & BENCH_OP_CONV) && bench_plan_conv_s2d(b) != 0) ||
        ((b->opts.ops & BENCH_OP_CONVT) && bench_plan_convt(b) != 0)) {
        fprintf(stderr, "clshuffle-bench: out of memory planning cases\n");
        return -1;
    }
    return 0;
}

/* The copy roofline at a case's byte count, measured now; NAN (and a line on
 * stderr) when it could not be. */
static double roofline_now(bench *b, uint64_t bytes)
{
    double gbps;
    if (bench_roofline_now(b, bytes, &gbps) != CLS_OK)
        fprintf(stderr, "clshuffle-bench: paired roofline: %s\n", cls_last_error());
    return gbps;
}

/* Rate every case by the copy roofline at its byte count at the same moments
 * (the machine's bandwidth moves within seconds). Layout and depth-to-space
 * cases time themselves alternately with both copy kernels, iteration by
 * iteration, rated by the faster; any other case (wall-clock timed, or where
 * that failed) runs between two measurements of it and is rated by the
 * higher of the two. The verdict is known only after the case ran, so the
 * measurement before it is taken for every such case; the one after only
 * for a timed case. */
static void run_cases(bench *b)
{
    for (int i = 0; i < b->num_cases; i++) {
        bench_case *c = &b->cases[i];
        bench_record *r = &c->rec;
        double before = NAN;
        bench_progress(b, "[%d/%d] %s %s %s %s ...", i + 1, b->num_cases, r->op, r->variant,
                       r->layout, r->dtype);
        if (!c->pairs_itself)
            before = roofline_now(b, r->bytes);
        c->run(b, c);
        if (r->verdict == BENCH_PASS && !isnan(r->gbps) && c->paired)
            r->ratio = r->gbps / r->roofline_gbps;
        else if (r->verdict == BENCH_PASS && !isnan(r->gbps))
            bench_record_pair(r, before, roofline_now(b, r->bytes));
        if (r->verdict == BENCH_PASS)
            bench_progress(b, "[%d/%d] %s %s %s %s: %.2f GB/s, %.2f of paired roofline", i + 1,
                           b->num_cases, r->op, r->variant, r->layout, r->dtype, r->gbps, r->ratio);
        else
            bench_progress(b, "[%d/%d] %s %s %s %s: %s %s", i + 1, b->num_cases, r->op, r->variant,
                           r->layout, r->dtype, bench_verdict_name(r->verdict), r->note);
    }
    if (isatty(STDERR_FILENO))
        fputs("\r\033[K", stderr);
}

/* After the second run-wide pass: the run-wide figures at the better of the
 * two passes (the paired figures stay). */
static void rerate(bench *b)
{
    for (int i = 0; i < b->num_cases; i++) {
        bench_record *r = &b->cases[i].rec;
        if (r->verdict == BENCH_PASS)
            bench_record_rate_run(r, &b->hdr);
    }
}

typedef int (*writer_fn)(FILE *f, const bench_header *h, const bench_record *r, int n);

static int csv_writer(FILE *f, const bench_header *h, const bench_record *r, int n)
{
    (void)h;
    return bench_write_csv(f, r, n);
}

static int write_report(const char *path, writer_fn fn, const bench *b, const bench_record *r)
{
    FILE *f;
    int rc;
    if (!path)
        return 0;
    f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "clshuffle-bench: cannot write %s\n", path);
        return -1;
    }
    rc = fn(f, &b->hdr, r, b->num_cases);
    rc |= fclose(f) != 0 ? -1 : 0;
    if (rc != 0)
        fprintf(stderr, "clshuffle-bench: error writing %s\n", path);
    return rc;
}

static int report(const bench *b)
{
    bench_record *recs = malloc(sizeof *recs * (size_t)(b->num_cases ? b->num_cases : 1));
    int rc = 0;
    if (!recs)
        return -1;
    for (int i = 0; i < b->num_cases; i++)
        recs[i] = b->cases[i].rec;
    bench_print_table(stdout, &b->hdr, recs, b->num_cases);
    rc |= write_report(b->opts.json, bench_write_json, b, recs);
    rc |= write_report(b->opts.csv, csv_writer, b, recs);
    rc |= write_report(b->opts.svg, bench_write_svg, b, recs);
    rc |= write_report(b->opts.markdown, bench_write_markdown, b, recs);
    free(recs);
    return rc;
}

int main(int argc, char **argv)
{
    bench b;
    int rc;
    memset(&b, 0, sizeof b);
    rc = bench_parse_options(argc, argv, &b.opts);
    if (rc != BENCH_OPTS_RUN)
        return rc == BENCH_OPTS_EXIT_OK ? 0 : 2;
    if (b.opts.list_devices)
        return bench_list_devices();
    if (b.opts.build_probe)
        return bench_build_probe_child(&b.opts);
    if (setup(&b) != 0)
        return 2;
    for (int i = 0, used = 0; i < argc && used < (int)sizeof b.hdr.command; i++)
        used += snprintf(b.hdr.command + used, sizeof b.hdr.command - (size_t)used, "%s%s",
                         i ? " " : "", argv[i]);
    bench_progress(&b, "clshuffle-bench on %s (%s), %d cases", b.hdr.device, b.hdr.platform,
                   b.num_cases);
    if (bench_roofline(&b, 0) != CLS_OK)
        fprintf(stderr, "clshuffle-bench: roofline: %s\n", cls_last_error());
    bench_build_time(&b, argv[0]);
    run_cases(&b);
    /* Load from elsewhere on the machine lowers a roofline measured once:
     * measure the run-wide one again after the cases and keep the better for
     * the run-wide ratios (the paired ratios were set as the cases ran). */
    if (b.num_cases > 1 && bench_roofline(&b, 1) == CLS_OK)
        rerate(&b);
    rc = report(&b);
    bench_roofline_free(&b);
    cls_context_destroy(b.ctx);
    free(b.cases);
    if (b.failures)
        fprintf(stderr, "clshuffle-bench: %d case(s) failed verification or errored\n", b.failures);
    return b.failures ? 1 : rc ? 2 : 0;
}
