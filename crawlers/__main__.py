"""``python -m crawlers crawl …`` — the crawl command without the project CLI."""

from crawlers.cli import app

app()
