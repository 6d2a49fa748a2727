"""A text with what was read in it marked: each figure group and company a ``<mark>``
with what it was read as (a tooltip, and the number of its row in the side list)."""

from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .extract import Reading
from .numbers import plain_wan


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    css: str
    note: str
    ref: str


def spans(reading: Reading) -> list[Span]:
    out = []
    for i, group in enumerate(reading.groups, 1):
        amount = plain_wan(group.investment_wan)
        note = f"{group.kind}项目 {group.count}个" + (f"，{amount}万元" if amount else "")
        if group.of:
            note += f"（其中，属{group.of}）"
        out.append(Span(group.start, group.end, "mk-group", note, f"g{i}"))
        if group.amount_at:
            out.append(Span(*group.amount_at, "mk-amount", note, f"g{i}"))
    for i, company in enumerate(reading.companies, 1):
        note = "企业：" + company.name
        if company.amount_wan is not None:
            note += f"，{plain_wan(company.amount_wan)}万元"
        if company.stage:
            note += f"，{company.stage}"
        out.append(Span(company.start, company.end, "mk-company", note, f"c{i}"))
        if company.amount_at:
            out.append(Span(*company.amount_at, "mk-amount", note, f"c{i}"))
    return sorted(out, key=lambda s: (s.start, -s.end))


def marked(reading: Reading, *, limit: int = 200_000) -> SafeString:
    """Return the text (its first ``limit`` characters) as HTML with the spans marked."""
    text = reading.text[:limit]
    parts = []
    at = 0
    for span in spans(reading):
        if span.start < at or span.end > len(text):
            continue  # overlapping or beyond what is shown
        parts.append(escape(text[at : span.start]))
        parts.append(
            format_html(
                '<mark class="{}" title="{}" data-note="{}" data-ref="{}" tabindex="0">{}</mark>',
                span.css,
                span.note,
                span.note,
                span.ref,
                text[span.start : span.end],
            )
        )
        at = span.end
    parts.append(escape(text[at:]))
    return mark_safe("".join(parts))  # noqa: S308 — every part escaped above
