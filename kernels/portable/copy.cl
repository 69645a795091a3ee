/* Portable copy kernels (definitions in common.cl): a run copy, a gather in
 * dst order for any strides, and a zero fill.
 *
 * Every kernel is coalesced on the write side: consecutive work-items along
 * get_global_id(0) store consecutive units. Rows are the canonical dims
 * outside the kernel's x dims: the innermost of them is get_global_id(1)
 * (ny rows at strides sy, dy), the others get_global_id(2), split over nrow
 * dims (no division for one).
 *
 * Each work-item moves `per` x indices (units of the run copy, indices of
 * the gather) of `ypi` rows, and in the run copy of `zpi` z rows. By
 * default the x indices are strided by the work-group's x size
 * (consecutive work-items on consecutive x: coalesced on GPUs). With
 * CHUNK=1 (devices of CPU type, where a work-group is a loop over its
 * work-items) each work-item moves `per` consecutive x instead: its loop
 * then has unit stride and the compiler vectorises it (PoCL does not
 * vectorise across these work-items), and the run copy's units may be
 * stored non-temporally (NT, common.cl). src and dst are restrict: the entry
 * points reject overlapping views, and without it the compiler gives up on
 * the gather's loop ("cannot prove it is safe to reorder memory
 * operations"). */
#ifndef CHUNK
#define CHUNK 0
#endif

/* First x index of this work-item and the step between its x indices. */
#if CHUNK
#define X_FIRST(per) ((idx_t)get_global_id(0) * (per))
#define X_STEP 1
#else
#define X_FIRST(per) ((idx_t)get_group_id(0) * get_local_size(0) * (per) + get_local_id(0))
#define X_STEP ((idx_t)get_local_size(0))
#endif

#define ROW_ARGS                                                                                   \
    idx_t ny, idx_t sy, idx_t dy, idx_t nz, int nrow, idx8_t rsz, idx8_t rss, idx8_t rds

/* The rows of this work-item: ypi consecutive y rows [*y, *y1) (1 on GPUs;
 * on CPUs, where a work-item's rows are a loop, several when rows are
 * short), and the z row's offsets added to so and dof; 0 when the
 * work-item is past the rows. */
static int rows_start(idx_t ny, idx_t nz, int nrow, idx8_t rsz, idx8_t rss, idx8_t rds, uint ypi,
                      idx_t *so, idx_t *dof, idx_t *y, idx_t *y1)
{
    idx_t z = get_global_id(2);
    *y = (idx_t)get_global_id(1) * ypi;
    *y1 = min(*y + (idx_t)ypi, ny);
    if (*y >= ny || z >= nz)
        return 0;
    row_offsets(z, nrow, rsz, rss, rds, so, dof);
    return 1;
}
#define ROWS_START(so, dof, y, y1) rows_start(ny, nz, nrow, rsz, rss, rds, ypi, so, dof, y, y1)

/* Units of 16 bytes. */
#if ELEM_SIZE == 1
#define VW 16
#elif ELEM_SIZE == 2
#define VW 8
#elif ELEM_SIZE == 4
#define VW 4
#else
#define VW 2
#endif
#define VLOAD(p) VLOAD_N(VW, p)
#define VSTORE(v, p) VSTORE_N(VW, v, p)

/* The innermost dim (n0 elements) is contiguous on both sides: 16-byte
 * units through vload/vstore (any element alignment), the row's tail
 * element by element. */
__kernel void copy_run(__global const elem_t *restrict src, ulong src_off,
                       __global elem_t *restrict dst, ulong dst_off, idx_t n0, ROW_ARGS, uint per,
                       uint ypi, uint zpi)
{
    idx_t so = src_off, dof = dst_off, u0 = X_FIRST(per), uend = u0 + (idx_t)per * X_STEP;
    idx_t full = n0 / VW, u1 = min(uend, full), y0, y1;
    idx_t z = (idx_t)get_global_id(2) * zpi, z1 = min(z + (idx_t)zpi, nz);
    row_walk w;
    y0 = (idx_t)get_global_id(1) * ypi;
    y1 = min(y0 + (idx_t)ypi, ny);
    if (y0 >= ny || z >= nz)
        return;
    row_offsets(z, nrow, rsz, rss, rds, &so, &dof);
    w = walk_start(z, zpi, nrow, rsz, rss, rds);
    for (;;) {
        for (idx_t y = y0; y < y1; y++) {
            __global const elem_t *s = src + so + y * sy;
            __global elem_t *d = dst + dof + y * dy;
            idx_t u = u0;
            for (; u < u1; u += X_STEP)
                VSTORE_STREAM(VW, VLOAD(s + u * VW), d + u * VW);
            /* The tail (a partial unit) belongs to the work-item whose
             * indices include unit `full`: its loop stops there. */
            if (u == full && full < uend)
                for (idx_t e = full * VW; e < n0; e++)
                    d[e] = s[e];
        }
        if (++z >= z1)
            break;
        walk_next(&w, z, nrow, rsz, rss, rds, (idx_t)src_off, (idx_t)dst_off, &so, &dof);
    }
}

/* Any strides: a work-item per index x of one dim (nx elements, strides sx
 * and dx), looping over INNER (1..16, compile-time) elements of a second
 * dim (strides sl and dl). The host puts dst stride 1 on x, or, when the
 * dst-contiguous dim is short, on the loop: consecutive work-items then
 * store consecutive runs of INNER elements (interleaves: NCHW -> NHWC with
 * small C, depth-to-space), and otherwise consecutive elements. */
#ifndef INNER
#define INNER 1
#endif
__kernel void copy_gather(__global const elem_t *restrict src, ulong src_off,
                          __global elem_t *restrict dst, ulong dst_off, idx_t nx, idx_t sx,
                          idx_t dx, idx_t sl, idx_t dl, ROW_ARGS, uint per, uint ypi)
{
    idx_t so = src_off, dof = dst_off, x0 = X_FIRST(per), y, y1;
    idx_t x1 = min(x0 + (idx_t)per * X_STEP, nx);
    if (!ROWS_START(&so, &dof, &y, &y1))
        return;
    for (; y < y1; y++) {
        __global const elem_t *s = src + so + y * sy;
        __global elem_t *d = dst + dof + y * dy;
        for (idx_t x = x0; x < x1; x += X_STEP)
            for (int t = 0; t < INNER; t++)
                d[x * dx + t * dl] = s[x * sx + t * sl];
    }
}

/* Zero every element of a strided view (blocked-format padding), in the
 * same order as copy_gather with only a dst side. */
__kernel void fill_zero(__global elem_t *dst, ulong dst_off, idx_t nx, idx_t dx, idx_t dl, ROW_ARGS,
                        uint per, uint ypi)
{
    idx_t so = 0, dof = dst_off, x0 = X_FIRST(per), y, y1;
    idx_t x1 = min(x0 + (idx_t)per * X_STEP, nx);
    if (!ROWS_START(&so, &dof, &y, &y1))
        return;
    for (; y < y1; y++) {
        __global elem_t *d = dst + dof + y * dy;
        for (idx_t x = x0; x < x1; x += X_STEP)
            for (int t = 0; t < INNER; t++)
                d[x * dx + t * dl] = 0;
    }
}
