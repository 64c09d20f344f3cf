#!/usr/bin/env python3
"""A loopback webhook consumer for the chaos scripts: answers every POST with 200 and appends one
line per delivery to a file, tab-separated: webhook-id, body type, data.id, data.status.

Usage: bench/webhook_consumer.py --port 19299 --out bench/out/received.tsv
It does not verify signatures (the gateway's tests do that); it only records what arrived. It
listens on 127.0.0.1 only and stops on SIGTERM or SIGINT.
"""
import argparse
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    lock = threading.Lock()
    out = open(args.out, "a", encoding="utf-8")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            try:
                event = json.loads(body)
                data = event.get("data") or {}
                fields = (event.get("type"), data.get("id"), data.get("status"))
            except (ValueError, AttributeError):
                fields = ("unparseable", "", "")
            line = "\t".join(str(f) for f in (self.headers.get("webhook-id"),) + fields)
            with lock:
                out.write(line + "\n")
                out.flush()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"webhook consumer listening on 127.0.0.1:{args.port}", file=sys.stderr, flush=True)
    server.serve_forever()
    server.server_close()
    out.close()


if __name__ == "__main__":
    main()
