"""The parser's version: bump whenever the output for some input changes (staging supersedes older ones)."""

PARSER_VERSION = "0.4.0"
