/* Reference depth-to-space / space-to-depth, written straight from ONNX
 * DepthToSpace (opset 13), independent of the view lowering:
 *   DCR: space[n][c][h*bh+i][w*bw+j] = deep[n][(i*bw+j)*C + c][h][w]
 *   CRD: space[n][c][h*bh+i][w*bw+j] = deep[n][c*bh*bw + i*bw + j][h][w]
 * A 1-D tensor (N, C, L) is the same with H = 1, block_h = 1 and L as W. */
#include <string.h>

#include "../internal.h"
#include "d2s_ref.h"

/* Byte offset of element (n, c, y, x) of a 4-D view, or (n, c, x) of a 3-D one. */
static uint64_t offset_of(const cls_tensor *t, int64_t n, int64_t c, int64_t y, int64_t x)
{
    int64_t idx[4] = {n, c, y, x};
    if (t->ndim == 3) {
        idx[2] = x;
        idx[3] = 0;
    }
    return cls__elem_offset(t, idx);
}

cls_status cls__ref_depth_to_space(const unsigned char *src_host, const cls_tensor *src,
                                   unsigned char *dst_host, const cls_tensor *dst,
                                   const void *arg)
{
    const cls__d2s_ref_arg *a = arg;
    const cls_tensor *space = a->space_to_depth ? src : dst;
    const cls_tensor *deep = a->space_to_depth ? dst : src;
    int is4 = space->ndim == 4;
    int64_t bh = a->block_h, bw = a->block_w;
    int64_t N = space->sizes[0], C = space->sizes[1];
    int64_t Y = is4 ? space->sizes[2] : 1, X = space->sizes[is4 ? 3 : 2];
    size_t es = cls_dtype_size(src->dtype);
    for (int64_t n = 0; n < N; n++)
        for (int64_t c = 0; c < C; c++)
            for (int64_t y = 0; y < Y; y++)
                for (int64_t x = 0; x < X; x++) {
                    int64_t h = y / bh, i = y % bh, w = x / bw, j = x % bw;
                    int64_t ch = a->mode == CLS_DCR ? (i * bw + j) * C + c
                                                    : c * bh * bw + i * bw + j;
                    uint64_t so = offset_of(space, n, c, y, x);
                    uint64_t dof = offset_of(deep, n, ch, h, w);
                    if (a->space_to_depth)
                        memcpy(dst_host + dof, src_host + so, es);
                    else
                        memcpy(dst_host + so, src_host + dof, es);
                }
    return CLS_OK;
}
