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


def csv_document(rows: Iterable[Iterable[Any]]) -> bytes:
    """A whole CSV file for a spreadsheet: UTF-8 with a BOM (so Excel, in an Indonesian locale too,
    reads it as UTF-8), every cell through `csv_cell`."""
    import io

    out = io.StringIO()
    csv_writer(out).writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def zip_document(files: Iterable[tuple[str, bytes]], when: datetime) -> bytes:
    """A zip of `files` (name, bytes) in the given order, every entry dated `when`: the same
    files give the same bytes (a download can be rendered again from its snapshot)."""
    import io
    import zipfile

    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()
