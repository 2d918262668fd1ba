"""Tests of kltools.mlkl: n-gram models, arithmetic coding, distillation, policies.

Each quantity is checked against an independent computation: n-gram
probabilities against counts made by hand with collections.Counter, bits per
character against a direct count, the arithmetic coder against the ideal
code length, gradients against finite differences, the KL-regularised
optimum against a brute-force numerical maximisation (scipy), and the Fisher
information against the finite-difference Hessian of the divergence.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
from scipy.optimize import minimize

import kltools as kt
from kltools import explore, mlkl

SMALL = "the cat sat on the mat; the bat ate the rat.\n" * 3 + "a cab at a tab.\n"


# --- the text ------------------------------------------------------------------


def test_paradise_lost_is_shipped_whole():
    text = mlkl.load_paradise_lost()
    assert len(text) == 454_480 and text.isascii()
    assert text.startswith("PARADISE LOST\nBOOK I.\n")
    assert text.rstrip().endswith("THE END.")
    headings = re.findall(r"^BOOK ([IVX]+)\.?$", text, flags=re.MULTILINE)
    assert headings == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    assert "\r" not in text and "\x1a" not in text
    assert all(line == line.rstrip() for line in text.splitlines())


def test_split_is_contiguous():
    train, test = mlkl.split_text(SMALL, 0.25)
    assert train + test == SMALL
    assert len(test) == round(0.25 * len(SMALL))
    with pytest.raises(ValueError, match=r"held_out must be in \(0, 1\)"):
        mlkl.split_text(SMALL, 1.0)
    with pytest.raises(TypeError, match="text must be a str"):
        mlkl.split_text(b"abc", 0.5)


# --- n-gram models ---------------------------------------------------------------


def _counts(text: str, order: int, alphabet: str):
    """c(h, x) and c(h) by hand, contexts padded with None at the start."""
    padded = [None] * order + list(text)
    joint, ctx = Counter(), Counter()
    for t in range(len(text)):
        h = tuple(padded[t : t + order])
        joint[h, text[t]] += 1
        ctx[h] += 1
    return joint, ctx


@pytest.mark.parametrize("order", [0, 1, 2, 3])
@pytest.mark.parametrize("k", [0.0, 0.5, 1.0])
def test_add_k_matches_counts_made_by_hand(order, k):
    alphabet = "".join(sorted(set(SMALL)))
    m = mlkl.CharNGram(SMALL, 3, alphabet=alphabet)
    joint, ctx = _counts(SMALL, order, alphabet)
    V = len(alphabet)
    q = m.probabilities(SMALL, order=order, smoothing="add-k", k=k)
    padded = [None] * order + list(SMALL)
    for t in range(len(SMALL)):
        h = tuple(padded[t : t + order])
        want = (joint[h, SMALL[t]] + k) / (ctx[h] + k * V)
        assert q[t] == pytest.approx(want, rel=1e-12)


def test_witten_bell_by_hand():
    """q(x|h) = (c(h,x) + T(h) q(x|h')) / (c(h) + T(h)), exactly, with fractions."""
    text = "abracadabra"
    m = mlkl.CharNGram(text, 2)
    V = len(m.alphabet)  # a b c d r
    # order 0: c(x) + T q_-1(x) over N + T, with T = 5 distinct characters
    q0 = {c: (text.count(c) + Fraction(5, V)) / (len(text) + 5) for c in m.alphabet}
    dist0 = m.distribution("", order=0)
    for i, c in enumerate(m.alphabet):
        assert dist0[i] == pytest.approx(float(q0[c]), rel=1e-12)
    # order 1 after "a": followed by b, c, d, b (and the final a ends the text)
    after_a = Counter(text[i + 1] for i in range(len(text) - 1) if text[i] == "a")
    n_a, t_a = sum(after_a.values()), len(after_a)
    dist1 = m.distribution("a", order=1)
    for i, c in enumerate(m.alphabet):
        want = (after_a[c] + t_a * q0[c]) / (n_a + t_a)
        assert dist1[i] == pytest.approx(float(want), rel=1e-12)
    # "d" was followed once, by "a": c(d) = 1, T(d) = 1
    dist_d = m.distribution("d", order=1)
    for i, c in enumerate(m.alphabet):
        want = ((c == "a") + q0[c]) / 2
        assert dist_d[i] == pytest.approx(float(want), rel=1e-12)
    # a context never seen ("rd") hands the lower order on unchanged
    assert m.distribution("rd", order=2) == pytest.approx(m.distribution("d", order=1))


@pytest.mark.parametrize("smoothing", ["witten-bell", "add-k"])
@pytest.mark.parametrize("order", [0, 1, 3, 5])
def test_predictive_distributions_are_normalised(smoothing, order):
    text = mlkl.load_paradise_lost()[:20_000]
    train, test = mlkl.split_text(text, 0.2)
    m = mlkl.CharNGram(train, 5, alphabet="".join(sorted(set(text))))
    d = m.distributions(test, order=order, smoothing=smoothing, k=0.1, history=train)
    assert d.shape == (len(test), len(m.alphabet))
    assert (d > 0).all()
    assert np.abs(d.sum(axis=1) - 1).max() < 1e-12
    q = m.probabilities(test, order=order, smoothing=smoothing, k=0.1, history=train)
    assert np.array_equal(d[np.arange(len(test)), m.encode(test)], q)
    one = m.distribution(
        train[-order:] if order else "", order=order, smoothing=smoothing, k=0.1
    )
    assert one == pytest.approx(d[0], rel=1e-12)


def test_unsmoothed_model_is_normalised_and_uniform_after_an_unseen_context():
    m = mlkl.CharNGram(SMALL, 2)
    d = m.distributions(SMALL, order=2, smoothing="add-k", k=0)
    assert np.abs(d.sum(axis=1) - 1).max() < 1e-12
    assert (
        m.distribution("mm", order=2, smoothing="add-k", k=0) == 1 / len(m.alphabet)
    ).all()


def test_bits_per_char_is_a_direct_count():
    """Order 0, k = 0: the plug-in entropy of the text's own character counts."""
    counts = Counter(SMALL)
    n = len(SMALL)
    direct = -sum(c * math.log2(c / n) for c in counts.values()) / n
    m = mlkl.CharNGram(SMALL, 1)
    assert m.bits_per_char(SMALL, order=0, smoothing="add-k", k=0) == pytest.approx(
        direct, rel=1e-12
    )
    assert direct == pytest.approx(kt.entropy(list(counts.values()), normalize=True))
    # order 1 on its own training text: minus the mean log of c(prev, x) / c(prev)
    pairs = Counter(zip([None, *SMALL[:-1]], SMALL, strict=True))
    firsts = Counter([None, *SMALL[:-1]])
    bits = -sum(c * math.log2(c / firsts[a]) for (a, _), c in pairs.items()) / n
    assert m.bits_per_char(SMALL, order=1, smoothing="add-k", k=0) == pytest.approx(
        bits
    )


def test_unseen_continuation_is_infinitely_surprising():
    m = mlkl.CharNGram("abab", 1)
    assert m.bits_per_char("ba", order=1, smoothing="add-k", k=0) == math.inf
    assert math.isfinite(m.bits_per_char("ba", order=1, smoothing="add-k", k=0.5))
    assert math.isfinite(m.bits_per_char("ba", order=1))


def test_by_order_equals_one_order_at_a_time():
    text = mlkl.load_paradise_lost()[:30_000]
    train, test = mlkl.split_text(text, 0.1)
    m = mlkl.CharNGram(train, 4, alphabet="".join(sorted(set(text))))
    for smoothing, k in [("witten-bell", 1.0), ("add-k", 0.05), ("add-k", 0.0)]:
        many = m.bits_per_char_by_order(test, smoothing=smoothing, k=k, history=train)
        one = [
            m.bits_per_char(test, order=o, smoothing=smoothing, k=k, history=train)
            for o in range(5)
        ]
        assert many == pytest.approx(one, rel=1e-12)
        rows = m.probabilities_by_order(test, smoothing=smoothing, k=k, history=train)
        for o in range(5):
            want = m.probabilities(
                test, order=o, smoothing=smoothing, k=k, history=train
            )
            assert np.array_equal(rows[o], want)


def test_history_gives_the_first_characters_their_contexts():
    m = mlkl.CharNGram(SMALL, 2)
    whole = m.probabilities(SMALL, order=2)
    tail = m.probabilities(SMALL[10:], order=2, history=SMALL[:10])
    assert tail == pytest.approx(whole[10:], rel=1e-12)


def test_ngram_refuses_bad_input():
    m = mlkl.CharNGram("abc", 1)
    with pytest.raises(ValueError, match="'z', which is not in the alphabet"):
        m.bits_per_char("az", order=0)
    with pytest.raises(ValueError, match="order must be at most max_order = 1"):
        m.bits_per_char("ab", order=2)
    with pytest.raises(ValueError, match="smoothing must be one of"):
        m.bits_per_char("ab", order=1, smoothing="kneser-ney")
    with pytest.raises(ValueError, match="k must be >= 0"):
        m.bits_per_char("ab", order=1, smoothing="add-k", k=-1)
    with pytest.raises(TypeError, match="order must be an integer"):
        m.bits_per_char("ab", order=1.5)
    with pytest.raises(ValueError, match="text is empty"):
        mlkl.CharNGram("", 1)
    with pytest.raises(ValueError, match="would overflow"):
        mlkl.CharNGram("ab" * 50 + "cdefghijklmnopqrstuvwxyz" * 3, 20)


# --- arithmetic coding -----------------------------------------------------------


def test_quantize_sums_exactly_and_keeps_every_symbol():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.full(65, 0.1), size=200)
    p[:, 3] = 0.0
    p /= p.sum(axis=1, keepdims=True)
    f = mlkl.quantize(p, total_bits=32)
    assert (f.sum(axis=1) == 2**32).all() and (f >= 1).all()
    assert np.abs(f / 2**32 - p).max() < 1e-7
    with pytest.raises(ValueError, match="must exceed twice the 65 symbols"):
        mlkl.quantize(p, total_bits=7)


@pytest.mark.parametrize("seed", range(20))
def test_coder_is_within_two_bits_of_the_ideal_and_decodes(seed):
    rng = np.random.default_rng(seed)
    n, V = int(rng.integers(1, 400)), int(rng.integers(2, 30))
    p = rng.dirichlet(np.full(V, 0.3), size=n)
    f = mlkl.quantize(p, total_bits=int(rng.integers(12, 33)))
    x = np.array([rng.choice(V, p=f[t] / f[t].sum()) for t in range(n)])
    bits = mlkl.arithmetic_encode(x, f)
    ideal = mlkl.code_length(x, f)
    assert ideal - 1e-6 <= bits.size <= ideal + 2
    assert np.array_equal(mlkl.arithmetic_decode(bits, n, f), x)


def test_coder_on_text_with_a_streaming_decoder():
    """The decoder rebuilds each table from what it has decoded so far."""
    train, test = mlkl.split_text(mlkl.load_paradise_lost()[:40_000], 0.05)
    test = test[:600]
    m = mlkl.CharNGram(train, 3)
    x = m.encode(test)
    f = mlkl.quantize(m.distributions(test, order=3, history=train))
    bits = mlkl.arithmetic_encode(x, f)
    ideal = -np.log2(m.probabilities(test, order=3, history=train)).sum()
    assert abs(bits.size - ideal) <= 2

    def next_table(decoded):
        context = (train + "".join(m.alphabet[s] for s in decoded))[-3:]
        return mlkl.quantize(m.distribution(context, order=3))

    assert np.array_equal(mlkl.arithmetic_decode(bits, len(x), next_table), x)


def test_empty_message_costs_two_bits():
    bits = mlkl.arithmetic_encode(np.array([], dtype=int), np.zeros((0, 2), dtype=int))
    assert bits.size == 2
    assert mlkl.arithmetic_decode(bits, 0, np.zeros((0, 2), dtype=int)).size == 0


def test_coder_refuses_what_it_cannot_code():
    with pytest.raises(ValueError, match="frequency 0"):
        mlkl.arithmetic_encode([1], [[1, 0]])
    with pytest.raises(ValueError, match="one row per symbol"):
        mlkl.arithmetic_encode([0, 1], [[1, 1]])
    with pytest.raises(ValueError, match="at most 2\\*\\*14"):
        mlkl.arithmetic_encode([0], [[2**15, 1]], precision=16)
    with pytest.raises(ValueError, match="bits must be"):
        mlkl.arithmetic_decode([0, 2], 1, [[1, 1]])


def test_compressors_and_conditioning_on_the_training_text():
    text = mlkl.load_paradise_lost()
    train, test = mlkl.split_text(text[:100_000], 0.1)
    for method in ("zlib", "bz2", "lzma"):
        alone = mlkl.compressed_bits_per_char(test, method)
        given = mlkl.compressed_bits_per_char(test, method, given=train)
        assert 0 < given < alone < 8
    import zlib

    want = 8 * len(zlib.compress(test.encode(), 9)) / len(test)
    assert mlkl.compressed_bits_per_char(test, "zlib") == want
    with pytest.raises(ValueError, match="method must be one of"):
        mlkl.compressed_bits_per_char(test, "gzip")


# --- distillation ------------------------------------------------------------------


def test_softmax_with_temperature():
    z = np.array([1.0, 2.0, 4.0])
    for t in (0.5, 1.0, 3.0):
        want = np.exp(z / t) / np.exp(z / t).sum()
        assert mlkl.softmax(z, t) == pytest.approx(want, rel=1e-12)
    assert mlkl.softmax(z, 1e6) == pytest.approx(np.full(3, 1 / 3), rel=1e-5)
    assert mlkl.softmax(z, 1e-3).tolist() == [0.0, 0.0, 1.0]
    with pytest.raises(ValueError, match="temperature must be > 0"):
        mlkl.softmax(z, 0.0)


def test_distillation_loss_is_entropy_plus_kl_and_its_gradient():
    rng = np.random.default_rng(1)
    z, v = rng.normal(size=(5, 7)), rng.normal(size=(5, 7)) * 3
    for t in (1.0, 2.5):
        r = mlkl.distillation_loss(z, v, t)
        s, p = mlkl.softmax(z, t), mlkl.softmax(v, t)
        ce = np.mean(kt.cross_entropy(p, s, base=math.e))
        assert r.cross_entropy == pytest.approx(ce, rel=1e-10)
        assert r.cross_entropy == pytest.approx(r.entropy + r.kl, rel=1e-10)
        assert r.loss == pytest.approx(t**2 * ce, rel=1e-10)
        # central finite differences of the loss in each logit
        eps = 1e-6
        num = np.zeros_like(z)
        for i in np.ndindex(z.shape):
            d = np.zeros_like(z)
            d[i] = eps
            plus = mlkl.distillation_loss(z + d, v, t).loss
            minus = mlkl.distillation_loss(z - d, v, t).loss
            num[i] = (plus - minus) / (2 * eps)
        assert r.grad == pytest.approx(num, abs=1e-7)


def test_unscaled_gradients_shrink_like_one_over_t_squared():
    rng = np.random.default_rng(2)
    z, v = rng.normal(size=(50, 10)), rng.normal(size=(50, 10))
    norms = {
        t: np.linalg.norm(mlkl.distillation_loss(z, v, t, scale=False).grad)
        for t in (50.0, 100.0)
    }
    assert norms[50.0] / norms[100.0] == pytest.approx(4.0, rel=0.02)
    scaled = [
        np.linalg.norm(mlkl.distillation_loss(z, v, t).grad) for t in (50.0, 100.0)
    ]
    assert scaled[0] == pytest.approx(scaled[1], rel=0.02)


def test_mlp_gradients_match_finite_differences():
    """Adam's first step is -learning_rate * sign(gradient), elementwise: its
    signs must be those of the finite-difference gradient of the loss
    T^2 mean H(y, softmax(z / T)) + weight_decay / 2 |W|^2."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(20, 4))
    y = rng.dirichlet(np.ones(3), size=20)  # soft targets
    T, wd = 2.0, 0.1
    m = mlkl.MLPClassifier((4, 5, 3), seed=0)
    theta = m._flat.copy()

    def loss(flat):
        m._flat[...] = flat
        ce = kt.cross_entropy(y, m.predict_proba(X, T), base=math.e)
        weights = sum(float(np.sum(w**2)) for w in m.weights)
        return T**2 * float(np.mean(ce)) + wd / 2 * weights

    eps = 1e-6
    grad = np.array(
        [
            (loss(theta + eps * e) - loss(theta - eps * e)) / (2 * eps)
            for e in np.eye(theta.size)
        ]
    )
    m._flat[...] = theta
    m.fit(X, y, temperature=T, weight_decay=wd, steps=1, learning_rate=1e-3)
    step = m._flat - theta
    clear = np.abs(grad) > 1e-4  # signs of tiny gradients are rounding
    assert clear.sum() > 20
    assert np.array_equal(np.sign(step[clear]), -np.sign(grad[clear]))
    assert np.abs(step[clear]) == pytest.approx(1e-3, rel=1e-3)


def test_mlp_learns_the_digits():
    X, y = kt.data.load_digits()
    Y = np.eye(10)[y]
    m = mlkl.MLPClassifier((64, 32, 10), seed=0).fit(X[:1000], Y[:1000], steps=200)
    assert np.mean(m.predict_proba(X[1000:]).argmax(axis=1) == y[1000:]) > 0.9
    assert m.n_params == 64 * 32 + 32 + 32 * 10 + 10
    with pytest.raises(ValueError, match="X must have shape"):
        m.logits(X[:, :10])
    with pytest.raises(ValueError, match="targets sums to"):
        m.fit(X[:5], Y[:5] * 2, steps=1)


def _numeric_gradient(m, X, y, T, wd, eps=1e-6):
    theta = m._flat.copy()
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        for sign in (1, -1):
            m._flat[...] = theta
            m._flat[i] += sign * eps
            grad[i] += sign * m.objective(X, y, temperature=T, weight_decay=wd)[0]
    m._flat[...] = theta
    return grad / (2 * eps)


@pytest.mark.parametrize("sizes", [(4, 3), (4, 5, 3), (4, 5, 6, 3)])
def test_mlp_objective_is_the_loss_and_its_gradient(sizes):
    """objective() is T^2 mean H(y, softmax(z / T)) + weight_decay / 2 |W|^2,
    computed directly, with the gradient of central finite differences."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(20, 4))
    y = rng.dirichlet(np.ones(3), size=20)
    m = mlkl.MLPClassifier(sizes, seed=0)
    for b in m.biases:  # zero biases put a unit on its kink for some inputs
        b[...] = rng.normal(0.0, 0.5, b.shape)
    for T, wd in [(1.0, 0.0), (2.0, 0.1)]:
        value, grad = m.objective(X, y, temperature=T, weight_decay=wd)
        ce = kt.cross_entropy(y, m.predict_proba(X, T), base=math.e)
        weights = sum(float(np.sum(w**2)) for w in m.weights)
        assert value == pytest.approx(T**2 * np.mean(ce) + wd / 2 * weights, rel=1e-12)
        assert grad == pytest.approx(_numeric_gradient(m, X, y, T, wd), abs=1e-8)
    # Adam's first step goes against that same gradient
    theta = m._flat.copy()
    _, grad = m.objective(X, y, temperature=2.0, weight_decay=0.1)
    m.fit(X, y, temperature=2.0, weight_decay=0.1, steps=1, learning_rate=1e-3)
    clear = np.abs(grad) > 1e-4
    assert np.array_equal(np.sign(m._flat - theta)[clear], -np.sign(grad[clear]))


@pytest.mark.parametrize("x0", [[-1.2, 1.0], [-0.5] * 10])
def test_lbfgs_finds_the_minimum_of_the_rosenbrock_function(x0):
    """The optimiser behind fit_lbfgs, on the classic curved valley
    (scipy's rosen): the minimum is at (1, ..., 1), where the function is 0."""
    from scipy.optimize import rosen, rosen_der

    calls = []

    def stop(x, f):
        calls.append(f)
        return f < 1e-20

    x, message, converged = mlkl._lbfgs(
        lambda x: (rosen(x), rosen_der(x)), np.array(x0), stop, 10_000
    )
    assert converged and message == "the stopping rule held"
    assert x == pytest.approx(np.ones(len(x0)), abs=1e-9)
    assert np.all(np.diff(calls) <= 0)  # every step goes down
    x, message, converged = mlkl._lbfgs(
        lambda x: (rosen(x), rosen_der(x)), np.array(x0), lambda x, f: False, 20
    )
    assert not converged and message == "20 iterations, the most allowed"
    at_min = mlkl._lbfgs(lambda x: (rosen(x), rosen_der(x)), np.ones(3), stop, 5)
    assert at_min[1:] == ("the gradient is zero", True)


def test_fit_lbfgs_reaches_the_optimum_of_a_convex_problem():
    """Logistic regression with weight decay is convex, strictly in the
    weights: fit_lbfgs (on centred inputs) lands on the minimum that scipy
    finds on the raw ones."""
    X, y = kt.data.load_digits()
    X, Y = X[:300], np.eye(10)[y[:300]]
    m = mlkl.MLPClassifier((64, 10), seed=0)
    probe = mlkl.MLPClassifier((64, 10), seed=0)

    def f(theta):
        probe._flat[...] = theta
        return probe.objective(X, Y, weight_decay=1e-2)

    best = minimize(
        f,
        m._flat.copy(),
        jac=True,
        method="L-BFGS-B",
        options={"gtol": 1e-12, "ftol": 0.0, "maxiter": 20_000},
    )
    m.fit_lbfgs(X, Y, weight_decay=1e-2)
    r = m.report
    assert r.converged and r.floor == 0.0
    assert r.objective == pytest.approx(best.fun, rel=1e-9)
    probe._flat[...] = best.x  # the same weights; biases up to a constant
    assert m.weights[0] == pytest.approx(probe.weights[0], abs=1e-5)
    assert m.predict_proba(X) == pytest.approx(probe.predict_proba(X), abs=1e-6)
    assert r.grad_max < 1e-6


def test_fit_lbfgs_stops_by_its_rule_and_is_converged():
    """A student stopped by the default rule (100 iterations lower the
    objective's reducible part by at most 0.1%) is hardly changed by training
    on to a rule a hundred times stricter."""
    X, y = kt.data.load_digits()
    Y = np.eye(10)[y]
    tr, te = slice(0, 500), slice(500, None)
    m = mlkl.MLPClassifier((64, 8, 10), seed=1).fit_lbfgs(
        X[tr], Y[tr], weight_decay=1e-3
    )
    r = m.report
    assert r.converged and r.message == "the stopping rule held"
    assert r.iterations >= 100 and 0 <= r.decrease <= 1e-3
    value, grad = m.objective(X[tr], Y[tr], weight_decay=1e-3)
    assert r.objective == pytest.approx(value, rel=1e-12)  # of the raw inputs
    assert r.grad_max == pytest.approx(np.abs(grad).max(), rel=1e-12)

    def held_out_ce(net):
        p = net.predict_proba(X[te])
        return float(np.mean(-np.log(p[np.arange(len(p)), y[te]])))

    before = held_out_ce(m)
    m.fit_lbfgs(X[tr], Y[tr], weight_decay=1e-3, rtol=1e-5)
    assert m.report.converged and m.report.decrease <= 1e-5
    assert 0 < r.objective - m.report.objective < 0.02 * r.objective
    assert abs(held_out_ce(m) - before) < 0.01

    # soft targets: the floor is T^2 times their mean entropy
    soft = mlkl.softmax(np.log(Y[tr] + 0.05), 1.0)
    s = mlkl.MLPClassifier((64, 8, 10), seed=1).fit_lbfgs(
        X[tr], soft, temperature=2.0, weight_decay=1e-3
    )
    assert s.report.floor == pytest.approx(
        4.0 * np.mean(kt.entropy(soft, base=math.e)), rel=1e-12
    )
    assert s.report.converged and s.report.decrease <= 1e-3
    assert s.report.objective > s.report.floor


def test_fit_lbfgs_stops_at_the_first_iteration_its_rule_holds():
    """The rule of the docstring, rebuilt from fits cut short: L-BFGS from the
    same weights takes the same steps, so a fit allowed n iterations ends where
    the full one was after n. With e_n the objective minus the floor after n
    iterations, the fit stops at the first k >= window with
    e_{k - window} - e_k <= rtol e_k, and reports that fall over e_k."""
    X, y = kt.data.load_digits()
    soft = mlkl.softmax(np.log(np.eye(10)[y[:200]] + 0.05), 1.0)
    window, rtol = 20, 1e-2

    def fit(net=None, **kwargs):
        net = net or mlkl.MLPClassifier((64, 8, 10), seed=3)
        net.fit_lbfgs(
            X[:200],
            soft,
            temperature=2.0,
            weight_decay=1e-3,
            rtol=rtol,
            window=window,
            **kwargs,
        )
        return net.report

    r = fit()
    k = r.iterations
    assert r.converged and r.message == "the stopping rule held" and k > window + 1
    e = {
        n: fit(max_iter=n).objective - r.floor
        for n in (k - window, k - 1 - window, k - 1)
    }
    e[k] = r.objective - r.floor
    assert min(e.values()) > 0
    assert r.decrease == pytest.approx((e[k - window] - e[k]) / e[k], rel=1e-6)
    assert r.decrease <= rtol  # the rule holds at k ...
    assert e[k - 1 - window] - e[k - 1] > rtol * e[k - 1]  # ... and not at k - 1
    short = fit(max_iter=k - 1)
    assert not short.converged and short.iterations == k - 1
    # restarted where it stopped, the rule holds as soon as it is checked
    net = mlkl.MLPClassifier((64, 8, 10), seed=3)
    fit(net)
    again = fit(net)
    assert again.message == "the stopping rule held" and again.iterations == window


def test_fit_lbfgs_reports_a_fit_cut_short_and_refuses_bad_input():
    X, y = kt.data.load_digits()
    X, Y = X[:100], np.eye(10)[y[:100]]
    m = mlkl.MLPClassifier((64, 8, 10), seed=0)
    assert m.report is None
    m.fit_lbfgs(X, Y, max_iter=5)
    assert not m.report.converged and m.report.iterations == 5
    assert m.report.message == "5 iterations, the most allowed"
    for bad, match in [
        ({"rtol": 0.0}, "rtol must be > 0"),
        ({"window": 0}, "window must be"),
        ({"max_iter": 0}, "max_iter must be"),
        ({"weight_decay": -1.0}, "weight_decay must be >= 0"),
    ]:
        with pytest.raises(ValueError, match=match):
            m.fit_lbfgs(X, Y, **bad)
    with pytest.raises(ValueError, match="targets must have shape"):
        m.fit_lbfgs(X, np.full((100, 5), 0.2))


# --- KL-regularised policies --------------------------------------------------------


def _brute_force(reward, reference, beta):
    """Maximise E[r] - beta D(pi || ref) over softmax logits with scipy."""
    support = np.flatnonzero(np.asarray(reference) > 0)
    r, ref = np.asarray(reward)[support], np.asarray(reference)[support]

    def minus_objective(theta):
        pi = mlkl.softmax(theta)
        return -(pi @ r - beta * kt.kl_divergence(pi, ref, base=math.e))

    best = minimize(minus_objective, np.zeros(support.size), method="BFGS", tol=1e-12)
    out = np.zeros(len(reference))
    out[support] = mlkl.softmax(best.x)
    return out, -best.fun


@pytest.mark.parametrize("seed", range(8))
def test_optimum_matches_brute_force_optimisation(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 7))
    reward = rng.uniform(-1, 1, size=n)
    reference = rng.dirichlet(np.ones(n))
    if seed % 2:
        reference[0] = 0.0
        reference /= reference.sum()
    beta = float(rng.choice([0.2, 1.0, 3.0]))
    pi = mlkl.kl_regularized_policy(reward, reference, beta)
    brute, brute_value = _brute_force(reward, reference, beta)
    assert pi == pytest.approx(brute, abs=1e-5)
    value = mlkl.policy_value(reward, reference, beta)
    assert value == pytest.approx(brute_value, abs=1e-9)
    assert mlkl.policy_objective(pi, reward, reference, beta) == pytest.approx(value)
    # the value exceeds the objective of any other policy by beta D(pi || pi*)
    for _ in range(5):
        other = rng.dirichlet(np.ones(n)) * (reference > 0)
        other /= other.sum()
        gap = value - mlkl.policy_objective(other, reward, reference, beta)
        assert gap == pytest.approx(beta * kt.kl_divergence(other, pi, base=math.e))


