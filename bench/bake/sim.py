#!/usr/bin/env python3
"""bench/bake/sim.py - discrete-event simulation of bake scheduling.

Makespan of N targets over M builders under three schedulers, fed with the
per-target durations measured by bench/bake/measure.sh (durations.json):

  sequential  one build at a time on one builder (docker build in a loop,
              or hoist bake --jobs 1).
  buildx      `docker buildx bake`: every target goes to ONE builder in one
              build request (a multi-node buildx builder splits by platform,
              not by target), and BuildKit's solver runs every ready vertex
              at once, bounded only by the worker's max-parallelism
              (buildkitd.toml [worker.oci] max-parallelism; unset: no
              bound). Running builds share that builder's cores.
  hoist       hoist bake's scheduler (lib/bake/sched.c): a DAG over M
              builders with `slots` builds each, critical path first, each
              target on the free builder with the warmest cache (+10 per
              dependency image already there, as sched.c scores it); a
              dependency on another builder costs a move (save + load,
              measured) before the build.

Model: a target's measured `seconds` (alone on the machine) is a part f
that needs one core (gcc) and a part 1-f that does not (session, context
transfer, export). A builder has C cores (--cores, default: the measuring
machine's); k builds computing on it each progress at min(1, C/k)
(processor sharing). Moves and the non-CPU part are not shared. f is
calibrated so that the measured six targets with --jobs 2 on one builder
take the measured time (--validate prints both).
N targets are ceil(N/6) independent copies of the measured six-target DAG
(base -> left, right -> left2, right2 -> final), each duration multiplied
by a log-normal factor (sigma 0.25, fixed seed), so runs are reproducible.

Usage: sim.py [--data durations.json] [--cores C] [--move-seconds S]
              [--seed N] [--validate]
"""
import argparse
import heapq
import json
import math
import os
import random


def make_dag(template, n, rng, jitter=0.25):
    names = [t["name"] for t in template]
    targets = []
    copies = math.ceil(n / len(template))
    for c in range(copies):
        for t in template:
            if len(targets) == n:
                break
            factor = rng.lognormvariate(0, jitter) if jitter else 1.0
            targets.append({
                "name": f"{t['name']}#{c}",
                "seconds": t["seconds"] * factor,
                "deps": [len(targets) - names.index(t["name"]) + names.index(d) for d in t["deps"]],
            })
    # dependencies beyond the cut (n not a multiple of 6) cannot happen: the
    # template lists dependencies first
    return targets


def priorities(targets):
    """Longest chain of dependents below each target (sched.c's priority)."""
    prio = [0] * len(targets)
    for k in range(len(targets) - 1, -1, -1):
        for d in targets[k]["deps"]:
            prio[d] = max(prio[d], prio[k] + 1)
    return prio


