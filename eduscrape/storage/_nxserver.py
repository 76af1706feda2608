"""Entry point that runs nx-27017 quietly: ``python -m eduscrape.storage._nxserver ARGS``.

nx-27017 logs every command at INFO level; on a crawl that is one log line per
write, which costs time and disk. Configuring logging first makes its own
``basicConfig`` a no-op, so only warnings reach the log file.
"""

from __future__ import annotations

import logging
import sys


def main() -> None:
    logging.basicConfig(
        level=logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    # Aggregations fall back between SQL tiers and warn about it each time; that is not our concern.
    logging.getLogger("neosqlite").setLevel(logging.ERROR)
    from nx_27017.nx_27017 import main as nx_main

    sys.argv[0] = "nx-27017"
    nx_main()


if __name__ == "__main__":
    main()
