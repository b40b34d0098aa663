"""An evaluation from a hand-counted fixture to a final result: scores worked out by hand,
adjustments with reasons, vetoes, publishing that freezes, objections inside and outside
the period, the bureau's answers, and who sees what."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import orm

from advisor.accounts.models import Notification
from advisor.errors import Conflict, NotFound, ValidationError
from advisor.evaluation import responses, services
from advisor.evaluation.defaults import default_rule_set
from advisor.evaluation.models import Evaluation, EvaluationResult, RuleSetVersion
from advisor.evaluation.rulefile import to_json
from advisor.workdays import today_local
from tests.evaluation.helpers import entry, rate, review, utc
from tests.factories.people import advisor_user, bureau_user, token_headers

D = Decimal
A, B = 11, 12  # demo advisors with no work of their own
AFTER = date(2026, 3, 10)  # 2025 is over
NOW = datetime(2026, 3, 10, 2, tzinfo=UTC)
PUBLISHED_ON = date(2026, 4, 29)  # a Wednesday before the May Day holiday


@pytest.fixture()
def year(session: orm.Session) -> None:
    """A's 2025: 4 reviews (1 late), ratings 4, 5 and 3, 6 matters and 2 lectures in 6
    months, 2 of the 8 entries recorded late. B's: 3 consultations in March, no review."""
    r1 = review(session, A, utc(2025, 2, 10, 2), date(2025, 2, 14))
    r2 = review(session, A, utc(2025, 4, 10, 2), date(2025, 4, 10))
    r3 = review(session, A, utc(2025, 6, 20, 2), date(2025, 6, 18))  # late
    review(session, A, utc(2025, 9, 1, 2), date(2025, 9, 5))
    rate(session, r1, 4, utc(2025, 2, 20, 2))
    rate(session, r2, 5, utc(2025, 4, 20, 2))
    rate(session, r3, 3, utc(2025, 6, 25, 2))
    for day, kind, recorded in [
        (date(2025, 2, 10), "contract_review", utc(2025, 2, 10, 2)),
        (date(2025, 4, 10), "contract_review", utc(2025, 4, 11, 2)),
        (date(2025, 6, 20), "contract_review", utc(2025, 7, 10, 2)),  # late
        (date(2025, 9, 1), "contract_review", utc(2025, 9, 1, 2)),
        (date(2025, 9, 15), "consultation", utc(2025, 9, 16, 2)),
        (date(2025, 10, 8), "dispute_mediation", utc(2025, 10, 30, 2)),  # late
        (date(2025, 11, 5), "lecture", utc(2025, 11, 5, 2)),
        (date(2025, 11, 20), "lecture", utc(2025, 11, 21, 2)),
    ]:
        entry(session, A, day, kind, recorded)
    for day in (3, 10, 17):
        entry(session, B, date(2025, 3, day), "consultation", utc(2025, 3, day, 2))


def run(session: orm.Session) -> Evaluation:
    return services.run_evaluation(
        session, actor=bureau_user(session), period_text="2025", today=AFTER, now=NOW
    )


def points(result: EvaluationResult) -> dict[str, str | None]:
    return {item["item"]: item["points"] for item in result.items}


def adjust(session: orm.Session, evaluation: Evaluation, **changes: str | None) -> None:
    services.adjust(
        session,
        actor=bureau_user(session),
        evaluation=evaluation,
        advisor_id=A,
        today=AFTER,
        **{"reason": "核实情况", **changes},  # type: ignore[arg-type]
    )


def publish(session: orm.Session, evaluation: Evaluation, today: date = PUBLISHED_ON) -> None:
    services.publish(
        session,
        actor=bureau_user(session),
        evaluation=evaluation,
        today=today,
        now=NOW,
        objection_days=5,
    )


