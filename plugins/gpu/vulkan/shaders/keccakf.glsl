/* keccakf.glsl — keccak-f[1600] for compute shaders, on 64-bit lanes (ZG_INT64,
 * needs shaderInt64) or on uvec2 (lo, hi) pairs of 32-bit words.  The
 * permutation body is generated (theta, rho+pi, chi, iota written out on 25
 * scalar lanes) so that no lane array is indexed at run time. */
#ifdef ZG_INT64
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#define LANE uint64_t
#define LANE_ZERO uint64_t(0)
LANE lane_make(uint lo, uint hi) { return (uint64_t(hi) << 32) | uint64_t(lo); }
uint lane_lo(LANE x) { return uint(x); }
uint lane_hi(LANE x) { return uint(x >> 32); }
#define ROL1(x) (((x) << 1) | ((x) >> 63))
#define ROL2(x) (((x) << 2) | ((x) >> 62))
#define ROL3(x) (((x) << 3) | ((x) >> 61))
#define ROL6(x) (((x) << 6) | ((x) >> 58))
#define ROL8(x) (((x) << 8) | ((x) >> 56))
#define ROL10(x) (((x) << 10) | ((x) >> 54))
#define ROL14(x) (((x) << 14) | ((x) >> 50))
#define ROL15(x) (((x) << 15) | ((x) >> 49))
#define ROL18(x) (((x) << 18) | ((x) >> 46))
#define ROL20(x) (((x) << 20) | ((x) >> 44))
#define ROL21(x) (((x) << 21) | ((x) >> 43))
#define ROL25(x) (((x) << 25) | ((x) >> 39))
#define ROL27(x) (((x) << 27) | ((x) >> 37))
#define ROL28(x) (((x) << 28) | ((x) >> 36))
#define ROL36(x) (((x) << 36) | ((x) >> 28))
#define ROL39(x) (((x) << 39) | ((x) >> 25))
#define ROL41(x) (((x) << 41) | ((x) >> 23))
#define ROL43(x) (((x) << 43) | ((x) >> 21))
#define ROL44(x) (((x) << 44) | ((x) >> 20))
#define ROL45(x) (((x) << 45) | ((x) >> 19))
#define ROL55(x) (((x) << 55) | ((x) >> 9))
#define ROL56(x) (((x) << 56) | ((x) >> 8))
#define ROL61(x) (((x) << 61) | ((x) >> 3))
#define ROL62(x) (((x) << 62) | ((x) >> 2))
const uint64_t KRC[24] = uint64_t[24](
    0x0000000000000001UL,
    0x0000000000008082UL,
    0x800000000000808aUL,
    0x8000000080008000UL,
    0x000000000000808bUL,
    0x0000000080000001UL,
    0x8000000080008081UL,
    0x8000000000008009UL,
    0x000000000000008aUL,
    0x0000000000000088UL,
    0x0000000080008009UL,
    0x000000008000000aUL,
    0x000000008000808bUL,
    0x800000000000008bUL,
    0x8000000000008089UL,
    0x8000000000008003UL,
    0x8000000000008002UL,
    0x8000000000000080UL,
    0x000000000000800aUL,
    0x800000008000000aUL,
    0x8000000080008081UL,
    0x8000000000008080UL,
    0x0000000080000001UL,
    0x8000000080008008UL);
