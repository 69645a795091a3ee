/* clshuffle-bench report writers: JSON, CSV, SVG and the table, on records with every kind of
 * value. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "util.h"

static const char *fields[] = {
    "op",        "variant",  "layout", "dtype",     "shape",         "block", "mode",
    "bytes",     "median_s", "min_s",  "gbps",      "roofline_gbps", "ratio", "run_roofline_gbps",
    "run_ratio", "verified", "peer",   "peer_gbps", "gflops"};
#define NFIELDS (sizeof fields / sizeof fields[0])

static void sample(bench_header *h, bench_record *r)
{
    memset(h, 0, sizeof *h);
    snprintf(h->device, sizeof h->device, "dev \"quoted\" \\ back");
    snprintf(h->platform, sizeof h->platform, "PoCL <3.1> & co");
    snprintf(h->date, sizeof h->date, "2026-01-01T00:00:00Z");
    snprintf(h->command, sizeof h->command, "clshuffle-bench --quick");
    h->num_roof = 2;
    h->roof[0] = (bench_roof_point){1048576, 10.0, 12.0, 5.0};
    h->roof[1] = (bench_roof_point){134217728, 20.0, NAN, 6.0};
    h->build_cold_s = 1.5, h->build_cached_s = NAN;
    for (int i = 0; i < 3; i++)
        bench_record_init(&r[i]);
    snprintf(r[0].op, sizeof r[0].op, "layout");
    snprintf(r[0].variant, sizeof r[0].variant, "nchw->nhwc C=16");
    snprintf(r[0].shape, sizeof r[0].shape, "[1, 16, 1024, 1024]");
    snprintf(r[0].layout, sizeof r[0].layout, "nchw->nhwc");
    snprintf(r[0].dtype, sizeof r[0].dtype, "f32");
    r[0].bytes = 134217728, r[0].verdict = BENCH_PASS;
    r[0].median_s = 0.01, r[0].min_s = 0.009, r[0].gbps = 13.4, r[0].roofline_gbps = 26.8;
    r[0].ratio = 0.5, r[0].run_roofline_gbps = 20.0, r[0].run_ratio = 0.67;
    r[0].peer_gbps = 4.0, r[0].peer_speedup = 3.35;
    snprintf(r[0].peer, sizeof r[0].peer, "CLBlastSomatcopy");
    snprintf(r[1].op, sizeof r[1].op, "d2s");
    r[1].verdict = BENCH_UNSUPPORTED;
    snprintf(r[1].note, sizeof r[1].note, "line\nbreak, \"quote\"");
    snprintf(r[2].op, sizeof r[2].op, "conv");
    snprintf(r[2].variant, sizeof r[2].variant, "64->64*4 a|b");
    r[2].verdict = BENCH_FAIL, r[2].gflops = 12.5;
}

/* The writer's output as a string (caller frees). */
static char *render(int which)
{
    bench_header h;
    bench_record r[3];
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    sample(&h, r);
    if (which == 0)
        ck_assert_int_eq(bench_write_json(f, &h, r, 3), 0);
    else if (which == 1)
        ck_assert_int_eq(bench_write_csv(f, r, 3), 0);
    else if (which == 2)
        ck_assert_int_eq(bench_write_svg(f, &h, r, 3), 0);
    else if (which == 4)
        ck_assert_int_eq(bench_write_markdown(f, &h, r, 3), 0);
    else
        bench_print_table(f, &h, r, 3);
    fclose(f);
    return buf;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Brackets balance outside strings, and no raw control character is inside one. */
static void assert_json_shape(const char *s)
{
    int depth = 0, in_str = 0;
    for (const char *p = s; *p; p++) {
        if (in_str) {
            ck_assert_msg((unsigned char)*p >= 0x20, "raw control character in a JSON string");
            if (*p == '\\')
                p++;
            else if (*p == '"')
                in_str = 0;
        } else if (*p == '"') {
            in_str = 1;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if (*p == '}' || *p == ']') {
            ck_assert_int_gt(depth, 0);
            depth--;
        }
    }
    ck_assert_int_eq(in_str, 0);
    ck_assert_int_eq(depth, 0);
}

START_TEST(json_has_header_and_every_field)
{
    char *s = render(0), key[64];
    assert_json_shape(s);
    ck_assert_ptr_nonnull(strstr(s, "\"device\": \"dev \\\"quoted\\\" \\\\ back\""));
    ck_assert_ptr_nonnull(strstr(s, "\"date\": \"2026-01-01T00:00:00Z\""));
    ck_assert_ptr_nonnull(strstr(s, "\"command\": \"clshuffle-bench --quick\""));
    ck_assert_ptr_nonnull(strstr(s, "\"copy_kernel\": 20"));
    ck_assert_ptr_nonnull(strstr(s, "\"nontemporal_copy_kernel_gbps\": 12"));
    ck_assert_ptr_nonnull(strstr(s, "\"cached_s\": null"));
    ck_assert_ptr_nonnull(strstr(s, "\"ratio_against\": \"paired\""));
    ck_assert_ptr_nonnull(strstr(s, "\"roofline_gbps\": 26.8, \"ratio\": 0.5, "
                                    "\"run_roofline_gbps\": 20, \"run_ratio\": 0.67,"));
    for (size_t i = 0; i < NFIELDS; i++) {
        snprintf(key, sizeof key, "\"%s\": ", fields[i]);
        ck_assert_msg(count(s, key) >= 3, "field %s missing from a record", fields[i]);
    }
    ck_assert_ptr_nonnull(strstr(s, "\"bytes\": 134217728,"));
    ck_assert_ptr_nonnull(strstr(s, "\"verified\": \"unsupported\""));
    ck_assert_ptr_nonnull(strstr(s, "\"note\": \"line\\nbreak, \\\"quote\\\"\""));
    ck_assert_ptr_null(strstr(s, "nan"));
    free(s);
}
END_TEST

/* Split one CSV line into fields (RFC 4180 quoting); returns the count. */
static int csv_fields(const char *line, char out[][64], int max)
{
    int n = 0, k = 0, q = 0;
    for (const char *p = line;; p++) {
        if (q && *p == '"' && p[1] == '"') {
            out[n][k++] = '"', p++;
        } else if (*p == '"') {
            q = !q;
        } else if ((*p == ',' && !q) || *p == '\0' || (*p == '\n' && !q)) {
            out[n][k] = '\0';
            n++, k = 0;
            if (*p != ',' || n == max)
                return n;
        } else if (k < 63) {
            out[n][k++] = *p;
        }
    }
}

START_TEST(csv_lines_have_every_field)
{
    char *s = render(1), cells[40][64];
    const char *line = s;
    int header = csv_fields(s, cells, 40);
    for (size_t i = 0; i < NFIELDS; i++)
        ck_assert_str_eq(cells[i], fields[i]);
    for (int rows = 0; rows < 3; rows++) {
        line = strchr(line, '\n');
        ck_assert_ptr_nonnull(line);
        line++;
        if (rows == 1) /* the quoted note spans a line break */
            ck_assert_ptr_nonnull(strstr(line, "\"line\nbreak, \"\"quote\"\"\""));
        ck_assert_int_eq(csv_fields(line, cells, 40), header);
        if (rows == 0) {
            ck_assert_str_eq(cells[4], "[1, 16, 1024, 1024]");
            ck_assert_str_eq(cells[7], "134217728");
            ck_assert_str_eq(cells[11], "26.8");
            ck_assert_str_eq(cells[12], "0.5");
            ck_assert_str_eq(cells[13], "20");
            ck_assert_str_eq(cells[14], "0.67");
            ck_assert_str_eq(cells[15], "yes");
        }
        if (rows == 1) {
            ck_assert_str_eq(cells[8], "");
            line = strchr(line, '\n') + 1; /* skip the note's line break */
        }
    }
    free(s);
}
END_TEST

START_TEST(svg_is_well_formed_with_bars)
{
    char *s = render(2);
    ck_assert(strncmp(s, "<?xml", 5) == 0);
    ck_assert_int_eq(count(s, "<svg "), 1);
    ck_assert_int_eq(count(s, "</svg>"), 1);
    ck_assert_int_eq(count(s, "<text"), count(s, "</text>"));
    ck_assert_ptr_nonnull(strstr(s, "nchw-&gt;nhwc"));
    ck_assert_ptr_nonnull(strstr(s, "PoCL &lt;3.1&gt; &amp; co"));
    ck_assert_ptr_null(strstr(s, "->"));
    /* One bar for the passing case and one for its peer (plus the legend's two). */
    ck_assert_int_eq(count(s, "fill=\"#3569b0\""), 2);
    ck_assert_int_eq(count(s, "fill=\"#e3892b\""), 2);
    ck_assert_ptr_nonnull(strstr(s, ">unsupported</text>"));
    ck_assert_ptr_nonnull(strstr(s, ">FAILED</text>"));
    ck_assert_ptr_nonnull(strstr(s, ">roofline</text>"));
    free(s);
}
END_TEST

START_TEST(table_shows_cases_and_summary)
{
    char *s = render(3);
    ck_assert_ptr_nonnull(strstr(s, "roofline (GB/s, read + write)"));
    ck_assert_ptr_nonnull(strstr(s, "timed alternately with a layout, d2s or s2d case"));
    /* The row shows the paired roofline and ratio. */
    ck_assert_ptr_nonnull(strstr(s, "   13.40   26.80   0.50 yes"));
    ck_assert_ptr_nonnull(
        strstr(s, "  layout f32   1 cases: ratio to paired roofline median 0.50, lowest 0.50\n"));
    ck_assert_ptr_nonnull(strstr(s, "  ratio to run-wide roofline, medians: layout f32 0.67\n"));
    ck_assert_ptr_nonnull(strstr(s, "kernel build: cold 1.500 s"));
    ck_assert_ptr_nonnull(strstr(s, "nchw->nhwc C=16"));
    ck_assert_ptr_nonnull(
        strstr(s, "3 cases: 1 verified and timed, 1 unsupported (not timed), 1 failed"));
    free(s);
}
END_TEST

START_TEST(markdown_table_has_a_row_per_case)
{
    char *s = render(4);
    const char *table = strstr(s, "| op | variant |");
    ck_assert_ptr_nonnull(strstr(s, "Device: dev \"quoted\""));
    ck_assert_ptr_nonnull(strstr(s, "12.0 at 1.0 MiB, 20.0 at 128.0 MiB"));
    ck_assert_ptr_nonnull(table);
    ck_assert_ptr_nonnull(strstr(s, "**run ratio** is GB/s over the run-wide"));
    ck_assert_int_eq(count(table, "\n"), 5); /* header, rule, three rows */
    ck_assert_ptr_nonnull(strstr(s, "\n| layout | nchw->nhwc C=16 | nchw->nhwc | f32 | 128.0 |"));
    ck_assert_ptr_nonnull(
        strstr(s, "| 13.40 | 0.50 | 0.67 | yes | CLBlastSomatcopy | 3.35x | - | - | - |"));
    ck_assert_ptr_nonnull(strstr(s, "| unsupported |"));
    ck_assert_ptr_nonnull(strstr(s, "| conv | 64->64\\*4 a\\|b |"));
    free(s);
}
END_TEST

START_TEST(roofline_is_the_best_kind_nearest_in_size)
{
    bench_header h;
    bench_record r[3];
    sample(&h, r);
    ck_assert_double_eq_tol(bench_roofline_at(&h, 1048576), 12.0, 1e-12);
    ck_assert_double_eq_tol(bench_roofline_at(&h, 2000000), 12.0, 1e-12);
    ck_assert_double_eq_tol(bench_roofline_at(&h, 100000000), 20.0, 1e-12);
    h.num_roof = 0;
    ck_assert(isnan(bench_roofline_at(&h, 1)));
}
END_TEST

START_TEST(paired_kind_is_the_better_one_nearest_in_size)
{
    bench_header h;
    bench_record r[3];
    sample(&h, r);
    ck_assert_int_eq(bench_roofline_nt_at(&h, 1048576), 1);   /* nt 12 > copy 10 */
    ck_assert_int_eq(bench_roofline_nt_at(&h, 100000000), 0); /* nt not measured */
    h.roof[1].nt_gbps = 20.5;
    ck_assert_int_eq(bench_roofline_nt_at(&h, 100000000), 1);
    h.roof[0].vec_gbps = 12.5;
    ck_assert_int_eq(bench_roofline_nt_at(&h, 1048576), 0);
    ck_assert_ptr_eq(bench_roof_nearest(&h, 3000000), &h.roof[0]);
    ck_assert_ptr_eq(bench_roof_nearest(&h, 50000000), &h.roof[1]);
    h.num_roof = 0;
    ck_assert_ptr_null(bench_roof_nearest(&h, 1));
    ck_assert_int_eq(bench_roofline_nt_at(&h, 1), 0);
}
END_TEST

START_TEST(paired_ratio_uses_the_higher_figure)
{
    bench_header h;
    bench_record r[3];
    sample(&h, r);
    r[0].gbps = 10.0;
    bench_record_pair(&r[0], 40.0, 50.0);
    ck_assert_double_eq_tol(r[0].roofline_gbps, 50.0, 1e-12);
    ck_assert_double_eq_tol(r[0].ratio, 0.2, 1e-12);
    bench_record_pair(&r[0], 50.0, 40.0);
    ck_assert_double_eq_tol(r[0].roofline_gbps, 50.0, 1e-12);
    bench_record_pair(&r[0], NAN, 25.0);
    ck_assert_double_eq_tol(r[0].ratio, 0.4, 1e-12);
    bench_record_pair(&r[0], 25.0, NAN);
    ck_assert_double_eq_tol(r[0].ratio, 0.4, 1e-12);
    ck_assert_str_eq(r[0].note, "");
    bench_record_pair(&r[0], NAN, NAN);
    ck_assert(isnan(r[0].roofline_gbps) && isnan(r[0].ratio));
    ck_assert_str_eq(r[0].note, "no paired roofline");
    /* The run-wide figure comes from the header and leaves the paired one. */
    bench_record_pair(&r[0], 40.0, 50.0);
    bench_record_rate_run(&r[0], &h);
    ck_assert_double_eq_tol(r[0].run_roofline_gbps, 20.0, 1e-12);
    ck_assert_double_eq_tol(r[0].run_ratio, 0.5, 1e-12);
    ck_assert_double_eq_tol(r[0].ratio, 0.2, 1e-12);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bench_report");
    TCase *tc = tcase_create("writers");
    tcase_add_test(tc, json_has_header_and_every_field);
    tcase_add_test(tc, csv_lines_have_every_field);
    tcase_add_test(tc, svg_is_well_formed_with_bars);
    tcase_add_test(tc, table_shows_cases_and_summary);
    tcase_add_test(tc, markdown_table_has_a_row_per_case);
    tcase_add_test(tc, roofline_is_the_best_kind_nearest_in_size);
    tcase_add_test(tc, paired_kind_is_the_better_one_nearest_in_size);
    tcase_add_test(tc, paired_ratio_uses_the_higher_figure);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
