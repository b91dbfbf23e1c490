#!/usr/bin/python3
"""Figures for papers from journeysim result files (HDF5), as PNG or PDF.

Give it the files that `journeysim run --out`, `compare --out` and
`sweep --out` write; it tells them apart by their `format` attribute and
draws, for each:

  run      FILE-series.png   daily series, mean across replications with a
                             95% confidence band: newly aware (by channel and
                             by word of mouth), purchases, cumulative
                             purchasers, active advocates, public rating
  compare  FILE-deltas.png   arm − baseline for each metric: a bar per arm with
                             its 95% CI as a whisker (paired CIs under common
                             random numbers); solid where the CI excludes 0
           FILE-series.png   the daily series of every arm, overlaid
           FILE-pairs.png    with --pairs: arm A − arm B for every pair of arms
  sweep    FILE-sweep.png    each metric against the swept parameter: mean with
                             its 95% CI band; a log axis where the grid is
                             geometric (log:lo:hi:n); with two or more
                             parameters, one curve per value of the others

Examples:

  build/journeysim run scenarios/ecosystem.yaml -r 5 --out run.h5
  tools/plot.py run.h5                      # writes run-series.png
  tools/plot.py cmp.h5 --format pdf -o figures/ --metrics purchasers,revenue,nps
  tools/plot.py sweep.h5 --format png,pdf   # both formats
  tools/plot.py --list cmp.h5               # what the file holds, nothing drawn

Needs python3 with h5py and matplotlib (Debian: python3-h5py and
python3-matplotlib; `bash tools/setup.sh --plots` installs them). The 95%
intervals of run series are Student-t intervals across replications, as
journeysim's own tables use; compare and sweep intervals are read from the
file, not recomputed.
"""

import argparse
import math
import os
import sys

h5py = np = plt = FuncFormatter = None  # imported by load_modules(), so that --help works without them


def load_modules():
    global h5py, np, plt, FuncFormatter
    try:
        import h5py as h5py_module
        import numpy as numpy_module
        import matplotlib

        matplotlib.use("Agg")  # files only, no display needed
        matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text in SVG and PDF: editable, searchable
        matplotlib.rcParams["pdf.fonttype"] = 42
        import matplotlib.pyplot as pyplot
        from matplotlib.ticker import FuncFormatter as formatter
    except ImportError as error:
        sys.stderr.write(
            f"plot.py: the Python module {error.name or error} is missing: install python3-h5py and "
            "python3-matplotlib (bash tools/setup.sh --plots, or apt-get install python3-h5py "
            "python3-matplotlib), and run this script with /usr/bin/python3\n")
        sys.exit(EXIT_NO_MODULES)
    h5py, np, plt, FuncFormatter = h5py_module, numpy_module, pyplot, formatter


# Okabe–Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
DEFAULT_METRICS = ["purchasers", "conversion_rate", "revenue", "profit", "nps", "cac", "advocates",
                   "public_rating"]
EXIT_BAD_INPUT = 2
EXIT_NO_MODULES = 3


class BadInput(Exception):
    """A problem the user can fix: a missing file, a file that is not journeysim's, a bad option."""


# ---- statistics -------------------------------------------------------------------------

# t quantile 0.975 for 1..30 degrees of freedom; beyond, the Cornish–Fisher expansion.
_T975 = [12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
         2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
         2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423]


def t975(df):
    if df < 1:
        return float("nan")
    if df <= len(_T975):
        return _T975[df - 1]
    z = 1.959963984540054
    return (z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3))


def mean_and_band(values):
    """values [replication, day] -> mean, low, high per day (Student-t 95%; no band for 1 replication)."""
    values = np.asarray(values, dtype=float)
    mean = values.mean(axis=0)
    r = values.shape[0]
    if r < 2:
        return mean, None, None
    half = t975(r - 1) * values.std(axis=0, ddof=1) / math.sqrt(r)
    return mean, np.maximum(mean - half, 0.0), mean + half  # every series is a count or a rating: >= 0


# ---- reading ----------------------------------------------------------------------------

def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


def texts(values):
    return [text(v) for v in np.atleast_1d(values)]


def attr(obj, name, default=None):
    return obj.attrs[name] if name in obj.attrs else default


