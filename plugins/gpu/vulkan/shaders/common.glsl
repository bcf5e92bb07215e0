/* common.glsl — buffer device addresses for the zg gpu shaders.  Buffers are
 * reached through 64-bit device addresses passed as uvec2 (lo, hi), so no
 * descriptor sets are needed and buffers may exceed maxStorageBufferRange;
 * shaderInt64 is not required for addressing. */
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_buffer_reference_uvec2 : require
#extension GL_EXT_control_flow_attributes : require

layout(buffer_reference, std430, buffer_reference_align = 4) buffer Words { uint w[]; };

/* a + b (64-bit) */
uvec2 addr_add(uvec2 a, uint b)
{
    uint carry;
    uint lo = uaddCarry(a.x, b, carry);
    return uvec2(lo, a.y + carry);
}

/* a + i * s (64-bit) */
uvec2 addr_add_mul(uvec2 a, uint i, uint s)
{
    uint hi, lo, carry;
    umulExtended(i, s, hi, lo);
    lo = uaddCarry(a.x, lo, carry);
    return uvec2(lo, a.y + hi + carry);
}
