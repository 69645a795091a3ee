/* clshuffle-bench command-line options: parsing, defaults per level, --help. */
#include <stdlib.h>
#include <string.h>

#include "options.h"

static const char usage[] =
    "usage: clshuffle-bench [options]\n"
    "Measures clshuffle's layout transposes, depth-to-space and fused conv + pixel shuffle\n"
    "against the device's own copy bandwidth (the roofline: timed alternately with each\n"
    "case, or just before and after it, and over the whole run for comparison).\n"
    "\n"
    "  --device DEV       gpu, cpu, P:D or a name substring (default: CLS_DEVICE, else\n"
    "                     the first GPU, else the first device)\n"
    "  --list-devices     list OpenCL devices with their profiles and exit\n"
    "  --tier TIER        kernel tier: portable, cpu or auto (default: CLS_TIER, else\n"
    "                     the device profile's choice)\n"
    "  --ops LIST         comma list of layout, d2s, conv, convt (default: all = the\n"
    "                     first three; convt: transposed convs)\n"
    "  --dtype LIST       comma list of f32, f16, u8, ... (default: f32, plus f16 and u8\n"
    "                     variants of the layout and depth-to-space cases)\n"
    "  --sizes LIST       MiB per tensor for layout and d2s cases (default 64; quick 8;\n"
    "                     full 64,256)\n"
    "  --match TEXT       only the cases whose variant name contains TEXT\n"
    "  --min-time S       seconds of timed iterations per measurement (default 0.25;\n"
    "                     quick 0.05; full 1)\n"
    "  --quick            about 20 s: small tensors, short timing, small conv layers\n"
    "  --full             more sizes, dtypes, blocks and layouts\n"
    "  --json FILE        write a header and one record per case as JSON\n"
    "  --csv FILE         the same records as CSV\n"
    "  --svg FILE         a bar chart of ratio to the roofline, peer beside\n"
    "  --markdown FILE    the results as a Markdown table (for a README)\n"
    "  --help             this text\n"
    "\n"
    "Exit status: 0 when every case verified or was unsupported, 1 when a case failed\n"
    "verification or errored, 2 on a usage or setup error.\n";

/* The value of --name VALUE or --name=VALUE; advances *i. NULL: not this option. */
static const char *value_of(int argc, char **argv, int *i, const char *name, int *missing)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}

static int parse_ops(const char *s, unsigned *ops)
{
    char buf[256], *save = NULL;
    snprintf(buf, sizeof buf, "%s", s);
    *ops = 0;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "layout") == 0)
            *ops |= BENCH_OP_LAYOUT;
        else if (strcmp(t, "d2s") == 0 || strcmp(t, "s2d") == 0)
            *ops |= BENCH_OP_D2S;
        else if (strcmp(t, "conv") == 0)
            *ops |= BENCH_OP_CONV;
        else if (strcmp(t, "convt") == 0)
            *ops |= BENCH_OP_CONVT;
        else if (strcmp(t, "all") == 0)
            *ops |= BENCH_OP_ALL;
        else
            return -1;
    }
    return *ops ? 0 : -1;
}

static int parse_dtypes(const char *s, unsigned *mask)
{
    char buf[256], *save = NULL;
    snprintf(buf, sizeof buf, "%s", s);
    *mask = 0;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int found = 0;
        for (int d = 0; d < CLS_DTYPE_COUNT; d++)
            if (strcmp(t, cls_dtype_name((cls_dtype)d)) == 0)
                *mask |= 1u << d, found = 1;
        if (!found)
            return -1;
    }
    return *mask ? 0 : -1;
}

static int parse_sizes(const char *s, bench_opts *o)
{
    char buf[256], *save = NULL;
    snprintf(buf, sizeof buf, "%s", s);
    o->num_sizes = 0;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *end;
        double v = strtod(t, &end);
        if (*end != '\0' || !(v > 0.0) || v > 65536.0 || o->num_sizes == BENCH_MAX_SIZES)
            return -1;
        o->sizes_mib[o->num_sizes++] = v;
    }
    return o->num_sizes ? 0 : -1;
}

