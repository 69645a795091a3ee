/* The copy engine's portable tier: kernel choice, launch geometry from the
 * device profile, and the launches (kernels/portable/copy.cl and
 * transpose.cl). Geometry is computed without a device, so planner tests
 * can run it on fake profiles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tuning/portable.h"

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

/* Work-group size for n units along x: CLS_PORTABLE_WG, or the power of two
 * covering n when smaller, never under the preferred multiple, within the
 * device's limits (a power of two below the limit). */
size_t cls__portable_wg(const cls_device_profile *prof, uint64_t n)
{
    size_t limit = prof->max_work_group_size < prof->max_work_item_sizes[0]
                       ? prof->max_work_group_size
                       : prof->max_work_item_sizes[0];
    size_t wg = 1;
    while (wg * 2 <= CLS_PORTABLE_WG && wg * 2 <= limit && (wg < n || wg < prof->wg_multiple))
        wg *= 2;
    return wg;
}

/* Rows per work-group of the run copy and the gather (GPU geometry): the
 * group grows to CLS_PORTABLE_WG over rows when one row is narrower. */
static size_t rows_per_group(const cls_device_profile *prof, size_t wgx, uint64_t rows)
{
    size_t target = CLS_PORTABLE_WG, limit = prof->max_work_group_size, ly = 1;
    if (target > limit)
        target = limit;
    while (wgx * ly * 2 <= target && ly * 2 <= prof->max_work_item_sizes[1] && ly < rows)
        ly *= 2;
    return ly;
}

/* Devices that run a work-group as a task on a CPU core (PoCL, Oclgrind):
 * there each group costs a dispatch and its work-items run as a loop, so
 * groups take more work and work-items wider units. */
static int groups_are_tasks(const cls_device_profile *prof)
{
    return (prof->type & CL_DEVICE_TYPE_CPU) != 0;
}

/* Non-temporal stores in the portable kernels (NT=1): devices of CPU type
 * whose compiler the profile's probe found with the builtin. GPUs keep
 * plain stores: nothing has measured them there. */
static int stream_stores(const cls_device_profile *prof)
{
    return groups_are_tasks(prof) && prof->nt_store;
}

/* Elements per unit of the register transpose: CLS_PORTABLE_CPU_REGS_UNIT
 * bytes, 2 to 8 elements (16 single bytes transposed as uchar16 made
 * Oclgrind report their stores uninitialized, the values right). */
static uint64_t regs_unit(size_t es)
{
    uint64_t v = es >= CLS_PORTABLE_CPU_REGS_UNIT / 2 ? 2 : CLS_PORTABLE_CPU_REGS_UNIT / es;
    return v > 8 ? 8 : v;
}

void cls__portable_tile(const cls_device_profile *prof, size_t es, int *tx, int *ty, int *u,
                        int *pad)
{
    size_t limit_x = prof->max_work_item_sizes[0], limit_y = prof->max_work_item_sizes[1];
    /* One 4-byte word of padding per row (one element of 8 bytes): the
     * column reads of a tile then fall in different banks. */
    *pad = es >= 4 ? 1 : (int)(4 / es);
    *u = es >= 4 ? 1 : (int)(4 / es);
    *tx = CLS_PORTABLE_TILE_TX, *ty = CLS_PORTABLE_TILE_TY;
    for (;;) {
        uint64_t tw = (uint64_t)*tx * (uint64_t)*u;
        uint64_t bytes = tw * (tw + (uint64_t)*pad) * es;
        int fits = bytes <= prof->local_mem_size / 2 &&
                   (size_t)*tx * (size_t)*ty <= prof->max_work_group_size &&
                   (size_t)*tx <= limit_x && (size_t)*ty <= limit_y;
        if (fits || *tx <= 4)
            break;
        if ((size_t)*tx * (size_t)*ty > prof->max_work_group_size && *ty > 1)
            *ty /= 2;
        else
            *tx /= 2;
    }
    /* The kernel's row loops need TY to divide TW = TX * U (powers of two). */
    while (*ty > 1 && (*ty > *tx || (size_t)*ty > limit_y ||
                       (size_t)*tx * (size_t)*ty > prof->max_work_group_size))
        *ty /= 2;
}

