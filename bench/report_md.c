/* Markdown report: the results table for a README (device, date, roofline, one row per case). */
#include <math.h>
#include <string.h>

#include "bench.h"

/* A number cell, or "-" when it does not apply. */
static void cell(FILE *f, const char *fmt, double v)
{
    fputs(" | ", f);
    if (isnan(v) || isinf(v))
        fputs("-", f);
    else
        fprintf(f, fmt, v);
}

/* Text with Markdown's table and emphasis characters escaped. */
static void escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|' || *s == '*' || *s == '_')
            fputc('\\', f);
        fputc(*s, f);
    }
}

/* A text cell after the first. */
static void text(FILE *f, const char *s)
{
    fputs(" | ", f);
    escaped(f, s);
}

int bench_write_markdown(FILE *f, const bench_header *h, const bench_record *r, int n)
{
    fprintf(f, "Device: %s (%s, driver %s), %s, `clshuffle-bench` level %s, tier %s.\n\n",
            h->device, h->platform, h->driver, h->date, h->level, h->tier);
    fputs("**ratio** is GB/s over the copy roofline at the case's size measured at the same "
          "moments: both copy kernels (plain and non-temporal) timed alternately with the case, "
          "iteration by iteration, the faster kept (layout, d2s, s2d), or the copy measured just "
          "before and just after it, the higher of the two (conv, latency); **run ratio** is "
          "GB/s over the run-wide figures below.\n\n",
          f);
    fprintf(f, "Run-wide copy roofline (best of the copy kernels, GB/s read + write, the better of "
               "a pass before and a pass after the cases): ");
    for (int i = 0; i < h->num_roof; i++)
        fprintf(f, "%s%.1f at %.1f MiB", i ? ", " : "", bench_roofline_at(h, h->roof[i].bytes),
                (double)h->roof[i].bytes / 1048576.0);
    fprintf(f, "%s. Kernel build: cold %.2f s, from the cache %.3f s.\n\n",
            h->num_roof ? "" : "none", h->build_cold_s, h->build_cached_s);
    fputs("| op | variant | layout | dtype | MiB | median ms | GB/s | ratio | run ratio | verified "
          "| peer | vs peer | GFLOP/s | fused/plain | sep/fused |\n",
          f);
    fputs("|---|---|---|---|--:|--:|--:|--:|--:|---|---|--:|--:|--:|--:|\n", f);
    for (int i = 0; i < n; i++) {
        const bench_record *x = &r[i];
        fputs("| ", f);
        escaped(f, x->op);
        text(f, x->variant);
        text(f, x->layout);
        text(f, x->dtype);
        cell(f, "%.1f", (double)x->bytes / 1048576.0);
        cell(f, "%.3f", x->median_s * 1e3);
        cell(f, "%.2f", x->gbps);
        cell(f, "%.2f", x->ratio);
        cell(f, "%.2f", x->run_ratio);
        text(f, bench_verdict_name(x->verdict));
        text(f, x->peer[0] ? x->peer : "-");
        cell(f, "%.2fx", x->peer_speedup);
        cell(f, "%.1f", x->gflops);
        cell(f, "%.2f", x->plain_ratio);
        cell(f, "%.2f", x->sep_speedup);
        fputs(" |\n", f);
    }
    return ferror(f) ? -1 : 0;
}
