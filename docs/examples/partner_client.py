#!/usr/bin/env python3
"""Example Pathway partner client: pull new and changed referrals, acknowledge new ones.

Python 3.9+ standard library only. Run it every few minutes (cron, a systemd timer):

    PATHWAY_URL=https://pathway.example.la PATHWAY_TOKEN=pw_... python3 partner_client.py

Environment:
    PATHWAY_URL     base URL of the Pathway server (no trailing /api/...)
    PATHWAY_TOKEN   your organisation's API token (keep it out of source control)
    PATHWAY_STATE   state file (default: pathway_state.json beside the current directory)

Each run:
1. reads `after` (the `next_after` of the previous run) from the state file;
2. pulls GET /api/v1/partner/referrals/?after=... and follows `next` to the end;
3. acknowledges each referral that is still `sent`, with an Idempotency-Key derived from the
   referral's id, so that a run that crashed after acknowledging and runs again gets the stored
   answer back instead of an error (and never acknowledges twice);
4. prints one JSON line per new or changed referral (your system would store it instead);
5. saves `next_after` after every page, so a crash loses at most one page of work, and that
   page is simply pulled again.

Its own changes come back in the next pull (acknowledging is a change too). The client
remembers the `seq` each of its changes returned and skips a referral whose `change_seq` is
still that number: nothing new happened to it. So a second run right after the first prints
nothing.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any

API = "/api/v1/partner"
PAGE_SIZE = 100
# Derives idempotency keys: the same referral and action always give the same key.
KEY_NAMESPACE = uuid.UUID("6f1c9a52-3a8e-4f0e-9d0a-6e9a4c3b2f10")
MAX_ATTEMPTS = 5


class PathwayError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status, self.body = status, body


class Client:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token

    def request(
        self, method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], Any]:
        """One call, retried on 429 (after Retry-After), 5xx and network errors."""
        if not url.startswith("http"):
            url = self.base_url + url
        data = None if body is None else json.dumps(body).encode()
        all_headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json", **(headers or {})}
        if data is not None:
            all_headers["Content-Type"] = "application/json"
        for attempt in range(1, MAX_ATTEMPTS + 1):
            request = urllib.request.Request(url, data=data, method=method, headers=all_headers)  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the server you configure)
                    return response.status, dict(response.headers), json.loads(response.read() or b"null")
            except urllib.error.HTTPError as error:
                payload = json.loads(error.read() or b"null")
                if error.code == 429 and attempt < MAX_ATTEMPTS:
                    time.sleep(float(error.headers.get("Retry-After", "1")))
                    continue
                if error.code >= 500 and attempt < MAX_ATTEMPTS:
                    time.sleep(2**attempt)
                    continue
                raise PathwayError(error.code, payload) from None
            except (urllib.error.URLError, TimeoutError):
                if attempt == MAX_ATTEMPTS:
                    raise
                time.sleep(2**attempt)  # safe to retry: reads change nothing, writes carry a key
        raise AssertionError("unreachable")

    def pages(self, after: int | None) -> Any:
        """Yield (results, next_after) for every page of one pull."""
        query = {"page_size": PAGE_SIZE}
        if after is not None:
            query["after"] = after
        url: str | None = f"{API}/referrals/?{urllib.parse.urlencode(query)}"
        while url:
            _, _, page = self.request("GET", url)
            yield page["results"], page["next_after"]
            url = page["next"]

    def change(self, referral_id: str, action: str, body: dict[str, Any] | None = None) -> tuple[dict[str, Any], bool]:
        """POST a status change; returns the answer and whether it was a replay of an earlier call."""
        key = str(uuid.uuid5(KEY_NAMESPACE, f"{referral_id}:{action}"))
        _, headers, answer = self.request(
            "POST", f"{API}/referrals/{referral_id}/{action}/", body or {}, headers={"Idempotency-Key": key}
        )
        replayed = any(name.lower() == "idempotent-replayed" and value == "true" for name, value in headers.items())
        return answer, replayed


def load_state(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except FileNotFoundError:
        return {"after": None, "own_changes": {}}


def save_state(path: str, state: dict[str, Any]) -> None:
    """Write atomically: a crash leaves the old state or the new one, never half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, encoding="utf-8") as file:
        json.dump(state, file)
        temporary = file.name
    os.replace(temporary, path)


def run(client: Client, state_path: str, out: Any = sys.stdout) -> int:
    state = load_state(state_path)
    own_changes: dict[str, int] = state.setdefault("own_changes", {})
    printed = 0
    for results, next_after in client.pages(state.get("after")):
        for referral in results:
            if own_changes.pop(referral["id"], None) == referral["change_seq"]:
                continue  # only our own change came back: nothing new
            action, replayed = None, False
            if referral["status"] == "sent":
                answer, replayed = client.change(referral["id"], "acknowledge")
                referral["status"], action = answer["status"], "acknowledged"
                own_changes[referral["id"]] = answer["seq"]
            print(
                json.dumps(
                    {
                        "id": referral["id"],
                        "case_code": referral["case_code"],
                        "status": referral["status"],
                        "services": referral["services"],
                        "change_seq": referral["change_seq"],
                        "disclosed_categories": referral["disclosed_categories"],
                        "action": action,
                        # True when an earlier, interrupted run had already acknowledged it.
                        "replayed": replayed,
                    },
                    ensure_ascii=False,
                ),
                file=out,
                flush=True,
            )
            printed += 1
        state["after"] = next_after
        save_state(state_path, state)
    return printed


def main() -> int:
    try:
        base_url, token = os.environ["PATHWAY_URL"], os.environ["PATHWAY_TOKEN"]
    except KeyError as missing:
        print(f"set {missing.args[0]}", file=sys.stderr)
        return 2
    state_path = os.environ.get("PATHWAY_STATE", "pathway_state.json")
    try:
        count = run(Client(base_url, token), state_path)
    except PathwayError as error:
        print(f"Pathway refused: {error}", file=sys.stderr)
        return 1
    print(f"{count} referral(s) new or changed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