static uint64_t outer_rows(const cls__copy_plan *p, int inner);

/* Rows per work-item on devices of CPU type: the largest power of two, at
 * most n, of rows of row_bytes that keeps a work-item within
 * CLS_PORTABLE_CPU_ITEM_BYTES. */
static uint64_t rows_per_item(uint64_t n, uint64_t row_bytes)
{
    uint64_t k = 1;
    while (k * 2 <= n && k * 2 * row_bytes <= CLS_PORTABLE_CPU_ITEM_BYTES)
        k *= 2;
    return k;
}

/* The device's cache line (64 bytes where it reports none). */
static uint64_t cache_line(const cls_device_profile *prof)
{
    return prof->global_cache_line ? prof->global_cache_line : 64;
}

cls__copy_kernel cls__copy_portable_choice(const cls_device_profile *prof, const cls__copy_plan *p)
{
    if (cls__copy_applies(p, CLS__COPY_RUN) &&
        (p->ndim == 1 || (uint64_t)p->sizes[p->b] * p->es >= CLS_PORTABLE_RUN_MIN_BYTES))
        return CLS__COPY_RUN;
    if (groups_are_tasks(prof) && cls__copy_applies(p, CLS__COPY_TILE)) {
        /* The register transpose: both dims at least one unit. */
        uint64_t na = (uint64_t)p->sizes[p->a], nb = (uint64_t)p->sizes[p->b];
        uint64_t v = regs_unit(p->es), amax = v * CLS_PORTABLE_CPU_REGS_AU_MAX;
        uint64_t bmax = CLS_PORTABLE_CPU_REGS_STRIP / p->es, item, batch;
        if (na < v || nb < v)
            return CLS__COPY_GENERIC;
        item = (na < amax ? na : amax) * (nb < bmax ? nb : bmax) * p->es;
        batch = outer_rows(p, 0) / (na * nb);
        /* Short transposes whose dst runs fill a line: a work-item takes
         * batch rows too (zpi). Shorter dst runs (space-to-depth NHWC CRD,
         * B = r) measured slower so than on the gather. */
        if (item < CLS_PORTABLE_CPU_REGS_MIN_ITEM_BYTES && nb * p->es >= cache_line(prof))
            item *= rows_per_item(batch, item);
        return item >= CLS_PORTABLE_CPU_REGS_MIN_ITEM_BYTES ? CLS__COPY_TILE : CLS__COPY_GENERIC;
    }
    if (cls__copy_applies(p, CLS__COPY_TILE) && p->sizes[p->a] > CLS_PORTABLE_GATHER_INNER_MAX &&
        p->sizes[p->b] > CLS_PORTABLE_GATHER_INNER_MAX) {
        int tx, ty, u, pad;
        int64_t tw;
        cls__portable_tile(prof, p->es, &tx, &ty, &u, &pad);
        tw = (int64_t)tx * u;
        if (p->sizes[p->a] * CLS_PORTABLE_TILE_MIN_FILL >= tw &&
            p->sizes[p->b] * CLS_PORTABLE_TILE_MIN_FILL >= tw)
            return CLS__COPY_TILE;
    }
    return CLS__COPY_GENERIC;
}

/* The gather's dims: x is the dst-contiguous dim (ndim - 1) or, when that
 * is short and the next one longer, the next one with the short one looped
 * (each work-item stores a run: interleaves); otherwise the loop is the
 * short dim (2..16) of smallest src stride below x's (each work-item reads
 * a run: deinterleaves), else the next dim when short, else none. */
static void gather_dims(const cls__copy_plan *p, int *x, int *l)
{
    int d0 = p->ndim - 1, d1 = p->ndim - 2;
    *x = d0, *l = -1;
    if (d1 >= 0 && p->sizes[d0] <= CLS_PORTABLE_GATHER_INNER_MAX && p->sizes[d1] >= p->sizes[d0]) {
        *x = d1, *l = d0;
        return;
    }
    for (int d = 0; d < d0; d++)
        if (p->sizes[d] <= CLS_PORTABLE_GATHER_INNER_MAX && p->sstr[d] < p->sstr[d0] &&
            (*l < 0 || p->sstr[d] < p->sstr[*l]))
            *l = d;
    if (*l < 0 && d1 >= 0 && p->sizes[d1] <= CLS_PORTABLE_GATHER_INNER_MAX)
        *l = d1;
}

