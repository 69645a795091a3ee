/* Record helpers shared by the driver and the report writers. */
#include <math.h>
#include <string.h>

#include "bench.h"

void bench_record_init(bench_record *r)
{
    memset(r, 0, sizeof *r);
    r->median_s = r->min_s = r->gbps = r->roofline_gbps = r->ratio = NAN;
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

double bench_roofline_at(const bench_header *h, uint64_t bytes)
{
    double best_dist = INFINITY, roof = NAN;
    for (int i = 0; i < h->num_roof; i++) {
        const bench_roof_point *p = &h->roof[i];
        double dist = fabs(log((double)p->bytes / (double)(bytes ? bytes : 1)));
        if (dist < best_dist) {
            best_dist = dist;
            roof = p->vec_gbps;
            if (p->nt_gbps > roof)
                roof = p->nt_gbps;
        }
    }
    return roof;
}
