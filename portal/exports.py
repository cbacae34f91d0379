"""The one writer of every CSV and XLSX the portal produces: text cells are inert, numbers stay numbers.

A spreadsheet runs a cell that starts with `= + - @` (and, in some programs, a tab or carriage
return) as a formula, so a complaint subject such as `=HYPERLINK("http://…","klik")` would
become a live link or worse in the hands of the official who opens the file.
"""
from __future__ import annotations

import csv
from datetime import date, datetime
from typing import IO, Any, Iterable

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """Text that no spreadsheet evaluates: a leading trigger character gets a single quote before it."""
    return "'" + text if text[:1] in FORMULA_TRIGGERS else text


def csv_cell(value: Any) -> Any:
    """A CSV field: None empty, booleans as Indonesian words, numbers as they are, any text inert."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return inert(str(value))


class CsvWriter:
    """csv.writer whose every row goes through `csv_cell`, so no caller can forget it."""

    def __init__(self, out: IO[str]):
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: IO[str]) -> CsvWriter:
    return CsvWriter(out)


def xlsx_append(sheet, row: Iterable[Any], font=None) -> None:
    """Append a row to an openpyxl sheet: numbers as numbers, everything else a string cell.

    Text is written with data type 's' (openpyxl would otherwise store "=…" as a formula) and
    Excel's quote-prefix flag, which also keeps it text when the official edits the cell.
    Works on normal and write-only sheets; `font` (e.g. bold) styles every cell of the row.
    """
    from openpyxl.cell import Cell

    cells: list[Any] = []
    for column, value in enumerate(row, 1):
        if isinstance(value, bool):
            value = "ya" if value else "tidak"
        if value is None or isinstance(value, (int, float)):
            if font is None or value is None:
                cells.append(value)
                continue
            cell = Cell(sheet, row=1, column=column, value=value)
        else:
            text = value.isoformat() if isinstance(value, (date, datetime)) else str(value)
            # row/column are placeholders: append() places the cell (a write-only sheet needs them set).
            cell = Cell(sheet, row=1, column=column, value=text)
            cell.data_type = "s"
            if text[:1] in FORMULA_TRIGGERS:
                cell.quotePrefix = True
        if font is not None:
            cell.font = font
        cells.append(cell)
    sheet.append(cells)
