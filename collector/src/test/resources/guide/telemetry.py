# The guide's client, scripts/core/telemetry.py, copied verbatim from the guide.
import json
import platform
import uuid
from datetime import datetime
from pathlib import Path
from typing import Dict, Any
from urllib import request
from urllib.error import URLError
import threading

# Telemetry endpoint (Gist API for MVP, Cloudflare Worker later)
TELEMETRY_ENDPOINT = "https://api.github.com/gists/{gist_id}"


def get_anonymous_id() -> str:
    """Get or create anonymous UUID (stored locally)."""
    id_file = Path.home() / ".jmo-security" / "telemetry-id"
    if id_file.exists():
        return id_file.read_text().strip()

    anon_id = str(uuid.uuid4())
    id_file.parent.mkdir(parents=True, exist_ok=True)
    id_file.write_text(anon_id)
    return anon_id


def is_telemetry_enabled(config: Dict[str, Any]) -> bool:
    """Check if telemetry is enabled in config or env var."""
    # Environment variable override (for CI/CD)
    import os
    if os.environ.get("JMO_TELEMETRY_DISABLE") == "1":
        return False

    return config.get("telemetry", {}).get("enabled", False)


def send_event(
    event_type: str,
    metadata: Dict[str, Any],
    config: Dict[str, Any],
    version: str = "0.7.0"
) -> None:
    """Send telemetry event (non-blocking)."""
    if not is_telemetry_enabled(config):
        return

    # Fire-and-forget in background thread
    threading.Thread(
        target=_send_event_async,
        args=(event_type, metadata, version),
        daemon=True
    ).start()


def _send_event_async(event_type: str, metadata: Dict[str, Any], version: str) -> None:
    """Send event to telemetry endpoint (background thread)."""
    try:
        event = {
            "event": event_type,
            "version": version,
            "platform": platform.system(),
            "python_version": f"{platform.python_version_tuple()[0]}.{platform.python_version_tuple()[1]}",
            "anonymous_id": get_anonymous_id(),
            "metadata": metadata,
            "timestamp": datetime.utcnow().isoformat()
        }

        # Send to telemetry endpoint
        data = json.dumps(event).encode("utf-8")
        req = request.Request(
            TELEMETRY_ENDPOINT,
            data=data,
            headers={"Content-Type": "application/json"},
            method="POST"
        )

        # Timeout after 2 seconds (don't block scans)
        with request.urlopen(req, timeout=2) as response:
            pass  # Fire-and-forget

    except (URLError, TimeoutError, Exception):
        # Silently fail (never break user's workflow)
        pass
