#!/usr/bin/env python3
"""Client side of the chaos scripts (bench/chaos-*.sh). Talks to 127.0.0.1 only.

  post    creates jobs, one unique prompt and Idempotency-Key each, spread over gateway ports, paced
          and in parallel; writes one line per job (index, job id or '-', last HTTP status, port,
          tries) and one line per HTTP answer (epoch seconds when it ended, index, port, status or 0
          for none, Content-Type or the error, seconds taken, problem type); prints a JSON summary.
  settle  waits (bounded) until every accepted job is terminal in the database and every terminal
          job's terminal event reached the consumer, then prints the figures as key=value pairs.

Usage: see the chaos scripts; `bench/chaos_client.py post --help`.
"""
import argparse
import collections
import concurrent.futures
import http.client
import json
import subprocess
import sys
import threading
import time
import urllib.request

TERMINAL = {"succeeded", "failed", "cancelled"}
TERMINAL_EVENTS = {"job.succeeded", "job.failed", "job.cancelled"}


def log(message):
    print(time.strftime("[%H:%M:%S] ") + message, file=sys.stderr, flush=True)


def post(args):
    ports = [int(p) for p in args.ports.split(",")]
    start = time.monotonic()
    deadline = start + args.deadline
    lock = threading.Lock()
    answers = open(args.answers, "w", encoding="utf-8")
    jobs_out = open(args.out, "w", encoding="utf-8")
    counts = collections.Counter()

    def record(index, port, status, content_type, elapsed, problem):
        with lock:
            counts[status] += 1
            if status >= 500 or status == 0:
                counts[f"{status} {content_type}"] += 1
            answers.write(f"{time.time():.3f}\t{index}\t{port}\t{status}\t{content_type}"
                          f"\t{elapsed:.3f}\t{problem}\n")

    def one(index):
        if args.rate:
            wait = start + index / args.rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        body = {"input": {"prompt": f"chaos {args.run} job {index}: a lighthouse at dusk",
                          "image_urls": [args.image_url]}}
        if args.webhook_url:
            body["webhook_url"] = args.webhook_url
        payload = json.dumps(body)
        tries = 0
        status = 0
        while True:
            port = ports[(index + tries) % len(ports)]
            tries += 1
            began = time.monotonic()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=args.timeout)
            problem = ""
            content_type = ""
            job_id = None
            try:
                connection.request("POST", "/jobs", payload, {
                    "Authorization": f"Bearer {args.key}", "Content-Type": "application/json",
                    "Idempotency-Key": f"{args.run}-{index}"})
                response = connection.getresponse()
                data = response.read()
                status = response.status
                content_type = response.getheader("Content-Type") or ""
                parsed = json.loads(data) if data else {}
                if status in (200, 202):
                    job_id = parsed["id"]
                else:
                    problem = str(parsed.get("type", "")).rsplit("/", 1)[-1]
            except (OSError, http.client.HTTPException, ValueError) as ex:
                status = 0
                content_type = type(ex).__name__
            finally:
                connection.close()
            record(index, port, status, content_type, time.monotonic() - began, problem)
            if job_id:
                break
            # Only what may succeed later is tried again: no answer, 5xx, 429; always with the
            # same Idempotency-Key, so a job the first try created is found, not made twice.
            retryable = status == 0 or status >= 500 or status == 429
            if not args.retry or not retryable or time.monotonic() > deadline:
                break
            time.sleep(args.retry_pause)
        with lock:
            jobs_out.write(f"{index}\t{job_id or '-'}\t{status}\t{port}\t{tries}\n")
            jobs_out.flush()

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.parallel) as pool:
        for future in [pool.submit(one, i) for i in range(args.count)]:
            future.result()
    answers.close()
    jobs_out.close()
    summary = {"seconds": round(time.monotonic() - start, 1),
               "answers": {str(k): v for k, v in sorted(counts.items(), key=lambda kv: str(kv[0]))}}
    print(json.dumps(summary))


def psql_rows(schema, sql):
    result = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qAt", "-F", "\t",
                             "-c", sql.replace("{schema}", schema)], capture_output=True, text=True)
    if result.returncode != 0:
        raise OSError(result.stderr.strip())
    return [line.split("\t") for line in result.stdout.splitlines() if line]


def received(path):
    events = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 4:
                    events.append(parts)
    except FileNotFoundError:
        pass
    return events


