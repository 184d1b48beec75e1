"""Decision 766/QĐ-TTg service-quality indicators, and the registry other apps plug into.

Each indicator is a small spec: numerator, denominator, points, target and data source. The
built-in ones are computed from the rollup through the cells of ``reports.cells`` (so their
numbers drill down to dossier lists). Indicators whose data lives in other apps' tables
(payments, ratings and complaints, electronic results, copy certifications) are computed by
the providers of ``reports.providers``, registered in ``ReportsConfig.ready``; an indicator
without a provider, or whose provider has no data yet, shows "chưa có dữ liệu" with the reason::

    register_provider("online_payment", lambda period: Measure(numerator=..., denominator=...))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy

from cases.models import OnlineLevel, Procedure
from cases.periods import Period


@dataclass(frozen=True)
class Detail:
    """A count shown under an indicator (the parts of a formula), with its drill-down cell."""

    label: str
    value: int
    cell: str | None = None


@dataclass(frozen=True)
class Measure:
    """What a provider returns. Cells name live filters for the drill-down, when there are any."""

    numerator: int
    denominator: int
    numerator_cell: str | None = None
    denominator_cell: str | None = None
    details: tuple[Detail, ...] = ()


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    group: str
    name: str
    formula: str
    source: str
    points: int | None = None
    #: Target rate in percent; at or above it the indicator scores its full points.
    target: int | None = None
    scored: bool = True
    #: Shown when no provider is registered and the built-in computation has no data.
    missing_reason: str = ""


@dataclass
class IndicatorResult:
    spec: IndicatorSpec
    measure: Measure | None
    reason: str = ""

    @property
    def available(self) -> bool:
        return self.measure is not None

    @property
    def rate(self) -> Decimal | None:
        if not self.measure or not self.measure.denominator:
            return None
        value = Decimal(self.measure.numerator) * 100 / Decimal(self.measure.denominator)
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def average_days(self) -> Decimal | None:
        """For the processing-time indicator: Σ working days ÷ resolved."""
        if not self.measure or not self.measure.denominator:
            return None
        value = Decimal(self.measure.numerator) / self.measure.denominator
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def score(self) -> Decimal | None:
        """Full points at or above the target, else rate × points ÷ target (× points ÷ 100)."""
        rate, points = self.rate, self.spec.points
        if rate is None or points is None or not self.spec.scored:
            return None
        target = Decimal(self.spec.target or 100)
        value = min(Decimal(1), rate / target) * points
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


#: Filters that narrow an indicator's drill-down lists to the dossiers it is about; the
#: rollup side applies the same condition per procedure in ``_builtin``.
SCOPES: dict[str, dict] = {"end_to_end_online": {"procedure__online_level": OnlineLevel.FULL}}

Provider = Callable[[Period], Measure | None]
_providers: dict[str, Provider] = {}


def register_provider(code: str, provider: Provider) -> Provider:
    """Let another app supply an indicator's numbers (call from ``AppConfig.ready``)."""
    if code not in SPECS:
        raise KeyError(f"unknown indicator {code!r}")
    _providers[code] = provider
    return provider


G_TRANSPARENCY = gettext_lazy("Công khai, minh bạch (18 điểm)")
G_PROGRESS = gettext_lazy("Tiến độ giải quyết (20 điểm)")
G_ONLINE = gettext_lazy("Dịch vụ công trực tuyến (12 điểm)")
G_DIGITAL = gettext_lazy("Số hóa hồ sơ (22 điểm)")
G_PAYMENT = gettext_lazy("Thanh toán trực tuyến (10 điểm)")
G_SATISFACTION = gettext_lazy("Mức độ hài lòng (18 điểm)")

_SRC_DOSSIERS = gettext_lazy("Hồ sơ và lịch sử xử lý trên hệ thống một cửa (bảng tổng hợp ngày)")

