"""Reading inputs: files, directories, stdin and JSONL feeds; encodings, HTML and language checks."""

from __future__ import annotations

from checker.io.encodings import decode, human_size
from checker.io.html import html_to_text
from checker.io.inputs import (
    STDIN_ID,
    SUPPORTED_SUFFIXES,
    documents_from_strings,
    load_inputs,
    read_text,
)

__all__ = [
    "STDIN_ID",
    "SUPPORTED_SUFFIXES",
    "decode",
    "documents_from_strings",
    "html_to_text",
    "human_size",
    "load_inputs",
    "read_text",
]