@pytest.mark.usefixtures("year")
def test_scores_match_the_hand_computation(session: orm.Session) -> None:
    evaluation = run(session)
    mine = services.get_result(session, evaluation, A)
    # on time 3/4 × 25; matters 6/48 × 15 = 1.875; rating (4 - 1)/4 × 30; 6 of 12 months
    # × 10; 6 of 8 timely × 10; no complaint entered: fixed 10; lectures 2 × 2.
    assert points(mine) == {
        "on_time": "18.75",
        "matters": "1.88",
        "rating": "22.50",
        "ledger_months": "5.00",
        "ledger_timely": "7.50",
        "discipline": "10.00",
        "lectures": "4.00",
    }
    # 18.75 + 1.88 + 22.50 + 5.00 + 7.50 + 10.00 = 65.63, + a bonus of 4.
    assert (mine.total, mine.grade) == ("69.63", "基本合格")
    basis = {item["item"]: item["basis_en"] for item in mine.items}
    assert basis["on_time"].startswith("3 of 4 reviews issued by their due date")
    assert mine.inputs["records"]["late_reviews"][0]["due_on"] == "2025-06-18"
    assert mine.inputs["records"]["months_without_entries"] == [
        "2025-01", "2025-03", "2025-05", "2025-07", "2025-08", "2025-12"
    ]  # fmt: skip

    # B has no review and no rating: both items are not applicable and the other 45
    # points are scaled to 100. 3/48 × 15 = 0.9375 = 0.94, 1 of 12 months = 0.0833 × 10
    # = 0.83, all timely 10, discipline 10: 21.77 × 100 / 45 = 48.3777… = 48.38.
    other = services.get_result(session, evaluation, B)
    assert points(other)["on_time"] is None and points(other)["rating"] is None
    assert (points(other)["matters"], points(other)["ledger_months"]) == ("0.94", "0.83")
    assert (other.total, other.grade) == ("48.38", "不合格")
    assert mine.rank < other.rank


@pytest.mark.usefixtures("year")
def test_adjustments_need_a_reason_and_are_all_kept(session: orm.Session) -> None:
    evaluation = run(session)
    with pytest.raises(ValidationError) as refused:
        adjust(session, evaluation, kind="points", target="on_time", value="25", reason="  ")
    assert "reason" in refused.value.fields
    with pytest.raises(ValidationError) as refused:
        adjust(session, evaluation, kind="points", target="on_time", value="26")
    assert "value" in refused.value.fields  # at most 25
    with pytest.raises(ValidationError):
        adjust(session, evaluation, kind="measure", target="on_time_rate", value="1")
    with pytest.raises(ValidationError):
        adjust(session, evaluation, kind="veto", target="no-such-veto", value="1")

    # One valid complaint: discipline 10 - 5 = 5, total 69.63 - 5 = 64.63.
    adjust(session, evaluation, kind="measure", target="valid_complaints", value="1")
    result = services.get_result(session, evaluation, A)
    assert points(result)["discipline"] == "5.00"
    assert (result.total, result.grade) == ("64.63", "基本合格")
    # On time raised to 25 after checking a late review was the school's delay: + 6.25.
    adjust(session, evaluation, kind="points", target="on_time", value="25")
    assert (result.total, result.grade) == ("70.88", "基本合格")
    assert next(i for i in result.items if i["item"] == "on_time")["basis_en"] == (
        "The bureau set 25 of 25 points. Computed: 3 of 4 reviews issued by their due date"
        " (75%): 18.75 of 25 points"
    )
    # Back to the computed points: an empty value.
    adjust(session, evaluation, kind="points", target="on_time", value="")
    assert result.total == "64.63"
    # A veto gives the lowest grade whatever the total, and ranks last.
    adjust(session, evaluation, kind="veto", target="sanction", value="1")
    assert (result.total, result.grade, result.vetoed) == ("64.63", "不合格", True)
    assert result.rank == 35
    adjust(session, evaluation, kind="veto", target="sanction", value="0")
    assert result.grade == "基本合格" and not result.vetoed
    assert [(a.kind, a.value) for a in result.adjustments] == [
        ("measure", "1"),
        ("points", "25"),
        ("points", None),
        ("veto", "1"),
        ("veto", "0"),
    ]
    assert all(a.reason == "核实情况" for a in result.adjustments)


