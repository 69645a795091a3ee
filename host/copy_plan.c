/* Copy engine planning: canonicalise a (src, dst) pair and choose its kernel. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tuning/cpu.h"

/* The kernel forced by tests on this thread (CLS__COPY_AUTO: none). */
static _Thread_local cls__copy_kernel forced = CLS__COPY_AUTO;
/* Non-zero: 64-bit indices even where 32 bits suffice (tests). */
static _Thread_local int forced_idx64 = 0;

static const char *const kernel_names[CLS__COPY_KERNEL_COUNT] = {
    [CLS__COPY_AUTO] = "auto",
    [CLS__COPY_GENERIC] = "generic",
    [CLS__COPY_RUN] = "run",
    [CLS__COPY_RUN_PACKED] = "run_packed",
    [CLS__COPY_TILE] = "tile",
    [CLS__COPY_REG] = "reg",
    [CLS__COPY_INTERLEAVE] = "interleave",
    [CLS__COPY_DEINTERLEAVE] = "deinterleave",
    [CLS__COPY_D2S] = "d2s",
};

const char *cls__copy_kernel_name(cls__copy_kernel kernel)
{
    if ((int)kernel < 0 || kernel >= CLS__COPY_KERNEL_COUNT)
        return "invalid";
    return kernel_names[kernel];
}

void cls__copy_force_idx64(int on)
{
    forced_idx64 = on != 0;
}

void cls__copy_force(cls__copy_kernel kernel)
{
    forced = ((int)kernel >= 0 && kernel < CLS__COPY_KERNEL_COUNT) ? kernel : CLS__COPY_AUTO;
}

/* Sort dims outermost first: larger dst stride first, ties by src stride. */
static void sort_dims(cls__copy_plan *p)
{
    for (int i = 1; i < p->ndim; i++) {
        int64_t sz = p->sizes[i], ss = p->sstr[i], ds = p->dstr[i];
        int j = i - 1;
        while (j >= 0 && (p->dstr[j] < ds || (p->dstr[j] == ds && p->sstr[j] < ss))) {
            p->sizes[j + 1] = p->sizes[j];
            p->sstr[j + 1] = p->sstr[j];
            p->dstr[j + 1] = p->dstr[j];
            j--;
        }
        p->sizes[j + 1] = sz;
        p->sstr[j + 1] = ss;
        p->dstr[j + 1] = ds;
    }
}

/* Merge each dim into the one outside it when both views step over it
 * contiguously (outer stride == inner stride * inner size on both sides). */
static void merge_dims(cls__copy_plan *p)
{
    int n = 0;
    for (int i = 0; i < p->ndim; i++) {
        if (n > 0 && p->sstr[n - 1] == p->sstr[i] * p->sizes[i] &&
            p->dstr[n - 1] == p->dstr[i] * p->sizes[i]) {
            p->sizes[n - 1] *= p->sizes[i];
            p->sstr[n - 1] = p->sstr[i];
            p->dstr[n - 1] = p->dstr[i];
            continue;
        }
        p->sizes[n] = p->sizes[i];
        p->sstr[n] = p->sstr[i];
        p->dstr[n] = p->dstr[i];
        n++;
    }
    p->ndim = n;
}

/* Largest element index either side can reach, to pick 32- or 64-bit math. */
static void index_width(cls__copy_plan *p)
{
    uint64_t smax = p->soff, dmax = p->doff, total = 1;
    for (int i = 0; i < p->ndim; i++) {
        smax += (uint64_t)(p->sizes[i] - 1) * (uint64_t)p->sstr[i];
        dmax += (uint64_t)(p->sizes[i] - 1) * (uint64_t)p->dstr[i];
        total *= (uint64_t)p->sizes[i];
    }
    p->bytes = total * p->es;
    p->idx64 = forced_idx64 || smax + 64 >= (1ull << 31) || dmax + 64 >= (1ull << 31) ||
               total + 64 >= (1ull << 31);
}

static void canonicalise(const cls_tensor *src, const cls_tensor *dst, cls__copy_plan *p)
{
    memset(p, 0, sizeof *p);
    p->es = cls_dtype_size(src->dtype);
    p->soff = src->offset / p->es;
    p->doff = dst->offset / p->es;
    for (int d = 0; d < src->ndim; d++) {
        if (src->sizes[d] == 1)
            continue;
        p->sizes[p->ndim] = src->sizes[d];
        p->sstr[p->ndim] = src->strides[d];
        p->dstr[p->ndim] = dst->strides[d];
        p->ndim++;
    }
    if (p->ndim == 0) {
        p->ndim = 1;
        p->sizes[0] = p->sstr[0] = p->dstr[0] = 1;
    }
    sort_dims(p);
    merge_dims(p);
    p->a = p->b = -1;
    for (int d = 0; d < p->ndim; d++)
        if (p->sstr[d] == 1)
            p->a = d;
    if (p->dstr[p->ndim - 1] == 1)
        p->b = p->ndim - 1;
    index_width(p);
}

/* Whether kernel can run plan p; for the interleave row kernels (D2S,
 * INTERLEAVE, DEINTERLEAVE) the matched rows go to *rows when it is not
 * NULL, so a plan's rows are matched once, when its kernel is chosen. */
