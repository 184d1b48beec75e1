"""Fee rules from the catalogue, as the counter and the payment page compute them."""

from thanhsen.errors import ApplicationError, ErrorKind


def fee_amount(rule: dict, *, pages: int = 0) -> int:
    """The amount in đồng for one dossier.

    ``per_page`` is the copy-certification tariff: a price for each of the first pages and a
    lower one from the next page on, optionally capped (e.g. 2,000 đ for pages 1–2, 1,000 đ
    from page 3).
    """
    kind = (rule or {}).get("kind", "none")
    if kind == "none":
        return 0
    if kind == "fixed":
        return int(rule["amount"])
    if kind == "per_page":
        if pages < 0:
            raise ApplicationError("Số trang không hợp lệ.", kind=ErrorKind.INVALID)
        first = min(pages, int(rule["first_pages"]))
        amount = first * int(rule["first_page_amount"]) + (pages - first) * int(
            rule["next_page_amount"]
        )
        cap = rule.get("max_amount")
        return min(amount, int(cap)) if cap else amount
    raise ValueError(f"Unknown fee rule kind: {kind!r}")