@pytest.mark.usefixtures("year")
def test_publishing_freezes_the_result(session: orm.Session) -> None:
    evaluation = run(session)
    publish(session, evaluation)
    frozen = services.get_result(session, evaluation, A)
    before = (frozen.total, frozen.items, frozen.inputs)

    # Work recorded afterwards and a new rule-set version change nothing published.
    entry(session, A, date(2025, 12, 10), "lecture", utc(2025, 12, 10, 2))
    rules = default_rule_set()
    data = to_json(rules)
    data["blocks"][-1]["items"][0]["params"]["per_unit"] = "3"  # lectures: 3 points each
    session.add(RuleSetVersion(name=rules.name, version=2, data=data))
    session.flush()
    session.expire_all()
    again = services.get_result(session, evaluation, A)
    assert (again.total, again.items, again.inputs) == before
    # A new draft sees the third lecture, at 3 points each under the newest rules.
    fresh = run(session)
    assert fresh.rule_set.version == 2
    assert points(services.get_result(session, fresh, A))["lectures"] == "9.00"

    with pytest.raises(Conflict):
        publish(session, evaluation)  # a double click
    with pytest.raises(Conflict):
        publish(session, fresh)  # one published evaluation per period
    with pytest.raises(Conflict):
        adjust(session, evaluation, kind="points", target="on_time", value="25")


@pytest.mark.usefixtures("year")
def test_publishing_opens_five_working_days_and_notifies_the_advisors(
    session: orm.Session,
) -> None:
    evaluation = run(session)
    publish(session, evaluation)
    # 30 April, then 1-5 May are the holiday; 6, 7, 8 May and Saturday 9 May, a make-up
    # working day.
    assert evaluation.objections_until == date(2026, 5, 9)
    notices = session.scalars(
        sa.select(Notification).where(
            Notification.kind == "evaluation_published",
            Notification.user_id == advisor_user(session, A).id,
        )
    ).all()
    assert len(notices) == 1
    assert notices[0].link == f"/evaluations/{evaluation.id}/advisors/{A}"
    assert notices[0].params["until"] == "2026-05-09"


@pytest.mark.usefixtures("year")
def test_objections_within_and_after_the_period(session: orm.Session) -> None:
    evaluation = run(session)
    publish(session, evaluation)
    advisor = advisor_user(session, A)

    def object_on(day: date, text: str = "按时审查一项应为满分") -> object:
        return responses.file_objection(
            session, actor=advisor, evaluation=evaluation, text=text, today=day, now=NOW
        )

    with pytest.raises(ValidationError):
        object_on(PUBLISHED_ON, "   ")
    objection = object_on(date(2026, 5, 9))  # the last day
    with pytest.raises(Conflict):
        object_on(date(2026, 5, 9))  # one at a time: the first awaits its answer
    assert session.scalar(
        sa.select(sa.func.count(Notification.id)).where(Notification.kind == "objection_filed")
    )

    # The bureau answers, raising on-time to 25 with the answer as the reason.
    responses.answer_objection(
        session,
        actor=bureau_user(session),
        evaluation=evaluation,
        objection=objection,
        answer="经核实，逾期系学校补充材料所致，予以调整。",
        item="on_time",
        points="25",
        today=date(2026, 5, 11),
        now=NOW,
    )
    result = services.get_result(session, evaluation, A)
    assert result.total == "75.88"  # 69.63 + 25 - 18.75
    assert result.adjustments[-1].objection_id == objection.id
    assert result.adjustments[-1].reason.startswith("经核实")
    with pytest.raises(Conflict):
        responses.answer_objection(
            session,
            actor=bureau_user(session),
            evaluation=evaluation,
            objection=objection,
            answer="再次答复",
            today=date(2026, 5, 11),
            now=NOW,
        )
    # After the last day: refused, and with every objection answered the result is final.
    with pytest.raises(Conflict) as late:
        object_on(date(2026, 5, 11))
    assert "2026年5月9日" in str(late.value.message)
    assert services.is_final(evaluation, result, date(2026, 5, 11))
    assert not services.is_final(evaluation, result, date(2026, 5, 9))


