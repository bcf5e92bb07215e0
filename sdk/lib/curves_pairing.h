/* curves_pairing.h — Miller-loop steps shared by the pairings (internal to
 * libzgsupport; after curves_tower.h and curves_group.h for G2).
 *
 * The including file defines g1_aff / g2_aff (affine {x, y}), TWIST_B3 and
 * one of ZG_TWIST_D (BN254: E'(Fp2) -> E by (x, y) -> (x w^2, y w^3)) or
 * ZG_TWIST_M (BLS12-381: (x, y) -> (x / w^2, y / w^3)), and provides
 *   static void miller_loop(fp12 *f, const g1_aff *P, const g2_aff *Q, size_t n);
 *   static void final_exp(fp12 *r, const fp12 *f);
 *
 * T runs over E'(Fp2) in homogeneous projective coordinates, Q is affine.
 * A step returns the line through the points, evaluated at P = (xP, yP) in
 * E(Fp), as three coefficients: ly (a multiple of yP), lx (a multiple of
 * xP) and lk; up to a factor in Fp2, which the final exponentiation
 * removes, the line is
 *   D-type:  ly + lx w   + lk w^3
 *   M-type:  lk + lx w^2 + ly w^3   (the D-type line times w^3, over w^6)
 * Formulas after Costello, Lange and Naehrig, "Faster pairing computations
 * on curves with high-degree twists" (PKC 2010).
 */

/* f *= line */
static inline void line_mul(fp12 *f, const fp2 *ly, const fp2 *lx, const fp2 *lk)
{
#if defined(ZG_TWIST_D)
    fp12_mul_line_d(f, ly, lx, lk);
#elif defined(ZG_TWIST_M)
    fp12_mul_line_m(f, lk, lx, ly);
#else
#error "define ZG_TWIST_D or ZG_TWIST_M"
#endif
}

/* T = 2T; line at P given xp and ynp = -yP */
static void dbl_step(g2 *T, fp2 *ly, fp2 *lx, fp2 *lk, const fp *xp, const fp *ynp)
{
    fp2 A, B, C, E, F, G, H, X2, t;
    fp2_mul(&A, &T->x, &T->y);
    fp2_half(&A, &A); /* XY/2 */
    fp2_sqr(&B, &T->y);
    fp2_sqr(&C, &T->z);
    fp2_mul(&E, &C, &TWIST_B3); /* 3b'Z^2 */
    fp2_dbl(&F, &E);
    fp2_add(&F, &F, &E); /* 3E */
    fp2_add(&G, &B, &F);
    fp2_half(&G, &G);
    fp2_add(&t, &T->y, &T->z);
    fp2_sqr(&H, &t);
    fp2_sub(&H, &H, &B);
    fp2_sub(&H, &H, &C); /* 2YZ */
    fp2_sqr(&X2, &T->x);
    /* line: -H yP, 3X^2 xP, E - B */
    fp2_mul_fp(ly, &H, ynp);
    fp2_dbl(&t, &X2);
    fp2_add(&t, &t, &X2);
    fp2_mul_fp(lx, &t, xp);
    fp2_sub(lk, &E, &B);
    /* X3 = A(B - F), Y3 = G^2 - 3E^2, Z3 = BH */
    fp2_sub(&t, &B, &F);
    fp2_mul(&T->x, &A, &t);
    fp2_sqr(&E, &E);
    fp2_dbl(&t, &E);
    fp2_add(&t, &t, &E);
    fp2_sqr(&G, &G);
    fp2_sub(&T->y, &G, &t);
    fp2_mul(&T->z, &B, &H);
}

/* T = T + Q (Q affine, T != +-Q); line at P */
static void add_step(g2 *T, fp2 *ly, fp2 *lx, fp2 *lk, const g2_aff *Q, const fp *xp, const fp *ynp)
{
    fp2 th, la, C, D, E, F, G, H, t;
    fp2_mul(&t, &Q->y, &T->z);
    fp2_sub(&th, &T->y, &t); /* theta = Y - yQ Z */
    fp2_mul(&t, &Q->x, &T->z);
    fp2_sub(&la, &T->x, &t); /* lambda = X - xQ Z */
    fp2_sqr(&C, &th);
    fp2_sqr(&D, &la);
    fp2_mul(&E, &la, &D);
    fp2_mul(&F, &T->z, &C);
    fp2_mul(&G, &T->x, &D);
    fp2_add(&H, &E, &F);
    fp2_sub(&H, &H, &G);
    fp2_sub(&H, &H, &G);
    /* line: -lambda yP, theta xP, lambda yQ - theta xQ */
    fp2_mul_fp(ly, &la, ynp);
    fp2_mul_fp(lx, &th, xp);
    fp2_mul(&t, &th, &Q->x);
    fp2_mul(lk, &la, &Q->y);
    fp2_sub(lk, lk, &t);
    /* X3 = lambda H, Y3 = theta (G - H) - Y E, Z3 = Z E */
    fp2_mul(&T->x, &la, &H);
    fp2_sub(&t, &G, &H);
    fp2_mul(&t, &th, &t);
    fp2_mul(&C, &T->y, &E);
    fp2_sub(&T->y, &t, &C);
    fp2_mul(&T->z, &T->z, &E);
}

#define ML_CHUNK 16
static void miller_loop(fp12 *f, const g1_aff *P, const g2_aff *Q, size_t n);
static void final_exp(fp12 *r, const fp12 *f);

/* Accumulates Miller loops over any number of pairs, ML_CHUNK at a time */
typedef struct {
    fp12 acc;
    g1_aff P[ML_CHUNK];
    g2_aff Q[ML_CHUNK];
    size_t n;
} pairing_acc;

static void pacc_init(pairing_acc *pa)
{
    fp12_one(&pa->acc);
    pa->n = 0;
}

static void pacc_flush(pairing_acc *pa)
{
    fp12 f;
    if (!pa->n) return;
    miller_loop(&f, pa->P, pa->Q, pa->n);
    fp12_mul(&pa->acc, &pa->acc, &f);
    pa->n = 0;
}

static void pacc_add(pairing_acc *pa, const g1_aff *p, const g2_aff *q)
{
    pa->P[pa->n] = *p;
    pa->Q[pa->n] = *q;
    if (++pa->n == ML_CHUNK) pacc_flush(pa);
}

ZG_MAYBE_UNUSED static void pacc_final(pairing_acc *pa, fp12 *r)
{
    pacc_flush(pa);
    final_exp(r, &pa->acc);
}

