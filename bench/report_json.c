/* JSON report: a header (device, date, run-wide roofline by kind, build time) and one record per
 * case (its ratio to the paired roofline and to the run-wide one). */
#include <math.h>
#include <string.h>

#include "bench.h"

static void put_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* Numbers that do not apply (NAN) or overflowed (inf) are null. */
static void put_num(FILE *f, double v)
{
    if (isnan(v) || isinf(v))
        fputs("null", f);
    else
        fprintf(f, "%.6g", v);
}

static void key_str(FILE *f, const char *key, const char *v, int comma)
{
    fprintf(f, "\"%s\": ", key);
    put_str(f, v);
    fputs(comma ? ", " : "", f);
}

static void key_num(FILE *f, const char *key, double v, int comma)
{
    fprintf(f, "\"%s\": ", key);
    put_num(f, v);
    fputs(comma ? ", " : "", f);
}

static void key_u64(FILE *f, const char *key, uint64_t v, int comma)
{
    fprintf(f, "\"%s\": %llu%s", key, (unsigned long long)v, comma ? ", " : "");
}

static void put_roofline(FILE *f, const bench_header *h)
{
    const bench_roof_point *top = h->num_roof ? &h->roof[h->num_roof - 1] : NULL;
    fputs("  \"roofline\": {\"kinds\": {", f);
    key_num(f, "copy_kernel", top ? top->vec_gbps : NAN, 1);
    key_num(f, "nontemporal_copy_kernel", top ? top->nt_gbps : NAN, 1);
    key_num(f, "clEnqueueCopyBuffer", top ? top->enq_gbps : NAN, 1);
    key_num(f, "best", top ? bench_roofline_at(h, top->bytes) : NAN, 1);
    key_u64(f, "at_bytes", top ? top->bytes : 0, 0);
    /* A record's ratio is to its paired roofline, run_ratio to these points. */
    fprintf(f,
            "},\n    \"nontemporal_available\": %s,\n    \"ratio_against\": \"paired\",\n"
            "    \"points\": [",
            h->nt_available ? "true" : "false");
    for (int i = 0; i < h->num_roof; i++) {
        const bench_roof_point *p = &h->roof[i];
        fputs(i ? ",\n      {" : "\n      {", f);
        key_u64(f, "bytes", p->bytes, 1);
        key_num(f, "copy_kernel_gbps", p->vec_gbps, 1);
        key_num(f, "nontemporal_copy_kernel_gbps", p->nt_gbps, 1);
        key_num(f, "clEnqueueCopyBuffer_gbps", p->enq_gbps, 1);
        key_num(f, "best_gbps", bench_roofline_at(h, p->bytes), 0);
        fputc('}', f);
    }
    fputs("]},\n", f);
}

static void put_header(FILE *f, const bench_header *h)
{
    fputs("{\n  \"tool\": \"clshuffle-bench\",\n  ", f);
    key_str(f, "device", h->device, 1);
    key_str(f, "vendor", h->vendor, 1);
    key_str(f, "driver", h->driver, 1);
    fputs("\n  ", f);
    key_str(f, "platform", h->platform, 1);
    key_str(f, "date", h->date, 1);
    key_str(f, "level", h->level, 1);
    key_str(f, "tier", h->tier, 1);
    fputs("\n  ", f);
    key_str(f, "profile", h->profile, 1);
    key_str(f, "command", h->command, 1);
    key_num(f, "min_time_s", h->min_time, 1);
    fputs("\n", f);
    put_roofline(f, h);
    fputs("  \"build\": {", f);
    key_num(f, "cold_s", h->build_cold_s, 1);
    key_num(f, "cached_s", h->build_cached_s, 1);
    key_num(f, "programs", (double)h->build_programs, 0);
    fputs("},\n", f);
}

static void put_record(FILE *f, const bench_record *r)
{
    fputs("{", f);
    key_str(f, "op", r->op, 1);
    key_str(f, "variant", r->variant, 1);
    key_str(f, "layout", r->layout, 1);
    key_str(f, "dtype", r->dtype, 1);
    key_str(f, "shape", r->shape, 1);
    key_str(f, "block", r->block, 1);
    key_str(f, "mode", r->mode, 1);
    key_u64(f, "bytes", r->bytes, 1);
    key_num(f, "median_s", r->median_s, 1);
    key_num(f, "min_s", r->min_s, 1);
    key_num(f, "gbps", r->gbps, 1);
    key_num(f, "roofline_gbps", r->roofline_gbps, 1);
    key_num(f, "ratio", r->ratio, 1);
    key_num(f, "run_roofline_gbps", r->run_roofline_gbps, 1);
    key_num(f, "run_ratio", r->run_ratio, 1);
    key_str(f, "verified", bench_verdict_name(r->verdict), 1);
    key_str(f, "peer", r->peer, 1);
    key_num(f, "peer_gbps", r->peer_gbps, 1);
    key_num(f, "gflops", r->gflops, 1);
    key_str(f, "timing", r->timing, 1);
    key_num(f, "peer_median_s", r->peer_median_s, 1);
    key_num(f, "peer_speedup", r->peer_speedup, 1);
    key_num(f, "plain_ratio", r->plain_ratio, 1);
    key_num(f, "sep_speedup", r->sep_speedup, 1);
    key_str(f, "note", r->note, 0);
    fputs("}", f);
}

int bench_write_json(FILE *f, const bench_header *h, const bench_record *r, int n)
{
    put_header(f, h);
    fputs("  \"records\": [", f);
    for (int i = 0; i < n; i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        put_record(f, &r[i]);
    }
    fputs("\n  ]\n}\n", f);
    return ferror(f) ? -1 : 0;
}