@pytest.mark.usefixtures("year")
def test_self_evaluation_is_shown_and_frozen_at_publishing(session: orm.Session) -> None:
    advisor = advisor_user(session, A)

    def save(text: str, **scores: str) -> object:
        return responses.save_self_evaluation(
            session,
            actor=advisor,
            period_text="2025",
            text=text,
            scores=scores,
            lock_version=None,
            now=NOW,
        )

    with pytest.raises(ValidationError) as refused:
        save("全年审查合同4件", on_time="30")
    assert set(refused.value.fields) == {"score-on_time"}
    row = save("全年审查合同4件，开展讲座2次。", on_time="25", lectures="4")
    stale = row.lock_version  # type: ignore[attr-defined]
    save("全年审查合同4件，开展讲座2次，调处纠纷1件。", on_time="25")
    with pytest.raises(Conflict):
        responses.save_self_evaluation(
            session,
            actor=advisor,
            period_text="2025",
            text="另一窗口",
            scores={},
            lock_version=stale,
            now=NOW,
        )
    evaluation = run(session)
    publish(session, evaluation)
    result = services.get_result(session, evaluation, A)
    assert result.self_evaluation == {
        "text": "全年审查合同4件，开展讲座2次，调处纠纷1件。",
        "scores": {"on_time": "25"},
    }
    with pytest.raises(Conflict):
        save("发布后再改")


@pytest.mark.usefixtures("year")
def test_who_sees_what(
    session: orm.Session, bureau: FlaskClient, advisor1: FlaskClient, school1: FlaskClient
) -> None:
    evaluation = run(session)
    session.commit()
    draft = f"/evaluations/{evaluation.id}/advisors/1"
    assert advisor1.get(draft).status_code == 404  # a draft is the bureau's alone
    publish(session, evaluation, today=today_local())
    session.commit()
    own = advisor1.get(draft)
    assert own.status_code == 200
    assert 'data-testid="objection-form"' in own.get_data(as_text=True)
    assert advisor1.get(f"/evaluations/{evaluation.id}/advisors/{A}").status_code == 404
    assert advisor1.get(f"/evaluations/{evaluation.id}").location.endswith(draft)
    assert school1.get(draft).status_code == 403
    assert bureau.get(f"/evaluations/{evaluation.id}/advisors/{A}").status_code == 200

    headers = token_headers(session, "advisor01@demo.local")
    body = advisor1.get(f"/api/v1/evaluations/{evaluation.id}", headers=headers).json
    assert [r["advisor_id"] for r in body["results"]] == [1]
    headers = token_headers(session, "school01@demo.local")
    assert school1.get(f"/api/v1/evaluations/{evaluation.id}", headers=headers).status_code == 404
    with pytest.raises(NotFound):
        services.visible_result(session, advisor_user(session, 1), evaluation.id, A)