static int applies(const cls__copy_plan *p, cls__copy_kernel kernel, cls__d2s_rows *rows)
{
    if (p->tier == CLS_TIER_PORTABLE && kernel != CLS__COPY_GENERIC && kernel != CLS__COPY_RUN &&
        kernel != CLS__COPY_TILE)
        return 0;
    int run = p->b >= 0 && p->sstr[p->b] == 1;
    int transpose = p->b >= 0 && p->a >= 0 && p->a != p->b && !run;
    int64_t na = transpose ? p->sizes[p->a] : 0, nb = transpose ? p->sizes[p->b] : 0;
    switch (kernel) {
    case CLS__COPY_GENERIC:
        return 1;
    case CLS__COPY_RUN:
    case CLS__COPY_RUN_PACKED:
        return run;
    case CLS__COPY_TILE:
    case CLS__COPY_REG:
        return transpose;
    case CLS__COPY_INTERLEAVE:
        return transpose && nb >= 2 && nb <= 16 && p->dstr[p->a] == nb &&
               cls__d2s_match_layout(p, 0, rows);
    case CLS__COPY_DEINTERLEAVE:
        return transpose && na >= 2 && na <= 16 && p->sstr[p->b] == na &&
               cls__d2s_match_layout(p, 1, rows);
    case CLS__COPY_D2S:
        return p->d2s_views && cls__d2s_match(p, rows);
    default:
        return 0;
    }
}

int cls__copy_applies(const cls__copy_plan *p, cls__copy_kernel kernel)
{
    return applies(p, kernel, NULL);
}

/* The automatic choice: the portable tier's (copy_portable.c), or the CPU
 * tier's, whose strip kernels suit PoCL (a work-group runs as one loop that
 * its compiler vectorises across work-items): register blocks and small
 * constant-factor interleaves (the interleave rows, d2s_lower.c). */
static cls__copy_kernel auto_choice(const cls_device_profile *prof, cls__copy_plan *p)
{
    if (p->tier == CLS_TIER_PORTABLE)
        return cls__copy_portable_choice(prof, p);
    /* Depth-to-space views: the interleave rows of the best match, measured
     * on exactly these (streams that may span two axes, short NHWC runs);
     * layout interleaves take the one-axis rows (V16), which measured
     * faster on them (docs/tuning.md). */
    if (applies(p, CLS__COPY_D2S, &p->d2s))
        return CLS__COPY_D2S;
    if (cls__copy_applies(p, CLS__COPY_RUN)) {
        int64_t run_bytes = p->sizes[p->b] * (int64_t)p->es;
        /* Runs shorter than a strip go several to a work-item (one run per
         * work-item left the row split to dominate). */
        return (p->ndim == 1 || run_bytes >= CLS_CPU_RUN_MIN_BYTES) ? CLS__COPY_RUN
                                                                    : CLS__COPY_RUN_PACKED;
    }
    /* (The size tests first: they are cheaper than the row match.) */
    if (p->b >= 0 && p->sizes[p->b] <= CLS_CPU_INTERLEAVE_MAX &&
        applies(p, CLS__COPY_INTERLEAVE, &p->d2s))
        return CLS__COPY_INTERLEAVE;
    if (p->a >= 0 && p->sizes[p->a] < CLS_CPU_DEINTERLEAVE_BELOW &&
        applies(p, CLS__COPY_DEINTERLEAVE, &p->d2s))
        return CLS__COPY_DEINTERLEAVE;
    if (cls__copy_applies(p, CLS__COPY_REG))
        return CLS__COPY_REG;
    return CLS__COPY_GENERIC;
}

/* One stderr line per copy when CLS_LOG=1 (the library's only output). */
static void log_plan(const cls__copy_plan *p)
{
    char shape[200];
    size_t used = 0;
    if (!cls__log_enabled())
        return;
    shape[0] = '\0';
    for (int d = 0; d < p->ndim && used < sizeof shape; d++)
        used +=
            (size_t)snprintf(shape + used, sizeof shape - used, "%s%lld:%lld/%lld", d ? " " : "",
                             (long long)p->sizes[d], (long long)p->sstr[d], (long long)p->dstr[d]);
    fprintf(stderr,
            "clshuffle: copy kernel=%s tier=%s elem=%zu idx%d bytes=%llu "
            "dims(size:src/dst)=[%s]\n",
            cls__copy_kernel_name(p->kernel), cls__tier_name(p->tier), p->es, p->idx64 ? 64 : 32,
            (unsigned long long)p->bytes, shape);
}

void cls__copy_plan_make_raw(const cls_tensor *src, const cls_tensor *dst, cls__copy_plan *plan)
{
    canonicalise(src, dst, plan);
    plan->kernel = CLS__COPY_GENERIC;
}

static void choose(const cls_device_profile *prof, const cls_tensor *src, const cls_tensor *dst,
                   int d2s_views, cls__copy_plan *plan)
{
    canonicalise(src, dst, plan);
    plan->tier = prof->tier == CLS_TIER_CPU ? CLS_TIER_CPU : CLS_TIER_PORTABLE;
    plan->d2s_views = d2s_views;
    if (forced != CLS__COPY_AUTO && applies(plan, forced, &plan->d2s))
        plan->kernel = forced;
    else
        plan->kernel = auto_choice(prof, plan);
}

void cls__copy_plan_make_prof(const cls_device_profile *prof, const cls_tensor *src,
                              const cls_tensor *dst, int d2s_views, cls__copy_plan *plan)
{
    choose(prof, src, dst, d2s_views, plan);
}

void cls__copy_plan_make(const cls_context *ctx, const cls_tensor *src, const cls_tensor *dst,
                         int d2s_views, cls__copy_plan *plan)
{
    choose(&ctx->profile, src, dst, d2s_views, plan);
    log_plan(plan);
}

cls__copy_kernel cls__copy_choose(const cls_context *ctx, const cls_tensor *src,
                                  const cls_tensor *dst)
{
    cls__copy_plan plan;
    choose(&ctx->profile, src, dst, 0, &plan);
    return plan.kernel;
}
