/* cls_permute: bit-exact against the reference for every rank, element size,
 * offset and padded view; a hand-checked case; bad input named. */
#include <string.h>

#include "internal.h"
#include "reference/layout_ref.h"
#include "util.h"

static const cls_dtype dtypes[4] = {CLS_U8, CLS_BF16, CLS_I32, CLS_I64};

/* Row-major strides with pad extra elements on every stride but the last. */
static void padded(cls_tensor *t, int64_t pad)
{
    int64_t s = 1;
    for (int d = t->ndim - 1; d >= 0; d--) {
        t->strides[d] = s;
        s = s * t->sizes[d] + pad;
    }
}

static size_t bytes_of(const cls_tensor *t)
{
    uint64_t b = 0;
    ck_assert_int_eq(cls_tensor_extent(t, &b), CLS_OK);
    return (size_t)b + 8;
}

/* Permute a random src into a prefilled dst; compare the whole dst buffer. */
static void check_permute(cls_context *ctx, cls_dtype dt, int nd, const int64_t *sizes,
                          const int *perm, int64_t spad, int64_t dpad, size_t off)
{
    size_t es = cls_dtype_size(dt), sb, db;
    cls_tensor s = cls_tensor_contiguous(NULL, off * es, dt, nd, sizes), d;
    unsigned char *sh, *dh, *out;
    int64_t dsizes[CLS_MAX_DIMS];
    cl_event ev = NULL;
    for (int i = 0; i < nd; i++)
        dsizes[i] = sizes[perm[i]];
    d = cls_tensor_contiguous(NULL, (off + 3) * es, dt, nd, dsizes);
    padded(&s, spad), padded(&d, dpad);
    sb = bytes_of(&s), db = bytes_of(&d);
    sh = malloc(sb), dh = malloc(db);
    tu_fill(sh, sb, (uint32_t)(nd * 17 + (int)es)), tu_fill(dh, db, 5u);
    s.buffer = tu_buffer(ctx, sb, sh), d.buffer = tu_buffer(ctx, db, dh);
    ck_assert_msg(cls_permute(ctx, &s, perm, &d, 0, NULL, &ev) == CLS_OK, "%s",
                  cls_last_error());
    ck_assert_ptr_nonnull(ev);
    ck_assert_int_eq(clWaitForEvents(1, &ev), CL_SUCCESS);
    clReleaseEvent(ev);
    out = tu_read(ctx, d.buffer, db);
    ck_assert_int_eq(cls__ref_permute(sh, &s, dh, &d, perm), CLS_OK);
    ck_assert_msg(memcmp(out, dh, db) == 0, "permute of %d dims, %zu-byte elements differs",
                  nd, es);
    clReleaseMemObject(s.buffer), clReleaseMemObject(d.buffer);
    free(sh), free(dh), free(out);
}

