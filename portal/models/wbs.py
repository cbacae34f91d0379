"""Whistleblowing (WBS) tables. Nothing a whistleblower wrote is stored in clear here.

Left in clear on purpose (SECURITY.md): tip id, status, category, days (not seconds), which
handlers hold a wrapped key. Everything else is AES-256-GCM ciphertext under the tip's data key
(`*_ct` columns, attachment files under instance/wbs/), and the data key exists only wrapped:
for each appointed handler's X25519 public key, for the organisation recovery key, and under the
key derived from the receipt (see portal/whistle/keys.py and docs/security.md).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

HOLDER_HANDLER = "handler"
HOLDER_RECOVERY = "recovery"
HOLDER_RECEIPT = "receipt"


class WbsDecree(db.Model):
    """The SK (surat keputusan) that names the Tim WBS."""

    __tablename__ = "wbs_decrees"

    id: Mapped[int] = mapped_column(primary_key=True)
    sk_number: Mapped[str] = mapped_column(String(100), nullable=False)
    sk_date: Mapped[date] = mapped_column(Date, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class WbsHandler(db.Model):
    """An account appointed to the Tim WBS, and its key pair (private half wrapped by the password)."""

    __tablename__ = "wbs_handlers"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    appointed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    decree_id: Mapped[int | None] = mapped_column(ForeignKey("wbs_decrees.id", ondelete="SET NULL"), nullable=True)
    appointed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    revoked_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    public_key: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    key_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # envelope.wrap_private_key: Argon2id(password, own salt) + AES-256-GCM; never the login hash.
    wrapped_private_key: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    key_created_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Ed25519 half of the key pair (derived from the private key): signs endorsements and rotations.
    signing_public: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # JSON list of certificates from the pinned recovery key to this key pair (portal/whistle/trust.py).
    # Only a key whose chain verifies receives tips; nobody without a signing key can make one.
    endorsement: Mapped[str | None] = mapped_column(Text, nullable=True)
    endorsed_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    user = relationship("User")
    decree = relationship(WbsDecree)


class WbsRecoveryKey(db.Model):
    """The organisation recovery key: only the public half is stored (the private half is on paper)."""

    __tablename__ = "wbs_recovery_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    key_id: Mapped[str] = mapped_column(String(16), nullable=False)
    created_on: Mapped[date] = mapped_column(Date, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # A record only: sealing and endorsement trust the copy pinned in instance/ (trust.PIN_FILE).
    signing_public: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


# What a whistleblower writes (4W1H and, if they wish, a way to reach them): one home for the list that
# the form (portal.whistle.validation), the sealing (portal.whistle.services) and the columns below share.
TIP_FIELDS = ("what", "who", "where", "when", "how", "contact")

# Each field is stored only as ciphertext under the tip's data key, in the column `<field>_ct`.
SealedTipFields = type("SealedTipFields", (), {
    "__doc__": "The columns `<field>_ct` of WbsTip, one per TIP_FIELDS entry (nullable: a field may be left empty).",
    **{f"{name}_ct": mapped_column(LargeBinary, nullable=True) for name in TIP_FIELDS},
})


class WbsTip(SealedTipFields, db.Model):
    __tablename__ = "wbs_tips"

    id: Mapped[int] = mapped_column(primary_key=True)
    # HKDF(Argon2id(receipt, salt=pepper)): one derivation finds the tip; the receipt is not stored.
    lookup_id: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False, unique=True)
    receipt_kdf: Mapped[bytes] = mapped_column(LargeBinary(16), nullable=False)  # KdfParams.to_bytes()
    # Hash of the form's one-time key: a resubmitted form files no second tip. The receipt is never
    # sealed under it (SECURITY.md promise 2): a repeat only says the tip was already sent.
    submission_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    category: Mapped[str | None] = mapped_column(String(40), nullable=True)  # clear: statistics
    status: Mapped[str] = mapped_column(String(30), nullable=False, default="received")
    submitted_on: Mapped[date] = mapped_column(Date, nullable=False)  # the day, never the second
    status_changed_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Something from the whistleblower waits for a handler / notification already sent.
    awaiting_handler: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    awaiting_notified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    keys: Mapped[list["WbsTipKey"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    messages: Mapped[list["WbsMessage"]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                       order_by="WbsMessage.id")
    attachments: Mapped[list["WbsAttachment"]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                             order_by="WbsAttachment.id")
    events: Mapped[list["WbsEvent"]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                   order_by="WbsEvent.id")
    exclusions: Mapped[list["WbsExclusion"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)

    __table_args__ = (
        Index("ix_wbs_tips_status_submitted", "status", "submitted_on"),
        Index("ix_wbs_tips_status_closed", "status", "closed_on"),
    )


class WbsTipKey(db.Model):
    """One wrapped copy of a tip's data key: for a handler, the recovery key or the receipt."""

    __tablename__ = "wbs_tip_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("wbs_tips.id", ondelete="CASCADE"), nullable=False)
    holder: Mapped[str] = mapped_column(String(10), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True)
    key_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)

    __table_args__ = (
        Index("ix_wbs_tip_keys_tip_holder", "tip_id", "holder"),
        Index("ix_wbs_tip_keys_user_tip", "user_id", "tip_id"),
    )


class WbsMessage(db.Model):
    """Ids are random (services.fresh_id), not a counter: a counter shared by both sides would let
    anyone holding the timed audit rows of handler replies place a whistleblower's message between
    them. The order within the conversation is in order_ct, encrypted with the tip's data key."""

    __tablename__ = "wbs_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("wbs_tips.id", ondelete="CASCADE"), nullable=False, index=True)
    author: Mapped[str] = mapped_column(String(10), nullable=False)  # reporter | handler
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_on: Mapped[date] = mapped_column(Date, nullable=False)
    body_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    order_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class WbsAttachment(db.Model):
    """Random ids like WbsMessage; the order sits in the encrypted meta_ct."""

    __tablename__ = "wbs_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("wbs_tips.id", ondelete="CASCADE"), nullable=False, index=True)
    storage_name: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    author: Mapped[str] = mapped_column(String(10), nullable=False)
    created_on: Mapped[date] = mapped_column(Date, nullable=False)
    # {"name", "type", "size"} encrypted: even the file name can identify a whistleblower.
    meta_ct: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class WbsEvent(db.Model):
    """Status history; the reason text is encrypted like everything else written about the case."""

    __tablename__ = "wbs_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("wbs_tips.id", ondelete="CASCADE"), nullable=False, index=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # submitted | status
    status_from: Mapped[str | None] = mapped_column(String(30), nullable=True)
    status_to: Mapped[str | None] = mapped_column(String(30), nullable=True)
    reason_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class WbsExclusion(db.Model):
    """A handler kept away from one tip (conflict of interest): their wrapped key was destroyed.

    Excluding someone else is first a request (pending): it takes effect, and the copy is destroyed,
    only when a second handler confirms, so no single handler can lock the others out."""

    __tablename__ = "wbs_exclusions"

    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("wbs_tips.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    pending: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    __table_args__ = (UniqueConstraint("tip_id", "user_id"),)
