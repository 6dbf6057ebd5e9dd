#!/usr/bin/env python3
"""Runs a shell command REPEAT times; prints the median wall time in seconds
and the largest peak RSS in KiB of the command's processes.

usage: measure.py REPEAT 'COMMAND'   (output: "SECONDS KIB")
"""
import resource
import statistics
import subprocess
import sys
import time


def main():
    repeat, cmd = int(sys.argv[1]), sys.argv[2]
    times, peak = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = subprocess.run(["sh", "-c", cmd], stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
        if r.returncode != 0:
            sys.exit("measure.py: command failed (%d): %s" % (r.returncode, cmd))
        # children's maximum so far: processes run one at a time, so the
        # running maximum is the largest of them
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print("%.4f %d" % (statistics.median(times), peak))


if __name__ == "__main__":
    main()
