"""Runs the guide's _send_event_async against a collector: python3 send_event.py <endpoint>."""
import sys

import telemetry

telemetry.TELEMETRY_ENDPOINT = sys.argv[1]
# The guide's own call shape (cmd_scan's scan.started), run in the foreground so the test can wait.
telemetry._send_event_async("scan.started", {
    "mode": "cli",
    "profile": "balanced",
    "tools": ["trufflehog", "semgrep"],
    "target_types": {"repos": 3, "images": 1, "urls": 0, "iac": 0, "gitlab": 0, "k8s": 0},
}, "0.7.0")
