"""Each answer keeps its indicator's top-level area (filled here from each edition's framework),
and answer rows are made when an edition opens or an expert accepts, no longer when a page is
opened: the open editions' accepted experts get the rows they have not opened yet.

The row making is a frozen copy of ``answer_rows.create_rows`` on the models as they are at this
migration (a migration must not use the current models).
"""

from typing import Any

from django.db import migrations, models

COPIED = ("instrument", "article", "url", "in_force", "position")  # a source's fields


def _areas(framework: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    """Each code's top-level area, and whether it is a question."""
    found = {}
    for area in framework["root"].get("children", []):
        stack = [area]
        while stack:
            item = stack.pop()
            found[item["code"]] = (area["code"], "type" in item)
            stack.extend(reversed(item.get("children", [])))
    return found


def fill_areas(apps: Any, schema_editor: Any) -> None:
    Edition = apps.get_model("collection", "Edition")
    Answer = apps.get_model("collection", "Answer")
    for edition in Edition.objects.all():
        by_area: dict[str, list[str]] = {}
        for code, (area, _) in _areas(edition.framework).items():
            by_area.setdefault(area, []).append(code)
        for area, codes in by_area.items():
            Answer.objects.filter(edition=edition, indicator__in=codes).update(area=area)


def create_rows(apps: Any, schema_editor: Any) -> None:
    Edition = apps.get_model("collection", "Edition")
    Answer = apps.get_model("collection", "Answer")
    Assignment = apps.get_model("collection", "Assignment")
    Source = apps.get_model("collection", "Source")
    for edition in Edition.objects.filter(state="open"):
        asked = {c: a for c, (a, question) in _areas(edition.framework).items() if question}
        have = set(
            Answer.objects.filter(edition=edition).values_list("expert_id", "unit", "indicator")
        )
        earlier = {}  # last edition's answers that count (the older where two do)
        if edition.previous_id is not None:
            counting = list(
                Assignment.objects.filter(edition=edition.previous_id, role="expert", primary=True)
                .exclude(accepted_at=None)
                .values_list("user_id", "unit", "area")
            )
            previous = Answer.objects.filter(edition=edition.previous_id, deleted_at=None)
            for old in previous.order_by("-pk"):
                if any(
                    e == old.expert_id and u in ("", old.unit) and r in ("", old.area)
                    for e, u, r in counting
                ):
                    earlier[(old.unit, old.indicator)] = old
        for a in Assignment.objects.filter(
            edition=edition, role="expert", accepted_at__isnull=False
        ):
            for unit in [a.unit] if a.unit else edition.units:
                for code, area in asked.items():
                    if a.area not in ("", area) or (a.user_id, unit, code) in have:
                        continue
                    have.add((a.user_id, unit, code))
                    old = earlier.get((unit, code))
                    answer = Answer.objects.create(
                        edition=edition, unit=unit, indicator=code, area=area,
                        expert_id=a.user_id, option=old.option if old else "",
                        not_applicable=old.not_applicable if old else False,
                        na_reason=old.na_reason if old else "",
                        justification=old.justification if old else "",
                        confidence=old.confidence if old else "",
                        previous_option=old.option if old else "",
                        previous_justification=old.justification if old else "",
                        confirmed=old is None, updated_by_id=a.user_id,
                    )  # fmt: skip
                    if old is not None:
                        Source.objects.bulk_create(
                            Source(answer=answer, **{f: getattr(s, f) for f in COPIED})
                            for s in Source.objects.filter(answer=old, deleted_at=None)
                        )


class Migration(migrations.Migration):
    dependencies = [
        ("collection", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="area",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The indicator's top-level area.",
                max_length=64,
            ),
        ),
        migrations.RunPython(fill_areas, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_rows, migrations.RunPython.noop, elidable=True),
    ]