def open_result(path):
    if not os.path.exists(path):
        raise BadInput(f"{path}: no such file")
    try:
        h5 = h5py.File(path, "r")
    except OSError as error:
        raise BadInput(f"{path}: not an HDF5 file that can be read ({error})")
    kind = text(attr(h5, "format", ""))
    if not kind.startswith("journeysim-"):
        h5.close()
        raise BadInput(f"{path}: not a journeysim result file (no format attribute journeysim-run/…, "
                       "journeysim-compare/… or journeysim-sweep/…)")
    return h5, kind.split("/")[0][len("journeysim-"):]


def display(unit):
    """Scale factor and axis unit for a metric's display_unit."""
    if unit == "%":
        return 100.0, "%"
    return 1.0, {"count": "count", "money": "money", "days": "days", "score": "NPS, −100 to 100", "": "0 to 1",
                 "1": "0 to 1", "fraction": "fraction"}.get(unit, unit)


def metric_info(group, key):
    """(label, display unit) of a metric from a /summary or /metrics dataset's attributes."""
    if key not in group:
        return key, ""
    d = group[key]
    return text(attr(d, "label", key)), text(attr(d, "display_unit", attr(d, "unit", "")))


# ---- drawing helpers --------------------------------------------------------------------

def thousands(value, _pos=None):
    if abs(value) >= 1e6:
        shown = f"{value / 1e6:g}M"
    elif abs(value) >= 1e4:
        shown = f"{value / 1e3:g}k"
    else:
        shown = f"{value:g}"
    return shown.replace("-", "\u2212")  # a typographic minus, as matplotlib's own ticks


