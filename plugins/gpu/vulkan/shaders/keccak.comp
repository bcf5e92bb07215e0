#version 460
/* keccak.comp — keccak256 (Ethereum padding 0x01 .. 0x80) of n inputs of len
 * bytes each; input i starts at in + i*stride (any alignment), digest i goes
 * to out + 32*i (4-byte aligned).  One invocation per input. */
#include "common.glsl"
#include "keccakf.glsl"

layout(local_size_x = 64) in;

layout(push_constant) uniform PC {
    uvec2 in_addr;
    uvec2 out_addr;
    uint n;
    uint len;
    uint stride;
    uint base; /* first input handled by this dispatch */
} pc;

Words src;
uint shift; /* misalignment of the input, in bits */

/* 32-bit little-endian word at byte offset 4*wi of the input */
uint get32(uint wi)
{
    if (shift == 0u) return src.w[wi];
    return (src.w[wi] >> shift) | (src.w[wi + 1u] << (32u - shift));
}

void main()
{
    uint i = pc.base + gl_GlobalInvocationID.x;
    if (i >= pc.n) return;
    uvec2 a = addr_add_mul(pc.in_addr, i, pc.stride);
    shift = (a.x & 3u) * 8u;
    src = Words(uvec2(a.x & ~3u, a.y));

    LANE s[25];
    [[unroll]] for (int l = 0; l < 25; l++) s[l] = LANE_ZERO;
    uint wi = 0u, rem = pc.len;
    while (rem >= 136u) {
        [[unroll]] for (uint l = 0u; l < 17u; l++)
            s[l] ^= lane_make(get32(wi + 2u * l), get32(wi + 2u * l + 1u));
        keccakf(s);
        wi += 34u;
        rem -= 136u;
    }
    /* last block: rem (< 136) bytes, then 0x01, zeros, 0x80 */
    [[unroll]] for (uint l = 0u; l < 17u; l++) {
        uint b0 = 8u * l, lo = 0u, hi = 0u;
        if (b0 < rem) {
            uint nv = min(rem - b0, 8u); /* valid bytes in this lane */
            lo = get32(wi + 2u * l);
            if (nv < 4u) lo &= (1u << (8u * nv)) - 1u;
            if (nv > 4u) {
                hi = get32(wi + 2u * l + 1u);
                if (nv < 8u) hi &= (1u << (8u * (nv - 4u))) - 1u;
            }
        }
        if (rem >= b0 && rem < b0 + 8u) {
            uint p = rem - b0;
            if (p < 4u) lo ^= 1u << (8u * p);
            else hi ^= 1u << (8u * (p - 4u));
        }
        if (l == 16u) hi ^= 0x80000000u;
        s[l] ^= lane_make(lo, hi);
    }
    keccakf(s);

    Words o = Words(addr_add_mul(pc.out_addr, i, 32u));
    [[unroll]] for (uint l = 0u; l < 4u; l++) {
        o.w[2u * l] = lane_lo(s[l]);
        o.w[2u * l + 1u] = lane_hi(s[l]);
    }
}