def test_optimum_is_a_boltzmann_distribution():
    rng = np.random.default_rng(4)
    reward, reference = rng.normal(size=6), rng.dirichlet(np.ones(6))
    for beta in (0.1, 1.0, 10.0):
        pi = mlkl.kl_regularized_policy(reward, reference, beta)
        energies = -reward - beta * np.log(reference)
        assert pi == pytest.approx(kt.boltzmann(energies, beta), rel=1e-10)
        assert mlkl.kl_regularized_policy(reward, np.full(6, 1 / 6), beta) == (
            pytest.approx(kt.boltzmann(-reward, beta), rel=1e-10)
        )
        # free energy with these energies is minus the objective; least at pi
        f = kt.free_energy(pi, energies, beta)
        assert f == pytest.approx(-mlkl.policy_value(reward, reference, beta))


def test_limits_of_beta():
    reward, reference = [0.0, 0.5, 1.0], [0.5, 0.3, 0.2]
    assert mlkl.policy_value(reward, reference, 1e6) == pytest.approx(0.35, abs=1e-6)
    assert mlkl.policy_value(reward, reference, 1e-4) == pytest.approx(1.0, abs=1e-3)
    assert mlkl.kl_regularized_policy(reward, reference, 1e-300).tolist() == [0, 0, 1]
    assert mlkl.kl_regularized_policy(reward, reference, 1e300) == pytest.approx(
        reference
    )


