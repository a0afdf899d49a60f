"""Unit names: two spellings of one unit fold to one key; a cell splits into the names it lists."""

import pytest

from tracker.rules.names import (
    APPENDIX1,
    UNSPECIFIED,
    collective_kind,
    fold_name,
    shared_head_members,
    split_names,
    unit_lookup_key,
)

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
        "Cục Di sản văn hóa",
        "Cục Mỹ thuật, Nhiếp ảnh và Triển lãm",
        "Cục Văn hóa cơ sở",
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


def unknown(_name):
    return False


# Cells and label values of the development corpus (../shared/corpus), as the source writes them (line
# breaks of the .docx cells and hard wraps of the .md files included), and the names its ground truth lists.
CORPUS_CELLS = [
    # kh552 (Đồng Tháp): collectives with inner commas, "Viện, Trường", a bare "Doanh nghiệp" before "Sở, ban, ngành".
    ("Sở, ban, ngành có liên quan", ["Sở, ban, ngành có liên quan"]),
    (
        "Viện, Trường; Doanh nghiệp, Sở, ban, ngành có liên quan",
        ["Viện, Trường", "Doanh nghiệp", "Sở, ban, ngành có liên quan"],
    ),
    (
        "Viện, Trường; Doanh nghiệp; Sở, ban, ngành có liên quan",
        ["Viện, Trường", "Doanh nghiệp", "Sở, ban, ngành có liên quan"],
    ),
    (
        "Sở Công Thương; Ban Quản lý khu Kinh tế tỉnh Đồng Tháp",
        ["Sở Công Thương", "Ban Quản lý khu Kinh tế tỉnh Đồng Tháp"],
    ),
    ("Liên hiệp các Hội Khoa học và Kỹ thuật", ["Liên hiệp các Hội Khoa học và Kỹ thuật"]),
    ("Sở Văn hoá Thể thao du lịch", ["Sở Văn hoá Thể thao du lịch"]),
    # kh310 (Hà Nội): two units with no delimiter; lower-case parties after "Doanh nghiệp".
    (
        "Sở Khoa học và Công nghệ Sở Công Thương; UBND các phường, xã",
        ["Sở Khoa học và Công nghệ", "Sở Công Thương", "UBND các phường, xã"],
    ),
    (
        "Sở Khoa học và Công nghệ, Sở Công Thương, Các doanh nghiệp viễn thông",
        ["Sở Khoa học và Công nghệ", "Sở Công Thương", "Các doanh nghiệp viễn thông"],
    ),
    ("Doanh nghiệp, nhà cung cấp dịch vụ IoT, nhà đầu tư", ["Doanh nghiệp", "nhà cung cấp dịch vụ IoT", "nhà đầu tư"]),
    ("Ban Quản lý các khu công nghệ cao và khu công nghiệp", ["Ban Quản lý các khu công nghệ cao và khu công nghiệp"]),
    # qd2597 (.md, hard-wrapped cells).
    ("Bộ Nông nghiệp và\nMôi trường, các địa phương", ["Bộ Nông nghiệp và Môi trường", "các địa phương"]),
    (
        "Bộ Khoa học và\nCông nghệ; các doanh nghiệp viễn thông",
        ["Bộ Khoa học và Công nghệ", "các doanh nghiệp viễn thông"],
    ),
    ("Các bộ, ngành, địa\nphương liên quan", ["Các bộ, ngành, địa phương liên quan"]),
    # nq394: "Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ" and the provinces' collective stay whole.
    (
        "Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ; Đài Truyền hình Việt Nam; Đài Tiếng nói Việt Nam và các cơ "
        "quan thông tấn, báo chí trung ương",
        [
            "Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
            "Đài Truyền hình Việt Nam",
            "Đài Tiếng nói Việt Nam",
            "các cơ quan thông tấn, báo chí trung ương",
        ],
    ),
    (
        "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương",
        ["Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương"],
    ),
    ("Các bộ, ngành và địa phương có liên quan", ["Các bộ, ngành và địa phương có liên quan"]),
    # qd2530 (.docx cells, "- " lines): notes in parentheses stay, shared heads stay, "và các …" splits.
    (
        "- Bộ Khoa học và Công nghệ;\n- Viện Hàn lâm Khoa học và Công nghệ Việt Nam;\n- Bộ Ngoại giao;\n"
        "- Bộ Giáo dục và Đào tạo;\n- Các trường đại học, viện nghiên cứu.",
        [
            "Bộ Khoa học và Công nghệ",
            "Viện Hàn lâm Khoa học và Công nghệ Việt Nam",
            "Bộ Ngoại giao",
            "Bộ Giáo dục và Đào tạo",
            "Các trường đại học, viện nghiên cứu",
        ],
    ),
    (
        "- Bộ Nông nghiệp và Môi trường;\n- Bộ Công Thương;\n- Bộ Công an;\n"
        "- UBND thành phố Hà Nội, UBND Thành phố Hồ Chí Minh và các tỉnh/thành phố khác.",
        [
            "Bộ Nông nghiệp và Môi trường",
            "Bộ Công Thương",
            "Bộ Công an",
            "UBND thành phố Hà Nội",
            "UBND Thành phố Hồ Chí Minh và các tỉnh/thành phố khác",
        ],
    ),
    (
        "- Bộ Nông nghiệp và Môi trường (chủ trì phần chính sách, công nghệ, điều phối);\n"
        "- UBND các tỉnh, thành phố (chủ trì phần đầu tư, xây dựng, vận hành tại địa phương).",
        [
            "Bộ Nông nghiệp và Môi trường (chủ trì phần chính sách, công nghệ, điều phối)",
            "UBND các tỉnh, thành phố (chủ trì phần đầu tư, xây dựng, vận hành tại địa phương)",
        ],
    ),
    (
        "- Bộ Nông nghiệp và Môi trường (mạng lưới quốc gia);\n- UBND thành phố Hà Nội, Thành phố Hồ Chí Minh và "
        "UBND các tỉnh, thành phố khác (mạng lưới địa phương).",
        [
            "Bộ Nông nghiệp và Môi trường (mạng lưới quốc gia)",
            "UBND thành phố Hà Nội, Thành phố Hồ Chí Minh",
            "UBND các tỉnh, thành phố khác (mạng lưới địa phương)",
        ],
    ),
    (
        "- Bộ Công Thương;\n- Bộ Xây dựng;\n- Bộ Công an;\n- UBND thành phố Hà Nội, Thành phố Hồ Chí Minh và các "
        "địa phương",
        [
            "Bộ Công Thương",
            "Bộ Xây dựng",
            "Bộ Công an",
            "UBND thành phố Hà Nội, Thành phố Hồ Chí Minh",
            "các địa phương",
        ],
    ),
    (
        "- Bộ Nông nghiệp và Môi trường và các bộ, ngành liên quan;\n- UBND thành phố Hà Nội, UBND Thành phố Hồ Chí "
        "Minh và các tỉnh/ thành phố khác.",
        [
            "Bộ Nông nghiệp và Môi trường",
            "các bộ, ngành liên quan",
            "UBND thành phố Hà Nội",
            "UBND Thành phố Hồ Chí Minh và các tỉnh/ thành phố khác",
        ],
    ),
    (
        "- Bộ Nông nghiệp và Môi trường;\n- Bộ Công an, các bộ, ngành và cộng đồng người dân.",
        ["Bộ Nông nghiệp và Môi trường", "Bộ Công an", "các bộ, ngành và cộng đồng người dân"],
    ),
    (
        "- Bộ Ngoại giao;\n- Bộ Tài chính; các bộ ngành liên quan.",
        ["Bộ Ngoại giao", "Bộ Tài chính", "các bộ ngành liên quan"],
    ),
    ("- Các bộ, ngành liên quan và UBND các tỉnh/ thành phố.", ["Các bộ, ngành liên quan", "UBND các tỉnh/ thành phố"]),
    (
        "- Bộ Nông nghiệp và Môi trường;\n- Bộ Tài chính;\n- UBND các tỉnh/thành phố vùng đồng bằng sông Hồng và "
        "Đông Nam Bộ.",
        [
            "Bộ Nông nghiệp và Môi trường",
            "Bộ Tài chính",
            "UBND các tỉnh/thành phố vùng đồng bằng sông Hồng và Đông Nam Bộ",
        ],
    ),
    ("Mặt trận Tổ quốc Việt Nam và các tổ chức thành viên", ["Mặt trận Tổ quốc Việt Nam và các tổ chức thành viên"]),
    ("Các bộ ngành và các địa phương", ["Các bộ ngành", "các địa phương"]),
    (
        "Đại học Bách khoa Hà Nội; các trường đại học, viện nghiên cứu",
        ["Đại học Bách khoa Hà Nội", "các trường đại học, viện nghiên cứu"],
    ),
    # qd2629: a scope qualifier after each unit; "các Hiệp hội và Doanh nghiệp …" are two parties.
    (
        "Bộ Công an, Bộ Khoa học và Công nghệ với các tiêu chuẩn, quy chuẩn, hướng dẫn kỹ thuật áp dụng chung toàn "
        "quốc; các bộ, ngành với các tiêu chuẩn, quy chuẩn, hướng dẫn kỹ thuật nội ngành",
        ["Bộ Công an", "Bộ Khoa học và Công nghệ", "các bộ, ngành"],
    ),
    (
        "Bộ Khoa học và Công nghệ, Bộ Quốc phòng, Bộ Tài chính, các Hiệp hội và Doanh nghiệp công nghệ số Việt Nam",
        [
            "Bộ Khoa học và Công nghệ",
            "Bộ Quốc phòng",
            "Bộ Tài chính",
            "các Hiệp hội",
            "Doanh nghiệp công nghệ số Việt Nam",
        ],
    ),
    (
        "Văn phòng Chính phủ, Bộ Công an và các bộ, ngành khác có liên quan",
        ["Văn phòng Chính phủ", "Bộ Công an", "các bộ, ngành khác có liên quan"],
    ),
    ("Bộ, ngành có liên quan", ["Bộ, ngành có liên quan"]),
    ("Bộ Công an (Trung tâm Dữ liệu quốc gia)", ["Bộ Công an (Trung tâm Dữ liệu quốc gia)"]),
    # cv6225 (.md): shared-head lists, one with ";" between its members and a sentence after it.
    ("Các Cục: Di sản văn hóa, Bản quyền tác giả", ["Các Cục: Di sản văn hóa, Bản quyền tác giả"]),
    (
        "Các Cục: Bản quyền tác giả; Phát thanh truyền\nhình và Thông tin điện tử; Xuất bản, In và Phát hành; Báo chí; "
        "Du lịch Quốc\ngia Việt Nam. Vụ Kế hoạch, Tài chính.",
        [
            "Các Cục: Bản quyền tác giả; Phát thanh truyền hình và Thông tin điện tử; Xuất bản, In và Phát hành; Báo chí; "
            "Du lịch Quốc gia Việt Nam",
            "Vụ Kế hoạch, Tài chính",
        ],
    ),
    (
        "Trung tâm Chuyển đổi số VHTTDL; các đơn vị có\nhệ thống thông tin, cơ sở dữ liệu",
        ["Trung tâm Chuyển đổi số VHTTDL", "các đơn vị có hệ thống thông tin, cơ sở dữ liệu"],
    ),
    ("Các đơn vị được giao thực hiện TTHC", ["Các đơn vị được giao thực hiện TTHC"]),
    # kh141, kh127, qd110, kh172: label values.
    ("Các Sở, ngành, đơn vị, UBND cấp xã.", ["Các Sở, ngành, đơn vị", "UBND cấp xã"]),
    (
        "Sở Tư pháp; các cơ quan, đơn vị, địa phương liên quan.",
        ["Sở Tư pháp", "các cơ quan, đơn vị, địa phương liên quan"],
    ),
    ("UBND các quận, huyện, thị xã và UBND xã, phường.", ["UBND các quận, huyện, thị xã", "UBND xã, phường"]),
    (
        "Các sở: Nông nghiệp và Môi trường, Xây dựng, Quy hoạch - Kiến trúc, Tài chính; UBND các xã, phường.",
        ["Các sở: Nông nghiệp và Môi trường, Xây dựng, Quy hoạch - Kiến trúc, Tài chính", "UBND các xã, phường"],
    ),
    (
        "Văn phòng UBND Thành phố; UBND các quận, huyện, thị xã và UBND các xã, phường, thị trấn.",
        ["Văn phòng UBND Thành phố", "UBND các quận, huyện, thị xã", "UBND các xã, phường, thị trấn"],
    ),
    (
        "Cục Quản lý nhà và thị trường bất động sản, Trung tâm thông tin.",
        ["Cục Quản lý nhà và thị trường bất động sản", "Trung tâm thông tin"],
    ),
    ("Văn phòng Bộ và các đơn vị liên quan", ["Văn phòng Bộ", "các đơn vị liên quan"]),
    ("Sở Nội vụ, Sở\nGiáo dục và Đào tạo, Sở Tài chính.", ["Sở Nội vụ", "Sở Giáo dục và Đào tạo", "Sở Tài chính"]),
    (
        "Bảo hiểm xã\nhội Thành phố, Chi nhánh Ngân hàng Chính sách xã hội Thành phố, Trung tâm Dịch\nvụ việc làm Thành "
        "phố (Sở Nội vụ), Ủy ban nhân dân xã, phường, đặc khu và các\ncơ quan, đơn vị có liên quan.",
        [
            "Bảo hiểm xã hội Thành phố",
            "Chi nhánh Ngân hàng Chính sách xã hội Thành phố",
            "Trung tâm Dịch vụ việc làm Thành phố (Sở Nội vụ)",
            "Ủy ban nhân dân xã, phường, đặc khu",
            "các cơ quan, đơn vị có liên quan",
        ],
    ),
    (
        "Sở Nội vụ,\ncác sở, ban, ngành Thành phố trong phạm vi chức năng, nhiệm vụ của mình và các\ncơ quan, tổ chức "
        "khác có liên quan.",
        ["Sở Nội vụ", "các sở, ban, ngành Thành phố", "các cơ quan, tổ chức khác có liên quan"],
    ),
    (
        "Sở Nội vụ\nchủ trì tham mưu Ủy ban nhân dân Thành phố ban hành Kế hoạch; Sở Tư pháp và các\nsở, ban, ngành "
        "Thành phố, Đài Phát thanh và Truyền hình Thành phố, cơ quan\nthông tấn báo chí và Ủy ban nhân dân xã, phường, "
        "đặc khu chủ động tổ chức triển\nkhai Luật Việc làm",
        ["Sở Nội vụ"],
    ),
    # kh144 (PDF-extracted .md): KPI lead cells with role phrases, unit headings.
    (
        "Sở KH&CN chủ trì hướng dẫn, tổng hợp; Các sở, ngành, UBND cấp xã thực hiện công bố dữ liệu mở hằng năm "
        "theo lĩnh vực quản lý.",
        ["Sở KH&CN"],
    ),
    (
        "Sở Giáo dục và Đào tạo; Sở Nội vụ; Sở Khoa học và Công nghệ thúc đẩy, theo dõi, báo cáo chỉ tiêu",
        ["Sở Giáo dục và Đào tạo", "Sở Nội vụ", "Sở Khoa học và Công nghệ"],
    ),
    ("Các sở,\nban, ngành, UBND các xã, phường", ["Các sở, ban, ngành", "UBND các xã, phường"]),
    (
        "Báo và\nPhát thanh, Truyền hình tỉnh và các cơ quan báo chí đóng trên địa bàn",
        ["Báo và Phát thanh, Truyền hình tỉnh", "các cơ quan báo chí đóng trên địa bàn"],
    ),
    (
        "Liên\nđoàn Lao động, Hội Nông dân, Liên minh Hợp tác xã",
        ["Liên đoàn Lao động", "Hội Nông dân", "Liên minh Hợp tác xã"],
    ),
    (
        "Mặt trận\nTổ quốc tỉnh và các tổ chức chính trị - xã hội",
        ["Mặt trận Tổ quốc tỉnh", "các tổ chức chính trị - xã hội"],
    ),
    ("Chi cục\nHải quan khu vực V", ["Chi cục Hải quan khu vực V"]),
    ("Các cơ\nsở đào tạo đại học, sau đại học", ["Các cơ sở đào tạo đại học, sau đại học"]),
    ("các sở, ngành, trường\nđại học, cao đẳng", ["các sở, ngành", "trường đại học, cao đẳng"]),
    (
        "Sở Khoa học và Công nghệ, Sở Công Thương và các doanh nghiệp logistics",
        ["Sở Khoa học và Công nghệ", "Sở Công Thương", "các doanh nghiệp logistics"],
    ),
    (
        "Các cơ quan, đơn vị được giao\nnhiệm vụ trong Kế hoạch và tại Phụ lục kèm theo",
        ["Các cơ quan, đơn vị được giao nhiệm vụ trong Kế hoạch và tại Phụ lục kèm theo"],
    ),
    # pdf584 (narrow PDF columns, one or two words a line).
    (
        "Các sở,\nban,\nngành,\nđịa\nphương;\ndoanh\nnghiệp\nviễn\nthông",
        ["Các sở, ban, ngành, địa phương", "doanh nghiệp viễn thông"],
    ),
    (
        "Phòng\ngiáo\ndục và\nđào tạo\ncác\nhuyện,\nthành\nphố;\ncác\ntrường\nphổ\nthông\nthuộc\ntỉnh",
        ["Phòng giáo dục và đào tạo các huyện, thành phố", "các trường phổ thông thuộc tỉnh"],
    ),
    # qd254, qd4385, kh3260: text after "phối hợp với" and unit headings.
    (
        "Văn phòng UBND tỉnh; Sở Tư pháp và các cơ quan, tổ chức có liên quan tham mưu",
        ["Văn phòng UBND tỉnh", "Sở Tư pháp", "các cơ quan, tổ chức có liên quan"],
    ),
    (
        "Thủ trưởng các sở, ban, ngành trực thuộc UBND tỉnh; Chủ tịch UBND các huyện, thành phố",
        ["Thủ trưởng các sở, ban, ngành trực thuộc UBND tỉnh", "Chủ tịch UBND các huyện, thành phố"],
    ),
    (
        "3. Sở Văn hóa, Thể thao và\nDu lịch/Sở Văn hóa và Thể thao tỉnh, thành phố trực thuộc Trung ương",
        ["Sở Văn hóa, Thể thao và Du lịch/Sở Văn hóa và Thể thao tỉnh, thành phố trực thuộc Trung ương"],
    ),
    (
        "2. Các cơ quan trực thuộc Bộ\nVăn hóa, Thể thao và Du lịch",
        ["Các cơ quan trực thuộc Bộ Văn hóa, Thể thao và Du lịch"],
    ),
    ("4. Các tổ chức, cá nhân liên\nquan", ["Các tổ chức, cá nhân liên quan"]),
    (
        "các Bộ, ngành liên quan, Ủy ban nhân dân các tỉnh, thành phố trực thuộc\nTrung ương",
        ["các Bộ, ngành liên quan", "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"],
    ),
    ("p) Các Đoàn đại biểu Quốc hội, các đại biểu Quốc hội", ["Các Đoàn đại biểu Quốc hội", "các đại biểu Quốc hội"]),
    ("a) Tổ đảng ở Thường trực Ủy ban KH,CN&MT", ["Tổ đảng ở Thường trực Ủy ban KH,CN&MT"]),
    ("g) Tổ đảng ở Thường trực Ủy ban Tài chính, Ngân sách", ["Tổ đảng ở Thường trực Ủy ban Tài chính, Ngân sách"]),
]