def grid(n, width=4.2, height=3.0, columns=None):
    columns = columns or min(n, 3)
    rows = max(1, math.ceil(n / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(width * columns, height * rows), squeeze=False)
    flat = list(axes.flat)
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def style(ax):
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def save(fig, stem, formats, written):
    fig.tight_layout()
    for fmt in formats:
        path = f"{stem}.{fmt}"
        fig.savefig(path, dpi=150 if fmt == "png" else None, metadata=None if fmt != "png" else {"Software": None})
        written.append(path)
    plt.close(fig)


def band(ax, x, mean, low, high, colour, label, dashes="-"):
    ax.plot(x, mean, color=colour, linewidth=1.4, label=label, linestyle=dashes)
    if low is not None:
        ax.fill_between(x, low, high, color=colour, alpha=0.22, linewidth=0)


# ---- run and compare: daily series ------------------------------------------------------

def series_panels(run, brief=False):
    """The daily series of a run group: [(title, y label, [(label, values [rep, day])])].
    brief (for overlaid arms): paid channels summed, and only all purchases."""
    s = run["series"]
    panels = []
    aware = []
    if brief and "newly_aware_by_channel" in s:
        aware.append(("paid channels", s["newly_aware_by_channel"][()].sum(axis=1)))
    elif "newly_aware_by_channel" in s:
        channels = texts(s["channels"][()])
        by_channel = s["newly_aware_by_channel"][()]
        for c, name in enumerate(channels):
            aware.append((f"channel {name}", by_channel[:, c, :]))
    if "newly_aware_word_of_mouth" in s and np.any(s["newly_aware_word_of_mouth"][()]):
        aware.append(("word of mouth", s["newly_aware_word_of_mouth"][()]))
    if aware:
        panels.append(("Newly aware per day", "customers per day", aware))
    buys = [(name, s[key][()]) for key, name in (("purchases", "all purchases"),
                                                 ("new_purchasers", "first purchases"))
            if key in s and not (brief and key == "new_purchasers")]
    if buys:
        panels.append(("Purchases per day", "purchases per day", buys))
    if "purchasers_cumulative" in s:
        panels.append(("Purchasers so far", "purchasers (end of day)", [("purchasers", s["purchasers_cumulative"][()])]))
    if "active_advocates" in s and np.any(s["active_advocates"][()]):  # a scenario without advocacy: none
        panels.append(("Active advocates", "advocates (end of day)", [("active advocates", s["active_advocates"][()])]))
    if "public_rating" in s:
        rating = s["public_rating"][()].astype(float)
        if np.isfinite(rating).any():
            panels.append(("Public rating in force", "rating (0 to 1)", [("public rating", rating)]))
    return panels


def day_axis(run):
    s = run["series"]
    return s["day_end"][()] if "day_end" in s else np.arange(1, s["purchases"].shape[1] + 1)


def plot_series(runs, title, stem, formats, written):
    """runs: [(label, run group)]; one panel per series, every run (and line) overlaid."""
    layouts = [(label, run, series_panels(run, brief=len(runs) > 1)) for label, run in runs]
    titles = []
    for _, _, panels in layouts:
        for panel in panels:
            if panel[0] not in titles:
                titles.append(panel[0])
    fig, axes = grid(len(titles))
    for ax, panel_title in zip(axes, titles):
        style(ax)
        drawn = 0
        for r, (label, run, panels) in enumerate(layouts):
            x = day_axis(run)
            for p_title, ylabel, lines in panels:
                if p_title != panel_title:
                    continue
                ax.set_ylabel(ylabel)
                for l, (name, values) in enumerate(lines):
                    mean, low, high = mean_and_band(values)
                    if len(runs) == 1:  # one run: a colour per line
                        shown, colour, dashes = name, PALETTE[l % len(PALETTE)], "-"
                    else:  # arms overlaid: a colour per arm, a line style per series
                        shown = label if len(lines) == 1 else f"{label}: {name}"
                        colour, dashes = PALETTE[r % len(PALETTE)], ["-", "--", ":", "-."][l % 4]
                    band(ax, x, mean, low, high, colour, shown, dashes)
                    drawn += 1
        ax.set_title(panel_title, fontsize=10)
        ax.set_xlabel("day")
        ax.yaxis.set_major_formatter(FuncFormatter(thousands))
        if drawn > 1:
            ax.legend(fontsize=7, frameon=False)
    replications = runs[0][1]["series"]["purchases"].shape[0]
    note = (f"{replications} replications: mean and 95% CI band" if replications > 1
            else "one replication: no CI band")
    fig.suptitle(f"{title} — daily series ({note})", fontsize=11)
    save(fig, stem, formats, written)


# ---- compare: deltas with whiskers ------------------------------------------------------

def plot_deltas(groups, metrics, title, stem, formats, written, units_from):
    """groups: [(label, group with delta/<metric> [mean, lo, hi])]."""
    keys = [k for k in metrics if any(k in g["delta"] for _, g in groups)]
    if not keys:
        raise BadInput(f"{stem}: none of the metrics {', '.join(metrics)} is in the file")
    fig, axes = grid(len(keys), width=4.6, height=0.7 + 0.42 * len(groups))
    for ax, key in zip(axes, keys):
        style(ax)
        label, unit = metric_info(units_from, key)
        scale, axis_unit = display(unit)
        if axis_unit == "%":
            axis_unit = "percentage points"
        y = np.arange(len(groups))[::-1]
        for row, (arm, group) in zip(y, groups):
            if key not in group["delta"]:
                continue
            mean, low, high = (group["delta"][key][()] * scale).tolist()
            if not math.isfinite(mean):
                ax.text(0, row, "  n/a", va="center", fontsize=8)
                continue
            colour = PALETTE[list(y).index(row) % len(PALETTE)]
            significant = math.isfinite(low) and math.isfinite(high) and (low > 0 or high < 0)
            ax.barh(row, mean, color=colour, alpha=1.0 if significant else 0.35, height=0.6)
            if math.isfinite(low) and math.isfinite(high):
                ax.errorbar(mean, row, xerr=[[mean - low], [high - mean]], fmt="none", ecolor="black",
                            capsize=3, linewidth=1)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(y)
        ax.set_yticklabels([arm for arm, _ in groups], fontsize=8)
        ax.set_title(label, fontsize=10)
        ax.set_xlabel(f"Δ ({axis_unit})")
        ax.xaxis.set_major_formatter(FuncFormatter(thousands))
    fig.suptitle(f"{title} (bars: mean Δ; whiskers: 95% CI; pale: the CI includes 0)", fontsize=11)
    save(fig, stem, formats, written)


def arm_groups(h5):
    names = texts(attr(h5, "arms", []))
    groups = []
    for name in names:
        key = name.replace("/", "\u2215")  # the writer's stand-in for '/'
        if key in h5["arms"]:
            groups.append((name, h5["arms"][key]))
    return groups


# ---- sweep: curves with bands -----------------------------------------------------------

def geometric(values):
    v = np.unique(values)
    if len(v) < 3 or np.any(v <= 0):
        return False
    ratios = v[1:] / v[:-1]
    steps = np.diff(v)
    return np.allclose(ratios, ratios[0], rtol=1e-6) and not np.allclose(steps, steps[0], rtol=1e-6)


def plot_sweep(h5, metrics, logx, title, stem, formats, written):
    names = texts(attr(h5["parameters"], "names", []))
    params = np.atleast_2d(h5["parameters"][()])
    if params.shape[0] == 0 or not names:
        raise BadInput(f"{stem}: the sweep has no points")
    done = h5["done"][()].astype(bool) if "done" in h5 else np.ones(params.shape[0], dtype=bool)
    keys = [k for k in metrics if k in h5["summary"]]
    if not keys:
        raise BadInput(f"{stem}: none of the metrics {', '.join(metrics)} is in the sweep")
    x_all = params[:, 0]
    use_log = geometric(x_all) if logx is None else logx
    # Curves: one per combination of the other parameters.
    others = [tuple(row) for row in params[:, 1:]] if params.shape[1] > 1 else [()] * params.shape[0]
    combos = sorted(set(others))
    fig, axes = grid(len(keys))
    for ax, key in zip(axes, keys):
        style(ax)
        label, unit = metric_info(h5["metrics"] if "metrics" in h5 else h5["summary"], key)
        scale, axis_unit = display(unit)
        summary = h5["summary"][key][()] * scale
        for c, combo in enumerate(combos):
            rows = [i for i in range(len(x_all)) if others[i] == combo and done[i]]
            rows.sort(key=lambda i: x_all[i])
            if not rows:
                continue
            x = x_all[rows]
            mean, low, high = summary[rows, 0], summary[rows, 1], summary[rows, 2]
            has_band = np.isfinite(low).all() and np.isfinite(high).all()
            shown = ", ".join(f"{n} = {v:g}" for n, v in zip(names[1:], combo)) or None
            colour = PALETTE[c % len(PALETTE)]
            band(ax, x, mean, low if has_band else None, high if has_band else None, colour, shown)
            ax.plot(x, mean, "o", color=colour, markersize=2.5)
        if use_log:
            ax.set_xscale("log")
        ax.set_xlabel(names[0] + (" (log scale)" if use_log else ""))
        ax.set_ylabel(axis_unit, fontsize=8)
        ax.set_title(label, fontsize=10)
        ax.yaxis.set_major_formatter(FuncFormatter(thousands))
        if len(combos) > 1:
            ax.legend(fontsize=7, frameon=False)
    replications = int(attr(h5, "replications", 0))
    missing = int((~done).sum())
    fig.suptitle(f"{title} — sweep of {len(x_all)} points, {replications} replications each (mean and 95% CI band)"
                 + (f"; {missing} points not run yet" if missing else ""), fontsize=11)
    save(fig, stem, formats, written)


# ---- listing ----------------------------------------------------------------------------

def describe(path, h5, kind):
    print(f"{path}: journeysim {kind} file, version {text(attr(h5, 'version', '?'))}")
    if kind == "run":
        print(f"  scenario {text(attr(h5, 'scenario_name', '?'))}, {int(attr(h5, 'replications', 0))} replications")
        print("  metrics:", ", ".join(h5["summary"].keys()))
        print("  series:", ", ".join(k for k in h5["series"].keys() if k not in ("day", "day_start", "day_end")))
    elif kind == "compare":
        print(f"  {text(attr(h5, 'pairing', '?'))}; arms:", ", ".join(texts(attr(h5, "arms", []))))
        print("  pairs:", ", ".join(texts(attr(h5, "pairs", []))) or "none")
        first = arm_groups(h5)
        if first:
            print("  metrics:", ", ".join(first[0][1]["delta"].keys()))
    else:
        print("  parameters:", ", ".join(texts(attr(h5["parameters"], "names", []))),
              f"({h5['parameters'].shape[0]} points)")
        print("  metrics:", ", ".join(h5["summary"].keys()))


# ---- main -------------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="tools/plot.py", description=__doc__,
        epilog="Exit codes: 0 ok; 2 bad input (a file or an option); 3 h5py or matplotlib missing.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", metavar="RESULT.h5",
                        help="files from journeysim run/compare/sweep --out")
    parser.add_argument("-o", "--out-dir", default=None,
                        help="where to write the figures (default: next to each input file)")
    parser.add_argument("--format", default="png",
                        help="png, pdf, svg, or several joined by commas, e.g. png,pdf (default png)")
    parser.add_argument("--metrics", default=",".join(DEFAULT_METRICS),
                        help="metrics for compare and sweep figures, comma-separated JSON keys "
                        f"(default {','.join(DEFAULT_METRICS)}; --list shows a file's)")
    parser.add_argument("--pairs", action="store_true", help="compare files: also draw arm-vs-arm differences")
    parser.add_argument("--logx", dest="logx", action="store_true", default=None,
                        help="sweeps: log x axis (default: when the grid is geometric)")
    parser.add_argument("--linx", dest="logx", action="store_false", help="sweeps: linear x axis")
    parser.add_argument("--list", action="store_true", help="say what each file holds; draw nothing")
    args = parser.parse_args(argv)
    args.formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    bad = [f for f in args.formats if f not in ("png", "pdf", "svg")]
    if bad or not args.formats:
        parser.error(f"--format: {', '.join(bad) or 'nothing'} is not png, pdf or svg")
    args.metric_keys = [m.strip() for m in args.metrics.split(",") if m.strip()]
    return args


