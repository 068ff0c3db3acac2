"""Run the app under gunicorn, a production WSGI server, from the `hrckg serve` command.

gthread workers keep connections alive and serve several requests at once; each request waits
on its own query process (executor.py), so threads spend their time waiting, not holding the GIL.
The app (and the in-memory store) is built once in the master and shared with workers by fork."""

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, app, options: dict):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def _exit_at_once(server, worker) -> None:
    """A worker leaves without running destructors: closing an on-disk (RocksDB) store at
    interpreter shutdown, while its background threads are being torn down, crashed the worker
    with SIGSEGV at every stop. The store is only ever read here, so there is nothing to flush."""
    import os

    os._exit(0)


def run(app, host: str, port: int, workers: int, threads: int, access_log: bool = False) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "keepalive": 5,
        # Long SPARQL queries come by GET too; gunicorn's largest request line (the default is 4094).
        "limit_request_line": 8190,
        # A worker's own heartbeat is not blocked by a running query (the query runs in a child
        # process), so gunicorn's timeout only catches a worker that is really stuck.
        "timeout": int(app.config["QUERY_TIMEOUT"]) + 30,
        "graceful_timeout": 5,
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "loglevel": "warning",
        "worker_exit": _exit_at_once,
    }
    _Gunicorn(app, options).run()