@pytest.mark.parametrize("cell, names", CORPUS_CELLS)
def test_corpus_cells_split_into_the_names_the_ground_truth_lists(cell, names):
    assert split_names(cell, unknown) == names


@pytest.mark.parametrize(
    "cell, names",
    [
        (
            "UBND các huyện, thị xã, thành phố; các sở, ban, ngành",
            ["UBND các huyện, thị xã, thành phố", "các sở, ban, ngành"],
        ),
        (
            "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ, UBND các tỉnh, thành phố trực thuộc Trung ương",
            ["Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ", "UBND các tỉnh, thành phố trực thuộc Trung ương"],
        ),
        ("UBND cấp huyện, cấp xã", ["UBND cấp huyện, cấp xã"]),
        ("UBND tỉnh, thành phố", ["UBND tỉnh, thành phố"]),
        ("Các đơn vị trực thuộc Bộ", ["Các đơn vị trực thuộc Bộ"]),
        (
            "Các doanh nghiệp viễn thông (VNPT, Viettel, MobiFone)",
            ["Các doanh nghiệp viễn thông (VNPT, Viettel, MobiFone)"],
        ),
    ],
)
def test_collectives_of_unit_type_nouns_keep_their_inner_commas(cell, names):
    assert split_names(cell, unknown) == names


