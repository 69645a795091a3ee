/* clshuffle-bench's own reference: the host strided copy and the depth-to-space views it checks
 * against. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "util.h"

static cls_tensor t4(int64_t n, int64_t c, int64_t h, int64_t w, int last)
{
    return last ? cls_tensor_nhwc(NULL, 0, CLS_I32, n, c, h, w)
                : cls_tensor_nchw(NULL, 0, CLS_I32, n, c, h, w);
}

static int32_t at(const int32_t *img, const cls_tensor *t, int64_t n, int64_t c, int64_t h,
                  int64_t w)
{
    return img[n * t->strides[0] + c * t->strides[1] + h * t->strides[2] + w * t->strides[3]];
}

/* The views reproduce ONNX DepthToSpace for both modes, rectangular blocks,
 * every layout pair, straight from the formulas. */
START_TEST(d2s_views_follow_the_onnx_formulas)
{
    const int64_t N = 2, C = 3, H = 4, W = 5;
    const int bh = 2, bw = 3;
    int mode = _i / 4, plast = (_i / 2) % 2, ulast = _i % 2;
    cls_tensor p = t4(N, C * bh * bw, H, W, plast), u = t4(N, C, H * bh, W * bw, ulast), pv, uv;
    size_t count = (size_t)(N * C * bh * bw * H * W);
    int32_t *src = malloc(count * 4), *dst = malloc(count * 4);
    for (size_t i = 0; i < count; i++)
        src[i] = (int32_t)i * 7 + 1;
    memset(dst, 0, count * 4);
    bench_d2s_views(&p, &u, bh, bw, (cls_d2s_mode)mode, &pv, &uv);
    bench_host_copy((const unsigned char *)src, &pv, (unsigned char *)dst, &uv);
    for (int64_t n = 0; n < N; n++)
        for (int64_t c = 0; c < C; c++)
            for (int64_t y = 0; y < H * bh; y++)
                for (int64_t x = 0; x < W * bw; x++) {
                    int64_t i = y % bh, j = x % bw;
                    int64_t ch = mode == CLS_DCR ? (i * bw + j) * C + c : c * bh * bw + i * bw + j;
                    ck_assert_int_eq(at(dst, &u, n, c, y, x), at(src, &p, n, ch, y / bh, x / bw));
                }
    free(src);
    free(dst);
}
END_TEST

/* A 2-D transpose through views: dst[j][i] = src[i][j]; offsets honoured. */
START_TEST(host_copy_transposes_with_offsets)
{
    int64_t sizes[2] = {7, 93};
    cls_tensor s = cls_tensor_contiguous(NULL, 8, CLS_U16, 2, sizes), d = s;
    uint16_t src[7 * 93 + 4], dst[7 * 93 + 8];
    d.offset = 16;
    d.strides[0] = 1, d.strides[1] = 7;
    for (int i = 0; i < 7 * 93 + 4; i++)
        src[i] = (uint16_t)(i * 3 + 5);
    memset(dst, 0, sizeof dst);
    bench_host_copy((const unsigned char *)src, &s, (unsigned char *)dst, &d);
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < 93; j++)
            ck_assert_uint_eq(dst[8 + j * 7 + i], src[4 + i * 93 + j]);
    ck_assert_uint_eq(dst[7], 0); /* nothing before the offset */
}
END_TEST

START_TEST(first_mismatch_names_the_element)
{
    int64_t sizes[3] = {2, 3, 4};
    cls_tensor v = cls_tensor_contiguous(NULL, 0, CLS_F32, 3, sizes);
    float a[24], b[24];
    size_t off = 0;
    for (int i = 0; i < 24; i++)
        a[i] = b[i] = (float)i;
    ck_assert_int_eq(bench_first_mismatch((unsigned char *)a, (unsigned char *)b, &v, &off), -1);
    b[17] = -1.0f;
    b[20] = -1.0f;
    ck_assert_int_eq(bench_first_mismatch((unsigned char *)a, (unsigned char *)b, &v, &off), 17);
    ck_assert_uint_eq(off, 17 * 4);
}
END_TEST

START_TEST(three_d_tensors_lift_to_four)
{
    cls_tensor t = cls_tensor_nlc(NULL, 0, CLS_F32, 2, 5, 11), u = bench_lift4(&t);
    ck_assert_int_eq(u.ndim, 4);
    ck_assert_int_eq(u.sizes[2], 1);
    ck_assert_int_eq(u.sizes[3], 11);
    ck_assert_int_eq(u.strides[3], t.strides[2]);
    ck_assert_int_eq(u.strides[1], t.strides[1]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bench_reference");
    TCase *tc = tcase_create("reference");
    tcase_add_loop_test(tc, d2s_views_follow_the_onnx_formulas, 0, 8);
    tcase_add_test(tc, host_copy_transposes_with_offsets);
    tcase_add_test(tc, first_mismatch_names_the_element);
    tcase_add_test(tc, three_d_tensors_lift_to_four);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
