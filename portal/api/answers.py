"""What the API answers, declared once as pydantic models: the OpenAPI document's response schemas.

The request bodies are the input schemas themselves (portal.*.validation); these models only
describe the JSON the handlers build (services' as_api_dict and the receipts), for portal.api.spec.
A field without a default is always present; `X | None` may be null.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .. import catalog
from ..validation import Choice



class Answer(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class ApiError(Answer):
    error: str = None
    message: str = None
    status: int = None


class ValidationErrors(Answer):
    """422: every refused field with its messages (the same as the forms show)."""

    errors: dict[str, list[str]]


class Option(Answer):
    code: str
    label: str


class Categories(Answer):
    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, list[Option]]

    complaints: list[Option]
    gratification_items: list[Option]
    wbs: list[Option]


class Attachment(Answer):
    name: str
    size: int


class TimelineEntry(Answer):
    at: datetime = None
    kind: str = None
    status: str | None = None
    status_label: str | None = None
    body: str | None = None


class ComplaintReceipt(Answer):
    ticket: str = Field(pattern=r"^PGD-[0-9]{4}-[0-9]{6,}$")
    access_code: str | None = Field(description="Shown once; null on a replay after the replay window")
    status: str
    submitted_at: datetime
    verification_due: date | None = None
    replayed: bool = None


class ComplaintView(Answer):
    ticket: str
    status: str
    status_label: str = None
    category: str
    problem: str = None
    classification: str = None
    privacy: str = None
    submitted_at: datetime
    subject: str | None
    description: str
    attachments: list[Attachment]
    deadline: date | None = Field(description="Due date of the current step")
    due_on: date | None = Field(None, description="Same as deadline (older name)")
    rating: int | None = None
    answer: str | None = Field(description="The office's final answer (jawaban resmi)")
    timeline: list[TimelineEntry]


class CaseReply(Answer):
    ticket: str
    status: str
    resumed: str | None = None
    deadline: date | None


class GratificationReceipt(Answer):
    ticket: str = Field(pattern=r"^GRT-[0-9]{4}-[0-9]{6,}$")
    access_code: str | None = Field(description="Shown once; null on a replay after the replay window")
    status: str
    submitted_at: datetime
    received_on: date = None
    report_deadline: date = Field(description="30 working days after receipt (UU 20/2001 Ps 12C)")
    late: bool = Field(description="Reported after report_deadline")
    exemption_hint: str | None = Field(description="Plain-language hint that the gift looks exempt; never a refusal")
    exemption_rule: str | None = None
    replayed: bool = None


class GratificationView(Answer):
    ticket: str
    status: str
    status_label: str = None
    category: str = Field(description="item_type")
    action: str = None
    submitted_at: datetime
    received_on: date = None
    report_deadline: date
    late: bool
    kpk_decision: Annotated[str | None, Choice(options=catalog.GRATIFICATION_KPK_DECISIONS, nullable=True)] = None
    gol_number: str | None = Field(None, description="KPK Gratifikasi Online number, once forwarded")
    kpk_decree_number: str | None = None
    kpk_decree_date: date | None = None
    description: str | None = None
    attachments: list[Attachment] = None
    deadline: date | None = Field(None, description="Due date of the current step")
    timeline: list[TimelineEntry]


class TipReceipt(Answer):
    receipt: str = Field(pattern=r"^[0-9]{16}$")


class MailboxMessage(Answer):
    id: int = None
    from_: Literal["reporter", "handler"] = Field(None, alias="from")
    on: date = None
    body: str | None = None
    intact: bool = None


class Mailbox(Answer):
    status: str
    status_label: str = None
    category: str | None = None
    submitted_on: date = None
    messages: list[MailboxMessage]
    attachments: list[dict[str, Any]] = None
    closing_message: str | None = Field(None, description="The handlers' closing words, once the tip is closed")


class MessageStored(Answer):
    id: int = None
    status: str = None


class FilesStored(Answer):
    stored: int = None


class SkmStored(Answer):
    service: str = None
    submitted_on: date = None


Count = Annotated[int | float | str | bool | None,
                  Field(description='A figure; WBS counts of 1 or 2 are the string "< 3" (suppressed)')]


class Column(Answer):
    key: str = None
    label: str = None


class Table(Answer):
    title: str
    note: str = None
    columns: list[Column]
    rows: list[dict[str, Count]]
    total: dict[str, Count] | None = None


class Period(Answer):
    code: str = None
    kind: str = None
    label: str = None
    start: date = None
    end: date = None


class ReportFigures(Answer):
    schema_: int = Field(None, alias="schema")
    channel: str
    period: Period
    title: str
    received: Count
    summary: dict[str, Any]
    tables: dict[str, Table]
    table_order: list[str] = None
    notes: list[str] = None


class ReportSummary(Answer):
    id: int
    channel: Literal["complaints", "gratification", "wbs"]
    period: str = Field(description="Month YYYY-MM or semester YYYY-S1 / YYYY-S2")
    period_kind: Literal["month", "semester"] = None
    version: int = Field(ge=1)
    published_at: datetime
    title: str
    superseded_by: int | None = Field(None, description="Id of the correction that replaced this version, if any")


class ReportDetail(ReportSummary):
    follow_up_plan: str | None = Field(None, description="Rencana tindak lanjut")
    correction_note: str | None = Field(None, description="What this version corrects")
    report: ReportFigures