def test_frontier_is_monotone_with_slope_beta():
    rng = np.random.default_rng(5)
    reward, reference = rng.uniform(-1, 1, 5), rng.dirichlet(np.ones(5))
    betas = np.logspace(1.5, -1.5, 60)  # falling beta: more reward, more divergence
    f = mlkl.policy_frontier(reward, reference, betas)
    assert (np.diff(f.expected_reward) > 0).all() and (np.diff(f.kl) > 0).all()
    assert f.value == pytest.approx(f.expected_reward - f.beta * f.kl, abs=1e-12)
    slope = np.diff(f.expected_reward) / np.diff(f.kl)
    between = np.sqrt(betas[1:] * betas[:-1])
    assert slope == pytest.approx(between, rel=0.01)
    for b, pi in zip(betas, f.policies, strict=True):
        assert pi == pytest.approx(mlkl.kl_regularized_policy(reward, reference, b))


def test_frontier_dominates_every_policy():
    """No policy has more reward at no more divergence than pi*_beta."""
    rng = np.random.default_rng(6)
    reward, reference = rng.uniform(-1, 1, 4), rng.dirichlet(np.ones(4))
    f = mlkl.policy_frontier(reward, reference, [0.3])
    others = rng.dirichlet(np.ones(4) * 0.5, size=20_000)
    kl = kt.kl_divergence(others, reference, base=math.e)
    inside = kl <= f.kl[0]
    assert inside.any()
    assert (others[inside] @ reward <= f.expected_reward[0] + 1e-12).all()


