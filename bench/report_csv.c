/* CSV report: the JSON records' fields, one line per case. */
#include <math.h>
#include <string.h>

#include "bench.h"

static const char header[] =
    "op,variant,layout,dtype,shape,block,mode,bytes,median_s,min_s,gbps,roofline_gbps,ratio,"
    "run_roofline_gbps,run_ratio,verified,peer,peer_gbps,gflops,timing,peer_median_s,"
    "peer_speedup,plain_ratio,sep_speedup,note\n";

/* RFC 4180: quote a field holding a comma, quote or line break; double the quotes. */
static void put_str(FILE *f, const char *s, int comma)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputs(comma ? "," : "", f);
}

/* Numbers that do not apply are empty cells. */
static void put_num(FILE *f, double v, int comma)
{
    if (!isnan(v) && !isinf(v))
        fprintf(f, "%.6g", v);
    fputs(comma ? "," : "", f);
}

int bench_write_csv(FILE *f, const bench_record *r, int n)
{
    fputs(header, f);
    for (int i = 0; i < n; i++) {
        const bench_record *x = &r[i];
        put_str(f, x->op, 1);
        put_str(f, x->variant, 1);
        put_str(f, x->layout, 1);
        put_str(f, x->dtype, 1);
        put_str(f, x->shape, 1);
        put_str(f, x->block, 1);
        put_str(f, x->mode, 1);
        fprintf(f, "%llu,", (unsigned long long)x->bytes);
        put_num(f, x->median_s, 1);
        put_num(f, x->min_s, 1);
        put_num(f, x->gbps, 1);
        put_num(f, x->roofline_gbps, 1);
        put_num(f, x->ratio, 1);
        put_num(f, x->run_roofline_gbps, 1);
        put_num(f, x->run_ratio, 1);
        put_str(f, bench_verdict_name(x->verdict), 1);
        put_str(f, x->peer, 1);
        put_num(f, x->peer_gbps, 1);
        put_num(f, x->gflops, 1);
        put_str(f, x->timing, 1);
        put_num(f, x->peer_median_s, 1);
        put_num(f, x->peer_speedup, 1);
        put_num(f, x->plain_ratio, 1);
        put_num(f, x->sep_speedup, 1);
        put_str(f, x->note, 0);
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}
