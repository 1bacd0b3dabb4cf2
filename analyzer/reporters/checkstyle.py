"""Checkstyle XML, as golangci-lint writes it: `<file name>` elements holding `<error>`s."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import IO

from analyzer.reporters import Report, xml_safe


def write(report: Report, out: IO[str]) -> None:
    root = ET.Element("checkstyle", version="5.0")
    files: dict[str, ET.Element] = {}
    for d in report.diagnostics:
        element = files.get(d.path)
        if element is None:
            element = files[d.path] = ET.SubElement(root, "file", name=d.path)
        ET.SubElement(
            element,
            "error",
            line=str(d.line),
            column=str(d.column),
            severity=str(d.severity),
            message=xml_safe(d.message),
            source=f"gocheck.{d.rule}",
        )
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")

