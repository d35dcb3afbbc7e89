"""The seed's worked example: f(x; w, b) = 1/(exp(-(w*x + b)) + 1) at x = 1, w = 0, b = 0."""

import symdiff

x, w, b = symdiff.symbols("x w b")
f = 1 / (symdiff.exp(-(w * x + b)) + 1)
at = {x: 1.0, w: 0.0, b: 0.0}

df_dw, df_db = symdiff.grad(f, [w, b])
print("f        =", f)
print("df/dw    =", symdiff.diff(f, w))
print("f(1,0,0) =", f.evaluate(at))
print("gradient =", (df_dw.evaluate(at), df_db.evaluate(at)))
print("three-address form (the seed's h1..h6):")
print(symdiff.cse(f, three_address=True))
