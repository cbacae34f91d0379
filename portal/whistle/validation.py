"""The one schema of a WBS tip and of a mailbox message (HTML form and JSON API alike)."""
from __future__ import annotations

from typing import Annotated

from .. import catalog
from ..models.wbs import TIP_FIELDS
from ..validation import Choice, Schema, Text

WHAT_MIN = 20
TEXT_MAX = 10_000
SHORT_MAX = 2_000
CONTACT_MAX = 500
MESSAGE_MAX = 10_000

# 4W1H (DOMAIN.md §2): what is required, the rest help the telaah.
FIELDS = TIP_FIELDS


class TipInput(Schema):
    """A whistleblowing tip (4W1H); everything is sealed for the appointed handlers."""

    what: Annotated[str, Text(required=True, min_len=WHAT_MIN, max_len=TEXT_MAX, multiline=True,
                              description="What happened")]
    who: Annotated[str | None, Text(max_len=SHORT_MAX, multiline=True, description="Who is involved")] = None
    where: Annotated[str | None, Text(max_len=SHORT_MAX, multiline=True)] = None
    when: Annotated[str | None, Text(max_len=SHORT_MAX, multiline=True)] = None
    how: Annotated[str | None, Text(max_len=TEXT_MAX, multiline=True)] = None
    category: Annotated[str, Choice(options=catalog.WBS_CATEGORIES, default="lainnya")] = None
    contact: Annotated[str | None, Text(max_len=CONTACT_MAX, multiline=True,
                                        description="Optional; kept encrypted")] = None


class MessageInput(Schema):
    """A message in the WBS mailbox (reporter or handler)."""

    body: Annotated[str, Text(required=True, min_len=1, max_len=MESSAGE_MAX, multiline=True)]


def validate_message(data) -> tuple[str | None, dict]:
    clean, errors = MessageInput.check(data)
    return clean.get("body"), errors
