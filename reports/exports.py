"""Biểu 06, the indicators and the monthly insight report as CSV, XLSX (openpyxl) and PDF.

The files carry exactly the numbers of the pages (same selectors); tests read them back.
WeasyPrint is imported where a PDF is made, not at start-up.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.periods import Period
from reports import insights
from reports.cells import BESIDE_COLUMNS, BIEU06_COLUMNS, CELLS, DIMENSIONS
from reports.indicators import IndicatorResult, indicator_list
from reports.selectors import ReportTable, report_table, synthetic_withdrawals

Progress = Callable[[int], None]
FORM_CODE = "Biểu số 06/VPCP/KSTT"


def _title() -> str:
    return _("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH")


def _cell_headers() -> list[str]:
    return [str(CELLS[c].label) for c in BIEU06_COLUMNS + BESIDE_COLUMNS]


def _indicator_row(r: IndicatorResult) -> list:
    m = r.measure
    if r.spec.code == "processing_time":
        value = r.average_days
    elif r.spec.code == "e_certification":
        value = (_("Có") if m.numerator else _("Không")) if m else None
    else:
        value = r.rate
    return [
        str(r.spec.group), str(r.spec.name), str(r.spec.formula),
        m.numerator if m and r.spec.code != "e_certification" else "",
        m.denominator if m and r.spec.code != "e_certification" else "",
        value if value is not None else _("chưa có dữ liệu"),
        f"{r.spec.target}%" if r.spec.target else "",
        r.spec.points if r.spec.points is not None else "",
        r.score if r.score is not None else "",
        str(r.spec.source),
        r.reason or "; ".join(f"{d.label}: {d.value}" for d in (m.details if m else ())),
    ]


def _indicator_headers() -> list[str]:
    return [_("Nhóm"), _("Chỉ số"), _("Công thức"), _("Tử số"), _("Mẫu số"),
            _("Kết quả (%)"), _("Chỉ tiêu"), _("Điểm tối đa"), _("Điểm đạt"), _("Nguồn dữ liệu"),
            _("Ghi chú")]


# --- cells a spreadsheet would run ----------------------------------------------------------
#: A text cell starting with one of these is read by Excel and LibreOffice as a formula (tab
#: and carriage return hide a formula behind them). Names come from staff accounts and the
#: catalogue: ``=HYPERLINK(...)`` as a name would run in the leader's spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value):
    """Text that could run is written with a leading apostrophe, the spreadsheets' own way of
    saying "this is text"; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _inert_cells(wb) -> None:
    """Every text cell of the workbook is stored as text, never as a formula (openpyxl turns a
    string starting with ``=`` into one); the text itself is kept as written."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                    cell.data_type = "s"


# --- CSV ------------------------------------------------------------------------------------
def _csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[_csv_cell(value) for value in row] for row in rows])
    # The BOM makes Excel open Vietnamese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def bieu06_csv(table: ReportTable) -> bytes:
    dim = DIMENSIONS[table.dimension].label if table.dimension else ""
    rows = [[FORM_CODE, _title(), table.period.label],
            [_("STT"), str(dim), *_cell_headers()]]
    for i, row in enumerate(table.rows, 1):
        rows.append([i, row.label, *[row[c] for c in BIEU06_COLUMNS + BESIDE_COLUMNS]])
    rows.append(["", str(table.total.label),
                 *[table.total[c] for c in BIEU06_COLUMNS + BESIDE_COLUMNS]])
    return _csv(rows)


def indicators_csv(period: Period, results: list[IndicatorResult]) -> bytes:
    rows = [[_("Bộ chỉ số Quyết định 766/QĐ-TTg"), period.label], _indicator_headers()]
    rows += [_indicator_row(r) for r in results]
    return _csv(rows)


# --- XLSX -----------------------------------------------------------------------------------
def _xlsx_styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="000000")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "bold": Font(name="Times New Roman", bold=True, size=11),
        "normal": Font(name="Times New Roman", size=11),
        "title": Font(name="Times New Roman", bold=True, size=13),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "fill": PatternFill("solid", fgColor="F2F2F2"),
    }


def bieu06_xlsx(table: ReportTable) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    s = _xlsx_styles()
    wb = Workbook()
    ws = wb.active
    ws.title = "Bieu 06"
    ncols = 2 + len(BIEU06_COLUMNS) + len(BESIDE_COLUMNS)
    last = get_column_letter(ncols)
    ws["A1"] = settings.UNIT_NAME.upper()
    ws["A1"].font = s["bold"]
    ws.merge_cells("A1:F1")
    ws[f"{get_column_letter(ncols - 3)}1"] = FORM_CODE
    ws[f"{get_column_letter(ncols - 3)}1"].font = s["bold"]
    ws["A3"] = _title()
    ws["A3"].font = s["title"]
    ws["A3"].alignment = s["center"]
    ws.merge_cells(f"A3:{last}3")
    ws["A4"] = _("Kỳ báo cáo: %(period)s") % {"period": table.period.label}
    ws["A4"].alignment = s["center"]
    ws.merge_cells(f"A4:{last}4")
    dim = str(DIMENSIONS[table.dimension].label) if table.dimension else _("Đơn vị")
    # Three header rows as on the official form.
    groups = [
        (3, 6, _("Số hồ sơ nhận giải quyết")),
        (7, 10, _("Số hồ sơ đã giải quyết")),
        (11, 13, _("Số hồ sơ đang giải quyết")),
        (14, 15, _("Ngoài biểu (ghi chú)")),
    ]
    top, mid, low = 6, 7, 8
    for col, text in ((1, _("STT")), (2, dim)):
        ws.cell(top, col, text)
        ws.merge_cells(start_row=top, start_column=col, end_row=low, end_column=col)
    for first, last_col, text in groups:
        ws.cell(top, first, text)
        ws.merge_cells(start_row=top, start_column=first, end_row=top, end_column=last_col)
    headers = _cell_headers()
    for i, text in enumerate(headers):
        col = 3 + i
        ws.cell(mid, col, text)
        ws.merge_cells(start_row=mid, start_column=col, end_row=low, end_column=col)
    numbers_row = low + 1
    for col in range(1, ncols + 1):
        ws.cell(numbers_row, col, f"({col})")
    data_row = numbers_row + 1
    for i, row in enumerate(table.rows, 1):
        ws.cell(data_row, 1, i)
        ws.cell(data_row, 2, row.label)
        for j, c in enumerate(BIEU06_COLUMNS + BESIDE_COLUMNS):
            ws.cell(data_row, 3 + j, row[c])
        data_row += 1
    ws.cell(data_row, 2, str(table.total.label))
    for j, c in enumerate(BIEU06_COLUMNS + BESIDE_COLUMNS):
        ws.cell(data_row, 3 + j, table.total[c])
    for r in range(top, data_row + 1):
        for col in range(1, ncols + 1):
            cell = ws.cell(r, col)
            cell.border = s["border"]
            header = r <= numbers_row
            cell.font = s["bold"] if header or r == data_row else s["normal"]
            cell.alignment = s["center"] if header or col != 2 else s["left"]
            if header:
                cell.fill = s["fill"]
            elif col > 2:
                cell.number_format = "#,##0"
    ws.row_dimensions[mid].height = 30
    ws.row_dimensions[low].height = 30
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 42
    for col in range(3, ncols + 1):
        ws.column_dimensions[get_column_letter(col)].width = 13
    ws.freeze_panes = ws.cell(data_row - len(table.rows), 3)
    note = data_row + 2
    ws.cell(note, 1, _bieu06_note(table.period, table.source))
    ws.merge_cells(start_row=note, start_column=1, end_row=note, end_column=ncols)
    ws.cell(note, 1).alignment = s["left"]
    ws.row_dimensions[note].height = 45
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    return _save(wb)


def indicators_xlsx(period: Period, results: list[IndicatorResult]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    s = _xlsx_styles()
    wb = Workbook()
    ws = wb.active
    ws.title = "Chi so 766"
    ws["A1"] = _("BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (QUYẾT ĐỊNH 766/QĐ-TTg)")
    ws["A1"].font = s["title"]
    ws["A2"] = "%s — %s" % (settings.UNIT_NAME, period.label)
    headers = _indicator_headers()
    for col, text in enumerate(headers, 1):
        cell = ws.cell(4, col, text)
        cell.font, cell.alignment, cell.fill, cell.border = (
            s["bold"], s["center"], s["fill"], s["border"])
    for r, result in enumerate(results, 5):
        for col, value in enumerate(_indicator_row(result), 1):
            cell = ws.cell(r, col, float(value) if hasattr(value, "quantize") else value)
            cell.border, cell.font = s["border"], s["normal"]
            cell.alignment = s["left"] if col in (1, 2, 3, 10, 11) else s["center"]
            if col in (4, 5):
                cell.number_format = "#,##0"
            if col in (6, 9):
                cell.number_format = "0.00"
    for col, width in enumerate([24, 34, 46, 10, 10, 12, 10, 10, 10, 34, 40], 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "C5"
    ws.page_setup.orientation = "landscape"
    return _save(wb)


def _save(wb) -> bytes:
    _inert_cells(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _bieu06_note(period: Period, source: str = "rollup") -> str:
    """The notes under the table; a period with withdrawals a seeding invented says so (counted
    from the table's own source)."""
    note = _(
        "Ghi chú: Biểu mẫu không có cột cho hồ sơ dừng xử lý (công dân rút hồ sơ) và hồ sơ "
        "không được tiếp nhận; hai số này được ghi ngoài biểu. Hồ sơ dừng xử lý đã được tính ở "
        "cột tiếp nhận nên: Tổng tiếp nhận = Đã giải quyết + Đang giải quyết + Dừng xử lý. Hồ sơ "
        "không được tiếp nhận không tính vào cột nào của biểu. Xếp loại theo hạn giải quyết ban "
        "đầu, kể cả khi đã có văn bản xin lỗi, hẹn lại."
    )
    invented = synthetic_withdrawals(period=period, source=source)
    if invented:
        note += " " + ngettext(
            "%(n)d hồ sơ dừng xử lý trong kỳ là dữ liệu mô phỏng, sinh ra để lấp phần chênh "
            "lệch của số liệu đã công bố.",
            "%(n)d hồ sơ dừng xử lý trong kỳ là dữ liệu mô phỏng, sinh ra để lấp phần chênh "
            "lệch của số liệu đã công bố.", invented) % {"n": invented}
    return note


# --- PDF ------------------------------------------------------------------------------------
def _pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {
        **context, "unit_name": settings.UNIT_NAME, "printed_at": timezone.localtime(),
        "form_code": FORM_CODE,
        "note": _bieu06_note(context["period"], "rollup") if "period" in context
        else _bieu06_note(context["table"].period, context["table"].source),
    })
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def bieu06_pdf(table: ReportTable) -> bytes:
    return _pdf("reports/pdf/bieu06.html", {"table": table, "title": _title(),
                                             "headers": _cell_headers(),
                                             "columns": BIEU06_COLUMNS + BESIDE_COLUMNS,
                                             "dimension": DIMENSIONS.get(table.dimension)})