@pytest.mark.parametrize(
    "cell, names",
    [
        ("Các Sở: Tài chính, Kế hoạch và Đầu tư, Tư pháp", ["Các Sở: Tài chính, Kế hoạch và Đầu tư, Tư pháp"]),
        (
            "UBND thành phố Hà Nội, Thành phố Hồ Chí Minh, Đà Nẵng",
            ["UBND thành phố Hà Nội, Thành phố Hồ Chí Minh, Đà Nẵng"],
        ),
        ("Các Bộ: Tư pháp, Tài chính; Văn phòng Chính phủ", ["Các Bộ: Tư pháp, Tài chính", "Văn phòng Chính phủ"]),
    ],
)
def test_a_shared_head_list_stays_one_name(cell, names):
    assert split_names(cell, unknown) == names


@pytest.mark.parametrize(
    "cell, names",
    [
        ("Bộ Lao động - Thương binh và Xã hội, Bộ Tài chính", ["Bộ Lao động - Thương binh và Xã hội", "Bộ Tài chính"]),
        (
            "Kho bạc Nhà nước tỉnh, Cục Thuế tỉnh, Cục Hải quan tỉnh",
            ["Kho bạc Nhà nước tỉnh", "Cục Thuế tỉnh", "Cục Hải quan tỉnh"],
        ),
        ("Tòa án nhân dân tỉnh, Viện kiểm sát nhân dân tỉnh", ["Tòa án nhân dân tỉnh", "Viện kiểm sát nhân dân tỉnh"]),
        (
            "Công an tỉnh, Bộ Chỉ huy Quân sự tỉnh và Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
            ["Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"],
        ),
        (
            "Liên đoàn Lao động tỉnh, Tỉnh đoàn, Hội Liên hiệp Phụ nữ tỉnh",
            ["Liên đoàn Lao động tỉnh", "Tỉnh đoàn", "Hội Liên hiệp Phụ nữ tỉnh"],
        ),
        ("Bưu điện tỉnh, Viễn thông tỉnh", ["Bưu điện tỉnh", "Viễn thông tỉnh"]),
        ("Sở TT&TT, VNPT Đồng Tháp", ["Sở TT&TT", "VNPT Đồng Tháp"]),
        ("+ Sở Nội vụ; + Sở Tư pháp", ["Sở Nội vụ", "Sở Tư pháp"]),
        (
            "Sở Giáo dục và Đào tạo, các trường đại học, cao đẳng trên địa bàn tỉnh",
            ["Sở Giáo dục và Đào tạo", "các trường đại học, cao đẳng trên địa bàn tỉnh"],
        ),
    ],
)
def test_a_new_unit_head_after_a_comma_or_va_starts_a_new_name(cell, names):
    assert split_names(cell, unknown) == names