/* p with its dims reordered for the gather: the rows (the other dims, in
 * order), then the looped dim l (if any), then x. */
static void gather_view(const cls__copy_plan *p, int x, int l, cls__copy_plan *q)
{
    int n = 0;
    *q = *p;
    for (int d = 0; d < p->ndim; d++)
        if (d != x && d != l) {
            q->sizes[n] = p->sizes[d], q->sstr[n] = p->sstr[d], q->dstr[n] = p->dstr[d];
            n++;
        }
    if (l >= 0) {
        q->sizes[n] = p->sizes[l], q->sstr[n] = p->sstr[l], q->dstr[n] = p->dstr[l];
        n++;
    }
    q->sizes[n] = p->sizes[x], q->sstr[n] = p->sstr[x], q->dstr[n] = p->dstr[x];
}

/* Rows of the run copy and the gather: dims 0 .. k-1 of p; the innermost
 * of them is get_global_id(1), the rest get_global_id(2). */
static uint64_t row_y(const cls__copy_plan *p, int k)
{
    return k >= 1 ? (uint64_t)p->sizes[k - 1] : 1;
}

static uint64_t row_z(const cls__copy_plan *p, int k)
{
    uint64_t nz = 1;
    for (int d = 0; d < k - 1; d++)
        nz *= (uint64_t)p->sizes[d];
    return nz;
}

static size_t rows_per_group(const cls_device_profile *prof, size_t wgx, uint64_t rows);

static void set_rows(const cls_device_profile *prof, const cls__copy_plan *p, int k,
                     cls__launch_geom *g)
{
    uint64_t ny = row_y(p, k);
    g->local[1] = rows_per_group(prof, g->local[0], ny);
    g->global[1] = (size_t)(ceil_div(ny, g->local[1]) * g->local[1]);
    g->global[2] = (size_t)row_z(p, k);
}

/* Dims of plan p outside the kernel's x dims (all but the `inner` innermost),
 * and their element count. */
static uint64_t outer_rows(const cls__copy_plan *p, int inner)
{
    uint64_t rows = 1;
    for (int d = 0; d < p->ndim - inner; d++)
        rows *= (uint64_t)p->sizes[d];
    return rows;
}

/* The rows (dims 0 .. k-1) of the run copy: on devices that run a
 * work-group as a task the row dim of smallest src stride becomes y
 * (dim k-1: a work-item's consecutive rows, then its neighbours'), so that
 * the rows walked together read neighbouring src lines (depth-to-space in
 * NHWC reads half of each pixel per row otherwise); the others keep their
 * order. q is p so reordered (p itself elsewhere). */
static void rows_view(const cls_device_profile *prof, const cls__copy_plan *p, int k,
                      cls__copy_plan *q)
{
    int y = k - 1;
    *q = *p;
    if (!groups_are_tasks(prof) || k < 2)
        return;
    for (int d = 0; d < k - 1; d++)
        if (p->sstr[d] < p->sstr[y])
            y = d;
    for (int d = y; d < k - 1; d++) {
        q->sizes[d] = p->sizes[d + 1], q->sstr[d] = p->sstr[d + 1], q->dstr[d] = p->dstr[d + 1];
    }
    q->sizes[k - 1] = p->sizes[y], q->sstr[k - 1] = p->sstr[y], q->dstr[k - 1] = p->dstr[y];
}

/* The run copy and the gather on devices that run a work-group as a task
 * (CHUNK=1): each work-item moves g->per consecutive x indices (of nx,
 * bytes_per_item bytes) of g->ypi consecutive rows (more than one when
 * that is under CLS_PORTABLE_CPU_ITEM_BYTES), with fold_z (the run copy)
 * of g->zpi consecutive z rows too while it stays under that (short rows:
 * depth-to-space in NHWC moves a pixel per z row, and splitting z once per
 * work-item cost more than moving it), a work-group takes rows
 * (dims 0 .. k-1 of p: y, then with fold_z the z rows too), then more
 * work-items along x, until it moves about CLS_PORTABLE_CPU_GROUP_BYTES (and
 * at least the preferred multiple of work-items). The gather does not fold
 * z: its groups of several z rows measured slower (docs/tuning.md). */
