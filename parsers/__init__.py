"""nianbao parsers: any annual-report document (HTML, text, docx, pdf, doc/wps) → a Report dict.

See ../shared/contract/report-json.md for the Report, docs/interfaces.md for the keys added, and
parsers/report.schema.json for its JSON Schema. Pure functions: no network, no database.
"""

from . import vocabulary
from .parse import parse_bytes, parse_file, schema
from .version import PARSER_VERSION

__all__ = ["PARSER_VERSION", "parse_bytes", "parse_file", "schema", "vocabulary"]