@pytest.mark.parametrize(
    "cell, names",
    [
        ("Văn phòng Ủy ban nhân dân tỉnh", ["Văn phòng Ủy ban nhân dân tỉnh"]),
        ("Văn phòng Bộ Văn hóa, Thể thao và Du lịch", ["Văn phòng Bộ Văn hóa, Thể thao và Du lịch"]),
        (
            "Ban Chỉ đạo chuyển đổi số tỉnh, Tổ công tác giúp việc Ban Chỉ đạo",
            ["Ban Chỉ đạo chuyển đổi số tỉnh", "Tổ công tác giúp việc Ban Chỉ đạo"],
        ),
        ("Bộ Công an Bộ Quốc phòng", ["Bộ Công an", "Bộ Quốc phòng"]),
        ("Sở Văn hóa, Thể thao và Du lịch/Sở Du lịch", ["Sở Văn hóa, Thể thao và Du lịch/Sở Du lịch"]),
    ],
)
def test_units_written_with_no_delimiter_split_only_where_the_same_head_restarts(cell, names):
    assert split_names(cell, unknown) == names


@pytest.mark.parametrize(
    "cell, names",
    [
        ("Bộ Thông tin và Truyền thông chủ trì, phối hợp với các bộ, ngành", ["Bộ Thông tin và Truyền thông"]),
        ("Sở Tư pháp theo chức năng, nhiệm vụ được giao; Sở Nội vụ", ["Sở Tư pháp", "Sở Nội vụ"]),
        (
            "Hội đồng phối hợp phổ biến, giáo dục pháp luật tỉnh",
            ["Hội đồng phối hợp phổ biến, giáo dục pháp luật tỉnh"],
        ),
        ("Các cơ quan được giao giải quyết TTHC", ["Các cơ quan được giao giải quyết TTHC"]),
        ("Sở Thông tin và Truyền thông (cơ quan thường trực)", ["Sở Thông tin và Truyền thông (cơ quan thường trực)"]),
    ],
)
def test_role_and_scope_phrases_after_a_unit_are_not_part_of_its_name(cell, names):
    assert split_names(cell, unknown) == names