static void chunk_geometry(const cls_device_profile *prof, const cls__copy_plan *p, int k,
                           uint64_t nx, uint64_t bytes_per_item, int fold_z, int len,
                           cls__launch_geom *g)
{
    uint64_t ny = row_y(p, k), nz = row_z(p, k), items = ceil_div(nx, g->per), ny_items;
    size_t lx = 1, ly = 1, lz = 1;
    snprintf(g->options + len, sizeof g->options - (size_t)len, " -DCHUNK=1");
    g->ypi = rows_per_item(ny, bytes_per_item);
    bytes_per_item *= g->ypi;
    ny_items = ceil_div(ny, g->ypi);
    g->zpi = fold_z ? rows_per_item(nz, bytes_per_item) : 1;
    bytes_per_item *= g->zpi;
    nz = ceil_div(nz, g->zpi);
    while (ly < ny_items && ly * 2 <= prof->max_work_item_sizes[1] &&
           ly * 2 <= prof->max_work_group_size &&
           (uint64_t)ly * 2 * bytes_per_item <= CLS_PORTABLE_CPU_GROUP_BYTES)
        ly *= 2;
    while (fold_z && lz < nz && lz * 2 <= prof->max_work_item_sizes[2] &&
           ly * lz * 2 <= prof->max_work_group_size &&
           (uint64_t)ly * lz * 2 * bytes_per_item <= CLS_PORTABLE_CPU_GROUP_BYTES)
        lz *= 2;
    while ((lx * ly * lz < prof->wg_multiple ||
            (lx < items &&
             (uint64_t)lx * ly * lz * 2 * bytes_per_item <= CLS_PORTABLE_CPU_GROUP_BYTES)) &&
           lx * 2 <= prof->max_work_item_sizes[0] && lx * ly * lz * 2 <= prof->max_work_group_size)
        lx *= 2;
    g->local[0] = lx, g->local[1] = ly, g->local[2] = lz;
    g->global[0] = (size_t)(ceil_div(items, lx) * lx);
    g->global[1] = (size_t)(ceil_div(ny_items, ly) * ly);
    g->global[2] = (size_t)(ceil_div(nz, lz) * lz);
}

/* The transpose on devices that run a work-group as a task: transpose_regs.
 * A work-item moves AU x V elements of A (AU units) by blen of B (a
 * multiple of V), a work-group consecutive work-items along A up to about
 * CLS_PORTABLE_CPU_GROUP_BYTES, while every compute unit keeps
 * CLS_PORTABLE_CPU_GROUPS_PER_CU groups. When src rows (B) lie at least
 * CLS_PORTABLE_CPU_REGS_FAR_BYTES apart, a work-item takes a whole line of
 * A (AU units) so that each src line it touches is read whole at once,
 * and short strips of B; otherwise long strips and one unit of A, or
 * every whole unit of A when A is at most a line (NHWC -> NCHW with
 * C = 16: the src is then read in order). Blocks go in runs of BL, a dst line's worth of
 * units of B (transpose.cl). g->per is blen. */
