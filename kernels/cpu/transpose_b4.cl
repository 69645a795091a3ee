/* The CPU transpose's 4-byte block (8 (A) x 16 (B) through two 8 x 8
 * register transposes; helpers in transpose_regs.cl). */

#if ELEM_SIZE == 4
#define BLOCK_A 8
#define BLOCK_B 16
typedef uint8 __attribute__((aligned(4))) elem8_u;
/* One 8 (A) x 16 (B) block as two 8 x 8 transposes: dst row j's 16
 * elements (one 64-byte line) in out[j]. */
static inline void block_rows(__global const elem_t *s, idx_t sb, uint16 *out)
{
    elem8_t x[8], y[8];
#pragma unroll
    for (int i = 0; i < 8; i++) {
        x[i] = *(__global const elem8_u *)(s + i * sb);
        y[i] = *(__global const elem8_u *)(s + (i + 8) * sb);
        PIN(x[i]);
        PIN(y[i]);
    }
    TRANSPOSE_8X8(x);
    TRANSPOSE_8X8(y);
#pragma unroll
    for (int j = 0; j < 8; j++)
        out[j] = (uint16)(x[j], y[j]);
}

/* Two blocks side by side, 16 (A) x 16 (B), reading whole src lines: rows
 * 0..7 (both halves of their lines), then rows 8..15. When src rows alias in
 * the cache (pitches of a multiple of 4 KiB, as in 512 x 512 NCHW planes),
 * a line read half by one 8-wide block has left the 8-way L1 before the next
 * block reads its other half; read whole, fp32 NCHW -> NHWC C = 64 went
 * from 0.72 to 0.81 of the copy, and the tiled walk at C = 64 from 0.73 to
 * 0.86. */
#define BLOCK_W 16
static inline void block_line_wide(__global const elem_t *s, idx_t sb, __global elem_t *d,
                                   idx_t da, int nt)
{
    elem8_t x[8], y[8], u[8], v[8];
#pragma unroll
    for (int i = 0; i < 8; i++) {
        x[i] = *(__global const elem8_u *)(s + i * sb);
        y[i] = *(__global const elem8_u *)(s + i * sb + 8);
        PIN(x[i]);
        PIN(y[i]);
    }
    TRANSPOSE_8X8(x);
    TRANSPOSE_8X8(y);
#pragma unroll
    for (int i = 0; i < 8; i++) {
        u[i] = *(__global const elem8_u *)(s + (i + 8) * sb);
        v[i] = *(__global const elem8_u *)(s + (i + 8) * sb + 8);
        PIN(u[i]);
        PIN(v[i]);
    }
    TRANSPOSE_8X8(u);
    TRANSPOSE_8X8(v);
#pragma unroll
    for (int j = 0; j < 16; j++) {
        uint16 o = j < 8 ? (uint16)(x[j], u[j]) : (uint16)(y[j - 8], v[j - 8]);
        __global elem_t *p = d + j * da;
#if NT
        if (nt) {
            __builtin_nontemporal_store(o, (__global uint16 *)p);
            continue;
        }
#endif
        *(__global line_u *)p = o;
    }
}
#endif