def test_policy_refuses_bad_input():
    with pytest.raises(ValueError, match="beta must be > 0"):
        mlkl.kl_regularized_policy([0, 1], [0.5, 0.5], 0.0)
    with pytest.raises(ValueError, match="one entry per response"):
        mlkl.kl_regularized_policy([0, 1, 2], [0.5, 0.5], 1.0)
    with pytest.raises(ValueError, match=r"reference sums to 1\.1"):
        mlkl.policy_value([0, 1], [0.5, 0.6], 1.0)
    with pytest.raises(ValueError, match="reward contains NaN"):
        mlkl.policy_value([0, math.nan], [0.5, 0.5], 1.0)


def test_softmax_fisher_is_the_hessian_of_the_divergence():
    rng = np.random.default_rng(7)
    theta = rng.normal(size=4)
    pi = mlkl.softmax(theta)
    F = mlkl.softmax_fisher(pi)
    eps = 1e-4
    H = np.zeros((4, 4))
    for i in range(4):
        for j in range(4):
            di, dj = np.eye(4)[i] * eps, np.eye(4)[j] * eps

            def d(step):
                return kt.kl_divergence(pi, mlkl.softmax(theta + step), base=math.e)

            H[i, j] = (d(di + dj) - d(di - dj) - d(dj - di) + d(-di - dj)) / (
                4 * eps**2
            )
    assert F == pytest.approx(H, abs=1e-5)
    # the natural gradient of the expected reward is the reward, up to a constant
    r = rng.normal(size=4)
    grad = pi * (r - pi @ r)
    assert F @ r == pytest.approx(grad)