#: Every metric of Decision 766 as the national portal scores it: 100 points in six groups.
#: A metric with a target scores full points at or above it, else rate × points ÷ target; one
#: without a target scores rate × points. ``scored=False`` metrics are shown, not scored.
SPECS: dict[str, IndicatorSpec] = {s.code: s for s in [
    # --- transparency (18) ---
    IndicatorSpec(
        "published_on_time", G_TRANSPARENCY, gettext_lazy("Công bố TTHC đúng hạn"),
        gettext_lazy("TTHC công bố đúng hạn ÷ TTHC công bố trong kỳ"),
        gettext_lazy("Quyết định công bố của cấp tỉnh"), points=6,
        missing_reason=gettext_lazy("Chỉ tiêu của cấp tỉnh: phường không ban hành quyết định "
                                    "công bố thủ tục hành chính."),
    ),
    IndicatorSpec(
        "publicised_on_time", G_TRANSPARENCY,
        gettext_lazy("Công khai TTHC trên Cơ sở dữ liệu quốc gia đúng hạn"),
        gettext_lazy("TTHC công khai trong 5 ngày làm việc kể từ quyết định ÷ TTHC phải công khai"),
        gettext_lazy("Cơ sở dữ liệu quốc gia về thủ tục hành chính"), points=4,
        missing_reason=gettext_lazy("Hệ thống chưa lưu ngày quyết định công bố và ngày công khai "
                                    "của thủ tục."),
    ),
    IndicatorSpec(
        "published_complete", G_TRANSPARENCY,
        gettext_lazy("TTHC công bố đầy đủ các bộ phận"),
        gettext_lazy("TTHC có tên, trình tự, cách thức, thành phần, thời hạn, đối tượng, cơ quan "
                     "÷ TTHC công bố"),
        gettext_lazy("Danh mục thủ tục hành chính"), points=2,
        missing_reason=gettext_lazy("Danh mục trên hệ thống chưa có trình tự, cách thức thực "
                                    "hiện và đối tượng của thủ tục."),
    ),
    IndicatorSpec(
        "portal_sync", G_TRANSPARENCY, gettext_lazy("Hồ sơ đồng bộ lên Cổng DVCQG"),
        gettext_lazy("Hồ sơ đã đồng bộ có ngày tiếp nhận trong kỳ ÷ max(hồ sơ tiếp nhận tại đây, "
                     "hồ sơ tiếp nhận theo Cổng)"),
        gettext_lazy("Nhật ký đồng bộ Cổng DVCQG"), points=6,
        missing_reason=gettext_lazy("Hệ thống chưa ghi nhận việc đồng bộ hồ sơ lên Cổng DVCQG."),
    ),
    # --- progress (20) ---
    IndicatorSpec(
        "early_on_time", G_PROGRESS, gettext_lazy("Tỷ lệ giải quyết trước hạn, đúng hạn"),
        gettext_lazy("(Đã giải quyết trước hạn, đúng hạn + đang giải quyết trong hạn) "
                     "÷ (đã giải quyết + đang giải quyết)"),
        _SRC_DOSSIERS, points=20,
    ),
    IndicatorSpec(
        "processing_time", G_PROGRESS,
        gettext_lazy("Thời gian giải quyết trung bình (ngày làm việc)"),
        gettext_lazy("Tổng số ngày làm việc từ khi tiếp nhận đến khi có kết quả ÷ số hồ sơ "
                     "đã giải quyết"),
        _SRC_DOSSIERS, scored=False,
    ),
    # --- online public service (12) ---
    IndicatorSpec(
        "end_to_end_online", G_ONLINE, gettext_lazy("Tỷ lệ hồ sơ trực tuyến toàn trình"),
        gettext_lazy("Hồ sơ xử lý trực tuyến toàn trình (nộp trực tuyến, không nộp phí bằng tiền "
                     "mặt, không nhận kết quả trực tiếp) ÷ hồ sơ của thủ tục toàn trình"),
        gettext_lazy("Hồ sơ tiếp nhận trong kỳ: kênh nộp, hình thức nộp phí, hình thức nhận kết "
                     "quả; mức độ trực tuyến của thủ tục"), points=12,
    ),
    IndicatorSpec(
        "online_offered", G_ONLINE, gettext_lazy("TTHC cung cấp dịch vụ công trực tuyến"),
        gettext_lazy("TTHC trực tuyến toàn trình hoặc một phần ÷ TTHC đang áp dụng"),
        gettext_lazy("Danh mục thủ tục hành chính"), target=80, scored=False,
    ),
    IndicatorSpec(
        "online_used", G_ONLINE, gettext_lazy("Dịch vụ công trực tuyến có phát sinh hồ sơ"),
        gettext_lazy("TTHC trực tuyến có ít nhất 1 hồ sơ trực tuyến trong kỳ ÷ TTHC trực tuyến"),
        gettext_lazy("Danh mục thủ tục; hồ sơ tiếp nhận trong kỳ"), scored=False,
    ),
    IndicatorSpec(
        "online_submission", G_ONLINE, gettext_lazy("Tỷ lệ hồ sơ nộp trực tuyến"),
        gettext_lazy("Hồ sơ tiếp nhận trực tuyến ÷ hồ sơ tiếp nhận mới trong kỳ"),
        _SRC_DOSSIERS, target=50, scored=False,
    ),
    # --- digitisation (22) ---
    IndicatorSpec(
        "e_results", G_DIGITAL, gettext_lazy("Tỷ lệ cấp kết quả điện tử"),
        gettext_lazy("Hồ sơ có kết quả điện tử ÷ hồ sơ của thủ tục có văn bản kết quả"),
        gettext_lazy("Kết quả điện tử của hồ sơ"), points=6,
        missing_reason=gettext_lazy("Hệ thống chưa lưu kết quả điện tử của hồ sơ."),
    ),
    IndicatorSpec(
        "digitised", G_DIGITAL, gettext_lazy("Tỷ lệ số hóa hồ sơ"),
        gettext_lazy("Hồ sơ có thành phần được số hóa và có kết quả điện tử khi thủ tục có văn "
                     "bản kết quả ÷ hồ sơ tiếp nhận mới trong kỳ"),
        gettext_lazy("Thành phần hồ sơ: tệp quét hoặc bản điện tử; kết quả điện tử"),
        points=4, target=80,
    ),
    IndicatorSpec(
        "e_certification", G_DIGITAL,
        gettext_lazy("Cung cấp dịch vụ chứng thực bản sao điện tử"),
        gettext_lazy("Có / không (số hồ sơ chứng thực điện tử trong kỳ)"),
        gettext_lazy("Danh mục thủ tục (mã gốc 2.000815) và hồ sơ chứng thực"), points=2,
    ),
    IndicatorSpec(
        "reuse", G_DIGITAL, gettext_lazy("Tỷ lệ tái sử dụng dữ liệu"),
        gettext_lazy("Hồ sơ tái sử dụng ít nhất một thành phần đã số hóa ÷ hồ sơ tiếp nhận mới"),
        gettext_lazy("Thành phần hồ sơ lấy từ kho dữ liệu"), points=2, target=80,
    ),
    IndicatorSpec(
        "personal_store", G_DIGITAL, gettext_lazy("Đồng bộ với kho quản lý dữ liệu cá nhân"),
        gettext_lazy("Hồ sơ có thành phần lấy từ kho hoặc kết quả đẩy vào kho ÷ hồ sơ tiếp nhận"),
        gettext_lazy("Kho quản lý dữ liệu điện tử của tổ chức, cá nhân"), points=4,
        missing_reason=gettext_lazy("Hệ thống chưa kết nối kho quản lý dữ liệu điện tử của tổ "
                                    "chức, cá nhân."),
    ),
    IndicatorSpec(
        "population_data", G_DIGITAL, gettext_lazy("Hồ sơ sử dụng dữ liệu dân cư"),
        gettext_lazy("Hồ sơ nộp bằng tài khoản VNeID hoặc có thành phần từ Cơ sở dữ liệu quốc "
                     "gia về dân cư ÷ hồ sơ"),
        gettext_lazy("Xác thực VNeID; Cơ sở dữ liệu quốc gia về dân cư"), points=2,
        missing_reason=gettext_lazy("Hệ thống chưa ghi nhận tài khoản VNeID và dữ liệu lấy từ "
                                    "Cơ sở dữ liệu quốc gia về dân cư."),
    ),
    IndicatorSpec(
        "population_connected", G_DIGITAL,
        gettext_lazy("TTHC kết nối Cơ sở dữ liệu quốc gia về dân cư"),
        gettext_lazy("TTHC đã kết nối ÷ TTHC trong phạm vi"),
        gettext_lazy("Danh mục thủ tục; kết nối Cơ sở dữ liệu quốc gia về dân cư"), points=2,
        missing_reason=gettext_lazy("Danh mục trên hệ thống chưa ghi thủ tục nào đã kết nối Cơ "
                                    "sở dữ liệu quốc gia về dân cư."),
    ),
    # --- online payment (10) ---
    IndicatorSpec(
        "payment_offered", G_PAYMENT,
        gettext_lazy("TTHC có phí, lệ phí cung cấp thanh toán trực tuyến"),
        gettext_lazy("TTHC có phí, lệ phí nộp được trực tuyến (kèm thanh toán) ÷ TTHC có phí, "
                     "lệ phí"),
        gettext_lazy("Danh mục thủ tục; cổng thanh toán"), points=2, target=80,
    ),
    IndicatorSpec(
        "payment_used", G_PAYMENT,
        gettext_lazy("TTHC có phí, lệ phí có phát sinh thanh toán trực tuyến"),
        gettext_lazy("TTHC có phí, lệ phí có ít nhất 1 khoản thanh toán trực tuyến trong kỳ ÷ "
                     "TTHC có phí, lệ phí"),
        gettext_lazy("Giao dịch thanh toán phí, lệ phí"), points=2, target=80,
        missing_reason=gettext_lazy("Hệ thống chưa ghi nhận giao dịch thanh toán phí, lệ phí."),
    ),
    IndicatorSpec(
        "online_payment", G_PAYMENT, gettext_lazy("Tỷ lệ hồ sơ thanh toán trực tuyến"),
        gettext_lazy("Hồ sơ thanh toán trực tuyến ÷ hồ sơ của thủ tục có phí, lệ phí"),
        gettext_lazy("Giao dịch thanh toán phí, lệ phí"), points=6,
        missing_reason=gettext_lazy("Hệ thống chưa ghi nhận giao dịch thanh toán phí, lệ phí."),
    ),
    # --- satisfaction (18) ---
    IndicatorSpec(
        "complaints_on_time", G_SATISFACTION, gettext_lazy("Phản ánh, kiến nghị xử lý đúng hạn"),
        gettext_lazy("Phản ánh được xử lý đúng hạn ÷ tổng số phản ánh"),
        gettext_lazy("Phản ánh, kiến nghị của người dân"), points=6,
        missing_reason=gettext_lazy("Hệ thống chưa ghi nhận phản ánh, kiến nghị."),
    ),
    IndicatorSpec(
        "petition_satisfaction", G_SATISFACTION,
        gettext_lazy("Mức độ hài lòng về xử lý phản ánh, kiến nghị"),
        gettext_lazy("Phản ánh không bị đánh giá không hài lòng, không lặp lại, không quá hạn ÷ "
                     "phản ánh"),
        gettext_lazy("Phản ánh, kiến nghị và đánh giá kết quả xử lý"), points=6,
        missing_reason=gettext_lazy("Hệ thống chưa ghi nhận đánh giá của người dân về kết quả "
                                    "xử lý phản ánh, kiến nghị."),
    ),
    IndicatorSpec(
        "satisfaction", G_SATISFACTION, gettext_lazy("Mức độ hài lòng về giải quyết TTHC"),
        gettext_lazy("100% − (tỷ lệ quá hạn + tỷ lệ hồ sơ bị phản ánh, kiến nghị hoặc "
                     "đánh giá không hài lòng)"),
        gettext_lazy("Hồ sơ quá hạn; đánh giá và phản ánh của người dân"), points=6, target=90,
        missing_reason=gettext_lazy("Trong kỳ chưa có đánh giá, phản ánh nào của người dân."),
    ),
]}


