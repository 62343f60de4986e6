"""Progress: attempt history, the score trend, domain accuracy over time, and where points are at stake."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.db import attempts, bank, practice, study
from app.domain.attempt import is_result
from app.web import charts
from app.web.deps import MaybeUser, Now, SessionDep, templates

router = APIRouter()


@router.get("/dashboard", name="dashboard")
def dashboard(
    request: Request, session: SessionDep, user: MaybeUser, now: Now, exam: Annotated[str | None, Query()] = None
) -> Response:
    exams = [b for b in bank.list_exams(session=session) if bank.active_counts(session=session, exam_code=b.code)]
    blueprint = next((b for b in exams if b.code == exam), exams[0] if exams else None)
    history = attempts.user_attempts(session=session, user_id=user.id) if user else []
    finished = sorted(
        (a for a in history if a.finalized_at is not None and blueprint and a.exam_code == blueprint.code),
        key=lambda a: a.started_at,
    )
    exams_taken = [a for a in finished if a.mode == "exam" and is_result(a.finalize_reason)]
    labels = [a.started_at.strftime("%m-%d") for a in exams_taken]
    results = [a.result for a in exams_taken if a.result is not None]  # every finished attempt's
    context: dict[str, Any] = {
        "history": history,
        "blueprint": blueprint,
        "exams_taken": exams_taken,
        "now": now,
        "due": len(practice.due(session=session, user_id=user.id, exam_code=blueprint.code, now=now))
        if user and blueprint
        else 0,
        "cards_due": study.due_count(session=session, user_id=user.id, exam_code=blueprint.code, now=now)
        if user and blueprint
        else 0,
        "retention": study.retention(session=session, user_id=user.id, exam_code=blueprint.code)
        if user and blueprint
        else (0, 0),
    }
    if blueprint and exams_taken:
        scale = blueprint.scale
        context["trend"] = charts.line_chart(
            labels,
            [charts.Series("Scaled score", tuple(r["scaled"] for r in results))],
            title="Estimated scaled score by exam attempt",
            description=f"{len(exams_taken)} exam attempts in date order; the shaded band is each score's 80% "
            f"range and the dashed line the pass mark of {scale.cut}.",
            y_range=(scale.min, scale.max),
            reference=scale.cut,
            reference_label=f"pass {scale.cut}",
            band=[tuple(r["band"]) for r in results],
        )
        series = []
        for domain in blueprint.domains:
            values = []
            for result in results:
                d = next(d for d in result["domains"] if d["code"] == domain.code)
                values.append(round(100 * d["correct"] / d["total"]) if d["total"] else None)
            series.append(charts.Series(f"{domain.code} {domain.name}", tuple(values)))
        context["domain_chart"] = charts.line_chart(
            labels,
            series,
            title="Share correct by domain and exam attempt",
            description="One line per domain, percent correct of its scored questions in each exam attempt; "
            f"the dashed line is the {round(100 * float(blueprint.default_cut_fraction))}% pass mark.",
            y_range=(0, 100),
            reference=100 * float(blueprint.default_cut_fraction),
            reference_label="pass mark",
        )
        context["domain_series"] = series
        latest = results[-1]["domains"]
        context["at_stake"] = sorted(latest, key=lambda d: d["points_at_stake"], reverse=True)
    return templates.TemplateResponse(request, "dashboard.html", context)