static void regs_geometry(const cls_device_profile *prof, const cls__copy_plan *p, uint64_t batch,
                          int len, cls__launch_geom *g)
{
    uint64_t na = (uint64_t)p->sizes[p->a], nb = (uint64_t)p->sizes[p->b], items, strips, blen;
    uint64_t v = regs_unit(p->es), au = 1, strip = CLS_PORTABLE_CPU_REGS_STRIP;
    uint64_t cu = prof->compute_units ? prof->compute_units : 1;
    uint64_t line = cache_line(prof), bl;
    size_t lx = 1;
    int far = (uint64_t)p->sstr[p->b] * p->es >= CLS_PORTABLE_CPU_REGS_FAR_BYTES;
    if (far) {
        while (au * 2 * v * p->es <= line && au * 2 * v <= na &&
               au * 2 <= CLS_PORTABLE_CPU_REGS_AU_MAX)
            au *= 2;
        strip = CLS_PORTABLE_CPU_REGS_FAR_STRIP;
    } else if (na * p->es <= line) {
        au = na >= v ? na / v : 1; /* every whole unit of A */
    }
    blen = strip / p->es;
    blen = blen < v ? v : blen / v * v;
    if (blen > (nb + v - 1) / v * v)
        blen = (nb + v - 1) / v * v;
    /* Short B (depth-to-space's r, NCHW -> NHWC with C = 16): more of A. */
    while (au * 2 * v <= na && au * 2 <= CLS_PORTABLE_CPU_REGS_AU_MAX &&
           au * 2 * v * blen * p->es <= CLS_PORTABLE_CPU_ITEM_BYTES)
        au *= 2;
    items = ceil_div(na, v * au), strips = ceil_div(nb, blen);
    /* Short work-items (depth-to-space NCHW: A = W, B = r) take several
     * batch rows, stepped like the run copy's z rows. */
    g->zpi = rows_per_item(batch, au * v * blen * p->es);
    batch = ceil_div(batch, g->zpi);
    while (lx * 2 <= prof->max_work_item_sizes[0] && lx * 2 <= prof->max_work_group_size &&
           (lx < prof->wg_multiple ||
            (lx * 2 <= items &&
             (uint64_t)lx * 2 * au * v * blen * p->es <= CLS_PORTABLE_CPU_GROUP_BYTES &&
             ceil_div(items, lx * 2) * strips * batch >= cu * CLS_PORTABLE_CPU_GROUPS_PER_CU)))
        lx *= 2;
    bl = line / (v * p->es);
    snprintf(g->options + len, sizeof g->options - (size_t)len, " -DV=%d -DAU=%d -DBL=%d -DNT=%d",
             (int)v, (int)au, (int)(bl ? bl : 1), stream_stores(prof));
    g->program = "portable/transpose", g->kernel = "transpose_regs";
    g->per = blen;
    g->local[0] = lx, g->local[1] = g->local[2] = 1;
    g->global[0] = (size_t)(ceil_div(items, lx) * lx);
    g->global[1] = (size_t)strips;
    g->global[2] = (size_t)batch;
}

/* The batch dims of a transpose (all but a and b) packed to the front of a
 * copy of p. */
static void batch_dims(const cls__copy_plan *p, cls__copy_plan *q)
{
    int n = 0;
    *q = *p;
    for (int d = 0; d < p->ndim; d++)
        if (d != p->a && d != p->b) {
            q->sizes[n] = p->sizes[d], q->sstr[n] = p->sstr[d], q->dstr[n] = p->dstr[d];
            n++;
        }
    q->ndim = n;
}