def test_a_known_name_is_kept_whole_even_where_the_shapes_would_split_it():
    directory = {fold_name("Trung tâm Thông tin, Sở Tư pháp"), fold_name("Ban Quản lý dự án, Doanh nghiệp mẫu")}
    cell = "Trung tâm Thông tin, Sở Tư pháp; Ban Quản lý dự án, Doanh nghiệp mẫu và Sở Nội vụ"
    assert split_names(cell, lambda n: fold_name(n) in directory) == [
        "Trung tâm Thông tin, Sở Tư pháp",
        "Ban Quản lý dự án, Doanh nghiệp mẫu",
        "Sở Nội vụ",
    ]
    assert split_names(cell, unknown) == [
        "Trung tâm Thông tin",
        "Sở Tư pháp",
        "Ban Quản lý dự án",
        "Doanh nghiệp mẫu",
        "Sở Nội vụ",
    ]


@pytest.mark.parametrize(
    "name, kind",
    [
        ("Các bộ, ngành liên quan", UNSPECIFIED),
        ("các cơ quan có liên quan", UNSPECIFIED),
        ("Sở, ban, ngành có liên quan", UNSPECIFIED),
        ("Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ", UNSPECIFIED),
        ("Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương", UNSPECIFIED),
        ("UBND xã, phường", UNSPECIFIED),
        ("UBND các tỉnh/ thành phố", UNSPECIFIED),
        ("Phòng giáo dục và đào tạo các huyện, thành phố", UNSPECIFIED),
        ("Sở Văn hóa, Thể thao và Du lịch/Sở Văn hóa và Thể thao tỉnh, thành phố trực thuộc Trung ương", UNSPECIFIED),
        ("Viện, Trường", UNSPECIFIED),
        ("Doanh nghiệp", UNSPECIFIED),
        ("doanh nghiệp viễn thông", UNSPECIFIED),
        ("Các cơ quan, đơn vị được giao giải quyết TTHC", APPENDIX1),
        ("Các đơn vị được giao giải quyết TTHC", APPENDIX1),
        ("Các cơ quan được giao giải quyết TTHC thuộc Bộ", APPENDIX1),
        ("Các Cục: Di sản văn hóa, Bản quyền tác giả", None),
        ("UBND thành phố Hà Nội, Thành phố Hồ Chí Minh", None),
        ("Viện kiểm sát nhân dân tỉnh", None),
        ("Trung tâm thông tin", None),
        ("Hiệp hội Doanh nghiệp", None),
        ("Công an tỉnh", None),
        ("UBND tỉnh", None),
        ("Tỉnh đoàn", None),
        ("Sở Nội vụ, Sở Tư pháp", None),  # two units, not one collective
        ("Các cơ quan được giao giải quyết TTHC, các đơn vị có liên quan", None),
    ],
)
def test_collectives_are_recognised_by_their_shape(name, kind):
    assert collective_kind(name) == kind


