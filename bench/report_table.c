/* The readable table on stdout: device, roofline, build time, one row per case, a summary. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* A number in a fixed width, or "-" when it does not apply. */
static const char *num(char *buf, size_t size, const char *fmt, double v)
{
    if (isnan(v) || isinf(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, fmt, v);
    return buf;
}

static void print_preamble(FILE *f, const bench_header *h)
{
    char a[32], b[32], c[32];
    fprintf(f, "clshuffle-bench: %s (%s), driver %s\n", h->device, h->platform, h->driver);
    fprintf(f, "date %s, level %s, tier %s, min time %.2f s per measurement\n", h->date, h->level,
            h->tier, h->min_time);
    fprintf(f, "profile: %s\n", h->profile);
    fputs("roof, ratio: the copy roofline at the case's size at the same moments (both copy\n"
          "kernels timed alternately with a layout, d2s or s2d case, the faster kept; just before\n"
          "and just after any other, the higher kept), and GB/s over it. The run-wide roofline,\n"
          "the better of a pass before and a pass after the cases:\n",
          f);
    fprintf(f, "roofline (GB/s, read + write)  %10s %10s %10s %10s\n", "MiB", "copy", "nt-copy",
            "enqCopyBuf");
    for (int i = 0; i < h->num_roof; i++) {
        const bench_roof_point *p = &h->roof[i];
        fprintf(f, "%31s %10.2f %10s %10s %10s\n", "", (double)p->bytes / 1048576.0,
                num(a, sizeof a, "%.2f", p->vec_gbps), num(b, sizeof b, "%.2f", p->nt_gbps),
                num(c, sizeof c, "%.2f", p->enq_gbps));
    }
    fprintf(f, "kernel build: cold %s s, from the cache %s s (%d program%s)\n\n",
            num(a, sizeof a, "%.3f", h->build_cold_s), num(b, sizeof b, "%.3f", h->build_cached_s),
            h->build_programs, h->build_programs == 1 ? "" : "s");
}

static void print_row(FILE *f, const bench_record *r)
{
    char med[24], gb[24], roof[24], ratio[24], pgb[24], px[24], gfl[24], extra[96] = "";
    if (!isnan(r->plain_ratio) || !isnan(r->sep_speedup))
        snprintf(extra, sizeof extra, "fused/plain %s, sep/fused %s",
                 num(med, sizeof med, "%.2fx", r->plain_ratio),
                 num(gb, sizeof gb, "%.2fx", r->sep_speedup));
    fprintf(f, "%-6s %-24s %-11s %-4s %9.2f %9s %8s %7s %6s %-11s %-30s %9s %7s %8s %s%s%s\n",
            r->op, r->variant, r->layout, r->dtype, (double)r->bytes / 1048576.0,
            num(med, sizeof med, "%.3f", r->median_s * 1e3), num(gb, sizeof gb, "%.2f", r->gbps),
            num(roof, sizeof roof, "%.2f", r->roofline_gbps),
            num(ratio, sizeof ratio, "%.2f", r->ratio), bench_verdict_name(r->verdict), r->peer,
            num(pgb, sizeof pgb, "%.2f", r->peer_gbps),
            num(px, sizeof px, "%.2fx", r->peer_speedup), num(gfl, sizeof gfl, "%.1f", r->gflops),
            extra, extra[0] && r->note[0] ? "; " : "", r->note);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median and minimum of the finite values; returns how many there were. */
static int median_min(double *v, int n, double *med, double *min)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(v[i]) && !isinf(v[i]))
            v[k++] = v[i];
    qsort(v, (size_t)k, sizeof *v, cmp_double);
    *med = k == 0 ? NAN : (k % 2) ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
    *min = k == 0 ? NAN : v[0];
    return k;
}

/* Layout and depth-to-space cases with a peer: the speedup over it, or for
 * the latency case, its cost in empty-kernel launches. */
static void print_peer_lines(FILE *f, const bench_record *r, int n)
{
    for (int i = 0; i < n; i++) {
        const bench_record *x = &r[i];
        if (x->verdict != BENCH_PASS || !x->peer[0] || strcmp(x->op, "conv") == 0 ||
            isnan(x->peer_speedup))
            continue;
        if (strstr(x->variant, "latency"))
            fprintf(f,
                    "  %-6s %s: %.1f us enqueue to completion, %.2fx an empty kernel's %.1f us\n",
                    x->op, x->variant, x->median_s * 1e6, 1.0 / x->peer_speedup,
                    x->peer_median_s * 1e6);
        else
            fprintf(f, "  %-6s %s %s: %.2fx faster than %s\n", x->op, x->variant, x->dtype,
                    x->peer_speedup, x->peer);
    }
}

