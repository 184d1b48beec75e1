"""The per-dossier facts the Decision 766/QĐ-TTg indicators count, as SQL conditions.

Derived from what the services record (the channel, the procedure's online level, how the fee
was paid and the result handed over, the components and their origin, the result file and the
signed copy certification), so they cannot drift from the dossier; ``reports`` counts them
through its cells and drill-down lists, and a daily rollup can sum them per day from
``with_quality_flags``.
"""

from __future__ import annotations

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from cases.models import (
    Channel,
    CopyCertification,
    DossierDocument,
    FeePayment,
    OnlineLevel,
    ReturnMethod,
)


def reused_component() -> Q:
    """At least one component was not handed in again: reused from the data store, or an
    electronic copy certified at the center reused as the component (data reuse, 766)."""
    return Q(
        Exists(
            DossierDocument.objects.filter(dossier=OuterRef("pk")).filter(
                Q(reused=True) | Q(certified_copy__isnull=False)
            )
        )
    )


def electronic_result() -> Q:
    """An electronic result was issued: a result file handed over online, or the signed PDF of
    an electronic copy certification."""
    return ~Q(result_file="") | Q(
        Exists(CopyCertification.objects.filter(dossier=OuterRef("pk")).exclude(certified_pdf=""))
    )


def end_to_end_online() -> Q:
    """Handled end-to-end online (trực tuyến toàn trình): filed online for a procedure offered
    end-to-end, the fee (if any) not paid in cash at the counter, and the result not collected
    in person. A paper result the law requires may go by post without breaking the chain."""
    return (
        Q(channel=Channel.ONLINE, procedure__online_level=OnlineLevel.FULL)
        & ~Q(fee_paid_via=FeePayment.CASH)
        & ~Q(return_method=ReturnMethod.IN_PERSON)
    )


def with_quality_flags(dossiers: QuerySet) -> QuerySet:
    """The dossiers with the three flags as boolean columns (``is_end_to_end_online``,
    ``has_reused_component``, ``has_electronic_result``), for a per-day sum."""
    flags = {
        "is_end_to_end_online": end_to_end_online(),
        "has_reused_component": reused_component(),
        "has_electronic_result": electronic_result(),
    }
    return dossiers.annotate(
        **{
            name: ExpressionWrapper(condition, output_field=BooleanField())
            for name, condition in flags.items()
        }
    )