def indicators_pdf(period: Period, results: list[IndicatorResult]) -> bytes:
    return _pdf("reports/pdf/indicators.html", {
        "period": period, "headers": _indicator_headers(),
        "rows": [_indicator_row(r) for r in results],
    })


def insights_pdf(period: Period) -> bytes:
    return _pdf("reports/pdf/insights.html", {
        "period": period, "total": report_table(period=period).total,
        "by_field": report_table(period=period, dimension="field"),
        "indicators": indicator_list(period=period), **insights.insight_report(period=period),
    })


def build(kind: str, file_format: str, period: Period, dimension: str,
          progress: Progress) -> tuple[str, bytes]:
    """The file for an export job: (file name, content)."""
    stamp = f"{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    progress(10)
    if kind == "bieu06":
        table = report_table(period=period, dimension=dimension)
        progress(50)
        content = {"csv": bieu06_csv, "xlsx": bieu06_xlsx, "pdf": bieu06_pdf}[file_format](table)
        return f"bieu06-{dimension}-{stamp}.{file_format}", content
    if kind == "indicators":
        results = indicator_list(period=period)
        progress(50)
        content = {"csv": indicators_csv, "xlsx": indicators_xlsx,
                   "pdf": indicators_pdf}[file_format](period, results)
        return f"chi-so-766-{stamp}.{file_format}", content
    progress(30)
    return f"bao-cao-phan-tich-{stamp}.pdf", insights_pdf(period)
