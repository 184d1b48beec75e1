"""Every write to a dossier: one transaction, one locked row, one event, reactions on commit.

Each public function is ``dossier_<action>(*, dossier, actor, ..., at=None)``. ``at`` is the
moment the action takes effect; it defaults to now and exists so that demo data and history
seeding go through the same rules as the counter does.

The package is split by concern, like Zulip's ``zerver/actions/``: ``intake`` (creation and the
counter's decisions), ``processing``, ``decision``, ``closing``, ``certification``,
``personal_data`` and ``catalogue``; ``core`` holds the one path every action takes (``_apply``)
and ``history`` the only writers of a dossier's history and pauses, which every app imports
from here: ``from cases.actions import record_event, pause_start, pause_end``. Each public name
is re-exported below, so callers write ``from cases import actions`` and
``actions.dossier_receive(...)``.
"""

from cases.actions.catalogue import (
    catalogue_change_record,
    procedure_revise,
)
from cases.actions.certification import (
    COPY_CERTIFICATION_ROOT,
    MAX_CERTIFICATION_PAGES,
    REUSE_STATES,
    certified_copy_refusal,
    copy_certification_certify,
    copy_certification_receive,
    dossier_reuse_certified_copy,
    is_copy_certification,
)
from cases.actions.closing import (
    dossier_record_fee_payment,
    dossier_request_stop,
    dossier_return_result,
    dossier_stop,
    dossier_transfer,
    fee_refusal,
)
from cases.actions.core import (
    RULED_TRANSITIONS,
    SUPPLEMENT_WINDOW_WORKING_DAYS,
    action_refusal,
)
from cases.actions.decision import (
    dossier_approve,
    dossier_correct_result,
    dossier_open_correction,
    dossier_refuse,
    dossier_send_back,
)
from cases.actions.history import (
    pause_end,
    pause_start,
    record_event,
)
from cases.actions.intake import (
    Applicant,
    SubmittedDocument,
    dossier_complete,
    dossier_create,
    dossier_receive,
    dossier_refuse_intake,
    dossier_request_completion,
)
from cases.actions.personal_data import (
    dossier_read_personal_data,
    dossier_record_personal_data_view,
    dossier_record_personal_data_views,
)
from cases.actions.processing import (
    dossier_assign,
    dossier_confirm_payment,
    dossier_extend,
    dossier_release,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_submit_for_approval,
    dossier_supplement,
)

__all__ = [
    "record_event",
    "pause_start",
    "pause_end",
    "SUPPLEMENT_WINDOW_WORKING_DAYS",
    "RULED_TRANSITIONS",
    "action_refusal",
    "Applicant",
    "SubmittedDocument",
    "dossier_create",
    "dossier_receive",
    "dossier_refuse_intake",
    "dossier_request_completion",
    "dossier_complete",
    "dossier_assign",
    "dossier_request_supplement",
    "dossier_supplement",
    "dossier_request_payment",
    "dossier_confirm_payment",
    "dossier_submit_for_approval",
    "dossier_send_back",
    "dossier_release",
    "dossier_extend",
    "dossier_approve",
    "dossier_refuse",
    "dossier_correct_result",
    "dossier_open_correction",
    "dossier_return_result",
    "fee_refusal",
    "dossier_record_fee_payment",
    "dossier_request_stop",
    "dossier_stop",
    "dossier_transfer",
    "REUSE_STATES",
    "certified_copy_refusal",
    "dossier_reuse_certified_copy",
    "COPY_CERTIFICATION_ROOT",
    "MAX_CERTIFICATION_PAGES",
    "is_copy_certification",
    "copy_certification_receive",
    "copy_certification_certify",
    "dossier_record_personal_data_view",
    "dossier_read_personal_data",
    "dossier_record_personal_data_views",
    "procedure_revise",
    "catalogue_change_record",
]
