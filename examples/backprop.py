"""Backpropagation as the seed explains it, on a two-layer network y = c·σ(W₂σ(W₁x + b₁) + b₂).

For a weight w feeding the pre-activation z of some unit, ∂C/∂w = ∂z/∂w · ∂C/∂z: the first
factor is the input that w multiplies (known after the forward pass), the second is computed
from the output layer backwards, one layer at a time (the backward pass):

    ∂C/∂y   = 2(y − t)                              (C = (y − t)²)
    ∂C/∂z₂ₖ = σ′(z₂ₖ) · cₖ · ∂C/∂y                   (output layer)
    ∂C/∂z₁ᵢ = σ′(z₁ᵢ) · Σₖ W₂ₖᵢ · ∂C/∂z₂ₖ             (hidden layer)

This script builds the network as a symdiff expression, takes the gradient of the loss with
respect to every weight three ways — symbolic reverse mode (``symdiff.grad``), numeric
reverse-mode AD (``symdiff.ad.gradient``) and central differences
(``symdiff.numeric.gradient``) — checks they agree, and prints the layer-by-layer adjoints
∂C/∂z read off the numeric reverse sweep (``symdiff.ad.adjoints``) next to the formulas above.

    python examples/backprop.py [--trace]
"""

from __future__ import annotations

import argparse
import math
import sys

import symdiff
from symdiff import ad, numeric

X = (0.5, -1.0)         # the input
TARGET = 0.25           # the desired output
N_IN, N_HIDDEN, N_OUT = len(X), 3, 2


def build() -> tuple[symdiff.Expr, dict, dict]:
    """The loss C, the layers' nodes (z₁, a₁, z₂, a₂, y) and the parameter symbols."""
    W1 = [[symdiff.Symbol(f"W1_{i}{j}") for j in range(N_IN)] for i in range(N_HIDDEN)]
    b1 = [symdiff.Symbol(f"b1_{i}") for i in range(N_HIDDEN)]
    W2 = [[symdiff.Symbol(f"W2_{k}{i}") for i in range(N_HIDDEN)] for k in range(N_OUT)]
    b2 = [symdiff.Symbol(f"b2_{k}") for k in range(N_OUT)]
    c = [symdiff.Symbol(f"c_{k}") for k in range(N_OUT)]
    z1 = [sum((W1[i][j] * X[j] for j in range(N_IN)), b1[i]) for i in range(N_HIDDEN)]
    a1 = [symdiff.sigmoid(z) for z in z1]
    z2 = [sum((W2[k][i] * a1[i] for i in range(N_HIDDEN)), b2[k]) for k in range(N_OUT)]
    a2 = [symdiff.sigmoid(z) for z in z2]
    y = sum((c[k] * a2[k] for k in range(1, N_OUT)), c[0] * a2[0])
    loss = (y - TARGET) ** 2
    layers = {"z1": z1, "a1": a1, "z2": z2, "a2": a2, "y": y}
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "c": c}
    return loss, layers, params


def num(v: float, spec: str = ".4f") -> str:
    """A factor in a printed product: negative numbers in parentheses."""
    text = format(v, spec)
    return f"({text})" if v < 0 else text


