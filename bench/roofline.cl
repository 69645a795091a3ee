/* Copy-bandwidth probes of clshuffle-bench: the roofline every shuffle is measured against. */

/* Non-temporal stores bypass the cache on the way out (streaming stores on
 * CPUs); the device profile says whether the compiler has the builtin
 * (CLS_NT_STORE, from the probe). */
#if defined(CLS_NT_STORE) && CLS_NT_STORE
#define ROOF_HAS_NT 1
#else
#define ROOF_HAS_NT 0
#endif

/* Plain copy, 16 bytes per work-item. */
__kernel void roofline_copy(__global const uint4 *src, __global uint4 *dst, ulong n)
{
    ulong i = get_global_id(0);
    if (i < n)
        dst[i] = src[i];
}

/* The same copy with non-temporal stores (a plain copy where unavailable),
 * a full cache line per streaming store, `per` consecutive lines per
 * work-item (the host passes 16 on CPUs, where such strips copied 2-9%
 * faster than one line per work-item on PoCL, and 1 elsewhere). */
__kernel void roofline_copy_nt(__global const uint16 *src, __global uint16 *dst, ulong n,
                               ulong per)
{
    ulong i0 = get_global_id(0) * per, i1 = min(i0 + per, n);
    for (ulong i = i0; i < i1; i++) {
#if ROOF_HAS_NT
        __builtin_nontemporal_store(src[i], &dst[i]);
#else
        dst[i] = src[i];
#endif
    }
}

/* Tells the host whether roofline_copy_nt really uses non-temporal stores. */
__kernel void roofline_has_nt(__global int *flag)
{
    if (get_global_id(0) == 0)
        flag[0] = ROOF_HAS_NT;
}

/* Does nothing: its enqueue-to-completion time is the launch overhead. */
__kernel void roofline_empty(__global int *unused)
{
    (void)unused;
}