@pytest.mark.parametrize(
    "written, directory_name",
    [
        (
            "Bộ Nông nghiệp và Môi trường (chủ trì phần chính sách, công nghệ, điều phối)",
            "Bộ Nông nghiệp và Môi trường",
        ),
        ("Bộ Công an (Trung tâm Dữ liệu quốc gia)", "Bộ Công an"),
        ("Sở Thông tin và Truyền thông (cơ quan thường trực).", "Sở Thông tin và Truyền thông"),
        ("Cục Di sản văn hoá", "Cục Di sản văn hóa"),
    ],
)
def test_a_note_in_parentheses_after_a_unit_does_not_hide_it_from_the_directory(written, directory_name):
    assert unit_lookup_key(written) == fold_name(directory_name)


@pytest.mark.parametrize(
    "name, members",
    [
        ("Các Cục: Di sản văn hóa, Bản quyền tác giả", ["Cục Di sản văn hóa", "Cục Bản quyền tác giả"]),
        (
            "Các Cục: Bản quyền tác giả; Xuất bản, In và Phát hành; Báo chí",
            ["Cục Bản quyền tác giả", "Cục Xuất bản, In và Phát hành", "Cục Báo chí"],
        ),
        ("Các sở: Nông nghiệp và Môi trường, Xây dựng", ["Sở Nông nghiệp và Môi trường", "Sở Xây dựng"]),
        ("Sở Tư pháp", ["Sở Tư pháp"]),
    ],
)
def test_a_shared_head_list_names_each_of_its_units_with_the_head(name, members):
    assert shared_head_members(name) == members


