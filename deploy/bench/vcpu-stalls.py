#!/usr/bin/env python3
"""How often a thread on one CPU of this machine loses it for milliseconds, by how it waits for a deadline.

A takeover that meets such a hole is late by its length. Two sources here: other tasks of this machine that wake at
a higher priority (pid 1's threads run at nice -10) and preempt a thread that has run for a while, and the host,
which can deschedule the vCPU itself (the guest then sees nothing, not even its own timer tick). Three ways of
meeting a deadline 4 ms ahead, interleaved: spin the whole 4 ms (ActorHa after its pre-warm), sleep to it
(keepalived), sleep to --lead ms before it and spin the rest. Run it as is and under `chrt -r 50` (what
vrrp_rt_priority gives a daemon) to tell the two sources apart.

    python3 deploy/bench/vcpu-stalls.py [--cycles N] [--cpu C] [--lead MS]
"""
import argparse, gc, os, statistics, time

p = argparse.ArgumentParser()
p.add_argument("--cycles", type=int, default=2000)
p.add_argument("--cpu", type=int, default=os.cpu_count() - 1)
p.add_argument("--lead", type=float, default=0.3, help="ms the third way spins")
a = p.parse_args()
os.sched_setaffinity(0, {a.cpu})
gc.disable()
ns = time.monotonic_ns
late = {"spin 4 ms": [], "sleep": [], f"sleep, spin last {a.lead} ms": []}
for _ in range(a.cycles):
    for name, xs in late.items():
        time.sleep(0.02)
        due = ns() + 4_000_000
        if name == "sleep":
            time.sleep((due - ns()) / 1e9)
            t = ns()
        else:
            if name != "spin 4 ms":
                time.sleep((due - int(a.lead * 1e6) - ns()) / 1e9)
            while (t := ns()) < due:
                pass
        xs.append((t - due) / 1e6)
print(f"cpu {a.cpu}, {a.cycles} cycles each; how late the deadline was seen (ms)")
for name, xs in late.items():
    xs.sort()
    n = len(xs)
    print(f"  {name:24} median {statistics.median(xs):6.3f}  p99 {xs[n * 99 // 100]:6.3f}  max {xs[-1]:6.3f}  "
          f"> 0.5 ms {sum(x > 0.5 for x in xs):4}  > 1 ms {sum(x > 1 for x in xs):4}  > 2 ms {sum(x > 2 for x in xs):4}")