#else
#define LANE uvec2
#define LANE_ZERO uvec2(0u, 0u)
LANE lane_make(uint lo, uint hi) { return uvec2(lo, hi); }
uint lane_lo(LANE x) { return x.x; }
uint lane_hi(LANE x) { return x.y; }
#define ROL1(v) uvec2(((v).x << 1) | ((v).y >> 31), ((v).y << 1) | ((v).x >> 31))
#define ROL2(v) uvec2(((v).x << 2) | ((v).y >> 30), ((v).y << 2) | ((v).x >> 30))
#define ROL3(v) uvec2(((v).x << 3) | ((v).y >> 29), ((v).y << 3) | ((v).x >> 29))
#define ROL6(v) uvec2(((v).x << 6) | ((v).y >> 26), ((v).y << 6) | ((v).x >> 26))
#define ROL8(v) uvec2(((v).x << 8) | ((v).y >> 24), ((v).y << 8) | ((v).x >> 24))
#define ROL10(v) uvec2(((v).x << 10) | ((v).y >> 22), ((v).y << 10) | ((v).x >> 22))
#define ROL14(v) uvec2(((v).x << 14) | ((v).y >> 18), ((v).y << 14) | ((v).x >> 18))
#define ROL15(v) uvec2(((v).x << 15) | ((v).y >> 17), ((v).y << 15) | ((v).x >> 17))
#define ROL18(v) uvec2(((v).x << 18) | ((v).y >> 14), ((v).y << 18) | ((v).x >> 14))
#define ROL20(v) uvec2(((v).x << 20) | ((v).y >> 12), ((v).y << 20) | ((v).x >> 12))
#define ROL21(v) uvec2(((v).x << 21) | ((v).y >> 11), ((v).y << 21) | ((v).x >> 11))
#define ROL25(v) uvec2(((v).x << 25) | ((v).y >> 7), ((v).y << 25) | ((v).x >> 7))
#define ROL27(v) uvec2(((v).x << 27) | ((v).y >> 5), ((v).y << 27) | ((v).x >> 5))
#define ROL28(v) uvec2(((v).x << 28) | ((v).y >> 4), ((v).y << 28) | ((v).x >> 4))
#define ROL36(v) uvec2(((v).y << 4) | ((v).x >> 28), ((v).x << 4) | ((v).y >> 28))
#define ROL39(v) uvec2(((v).y << 7) | ((v).x >> 25), ((v).x << 7) | ((v).y >> 25))
#define ROL41(v) uvec2(((v).y << 9) | ((v).x >> 23), ((v).x << 9) | ((v).y >> 23))
#define ROL43(v) uvec2(((v).y << 11) | ((v).x >> 21), ((v).x << 11) | ((v).y >> 21))
#define ROL44(v) uvec2(((v).y << 12) | ((v).x >> 20), ((v).x << 12) | ((v).y >> 20))
#define ROL45(v) uvec2(((v).y << 13) | ((v).x >> 19), ((v).x << 13) | ((v).y >> 19))
#define ROL55(v) uvec2(((v).y << 23) | ((v).x >> 9), ((v).x << 23) | ((v).y >> 9))
#define ROL56(v) uvec2(((v).y << 24) | ((v).x >> 8), ((v).x << 24) | ((v).y >> 8))
#define ROL61(v) uvec2(((v).y << 29) | ((v).x >> 3), ((v).x << 29) | ((v).y >> 3))
#define ROL62(v) uvec2(((v).y << 30) | ((v).x >> 2), ((v).x << 30) | ((v).y >> 2))
const uvec2 KRC[24] = uvec2[24](
    uvec2(0x00000001u, 0x00000000u),
    uvec2(0x00008082u, 0x00000000u),
    uvec2(0x0000808au, 0x80000000u),
    uvec2(0x80008000u, 0x80000000u),
    uvec2(0x0000808bu, 0x00000000u),
    uvec2(0x80000001u, 0x00000000u),
    uvec2(0x80008081u, 0x80000000u),
    uvec2(0x00008009u, 0x80000000u),
    uvec2(0x0000008au, 0x00000000u),
    uvec2(0x00000088u, 0x00000000u),
    uvec2(0x80008009u, 0x00000000u),
    uvec2(0x8000000au, 0x00000000u),
    uvec2(0x8000808bu, 0x00000000u),
    uvec2(0x0000008bu, 0x80000000u),
    uvec2(0x00008089u, 0x80000000u),
    uvec2(0x00008003u, 0x80000000u),
    uvec2(0x00008002u, 0x80000000u),
    uvec2(0x00000080u, 0x80000000u),
    uvec2(0x0000800au, 0x00000000u),
    uvec2(0x8000000au, 0x80000000u),
    uvec2(0x80008081u, 0x80000000u),
    uvec2(0x00008080u, 0x80000000u),
    uvec2(0x80000001u, 0x00000000u),
    uvec2(0x80008008u, 0x80000000u));
#endif

