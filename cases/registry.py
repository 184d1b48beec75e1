"""The dossier actions, named once: the service each calls, what it takes on the dossier page
(a form) and through the API (a serializer), its button's label and style, and who may take it.

The API's ``/transitions/<name>/``, the dossier page's buttons and its ``/thao-tac/<name>/``,
and the access-matrix test all read this table, so an action offered in one place and missing
or named differently in another cannot happen. Who may is the policy's (``cases.policy``):
an action names the policy entry it is judged by.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cases import action_inputs, actions, forms, policy


def _take(*, dossier, actor, note: str = "", at=None):
    """A handler takes an unassigned dossier of their department: an assignment to themself."""
    return actions.dossier_assign(dossier=dossier, actor=actor, handler=actor, note=note, at=at)


@dataclass(frozen=True)
class Action:
    name: str
    service: Callable
    #: The button's text on the dossier page (``None``: not offered there).
    label: str | None = None
    style: str = "secondary"
    #: The page's form (``None``: not on the page) and the API's input (``None``: not in the API).
    form: type | None = None
    api_input: type | None = None
    #: ``False`` for actions that are not state-machine transitions: whether one may be taken
    #: now is ``cases.actions.action_refusal``'s to say.
    transition: bool = True
    #: The ``cases.policy`` entry the action is judged by, when not its own name.
    judged_as: str = ""

    @property
    def policy_action(self) -> str:
        return self.judged_as or self.name

    @property
    def roles(self) -> frozenset[str] | None:
        """The roles that may take it, or ``None`` for a signer's action, which depends on the
        procedure's competent authority and delegation (``cases.delegation``)."""
        if self.policy_action in policy.SIGNING_ACTIONS:
            return None
        return policy.ACTION_ROLES[self.policy_action]


_ACTIONS = (
    Action("receive", actions.dossier_receive, _("Tiếp nhận"), "primary",
           forms.NoteForm, action_inputs.NoteInput),
    Action("request_completion", actions.dossier_request_completion,
           _("Yêu cầu hoàn thiện (Mẫu 02)"), "secondary",
           forms.ReasonForm, action_inputs.ReasonInput, transition=False),
    Action("complete", actions.dossier_complete, _("Công dân đã hoàn thiện"), "secondary",
           forms.NoteForm, action_inputs.NoteInput, transition=False),
    Action("refuse_intake", actions.dossier_refuse_intake, _("Từ chối tiếp nhận (Mẫu 03)"),
           "danger", forms.ReasonForm, action_inputs.ReasonInput),
    Action("take", _take, _("Nhận xử lý"), "primary", forms.NoteForm, judged_as="assign"),
    Action("assign", actions.dossier_assign, _("Chuyển, phân công xử lý"), "primary",
           forms.AssignForm, action_inputs.AssignInput),
    Action("release", actions.dossier_release, _("Trả lại hàng đợi"), "secondary",
           forms.NoteForm, transition=False),
    Action("request_supplement", actions.dossier_request_supplement,
           _("Yêu cầu bổ sung (Mẫu 02)"), "secondary",
           forms.ReasonForm, action_inputs.ReasonInput),
    Action("supplement", actions.dossier_supplement, _("Đã nhận đủ hồ sơ bổ sung"), "primary",
           forms.NoteForm, action_inputs.NoteInput),
    Action("request_payment", actions.dossier_request_payment,
           _("Yêu cầu nghĩa vụ tài chính"), "secondary",
           forms.PaymentForm, action_inputs.PaymentRequestInput),
    Action("confirm_payment", actions.dossier_confirm_payment, _("Xác nhận đã nộp"), "primary",
           forms.NoteForm, action_inputs.NoteInput),
    Action("submit_for_approval", actions.dossier_submit_for_approval, _("Trình ký"), "primary",
           forms.NoteForm, action_inputs.NoteInput),
    Action("approve", actions.dossier_approve, _("Phê duyệt, ký"), "primary",
           forms.NoteForm, action_inputs.NoteInput),
    Action("send_back", actions.dossier_send_back, _("Trả lại để xử lý lại"), "secondary",
           forms.ReasonForm, action_inputs.ReasonInput),
    Action("refuse", actions.dossier_refuse, _("Từ chối giải quyết (Mẫu 03)"), "danger",
           forms.ReasonForm, action_inputs.ReasonInput),
    Action("return_result", actions.dossier_return_result, _("Trả kết quả"), "primary",
           forms.ReturnForm, action_inputs.NoteInput),
    Action("correct_result", actions.dossier_correct_result,
           _("Cấp lại kết quả đã điều chỉnh"), "primary",
           forms.CorrectResultForm, transition=False),
    Action("extend", actions.dossier_extend, _("Xin lỗi, hẹn lại (Mẫu 04)"), "secondary",
           forms.ExtendForm, action_inputs.ExtendInput, transition=False),
    # A resident's withdrawal: filed online or by a client program, never from the staff page.
    Action("request_stop", actions.dossier_request_stop, api_input=action_inputs.ReasonInput),
    Action("stop", actions.dossier_stop, _("Dừng xử lý (Mẫu 05)"), "danger",
           forms.StopForm, action_inputs.StopInput),
)

#: Every action by name, in the order the dossier page lists its buttons.
ACTIONS: dict[str, Action] = {action.name: action for action in _ACTIONS}
#: The actions of the dossier page, and those of the API.
PAGE_ACTIONS: dict[str, Action] = {n: a for n, a in ACTIONS.items() if a.form is not None}
API_ACTIONS: dict[str, Action] = {n: a for n, a in ACTIONS.items() if a.api_input is not None}