@dataclass(frozen=True)
class Total:
    """The score of a period: points scored of the 100, and the points of metrics with data."""

    score: Decimal
    available_points: int
    points: int


def indicator_total(results: list[IndicatorResult]) -> Total:
    scored = [r for r in results if r.spec.scored and r.spec.points]
    return Total(
        score=sum((r.score for r in scored if r.score is not None), Decimal(0)),
        available_points=sum(r.spec.points for r in scored if r.score is not None),
        points=sum(r.spec.points for r in scored),
    )


#: Cells the built-in indicators read.
INDICATOR_CELLS = ["received_new", "received_online", "resolved", "processed",
                   "early_on_time_or_within", "digitised", "reused", "resolved_working_days"]


class Context:
    """Per-procedure rollup sums for a period, computed once and shared by the indicators."""

    def __init__(self, period: Period, groups: list[dict] | None = None):
        from reports.selectors import catalogue_procedures, rollup_groups

        self.period = period
        groups = rollup_groups(period) if groups is None else groups
        self.by_procedure: dict[int, dict] = {}
        for g in groups:
            row = self.by_procedure.setdefault(g["procedure_id"], dict.fromkeys(INDICATOR_CELLS, 0))
            for cell in INDICATOR_CELLS:
                row[cell] += g[f"c_{cell}"] or 0
        catalogue = catalogue_procedures()
        self.procedures = {pk: catalogue[pk] for pk in self.by_procedure}

    def total(self, cell: str, where: Callable[[Procedure], bool] | None = None) -> int:
        return sum(
            int(row[cell] or 0) for pk, row in self.by_procedure.items()
            if where is None or where(self.procedures[pk])
        )


