#!/usr/bin/env python3
"""A webhook consumer on 127.0.0.1 for benchmarks: answers 200 at once and appends one line per delivery
to a file: receive time (unix seconds), webhook-id, event type, job id, RunComfy request id.
Usage: sink.py PORT OUTFILE"""
import http.server
import json
import sys
import threading
import time

port, path = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()
out = open(path, "a", buffering=1)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        now = time.time()
        try:
            event = json.loads(body)
            data = event.get("data", {})
            line = "%.6f %s %s %s %s\n" % (now, self.headers.get("webhook-id"), event.get("type"), data.get("id"),
                                           (data.get("upstream") or {}).get("request_id"))
        except ValueError:
            line = "%.6f %s invalid - -\n" % (now, self.headers.get("webhook-id"))
        with lock:
            out.write(line)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer.daemon_threads = True
http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
