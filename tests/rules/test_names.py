"""Unit names: two spellings of one unit fold to one key; a cell splits into the names it lists."""
import pytest

from tracker.rules.names import APPENDIX1, UNSPECIFIED, collective_kind, fold_name, split_names

NBSP = "\u00a0"


@pytest.mark.parametrize(
    "one, other",
    [
        ("Vụ Kế hoạch, Tài chính", "Vụ Kế hoạch - Tài chính"),
        ("Vụ Kế hoạch, Tài chính", "vụ  kế hoạch – tài chính"),
        ("Cục Di sản văn hóa", "Cục Di sản văn hoá"),
        ("Cục Di sản văn hóa", f"Cục{NBSP}Di sản văn hóa."),
        ("Trung tâm Công nghệ thông tin", "TRUNG TÂM CÔNG NGHỆ THÔNG TIN"),
        ("Cục Điện ảnh", "Cục Điện ảnh".encode().decode().replace("Đ", "Ð")),  # Icelandic Eth look-alike
        ("Cục Văn hóa cơ sở", "Cuc Văn hóa cơ sở".replace("Cuc", "Cục")),
    ],
)
def test_spellings_of_one_unit_fold_to_the_same_key(one, other):
    assert fold_name(one) == fold_name(other)


def test_nfd_decomposed_names_fold_like_nfc():
    import unicodedata

    assert fold_name(unicodedata.normalize("NFD", "Cục Bản quyền tác giả")) == fold_name("Cục Bản quyền tác giả")


def test_tone_placement_is_only_moved_at_the_end_of_a_syllable():
    assert fold_name("Vụ Kế hoạch") == "vụ kế hoạch"  # "hoạch" keeps its tone where it is
    assert fold_name("Thuỷ lợi") == "thủy lợi"


@pytest.mark.parametrize(
    "a, b",
    [("Cục Điện ảnh", "Cục Di sản"), ("Vụ Pháp chế", "Vụ Thư viện"), ("Cục Văn hóa cơ sở", "Cục Văn hóa")],
)
def test_different_units_keep_different_keys(a, b):
    assert fold_name(a) != fold_name(b)


KNOWN = {
    fold_name(n)
    for n in (
        "Vụ Kế hoạch, Tài chính",
        "Cục Mỹ thuật, Nhiếp ảnh và Triển lãm",
        "Trung tâm Công nghệ thông tin",
        "Vụ Pháp chế",
        "Các cơ quan được giao giải quyết TTHC",
        "Các cơ quan, đơn vị có liên quan",
        "Các Sở, ban, ngành",
    )
}


def known(name):
    return fold_name(name) in KNOWN


@pytest.mark.parametrize(
    "cell, names",
    [
        ("Vụ Pháp chế", ["Vụ Pháp chế"]),
        (
            "Các cơ quan được giao giải quyết TTHC, các đơn vị có liên quan",
            ["Các cơ quan được giao giải quyết TTHC", "các đơn vị có liên quan"],
        ),
        ("Các cơ quan, đơn vị có liên quan", ["Các cơ quan, đơn vị có liên quan"]),
        ("Vụ Kế hoạch, Tài chính", ["Vụ Kế hoạch, Tài chính"]),
        ("Vụ Kế hoạch - Tài chính; Vụ Pháp chế.", ["Vụ Kế hoạch - Tài chính", "Vụ Pháp chế"]),
        (
            "Cục Mỹ thuật, Nhiếp ảnh và Triển lãm và Trung tâm Công nghệ thông tin",
            ["Cục Mỹ thuật, Nhiếp ảnh và Triển lãm", "Trung tâm Công nghệ thông tin"],
        ),
        ("Các Sở, ban, ngành; UBND cấp huyện.", ["Các Sở, ban, ngành", "UBND cấp huyện"]),
        ("Vụ Pháp chế\nTrung tâm Công nghệ thông tin", ["Vụ Pháp chế", "Trung tâm Công nghệ thông tin"]),
        ("- Vụ Pháp chế;\n- Cục Lạ", ["Vụ Pháp chế", "Cục Lạ"]),
        ("Cục A, Cục B", ["Cục A", "Cục B"]),  # unknown names still come out, one by one
        ("", []),
    ],
)
def test_a_cell_splits_into_the_names_it_lists(cell, names):
    assert split_names(cell, known) == names


def test_appendix1_lists_split_on_semicolons_only():
    cell = "Cục Di sản văn hóa; Cục Mỹ thuật, Nhiếp ảnh và Triển lãm; Cục Văn hóa cơ sở;"
    assert split_names(cell, lambda n: False, strict_separators=";\n") == [
        "Cục Di sản văn hóa", "Cục Mỹ thuật, Nhiếp ảnh và Triển lãm", "Cục Văn hóa cơ sở",
    ]


@pytest.mark.parametrize(
    "name, kind",
    [
        ("Các cơ quan được giao giải quyết TTHC", APPENDIX1),
        ("các cơ quan được giao giải quyết thủ tục hành chính", APPENDIX1),
        ("Các cơ quan, đơn vị có liên quan", UNSPECIFIED),
        ("các đơn vị có liên quan", UNSPECIFIED),
        ("Các Sở, ban, ngành", UNSPECIFIED),
        ("UBND cấp huyện", UNSPECIFIED),
        ("UBND cấp xã", UNSPECIFIED),
        ("Vụ Pháp chế", None),
    ],
)
def test_collective_names_are_recognised(name, kind):
    assert collective_kind(name) == kind


@pytest.mark.parametrize(
    "cell, names",
    [
        ("Sở Thông tin và Truyền thông", ["Sở Thông tin và Truyền thông"]),
        ("Sở Thông tin và Truyền thông; Sở Nội vụ", ["Sở Thông tin và Truyền thông", "Sở Nội vụ"]),
        ("Sở Nội vụ, Sở Tài chính và Sở Tư pháp", ["Sở Nội vụ", "Sở Tài chính", "Sở Tư pháp"]),
        ("Cục Văn hóa, Thể thao, Du lịch", ["Cục Văn hóa, Thể thao, Du lịch"]),
        ("Sở Văn hóa và Thể thao, UBND cấp huyện", ["Sở Văn hóa và Thể thao", "UBND cấp huyện"]),
    ],
)
def test_unknown_names_are_split_only_where_a_new_unit_name_starts(cell, names):
    assert split_names(cell, lambda n: False) == names
