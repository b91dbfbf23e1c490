#!/usr/bin/env python3
"""Expected efficiency of a partitioned run (issue F) at many ranks, on paper.

From a measured run (its JSON: daily awareness, events, shape) and a measured
per-core event rate, scales the market to --market customers and models each
step of a run split over R ranks of one core each:

  compute  the step's share of all events (in proportion to the customers
           active in it: made aware in the last --active-days days) over R,
           times the load of the busiest rank: active customers' ids form a
           run of n blocks of 4,096 dealt out in turn, so the busiest rank has
           ceil(n / R) blocks against n / R on average;
  exchange one 40-byte MPI_Allreduce per step (recursive doubling:
           ceil(log2 R) latencies of --alpha-us);
  end      per replication: the sums and gathers JOURNEYSIM_MPI_STATS=1
           printed for ecosystem.yaml (--end-sum-bytes in --end-sums
           allreduces, --end-gather-bytes from each rank in --end-gathers
           allgathers, which every rank receives from all), at
           --bandwidth-gbs;
  memory   per rank: 48 bytes per customer in progress (the busiest step's
           active customers) and 4 per purchaser, over R.

  journeysim run scenarios/ecosystem.yaml --market-size 10000000 --json --quiet > eco.json
  python3 tools/bench/partition_projection.py eco.json --rate 25.0
"""
import argparse
import json
import math

BLOCK = 4096          # ids per ownership block (src/engine/ownership.hpp)
STEP_BYTES = 40       # per rank and step: 5 words (replication.cpp, synchronise)
BYTES_PER_SLOT = 48       # per customer in progress (engine::bytes_per_slot)
BYTES_PER_PURCHASER = 4   # engine::bytes_per_purchaser


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_json")
    parser.add_argument("--rate", type=float, required=True, help="measured M events/s on one core")
    parser.add_argument("--market", type=float, default=1e9)
    parser.add_argument("--ranks", type=int, nargs="+", default=[1, 8, 64, 512])
    parser.add_argument("--alpha-us", type=float, default=5.0, help="latency per allreduce stage, microseconds")
    parser.add_argument("--bandwidth-gbs", type=float, default=5.0, help="per-rank network bandwidth, GB/s")
    parser.add_argument("--active-days", type=int, default=3, help="days a newly aware customer stays active")
    # Measured: JOURNEYSIM_MPI_STATS=1 mpirun -n 2 journeysim run scenarios/ecosystem.yaml -r 2 (per replication).
    parser.add_argument("--end-sum-bytes", type=int, default=48072, help="bytes each rank sums at a replication's end")
    parser.add_argument("--end-sums", type=int, default=6, help="allreduces at a replication's end")
    parser.add_argument("--end-gather-bytes", type=int, default=88, help="bytes each rank gathers at the end")
    parser.add_argument("--end-gathers", type=int, default=4, help="allgathers at a replication's end")
    args = parser.parse_args()

    with open(args.run_json) as f:
        run = json.load(f)
    scale = args.market / run["market_size"]
    series = run["series"]
    days = len(series["day"])
    new = [series["newly_aware_initial"][d] + series["newly_aware_word_of_mouth"][d] +
           sum(channel[d] for channel in series["newly_aware_by_channel"].values()) for d in range(days)]
    new = [scale * n for n in new]
    steps = int(round(run["horizon_days"] / run["step_days"]))
    if steps != days:
        raise SystemExit("this model wants one step a day (step_days: 1)")
    active = [sum(new[max(0, k - args.active_days + 1):k + 1]) for k in range(steps)]
    events = scale * run["events"] / run["replications"]  # events are summed over replications, the rest averaged
    one_core = events / (args.rate * 1e6)
    aware = scale * run["aware"]
    purchasers = scale * run["purchasers"]
    alpha = args.alpha_us * 1e-6
    bandwidth = args.bandwidth_gbs * 1e9

    print(f"market {args.market:,.0f} (x{scale:,.0f} the measured run's {run['market_size']:,}): "
          f"{events:,.0f} events, {aware:,.0f} aware, {steps} steps")
    print(f"one core at {args.rate} M events/s: {one_core:,.1f} s of simulation")
    print(f"per step and rank: one {STEP_BYTES}-byte allreduce; at the end of a replication {args.end_sums} "
          f"allreduces of {args.end_sum_bytes:,} bytes in all and {args.end_gathers} allgathers of "
          f"{args.end_gather_bytes} bytes from each rank")
    print(f"assumed: {args.alpha_us} us per allreduce stage, {args.bandwidth_gbs} GB/s, customers active "
          f"{args.active_days} days after awareness")
    print(f"{'ranks':>6} {'compute s':>10} {'busiest/mean':>12} {'exchange s':>10} {'end s':>8} "
          f"{'wall s':>9} {'efficiency':>10} {'MB/rank':>8}")
    total_active = sum(active)
    for ranks in args.ranks:
        compute = 0.0
        for a in active:
            if a <= 0:
                continue
            blocks = max(1.0, a / BLOCK)  # a step's active customers span at least one block
            load = math.ceil(blocks / ranks) / (blocks / ranks) if ranks > 1 else 1.0
            compute += one_core * a / total_active / ranks * load
        stages = math.ceil(math.log2(ranks)) if ranks > 1 else 0
        exchange = steps * stages * alpha
        end = 0.0
        if ranks > 1:  # an allreduce moves about twice its bytes; a gather brings every rank's
            end = (args.end_sums + 2 * args.end_gathers) * stages * alpha + \
                (2 * args.end_sum_bytes + ranks * (args.end_gather_bytes + 4 * args.end_gathers)) / bandwidth
        wall = compute + exchange + end
        efficiency = one_core / (ranks * wall)
        memory = (BYTES_PER_SLOT * max(active) + BYTES_PER_PURCHASER * purchasers) / ranks / 1e6
        print(f"{ranks:>6} {compute:>10.3f} {compute * ranks / one_core:>12.3f} {exchange:>10.4f} {end:>8.4f} "
              f"{wall:>9.3f} {efficiency:>10.1%} {memory:>8.0f}")


if __name__ == "__main__":
    main()
