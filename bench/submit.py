#!/usr/bin/env python3
"""Posts N jobs to a gateway on 127.0.0.1 from T threads with keep-alive connections; prints one line per
accepted job: accept time (unix seconds) and job id. Usage: submit.py PORT KEY N THREADS IMAGE_URL WEBHOOK_URL [RATE]
RATE (jobs per second, optional) paces the submissions for low-load runs."""
import http.client
import json
import sys
import threading
import time

port, key, total, threads, image, webhook = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
rate = float(sys.argv[7]) if len(sys.argv) > 7 else 0
counter = iter(range(total))
lock = threading.Lock()
started = time.time()
failures = []


def worker():
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while True:
        with lock:
            i = next(counter, None)
        if i is None:
            return
        if rate:
            delay = started + i / rate - time.time()
            if delay > 0:
                time.sleep(delay)
        body = json.dumps({"input": {"prompt": "pipeline %d" % i, "image_urls": [image]}, "webhook_url": webhook})
        for attempt in range(5):
            try:
                conn.request("POST", "/jobs", body, {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
                response = conn.getresponse()
                payload = response.read()
                break
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        else:
            failures.append(i)
            continue
        if response.status != 202:
            failures.append(i)
            sys.stderr.write("job %d: HTTP %d %s\n" % (i, response.status, payload[:200]))
            continue
        with lock:
            print("%.6f %s" % (time.time(), json.loads(payload)["id"]), flush=True)


pool = [threading.Thread(target=worker) for _ in range(threads)]
for t in pool:
    t.start()
for t in pool:
    t.join()
if failures:
    sys.stderr.write("%d jobs not accepted\n" % len(failures))
    sys.exit(1)