/* Whether r[i] is the first record of its (op, dtype) group. */
static int first_of_group(const bench_record *r, int i)
{
    for (int j = 0; j < i; j++)
        if (strcmp(r[j].op, r[i].op) == 0 && strcmp(r[j].dtype, r[i].dtype) == 0)
            return 0;
    return 1;
}

/* The timed cases of r[i]'s group, latency cases left out: in a, the ratio to
 * the paired roofline and in c, to the run-wide one (convs: the speedup over
 * the peer and fused/plain time). Returns their count. */
static int group_values(const bench_record *r, int n, int i, double *a, double *c)
{
    int k = 0, conv = strcmp(r[i].op, "conv") == 0;
    for (int j = i; j < n; j++)
        if (strcmp(r[j].op, r[i].op) == 0 && strcmp(r[j].dtype, r[i].dtype) == 0 &&
            r[j].verdict == BENCH_PASS && !strstr(r[j].variant, "latency")) {
            a[k] = conv ? r[j].peer_speedup : r[j].ratio;
            c[k++] = conv ? r[j].plain_ratio : r[j].run_ratio;
        }
    return k;
}

/* The median ratios to the run-wide roofline, one line, for comparison with
 * the paired ones. */
static void print_run_wide(FILE *f, const bench_record *r, int n, double *a, double *c)
{
    int shown = 0;
    for (int i = 0; i < n; i++) {
        double med, min;
        int k;
        if (strcmp(r[i].op, "conv") == 0 || !first_of_group(r, i))
            continue;
        k = group_values(r, n, i, a, c);
        if (median_min(c, k, &med, &min) == 0)
            continue;
        fprintf(f, "%s%s %s %.2f",
                shown++ ? ", " : "  ratio to run-wide roofline, medians: ", r[i].op, r[i].dtype,
                med);
    }
    fputs(shown ? "\n" : "", f);
}

/* One summary line per (op, dtype) group of timed cases, in first-seen
 * order: the median and lowest ratio to the paired roofline (convs: speedup
 * over the CLBlast peer and fused/plain time instead), then the medians
 * against the run-wide roofline. Latency cases are left out. */
static void print_summary(FILE *f, const bench_record *r, int n)
{
    double *a = malloc(sizeof *a * (size_t)(n ? n : 1)),
           *c = malloc(sizeof *c * (size_t)(n ? n : 1));
    if (!a || !c)
        goto done;
    fputs("\nsummary (timed cases)\n", f);
    for (int i = 0; i < n; i++) {
        double med, min, med2, min2;
        int k;
        if (!first_of_group(r, i))
            continue;
        k = group_values(r, n, i, a, c);
        if (median_min(a, k, &med, &min) == 0)
            continue;
        if (strcmp(r[i].op, "conv") == 0) {
            median_min(c, k, &med2, &min2);
            fprintf(f,
                    "  %-6s %-4s %2d cases: speedup over CLBlast peer median %.2fx (lowest %.2fx), "
                    "fused/plain time median %.2f\n",
                    r[i].op, r[i].dtype, k, med, min, med2);
        } else {
            fprintf(f, "  %-6s %-4s %2d cases: ratio to paired roofline median %.2f, lowest %.2f\n",
                    r[i].op, r[i].dtype, k, med, min);
        }
    }
    print_run_wide(f, r, n, a, c);
    print_peer_lines(f, r, n);
done:
    free(a);
    free(c);
}

void bench_print_table(FILE *f, const bench_header *h, const bench_record *r, int n)
{
    int pass = 0, fail = 0, unsup = 0;
    print_preamble(f, h);
    fprintf(f, "%-6s %-24s %-11s %-4s %9s %9s %8s %7s %6s %-11s %-30s %9s %7s %8s %s\n", "op",
            "variant", "layout", "type", "MiB", "median ms", "GB/s", "roof", "ratio", "verified",
            "peer", "peer GB/s", "vs peer", "GFLOP/s", "notes");
    for (int i = 0; i < n; i++) {
        print_row(f, &r[i]);
        pass += r[i].verdict == BENCH_PASS;
        unsup += r[i].verdict == BENCH_UNSUPPORTED;
        fail += r[i].verdict == BENCH_FAIL || r[i].verdict == BENCH_ERROR;
    }
    print_summary(f, r, n);
    fprintf(f, "\n%d cases: %d verified and timed, %d unsupported (not timed), %d failed\n", n,
            pass, unsup, fail);
}