/* Options that take a value; returns 1 if argv[*i] was one, -1 on a bad value. */
static int parse_valued(int argc, char **argv, int *i, bench_opts *o, double *min_time)
{
    int missing = 0;
    const char *v;
    if ((v = value_of(argc, argv, i, "--device", &missing)))
        return o->device = v, 1;
    if ((v = value_of(argc, argv, i, "--tier", &missing))) {
        if (strcmp(v, "portable") == 0)
            o->tier = CLS_TIER_PORTABLE;
        else if (strcmp(v, "cpu") == 0)
            o->tier = CLS_TIER_CPU;
        else if (strcmp(v, "auto") == 0)
            o->tier = CLS_TIER_AUTO;
        else
            return -1;
        return 1;
    }
    if ((v = value_of(argc, argv, i, "--json", &missing)))
        return o->json = v, 1;
    if ((v = value_of(argc, argv, i, "--csv", &missing)))
        return o->csv = v, 1;
    if ((v = value_of(argc, argv, i, "--svg", &missing)))
        return o->svg = v, 1;
    if ((v = value_of(argc, argv, i, "--match", &missing)))
        return o->match = v, 1;
    if ((v = value_of(argc, argv, i, "--markdown", &missing)))
        return o->markdown = v, 1;
    if ((v = value_of(argc, argv, i, "--ops", &missing)))
        return parse_ops(v, &o->ops) == 0 ? 1 : -1;
    if ((v = value_of(argc, argv, i, "--dtype", &missing)))
        return parse_dtypes(v, &o->dtypes) == 0 ? 1 : -1;
    if ((v = value_of(argc, argv, i, "--sizes", &missing)))
        return parse_sizes(v, o) == 0 ? 1 : -1;
    if ((v = value_of(argc, argv, i, "--min-time", &missing))) {
        char *end;
        *min_time = strtod(v, &end);
        return (*end == '\0' && *min_time > 0.0 && *min_time < 3600.0) ? 1 : -1;
    }
    return missing ? -1 : 0;
}

int bench_parse_options(int argc, char **argv, bench_opts *o)
{
    double min_time = 0.0;
    memset(o, 0, sizeof *o);
    o->ops = BENCH_OP_ALL;
    o->level = BENCH_DEFAULT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r = parse_valued(argc, argv, &i, o, &min_time);
        if (r == 1)
            continue;
        if (r < 0) {
            fprintf(stderr, "clshuffle-bench: bad or missing value for %s\n%s", a, usage);
            return BENCH_OPTS_EXIT_ERROR;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return BENCH_OPTS_EXIT_OK;
        } else if (strcmp(a, "--quick") == 0) {
            o->level = BENCH_QUICK;
        } else if (strcmp(a, "--full") == 0) {
            o->level = BENCH_FULL;
        } else if (strcmp(a, "--list-devices") == 0) {
            o->list_devices = 1;
        } else if (strcmp(a, "--build-probe") == 0) {
            o->build_probe = 1;
        } else {
            fprintf(stderr, "clshuffle-bench: unknown option %s\n%s", a, usage);
            return BENCH_OPTS_EXIT_ERROR;
        }
    }
    o->min_time = min_time > 0.0            ? min_time
                  : o->level == BENCH_QUICK ? 0.05
                  : o->level == BENCH_FULL  ? 1.0
                                            : 0.25;
    return BENCH_OPTS_RUN;
}

int bench_list_devices(void)
{
    char buf[8192];
    cls_status st = cls_list_devices(buf, sizeof buf);
    if (st != CLS_OK) {
        fprintf(stderr, "clshuffle-bench: %s: %s\n", cls_status_string(st), cls_last_error());
        return 2;
    }
    /* Each device's line, then its profile (a context on "P:D"). */
    for (char *line = buf, *next; *line; line = next) {
        int p = -1, d = -1;
        char spec[32], prof[512];
        cls_context *ctx = NULL;
        cls_context_options co;
        cls_device_profile dp;
        next = strchr(line, '\n');
        next = next ? next + 1 : line + strlen(line);
        fwrite(line, 1, (size_t)(next - line), stdout);
        if (sscanf(line, "%d:%d", &p, &d) != 2)
            continue;
        snprintf(spec, sizeof spec, "%d:%d", p, d);
        memset(&co, 0, sizeof co);
        co.device = spec;
        if (cls_context_create(&ctx, &co) == CLS_OK &&
            cls_context_get_profile(ctx, &dp) == CLS_OK &&
            cls_profile_describe(&dp, prof, sizeof prof) == CLS_OK)
            printf("      profile: %s\n", prof);
        else
            printf("      profile: unavailable: %s\n", cls_last_error());
        cls_context_destroy(ctx);
    }
    return 0;
}
