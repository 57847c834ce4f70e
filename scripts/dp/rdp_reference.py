#!/usr/bin/env python3
"""Reference values of the sampled Gaussian mechanism's Renyi divergence.

Computes log A_alpha = log E_{z~N(0,s^2)}[((1-q) + q*exp((2z-1)/(2 s^2)))^alpha]
by arbitrary-precision numerical quadrature (mpmath, 60 digits), independently
of the Go accountant's closed forms, and writes them as JSON for
train/dp's TestRDPMatchesMultiprecision:

    /usr/bin/python3 scripts/dp/rdp_reference.py > train/dp/testdata/rdp_mp.json

The cases are ordinary DP-SGD settings and extreme ones (tiny q, tiny or
huge sigma, orders up to 256.1) at integer and fractional orders.
"""
import json

import mpmath

mpmath.mp.dps = 60

CASES = [
    # (q, sigma, alpha)
    (0.01, 2.5, 1.5), (0.01, 2.5, 2.5), (0.01, 2.5, 5), (0.01, 2.5, 50), (0.01, 2.5, 100),
    (256 / 60000, 1.1, 8.8), (256 / 60000, 0.7, 3.8), (0.004, 1.3, 17), (0.004, 1.3, 18.5),
    (0.01, 4, 20), (0.1, 0.8, 3.7), (0.5, 1.0, 2.3), (0.3, 0.6, 1.1),
    (1e-7, 0.1, 1.01), (1e-6, 0.1, 256), (1e-5, 0.1, 256.1), (1e-6, 1, 27),
    (1e-4, 1, 1.5), (1e-3, 1, 2), (0.01, 10, 20), (0.1, 100, 20.5),
    (0.99, 0.1, 256), (0.999, 100, 256.1),
    # both parts of the first term are tiny while the mass lies near i = alpha:
    # the series must not stop at its first term
    (0.2, 10, 255.5), (0.2, 10, 60.5),
]


def log_a(q, sigma, alpha):
    q, sigma, alpha = mpmath.mpf(q), mpmath.mpf(sigma), mpmath.mpf(alpha)

    def f(z):
        mu0 = mpmath.npdf(z, 0, sigma)
        return mu0 * ((1 - q) + q * mpmath.exp((2 * z - 1) / (2 * sigma**2))) ** alpha

    # The integrand's mass lies near 0 and, for large alpha, near z = alpha
    # (where the q-component's tilt peaks): split the line there so the
    # quadrature cannot miss a narrow peak.
    pts = sorted({mpmath.mpf(0), mpmath.mpf(1), alpha / 2, alpha, 2 * alpha,
                  -10 * sigma, 10 * sigma, alpha - 10 * sigma, alpha + 10 * sigma})
    pts = [-mpmath.inf] + pts + [mpmath.inf]
    total = mpmath.mpf(0)
    for a, b in zip(pts, pts[1:]):
        if a < b:
            total += mpmath.quad(f, [a, b], maxdegree=10)
    return mpmath.log(total)


def main():
    out = []
    for q, sigma, alpha in CASES:
        la = log_a(q, sigma, alpha)
        out.append({"q": q, "sigma": sigma, "alpha": alpha, "log_a": float(la),
                    "rdp": float(la / (alpha - 1))})
    print(json.dumps({"source": "scripts/dp/rdp_reference.py (mpmath %s, %d digits)" % (mpmath.__version__, mpmath.mp.dps),
                      "cases": out}, indent=1))


if __name__ == "__main__":
    main()
