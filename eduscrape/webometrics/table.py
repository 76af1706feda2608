"""Imported indicator tables: a ``site`` column plus numeric columns (any names).

    table = read_table("published.csv")
    table.numeric("pages_google")   # {site: 1234.0, ...}; a bad cell is a WebometricsError

Comma, semicolon or tab separated, UTF-8 (with or without BOM). Cells are parsed
when a method uses their column, so text columns (names, countries) may sit
beside the counts. An empty cell in a used column is an error, or 0 with
``missing="zero"`` (counted in ``filled`` and reported). ``1,234`` is a thousands separator in a comma-separated file
and ``0,53`` a decimal comma in a semicolon-separated one.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from eduscrape.webometrics.errors import WebometricsError

MISSING = {"", "-", "\u2013", "\u2014", "n/a", "na", "nan", "null", "none"}
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


@dataclass
class IndicatorTable:
    """Rows keyed by site, in file order; ``cells[site][column]`` is the raw text."""

    sites: list[str]
    columns: list[str]  # every column but ``site``, in file order
    cells: dict[str, dict[str, str]]
    delimiter: str = ","
    path: str = ""
    missing: str = "error"  # or "zero": empty / n/a / - cells read as 0 (and counted)
    filled: dict[str, int] = field(default_factory=dict)  # column -> cells read as 0
    _parsed: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)

    def numeric(self, column: str) -> dict[str, float]:
        """Every site's value of *column* as a float (errors name the site and the cell)."""
        if column not in self._parsed:
            if column not in self.columns:
                raise WebometricsError(f"{self.path or 'table'}: no column {column!r}")
            values = {}
            for site in self.sites:
                text = self.cells[site][column]
                if self.missing == "zero" and text.strip().lower() in MISSING:
                    self.filled[column] = self.filled.get(column, 0) + 1
                    values[site] = 0.0
                else:
                    values[site] = parse_number(text, self.delimiter, column, site)
            self._parsed[column] = values
        return self._parsed[column]

    def restrict(self, sites: list[str]) -> IndicatorTable:
        """The same table with only *sites* (kept in file order)."""
        wanted = set(sites)
        kept = [s for s in self.sites if s in wanted]
        return IndicatorTable(
            kept, self.columns, {s: self.cells[s] for s in kept}, self.delimiter, self.path,
            self.missing,
        )  # fmt: skip


def parse_number(text: str, delimiter: str = ",", column: str = "", site: str = "") -> float:
    """A table cell as a float (thousands separators, decimal commas); a clear error else."""
    raw = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if delimiter == ";" and _DECIMAL_COMMA.match(raw):
        raw = raw.replace(",", ".")
    elif _THOUSANDS.match(raw):
        raw = raw.replace(",", "")
    try:
        value = float(raw)
    except ValueError:
        where = f"column {column!r}, site {site!r}" if column else "value"
        hint = " (--missing zero reads empty cells as 0)" if raw.lower() in MISSING else ""
        raise WebometricsError(f"{where}: {text!r} is not a number{hint}") from None
    if not math.isfinite(value):
        raise WebometricsError(f"column {column!r}, site {site!r}: {text!r} is not finite")
    return value


def read_table(path: str | Path, missing: str = "error") -> IndicatorTable:
    """The indicator table of a CSV file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise WebometricsError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise WebometricsError(f"{path}: cannot read it ({exc})") from None
    return parse_table(text, str(path), missing)


def parse_table(text: str, name: str = "table", missing: str = "error") -> IndicatorTable:
    """The indicator table of CSV text (delimiter guessed from the header)."""
    if missing not in ("error", "zero"):
        raise WebometricsError(f"missing cells: 'error' or 'zero', not {missing!r}")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise WebometricsError(f"{name}: the table is empty")
    header = lines[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    columns = [c.strip() for c in rows[0]]
    lowered = [c.lower() for c in columns]
    if "site" not in lowered:
        raise WebometricsError(f"{name}: no 'site' column (header: {', '.join(columns)})")
    if len(set(columns)) != len(columns):
        dupes = sorted({c for c in columns if columns.count(c) > 1})
        raise WebometricsError(f"{name}: duplicate column(s) {', '.join(dupes)}")
    site_at = lowered.index("site")
    others = [c for i, c in enumerate(columns) if i != site_at]
    sites: list[str] = []
    cells: dict[str, dict[str, str]] = {}
    for number, row in enumerate(rows[1:], 2):
        if len(row) != len(columns):
            raise WebometricsError(
                f"{name}: line {number} has {len(row)} cells, the header {len(columns)}"
            )
        site = row[site_at].strip()
        if not site:
            raise WebometricsError(f"{name}: line {number} has an empty site")
        if site in cells:
            raise WebometricsError(f"{name}: site {site!r} appears twice")
        sites.append(site)
        cells[site] = {c: row[i] for i, c in enumerate(columns) if i != site_at}
    if not sites:
        raise WebometricsError(f"{name}: the table has a header but no rows")
    return IndicatorTable(sites, others, cells, delimiter, name, missing)
