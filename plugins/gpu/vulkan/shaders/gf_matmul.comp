#version 460
/* gf_matmul.comp — Reed–Solomon over GF(2^8) (polynomial 0x11d) as a matrix
 * product: dst[r] = XOR_j coef[r][j] * src[j], byte by byte.  rs_encode uses
 * the parity rows of ISA-L's Cauchy generator, rs_reconstruct the decode rows
 * (both computed on the host with ISA-L), so results equal ISA-L's.
 *
 * One invocation handles four 32-bit words (16 bytes) of every shard for ROWS
 * destination rows (a specialization constant: 1, 2, 4 or 8, so that few
 * parity rows waste no work; workgroup y picks the rows).  A constant c times a packed
 * word v is XOR over the set bits b of c of x^b * v, where x * v ("xtime") is
 * computed on all 4 bytes at once; the 8 powers of v are computed once per
 * source and shared by the ROWS rows.
 *
 * Argument block (device address pc.args), 32-bit words:
 *   [0, 2*nsrc)            source shard addresses (lo, hi)
 *   [2*nsrc, 2*(nsrc+ndst)) destination shard addresses
 *   then ndst*nsrc coefficient bytes, row-major, packed 4 per word. */
#include "common.glsl"

layout(local_size_x = 128) in;
layout(constant_id = 0) const uint ROWS = 8;

layout(push_constant) uniform PC {
    uvec2 args;
    uint nsrc;
    uint ndst;
    uint len;       /* bytes per shard */
    uint word_base; /* first word handled by this dispatch */
    uint span;      /* invocations in this dispatch: word i of an invocation is
                       word_base + id + i*span (coalesced loads) */
} pc;

shared uint coef_s[8 * 255];

uvec4 xtime(uvec4 v)
{
    return ((v & 0x7f7f7f7fu) << 1) ^ (((v >> 7) & 0x01010101u) * 0x1du);
}

void main()
{
    Words A = Words(pc.args);
    uint row0 = gl_WorkGroupID.y * ROWS;
    uint cbase = 2u * (pc.nsrc + pc.ndst); /* word index of the coefficients */

    /* this workgroup's coefficient rows, one byte per entry */
    for (uint i = gl_LocalInvocationID.x; i < ROWS * pc.nsrc; i += gl_WorkGroupSize.x) {
        uint r = row0 + i / pc.nsrc, j = i % pc.nsrc, c = 0u;
        if (r < pc.ndst) {
            uint bi = r * pc.nsrc + j;
            c = (A.w[cbase + bi / 4u] >> (8u * (bi & 3u))) & 0xffu;
        }
        coef_s[i] = c;
    }
    barrier();

    uint nwords = (pc.len + 3u) / 4u;
    uint w0 = pc.word_base + gl_GlobalInvocationID.x;
    if (w0 >= nwords) return;
    uvec4 wi = uvec4(w0, w0 + pc.span, w0 + 2u * pc.span, w0 + 3u * pc.span);
    bvec4 in_range = lessThan(wi, uvec4(nwords));

    uvec4 acc[ROWS];
    [[unroll]] for (uint r = 0u; r < ROWS; r++) acc[r] = uvec4(0u);
    for (uint j = 0u; j < pc.nsrc; j++) {
        Words S = Words(uvec2(A.w[2u * j], A.w[2u * j + 1u]));
        uvec4 v0 = uvec4(S.w[wi.x], in_range.y ? S.w[wi.y] : 0u, in_range.z ? S.w[wi.z] : 0u,
                         in_range.w ? S.w[wi.w] : 0u);
        uvec4 v1 = xtime(v0), v2 = xtime(v1), v3 = xtime(v2);
        uvec4 v4 = xtime(v3), v5 = xtime(v4), v6 = xtime(v5), v7 = xtime(v6);
        [[unroll]] for (uint r = 0u; r < ROWS; r++) {
            uint c = coef_s[r * pc.nsrc + j];
            uvec4 x = uvec4(0u);
            if ((c & 0x01u) != 0u) x ^= v0;
            if ((c & 0x02u) != 0u) x ^= v1;
            if ((c & 0x04u) != 0u) x ^= v2;
            if ((c & 0x08u) != 0u) x ^= v3;
            if ((c & 0x10u) != 0u) x ^= v4;
            if ((c & 0x20u) != 0u) x ^= v5;
            if ((c & 0x40u) != 0u) x ^= v6;
            if ((c & 0x80u) != 0u) x ^= v7;
            acc[r] ^= x;
        }
    }

    /* a partial last word keeps the bytes past len (they belong to the
     * stride gap, which only this invocation touches) */
    uint tail = pc.len & 3u;
    uint mask = tail != 0u ? (1u << (8u * tail)) - 1u : 0xffffffffu;
    [[unroll]] for (uint r = 0u; r < ROWS; r++) {
        uint row = row0 + r;
        if (row < pc.ndst) {
            uint di = 2u * (pc.nsrc + row);
            Words D = Words(uvec2(A.w[di], A.w[di + 1u]));
            [[unroll]] for (uint i = 0u; i < 4u; i++) {
                uint w = wi[i];
                if (!in_range[i]) break;
                D.w[w] = w == nwords - 1u && tail != 0u ? (D.w[w] & ~mask) | (acc[r][i] & mask) : acc[r][i];
            }
        }
    }
}