@pytest.mark.usefixtures("year")
def test_the_pages_from_adjusting_to_an_answered_objection(
    session: orm.Session, bureau: FlaskClient, advisor1: FlaskClient
) -> None:
    evaluation = run(session)
    session.commit()
    page = f"/evaluations/{evaluation.id}/advisors/1"

    # No reason: the page comes back with the typed value and the message; nothing saved.
    form = {"kind": "points", "target_points": "on_time", "value_points": "20", "reason": ""}
    refused = bureau.post(f"{page}/adjust", data=form)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'value="20"' in text and 'class="invalid-feedback d-block"' in text
    assert services.get_result(session, evaluation, 1).adjustments == []

    form["reason"] = "学校补交材料导致延误"
    assert bureau.post(f"{page}/adjust", data=form).status_code == 302
    shown = bureau.get(page).get_data(as_text=True)
    assert "学校补交材料导致延误" in shown and 'data-testid="adjustments"' in shown
    assert advisor1.post(f"{page}/adjust", data=form).status_code == 403

    assert bureau.post(f"/evaluations/{evaluation.id}/publish").status_code == 302
    session.expire_all()
    assert services.get_evaluation(session, bureau_user(session), evaluation.id).status == (
        "published"
    )
    again = bureau.post(f"/evaluations/{evaluation.id}/publish", follow_redirects=True)
    assert "already published" in again.get_data(as_text=True) or "已发布" in again.get_data(
        as_text=True
    )

    assert advisor1.post(f"{page}/objections", data={"text": ""}).status_code == 422
    assert advisor1.post(f"{page}/objections", data={"text": "讲座次数有遗漏"}).status_code == 302
    session.expire_all()
    objection = services.get_result(session, evaluation, 1).objections[0]
    assert (
        bureau.post(
            f"/evaluations/{evaluation.id}/objections/{objection.id}/answer",
            data={"answer": "已核实，维持原结果。"},
        ).status_code
        == 302
    )
    shown = advisor1.get(page).get_data(as_text=True)
    assert "已核实，维持原结果。" in shown and 'data-testid="objection-form"' in shown

    workbook = bureau.get(f"/evaluations/{evaluation.id}/export.xlsx")
    assert workbook.status_code == 200
    book = load_workbook(io.BytesIO(workbook.data))
    assert book.sheetnames == ["排名", "评分依据", "律所汇总", "调整记录", "异议", "说明"]
    ranking = list(book["排名"].iter_rows(values_only=True))
    # Every sheet opens with the title row (tests/evaluation/test_workbook.py), then its header.
    assert len(ranking) == 37 and ranking[1][:5] == (
        "名次",
        "法律顾问",
        "律师事务所",
        "总分",
        "等次",
    )
    assert [row[0] for row in ranking[2:]] == list(range(1, 36))
    # Every item of every advisor with its points and its basis, in the page's words.
    bases = list(book["评分依据"].iter_rows(values_only=True))
    assert bases[1] == ("名次", "法律顾问", "考核项目", "得分", "满分", "评分依据")
    assert len(bases) == 2 + 35 * 7
    stored = services.get_result(session, evaluation, 1)
    on_time = next(i for i in stored.items if i["item"] == "on_time")
    row = next(r for r in bases if r[0] == stored.rank and r[2] == "按时出具审查意见")
    assert row[3:] == (Decimal(on_time["points"]), Decimal(25), on_time["basis_zh"])
    assert row[5].startswith("教育局调整为 20 分（满分 25 分）。原计算：")
    assert row[5] in advisor1.get(page).get_data(as_text=True)
    assert list(book["调整记录"].iter_rows(values_only=True))[2][4] == "学校补交材料导致延误"
    assert list(book["异议"].iter_rows(values_only=True))[2][1] == "讲座次数有遗漏"
    assert book["说明"]["A3"].value == "考核期间" and book["说明"]["B3"].value == "2025年度"


