"""A progress bar for long loads, by bytes read: one line redrawn on a terminal, a line every few
seconds in a log (so a CI log or `nohup` file still shows that the load is moving)."""

import sys
import time


class Progress:
    def __init__(self, name: str, total_bytes: int, stream=None):
        self.name, self.total, self.stream = name, max(total_bytes, 1), stream or sys.stderr
        self.done = 0
        self.started = self.shown = time.perf_counter()
        self.interactive = self.stream.isatty()

    def advance(self, size: int) -> None:
        self.done += size
        now = time.perf_counter()
        if now - self.shown >= (0.2 if self.interactive else 10):
            self.shown = now
            self._write(self._line(now), final=False)

    def finish(self, triples: int | None, seconds: float) -> str:
        """The closing line: bytes, triples and triples per second (of the load alone, not the counting)."""
        line = f"{self.name}: {self.done / 1e6:,.1f} MB"
        if triples is not None:
            line += f", {triples:,} triples in {seconds:,.1f} s ({triples / max(seconds, 1e-9):,.0f} triples/s)"
        else:
            line += f" in {seconds:,.1f} s"
        self._write(line, final=True)
        return line

    def _line(self, now: float) -> str:
        fraction = min(self.done / self.total, 1.0)
        bar = "#" * int(fraction * 30)
        rate = self.done / max(now - self.started, 1e-9) / 1e6
        return f"{self.name} [{bar:<30}] {fraction:6.1%} {self.done / 1e6:,.1f} MB, {rate:,.1f} MB/s"

    def _write(self, line: str, final: bool) -> None:
        if self.interactive:
            self.stream.write("\r\x1b[K" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
