/*
 * Natural logarithm and exponential that return what V8's Math.log and Math.exp return, bit for bit.
 * V8 computes both in software with its port of Sun's fdlibm (src/base/ieee754.cc), so the ziggurat's
 * slow path can run here and keep the `fast` generator's stream identical to the JavaScript one. This is
 * an implementation of the same published algorithms (argument reduction, the same minimax polynomial
 * coefficients, the same evaluation order — any other order changes last bits), written for this kernel.
 * Built with -ffp-contract=off (kernel.c's flags): no fused multiply-adds, which would change results.
 * test/simulator/ieee754.test.ts compares both with Math.log/Math.exp on millions of inputs.
 */
#include "kernel.h"

typedef union {
  double d;
  unsigned long long u;
} Bits;

static unsigned high_word(double x) { Bits b = {.d = x}; return (unsigned)(b.u >> 32); }
static unsigned low_word(double x) { Bits b = {.d = x}; return (unsigned)b.u; }
static double from_words(unsigned hi, unsigned lo) { Bits b = {.u = ((unsigned long long)hi << 32) | lo}; return b.d; }
static double with_high_word(double x, unsigned hi) { return from_words(hi, low_word(x)); }

/* ln 2 split so that k·LN2_HI is exact for |k| < 2000; the low part carries the rest. */
static const double LN2_HI = 6.93147180369123816490e-01; /* 0x3FE62E42 FEE00000 */
static const double LN2_LO = 1.90821492927058770002e-10; /* 0x3DEA39EF 35793C76 */

/*
 * log(x): x = 2^k·(1+f) with √2/2 < 1+f < √2, then log(1+f) from s = f/(2+f) through an odd series in s
 * whose tail R(s²) is a degree-7 minimax polynomial (coefficients LG1..LG7); tiny |f| < 2^-20 use a
 * short Taylor form. Result k·ln2_hi + (f − (f²/2 − s·(f²/2 + R) − k·ln2_lo)) or the shorter form when f
 * is small enough that f²/2 need not be split off.
 */
__attribute__((export_name("log")))
double v8_log(double x) {
  static const double TWO54 = 1.80143985094819840000e+16;
  static const double LG1 = 6.666666666666735130e-01, LG2 = 3.999999999940941908e-01, LG3 = 2.857142874366239149e-01,
                      LG4 = 2.222219843214978396e-01, LG5 = 1.818357216161805012e-01, LG6 = 1.531383769920937332e-01,
                      LG7 = 1.479819860511658591e-01;
  int hx = (int)high_word(x);
  const unsigned lx = low_word(x);
  int k = 0;
  if (hx < 0x00100000) { /* zero, subnormal or negative */
    if (((hx & 0x7fffffff) | lx) == 0) return -__builtin_inf();
    if (hx < 0) return __builtin_nan("");
    k -= 54;
    x *= TWO54; /* scale a subnormal into the normal range */
    hx = (int)high_word(x);
  }
  if (hx >= 0x7ff00000) return x + x; /* +inf or NaN */
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  /* Pick the binade so that 1+f lies in [√2/2, √2): i is 0x100000 when the mantissa is above √2. */
  int i = (hx + 0x95f64) & 0x100000;
  x = with_high_word(x, (unsigned)(hx | (i ^ 0x3ff00000)));
  k += i >> 20;
  const double f = x - 1.0;
  const double dk = (double)k;
  if ((0x000fffff & (2 + hx)) < 3) { /* |f| < 2^-20 */
    if (f == 0) return k == 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const double R = f * f * (0.5 - 0.33333333333333333 * f);
    return k == 0 ? f - R : dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double w = z * z;
  /* Even and odd halves of the polynomial, evaluated separately (this order is part of the result). */
  const double t1 = w * (LG2 + w * (LG4 + w * LG6));
  const double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const double R = t2 + t1;
  /* The f²/2 split pays off when the mantissa is far from 1 (both bounds ≈ 1 ± 0.38). */
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const double hfsq = 0.5 * f * f;
    return k == 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  return k == 0 ? f - s * (f - R) : dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

/*
 * exp(x): x = k·ln2 + r with |r| ≤ ln2/2 (r kept as hi − lo), exp(r) = 1 + r + r·c/(2 − c) with
 * c = r − r²·P(r²) (degree-5 minimax P1..P5), scaled by 2^k built from its exponent bits (in two steps
 * near underflow). V8 special-cases exp(1) to return the double nearest e.
 */
__attribute__((export_name("exp")))
double v8_exp(double x) {
  static const double O_THRESHOLD = 7.09782712893383973096e+02, U_THRESHOLD = -7.45133219101941108420e+02;
  static const double INV_LN2 = 1.44269504088896338700e+00;
  static const double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05,
                      P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08;
  static const double E = 2.718281828459045;
  static const double TWO_M1000 = 9.33263618503218878990e-302; /* 2^-1000 */
  static const double TWO_1023 = 8.988465674311579539e307;
  const unsigned hw = high_word(x);
  const int negative = (int)(hw >> 31);
  const unsigned hx = hw & 0x7fffffff;
  if (hx >= 0x40862e42) { /* |x| ≥ 709.78: non-finite, overflow or underflow */
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | low_word(x)) != 0) return x + x;
      return negative ? 0 : x;
    }
    if (x > O_THRESHOLD) return __builtin_inf();
    if (x < U_THRESHOLD) return 0;
  }
  double hi = 0, lo = 0;
  int k = 0;
  if (hx > 0x3fd62e42) { /* |x| > ln2/2: reduce */
    if (hx < 0x3ff0a2b2) { /* |x| < 1.5·ln2: k = ±1 */
      if (x == 1.0) return E;
      hi = negative ? x + LN2_HI : x - LN2_HI;
      lo = negative ? -LN2_LO : LN2_LO;
      k = negative ? -1 : 1;
    } else {
      k = (int)(INV_LN2 * x + (negative ? -0.5 : 0.5));
      const double t = k;
      hi = x - t * LN2_HI; /* exact */
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) { /* |x| < 2^-28: 1 + x is exact to the last bit */
    return 1.0 + x;
  }
  const double t = x * x;
  const double c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * TWO_1023;
    return y * from_words(0x3ff00000u + ((unsigned)k << 20), 0);
  }
  return y * from_words(0x3ff00000u + ((unsigned)(k + 1000) << 20), 0) * TWO_M1000;
}