START_TEST(hand_checked_values)
{
    const int64_t sizes[3] = {2, 3, 4};
    const int perm[3] = {2, 0, 1};
    const int64_t dsizes[3] = {4, 2, 3};
    uint32_t src[24], *out;
    cls_context *ctx = tu_context();
    cls_tensor s, d;
    for (int i = 0; i < 24; i++)
        src[i] = (uint32_t)i;
    s = cls_tensor_contiguous(tu_buffer(ctx, sizeof src, src), 0, CLS_U32, 3, sizes);
    d = cls_tensor_contiguous(tu_buffer(ctx, sizeof src, NULL), 0, CLS_U32, 3, dsizes);
    ck_assert_int_eq(cls_permute(ctx, &s, perm, &d, 0, NULL, NULL), CLS_OK);
    out = tu_read(ctx, d.buffer, sizeof src);
    /* dst[i][j][k] = src[j][k][i]. */
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 2; j++)
            for (int k = 0; k < 3; k++)
                ck_assert_uint_eq(out[(i * 2 + j) * 3 + k], (uint32_t)(j * 12 + k * 4 + i));
    free(out);
    clReleaseMemObject(s.buffer), clReleaseMemObject(d.buffer);
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(every_rank_and_element_size)
{
    cls_context *ctx = tu_context();
    uint32_t x = 777;
    for (int nd = 1; nd <= 8; nd++)
        for (int e = 0; e < 4; e++) {
            int64_t sizes[8];
            int perm[8];
            for (int i = 0; i < nd; i++) {
                sizes[i] = nd <= 3 ? (int64_t[]){7, 13, 93}[(i + e) % 3] : 2 + (i + e) % 3;
                perm[i] = i;
            }
            for (int i = nd - 1; i > 0; i--) {
                x = x * 1664525u + 1013904223u;
                int j = (int)((x >> 10) % (uint32_t)(i + 1)), t = perm[i];
                perm[i] = perm[j], perm[j] = t;
            }
            check_permute(ctx, dtypes[e], nd, sizes, perm, e % 2, (e / 2) % 2, (size_t)e);
        }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(prime_sizes_and_generic_5d)
{
    const int64_t s2[2] = {133, 97}, s5[5] = {2, 3, 5, 7, 11};
    const int p2[2] = {1, 0}, p5[5] = {0, 3, 1, 4, 2}, p5b[5] = {4, 2, 0, 3, 1};
    cls_context *ctx = tu_context();
    for (int e = 0; e < 4; e++) {
        check_permute(ctx, dtypes[e], 2, s2, p2, 0, 0, 0);
        check_permute(ctx, dtypes[e], 2, s2, p2, 3, 1, 1);
        check_permute(ctx, dtypes[e], 5, s5, p5, 0, 0, 2);
        check_permute(ctx, dtypes[e], 5, s5, p5b, 1, 0, 0);
    }
    cls_context_destroy(ctx);
}
END_TEST

START_TEST(verify_mode_uses_the_reference)
{
    const int64_t sizes[4] = {2, 5, 3, 7};
    const int perm[4] = {0, 2, 3, 1};
    cls_context *ctx = tu_context_verify();
    check_permute(ctx, CLS_F32, 4, sizes, perm, 1, 0, 1);
    check_permute(ctx, CLS_U8, 4, sizes, perm, 0, 2, 0);
    cls_context_destroy(ctx);
}
END_TEST

/* Expect CLS_ERR_INVALID_ARG with `needle` in the message. */
static void expect_invalid(cls_context *ctx, const cls_tensor *s, const int *perm,
                           const cls_tensor *d, const char *needle)
{
    cls_status st = cls_permute(ctx, s, perm, d, 0, NULL, NULL);
    ck_assert_msg(st == CLS_ERR_INVALID_ARG, "got %s for %s", cls_status_name(st), needle);
    ck_assert_msg(strstr(cls_last_error(), needle) != NULL, "message \"%s\" lacks \"%s\"",
                  cls_last_error(), needle);
}

START_TEST(bad_input_is_named)
{
    cls_context *ctx = tu_context();
    cl_mem a = tu_buffer(ctx, 4096, NULL), b = tu_buffer(ctx, 4096, NULL);
    cls_tensor s = cls_tensor_nchw(a, 0, CLS_F32, 2, 3, 4, 5);
    cls_tensor d = cls_tensor_nchw(b, 0, CLS_F32, 2, 4, 5, 3);
    const int good[4] = {0, 2, 3, 1}, range[4] = {0, 2, 4, 1}, dup[4] = {0, 2, 2, 1};
    const int neg[4] = {0, -1, 3, 1};
    expect_invalid(ctx, &s, NULL, &d, "perm is NULL");
    expect_invalid(ctx, &s, range, &d, "perm[2] = 4 is outside 0..3");
    expect_invalid(ctx, &s, neg, &d, "perm[1] = -1 is outside");
    expect_invalid(ctx, &s, dup, &d, "perm[2] = 2 is a duplicate axis");
    d.sizes[3] = 4;
    expect_invalid(ctx, &s, good, &d, "size mismatch: dst.sizes[3] = 4");
    d.sizes[3] = 3, d.dtype = CLS_I32;
    expect_invalid(ctx, &s, good, &d, "dtype");
    d.dtype = CLS_F32, d.ndim = 3;
    expect_invalid(ctx, &s, good, &d, "ndim 3");
    d.ndim = 4;
    ck_assert_int_eq(cls_permute(NULL, &s, good, &d, 0, NULL, NULL), CLS_ERR_INVALID_ARG);
    ck_assert_int_eq(cls_permute(ctx, &s, good, &d, 1, NULL, NULL), CLS_ERR_INVALID_ARG);
    /* Same buffer, overlapping bytes. */
    d.buffer = a, d.offset = 16;
    ck_assert_int_eq(cls_permute(ctx, &s, good, &d, 0, NULL, NULL), CLS_ERR_OVERLAP);
    /* Empty tensors are a completed no-op. */
    {
        cl_event ev = NULL;
        s.sizes[0] = d.sizes[0] = 0, d.buffer = b;
        ck_assert_int_eq(cls_permute(ctx, &s, good, &d, 0, NULL, &ev), CLS_OK);
        ck_assert_ptr_nonnull(ev);
        clReleaseEvent(ev);
    }
    clReleaseMemObject(a), clReleaseMemObject(b);
    cls_context_destroy(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("permute");
    TCase *tc = tcase_create("permute");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, hand_checked_values);
    tcase_add_test(tc, every_rank_and_element_size);
    tcase_add_test(tc, prime_sizes_and_generic_5d);
    tcase_add_test(tc, verify_mode_uses_the_reference);
    tcase_add_test(tc, bad_input_is_named);
    suite_add_tcase(s, tc);
    return tu_run(s);
}
