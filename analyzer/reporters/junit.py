"""JUnit XML for CI test dashboards: one testsuite per package (directory), one failing
testcase per finding, and one passing testcase for a package without findings."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from typing import IO

from analyzer.reporters import Report, xml_safe


def write(report: Report, out: IO[str]) -> None:
    by_package: dict[str, list] = {}
    for path in report.files:
        by_package.setdefault(os.path.dirname(path) or ".", [])
    for d in report.diagnostics:
        by_package.setdefault(os.path.dirname(d.path) or ".", []).append(d)
    if not by_package:
        by_package["."] = []
    root = ET.Element("testsuites", name="gocheck", tests="0", failures="0", errors="0")
    total = failures = 0
    for package in sorted(by_package):
        found = by_package[package]
        suite = ET.SubElement(root, "testsuite", name=package, tests=str(max(1, len(found))), failures=str(len(found)), errors="0")
        if not found:
            ET.SubElement(suite, "testcase", name="gocheck", classname=package)
        for d in found:
            case = ET.SubElement(suite, "testcase", name=f"{d.rule}: {d.path}:{d.line}:{d.column}", classname=package)
            failure = ET.SubElement(case, "failure", message=xml_safe(d.message), type=str(d.severity))
            source = report.line_text(d.path, d.line).decode("utf-8", "replace")
            failure.text = xml_safe(f"{d.path}:{d.line}:{d.column}: {d.severity}: {d.message} ({d.rule})\n{source}")
        total += max(1, len(found))
        failures += len(found)
    root.set("tests", str(total))
    root.set("failures", str(failures))
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