def flat(params: dict) -> list[symdiff.Symbol]:
    out = []
    for value in params.values():
        for item in value:
            out.extend(item if isinstance(item, list) else [item])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trace", action="store_true", help="print the whole reverse sweep")
    parser.add_argument("--quick", action="store_true", help="(accepted; the run is quick)")
    args = parser.parse_args(argv)

    loss, layers, params = build()
    weights = flat(params)
    # Deterministic, not-too-symmetric starting values.
    at = {p: round(0.7 * math.sin(1.3 * k + 0.4), 3) for k, p in enumerate(weights)}
    print(f"Two-layer network, input x = {X}, target t = {TARGET}: "
          f"{len(weights)} weights, loss C = (y − t)²")
    print(f"C has {symdiff.dag_size(loss)} distinct nodes; C = {loss.evaluate(at):.6f}\n")

    # 1. The gradient three ways.
    symbolic = dict(zip(weights, (g.evaluate(at) for g in symdiff.grad(loss, weights)),
                        strict=True))
    reverse = ad.gradient(loss, at, wrt=weights)
    central = numeric.gradient(loss, at, wrt=weights)
    print(f"{'weight':8} {'symbolic (grad)':>20} {'reverse-mode AD':>20} "
          f"{'central diff.':>20} {'|sym − AD|':>11} {'|sym − diff|':>12}")
    worst_ad = worst_cd = 0.0
    for w in weights:
        e_ad, e_cd = abs(symbolic[w] - reverse[w]), abs(symbolic[w] - central[w])
        worst_ad, worst_cd = max(worst_ad, e_ad), max(worst_cd, e_cd)
        print(f"{w.name:8} {symbolic[w]:20.15f} {reverse[w]:20.15f} {central[w]:20.15f} "
              f"{e_ad:11.1e} {e_cd:12.1e}")
    agree = worst_ad <= 1e-14 and worst_cd <= 1e-8
    print(f"largest differences: symbolic vs AD {worst_ad:.1e}, symbolic vs central "
          f"differences {worst_cd:.1e} → {'they agree' if agree else 'MISMATCH'}\n")

    # 2. Backpropagation: adjoints ∂C/∂z layer by layer, from the reverse sweep.
    adjoint = ad.adjoints(loss, at)
    value = ad.Tape([layers["y"], *layers["z1"], *layers["z2"]]).evaluate(at)
    y, z1, z2 = value[0], value[1:1 + N_HIDDEN], value[1 + N_HIDDEN:]
    W2 = [[at[s] for s in row] for row in params["W2"]]
    c = [at[s] for s in params["c"]]

    def dsigma(z: float) -> float:
        s = 1 / (1 + math.exp(-z))
        return s * (1 - s)

    print("Backward pass (adjoints from symdiff.ad, checked against the formulas):")
    dy = 2 * (y - TARGET)
    print(f"  output   ∂C/∂y    = 2(y − t) = 2({y:.6f} − {TARGET}) = "
          f"{adjoint[layers['y']]:+.6f}")
    ok = math.isclose(adjoint[layers["y"]], dy, rel_tol=1e-12)
    dz2 = []
    for k in range(N_OUT):
        formula = dsigma(z2[k]) * c[k] * dy
        dz2.append(adjoint[layers["z2"][k]])
        ok &= math.isclose(dz2[k], formula, rel_tol=1e-12)
        print(f"  layer 2  ∂C/∂z2_{k} = σ′(z2_{k})·c_{k}·∂C/∂y = {dsigma(z2[k]):.4f}·{num(c[k])}"
              f"·{num(dy)} = {dz2[k]:+.6f}")
    for i in range(N_HIDDEN):
        formula = dsigma(z1[i]) * sum(W2[k][i] * dz2[k] for k in range(N_OUT))
        found = adjoint[layers["z1"][i]]
        ok &= math.isclose(found, formula, rel_tol=1e-12, abs_tol=1e-15)
        terms = " + ".join(f"{num(W2[k][i])}·{num(dz2[k])}" for k in range(N_OUT))
        print(f"  layer 1  ∂C/∂z1_{i} = σ′(z1_{i})·Σₖ W2_k{i}·∂C/∂z2_k = {dsigma(z1[i]):.4f}"
              f"·({terms}) = {found:+.6f}")

    print("\nEach weight's derivative = (input feeding it, from the forward pass) × ∂C/∂z:")
    a1 = [1 / (1 + math.exp(-z)) for z in z1]
    for i in range(N_HIDDEN):
        for j in range(N_IN):
            w = params["W1"][i][j]
            product = X[j] * adjoint[layers["z1"][i]]
            ok &= math.isclose(product, reverse[w], rel_tol=1e-12, abs_tol=1e-15)
            print(f"  ∂C/∂{w.name} = x_{j}·∂C/∂z1_{i} = {num(X[j], '.3f')}·"
                  f"{num(adjoint[layers['z1'][i]], '.6f')} = {product:+.6f}")
    for k in range(N_OUT):
        for i in range(N_HIDDEN):
            w = params["W2"][k][i]
            product = a1[i] * dz2[k]
            ok &= math.isclose(product, reverse[w], rel_tol=1e-12, abs_tol=1e-15)
            print(f"  ∂C/∂{w.name} = a1_{i}·∂C/∂z2_{k} = {a1[i]:.4f}·{num(dz2[k], '.6f')} = "
                  f"{product:+.6f}")
    print(f"\nbackpropagation formulas {'match' if ok else 'DO NOT MATCH'} the reverse sweep")

    if args.trace:
        print()
        print(ad.reverse_trace(loss, at))
    return 0 if agree and ok else 1


if __name__ == "__main__":
    sys.exit(main())