def simulate(targets, builders, cores, slots, policy, move_seconds, max_parallel=None, cpu_fraction=1.0):
    """Returns the makespan in seconds."""
    n = len(targets)
    prio = priorities(targets)
    done = [False] * n
    started = [False] * n
    on = [set() for _ in range(n)]          # builders holding the target's image
    running = []                            # dicts: t, b, move_left, work_left
    busy = [0] * builders
    now = 0.0
    finished = 0
    while finished < n:
        # dispatch
        ready = [t for t in range(n) if not started[t] and all(done[d] for d in targets[t]["deps"])]
        ready.sort(key=lambda t: (-prio[t], t))
        for t in ready:
            if policy == "buildx":
                if max_parallel and len(running) >= max_parallel:
                    break
                b = 0
            else:
                free = [b for b in range(builders) if busy[b] < slots]
                if not free:
                    break
                def score(b):
                    return sum(10 for d in targets[t]["deps"] if b in on[d])
                b = max(free, key=lambda b: (score(b), -busy[b], -b))
            moves = sum(1 for d in targets[t]["deps"] if b not in on[d])
            started[t] = True
            busy[b] += 1
            d = targets[t]["seconds"]
            running.append({"t": t, "b": b, "move_left": moves * move_seconds + (1 - cpu_fraction) * d,
                            "work_left": cpu_fraction * d})
        # rates: moves at 1, builds share their builder's cores
        building = [0] * builders
        for r in running:
            if r["move_left"] <= 0:
                building[r["b"]] += 1

        def rate(r):
            return 1.0 if r["move_left"] > 0 else min(1.0, cores / building[r["b"]])
        dt = min((r["move_left"] if r["move_left"] > 0 else r["work_left"] / rate(r)) for r in running)
        now += dt
        still = []
        for r in running:
            if r["move_left"] > 0:
                r["move_left"] -= dt
                if r["move_left"] <= 1e-9:
                    r["move_left"] = 0
                    for d in targets[r["t"]]["deps"]:
                        on[d].add(r["b"])
                if r["move_left"] > 0 or r["work_left"] > 1e-9:
                    still.append(r)
                    continue
                r["work_left"] = 0
            else:
                r["work_left"] -= dt * rate(r)
            if r["work_left"] <= 1e-9:
                done[r["t"]] = True
                on[r["t"]].add(r["b"])
                busy[r["b"]] -= 1
                finished += 1
            else:
                still.append(r)
        running = still
    return now


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(here, "durations.json"))
    ap.add_argument("--cores", type=int, default=None)
    ap.add_argument("--move-seconds", type=float, default=None)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--cpu-fraction", type=float, default=None,
                    help="part of a build that needs a core (default: calibrated on the --jobs 2 run)")
    ap.add_argument("--validate", action="store_true",
                    help="predict the measured six targets on one builder, --jobs 2, no jitter")
    args = ap.parse_args()
    data = json.load(open(args.data))
    template = data["targets"]
    cores = args.cores or data["cpus"]
    move = args.move_seconds if args.move_seconds is not None else \
        data["move"]["save_seconds"] + data["move"]["load_seconds"]
    # The part of a build that uses a core (compiling) and the part that
    # does not (session, context, export): calibrated so that the measured
    # six targets with --jobs 2 on one builder take what they took.
    dag6 = make_dag(template, 6, random.Random(args.seed), jitter=0)
    measured2 = data.get("makespan_jobs2_seconds")
    lo, hi = 0.0, 1.0
    for _ in range(40):
        mid = (lo + hi) / 2
        if measured2 and simulate(dag6, 1, cores, 2, "hoist", move, cpu_fraction=mid) > measured2:
            hi = mid
        else:
            lo = mid
    # a --jobs 2 run faster than the critical path of the --jobs 1 durations
    # means the machine was busier during the --jobs 1 run: no calibration
    calibrated = bool(measured2) and simulate(dag6, 1, cores, 2, "hoist", move, cpu_fraction=0.0) <= measured2
    f = lo if calibrated else 1.0
    if args.cpu_fraction is not None:
        f = args.cpu_fraction
    if args.validate:
        for frac, what in ((1.0, "all CPU"), (f, f"cpu fraction {f:.2f}")):
            for jobs in (1, 2):
                print(f"predicted ({what}): six measured targets, one builder of {cores} cores, --jobs {jobs}: "
                      f"{simulate(dag6, 1, cores, jobs, 'hoist', move, cpu_fraction=frac):.1f} s")
        print(f"measured: --jobs 1 {data['makespan_seconds']} s, --jobs 2 {measured2} s"
              + ("" if calibrated else " (below the critical path: load on the machine changed between the runs, "
                 "cpu fraction left at 1)"))
        return
    print(f"data: {os.path.relpath(args.data)} ({data['date']}, engine {data['engine']}); {cores} cores per builder; "
          f"move {move:.1f} s per dependency crossing builders; cpu fraction {f:.2f}; seed {args.seed}")
    print()
    print("| N | M | sequential | buildx bake (1 builder) | hoist, 1 slot/builder | hoist, "
          f"{cores} slots/builder | hoist best / buildx |")
    print("|---|---|---|---|---|---|---|")
    for n in (6, 24, 96):
        dag = make_dag(template, n, random.Random(args.seed))
        seq = simulate(dag, 1, cores, 1, "hoist", move, cpu_fraction=f)
        bx = simulate(dag, 1, cores, None, "buildx", move, cpu_fraction=f)
        for m in (1, 2, 4, 8):
            h1 = simulate(dag, m, cores, 1, "hoist", move, cpu_fraction=f)
            hc = simulate(dag, m, cores, cores, "hoist", move, cpu_fraction=f)
            print(f"| {n} | {m} | {seq:.0f} s | {bx:.0f} s | {h1:.0f} s | {hc:.0f} s | {bx / min(h1, hc):.2f}x |")


if __name__ == "__main__":
    main()
