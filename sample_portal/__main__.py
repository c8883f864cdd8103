"""python -m sample_portal [--port N] [--site DIR]: serve the sample portal until Ctrl-C."""

from __future__ import annotations

import argparse
import threading

from sample_portal.server import SITE_DIR, serve


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the sample government portal on 127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: any free port)")
    parser.add_argument("--site", default=str(SITE_DIR), help="site folder (default: the committed site)")
    args = parser.parse_args()
    with serve(args.site, port=args.port) as url:
        print(f"sample portal at {url}/  (Ctrl-C to stop)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