def settle(args):
    accepted = {}
    not_accepted = 0
    with open(args.ids, encoding="utf-8") as f:
        for line in f:
            index, job_id = line.split("\t")[:2]
            if job_id == "-":
                not_accepted += 1
            else:
                accepted[job_id] = index
    start = time.monotonic()
    deadline = start + args.deadline
    last_log = 0
    while True:
        try:
            rows = psql_rows(args.schema, "select id, status, coalesce(error_code, ''), "
                             "(upstream_request_id is not null)::text, (webhook_url is not null)::text "
                             "from {schema}.jobs")
        except OSError as ex:
            log(f"settle: database not readable yet: {ex}")
            rows = None
        if rows is not None:
            jobs = {r[0]: r for r in rows}
            terminal = {i for i, r in jobs.items() if r[1] in TERMINAL}
            events = received(args.consumer) if args.consumer else []
            delivered = {e[2] for e in events if e[1] in TERMINAL_EVENTS}
            pending = [i for i in accepted if i not in terminal]
            # Only jobs with a webhook_url expect an event (a script's probe job may have none).
            undelivered = [i for i in terminal if args.consumer and jobs[i][4] == "true" and i not in delivered]
            done = not pending and not undelivered
            now = time.monotonic()
            if done or now > deadline:
                break
            if now - last_log >= 10:
                log(f"settle: {len(jobs)} jobs, {len(terminal)} terminal, {len(delivered)} delivered; waiting")
                last_log = now
        elif time.monotonic() > deadline:
            print("settle_error=database_unreadable")
            return
        time.sleep(1)
    statuses = collections.Counter(r[1] for r in jobs.values())
    errors = collections.Counter(r[2] for r in jobs.values() if r[2])
    missing = [i for i in accepted if i not in jobs]
    lost = [i for i in accepted if i not in terminal]
    figures = {
        "jobs": len(accepted),
        "not_accepted": not_accepted,
        "in_table": len(jobs),
        "terminal": len(terminal),
        "lost": len(lost),
        "missing": len(missing),
        "succeeded": statuses["succeeded"],
        "failed": statuses["failed"],
        "cancelled": statuses["cancelled"],
        "submitted_upstream": sum(1 for r in jobs.values() if r[3] == "true"),
    }
    for code, n in sorted(errors.items()):
        figures[f"failed_{code}"] = n
    if args.consumer:
        figures["delivered"] = len(delivered & terminal)
        figures["undelivered"] = len(undelivered)
        ids = [e[0] for e in events]
        figures["deliveries_received"] = len(ids)
        figures["redeliveries"] = len(ids) - len(set(ids))
    if args.sim_port:
        with urllib.request.urlopen(f"http://127.0.0.1:{args.sim_port}/_simulator/stats", timeout=10) as r:
            stats = json.load(r)
        figures["duplicate_submits"] = stats["duplicate_accepted"]
        figures["duplicate_bodies"] = stats["duplicate_bodies"]
        figures["sim_submits"] = stats["submits"]
        figures["sim_accepted"] = stats["accepted"]
        figures["sim_peak_in_flight"] = stats["peak_in_flight"]
    figures["settle_seconds"] = round(time.monotonic() - start, 1)
    if lost:
        log("not terminal: " + ", ".join(sorted(lost)[:20]))
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("post")
    p.add_argument("--ports", required=True, help="gateway ports, comma-separated; job i goes to port i mod n")
    p.add_argument("--key", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--parallel", type=int, default=16)
    p.add_argument("--rate", type=float, default=0, help="jobs started per second (0: as fast as possible)")
    p.add_argument("--run", required=True, help="unique run name: prompts and Idempotency-Keys derive from it")
    p.add_argument("--image-url", required=True)
    p.add_argument("--webhook-url")
    p.add_argument("--retry", action="store_true", help="retry no answer, 5xx and 429 on the next port")
    p.add_argument("--retry-pause", type=float, default=0.5)
    p.add_argument("--timeout", type=float, default=40)
    p.add_argument("--deadline", type=float, default=300, help="seconds after which nothing is retried")
    p.add_argument("--out", required=True)
    p.add_argument("--answers", required=True)
    s = commands.add_parser("settle")
    s.add_argument("--schema", required=True)
    s.add_argument("--ids", required=True, help="the post command's --out file")
    s.add_argument("--consumer", help="the webhook consumer's file")
    s.add_argument("--sim-port", type=int)
    s.add_argument("--deadline", type=float, default=600)
    args = parser.parse_args()
    {"post": post, "settle": settle}[args.command](args)


if __name__ == "__main__":
    main()
