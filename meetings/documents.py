"""The special report as a Word document (python-docx), laid out like an official report: title,
addressees, unit and date, attendees, observers, the criticism and self-criticism, the problems
found, the rectification table, and the unit and date at the foot."""

from __future__ import annotations

import io
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from meetings.models import Meeting, MeetingReport

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Official documents are set in FangSong for the text and a heavier face for the title (GB/T 9704).
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"


def report_title(meeting: Meeting) -> str:
    return _("Report of %(unit)s on its special democratic life meeting on %(theme)s") % {
        "unit": meeting.unit.name,
        "theme": meeting.theme,
    }


def _chinese_date(day: date) -> str:
    return _("%(year)s-%(month)s-%(day)s") % {"year": day.year, "month": day.month, "day": day.day}


def _font(run: object, name: str, size: float, *, bold: bool = False) -> None:
    run.font.name = name  # type: ignore[attr-defined]
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    # East Asian text takes its face from the eastAsia attribute, not from the name.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)  # type: ignore[attr-defined]


def _paragraph(
    document: object,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = 16,
    bold: bool = False,
    align: int | None = None,
    indent: bool = False,
) -> None:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    _font(paragraph.add_run(text), font, size, bold=bold)


def _heading(document: object, text: str) -> None:
    _paragraph(document, text, font=HEADING_FONT, size=16)


def report_docx(meeting: Meeting, report: MeetingReport) -> bytes:
    """The report as the bytes of a .docx file."""
    document = Document()
    _paragraph(document, report_title(meeting), font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(
        document,
        _(
            "To the Municipal Commission for Discipline Inspection and the Organization Department "
            "of the Municipal Party Committee:"
        ),
    )
    facts = [
        (_("Unit"), meeting.unit.name),
        (_("Held on"), _chinese_date(meeting.held_on)),
        (_("Theme"), meeting.theme),
        (
            _("Attendees"),
            "、".join(f"{c.name}（{c.position}）" if c.position else c.name for c in meeting.attendees.all()),
        ),
        (
            _("Observers"),
            "、".join(u.get_full_name() or u.get_username() for u in meeting.observers.all()) or _("none"),
        ),
    ]
    for label, value in facts:
        _paragraph(document, f"{label}：{value}", indent=True)
    if report.summary:
        _heading(document, _("I. The meeting"))
        for line in report.summary.splitlines():
            if line.strip():
                _paragraph(document, line.strip(), indent=True)
    _heading(document, _("II. Criticism and self-criticism"))
    minutes = list(meeting.minutes.select_related("cadre"))
    if not minutes:
        _paragraph(document, _("No minutes recorded."), indent=True)
    for entry in minutes:
        _paragraph(document, entry.cadre.name, bold=True, indent=True)
        if entry.self_criticism:
            _paragraph(document, _("Self-criticism: %(text)s") % {"text": entry.self_criticism}, indent=True)
        if entry.criticism_received:
            _paragraph(document, _("Criticism received: %(text)s") % {"text": entry.criticism_received}, indent=True)
    _heading(document, _("III. Problems found"))
    problems = list(meeting.problems.select_related("cadre", "ethos"))
    if not problems:
        _paragraph(document, _("No problems recorded."), indent=True)
    for number, problem in enumerate(problems, start=1):
        tags = "、".join(
            t for t in (problem.ethos.name if problem.ethos else "", problem.cadre.name if problem.cadre else "") if t
        )
        _paragraph(document, f"{number}. {problem.text}" + (f"（{tags}）" if tags else ""), indent=True)
    _heading(document, _("IV. Rectification list"))
    headers = [_("No."), _("Problem"), _("Measure"), _("Responsible"), _("Deadline"), _("Status")]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, 12)
    items = meeting.items.select_related("problem", "responsible").order_by("deadline", "id")
    for number, item in enumerate(items, start=1):
        values = [
            str(number),
            item.problem.text,
            item.measure,
            item.responsible.name,
            item.deadline.isoformat(),
            str(item.get_status_display()),
        ]
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, 12)
    _paragraph(document, "")
    _paragraph(document, meeting.unit.name, align=WD_ALIGN_PARAGRAPH.RIGHT)
    day = timezone.localdate(report.submitted_at) if report.submitted_at else timezone.localdate()
    _paragraph(document, _chinese_date(day), align=WD_ALIGN_PARAGRAPH.RIGHT)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def report_filename(meeting: Meeting) -> str:
    return f"meeting-report-{meeting.unit.code}-{meeting.held_on.isoformat()}.docx"
