"""Typed SQLAlchemy models, one module per domain; no view or crypto logic here."""
from .counters import TicketCounter  # noqa: F401
from .complaint import Complaint, ComplaintAttachment, ComplaintEvent  # noqa: F401
from .outbox import OutboxMail  # noqa: F401
from .calendar import CalendarDay, CalendarOverride  # noqa: F401
from .user import ROLES, LoginThrottle, RecoveryCode, User, UserSession  # noqa: F401
from .audit import AuditEntry, AuditHead  # noqa: F401
from .settings import ConfigGeneration, PageGeneration, PortalSetting, SlaSetting  # noqa: F401
from .wbs import (WbsAttachment, WbsDecree, WbsEvent, WbsExclusion, WbsHandler, WbsMessage,  # noqa: F401
                  WbsRecoveryKey, WbsTip, WbsTipKey)
from .gratification import GratificationAttachment, GratificationEvent, GratificationReport  # noqa: F401
from .publication import PublishedReport, ReportDraft  # noqa: F401
from .zi import (ConflictDeclaration, ConflictPosition, FollowUpPlan, MonevEntry, RenjaEvidence,  # noqa: F401
                 RenjaRow, RenjaStatus, ServiceStandard, ZiPage)
from .survey import (PerceptionAnswer, PerceptionQuestion, PerceptionResponse, SkmFollowUp,  # noqa: F401
                     SkmPopulation, SkmResponse)
from .files import StoredFile, StoredFileChunk  # noqa: F401
from .hosts import SecretFingerprint  # noqa: F401
from .unit import Unit  # noqa: F401
from ..privacy.models import PrivacyErasure, PrivacyRequest  # noqa: F401,E402  (UU PDP requests: portal.privacy)