void cls__copy_portable_geometry(const cls_device_profile *prof, const cls__copy_plan *p,
                                 cls__launch_geom *g)
{
    int len;
    memset(g, 0, sizeof *g);
    len = snprintf(g->options, sizeof g->options, "-DELEM_SIZE=%zu -DIDX64=%d", p->es, p->idx64);
    g->local[1] = g->local[2] = 1;
    g->global[2] = 1;
    g->ypi = 1;
    g->zpi = 1;
    if (p->kernel == CLS__COPY_TILE) {
        int tx, ty, u, pad;
        uint64_t tw, nta, ntb,
            batch = outer_rows(p, 0) / ((uint64_t)p->sizes[p->a] * p->sizes[p->b]);
        batch_dims(p, &g->rows);
        if (groups_are_tasks(prof)) {
            regs_geometry(prof, p, batch, len, g);
            return;
        }
        cls__portable_tile(prof, p->es, &tx, &ty, &u, &pad);
        tw = (uint64_t)tx * (uint64_t)u;
        nta = ceil_div((uint64_t)p->sizes[p->a], tw), ntb = ceil_div((uint64_t)p->sizes[p->b], tw);
        snprintf(g->options + len, sizeof g->options - (size_t)len,
                 " -DTX=%d -DTY=%d -DU=%d -DPAD=%d", tx, ty, u, pad);
        g->program = "portable/transpose", g->kernel = "transpose_tile";
        g->per = 1;
        g->local[0] = (size_t)tx, g->local[1] = (size_t)ty;
        g->global[0] = (size_t)(nta * (uint64_t)tx);
        g->global[1] = (size_t)(ntb * (uint64_t)ty);
        g->global[2] = (size_t)batch;
        return;
    }
    g->program = "portable/copy";
    if (p->kernel == CLS__COPY_RUN) {
        uint64_t n0 = (uint64_t)p->sizes[p->ndim - 1], units = ceil_div(n0 * p->es, 16);
        g->kernel = "copy_run";
        rows_view(prof, p, p->ndim - 1, &g->rows);
        if (groups_are_tasks(prof)) {
            g->per = units < CLS_PORTABLE_CPU_RUN_CHUNK ? units : CLS_PORTABLE_CPU_RUN_CHUNK;
            len += snprintf(g->options + len, sizeof g->options - (size_t)len, " -DNT=%d",
                            stream_stores(prof));
            chunk_geometry(prof, &g->rows, p->ndim - 1, units, g->per * 16, 1, len, g);
            return;
        }
        g->per = CLS_PORTABLE_RUN_PER;
        g->local[0] = cls__portable_wg(prof, units);
        g->global[0] = (size_t)(ceil_div(units, g->local[0] * g->per) * g->local[0]);
        set_rows(prof, p, p->ndim - 1, g);
        return;
    }
    {
        /* The gather (and the zero fill): x over one dim, a constant loop
         * over a short one (see gather_dims), rows the rest. */
        const cls__copy_plan *q = &g->rows;
        uint64_t nx;
        g->kernel = "copy_gather";
        gather_dims(p, &g->xdim, &g->ldim);
        gather_view(p, g->xdim, g->ldim, &g->rows);
        g->inner = g->ldim >= 0 ? (int)p->sizes[g->ldim] : 1;
        nx = (uint64_t)p->sizes[g->xdim];
        len += snprintf(g->options + len, sizeof g->options - (size_t)len, " -DINNER=%d", g->inner);
        if (groups_are_tasks(prof)) {
            g->per = nx < CLS_PORTABLE_CPU_GATHER_CHUNK ? nx : CLS_PORTABLE_CPU_GATHER_CHUNK;
            chunk_geometry(prof, q, q->ndim - (g->ldim >= 0 ? 2 : 1), nx,
                           g->per * (uint64_t)g->inner * p->es, 0, len, g);
            return;
        }
        g->per = 1;
        g->local[0] = cls__portable_wg(prof, nx);
        g->global[0] = (size_t)(ceil_div(nx, g->local[0]) * g->local[0]);
        set_rows(prof, q, q->ndim - (g->ldim >= 0 ? 2 : 1), g);
    }
}

/* The row arguments of dims 0 .. k-1: the y dim (size, strides), the z
 * count, then the z dims as idx8 (count, sizes, src strides, dst strides;
 * unused lanes size 1, stride 0). */
static void arg_rows(cls__args *a, const cls__copy_plan *p, int first, int n);
static void arg_row_split(cls__args *a, const cls__copy_plan *p, int k)
{
    cls__arg_idx(a, row_y(p, k));
    cls__arg_idx(a, k >= 1 ? (uint64_t)p->sstr[k - 1] : 0);
    cls__arg_idx(a, k >= 1 ? (uint64_t)p->dstr[k - 1] : 0);
    cls__arg_idx(a, row_z(p, k));
    arg_rows(a, p, 0, k >= 1 ? k - 1 : 0);
}

/* Sizes and strides of the first n dims of p as idx8 arguments (count,
 * sizes, src strides, dst strides); unused lanes are size 1, stride 0. */
static void arg_rows(cls__args *a, const cls__copy_plan *p, int first, int n)
{
    cl_uint8 s32[3];
    cl_ulong8 s64[3];
    cl_int count = n;
    for (int i = 0; i < 8; i++) {
        int d = first + i;
        uint64_t v[3] = {i < n ? (uint64_t)p->sizes[d] : 1, i < n ? (uint64_t)p->sstr[d] : 0,
                         i < n ? (uint64_t)p->dstr[d] : 0};
        for (int k = 0; k < 3; k++)
            s32[k].s[i] = (cl_uint)v[k], s64[k].s[i] = v[k];
    }
    cls__arg(a, sizeof count, &count);
    for (int k = 0; k < 3; k++)
        cls__arg(a, a->idx64 ? sizeof s64[k] : sizeof s32[k],
                 a->idx64 ? (void *)&s64[k] : (void *)&s32[k]);
}

