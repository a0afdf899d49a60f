"""A plan's indicators, groups and targets set by hand: the services' rules and the pages that call them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import (
    Indicator,
    Plan,
    Target,
    TargetMilestone,
    Unit,
    UnitGroup,
    UnitGroupMember,
)
from tracker.plan_kpi_admin import (
    IndicatorFields,
    PlanKpiError,
    TargetFields,
    add_group,
    add_indicator,
    add_members,
    edit_indicator,
    remove_indicator,
    rename_group,
    set_target,
    use_1872,
    use_own,
)
from tracker.rules.kpi import RATIO_KEYS
from tracker.rules.milestones import Step, rising_milestones

from .conftest import csrf_token, make_user


def _plan(number: str = "2139/QĐ-UBND", scheme: str = "plan") -> Plan:
    plan = Plan(
        number=number,
        title="Giao chỉ tiêu DVCTT năm 2022",
        issuer="UBND tỉnh Bà Rịa - Vũng Tàu",
        issued_on=date(2022, 8, 3),
        year=2022,
        kpi_scheme=scheme,
    )
    db.session.add(plan)
    db.session.flush()
    return plan


def _unit(code: str, name: str, level: str = "") -> Unit:
    from tracker.rules.names import fold_name

    unit = Unit(code=code, name=name, folded_name=fold_name(name), level=level)
    db.session.add(unit)
    db.session.flush()
    return unit


def _ratio(number: int = 1, name: str = "Tỷ lệ DVCTT có phát sinh hồ sơ") -> IndicatorFields:
    return IndicatorFields(
        number=number,
        name=name,
        kind="ratio",
        numerator_label="Số DVCTT có phát sinh hồ sơ",
        denominator_label="Tổng số DVCTT",
        unit_of_measure="%",
    )


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


def test_choosing_1872_makes_its_three_ratios_once(ctx):
    plan = _plan()
    made = use_1872(plan)
    again = use_1872(plan)
    assert plan.kpi_scheme == "dvctt_1872"
    assert [(i.number, i.kind, (i.numerator_key, i.denominator_key)) for i in made] == [
        (n, "ratio", RATIO_KEYS[n]) for n in (1, 2, 3)
    ]
    assert [i.id for i in again] == [i.id for i in made]
    assert db.session.scalar(select(func.count(Indicator.id))) == 3


def test_choosing_1872_is_refused_while_the_plan_has_its_own_indicators(ctx):
    plan = _plan()
    add_indicator(plan, _ratio())
    with pytest.raises(PlanKpiError, match="chỉ tiêu riêng"):
        use_1872(plan)


def test_new_indicators_get_keys_of_their_own_that_never_change(ctx):
    plan = _plan()
    first = add_indicator(plan, _ratio())
    second = add_indicator(
        plan,
        IndicatorFields(2, "Tỷ lệ thanh toán trực tuyến", "percent", "Tỷ lệ thanh toán trực tuyến (%)", "ignored", ""),
    )
    keys = (first.numerator_key, first.denominator_key)
    assert all(keys) and len({*keys, second.numerator_key}) == 3
    assert second.denominator_key == "" and second.denominator_label == "" and second.unit_of_measure == "%"
    edit_indicator(plan, first, IndicatorFields(5, "Tỷ lệ DVCTT (sửa)", "percent", "Tỷ lệ (%)", "", "%"))
    edit_indicator(plan, first, _ratio(5))
    assert (first.numerator_key, first.denominator_key) == keys and first.number == 5


@pytest.mark.parametrize(
    "fields, field",
    [
        (IndicatorFields(1, "", "ratio", "a", "b", "%"), "name"),
        (IndicatorFields(1, "Tên", "other", "a", "b", "%"), "kind"),
        (IndicatorFields(0, "Tên", "ratio", "a", "b", "%"), "number"),
        (IndicatorFields(1, "Tên", "ratio", "", "b", "%"), "numerator_label"),
        (IndicatorFields(1, "Tên", "ratio", "a", " ", "%"), "denominator_label"),
        (IndicatorFields(7, "Tên", "count", "", "", "hồ sơ"), "numerator_label"),
    ],
)
def test_an_indicator_missing_what_it_needs_is_refused_naming_the_field(ctx, fields, field):
    plan = _plan()
    with pytest.raises(PlanKpiError) as caught:
        add_indicator(plan, fields)
    assert caught.value.field == field


def test_indicator_numbers_are_unique_in_a_plan_and_1872_plans_take_no_own_indicators(ctx):
    plan = _plan()
    add_indicator(plan, _ratio(1))
    with pytest.raises(PlanKpiError, match=r"đã có chỉ tiêu \(1\)"):
        add_indicator(plan, _ratio(1, "Khác"))
    other = _plan("1872/QĐ-BVHTTDL", scheme="dvctt_1872")
    with pytest.raises(PlanKpiError) as caught:
        add_indicator(other, _ratio(4))
    assert caught.value.field == "scheme"


def test_an_indicator_a_target_uses_cannot_be_removed(ctx):
    plan = _plan()
    indicator = add_indicator(plan, _ratio())
    group = add_group(plan, "UBND cấp huyện")
    target = set_target(plan, indicator, TargetFields("value", D(80)), group=group)
    with pytest.raises(PlanKpiError, match="đang được dùng"):
        remove_indicator(plan, indicator)
    db.session.delete(target)
    remove_indicator(plan, indicator)
    assert db.session.scalar(select(func.count(Indicator.id))) == 0


def test_group_names_are_required_and_unique_in_a_plan(ctx):
    plan = _plan()
    first = add_group(plan, "  Cơ quan hành chính   cấp tỉnh ")
    second = add_group(plan, "UBND cấp huyện")
    assert (first.number, first.name, second.number) == (1, "Cơ quan hành chính cấp tỉnh", 2)
    with pytest.raises(PlanKpiError, match="đã có nhóm"):
        add_group(plan, "ubnd cấp HUYỆN")
    with pytest.raises(PlanKpiError, match="không được để trống"):
        rename_group(plan, first, " ")
    rename_group(plan, first, "Sở, ban, ngành")
    assert first.name == "Sở, ban, ngành"


def test_a_unit_is_in_at_most_one_group_of_a_plan_and_nothing_is_added_when_refused(ctx):
    plan = _plan()
    province, district = add_group(plan, "Cơ quan hành chính cấp tỉnh"), add_group(plan, "UBND cấp huyện")
    so = _unit("STTTT", "Sở Thông tin và Truyền thông", "Sở")
    huyen = _unit("UBNDCD", "UBND huyện Côn Đảo", "UBND cấp huyện")
    assert add_members(plan, province, [so]) == [so]
    assert add_members(plan, province, [so]) == []  # already there: left as it is
    with pytest.raises(
        PlanKpiError, match="Sở Thông tin và Truyền thông \\(đang ở nhóm “Cơ quan hành chính cấp tỉnh”\\)"
    ):
        add_members(plan, district, [huyen, so])
    assert [m.unit_id for m in district.members] == []
    # Another plan's groups do not count.
    other = _plan("1546/QĐ-UBND")
    assert add_members(other, add_group(other, "Sở"), [so]) == [so]


def test_targets_replace_the_earlier_one_and_milestones_are_written_in_order(ctx):
    plan = _plan()
    indicator = add_indicator(plan, _ratio())
    group = add_group(plan, "UBND cấp huyện")
    set_target(plan, indicator, TargetFields("value", D(80)), group=group)
    steps = tuple(rising_milestones(D(50), date(2022, 9, 30), D(15), D(80)))
    target = set_target(plan, indicator, TargetFields("milestones", milestones=steps), group=group)
    target = set_target(plan, indicator, TargetFields("milestones", milestones=steps), group=group)
    assert db.session.scalar(select(func.count(Target.id))) == 1
    assert [(m.due_on, m.value) for m in target.milestones] == [(s.due_on, s.value) for s in steps]
    assert db.session.scalar(select(func.count(TargetMilestone.id))) == 3
    assert target.kind == "value" and target.value_min is None
    assert target.text == "50% đến 30/09/2022; 65% đến 31/10/2022; 80% đến 30/11/2022"


def test_a_unit_target_is_held_apart_from_its_group(ctx):
    plan = _plan()
    indicator = add_indicator(plan, _ratio())
    group = add_group(plan, "UBND cấp huyện")
    unit = _unit("UBNDCD", "UBND huyện Côn Đảo", "UBND cấp huyện")
    set_target(plan, indicator, TargetFields("value", D(80)), group=group)
    own = set_target(plan, indicator, TargetFields("range", D(60), D(70), note="huyện đảo"), unit=unit)
    assert (own.unit_id, own.group_id, own.text) == (unit.id, None, "Từ 60 đến 70% (huyện đảo)")


@pytest.mark.parametrize(
    "fields, field",
    [
        (TargetFields("value"), "value_min"),
        (TargetFields("range", D(60)), "value_max"),
        (TargetFields("range", D(60), D(50)), "value_max"),
        (TargetFields("value", D(120)), "value_min"),
        (TargetFields("not_applicable"), "note"),
        (TargetFields("milestones"), "milestones"),
        (TargetFields("milestones", milestones=(Step(date(2022, 9, 30), D(150)),)), "milestones"),
        (TargetFields("other"), "kind"),
    ],
)
def test_a_target_missing_what_it_needs_is_refused_naming_the_field(ctx, fields, field):
    plan = _plan()
    indicator = add_indicator(plan, _ratio())
    group = add_group(plan, "UBND cấp xã")
    with pytest.raises(PlanKpiError) as caught:
        set_target(plan, indicator, fields, group=group)
    assert caught.value.field == field


def test_a_count_indicator_takes_targets_above_100(ctx):
    plan = _plan()
    indicator = add_indicator(
        plan, IndicatorFields(1, "Số hồ sơ trực tuyến", "count", "Số hồ sơ trực tuyến", "", "hồ sơ")
    )
    target = set_target(plan, indicator, TargetFields("value", D(1500)), group=add_group(plan, "Sở"))
    assert target.text == "Tối thiểu 1500 hồ sơ"


def test_switching_to_own_keeps_the_indicators(ctx):
    plan = _plan(scheme="dvctt_1872")
    use_1872(plan)
    use_own(plan)
    assert plan.kpi_scheme == "plan" and db.session.scalar(select(func.count(Indicator.id))) == 3


# Pages --------------------------------------------------------------------------------------------------------


@pytest.fixture
def plan_site(app):
    """A hand-made plan with two units of two levels and one account of each kind of person."""
    with app.app_context():
        plan = _plan()
        _unit("STTTT", "Sở Thông tin và Truyền thông", "Sở")
        _unit("SNV", "Sở Nội vụ", "Sở")
        _unit("UBNDCD", "UBND huyện Côn Đảo", "UBND cấp huyện")
        _unit("UBNDLD", "UBND huyện Long Điền", "UBND cấp huyện")
        for key, role, code in (
            ("admin", "admin", None),
            ("monitor", "monitor", None),
            ("viewer", "viewer", None),
            ("head", "unit_head", "SNV"),
        ):
            make_user(key, role, code)
        db.session.commit()
        return plan.id


def _login(client, who):
    from .conftest import login

    assert login(client, who).status_code == 302


def _post(client, path, data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/account"), **data})


def test_admin_defines_an_indicator_groups_and_a_milestone_target_through_the_pages(app, client, plan_site):
    _login(client, "admin")
    base = f"/plans/{plan_site}"
    response = _post(
        client,
        f"{base}/indicators",
        {
            "new-number": "1",
            "new-name": "Tỷ lệ DVCTT có phát sinh hồ sơ",
            "new-kind": "ratio",
            "new-numerator_label": "Số DVCTT có phát sinh hồ sơ",
            "new-denominator_label": "Tổng số DVCTT",
            "new-unit_of_measure": "%",
        },
    )
    assert response.status_code == 302
    assert _post(client, f"{base}/groups", {"new-name": "UBND cấp huyện"}).status_code == 302
    assert _post(client, f"{base}/groups/1/members", {"g1-level": "UBND cấp huyện"}).status_code == 302
    preview = _post(
        client,
        f"{base}/targets/edit",
        {
            "holder": "g1",
            "indicator": "1",
            "kind": "milestones",
            "start_value": "50",
            "start_on": "30/9/2022",
            "step": "15",
            "until_value": "80",
            "action": "preview",
        },
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "31/10/2022: 65" in page and "Sẽ ghi 3 mốc" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Target.id))) == 0  # a preview saves nothing
    saved = _post(
        client,
        f"{base}/targets/edit",
        {
            "holder": "g1",
            "indicator": "1",
            "kind": "milestones",
            "action": "save",
            "milestones": "30/09/2022: 50\n31/10/2022: 65\n30/11/2022: 80",
        },
    )
    assert saved.status_code == 302
    page = client.get(f"{base}/targets?on=31/10/2022").get_data(as_text=True)
    assert "<strong>65%</strong>" in page
    with app.app_context():
        members = db.session.scalars(select(UnitGroupMember).join(UnitGroup).order_by(UnitGroupMember.position))
        assert [m.written for m in members] == ["UBND huyện Côn Đảo", "UBND huyện Long Điền"]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "value", "value_min": "72.5"}, "Mức (tối thiểu): hãy ghi một số, phần thập phân sau dấu phẩy"),
        (
            {
                "kind": "milestones",
                "start_value": "50",
                "start_on": "2022-09-30",
                "step": "15",
                "until_value": "80",
                "action": "preview",
            },
            "Đạt mức đầu vào ngày (ngày/tháng/năm): hãy ghi ngày theo dạng ngày/tháng/năm",
        ),
        ({"kind": "milestones", "milestones": "30/09/2022: 50\n31/10/2022 sáu lăm"}, "Các mốc, dòng 2"),
        ({"kind": "value", "value_min": "80", "holder": ""}, "Giao cho: hãy chọn một nhóm hoặc một đơn vị."),
    ],
)
def test_a_refused_target_form_names_the_field_saves_nothing_and_keeps_what_was_typed(
    app, client, plan_site, data, message
):
    with app.app_context():
        plan = db.session.get(Plan, plan_site)
        add_indicator(plan, _ratio())
        add_group(plan, "UBND cấp huyện")
        db.session.commit()
    _login(client, "admin")
    response = _post(
        client, f"/plans/{plan_site}/targets/edit", {"holder": "g1", "indicator": "1", "action": "save", **data}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and "Chưa lưu" in page
    for value in data.values():
        if value not in ("save", "preview", "milestones", "value", ""):
            assert value.splitlines()[0] in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Target.id))) == 0


def test_a_unit_in_another_group_is_refused_on_the_page(app, client, plan_site):
    with app.app_context():
        plan = db.session.get(Plan, plan_site)
        province = add_group(plan, "Cơ quan hành chính cấp tỉnh")
        add_group(plan, "UBND cấp huyện")
        add_members(plan, province, [db.session.scalar(select(Unit).where(Unit.code == "SNV"))])
        db.session.commit()
    _login(client, "admin")
    response = _post(client, f"/plans/{plan_site}/groups/2/members", {"g2-units": ["SNV", "UBNDCD"]})
    assert response.status_code == 422
    assert "Mỗi đơn vị chỉ thuộc một nhóm của kế hoạch" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(UnitGroupMember.id))) == 1


@pytest.mark.parametrize(
    "who, read, write",
    [
        ("admin", 200, 302),
        ("monitor", 200, 403),
        ("viewer", 200, 403),
        ("head", 403, 403),
    ],
)
def test_admins_edit_the_it_centre_and_leadership_read_units_are_kept_out(app, client, plan_site, who, read, write):
    _login(client, who)
    for page in ("indicators", "groups", "targets"):
        assert client.get(f"/plans/{plan_site}/{page}").status_code == read
    assert _post(client, f"/plans/{plan_site}/groups", {"new-name": "UBND cấp xã"}).status_code == write
    with app.app_context():
        assert db.session.scalar(select(func.count(UnitGroup.id))) == (1 if write == 302 else 0)


def test_the_plan_page_links_admins_to_the_kpi_pages(client, plan_site):
    _login(client, "admin")
    page = client.get(f"/plans/{plan_site}").get_data(as_text=True)
    for path in ("indicators", "groups", "targets"):
        assert f'href="/plans/{plan_site}/{path}"' in page


def test_the_targets_page_refuses_a_day_it_cannot_read(client, plan_site):
    _login(client, "monitor")
    response = client.get(f"/plans/{plan_site}/targets?on=2022-10-31")
    assert response.status_code == 422 and "Ngày xem chỉ tiêu: hãy ghi ngày" in response.get_data(as_text=True)


def _grow(app, plan_id: int, groups: int) -> None:
    """More groups, members and milestone targets on the plan."""
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        indicator = db.session.scalar(select(Indicator).where(Indicator.plan_id == plan_id)) or add_indicator(
            plan, _ratio()
        )
        start = db.session.scalar(select(func.count(UnitGroup.id)))
        for n in range(start, start + groups):
            group = add_group(plan, f"Nhóm {n}")
            add_members(plan, group, [_unit(f"U{n}", f"Đơn vị {n}", "Sở")])
            set_target(
                plan,
                indicator,
                TargetFields("milestones", milestones=tuple(rising_milestones(D(50), date(2022, 9, 30), D(15), D(80)))),
                group=group,
            )
        db.session.commit()


def test_the_kpi_pages_take_the_same_number_of_queries_for_any_number_of_groups(app, client, plan_site):
    from .test_query_counts import count_statements

    _login(client, "admin")
    counts = []
    for more in (1, 6):
        _grow(app, plan_site, more)
        with app.app_context(), count_statements() as counter:
            for page in ("indicators", "groups", "targets", "targets/edit"):
                assert client.get(f"/plans/{plan_site}/{page}").status_code == 200
        counts.append(counter["n"])
    assert counts[0] > 0 and counts[0] == counts[1]
