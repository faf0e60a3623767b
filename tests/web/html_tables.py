"""Read a rendered report table back out of the HTML (row keys and each cell's raw data-sort value)."""

from __future__ import annotations

from html.parser import HTMLParser


class _TableParser(HTMLParser):
    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id = table_id
        self.depth = 0
        self.section = None
        self.headers: list[str] = []
        self.rows: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == self.table_id:
            self.depth = 1
            return
        if not self.depth:
            return
        if tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "th" and self.section == "thead":
            self.headers.append(attrs.get("data-key"))
        elif tag == "tr" and self.section == "tbody" and attrs.get("class") != "empty":
            self.rows.append({"key": attrs.get("data-row-key"), "cells": []})
        elif tag == "td" and self.section == "tbody" and self.rows and "data-sort" in attrs:
            self.rows[-1]["cells"].append(attrs["data-sort"])

    def handle_endtag(self, tag):
        if self.depth and tag == "table":
            self.depth = 0


def read_table(html: str, table_id: str) -> tuple[list[str], list[dict]]:
    """(column keys, rows as {'key': row key, 'values': {column: data-sort text}})."""
    parser = _TableParser(table_id)
    parser.feed(html)
    assert parser.headers, f"no table #{table_id} in the page"
    rows = [{"key": row["key"], "values": dict(zip(parser.headers, row["cells"], strict=True))} for row in parser.rows]
    return parser.headers, rows