# Shapes met on plans outside the corpus (robustness round): each row is a small example of one shape.
@pytest.mark.parametrize(
    "cell, names",
    [
        # A cell written in capitals.
        ("SỞ Y TẾ, SỞ TÀI CHÍNH", ["SỞ Y TẾ", "SỞ TÀI CHÍNH"]),
        ("ỦY BAN NHÂN DÂN TỈNH; CÔNG AN TỈNH", ["ỦY BAN NHÂN DÂN TỈNH", "CÔNG AN TỈNH"]),
        ("CÁC SỞ, BAN, NGÀNH; UBND CÁC HUYỆN", ["CÁC SỞ, BAN, NGÀNH", "UBND CÁC HUYỆN"]),
        ("Công an tỉnh; Bộ Chỉ huy Quân sự tỉnh", ["Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh"]),
        ("Sở TN&MT, Sở KH&ĐT", ["Sở TN&MT", "Sở KH&ĐT"]),
        ("UBND các xã, phường, đặc khu", ["UBND các xã, phường, đặc khu"]),
        # Brands and enterprises after a comma.
        ("Sở Tài chính, VNPT Lào Cai, Viettel Lào Cai", ["Sở Tài chính", "VNPT Lào Cai", "Viettel Lào Cai"]),
        ("Viettel, VNPT, MobiFone, FPT Telecom", ["Viettel", "VNPT", "MobiFone", "FPT Telecom"]),
        ("Các doanh nghiệp nhà nước, Tổng Công ty", ["Các doanh nghiệp nhà nước", "Tổng Công ty"]),
        # Heads the cells use: the portal, the tax office (since 2025 "Thuế tỉnh"), a force.
        (
            "Sở Văn hóa, Thể thao và Du lịch, Cổng thông tin điện tử tỉnh",
            ["Sở Văn hóa, Thể thao và Du lịch", "Cổng thông tin điện tử tỉnh"],
        ),
        ("Tòa án nhân dân tỉnh, Thuế tỉnh", ["Tòa án nhân dân tỉnh", "Thuế tỉnh"]),
        ("Công an, lực lượng Hải quan", ["Công an", "lực lượng Hải quan"]),
        # "và" before a catch-all of another family starts a new party; the same family or a dependent runs on.
        (
            "UBND các xã, phường và cơ quan, đơn vị có liên quan",
            ["UBND các xã, phường", "cơ quan, đơn vị có liên quan"],
        ),
        ("Sở Tư pháp và cơ quan liên quan", ["Sở Tư pháp", "cơ quan liên quan"]),
        ("Bộ Chỉ huy Quân sự tỉnh và sở, ngành có liên quan", ["Bộ Chỉ huy Quân sự tỉnh", "sở, ngành có liên quan"]),
        ("Các sở, ban, ngành và cơ quan, đơn vị có liên quan", ["Các sở, ban, ngành và cơ quan, đơn vị có liên quan"]),
        ("Văn phòng Bộ và đơn vị trực thuộc", ["Văn phòng Bộ và đơn vị trực thuộc"]),
        ("Các sở, ban, ngành, hội, đoàn thể", ["Các sở, ban, ngành, hội, đoàn thể"]),
        # One office serving two bodies, before its place; an office of a placed body is one unit of two.
        ("Văn phòng Đoàn đại biểu Quốc hội và HĐND tỉnh", ["Văn phòng Đoàn đại biểu Quốc hội và HĐND tỉnh"]),
        ("Văn phòng UBND tỉnh và UBND các huyện", ["Văn phòng UBND tỉnh", "UBND các huyện"]),
        # A heading's request or assignment is not part of the unit.
        ("Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"]),
        ("Đề nghị Liên đoàn Lao động tỉnh, Hội Nông dân tỉnh", ["Liên đoàn Lao động tỉnh", "Hội Nông dân tỉnh"]),
        ("Khuyến khích các doanh nghiệp công nghệ số", ["các doanh nghiệp công nghệ số"]),
        ("Giao Sở Tư pháp", ["Sở Tư pháp"]),
        ("Đề nghị cấp có thẩm quyền", ["Đề nghị cấp có thẩm quyền"]),
        # Role words: a unit directing another leads; an agency noun with a role word is a name.
        ("Sở Nông nghiệp và Môi trường chỉ đạo Chi cục Thủy sản", ["Sở Nông nghiệp và Môi trường"]),
        ("Tổ giúp việc Ban chỉ đạo", ["Tổ giúp việc Ban chỉ đạo"]),
        ("Các cơ quan tham mưu, giúp việc Tỉnh ủy", ["Các cơ quan tham mưu, giúp việc Tỉnh ủy"]),
        ("Các đơn vị thực hiện", ["Các đơn vị thực hiện"]),
    ],
)
def test_shapes_met_on_unseen_plans_split_as_the_conventions_say(cell, names):
    assert split_names(cell, unknown) == names


@pytest.mark.parametrize(
    "name, kind",
    [
        ("Giám đốc các Sở", UNSPECIFIED),
        ("Thủ trưởng các cơ quan, đơn vị", UNSPECIFIED),
        ("UBND CÁC HUYỆN", UNSPECIFIED),
        ("các hội, đoàn thể", UNSPECIFIED),
        ("cơ quan, đơn vị có liên quan", UNSPECIFIED),
        ("lực lượng Hải quan", UNSPECIFIED),
        ("Các doanh nghiệp viễn thông", UNSPECIFIED),
        ("Thuế tỉnh", None),
        ("Cổng thông tin điện tử tỉnh", None),
        ("MobiFone", None),
        ("Văn phòng Đoàn đại biểu Quốc hội và HĐND tỉnh", None),
    ],
)
def test_collectives_met_on_unseen_plans_are_recognised(name, kind):
    assert collective_kind(name) == kind
