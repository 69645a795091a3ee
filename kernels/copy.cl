/* Strided copy between two views of the same logical shape. */

/* One work-item per element: the linear index is split by the sizes (row-major
 * over ndim <= 8 dims) and mapped through each side's strides. 64-bit indices. */
__kernel void copy_generic(__global const elem_t *src, ulong src_off, __global elem_t *dst,
                           ulong dst_off, int ndim, long8 sizes, long8 sstr, long8 dstr,
                           ulong total)
{
    ulong i = get_global_id(0);
    if (i >= total)
        return;
    long sz[8] = {sizes.s0, sizes.s1, sizes.s2, sizes.s3, sizes.s4, sizes.s5, sizes.s6, sizes.s7};
    long ss[8] = {sstr.s0, sstr.s1, sstr.s2, sstr.s3, sstr.s4, sstr.s5, sstr.s6, sstr.s7};
    long ds[8] = {dstr.s0, dstr.s1, dstr.s2, dstr.s3, dstr.s4, dstr.s5, dstr.s6, dstr.s7};
    ulong so = src_off, dof = dst_off, rem = i;
    for (int d = ndim - 1; d >= 0; d--) {
        ulong q = rem / (ulong)sz[d];
        ulong r = rem - q * (ulong)sz[d];
        so += r * (ulong)ss[d];
        dof += r * (ulong)ds[d];
        rem = q;
    }
    dst[dof] = src[so];
}
