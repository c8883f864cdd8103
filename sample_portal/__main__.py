"""python -m sample_portal [--port N] [--site DIR]: serve the sample portal until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import time

from sample_portal.server import SITE_DIR, serve


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the sample government portal on 127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: any free port)")
    parser.add_argument("--site", default=str(SITE_DIR), help="site folder (default: the committed site)")
    args = parser.parse_args()
    # Ctrl-C stops the portal even when this process was started by one that ignores or blocks SIGINT
    # (both are inherited across exec: then Python installs no KeyboardInterrupt handler of its own)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    with serve(args.site, port=args.port) as url:
        print(f"sample portal at {url}/  (Ctrl-C to stop)", flush=True)
        try:
            # short sleeps, not one endless wait: a Ctrl-C that lands just before a blocking wait begins is
            # only acted on when the wait returns (CPython runs signal handlers between bytecodes), so an
            # endless wait could miss it for good; a sleep returns within half a second
            while True:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