void keccakf(inout LANE s[25])
{
    LANE a0 = s[0];
    LANE a1 = s[1];
    LANE a2 = s[2];
    LANE a3 = s[3];
    LANE a4 = s[4];
    LANE a5 = s[5];
    LANE a6 = s[6];
    LANE a7 = s[7];
    LANE a8 = s[8];
    LANE a9 = s[9];
    LANE a10 = s[10];
    LANE a11 = s[11];
    LANE a12 = s[12];
    LANE a13 = s[13];
    LANE a14 = s[14];
    LANE a15 = s[15];
    LANE a16 = s[16];
    LANE a17 = s[17];
    LANE a18 = s[18];
    LANE a19 = s[19];
    LANE a20 = s[20];
    LANE a21 = s[21];
    LANE a22 = s[22];
    LANE a23 = s[23];
    LANE a24 = s[24];
    LANE c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;
    LANE b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b16, b17, b18, b19, b20, b21, b22, b23, b24;
    for (int round = 0; round < 24; round++) {
        c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20;
        c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21;
        c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22;
        c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23;
        c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;
        d0 = c4 ^ ROL1(c1);
        d1 = c0 ^ ROL1(c2);
        d2 = c1 ^ ROL1(c3);
        d3 = c2 ^ ROL1(c4);
        d4 = c3 ^ ROL1(c0);
        a0 ^= d0;
        a1 ^= d1;
        a2 ^= d2;
        a3 ^= d3;
        a4 ^= d4;
        a5 ^= d0;
        a6 ^= d1;
        a7 ^= d2;
        a8 ^= d3;
        a9 ^= d4;
        a10 ^= d0;
        a11 ^= d1;
        a12 ^= d2;
        a13 ^= d3;
        a14 ^= d4;
        a15 ^= d0;
        a16 ^= d1;
        a17 ^= d2;
        a18 ^= d3;
        a19 ^= d4;
        a20 ^= d0;
        a21 ^= d1;
        a22 ^= d2;
        a23 ^= d3;
        a24 ^= d4;
        b0 = a0;
        b16 = ROL36(a5);
        b7 = ROL3(a10);
        b23 = ROL41(a15);
        b14 = ROL18(a20);
        b10 = ROL1(a1);
        b1 = ROL44(a6);
        b17 = ROL10(a11);
        b8 = ROL45(a16);
        b24 = ROL2(a21);
        b20 = ROL62(a2);
        b11 = ROL6(a7);
        b2 = ROL43(a12);
        b18 = ROL15(a17);
        b9 = ROL61(a22);
        b5 = ROL28(a3);
        b21 = ROL55(a8);
        b12 = ROL25(a13);
        b3 = ROL21(a18);
        b19 = ROL56(a23);
        b15 = ROL27(a4);
        b6 = ROL20(a9);
        b22 = ROL39(a14);
        b13 = ROL8(a19);
        b4 = ROL14(a24);
        a0 = b0 ^ (~b1 & b2);
        a1 = b1 ^ (~b2 & b3);
        a2 = b2 ^ (~b3 & b4);
        a3 = b3 ^ (~b4 & b0);
        a4 = b4 ^ (~b0 & b1);
        a5 = b5 ^ (~b6 & b7);
        a6 = b6 ^ (~b7 & b8);
        a7 = b7 ^ (~b8 & b9);
        a8 = b8 ^ (~b9 & b5);
        a9 = b9 ^ (~b5 & b6);
        a10 = b10 ^ (~b11 & b12);
        a11 = b11 ^ (~b12 & b13);
        a12 = b12 ^ (~b13 & b14);
        a13 = b13 ^ (~b14 & b10);
        a14 = b14 ^ (~b10 & b11);
        a15 = b15 ^ (~b16 & b17);
        a16 = b16 ^ (~b17 & b18);
        a17 = b17 ^ (~b18 & b19);
        a18 = b18 ^ (~b19 & b15);
        a19 = b19 ^ (~b15 & b16);
        a20 = b20 ^ (~b21 & b22);
        a21 = b21 ^ (~b22 & b23);
        a22 = b22 ^ (~b23 & b24);
        a23 = b23 ^ (~b24 & b20);
        a24 = b24 ^ (~b20 & b21);
        a0 ^= KRC[round];
    }
    s[0] = a0;
    s[1] = a1;
    s[2] = a2;
    s[3] = a3;
    s[4] = a4;
    s[5] = a5;
    s[6] = a6;
    s[7] = a7;
    s[8] = a8;
    s[9] = a9;
    s[10] = a10;
    s[11] = a11;
    s[12] = a12;
    s[13] = a13;
    s[14] = a14;
    s[15] = a15;
    s[16] = a16;
    s[17] = a17;
    s[18] = a18;
    s[19] = a19;
    s[20] = a20;
    s[21] = a21;
    s[22] = a22;
    s[23] = a23;
    s[24] = a24;
}
