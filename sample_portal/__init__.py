"""sample_portal: an offline copy of a government portal that publishes the five seed reports.

`serve()` is a context manager yielding the base URL of a loopback HTTP server over `SITE_DIR`
(the committed site); `python -m sample_portal [--port N]` serves it until Ctrl-C;
`python -m sample_portal.build` regenerates the site from the seeds. The server (`server.LocalPortal`)
is also the one the crawler tests' portals run on. Dev machinery of the repository checkout: not in the
wheel or the image (`nianbao run` finds it in the checkout for the demo).
"""

from sample_portal.server import SITE_DIR, serve

__all__ = ["SITE_DIR", "serve"]
