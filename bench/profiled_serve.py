"""``guozi serve`` with every thread under cProfile, the profiles merged into one file when it stops.

Used by ``bench/web_load.py --profile FILE``: the pages are answered in the server's worker
threads (FastAPI runs a plain function in a thread pool), which a plain ``python -m cProfile``
would not see. Each thread started after this script begins gets a profiler of its own; on exit
(SIGTERM from the load test: uvicorn stops and raises it again, this script's handler ends the
process normally) they are added together.

    python bench/profiled_serve.py /tmp/server.prof serve --store duckdb:///... --port 8765
"""

from __future__ import annotations

import contextlib
import cProfile
import pstats
import signal
import sys
import threading
from typing import Any

PROFILES: list[cProfile.Profile] = []
LOCK = threading.Lock()


def _in_thread(frame: Any, event: str, arg: Any) -> None:
    """The first profile event of a new thread: a profiler of its own from here on."""
    sys.setprofile(None)
    profile = cProfile.Profile()
    with LOCK:
        PROFILES.append(profile)
    profile.enable()


def _stop(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def main() -> int:
    out, argv = sys.argv[1], sys.argv[2:]
    # uvicorn stops on SIGTERM, puts this handler back and raises the signal again: then here, so
    # the profiles are written (the default action would end the process first)
    signal.signal(signal.SIGTERM, _stop)
    threading.setprofile(_in_thread)
    main_profile = cProfile.Profile()
    PROFILES.append(main_profile)
    main_profile.enable()
    from guozi.cli import main as guozi

    sys.argv = ["guozi", *argv]
    try:
        guozi()
    except SystemExit:
        pass
    finally:
        main_profile.disable()
        stats = pstats.Stats()
        with LOCK:
            for profile in PROFILES:
                with contextlib.suppress(TypeError):  # a thread that never called anything
                    stats.add(profile)
        stats.dump_stats(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