@pytest.mark.usefixtures("year")
def test_the_api_adjusts_publishes_and_takes_objections(
    session: orm.Session, client: FlaskClient
) -> None:
    bureau = token_headers(session, "bureau@demo.local")
    advisor = token_headers(session, "advisor01@demo.local")
    evaluation = client.post("/api/v1/evaluations", json={"period": "2025"}, headers=bureau).json
    base = f"/api/v1/evaluations/{evaluation['id']}"

    refused = client.post(
        f"{base}/adjust", json={"advisor_id": 1, "item": "on_time", "points": "20"}, headers=bureau
    )
    assert refused.status_code == 422 and "reason" in refused.json["error"]["fields"]
    body = client.post(
        f"{base}/adjust",
        json={"advisor_id": 1, "veto": "sanction", "reason": "受到行业处分"},
        headers=bureau,
    ).json
    mine = next(r for r in body["results"] if r["advisor_id"] == 1)
    assert mine["vetoed"] and mine["grade"] == "不合格" and mine["rank"] == 35
    assert mine["adjustments"][0] | {"created_at": None} == {
        "id": mine["adjustments"][0]["id"],
        "kind": "veto",
        "target": "sanction",
        "value": "1",
        "reason": "受到行业处分",
        "objection_id": None,
        "created_at": None,
    }
    assert client.post(f"{base}/publish", headers=advisor).status_code == 403
    assert client.get(base, headers=advisor).status_code == 404  # still a draft
    published = client.post(f"{base}/publish", headers=bureau)
    assert published.status_code == 200 and published.json["status"] == "published"
    assert published.json["objections_until"] is not None
    assert client.post(f"{base}/publish", headers=bureau).status_code == 409

    filed = client.post(f"{base}/objections", json={"text": "处分已撤销"}, headers=advisor)
    assert filed.status_code == 201 and filed.json["status"] == "open"
    assert client.post(
        f"{base}/objections", json={"text": "再提"}, headers=advisor
    ).status_code == (409)
    assert client.post(f"{base}/objections", json={"text": "x"}, headers=bureau).status_code == 403
    answer = client.post(
        f"{base}/objections/{filed.json['id']}/answer",
        json={"answer": "处分已撤销，取消否决。", "item": "on_time", "points": 25},
        headers=bureau,
    )
    assert answer.status_code == 200 and answer.json["status"] == "answered"
    listed = client.get(f"{base}/objections", headers=advisor).json
    assert [o["answer"] for o in listed["items"]] == ["处分已撤销，取消否决。"]
    other = token_headers(session, "advisor02@demo.local")
    assert client.get(f"{base}/objections", headers=other).json["items"] == []


@pytest.mark.usefixtures("year")
def test_the_basis_is_written_in_both_languages(session: orm.Session, app: Flask) -> None:
    with app.app_context():  # the translations are the application's
        evaluation = run(session)
    items = {i["item"]: i for i in services.get_result(session, evaluation, A).items}
    # Sentences a bureau official reads aloud, without a formula.
    assert items["on_time"]["basis_zh"] == (
        "4 件审查意见中 3 件按期出具（75%），得 18.75 分（满分 25 分）"
    )
    assert items["on_time"]["basis_en"] == (
        "3 of 4 reviews issued by their due date (75%): 18.75 of 25 points"
    )
    assert items["rating"]["basis_zh"] == (
        "学校评价 3 次，平均 4 分（5 分制），平均 1 分得 0 分、5 分得满分，得 22.5 分（满分 30 分）"
    )
    assert items["lectures"]["basis_zh"] == (
        "台账记载法治讲座 2 次，每次 2 分，得 4 分（满分 10 分）"
    )
    assert items["discipline"]["basis_zh"] == (
        "有效投诉数（教育局录入）：尚未录入，按细则无数据时计 10 分（满分 10 分）"
    )
    other = {i["item"]: i for i in services.get_result(session, evaluation, B).items}
    assert other["rating"]["basis_zh"] == "2025年度 无学校评价，本项不计分，其余项目按比例折算"
    assert other["rating"]["basis_en"] == (
        "no school ratings in 2025: not counted; the other items are scaled up to make up for it"
    )
    for item in [*items.values(), *other.values()]:
        assert not re.search(r"[×÷=]|\d\s*[-+*/]\s*\d", item["basis_zh"] + item["basis_en"])


