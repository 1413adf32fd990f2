#!/usr/bin/env python3
"""Times `jmo scan` with telemetry on and off, alternating, and prints the medians.

Usage: overhead.py RUNS WORKDIR ENV_ON_JSON ENV_OFF_JSON -- COMMAND...
"""
import json
import resource
import statistics
import subprocess
import sys
import time

runs = int(sys.argv[1])
workdir = sys.argv[2]
env_on = json.loads(sys.argv[3])
env_off = json.loads(sys.argv[4])
command = sys.argv[6:]

times = {"on": [], "off": []}
cpu = {"on": [], "off": []}
for i in range(runs):
    # Alternate which goes first, so drift in machine load hits both sides alike.
    order = ["on", "off"] if i % 2 == 0 else ["off", "on"]
    for side in order:
        env = env_on if side == "on" else env_off
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        p = subprocess.run(command, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[side].append(1000 * ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)))
        if p.returncode != 0:
            sys.stderr.write(p.stderr.decode())
            sys.exit("run failed with exit code %d" % p.returncode)
        times[side].append(elapsed * 1000)

on = statistics.median(times["on"])
off = statistics.median(times["off"])
overhead = on - off
print(json.dumps({
    "runs_each": runs,
    "median_ms_on": round(on, 1),
    "median_ms_off": round(off, 1),
    "overhead_ms": round(overhead, 1),
    "overhead_pct": round(100 * overhead / off, 2),
    "min_ms_on": round(min(times["on"]), 1),
    "min_ms_off": round(min(times["off"]), 1),
    # CPU time (user + system, jmo and its tools) does not depend on how busy the machine is.
    "median_cpu_ms_on": round(statistics.median(cpu["on"]), 1),
    "median_cpu_ms_off": round(statistics.median(cpu["off"]), 1),
    "load_average": [round(x, 2) for x in __import__("os").getloadavg()],
}))
