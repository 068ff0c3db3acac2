"""A live `hrckg serve` for the tests that need a real server on the wire (live and browser tests)."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUERY_TIMEOUT = 3  # seconds, passed to `hrckg serve --timeout`
STARTUP_LIMIT = 60  # seconds the server may take to answer its first query


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """A running `hrckg serve`: its process, port and log, and small HTTP helpers over fresh connections."""

    def __init__(self, process: subprocess.Popen, port: int, log: Path):
        self.process, self.port, self.log = process, port, log
        self.external = None  # the external store it runs on (tests/external.py), if any
        self.endpoint = f"http://127.0.0.1:{port}/sparql"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def request(self, method: str = "GET", target: str = "/sparql", body: bytes | None = None,
                headers: dict | None = None, timeout: float = 30) -> tuple[int, dict, bytes]:
        """One request on a fresh connection: (status, headers with lower-case names, body)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, target, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def get(self, query: str, accept: str = "application/sparql-results+json, application/json;q=0.9", **kwargs):
        return self.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}),
                            headers={"Accept": accept, **kwargs.pop("headers", {})}, **kwargs)

    def post_form(self, fields: dict, accept: str = "application/json", **kwargs):
        body = urllib.parse.urlencode(fields).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        return self.request("POST", "/sparql", body=body, headers=headers, **kwargs)

    def select_value(self, query: str):
        """The single value of a one-row, one-column SELECT, as a string."""
        status, _, body = self.get(query)
        assert status == 200, body
        (row,) = json.loads(body)["results"]["bindings"]
        (value,) = row.values()
        return value["value"]

    def descendants(self) -> set[int]:
        """Every process below the server's master (its workers and their query processes)."""
        children: dict[int, list[int]] = {}
        for pid, stat in _all_stats().items():
            children.setdefault(stat[1], []).append(pid)
        found, frontier = set(), [self.process.pid]
        while frontier:
            for child in children.get(frontier.pop(), []):
                if child not in found:
                    found.add(child)
                    frontier.append(child)
        return found


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, ppid, utime + stime in clock ticks) of a process, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[11]) + int(fields[12])


def _all_stats() -> dict[int, tuple[str, int, int]]:
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                stats[int(entry.name)] = stat
    return stats


def _runs_server_on(pid: int, port: int) -> bool:
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (FileNotFoundError, ProcessLookupError):
        return False
    return b"serve" in arguments and str(port).encode() in arguments


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def start_server(directory: Path, *arguments: str, settings: dict | None = None) -> LiveServer:
    """Start `hrckg serve` (with extra command-line arguments and HRCKG_* settings) on a free
    loopback port and wait until it answers a query."""
    port = free_port()
    log = directory / "server.log"
    command = [str(Path(sys.executable).with_name("hrckg")), "serve", "--port", str(port),
               "--workers", "2", "--threads", "2", "--timeout", str(QUERY_TIMEOUT), *arguments]
    # Settings come only from here: no HRCKG_* or gunicorn variables from the caller.
    env = {k: v for k, v in os.environ.items() if not k.startswith("HRCKG_") and k != "GUNICORN_CMD_ARGS"}
    env.update({f"HRCKG_{key}": value for key, value in (settings or {}).items()})
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=env, cwd=ROOT)
    live = LiveServer(process, port, log)
    deadline = time.monotonic() + STARTUP_LIMIT
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"hrckg serve exited with {process.returncode} before answering:\n{live.output()}")
            try:
                if live.request("GET", "/sparql?query=ASK%7B%7D", timeout=2)[0] == 200:
                    return live
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"hrckg serve did not answer within {STARTUP_LIMIT} s:\n{live.output()}")
            time.sleep(0.2)
    except BaseException:
        stop_server(live, live.descendants())
        raise


def stop_server(live: LiveServer, pids: set[int]) -> None:
    """SIGTERM the master, then kill it and any of the given descendants still alive after a grace period."""
    process = live.process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in pids:
        if _alive(pid) and _runs_server_on(pid, live.port):  # never a pid since reused by another program
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