# --- the explorable ----------------------------------------------------------------


def test_kl_policy_explorable_numbers():
    w = explore.kl_policy()
    q = w.quantities()
    pi = mlkl.kl_regularized_policy(w.params["reward"], w.params["reference"], 0.3)
    assert [q[f"pi{i}"] for i in range(5)] == pi.tolist()
    assert q["value"] == pytest.approx(q["expected_reward"] - 0.3 * q["kl"])
    assert q["greedy_kl"] == pytest.approx(math.log(20))  # best response has 1/20
    w.values = {"reference": [0.5, 0.25, 0.25, 0.0, 0.0]}
    q = w.quantities()
    assert q["greedy_kl"] == math.inf and q["pi4"] == 0.0
    with pytest.raises(ValueError, match=r"beta must be in \[0.01, 100.0\]"):
        explore.kl_policy(beta=1000)
    with pytest.raises(ValueError, match=r"reward must be in \[-1.0, 1.0\]"):
        explore.kl_policy(reward=(0, 0, 0, 0, 2))
    with pytest.raises(ValueError, match="labels must name the 5 responses"):
        explore.kl_policy(labels=["a"])


# --- softmax regression (chapter 03) ---------------------------------------------


def _soft_problem(rng, n=60, k=3):
    X = np.hstack([rng.normal(size=(n, 2)), np.ones((n, 1))])
    labels = rng.dirichlet(np.ones(k), size=n)  # soft labels: a finite optimum
    return X, labels


