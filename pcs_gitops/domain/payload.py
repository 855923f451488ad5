"""The fingerprint of a payload: sha256 of its canonical JSON.

One function for every hash pcs keeps of a payload: the taskParamMap an attempt sent
(``Attempt.payload_sha256``), and the approval's digest of the whole effective payload and of
each of its parts (``domain.approval``): an approval's ``task_params`` component equals the
``payload_sha256`` of the attempt that sends the approved map."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(payload: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text: equal payloads give equal text."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def payload_sha256(payload: Any) -> str:
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()
