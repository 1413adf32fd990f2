#!/usr/bin/env python3
"""A minimal collector for the CLI benchmark: answers POST /v1/events as the wire contract says
(every event accepted) and counts what it received. Usage: fake_collector.py PORT_FILE COUNT_FILE."""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, count_file = sys.argv[1], sys.argv[2]
received = 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The answer's headers and body are two writes: without TCP_NODELAY, Nagle's algorithm holds the
    # body until the client's delayed ACK (40 ms on Linux), which then looks like the client's cost.
    disable_nagle_algorithm = True

    def do_POST(self):
        global received
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/v1/events":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        events = json.loads(body)
        received += len(events)
        with open(count_file, "w") as f:
            f.write(str(received))
        answer = json.dumps({"accepted": len(events), "duplicates": 0, "rejected": 0,
                             "results": [{"index": i, "event_id": e.get("event_id"), "status": "accepted"}
                                         for i, e in enumerate(events)]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file, "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
