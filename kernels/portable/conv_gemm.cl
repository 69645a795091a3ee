/* Helpers of the fused conv's GEMM path: im2col and the shuffled epilogue.
 * The GEMM's column index is the DCR channel map (conv_common.cl), col =
 * (i * bw + j) * Cout + c: the position inside a depth-to-space block, then
 * the output channel. */

/* col[(n*Ho + oh)*Wo + ow][(kh*KW + kw)*Cin + ci] = src(n, ci, ih, iw) or 0.
 * Global size: (Cin, KH*KW, N*Ho*Wo). geo: stride h/w, pad top/left,
 * dilation h/w, KH, KW. */
__kernel void conv_im2col(const __global float *src, long src_off, long4 ss, int2 hw, int2 ohw,
                          int8 geo, int cin, __global float *col)
{
    const int ci = (int)get_global_id(0), tap = (int)get_global_id(1);
    const long p = (long)get_global_id(2);
    if (ci >= cin)
        return;
    const long pos = p % ((long)ohw.s0 * ohw.s1), n = p / ((long)ohw.s0 * ohw.s1);
    const int oh = (int)(pos / ohw.s1), ow = (int)(pos % ohw.s1);
    const int kh = tap / geo.s7, kw = tap % geo.s7;
    const int ih = oh * geo.s0 - geo.s2 + kh * geo.s4, iw = ow * geo.s1 - geo.s3 + kw * geo.s5;
    float v = 0.0f;
    if (ih >= 0 && ih < hw.s0 && iw >= 0 && iw < hw.s1)
        v = src[src_off + n * ss.s0 + ci * ss.s1 + ih * ss.s2 + iw * ss.s3];
    col[p * (long)(geo.s6 * geo.s7 * cin) + (long)tap * cin + ci] = v;
}

/* dst(n, c, y, x) = act(bias + value) where value comes from the GEMM result
 * in scratch ([N*Ho*Wo][V], from_scratch != 0) or from dst itself (the GEMM
 * wrote there). Global size: (Cout, Wo*bw, N*Ho*bh). dims: Ho, Wo, bh, bw. */
__kernel void conv_epilogue(__global float *dst, long dst_off, long4 ds, int4 dims, int cout,
                            const __global float *scratch, int from_scratch,
                            const __global float *bias, const __global float *slope, int act,
                            float alpha)
{
    const int c = (int)get_global_id(0), x = (int)get_global_id(1);
    const long z = (long)get_global_id(2);
    if (c >= cout)
        return;
    const int y = (int)(z % (dims.s0 * dims.s2));
    const long n = z / (dims.s0 * dims.s2);
    const int colx = chan_index(0, c, y % dims.s2, x % dims.s3, cout, dims.s2, dims.s3);
    const long off = dst_off + n * ds.s0 + c * ds.s1 + y * ds.s2 + x * ds.s3;
    const long p = (n * dims.s0 + y / dims.s2) * dims.s1 + x / dims.s3;
    float v = from_scratch ? scratch[p * (long)(dims.s2 * dims.s3 * cout) + colx] : dst[off];
    dst[off] = activate1(v + bias[colx], act, alpha, slope[c]);
}
