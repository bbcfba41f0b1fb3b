"""The numpy polynomial method's features reproduce the Taylor polynomial.

An independent numerical check of the identity proved in Coq
(``Error/FeatureMap.feature_map_identity``):
``sum_alpha phi_alpha(q) psi_alpha(k) = sum_{t<=g} (s q.k)^t / t!`` over all
monomials of degree ``<= g`` in ``dh`` variables, and of the rank ``C(dh+g, g)``.
The reference value is computed in exact rational arithmetic from the float
inputs, and the monomial set is enumerated independently of ``monomial_plan``.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest

from py_bridge.model import Engine, monomial_plan
from py_bridge.model.attention import monomials

CASES = [(1, 0), (1, 5), (2, 3), (3, 4), (4, 2), (4, 6), (5, 5), (6, 3)]


def _taylor_exact(q: np.ndarray, k: np.ndarray, scale: float, g: int) -> Fraction:
    """``sum_{t<=g} (scale * q.k)^t / t!`` exactly, from the binary values of the floats."""
    dot = sum((Fraction(float(a)) * Fraction(float(b)) for a, b in zip(q, k, strict=True)),
              Fraction(0))
    s = Fraction(scale) * dot
    return sum((s**t / math.factorial(t) for t in range(g + 1)), Fraction(0))


def _feature_dot(q: np.ndarray, k: np.ndarray, scale: float, g: int) -> float:
    """``<phi(q), psi(k)>`` with the model's own features (coefficients on the query side)."""
    plan = monomial_plan(q.shape[0], g)
    eng = Engine()
    phi = plan.coefficients(scale) * monomials(eng, q[:, None], plan)[:, 0]
    psi = monomials(eng, k[:, None], plan)[:, 0]
    return float(math.fsum(phi * psi))


@pytest.mark.parametrize(("dh", "g"), CASES)
def test_feature_inner_product_is_the_taylor_polynomial(dh: int, g: int) -> None:
    rng = np.random.default_rng(100 * dh + g)
    for _ in range(20):
        q = rng.uniform(-1.0, 1.0, dh)
        k = rng.uniform(-1.0, 1.0, dh)
        scale = float(rng.uniform(-0.5, 0.5)) / dh      # |s| <= 1/2, so P_g(s) >= 1/2
        exact = _taylor_exact(q, k, scale, g)
        got = _feature_dot(q, k, scale, g)
        assert abs(Fraction(got) - exact) <= Fraction(1, 10**12) * abs(exact)


@pytest.mark.parametrize("g", [2, 4, 6, 8])
def test_identity_holds_at_larger_scores(g: int) -> None:
    """Scores up to 3 in magnitude; an even degree keeps P_g away from 0."""
    rng = np.random.default_rng(7 + g)
    for _ in range(10):
        q = rng.uniform(-1.0, 1.0, 3)
        k = rng.uniform(-1.0, 1.0, 3)
        exact = _taylor_exact(q, k, 1.0, g)
        got = _feature_dot(q, k, 1.0, g)
        assert abs(Fraction(got) - exact) <= Fraction(1, 10**12) * abs(exact)


def test_a_wrong_coefficient_breaks_the_identity() -> None:
    """The check is sensitive: dropping one monomial's 1/alpha! changes the value."""
    dh, g = 3, 4
    rng = np.random.default_rng(5)
    q = rng.uniform(0.5, 1.0, dh)
    k = rng.uniform(0.5, 1.0, dh)
    plan = monomial_plan(dh, g)
    coef = plan.coefficients(0.5)
    a = int(np.argmax(plan.exps.max(axis=1)))           # a monomial with a repeated variable
    assert plan.exps[a].max() >= 2
    coef[a] *= math.prod(math.factorial(int(e)) for e in plan.exps[a])
    eng = Engine()
    feats = monomials(eng, q[:, None], plan)[:, 0] * monomials(eng, k[:, None], plan)[:, 0]
    wrong = math.fsum(coef * feats)
    exact = _taylor_exact(q, k, 0.5, g)
    assert abs(Fraction(wrong) - exact) > Fraction(1, 10**6) * abs(exact)


@pytest.mark.parametrize(("dh", "g"), CASES)
def test_rank_and_monomials_are_all_multisets_of_size_at_most_g(dh: int, g: int) -> None:
    plan = monomial_plan(dh, g)
    assert plan.rank == math.comb(dh + g, g)
    expected = set()
    for t in range(g + 1):
        for combo in itertools.combinations_with_replacement(range(dh), t):
            expected.add(tuple(combo.count(j) for j in range(dh)))
    got = [tuple(int(x) for x in e) for e in plan.exps]
    assert len(got) == len(set(got)) == len(expected)
    assert set(got) == expected
