/* Portable copy kernels (definitions in common.cl): a run copy, a gather in
 * dst order for any strides, and a zero fill.
 *
 * Every kernel is coalesced on the write side: a work-group owns a chunk of
 * one row (get_group_id(0)) and its work-items store consecutive units of
 * it, WG apart, PER times (get_local_size(0) = WG); the row's offsets are
 * split from get_global_id(1) once per work-item. Rows are the canonical
 * dims outside the kernel's x dims (nrow of them, innermost last). */

#define ROW_ARGS idx_t rows, int nrow, idx8_t rsz, idx8_t rss, idx8_t rds, uint per

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
                       ulong dst_off, idx_t n0, ROW_ARGS)
{
    idx_t y = get_global_id(1), so = src_off, dof = dst_off;
    idx_t wg = get_local_size(0);
    idx_t u = (idx_t)get_group_id(0) * wg * per + get_local_id(0);
    if (y >= rows)
        return;
    row_offsets(y, nrow, rsz, rss, rds, &so, &dof);
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

/* Any strides: x runs over the two innermost dims in dst order (n0 by n1,
 * flattened: consecutive work-items store consecutive elements of dims 0
 * and 1 when dst is dense there). A work-item's index advances by WG
 * elements a step, as (step0, step1) in (dim 0, dim 1): no division after
 * the first. */
__kernel void copy_gather(__global const elem_t *src, ulong src_off, __global elem_t *dst,
                          ulong dst_off, idx_t n0, idx_t s0, idx_t d0, idx_t n1, idx_t s1,
                          idx_t d1, idx_t step0, idx_t step1, ROW_ARGS)
{
    idx_t y = get_global_id(1), so = src_off, dof = dst_off;
    idx_t wg = get_local_size(0), total = n0 * n1;
    idx_t i = (idx_t)get_group_id(0) * wg * per + get_local_id(0);
    idx_t i1 = i / n0, i0 = i - i1 * n0;
    if (y >= rows)
        return;
    row_offsets(y, nrow, rsz, rss, rds, &so, &dof);
    for (uint k = 0; k < per && i < total; k++, i += wg) {
        dst[dof + i0 * d0 + i1 * d1] = src[so + i0 * s0 + i1 * s1];
        i0 += step0;
        i1 += step1;
        if (i0 >= n0) {
            i0 -= n0;
            i1++;
        }
    }
}

/* Zero every element of a strided view (blocked-format padding), in the
 * same order as copy_gather with only a dst side. */
__kernel void fill_zero(__global elem_t *dst, ulong dst_off, idx_t n0, idx_t d0, idx_t n1,
                        idx_t d1, idx_t step0, idx_t step1, ROW_ARGS)
{
    idx_t y = get_global_id(1), so = 0, dof = dst_off;
    idx_t wg = get_local_size(0), total = n0 * n1;
    idx_t i = (idx_t)get_group_id(0) * wg * per + get_local_id(0);
    idx_t i1 = i / n0, i0 = i - i1 * n0;
    if (y >= rows)
        return;
    row_offsets(y, nrow, rsz, rds, rds, &so, &dof);
    for (uint k = 0; k < per && i < total; k++, i += wg) {
        dst[dof + i0 * d0 + i1 * d1] = 0;
        i0 += step0;
        i1 += step1;
        if (i0 >= n0) {
            i0 -= n0;
            i1++;
        }
    }
}