/* Enqueue plan p; src NULL: the zero fill of dst (a GENERIC plan). */
static cls_status enqueue(cls_context *ctx, const cls__copy_plan *p, const cls_tensor *src,
                          const cls_tensor *dst, cl_uint num_wait, const cl_event *wait,
                          cl_event *ev)
{
    cls__launch_geom g;
    cls__args a;
    cl_ulong soff = p->soff, doff = p->doff;
    cl_uint per, ypi, zpi;
    cls_status st;
    int nd = p->ndim;
    cls__copy_portable_geometry(&ctx->profile, p, &g);
    if (!src)
        g.kernel = "fill_zero";
    memset(&a, 0, sizeof a);
    a.idx64 = p->idx64;
    if ((st = cls__kernel_get(ctx, g.program, g.options, g.kernel, &a.k)) != CLS_OK)
        return st;
    per = (cl_uint)g.per, ypi = (cl_uint)g.ypi, zpi = (cl_uint)g.zpi;
    if (src) {
        cls__arg(&a, sizeof(cl_mem), &src->buffer);
        cls__arg(&a, sizeof soff, &soff);
    }
    cls__arg(&a, sizeof(cl_mem), &dst->buffer);
    cls__arg(&a, sizeof doff, &doff);
    if (p->kernel == CLS__COPY_TILE) {
        cls__arg_idx(&a, (uint64_t)p->sizes[p->a]);
        cls__arg_idx(&a, (uint64_t)p->sizes[p->b]);
        cls__arg_idx(&a, (uint64_t)p->dstr[p->a]);
        cls__arg_idx(&a, (uint64_t)p->sstr[p->b]);
        if (groups_are_tasks(&ctx->profile)) { /* transpose_regs: its strip, batch rows */
            cls__arg_idx(&a, g.per);
            cls__arg_idx(&a, outer_rows(&g.rows, 0));
        }
        arg_rows(&a, &g.rows, 0, g.rows.ndim);
        if (groups_are_tasks(&ctx->profile))
            cls__arg(&a, sizeof zpi, &zpi);
        return cls__launch(ctx, &a, g.program, g.kernel, 3, g.global, g.local, num_wait, wait, ev);
    }
    if (p->kernel == CLS__COPY_RUN) {
        cls__arg_idx(&a, (uint64_t)p->sizes[nd - 1]);
        arg_row_split(&a, &g.rows, nd - 1);
    } else {
        int l = g.ldim;
        cls__arg_idx(&a, (uint64_t)p->sizes[g.xdim]);
        if (src)
            cls__arg_idx(&a, (uint64_t)p->sstr[g.xdim]);
        cls__arg_idx(&a, (uint64_t)p->dstr[g.xdim]);
        if (src)
            cls__arg_idx(&a, l >= 0 ? (uint64_t)p->sstr[l] : 0);
        cls__arg_idx(&a, l >= 0 ? (uint64_t)p->dstr[l] : 0);
        arg_row_split(&a, &g.rows, nd - (l >= 0 ? 2 : 1));
    }
    cls__arg(&a, sizeof per, &per);
    cls__arg(&a, sizeof ypi, &ypi);
    if (p->kernel == CLS__COPY_RUN && src)
        cls__arg(&a, sizeof zpi, &zpi);
    return cls__launch(ctx, &a, g.program, g.kernel, 3, g.global, g.local, num_wait, wait, ev);
}

cls_status cls__copy_portable_enqueue(cls_context *ctx, const cls__copy_plan *p,
                                      const cls_tensor *src, const cls_tensor *dst,
                                      cl_uint num_wait, const cl_event *wait, cl_event *ev)
{
    return enqueue(ctx, p, src, dst, num_wait, wait, ev);
}

cls_status cls__fill_zero_portable(cls_context *ctx, const cls__copy_plan *p, const cls_tensor *dst,
                                   cl_uint num_wait, const cl_event *wait, cl_event *ev)
{
    cls__copy_plan q = *p;
    q.kernel = CLS__COPY_GENERIC;
    return enqueue(ctx, &q, NULL, dst, num_wait, wait, ev);
}
