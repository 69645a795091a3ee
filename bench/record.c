/* Record helpers shared by the driver and the report writers. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

void bench_record_init(bench_record *r)
{
    memset(r, 0, sizeof *r);
    r->median_s = r->min_s = r->gbps = r->roofline_gbps = r->ratio = NAN;
    r->run_roofline_gbps = r->run_ratio = NAN;
    r->peer_median_s = r->peer_gbps = r->peer_speedup = NAN;
    r->gflops = r->plain_ratio = r->sep_speedup = NAN;
    r->verdict = BENCH_ERROR;
}

const char *bench_verdict_name(bench_verdict v)
{
    switch (v) {
    case BENCH_PASS:
        return "yes";
    case BENCH_FAIL:
        return "FAILED";
    case BENCH_UNSUPPORTED:
        return "unsupported";
    default:
        return "error";
    }
}

const bench_roof_point *bench_roof_nearest(const bench_header *h, uint64_t bytes)
{
    const bench_roof_point *nearest = NULL;
    double best_dist = INFINITY;
    for (int i = 0; i < h->num_roof; i++) {
        const bench_roof_point *p = &h->roof[i];
        double dist = fabs(log((double)p->bytes / (double)(bytes ? bytes : 1)));
        if (dist < best_dist) {
            best_dist = dist;
            nearest = p;
        }
    }
    return nearest;
}

int bench_roofline_nt_at(const bench_header *h, uint64_t bytes)
{
    const bench_roof_point *p = bench_roof_nearest(h, bytes);
    return p && p->nt_gbps > p->vec_gbps;
}

double bench_roofline_at(const bench_header *h, uint64_t bytes)
{
    const bench_roof_point *p = bench_roof_nearest(h, bytes);
    if (!p)
        return NAN;
    return bench_roofline_nt_at(h, bytes) ? p->nt_gbps : p->vec_gbps;
}

void bench_record_pair(bench_record *r, double before, double after)
{
    double roof = isnan(before) || after > before ? after : before;
    size_t used = strlen(r->note);
    r->roofline_gbps = roof;
    r->ratio = r->gbps / roof;
    if (isnan(roof))
        snprintf(r->note + used, sizeof r->note - used, "%sno paired roofline", used ? "; " : "");
}

void bench_record_rate_run(bench_record *r, const bench_header *h)
{
    r->run_roofline_gbps = bench_roofline_at(h, r->bytes);
    r->run_ratio = r->gbps / r->run_roofline_gbps;
}