@pytest.mark.usefixtures("year")
def test_results_stored_with_formulas_are_reworded_and_their_numbers_kept(
    session: orm.Session, app: Flask
) -> None:
    with app.app_context():
        evaluation = run(session)
        adjust(session, evaluation, kind="points", target="on_time", value="20")
        publish(session, evaluation)
    mine = services.get_result(session, evaluation, A)
    other = services.get_result(session, evaluation, B)
    words = [dict(i) for i in mine.items]
    # As an earlier version stored them: formulas; and a result whose points differ from
    # what its inputs give now (as if the scoring rules had changed since).
    mine.items = [
        {**i, "basis_zh": "75% × 25 = 18.75", "basis_en": "75% × 25 = 18.75"} for i in words
    ]
    other.items = [{**i, "points": "1.00"} if i["item"] == "matters" else i for i in other.items]
    kept = [dict(i) for i in other.items]
    session.commit()

    result = app.test_cli_runner().invoke(args=["evaluations", "reword"])
    assert result.exit_code == 0, result.output
    # Only the result stored with formulas is rewritten; the one whose points differ is not.
    assert result.output.strip() == "Results reworded: 1; left as stored (points differ): 1."
    session.expire_all()
    assert services.get_result(session, evaluation, A).items == words
    assert services.get_result(session, evaluation, B).items == kept
    on_time = next(i for i in words if i["item"] == "on_time")
    assert on_time["basis_zh"].startswith("教育局调整为 20 分（满分 25 分）。原计算：")


@pytest.mark.usefixtures("year")
def test_the_result_page_says_why_a_result_is_vetoed(
    session: orm.Session, bureau: FlaskClient
) -> None:
    evaluation = run(session)
    adjust(session, evaluation, kind="veto", target="secrets", value="1")
    session.commit()
    page = f"/evaluations/{evaluation.id}/advisors/{A}"
    assert (
        'data-testid="veto-basis">一票否决：泄露国家秘密、工作秘密或学校信息。'
        "无论得分多少，等次定为不合格。<"
    ) in bureau.get(page, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert (
        'data-testid="veto-basis">Veto: Leaked confidential information.'
        " Graded Unqualified whatever the points.<"
    ) in bureau.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
    adjust(session, evaluation, kind="veto", target="secrets", value="0")
    session.commit()
    assert 'data-testid="veto-basis"' not in bureau.get(page).get_data(as_text=True)


@pytest.mark.usefixtures("year")
def test_the_advisors_page_lists_their_own_published_results(
    session: orm.Session, advisor1: FlaskClient
) -> None:
    draft = run(session)
    published = run(session)
    publish(session, published, today=today_local())
    session.commit()
    mine = services.get_result(session, published, 1)
    page = advisor1.get("/evaluations").get_data(as_text=True)
    assert f'href="/evaluations/{published.id}"' in page
    assert f'href="/evaluations/{draft.id}"' not in page  # a draft is the bureau's alone
    assert mine.total in page and mine.grade in page


def test_the_self_evaluation_page_keeps_what_was_typed_and_saves(
    session: orm.Session, advisor1: FlaskClient
) -> None:
    refused = advisor1.post(
        "/evaluations/self",
        data={"period": "2025", "text": "全年审查合同12份", "score-on_time": "99"},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "全年审查合同12份" in page and 'value="99"' in page
    assert responses.get_self_evaluation(session, 1, "2025") is None

    saved = advisor1.post(
        "/evaluations/self",
        data={"period": "2025", "text": "全年审查合同12份", "score-on_time": "24"},
    )
    assert saved.status_code == 302
    row = responses.get_self_evaluation(session, 1, "2025")
    assert row is not None and (row.text, row.scores) == ("全年审查合同12份", {"on_time": "24"})
    again = advisor1.get("/evaluations/self?period=2025").get_data(as_text=True)
    assert 'value="24"' in again and f'name="lock_version" value="{row.lock_version}"' in again
