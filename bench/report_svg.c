/* SVG report: a horizontal bar chart of each case's ratio to the copy roofline, its peer beside it.
 */
#include <math.h>
#include <string.h>

#include "bench.h"

#define LEFT 360 /* label column width */
#define PLOT 520 /* plot width */
#define ROW 26   /* pixels per case */
#define TOP 78
#define BOTTOM 46
#define OURS "#3569b0"
#define PEER "#e3892b"

/* Text with XML's special characters escaped ("->" holds a '>'). */
static void put_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '"')
            fputs("&quot;", f);
        else
            fputc(*s, f);
    }
}

/* The lowest (or highest) roofline over the measured sizes; NAN if none. */
static double roof_extreme(const bench_header *h, int highest)
{
    double v = NAN;
    for (int i = 0; i < h->num_roof; i++) {
        double x = bench_roofline_at(h, h->roof[i].bytes);
        if (isnan(v) || (highest ? x > v : x < v))
            v = x;
    }
    return v;
}

static double peer_ratio(const bench_record *r)
{
    return r->peer_gbps / r->roofline_gbps;
}

/* The axis runs to the largest ratio shown, at least 1.2, in steps of 0.25. */
static double axis_max(const bench_record *r, int n)
{
    double m = 1.2;
    for (int i = 0; i < n; i++) {
        if (r[i].ratio > m)
            m = r[i].ratio;
        if (peer_ratio(&r[i]) > m)
            m = peer_ratio(&r[i]);
    }
    if (m > 20.0)
        m = 20.0;
    return ceil(m * 4.0) / 4.0;
}

static void put_axis(FILE *f, double xmax, int height)
{
    int y1 = height - BOTTOM;
    for (double v = 0.0; v <= xmax + 1e-9; v += (xmax > 5.0 ? 1.0 : 0.25)) {
        double x = LEFT + PLOT * v / xmax;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n", x, TOP,
                x, y1);
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.2f</text>\n", x, y1 + 16, v);
    }
    {
        double x = LEFT + PLOT * 1.0 / xmax;
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c33\" "
                "stroke-dasharray=\"5,3\"/>\n<text x=\"%.1f\" y=\"%d\" fill=\"#c33\" "
                "text-anchor=\"middle\">roofline</text>\n",
                x, TOP - 6, x, y1, x, TOP - 10);
    }
    fprintf(f,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">ratio to the copy roofline "
            "(GB/s, read + write)</text>\n",
            LEFT + PLOT / 2, y1 + 36);
}

/* A bar with its value; convs add their GFLOP/s (their ratio is small). */
static void put_bar(FILE *f, double v, double xmax, int y, const char *color, double gflops)
{
    double w = isnan(v) ? 0.0 : PLOT * (v > xmax ? xmax : v) / xmax;
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"9\" fill=\"%s\"/>\n", LEFT, y, w,
            color);
    fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\">%.2f", LEFT + w + 4, y + 8, v);
    if (!isnan(gflops))
        fprintf(f, " (%.1f GFLOP/s)", gflops);
    fputs("</text>\n", f);
}

/* Alternate rows get a light stripe (drawn first: grid and bars go on top). */
static void put_stripes(FILE *f, int n)
{
    for (int i = 1; i < n; i += 2)
        fprintf(f, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f6f6f6\"/>\n",
                TOP + i * ROW, LEFT + PLOT + 60, ROW);
}

static void put_row(FILE *f, const bench_record *r, int i, double xmax)
{
    int y = TOP + i * ROW;
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", LEFT - 8, y + 16);
    put_text(f, r->op);
    fputs(" ", f);
    put_text(f, r->variant);
    if (!strstr(r->variant, r->layout)) { /* layout variants already name it */
        fputs(" ", f);
        put_text(f, r->layout);
    }
    fputs(" ", f);
    put_text(f, r->dtype);
    fputs("</text>\n", f);
    if (r->verdict != BENCH_PASS) {
        fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>\n", LEFT + 4, y + 16,
                r->verdict == BENCH_UNSUPPORTED ? "#888" : "#c00", bench_verdict_name(r->verdict));
        return;
    }
    put_bar(f, r->ratio, xmax, y + 3, OURS, r->gflops);
    if (!isnan(peer_ratio(r)))
        put_bar(f, peer_ratio(r), xmax, y + 14, PEER,
                isnan(r->gflops) ? NAN : r->gflops / r->peer_speedup);
}

int bench_write_svg(FILE *f, const bench_header *h, const bench_record *r, int n)
{
    int width = LEFT + PLOT + 60, height = TOP + ROW * n + BOTTOM;
    char platform[72];
    double xmax = axis_max(r, n);
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" "
            "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            width, height, width, height);
    fputs("<text x=\"12\" y=\"22\" font-size=\"15\" font-weight=\"bold\">clshuffle-bench: ", f);
    put_text(f, h->device);
    fputs("</text>\n<text x=\"12\" y=\"40\" fill=\"#555\">", f);
    if (strlen(h->platform) < sizeof platform) {
        memcpy(platform, h->platform, strlen(h->platform) + 1);
    } else { /* long PoCL version strings */
        memcpy(platform, h->platform, sizeof platform - 4);
        memcpy(platform + sizeof platform - 4, "...", 4);
    }
    put_text(f, platform);
    fprintf(f, ", %s, copy roofline %.1f to %.1f GB/s by size</text>\n", h->date,
            roof_extreme(h, 0), roof_extreme(h, 1));
    fprintf(f,
            "<rect x=\"%d\" y=\"50\" width=\"12\" height=\"9\" fill=\"%s\"/>"
            "<text x=\"%d\" y=\"59\">clshuffle</text>\n",
            LEFT, OURS, LEFT + 16);
    fprintf(f,
            "<rect x=\"%d\" y=\"50\" width=\"12\" height=\"9\" fill=\"%s\"/>"
            "<text x=\"%d\" y=\"59\">peer (CLBlast, separate passes, empty kernel)</text>\n",
            LEFT + 100, PEER, LEFT + 116);
    put_stripes(f, n);
    put_axis(f, xmax, height);
    for (int i = 0; i < n; i++)
        put_row(f, &r[i], i, xmax);
    fputs("</svg>\n", f);
    return ferror(f) ? -1 : 0;
}
