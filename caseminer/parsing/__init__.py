"""Parse article files of every supported format into `Document`s (stage 3 of the pipeline)."""

from caseminer.parsing.dispatch import detect_format, parse_bytes, parse_file
from caseminer.parsing.errors import ParseError
from caseminer.parsing.xmlsafe import parse_xml, safe_xml_parser

__all__ = ["ParseError", "detect_format", "parse_bytes", "parse_file", "parse_xml", "safe_xml_parser"]