def plot_file(path, args, written):
    h5, kind = open_result(path)
    with h5:
        if args.list:
            describe(path, h5, kind)
            return
        base = os.path.splitext(os.path.basename(path))[0]
        folder = args.out_dir if args.out_dir is not None else (os.path.dirname(path) or ".")
        os.makedirs(folder, exist_ok=True)
        stem = os.path.join(folder, base)
        if kind == "run":
            title = text(attr(h5, "scenario_name", base))
            strategy = text(attr(h5, "strategy", ""))
            plot_series([(title, h5)], title + (f" [{strategy}]" if strategy else ""), stem + "-series",
                        args.formats, written)
        elif kind == "compare":
            arms = arm_groups(h5)
            if not arms:
                raise BadInput(f"{path}: the comparison has no arms")
            title = text(attr(h5["baseline"], "scenario_name", base))
            pairing = text(attr(h5, "pairing", ""))
            plot_deltas(arms, args.metric_keys, f"{title}: arm − baseline, {pairing}", stem + "-deltas",
                        args.formats, written, h5["baseline"]["summary"])
            runs = [(text(attr(h5["baseline"], "label", "baseline")) or "baseline", h5["baseline"])]
            runs += [(name, group) for name, group in arms]
            plot_series(runs, title, stem + "-series", args.formats, written)
            if args.pairs and "pairs" in h5 and len(h5["pairs"]):
                pairs = [(text(attr(g, "label", name)), g) for name, g in h5["pairs"].items()]
                plot_deltas(pairs, args.metric_keys, f"{title}: arm A − arm B, {pairing}", stem + "-pairs",
                            args.formats, written, h5["baseline"]["summary"])
        elif kind == "sweep":
            title = text(attr(h5, "scenario_name", base))
            plot_sweep(h5, args.metric_keys, args.logx, title, stem + "-sweep", args.formats, written)
        else:
            raise BadInput(f"{path}: unknown journeysim format '{kind}'")


def main(argv):
    args = parse_args(argv)
    load_modules()
    written = []
    try:
        for path in args.files:
            plot_file(path, args, written)
    except BadInput as error:
        sys.stderr.write(f"plot.py: {error}\n")
        return EXIT_BAD_INPUT
    except (KeyError, ValueError, OSError) as error:
        sys.stderr.write(f"plot.py: cannot read this file as journeysim's layout: {error}\n")
        return EXIT_BAD_INPUT
    for path in written:
        print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