def _mean_ce(X, labels, w):
    """The loss of weights ``w`` (F, K), computed independently of mlkl."""
    z = X @ w
    logq = z - z.max(axis=1, keepdims=True)
    logq -= np.log(np.exp(logq).sum(axis=1, keepdims=True))
    return float(-(labels * logq).sum(axis=1).mean())


def test_softmax_regression_reaches_the_optimum_found_by_scipy(rng):
    X, labels = _soft_problem(rng)
    fit = mlkl.fit_softmax_regression(
        X, labels, steps=20_000, rate=1.0, record=[20_000]
    )
    best = minimize(
        lambda w: _mean_ce(X, labels, w.reshape(3, 3)),
        np.zeros(9),
        method="BFGS",
        options={"gtol": 1e-12},
    )
    assert fit.losses[0] == pytest.approx(best.fun, abs=1e-9)
    assert _mean_ce(X, labels, fit.weights) == pytest.approx(best.fun, abs=1e-9)
    # the optimum's loss is the labels' entropy plus the divergence left over
    h = kt.entropy(labels, base=math.e).mean()
    d = kt.kl_divergence(labels, fit.probs, base=math.e).mean()
    assert h + d == pytest.approx(_mean_ce(X, labels, fit.weights), rel=1e-12)


def test_softmax_regression_records_the_loss_before_each_step(rng):
    X, labels = _soft_problem(rng)
    record = [1, 2, 7, 50]
    fit = mlkl.fit_softmax_regression(X, labels, steps=50, rate=0.5, record=record)
    assert fit.losses[0] == pytest.approx(math.log(3))  # W = 0: uniform predictions
    for r, loss in zip(record[1:], fit.losses[1:], strict=True):
        before = mlkl.fit_softmax_regression(X, labels, steps=r - 1, rate=0.5)
        assert loss == pytest.approx(_mean_ce(X, labels, before.weights), rel=1e-12)
    assert np.all(np.diff(fit.losses) < 0)  # a convex loss, a small enough step


