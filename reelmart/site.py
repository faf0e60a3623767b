"""The report site as `reelmart serve` runs it: webreport's app, plus publish-on-demand before requests.

webreport never imports reelmart (docs/architecture.md), so the hook that publishes a build a plain `dbt build`
left green (reelmart.warehouse.publish_pending) is added here, where the CLI hands the app to gunicorn.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from reelmart.warehouse import WarehousePaths, publish_pending

log = logging.getLogger(__name__)
CHECK_EVERY_SECONDS = 5.0  # a stat() of two files per check; at most one check per worker in this interval


def add_publish_on_demand(app: Flask, paths: WarehousePaths, every: float = CHECK_EVERY_SECONDS) -> Flask:
    lock = threading.Lock()
    last = [float("-inf")]

    @app.before_request
    def publish_newer_green_build() -> None:
        now = time.monotonic()
        if now - last[0] < every or not lock.acquire(blocking=False):
            return
        try:
            last[0] = now
            publish_pending(paths)
        except Exception:  # a failed publish must not fail the page: the last snapshot is still served
            log.exception("publish on demand failed; serving the last published snapshot")
        finally:
            lock.release()

    return app


def create_app() -> Flask:
    from webreport import create_app as create_webreport

    return add_publish_on_demand(create_webreport(), WarehousePaths.default())
