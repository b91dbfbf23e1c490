#!/usr/bin/python3
"""Writes src/engine/ziggurat_tables.hpp: the layer tables of the ziggurat
samplers in src/engine/random.hpp (Marsaglia & Tsang 2000, 256 layers), for
the standard normal and the standard exponential.

    python3 tools/ziggurat_tables.py > src/engine/ziggurat_tables.hpp

The layers are computed in 60-digit arithmetic (mpmath) and rounded once to
double, so the header is the same whatever machine made it; the engine never
computes them, so its draws do not depend on the platform's libm.

Layer i (0 <= i < 256) is the rectangle [0, x[i]] x [f(x[i]), f(x[i+1])],
with x[1] = r > x[2] > ... > x[256] = 0; layer 0 is the base strip
[0, x[0]] x [0, f(r)], x[0] = v / f(r), which holds the tail beyond r. Every
layer has area v. A 32-bit word gives the layer (its low 8 bits), for the
normal a sign (bit 8), and a fixed-point position m in the layer (the other
23 or 24 bits): x = (m + 1/2) * scale[j]. Positions with m < keep[i] lie
below the curve's lowest point in the layer (x < x[i+1]) and are returned at
once; the rest (about 1.2 % of normals and 1.1 % of exponentials) go to the
wedge test or the tail.
"""
import sys

import mpmath as mp

mp.mp.dps = 60
LAYERS = 256


def layers(f, f_inverse, tail_area, r):
    """x[0..256] for a given r, and the top layer's excess area (0 at the right r)."""
    v = r * f(r) + tail_area(r)
    x = [v / f(r), r]
    for _ in range(2, LAYERS):
        y = f(x[-1]) + v / x[-1]
        if y >= 1:
            return None, v, mp.mpf(1)  # r too small: the layers reach the top early
        x.append(f_inverse(y))
    excess = x[-1] * (1 - f(x[-1])) - v  # the top layer [0, x[255]] x [f(x[255]), 1]
    x.append(mp.mpf(0))
    return x, v, excess


def solve(f, f_inverse, tail_area, low, high):
    for _ in range(200):
        middle = (low + high) / 2
        x, _, excess = layers(f, f_inverse, tail_area, middle)
        if x is None or excess < 0:
            low = middle  # the layers (of area v) are too big: r must grow, v shrink
        else:
            high = middle  # the top layer is left too big: r must shrink
    r = (low + high) / 2
    x, v, excess = layers(f, f_inverse, tail_area, r)
    assert x is not None and abs(excess) < mp.mpf(10) ** -40, excess
    return r, v, x


def keep_counts(scale_bits, x_double):
    """keep[i]: the number of m in [0, 2^bits) with (m + 0.5) * scale[i] < x[i+1], in double arithmetic."""
    keep = []
    for i in range(LAYERS):
        scale = float(mp.mpf(x_double[i]) * mp.mpf(2) ** -scale_bits)
        target = x_double[i + 1]
        low, high = 0, 2 ** scale_bits  # the answer is in [low, high]
        while low < high:
            middle = (low + high) // 2
            if (middle + 0.5) * scale < target:
                low = middle + 1
            else:
                high = middle
        keep.append(low)
    return keep


def hexfloat(value):
    return float(value).hex()


def emit(name, comment, r, v, x, f, bits, signed):
    xd = [float(value) for value in x]
    fd = [float(f(value)) for value in x]
    fd[0] = 0.0  # the base strip starts at 0
    keep = keep_counts(bits, xd)
    print(f"// {comment}")
    print(f"namespace {name} {{")
    print(f"inline constexpr double r = {hexfloat(r)};  // {mp.nstr(r, 20)}")
    print(f"inline constexpr double v = {hexfloat(v)};  // {mp.nstr(v, 20)}: every layer's area")
    print(f"inline constexpr int position_bits = {bits};")
    if signed:
        print("// (m + 1/2) * scale[j] for j = layer + 256 * sign: x[layer] * 2^-23, negated for sign 1.")
        print("inline constexpr Layer layer[512] = {")
        for j in range(2 * LAYERS):
            i = j % LAYERS
            scale = float(mp.mpf(xd[i]) * mp.mpf(2) ** -bits) * (-1.0 if j >= LAYERS else 1.0)
            print(f"    {{{hexfloat(scale)}, {keep[i]}u}},")
    else:
        print("// (m + 1/2) * scale[layer]: x[layer] * 2^-24.")
        print("inline constexpr Layer layer[256] = {")
        for i in range(LAYERS):
            scale = float(mp.mpf(xd[i]) * mp.mpf(2) ** -bits)
            print(f"    {{{hexfloat(scale)}, {keep[i]}u}},")
    print("};")
    print("// x[i], the layers' right edges (x[0] = v / f(r), x[1] = r, x[256] = 0).")
    print("inline constexpr double x[257] = {")
    for i in range(0, LAYERS + 1, 4):
        print("    " + " ".join(hexfloat(value) + "," for value in xd[i:i + 4]))
    print("};")
    print("// f(x[i]) (f(x[0]) taken as 0: the base strip starts at the axis).")
    print("inline constexpr double f[257] = {")
    for i in range(0, LAYERS + 1, 4):
        print("    " + " ".join(hexfloat(value) + "," for value in fd[i:i + 4]))
    print("};")
    print(f"}}  // namespace {name}")
    print()


def main():
    normal_f = lambda t: mp.exp(-t * t / 2)
    normal_inverse = lambda y: mp.sqrt(-2 * mp.log(y))
    normal_tail = lambda t: mp.sqrt(mp.pi / 2) * mp.erfc(t / mp.sqrt(2))
    exp_f = lambda t: mp.exp(-t)
    exp_inverse = lambda y: -mp.log(y)
    exp_tail = lambda t: mp.exp(-t)
    nr, nv, nx = solve(normal_f, normal_inverse, normal_tail, mp.mpf(3), mp.mpf(4))
    er, ev, ex = solve(exp_f, exp_inverse, exp_tail, mp.mpf(7), mp.mpf(8.5))

    print("#pragma once")
    print("// Generated by tools/ziggurat_tables.py: do not edit. The ziggurat layers of")
    print("// DrawStream::normal() and DrawStream::exponential() (src/engine/random.hpp).")
    print("#include <cstdint>")
    print()
    print("namespace journeysim::engine::ziggurat {")
    print()
    print("struct Layer {")
    print("  double scale;       // x of the layer's right edge, times 2^-position_bits (and the sign)")
    print("  std::uint32_t keep; // positions m < keep are under the curve everywhere: returned at once")
    print("};")
    print()
    emit("normal", "Standard normal, f(x) = exp(-x^2/2) on x >= 0, with a sign bit.", nr, nv, nx, normal_f, 23, True)
    emit("exponential", "Standard exponential, f(x) = exp(-x).", er, ev, ex, exp_f, 24, False)
    print("}  // namespace journeysim::engine::ziggurat")


if __name__ == "__main__":
    sys.exit(main())