def test_softmax_regression_trains_label_sets_independently(rng):
    X, labels = _soft_problem(rng)
    other = np.eye(3)[rng.integers(0, 3, len(X))]
    both = mlkl.fit_softmax_regression(
        X, np.stack([labels, other], axis=1), steps=300, record=[1, 300]
    )
    assert both.probs.shape == (len(X), 2, 3) and both.losses.shape == (2, 2)
    for j, lab in enumerate([labels, other]):
        one = mlkl.fit_softmax_regression(X, lab, steps=300, record=[1, 300])
        np.testing.assert_allclose(both.probs[:, j], one.probs, rtol=1e-12)
        np.testing.assert_allclose(both.losses[:, j], one.losses, rtol=1e-12)


def test_softmax_regression_refuses_bad_input(rng):
    X, labels = _soft_problem(rng)
    with pytest.raises(ValueError, match="features must be 2-D"):
        mlkl.fit_softmax_regression(X[:, 0], labels)
    with pytest.raises(ValueError, match="labels must have shape"):
        mlkl.fit_softmax_regression(X, labels[:-1])
    with pytest.raises(ValueError, match="labels sums to"):
        mlkl.fit_softmax_regression(X, 2 * labels)
    with pytest.raises(ValueError, match="steps must be >= 1"):
        mlkl.fit_softmax_regression(X, labels, steps=0)
    with pytest.raises(ValueError, match="rate must be > 0"):
        mlkl.fit_softmax_regression(X, labels, rate=0.0)
    with pytest.raises(ValueError, match="record holds step 11"):
        mlkl.fit_softmax_regression(X, labels, steps=10, record=[11])
