/* Portable copy kernels (definitions in common.cl): a run copy, a gather in
 * dst order for any strides, and a zero fill.
 *
 * Every kernel is coalesced on the write side: consecutive work-items along
 * get_global_id(0) store consecutive units. Rows are the canonical dims
 * outside the kernel's x dims: the innermost of them is get_global_id(1)
 * (ny rows at strides sy, dy), the others get_global_id(2), split over nrow
 * dims (no division for one). */

#define ROW_ARGS                                                                              \
    idx_t ny, idx_t sy, idx_t dy, idx_t nz, int nrow, idx8_t rsz, idx8_t rss, idx8_t rds

/* The row's offsets; 0 when the work-item is past the rows. */
static int row_start(idx_t ny, idx_t sy, idx_t dy, idx_t nz, int nrow, idx8_t rsz, idx8_t rss,
                     idx8_t rds, idx_t *so, idx_t *dof)
{
    idx_t y = get_global_id(1), z = get_global_id(2);
    if (y >= ny || z >= nz)
        return 0;
    *so += y * sy;
    *dof += y * dy;
    row_offsets(z, nrow, rsz, rss, rds, so, dof);
    return 1;
}
#define ROW_START(so, dof) row_start(ny, sy, dy, nz, nrow, rsz, rss, rds, so, dof)

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
__kernel void copy_run(__global const elem_t *src, ulong src_off, __global elem_t *dst,
                       ulong dst_off, idx_t n0, ROW_ARGS, uint per)
{
    idx_t so = src_off, dof = dst_off;
    idx_t wg = get_local_size(0);
    idx_t u = (idx_t)get_group_id(0) * wg * per + get_local_id(0);
    if (!ROW_START(&so, &dof))
        return;
    for (uint k = 0; k < per; k++, u += wg) {
        idx_t e = u * VW;
        if (e + VW <= n0) {
            VSTORE(VLOAD(src + so + e), dst + dof + e);
        } else {
            for (; e < n0; e++)
                dst[dof + e] = src[so + e];
            return;
        }
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
__kernel void copy_gather(__global const elem_t *src, ulong src_off, __global elem_t *dst,
                          ulong dst_off, idx_t nx, idx_t sx, idx_t dx, idx_t sl, idx_t dl,
                          ROW_ARGS)
{
    idx_t x = get_global_id(0), so = src_off, dof = dst_off;
    if (x >= nx || !ROW_START(&so, &dof))
        return;
    so += x * sx;
    dof += x * dx;
    for (int t = 0; t < INNER; t++)
        dst[dof + t * dl] = src[so + t * sl];
}

/* Zero every element of a strided view (blocked-format padding), in the
 * same order as copy_gather with only a dst side. */
__kernel void fill_zero(__global elem_t *dst, ulong dst_off, idx_t nx, idx_t dx, idx_t dl,
                        ROW_ARGS)
{
    idx_t x = get_global_id(0), so = 0, dof = dst_off;
    if (x >= nx || !ROW_START(&so, &dof))
        return;
    dof += x * dx;
    for (int t = 0; t < INNER; t++)
        dst[dof + t * dl] = 0;
}
