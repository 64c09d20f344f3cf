#!/usr/bin/env python3
"""Sets the open loop's slow requests beside the gateway's pauses (bench/http.sh keeps both).

Usage: bench/slow_vs_pauses.py PAUSES_LOG SLOW_FILE...
PAUSES_LOG is the gateway's -Xlog:gc,safepoint log with time decorations: every safepoint line
ends a stop-the-world pause of its "Total" nanoseconds. Each SLOW_FILE holds the requests slower
than that run's p99 ("due time in epoch ms, latency ms"). Prints, per file, how many slow requests
overlapped a pause, the pauses inside the run's window by cause, and the longest ones.
"""
import re
import sys
from collections import defaultdict
from datetime import datetime

LINE = re.compile(r'^\[([^\]]+)\].*\[safepoint\s*\] Safepoint "([^"]+)".*Total: (\d+) ns')


def pauses(path):
    found = []
    for line in open(path, encoding='utf-8', errors='replace'):
        m = LINE.match(line)
        if m:
            end = datetime.strptime(m.group(1), '%Y-%m-%dT%H:%M:%S.%f%z').timestamp() * 1000
            total = int(m.group(3)) / 1e6
            found.append((end - total, end, total, m.group(2)))
    return found


def main():
    all_pauses = pauses(sys.argv[1])
    for slow_path in sys.argv[2:]:
        slow = [tuple(map(float, l.split())) for l in open(slow_path) if l.strip()]
        if not slow:
            continue
        first, last = min(s[0] for s in slow), max(s[0] + s[1] for s in slow)
        window = [p for p in all_pauses if p[1] >= first - 1000 and p[0] <= last + 1000]
        touched = sum(1 for due, lat in slow if any(p[0] <= due + lat and p[1] >= due for p in window))
        by_cause = defaultdict(lambda: [0, 0.0, 0.0])
        for p in window:
            c = by_cause[p[3]]
            c[0] += 1
            c[1] += p[2]
            c[2] = max(c[2], p[2])
        print(f'{slow_path}: {len(slow)} requests over the p99 (latency {min(s[1] for s in slow):.1f}-'
              f'{max(s[1] for s in slow):.1f} ms); {touched} of them overlap a pause of the gateway')
        print(f'  pauses in the run ({(last - first) / 1000:.1f} s): {len(window)}, {sum(p[2] for p in window):.1f} ms '
              f'in all')
        for cause, (n, total, longest) in sorted(by_cause.items(), key=lambda kv: -kv[1][1]):
            print(f'    {cause}: {n}, {total:.1f} ms, longest {longest:.1f} ms')


if __name__ == '__main__':
    main()
