/* The depth-to-space channel map: which deep channel holds (c, i, j). */
#include "internal.h"

int64_t cls__chan_index(cls_d2s_mode mode, int64_t c, int64_t i, int64_t j, int64_t C, int64_t bh,
                        int64_t bw)
{
    return mode == CLS_CRD ? (c * bh + i) * bw + j : (i * bw + j) * C + c;
}

void cls__chan_split(cls_d2s_mode mode, int64_t v, int64_t C, int64_t bh, int64_t bw, int *c,
                     int *i, int *j)
{
    int64_t sub = mode == CLS_CRD ? v % (bh * bw) : v / C;
    *c = (int)(mode == CLS_CRD ? v / (bh * bw) : v % C);
    *i = (int)(sub / bw);
    *j = (int)(sub % bw);
}
