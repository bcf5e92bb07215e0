#version 460
/* merkle.comp — one merkle level: out[i] = keccak256(in[2i] || in[2i+1]) over
 * 32-byte nodes (4-byte aligned); the odd last node is copied (odd == 0) or
 * hashed with itself (odd == 1).  One invocation per output node. */
#include "common.glsl"
#include "keccakf.glsl"

layout(local_size_x = 64) in;

layout(push_constant) uniform PC {
    uvec2 in_addr;
    uvec2 out_addr;
    uint n;    /* input nodes */
    uint odd;
    uint base; /* first output node of this dispatch */
} pc;

void main()
{
    uint i = pc.base + gl_GlobalInvocationID.x;
    uint nout = pc.n / 2u + (pc.n & 1u);
    if (i >= nout) return;
    Words L = Words(addr_add_mul(pc.in_addr, 2u * i, 32u));
    Words o = Words(addr_add_mul(pc.out_addr, i, 32u));
    bool last_odd = 2u * i + 1u >= pc.n;
    if (last_odd && pc.odd == 0u) {
        [[unroll]] for (uint l = 0u; l < 8u; l++) o.w[l] = L.w[l];
        return;
    }
    Words R = last_odd ? L : Words(addr_add_mul(pc.in_addr, 2u * i + 1u, 32u));

    LANE s[25];
    [[unroll]] for (uint l = 0u; l < 4u; l++) {
        s[l] = lane_make(L.w[2u * l], L.w[2u * l + 1u]);
        s[l + 4u] = lane_make(R.w[2u * l], R.w[2u * l + 1u]);
    }
    s[8] = lane_make(1u, 0u); /* padding right after the 64 bytes */
    [[unroll]] for (int l = 9; l < 25; l++) s[l] = LANE_ZERO;
    s[16] = lane_make(0u, 0x80000000u);
    keccakf(s);
    [[unroll]] for (uint l = 0u; l < 4u; l++) {
        o.w[2u * l] = lane_lo(s[l]);
        o.w[2u * l + 1u] = lane_hi(s[l]);
    }
}