def _builtin(code: str, ctx: Context) -> Measure | None:
    t = ctx.total
    if code == "early_on_time":
        return Measure(t("early_on_time_or_within"), t("processed"),
                       "early_on_time_or_within", "processed")
    if code == "online_submission":
        return Measure(t("received_online"), t("received_new"), "received_online", "received_new")
    if code == "digitised":
        return Measure(t("digitised"), t("received_new"), "digitised", "received_new")
    if code == "reuse":
        return Measure(t("reused"), t("received_new"), "reused", "received_new")
    if code == "processing_time":
        return Measure(t("resolved_working_days"), t("resolved"), None, "resolved")
    return None


def provider_measure(code: str, period: Period) -> Measure | None:
    """The registered provider's measure, or None when no app supplies this indicator."""
    provider = _providers.get(code)
    return provider(period) if provider else None


def indicator_list(*, period: Period, groups: list[dict] | None = None) -> list[IndicatorResult]:
    ctx = Context(period, groups)
    results = []
    for code, spec in SPECS.items():
        provider = _providers.get(code)
        measure = provider(period) if provider else _builtin(code, ctx)
        results.append(IndicatorResult(spec, measure, "" if measure else str(spec.missing_reason)))
    return results


def satisfaction_from(*, overdue: int, processed: int, complaints: int) -> Measure:
    """Helper for a ratings provider: 100% − overdue rate − complaint rate, as a ratio."""
    bad = min(processed, overdue + complaints)
    return Measure(processed - bad, processed, None, "processed")
