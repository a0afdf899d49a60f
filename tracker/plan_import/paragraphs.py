"""Finds the action items of a plan written in paragraphs: labelled blocks ("Đơn vị chủ trì: …"), unit
headings whose lettered or bulleted paragraphs are the unit's tasks, and sentences that name their unit;
what looks like an assignment but fits none of these is reported as not understood."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..rules.deadlines import deadline_clause, deadline_clauses
from ..rules.names import fold_name, normalize_text, normalize_text_keep_lines
from .blocks import MARKER_RE, Block, Paragraph, Table
from .document import ItemRow, NotUnderstood, PlanDocument, SectionRows

# --- Numbering -------------------------------------------------------------------------------------

# The readers' markers, and "2.1.a." (a lettered step under a numbered one), "Điều 8." (an article of a
# decision or directive) and the dash numbering of Party documents ("A- TÌNH HÌNH", "I- QUAN ĐIỂM",
# "2.1- Đổi mới …", "1- Các cấp uỷ …").
_MARKER_RE = re.compile(
    MARKER_RE.pattern
    + r"|^(?:\d{1,3}(?:\.\d{1,3})+\.[a-zđ][.)]|Điều\s+\d{1,3}[.:]|(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,7}|[A-Z])-)"
    r"(?=\s|$)"
)
_ROMAN_RE = re.compile(r"^[IVXLC]{1,7}[.-]$")
_ARTICLE_RE = re.compile(r"^Điều\s+\d{1,3}[.:]$")
_NUMBER_LETTER_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3})+\.[a-zđ][.)]$")
_UPPER_RE = re.compile(r"^[A-Z][.-]$")
_NUMBER_RE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)[.)-]$")
_LETTER_RE = re.compile(r"^([a-zđ])\)$")
_PAREN_RE = re.compile(r"^\((\d{1,3}|[a-zđ])\)$")
# Kinds of paragraph that carry an item's own number or letter (bullets and plain text do not).
_NUMBERED = ("num", "letter", "paren", "upper")
# An article ("Điều 8. Tổ chức thực hiện") is a section of a decision, as a Roman heading is of a plan.
_SECTION_KINDS = ("roman", "upper", "article")

# --- Labels ----------------------------------------------------------------------------------------

_AGENCY = r"(?:đơn vị|cơ quan)(?:\s*[,/]\s*(?:đơn vị|cơ quan))?"
_LABELS = (
    (
        "lead",
        _AGENCY + r"\s+(?:chủ trì|thực hiện|chịu trách nhiệm|đầu mối)(?:\s+(?:thực hiện|tham mưu(?:\s+thực hiện)?"
        r"|triển khai|xây dựng))?|chủ trì(?:\s+(?:thực hiện|tham mưu|triển khai))?",
    ),
    ("coordinating", r"(?:" + _AGENCY + r"\s+)?phối hợp(?:\s+(?:thực hiện|triển khai))?"),
    (
        "deadline",
        (
            r"(?:thời gian|thời hạn|thời điểm|tiến độ)(?:\s+(?:thực hiện|hoàn thành|hoàn tất|triển khai|dự kiến))?"
            r"|mốc (?:thời gian|hoàn thành)"
        ),
    ),
    (
        "output",
        r"(?:sản phẩm|kết quả)(?:\s*/\s*(?:sản phẩm|kết quả))?(?:\s+(?:dự kiến|đầu ra|cần đạt|đạt được))?"
        r"|dự kiến\s+(?:sản phẩm|kết quả)",
    ),
    ("task", r"nội dung(?:\s+(?:thực hiện|công việc|nhiệm vụ))?"),
    # "(2) Tổ chức thực hiện:" only groups the unit and deadline labels under it.
    ("group", r"tổ chức thực hiện|phân công thực hiện"),
)
_LABEL_RE = re.compile(
    r"^(?:[-+•*–]\s*|\(\d{1,2}\)\s*)?(?:"
    + "|".join(f"(?P<{key}>{pattern})" for key, pattern in _LABELS)
    + r")\s*(?P<colon>:)?\s*(?P<value>.*)$",
    re.IGNORECASE,
)
# Any other short label inside a block of labels ("- Kinh phí: Ngân sách tỉnh").
_NOTE_LABEL_RE = re.compile(r"^(?:[-+•*–]\s*)?(?P<name>[A-ZĐÀ-Ỹ][^:;,.]{1,30}?)\s*:\s*(?P<value>\S.*)$")
# A block of labels makes an item only when it says who does the work.
_ITEM_LABELS = ("lead", "coordinating")

# --- Unit names ------------------------------------------------------------------------------------

# Words an agency's name (or the head of one: "Thủ trưởng …", "Lãnh đạo …") starts with.
_HEADS = (
    "bộ",
    "sở",
    "ban",
    "báo",
    "bảo hiểm",
    "bảo tàng",
    "bệnh viện",
    "cảnh sát",
    "chi cục",
    "chi nhánh",
    "chủ tịch",
    "cơ quan",
    "công an",
    "công ty",
    "cục",
    "cấp ủy",
    "đài",
    "đảng",
    "đoàn",
    "đơn vị",
    "doanh nghiệp",
    "giám đốc",
    "hđnd",
    "hiệp hội",
    "học viện",
    "hội",
    "hợp tác xã",
    "kho bạc",
    "lãnh đạo",
    "liên đoàn",
    "liên hiệp",
    "liên minh",
    "mặt trận",
    "mttq",
    "ngân hàng",
    "người đứng đầu",
    "nhà xuất bản",
    "phòng",
    "quân khu",
    "quỹ",
    "tạp chí",
    "tập đoàn",
    "thanh tra",
    "thành đoàn",
    "thành ủy",
    "thông tấn xã",
    "thủ trưởng",
    "thường trực",
    "tỉnh đoàn",
    "tỉnh ủy",
    "tòa án",
    "tổ đảng",
    "tổ công tác",
    "tổng công ty",
    "tổng cục",
    "trung tâm",
    "trường",
    "ubmttq",
    "ubnd",
    "ủy ban",
    "uỷ ban",
    "văn phòng",
    "viện",
    "vụ",
)
# Heads that are a person's role and must be followed by the unit they lead.
_ROLE_HEADS = frozenset({"lãnh đạo", "thủ trưởng", "chủ tịch", "giám đốc", "người đứng đầu", "thường trực"})
# Nouns that follow "các" in a collective name ("các sở, ban, ngành", "các doanh nghiệp công nghệ số").
_COLLECTIVE_NOUNS = (
    *_HEADS,
    "ngành",
    "địa phương",
    "tổ chức",
    "cá nhân",
    "thành viên",
    "cơ sở",
    "huyện",
    "xã",
    "tỉnh",
    "quận",
    "phường",
    "đoàn thể",
    "bên",
)
# Same first words, other meanings: "Ban hành quy định", "Báo cáo kết quả", "Phòng, chống tham nhũng" …
_NOT_HEADS = (
    "ban hành",
    "báo cáo",
    "bộ luật",
    "bộ máy",
    "bộ phận",
    "bộ tiêu chí",
    "bộ dữ liệu",
    "bộ chỉ số",
    "bộ công cụ",
    "cục bộ",
    "đảng viên",
    "đoàn kết",
    "hội nghị",
    "hội thảo",
    "hội thi",
    "hội nhập",
    "phòng ngừa",
    "phòng chống",
    "phòng, chống",
    "phòng cháy",
    "quỹ đất",
    "sở hữu",
    "trường hợp",
    "viện dẫn",
    "vụ việc",
    "vụ án",
    "đơn vị hành chính",
    "doanh nghiệp nhỏ",
    "trung tâm dữ liệu",
)


def _spellings(words: tuple[str, ...]) -> str:
    """The words as alternatives, each "ủy" also matching its older spelling "uỷ" ("cấp uỷ đảng", "Tỉnh uỷ")."""
    return "|".join(re.escape(w).replace("ủy", "(?:ủy|uỷ)") for w in words)


_HEAD_RE = re.compile(
    r"^(?:(?:các|những|toàn thể)\s+(?:" + _spellings(_COLLECTIVE_NOUNS) + r")"
    r"|(?:" + _spellings(_HEADS) + r"))(?![^\W\d_])",
    re.IGNORECASE,
)
_NOT_HEAD_RE = re.compile(r"^(?:" + "|".join(map(re.escape, _NOT_HEADS)) + r")(?![^\W\d_])", re.IGNORECASE)
# Where a list of units ends inside a sentence: the verb, adverb or preposition that follows it. Only
# lower-case words count, so "Ban Chỉ đạo" or "Cục Quản lý" are read as names. The role words end a
# unit's name anywhere; the other verbs only in a sentence, since a heading's whole text is the name
# ("Các cơ sở đào tạo đại học", "Trung tâm Dịch vụ việc làm").
_ROLE_WORDS = (
    "chủ trì",
    "phối hợp",
    "có trách nhiệm",
    "chịu trách nhiệm",
    "tiếp tục",
    "chủ động",
    "thực hiện",
    "triển khai",
    "tham mưu",
    "căn cứ",
    "theo",
    "trong",
    "để",
    "nhằm",
    "khẩn trương",
    "kịp thời",
    "thường xuyên",
    "tích cực",
    "là",
    "được",
    "cần",
    "phải",
    "khi",
    "nếu",
    "sau khi",
    "với",
    "cho",
    "về",
    "tại",
    "đã",
    "sẽ",
    "đang",
    "trước",
    "sớm",
    "cùng",
    "giúp",
    "giao",
    "xin",
)
_VERBS = (
    "xây dựng",
    "tăng cường",
    "đẩy mạnh",
    "rà soát",
    "kiểm tra",
    "hướng dẫn",
    "đôn đốc",
    "theo dõi",
    "báo cáo",
    "ban hành",
    "bố trí",
    "lập",
    "xác định",
    "quán triệt",
    "tuyên truyền",
    "phổ biến",
    "nâng cao",
    "bảo đảm",
    "đảm bảo",
    "hoàn thành",
    "trình",
    "đề xuất",
    "ưu tiên",
    "định kỳ",
    "tổ chức",
    "lãnh đạo",
    "chỉ đạo",
    "quản lý",
    "cung cấp",
    "giám sát",
    "phát huy",
    "tham gia",
    "gửi",
    "hoàn thiện",
    "chuẩn bị",
    "thống nhất",
    "yêu cầu",
    "đề nghị",
    "kiến nghị",
    "đề ra",
    "ký",
    "tổng hợp",
    "đánh giá",
    "bồi dưỡng",
    "đào tạo",
    "tập huấn",
    "xử lý",
    "giải quyết",
    "ứng dụng",
    "vận hành",
    "duy trì",
    "cập nhật",
    "khai thác",
    "thẩm định",
    "thẩm tra",
    "phê duyệt",
    "công bố",
    "thông báo",
    "cấp phát",
    "lồng ghép",
    "số hóa",
    "tiếp nhận",
    "kết nối",
    "vận động",
    "thu hút",
    "sắp xếp",
    "kiện toàn",
    "điều chỉnh",
    "bổ sung",
    "sửa đổi",
    "phân công",
    "cụ thể hóa",
    "tạo điều kiện",
    "sơ kết",
    "tổng kết",
    "thành lập",
    "niêm yết",
    "phát động",
    "cân đối",
    "nghiên cứu",
    "thiết kế",
)
# Verbs a task opens with when it names no unit ("Tiếp tục thực hiện …", "Nghiên cứu, đề xuất …"); a paragraph
# that names no unit and opens otherwise ("Nhà ở của các hộ … phải bảo đảm …") states a rule, not a task.
_TASK_OPENINGS = (
    *_VERBS,
    "tiếp tục",
    "chủ động",
    "thực hiện",
    "triển khai",
    "tham mưu",
    "phối hợp",
    "chủ trì",
    "khẩn trương",
    "tích cực",
    "thường xuyên",
    "kịp thời",
    "sớm",
    "giao",
    "hỗ trợ",
    "công khai",
    "thanh tra",
    "thống kê",
    "phát triển",
    "mở rộng",
    "củng cố",
    "thúc đẩy",
    "khuyến khích",
    "huy động",
    "đầu tư",
    "nâng cấp",
    "chuyển đổi",
    "kiểm soát",
    "bảo vệ",
    "đổi mới",
    "hoàn chỉnh",
    "phân bổ",
    "xác nhận",
    "chấn chỉnh",
)
_TASK_OPENING_RE = re.compile(
    r"^(?:" + "|".join(map(re.escape, sorted(_TASK_OPENINGS, key=len, reverse=True))) + r")(?![^\W\d_])", re.IGNORECASE
)
# Words that are verbs after a name but nouns after "các" or a comma ("các cơ quan, tổ chức liên quan").
_NOUN_VERBS = ("tổ chức", "lãnh đạo", "quản lý")


def _stop_re(words: tuple[str, ...], verbs: tuple[str, ...] = ()) -> re.Pattern[str]:
    def alternatives(group: tuple[str, ...]) -> str:
        return "|".join(map(re.escape, sorted(group, key=len, reverse=True)))

    # A verb right after an institution noun is part of its name ("các viện nghiên cứu", "Trung tâm đào tạo").
    verb_stop = r"|(?<![Vv]iện\s)(?<!tâm\s)(?:" + alternatives(verbs) + ")" if verbs else ""
    return re.compile(
        r"(?<=\s)(?<![Cc]ác\s)(?<![Nn]hững\s)(?:" + alternatives(words) + verb_stop + r")(?![^\W\d_])"
        r"|\s*[:(]\s|\s*[:(]$|(?<![A-ZĐ])\.(?:\s|$)|\s*(?:\.{2,}|…)"
    )


_STOP_RE = _stop_re(_ROLE_WORDS, _VERBS)
_NAME_STOP_RE = _stop_re(_ROLE_WORDS)
# A colon followed by capitalised names: the enumeration of a collective ("các Sở: Tư pháp, Nội vụ").
_SHARED_HEAD_RE = re.compile(r"\s*:\s*(?=[A-ZĐÀ-Ỹ])")
_NOUN_VERB_RE = re.compile(r"^(?:" + "|".join(_NOUN_VERBS) + r")(?![^\W\d_])")
# Separators inside a list of units ("Sở Tư pháp; các sở, ban, ngành và UBND cấp xã").
_LIST_SPLIT_RE = re.compile(r"(\s*[,;]\s*|\s+và\s+)")
# A partner named after "phối hợp (chặt chẽ) với" (or "phối hợp các sở …" with no "với").
_PARTNER_RE = re.compile(r"phối hợp(?:\s+chặt chẽ)?(?:\s+(?:với|cùng))?\s+", re.IGNORECASE)
# "(Giao Công an tỉnh chủ trì, …)", "Giao Sở Tư pháp theo dõi …": the unit given the task ("đã giao" reports an
# earlier assignment, not this one).
_GIVEN_RE = re.compile(r"(?<![^\W\d_])(?<!đã )giao(?:\s+cho)?\s+", re.IGNORECASE)
# "Yêu cầu Bộ Tài chính khẩn trương …", "Phó Thủ tướng … yêu cầu Bộ …", "Đề nghị Ủy ban Mặt trận …": the unit asked,
# read when the sentence does not open with a unit of its own ("Sở X tổng hợp, đề nghị UBND tỉnh …" is Sở X's).
_ASKED_RE = re.compile(r"(?<![^\W\d_])(?<!đã )(?:yêu cầu|đề nghị)\s+", re.IGNORECASE)
# An opening clause before the unit a sentence names: "Trên cơ sở đề nghị của …, Sở Xây dựng chủ trì …",
# "Sau khi …, Sở Tài chính lập thủ tục …", "Trong năm 2013, Ủy ban nhân dân các tỉnh … phải …".
_OPENING_RE = re.compile(
    r"^(?:trên cơ sở|căn cứ|sau khi|khi|ngoài|để|nhằm|trong|từ|đến|đối với|trường hợp)"
    r"(?![^\W\d_])",
    re.IGNORECASE,
)
# What follows a unit in a report of the past ("Đảng, Nhà nước … đã luôn quan tâm …"): not an assignment.
_PAST_RE = re.compile(r"\s*,?\s*(?:đã|từng)(?![^\W\d_])", re.IGNORECASE)
# A catch-all unit heading ("3. Đối với các tổ chức khác") whose paragraph names the units it means.
_VAGUE_UNIT_RE = re.compile(
    r"^(?:các|những)\s+(?:tổ chức|đơn vị|cơ quan|bên|ngành|lực lượng)"
    r"(?:\s+(?:khác|liên quan|có liên quan))?$",
    re.IGNORECASE,
)
# A partner too vague to be a unit ("phối hợp với các đơn vị trong việc …").
_BARE_COLLECTIVE_RE = re.compile(r"^các\s+(?:đơn vị|cơ quan|tổ chức|bên|ngành)$", re.IGNORECASE)
# Scope phrases that follow a unit and are not part of its name.
_SCOPE_RE = re.compile(
    r"\s*(?:trong phạm vi|theo)\s+(?:chức năng|nhiệm vụ)(?:,?\s*(?:chức năng|nhiệm vụ|quyền hạn))*"
    r"(?:\s+được giao)?(?:\s+của\s+(?:mình|đơn vị|cơ quan|ngành))?",
    re.IGNORECASE,
)

# --- Sections --------------------------------------------------------------------------------------

# Section titles that describe the plan rather than assign work ("MỤC ĐÍCH, YÊU CẦU", "Mục tiêu" …).
_DESCRIPTIVE_RE = re.compile(
    r"^(?:mục đích|yêu cầu|mục tiêu|quan điểm|căn cứ|tình hình|bối cảnh|"
    r"sự cần thiết|phạm vi|đối tượng|định hướng|tầm nhìn|kế hoạch sử dụng|giải thích|kết quả đạt được|đánh giá)",
    re.IGNORECASE,
)
# Closing sections (carrying out the plan, funding, reporting): unit headings there are items, but their
# prose is the plan's own housekeeping unless the document assigns its tasks in prose elsewhere too.
_CLOSING_RE = re.compile(
    r"^(?:tổ chức thực hiện|chế độ (?:báo cáo|thông tin)|trách nhiệm thực hiện|kinh phí|"
    r"nguồn (?:lực|vốn|kinh phí))",
    re.IGNORECASE,
)
_RECIPIENTS_RE = re.compile(r"^nơi nhận\b", re.IGNORECASE)
# A closing sentence about carrying out the document as a whole ("Đề nghị các tổ chức … thực hiện theo đúng Kế
# hoạch đề ra", "… nếu có khó khăn, vướng mắc, đề nghị các sở … phản ánh", "… xin thông báo để các Bộ biết, thực
# hiện"): housekeeping, not a task.
_HOUSEKEEPING_RE = re.compile(
    r"(?:thực hiện|triển khai)[^.;]{0,40}(?:kế hoạch|quyết định|chỉ thị|chương trình|đề án)"
    r"\s+(?:này|đề ra)\s*(?:\./\.|\.)?$|khó khăn,?\s+vướng mắc"
    r"|thông báo để [^.;]{0,60}biết",
    re.IGNORECASE,
)
# Articles of a decision or directive that assign its work ("Điều 8. Tổ chức thực hiện", "Điều 5. Trách nhiệm
# của các bộ, ngành"); when a document has one, its other articles are its rules, not tasks.
_TASK_ARTICLE_RE = re.compile(
    r"^(?:tổ chức thực hiện|trách nhiệm|nhiệm vụ|phân công|giao nhiệm vụ|"
    r"(?:thời gian và )?tiến độ thực hiện)",
    re.IGNORECASE,
)
# A sentence whose list below spells out its own parts ("Lập hồ sơ hoàn công …, bao gồm:" / "+ Đơn đề nghị …").
_ENUMERATES_RE = re.compile(r"(?<![^\W\d_])(?:bao gồm|gồm có|gồm|như)\s*:$", re.IGNORECASE)
# An article quoting part of a plan says which part: "Theo tiểu mục 8 mục II Kế hoạch …", "tiết 2.1 tiểu mục 2
# Mục I Kế hoạch 127/KH-UBND".
_CITATION_RE = re.compile(
    r"(?:tiểu mục\s+(?P<number>\d{1,3})\s+(?:của\s+)?)?mục\s+(?P<section>[IVXLC]{1,6})\s+(?:của\s+)?"
    r"(?:kế hoạch|quyết định|chương trình|đề án)\b",
    re.IGNORECASE,
)
_PARENTHESIS_RE = re.compile(r"\(([^()]{3,300})\)")
# Words a unit heading may open with before the unit's name ("Đối với Sở Tư pháp", "Trách nhiệm của …").
_HEADING_PREFIX_RE = re.compile(r"^(?:đối với|trách nhiệm của|nhiệm vụ của)\s+", re.IGNORECASE)
# Unnumbered lines that close whatever list is open: an appendix caption, a signature ("TM. ỦY BAN …").
_BOUNDARY_RE = re.compile(r"^(?:phụ lục\b|(?:TM|KT|TL|TUQ|Q)\.\s)", re.IGNORECASE)


@dataclass
class _Line:
    """One paragraph, classified, with its place in the document's outline."""

    index: int
    para: Paragraph
    text: str  # the whole paragraph, whitespace folded
    marker: str
    body: str  # text after the marker
    kind: str  # roman, upper, num, letter, paren, bullet, plain
    key: str  # numbering style, so that siblings are told from children
    label: tuple[str, str] | None = None  # (field, value) of a label line ("Đơn vị chủ trì: …")
    parent: _Line | None = None
    children: list[_Line] = field(default_factory=list)
    is_used: bool = False
    is_recipients: bool = False
    follows_table: bool = False  # a table stands between this paragraph and the one before

    @property
    def where(self) -> str:
        return self.para.where

    @property
    def number(self) -> str:
        """The marker as a reference part: "II", "2.2", "a", "1" (from "II.", "2.2.", "a)", "(1)", "1-")."""
        return self.marker.strip("().-")

    @property
    def is_title(self) -> bool:
        """A heading rather than a sentence: emphasised as a whole, or with no closing punctuation."""
        if _is_emphasised(self):
            return True
        return not self.text.rstrip(" *").endswith((".", ";", ":", "!", "?", "…", ")", "”", '"'))

    def ancestors(self) -> list[_Line]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


@dataclass
class _Found:
    """An item while it is being read."""

    anchor: _Line  # the paragraph the item starts at (its place and position)
    ref_line: _Line | None  # the numbered paragraph whose number is the item's
    task: str
    lead: str = ""
    coordinating: str = ""
    output: str = ""
    deadline: str = ""
    notes: dict[str, str] = field(default_factory=dict)


def recognise_paragraphs(blocks: list[Block], doc: PlanDocument) -> None:
    """Add the items the paragraphs assign to doc.sections; report what looks assigned but cannot be read."""
    lines = _lines(blocks)
    if not lines:
        return
    _build_outline(lines)
    found = _label_items(lines)
    found += _SentenceReader(lines).read()
    if not found and not any(_is_task_table(block) for block in blocks):
        # Nothing read and no table that could hold the tasks: a resolution or directive whose only assignments
        # are in its closing section, or a letter that gives them in sentences.
        for line in lines:
            line.is_used = False  # the first reading used only the sentences introducing lists
        found = _SentenceReader(lines, closing_is_tasks=True).read() or _letter_items(lines)
    found.sort(key=lambda f: f.anchor.index)
    _report_leftovers(lines, doc)
    _emit(found, lines, doc)


def _is_task_table(block: Block) -> bool:
    """A table large enough to hold a plan's tasks (a letterhead or signature table has two rows or cells)."""
    return isinstance(block, Table) and len(block.rows) >= 3 and max(map(len, block.rows)) >= 3


# --- Reading the paragraphs ------------------------------------------------------------------------


def _lines(blocks: list[Block]) -> list[_Line]:
    """The paragraphs, classified; a table in between ends any bullet list (it is read elsewhere)."""
    lines: list[_Line] = []
    after_table = False
    for block in blocks:
        if not isinstance(block, Paragraph):
            after_table = True
            continue
        text = normalize_text(block.text)
        if not text:
            continue
        marker = block.marker if block.marker and text.startswith(block.marker) else ""
        if not marker and (m := _MARKER_RE.match(text)):
            marker = m.group(0)
        body = text[len(marker) :].strip()
        kind, key = _kind(marker)
        line = _Line(len(lines), block, text, marker, body, kind, key, follows_table=after_table)
        line.label = _label(line)
        lines.append(line)
        after_table = False
    return lines


def _kind(marker: str) -> tuple[str, str]:
    if not marker:
        return "plain", "plain"
    if _ROMAN_RE.match(marker):
        return "roman", "roman"
    if _ARTICLE_RE.match(marker):
        return "article", "article"
    if _NUMBER_LETTER_RE.match(marker):
        return "letter", "num-letter"
    if _UPPER_RE.match(marker):
        return "upper", "upper"
    if m := _NUMBER_RE.match(marker):
        return "num", f"num{m.group(1).count('.') + 1}{marker[-1]}"
    if _LETTER_RE.match(marker):
        return "letter", "letter"
    if m := _PAREN_RE.match(marker):
        return "paren", "paren-num" if m.group(1).isdigit() else "paren-letter"
    return "bullet", "bullet" + ("-" if marker in "-–" else marker)


def _label(line: _Line) -> tuple[str, str] | None:
    """(field, value) when the paragraph is a label line such as "- Đơn vị chủ trì: Sở Tư pháp"."""
    if line.kind not in ("plain", "bullet", "paren"):
        return None
    m = _LABEL_RE.match(line.text)
    if not m:
        return None
    key = next(k for k, _ in _LABELS if m.group(k))
    value = m.group("value").strip()
    if not m.group("colon") and value:
        # Without a colon the label must be set apart by emphasis ("*Chủ trì thực hiện* Sở …"),
        # or "Chủ trì, phối hợp với …" would read as a label.
        label = fold_name(m.group(key))
        if not any(fold_name(span) == label for span in line.para.emphasis):
            return None
    return key, value


def _build_outline(lines: list[_Line]) -> None:
    """Give each paragraph its parent: a numbering style already open is a sibling, a new one a child."""
    stack: list[_Line] = []
    in_recipients = False
    upper_at_top = False  # "A- …", "B- …" head the document, Roman sections nested in them
    for line in lines:
        if _RECIPIENTS_RE.match(line.body):
            in_recipients = True
            line.is_recipients = True
            stack = [s for s in stack if s.kind in _SECTION_KINDS]
            continue
        if in_recipients:
            if line.kind in ("bullet", "plain") and not line.para.is_bold:
                line.is_recipients = True
                continue
            in_recipients = False
        if line.kind == "plain" and line.label is None and _is_banner(line):
            # A title in capitals, an appendix caption or a signature starts over at the top level.
            stack = []
            continue
        if (line.kind == "plain" and line.label is None) or line.follows_table:
            # Text after a bullet list (or a table) goes back to the list's parent.
            while stack and stack[-1].kind == "bullet":
                stack.pop()
        if line.label is not None or line.kind == "plain":
            line.parent = stack[-1] if stack else None
        else:
            if line.kind in ("roman", "article") or (line.kind == "upper" and upper_at_top):
                stack = []
            keys = [s.key for s in stack]
            if line.key in keys:
                del stack[keys.index(line.key) :]
            line.parent = stack[-1] if stack else None
            upper_at_top = upper_at_top or (line.kind == "upper" and line.parent is None)
            stack.append(line)
        if line.parent is not None:
            line.parent.children.append(line)


def _is_banner(line: _Line) -> bool:
    letters = [c for c in line.text if c.isalpha()]
    return bool(_BOUNDARY_RE.match(line.text)) or (len(letters) >= 8 and all(c.isupper() for c in letters))


# --- Labelled blocks -------------------------------------------------------------------------------


@dataclass
class _Block:
    lines: list[_Line] = field(default_factory=list)
    values: dict[str, list[_Line | str]] = field(default_factory=dict)  # field → value pieces
    labels: dict[str, _Line] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)  # other labels inside the block ("Kinh phí: …")

    @property
    def end(self) -> int:
        return self.lines[-1].index


def _label_items(lines: list[_Line]) -> list[_Found]:
    """One item per block of labels ("Đơn vị chủ trì / phối hợp / Thời gian …"), its task the text before it."""
    found: list[_Found] = []
    previous_end = -1
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.label is None or line.label[0] == "group" or line.is_used:
            i += 1
            continue
        block = _read_block(lines, i)
        if not any(k in block.labels for k in _ITEM_LABELS) and not _heading_unit(line):
            i += 1
            continue
        item = _block_item(lines, block, previous_end)
        if item is not None:
            found.append(item)
            for part in block.lines:
                part.is_used = True
        previous_end = block.end
        i = block.end + 1
    return found


def _read_block(lines: list[_Line], start: int) -> _Block:
    """The labels from start on, each with its value (continued on later paragraphs when it is broken)."""
    block = _Block()
    i = start
    while i < len(lines):
        line = lines[i]
        if line.label is None:
            other = _NOTE_LABEL_RE.match(line.text) if block.labels and not line.follows_table else None
            if other is None or line.kind not in ("plain", "bullet"):
                break
            # A label the importer does not interpret ("- Kinh phí: …") stays in the block, kept as a note.
            block.notes.append((normalize_text(other.group("name")), other.group("value")))
            block.lines.append(line)
            i += 1
            continue
        key, value = line.label
        if key in block.labels and key != "group":
            break  # the same label again starts the next block
        block.lines.append(line)
        i += 1
        if key == "group":
            continue
        block.labels[key] = line
        pieces: list[_Line | str] = [value] if value else []
        while i < len(lines) and _continues_value(lines[i], line, value):
            pieces.append(lines[i])
            block.lines.append(lines[i])
            i += 1
        block.values[key] = pieces
    return block


def _continues_value(line: _Line, label: _Line, value: str) -> bool:
    """Whether the paragraph carries on the value of the label just read."""
    if (
        line.label is not None
        or line.kind in ("roman", "upper", "num", "letter", "paren")
        or line.is_recipients
        or line.follows_table
        or _is_emphasised(line)
    ):
        return False
    if value:
        # A value broken by a blank line goes on in lower case ("… địa phương" / "liên quan."); a value
        # that ends with a separator goes on with a list of its own ("Sở Tư pháp;" / "+ Sở Nội vụ.").
        return (line.kind == "plain" and line.body[:1].islower()) or (
            value.endswith((",", ";", ":")) and line.kind == "bullet" and line.key != label.key
        )
    # A label alone on its line ("(3) Kết quả:") takes the paragraphs below, up to the next heading
    # or a sentence that introduces something else ("… cần phải đảm bảo yêu cầu sau:").
    return not line.text.endswith(":")


def _is_emphasised(line: _Line) -> bool:
    """Bold or italic as a whole: a heading or a caption, not a value."""
    emphasised = sum(len(span) for span in line.para.emphasis)
    return (line.para.is_bold or line.para.is_italic) and emphasised >= 0.7 * len(line.text)


def _value_text(pieces: list[_Line | str], *, keep_markers: bool = False, as_lines: bool = False) -> str:
    """A label's value from its pieces. A unit value keeps its list breaks (each bullet on its own line,
    as a cell would), while a phrase broken in mid-sentence is joined with a space."""
    text = ""
    for piece in pieces:
        if isinstance(piece, str):
            part, joint = piece, " "
        else:
            part = piece.text if keep_markers else piece.body
            joint = "\n" if as_lines and (piece.kind == "bullet" or not piece.body[:1].islower()) else " "
        text = f"{text}{joint}{part}" if text else part
    return text


def _clean_value(text: str) -> str:
    return normalize_text(text).rstrip(" .;,")


def _clean_units(text: str) -> str:
    """A unit value as written, its lines kept (they separate units), trailing punctuation dropped."""
    lines = (line.strip(" .;,") for line in normalize_text_keep_lines(text).splitlines())
    return "\n".join(line for line in lines if line)


def _block_item(lines: list[_Line], block: _Block, previous_end: int) -> _Found | None:
    first = block.lines[0]
    heading = _numbered_above(first)  # the numbered item the block belongs to
    task_lines: list[_Line] = []
    task = ""
    if block.values.get("task"):
        pieces = block.values["task"]
        task = _join_task(
            [p for p in pieces if isinstance(p, _Line)], head=next((p for p in pieces if isinstance(p, str)), "")
        )
    else:
        task_lines = _task_lines(lines, first, heading, previous_end)
        content = [t for t in task_lines if not (t is heading and t.is_title)]
        if content:
            if (
                heading is not None
                and heading not in content
                and heading.index <= previous_end
                and not heading.is_title
                and heading.text.endswith(":")
            ):
                # "a) Nâng cấp hệ thống …:" introduces each labelled bullet below it.
                task = heading.body + "\n" + _join_task(content, keep_first_marker=True)
            else:
                task = _join_task(content)
        elif heading is not None:
            task = heading.body
        for line in task_lines:
            line.is_used = True
    if not task:
        return None
    # The item is shown at its task's paragraph (the heading's when the heading is the task).
    anchor = next((t for t in task_lines if t is not heading), None) or heading or first
    item = _Found(anchor, heading, task)
    lead = _clean_units(_value_text(block.values.get("lead", []), as_lines=True)) or _heading_unit(first)
    item.lead, note = _lead_of_value(lead)
    if note and "lead" in block.labels:
        item.notes[_label_wording(block.labels["lead"])] = note
    item.coordinating = _clean_units(_value_text(block.values.get("coordinating", []), as_lines=True))
    item.deadline = _clean_value(_value_text(block.values.get("deadline", [])))
    item.output = _clean_value(_value_text(block.values.get("output", []), keep_markers=True))
    for name, value in block.notes:
        item.notes[name] = _clean_value(value)
    return item


def _task_lines(lines: list[_Line], first: _Line, heading: _Line | None, previous_end: int) -> list[_Line]:
    """The paragraphs a label block describes: those of its numbered item since the previous block, or,
    with no numbered item around it, the paragraphs right above it."""
    if heading is not None:
        floor = max(previous_end, heading.index - 1)
        return [
            line
            for line in lines[floor + 1 : first.index]
            if not (line.is_used or line.label is not None or line.is_recipients)
            and (line is heading or heading in line.ancestors())
        ]
    above: list[_Line] = []
    for line in reversed(lines[previous_end + 1 : first.index]):
        if line.is_used or line.label is not None or line.is_recipients or line.is_title or line.kind in _SECTION_KINDS:
            break
        above.insert(0, line)
        if line.follows_table:
            break
    return above


def _heading_unit(line: _Line) -> str:
    """The unit a unit heading above the paragraph names ("1. Sở Tư pháp" above "a) …" and its labels)."""
    for node in line.ancestors():
        heading = _unit_heading(node)
        if heading and not heading[1]:
            return heading[0]
    return ""


def _label_wording(line: _Line) -> str:
    m = _LABEL_RE.match(line.text)
    return normalize_text(next(m.group(k) for k, _ in _LABELS if m.group(k))) if m else ""


def _join_task(lines: list[_Line], head: str = "", *, keep_first_marker: bool = False) -> str:
    """Task text: the first paragraph without its marker, the next ones as written (bullets kept)."""
    parts = [head] if head else []
    for n, line in enumerate(lines):
        parts.append(line.body if n == 0 and not head and not keep_first_marker else line.text)
    return "\n".join(p for p in parts if p)


def _lead_of_value(value: str) -> tuple[str, str]:
    """The lead as written in a label value, and the full value when it had to be cut from a sentence.

    "Sở Nội vụ chủ trì tham mưu …; Sở Tư pháp và … chủ động tổ chức …" names its lead before "chủ trì".
    """
    for clause in re.split(r"[;\n]", value):
        clause = clause.strip()
        units = _unit_phrase(clause)
        if units and re.match(r"chủ trì\b", clause[len(units) :].strip(), re.IGNORECASE):
            return units, value
    cut = _SCOPE_RE.sub("", value)
    return _clean_units(cut), (value if cut != value else "")


# --- Unit headings and sentences -------------------------------------------------------------------


def _unit_phrase(text: str, stop_re: re.Pattern[str] = _STOP_RE) -> str:
    """The units a sentence or heading starts with, up to the verb that follows them; "" when it starts
    with no unit ("Sở Tư pháp và các cơ quan liên quan tham mưu …" → "Sở Tư pháp và các cơ quan liên quan")."""
    text = text.strip()
    if not _is_unit_start(text):
        return ""
    parts = _LIST_SPLIT_RE.split(text)  # piece, separator, piece, …
    phrase = ""
    for n in range(0, len(parts), 2):
        piece, separator = parts[n], (parts[n - 1] if n else "")
        # Past its first words (a unit head, or a noun such as "tổ chức" after a comma), a piece ends at
        # the first verb; a piece that is a verb from the start ends the list ("…, chủ động triển khai").
        head = _HEAD_RE.match(piece) if _is_unit_start(piece) else _NOUN_VERB_RE.match(piece) if n else None
        if n and head is None and (not piece or stop_re.match(" " + piece)):
            break
        stop = stop_re.search(" " + piece, 1 + (head.end() if head else 0))
        if stop:
            phrase += separator + (" " + piece)[: stop.start()].strip()
            break
        phrase += separator + piece
    phrase = phrase.strip(" ,;")
    # "các Bộ, ngành liên quan: Tài chính, Lao động - Thương binh và Xã hội hướng dẫn …": the heads named after the
    # colon belong to the collective before it.
    if (m := _SHARED_HEAD_RE.match(text[len(phrase) :])) and re.match(r"(?:các|những)\s", phrase, re.IGNORECASE):
        names = _unit_phrase("Sở " + text[len(phrase) + m.end() :], stop_re)[len("Sở ") :]
        if names:
            phrase += ": " + names
    return phrase


def _is_unit_start(text: str) -> bool:
    m = _HEAD_RE.match(text)
    if not m or _NOT_HEAD_RE.match(text):
        return False
    if m.group(0).casefold() in _ROLE_HEADS:
        # "Lãnh đạo Ban Dân nguyện", "Thủ trưởng các sở" name a unit's head; "Lãnh đạo, chỉ đạo …" is a verb.
        rest = text[m.end() :].lstrip()
        return rest[:1].isupper() or _HEAD_RE.match(rest) is not None
    return True


def _partners(text: str) -> list[str]:
    """The units named after "phối hợp (chặt chẽ) với …" anywhere in the text, in order, once each."""
    names: list[str] = []
    for m in _PARTNER_RE.finditer(text):
        units = _unit_phrase(text[m.end() :])
        if units and not _BARE_COLLECTIVE_RE.match(units) and fold_name(units) not in map(fold_name, names):
            names.append(units)
    return names


def _inline_labels(text: str) -> dict[str, str]:
    """Labels written in a parenthesis of the sentence: "(Cơ quan chủ trì: Sở Tư pháp; thời gian: Quý II/2025)"."""
    labels: dict[str, str] = {}
    for group in _PARENTHESIS_RE.findall(text):
        for part in group.split(";"):
            m = _LABEL_RE.match(part.strip())
            if m and m.group("colon") and m.group("value").strip():
                key = next(k for k, _ in _LABELS if m.group(k))
                labels.setdefault(key, _clean_value(m.group("value")))
    return labels


def _assignment(text: str) -> tuple[str, str]:
    """(lead, coordinating) a sentence states: "(Giao X chủ trì, phối hợp với Y)", "(Chủ trì: X; Phối hợp: Y)"
    or a subject "X chủ trì …"."""
    labels = _inline_labels(text)
    if "lead" in labels:
        return labels["lead"], _merge([labels.get("coordinating", "")], _partners(text))
    lead = ""
    for m in _GIVEN_RE.finditer(text):
        lead = _unit_phrase(text[m.end() :])
        if lead:
            break
    if not lead:
        subject = _unit_phrase(text)
        if subject and len(subject) < len(text.strip(" .;:")) and not _PAST_RE.match(text[len(subject) :]):
            lead = subject
    if not lead and _OPENING_RE.match(text):
        lead = _subject_after_opening(text)
    if not lead:
        lead = next(filter(None, (_unit_phrase(text[m.end() :]) for m in _ASKED_RE.finditer(text))), "")
    return lead, "; ".join(_partners(text))


def _subject_after_opening(text: str) -> str:
    """The unit that follows a sentence's opening clause: "Trên cơ sở đề nghị của Ủy ban nhân dân quận, huyện,
    Sở Xây dựng chủ trì …" → "Sở Xây dựng"; "" when no clause of the first sentence opens with a unit and a verb."""
    first = re.split(r"(?<=[.;])\s", text.strip(), maxsplit=1)[0]
    for m in re.finditer(r",\s*", first):
        rest = first[m.end() :].strip(" .;:")
        units = _unit_phrase(rest)
        if units and len(units) < len(rest) and not _PAST_RE.match(rest[len(units) :]):
            return units
    return ""


def _unit_heading(line: _Line) -> tuple[str, str] | None:
    """(unit, inline task) when a numbered or bulleted heading names a unit: "1. Sở Khoa học và Công nghệ",
    "a) Đối với các sở, ban, ngành:", "2. Văn phòng UBND tỉnh: Phối hợp với …"."""
    if (line.kind not in _NUMBERED and line.kind != "bullet") or line.label is not None:
        return None
    body = _HEADING_PREFIX_RE.sub("", line.body.strip())
    head, colon, rest = body.partition(":")
    head = head.strip()
    if colon and rest.strip() and _unit_phrase(head, _NAME_STOP_RE) == head and len(head.split()) <= 25:
        return head, rest.strip()
    title = body.rstrip(" :")
    if (
        (line.is_title or body.endswith(":"))
        and len(title.split()) <= 30
        and _unit_phrase(title, _NAME_STOP_RE) == title
    ):
        return title, ""
    return None


def _subject_heading(line: _Line) -> str:
    """The unit a heading that introduces a list names as its subject ("…, Đảng đoàn Quốc hội xác định
    các nhiệm vụ trọng tâm sau:")."""
    if not line.text.endswith(":"):
        return ""
    for clause in reversed([c.strip() for c in line.body.split(",")]):
        units = _unit_phrase(clause)
        if units and len(units) < len(clause):
            return units
    return ""


@dataclass(frozen=True)
class _Scope:
    """What the headings above a paragraph say about it."""

    lead: str = ""
    coordinating: tuple[str, ...] = ()
    is_unit: bool = False  # the lead is a unit heading's, so a sentence's own subject does not override it
    is_descriptive: bool = False  # under "Mục đích, yêu cầu", "Mục tiêu" …: nothing there is a task
    is_closing: bool = False  # under "Tổ chức thực hiện" …
    is_item: bool = False  # under a numbered heading whose siblings are labelled items: its prose is a task


class _SentenceReader:
    """Reads unit headings and sentences that name their unit, level by level down the outline."""

    def __init__(self, lines: list[_Line], *, closing_is_tasks: bool = False):
        roots = [line for line in lines if line.parent is None and line.label is None and not line.is_recipients]
        self.roots = roots
        self.has_task_articles = any(r.kind == "article" and _TASK_ARTICLE_RE.match(r.body) for r in roots)
        # A document that assigns work only in its closing section (a resolution's "C- TỔ CHỨC THỰC HIỆN" after
        # pages of policy) has its tasks there.
        self.prose_is_tasks = closing_is_tasks or _assigns_in_prose(roots, self._is_descriptive)
        self.found: list[_Found] = []

    def _is_descriptive(self, section: _Line) -> bool:
        """Whether a section describes rather than assigns: "Mục đích, yêu cầu" …, or, in a decision with an
        article that assigns its work, any other article ("Điều 3. Mức hỗ trợ")."""
        return bool(_DESCRIPTIVE_RE.match(section.body)) or (
            section.kind == "article" and self.has_task_articles and not _TASK_ARTICLE_RE.match(section.body)
        )

    def read(self) -> list[_Found]:
        self._level(self.roots, _Scope())
        return self.found

    def _level(self, children: list[_Line], scope: _Scope) -> None:
        numbered = [c for c in children if c.kind in _NUMBERED]
        marked = [c for c in children if c.kind != "plain" and c.label is None and not c.is_used]
        # A lone heading that starts like a unit ("9. Doanh nghiệp số") among topic headings is a topic.
        units_here = bool(marked) and sum(1 for c in marked if _unit_heading(c)) * 2 >= len(marked)
        # Prose under a numbered heading is a task when the sibling headings hold labelled items.
        items_here = any(line.label is not None and line.is_used for c in numbered for line in _descendants(c))
        candidates: list[tuple[_Line, _Scope]] = []
        intro: tuple[str, ...] = ()
        addressee = ""
        for n, child in enumerate(children):
            if child.is_used or child.label is not None or child.is_recipients:
                continue
            heading = _unit_heading(child) if units_here else None
            if heading:
                unit, inline = heading
                inner = _Scope(unit, tuple(_partners(inline)), is_unit=True)
                if inline:
                    candidates.append((child, inner))
                self._level(child.children, inner)
            elif child.kind in _SECTION_KINDS:
                self._level(
                    child.children,
                    _Scope(is_descriptive=self._is_descriptive(child), is_closing=bool(_CLOSING_RE.match(child.body))),
                )
            elif (
                child.children
                and (child.is_title or child.text.endswith(":"))
                and not _heads_its_body(child)
                and not _ENUMERATES_RE.search(child.text)
            ):
                self._level(child.children, self._under_heading(child, scope, items_here))
            elif child.kind == "plain" and child.text.endswith(":") and _introduces(children, n):
                intro = tuple(_partners(child.body))  # "Chủ trì, phối hợp với … tham mưu …:" applies to the list
                # "…, Thủ tướng Chính phủ yêu cầu Chủ tịch Ủy ban nhân dân các tỉnh:": the list's unit.
                if not scope.is_descriptive:
                    addressee = _addressee(child.body) or addressee
                child.is_used = True
            elif child.kind == "plain" and not scope.lead and not scope.is_item:
                continue  # prose under a section or topic heading: the plan's narrative, not a task list
            else:
                where = replace(scope, coordinating=scope.coordinating + intro)
                candidates.append((child, replace(where, lead=where.lead or addressee)))
        self._list(candidates, headings=len(numbered), scope=scope)

    @staticmethod
    def _under_heading(heading: _Line, scope: _Scope, items_here: bool) -> _Scope:
        descriptive = scope.is_descriptive or bool(_DESCRIPTIVE_RE.match(heading.body))
        # A plan numbered without Roman sections has its closing part under a numbered heading.
        scope = replace(scope, is_closing=scope.is_closing or bool(_CLOSING_RE.match(heading.body)))
        if not scope.is_unit and (subject := _subject_heading(heading)):
            # "2.1. …, Đảng đoàn Quốc hội xác định các nhiệm vụ trọng tâm sau:"
            return replace(scope, lead=subject, coordinating=tuple(_partners(heading.body)), is_descriptive=descriptive)
        if heading.text.endswith(":") and not heading.is_title:
            return replace(
                scope, coordinating=scope.coordinating + tuple(_partners(heading.body)), is_descriptive=descriptive
            )
        return replace(scope, is_descriptive=descriptive, is_item=items_here and heading.kind in _NUMBERED)

    def _list(self, candidates: list[tuple[_Line, _Scope]], *, headings: int, scope: _Scope) -> None:
        """The paragraphs of one list: each is an item when the list assigns work to units.

        Under a unit heading every paragraph is that unit's task. Elsewhere a list is a task list when at
        least half of its paragraphs name their unit (the others are then tasks with no unit, kept and
        flagged) and it is more than a lone paragraph among headings."""
        readings = []
        for line, where in candidates:
            inline = _unit_heading(line)
            text = inline[1] if inline and where.is_unit and inline[1] else line.body
            below = [c for c in _descendants(line) if not c.is_used]
            # Labels under a sentence that names its unit ("- Thời gian thực hiện: Quý II/2025") are read as such.
            labels = {c.label[0]: _clean_value(c.label[1]) for c in below if c.label is not None}
            text = "\n".join(
                [
                    text,
                    *(
                        c.text
                        for c in below
                        if c.label is None and not (c.kind == "plain" and _HOUSEKEEPING_RE.search(c.text))
                    ),
                ]
            )
            if where.is_unit:
                lead, partners = where.lead, _partners(text)
                if _VAGUE_UNIT_RE.match(lead):
                    lead = _given(text) or lead  # "Đối với các tổ chức khác" / "Đề nghị Ủy ban Mặt trận …"
            else:
                lead, named = _assignment(text)
                # A step that names its unit in the paragraph below ("2.2. Bước 2: …" / "Ban Chỉ đạo … kiểm tra …").
                lead = lead or next(filter(None, (_assignment(part)[0] for part in text.split("\n")[1:3])), "")
                lead, partners = lead or where.lead, [p for p in named.split("; ") if p]
            coordinating = _merge(list(where.coordinating), [*partners, *filter(None, [labels.get("coordinating")])])
            readings.append((line, text, lead, coordinating, labels))
        if not readings:
            return
        if not any(where.lead for _, where in candidates):
            with_lead = sum(1 for _, _, lead, _, _ in readings if lead)
            numbered = sum(1 for line, *_ in readings if line.kind in _NUMBERED)
            if scope.is_descriptive or with_lead == 0 or with_lead * 2 < len(readings) or numbered * 2 < headings:
                return
            if scope.is_closing:
                if not self.prose_is_tasks:
                    return
                # A closing section's other paragraphs are housekeeping ("Kinh phí …", "Quá trình thực hiện …").
                readings = [r for r in readings if r[2]]
            # A paragraph that names no unit and does not open like a task is a rule of the plan, not a task.
            readings = [r for r in readings if r[2] or _TASK_OPENING_RE.match(r[0].body)]
        for line, text, lead, coordinating, labels in readings:
            ref = line if line.kind in _NUMBERED else _numbered_above(line)
            duties = [(text, labels["deadline"])] if labels.get("deadline") else _dated_duties(text)
            for task, deadline in duties:
                self.found.append(_Found(line, ref, task, lead, coordinating, labels.get("output", ""), deadline))
            line.is_used = True
            for child in _descendants(line):
                child.is_used = True


def _letter_items(lines: list[_Line]) -> list[_Found]:
    """A letter that conveys directions in sentences rather than a list ("Phó Thủ tướng … yêu cầu Bộ Lao động -
    Thương binh và Xã hội khẩn trương … trước ngày 30 tháng 5 năm 2013."): each paragraph that gives a named unit
    work with "Giao", "Yêu cầu" or "Đề nghị" is an item. Read only when nothing else in the document is."""
    found: list[_Found] = []
    for line in lines:
        if (
            line.parent is not None
            or line.kind != "plain"
            or line.label is not None
            or line.is_used
            or line.is_recipients
            or line.is_title
            or _HOUSEKEEPING_RE.search(line.text)
        ):
            continue
        lead = _given(line.body)
        if not lead:
            continue
        (task, deadline), *_ = _dated_duties(line.body)
        found.append(_Found(line, None, task, lead, "; ".join(_partners(line.body)), "", deadline))
        line.is_used = True
    return found


def _dated_duties(text: str) -> list[tuple[str, str]]:
    """(task, deadline clause) of a task sentence; a sentence that lists duties after a colon, each with its own
    deadline ("… chỉ đạo: xây dựng Kế hoạch … trước ngày 28/2/2023; …; Báo cáo kết quả … trước ngày 10/11/2023"),
    makes one task per dated duty, the undated duties going with the dated one before them."""
    clauses = deadline_clauses(text)
    _, colon, duties = text.partition(":")
    if len(clauses) < 2 or not colon:
        return [(text, _clean_value(clauses[0]) if clauses else "")]
    groups: list[list[str]] = []
    dated: list[str] = []
    for duty in (d.strip() for d in duties.split(";")):
        clause = deadline_clause(duty)
        if not groups or (clause and dated[-1]):
            groups.append([])
            dated.append("")
        groups[-1].append(duty)
        dated[-1] = dated[-1] or (clause or "")
    if sum(1 for d in dated if d) < 2:
        return [(text, _clean_value(clauses[0]))]
    return [("; ".join(group), _clean_value(deadline)) for group, deadline in zip(groups, dated)]


def _assigns_in_prose(roots: list[_Line], is_descriptive: Callable[[_Line], bool]) -> bool:
    """Whether a task section (not the closing one) lists numbered sentences that name their units:
    then the closing section's sentences are tasks too, the document's own way of assigning."""
    for root in roots:
        if root.kind not in _SECTION_KINDS or is_descriptive(root) or _CLOSING_RE.match(root.body):
            continue
        numbered = [c for c in root.children if c.kind in ("num", "letter") and not c.is_title]
        if numbered and any(_assignment(c.body)[0] for c in numbered):
            return True
    return False


def _heads_its_body(line: _Line) -> bool:
    """A numbered step ending with ":" whose text goes on in one paragraph below it ("2.1.a. Thành lập Ban Chỉ
    đạo …:" / "Ủy ban nhân dân xã … thành lập …"), with or without labels: one item, not a heading."""
    if line.kind not in _NUMBERED or line.is_title or not line.text.endswith(":"):
        return False
    body = [c for c in line.children if c.label is None]
    return len(body) == 1 and body[0].kind == "plain" and not body[0].children


def _addressee(text: str) -> str:
    """The unit a sentence introducing a list gives the list to: "…, Thủ tướng Chính phủ yêu cầu Chủ tịch Ủy ban
    nhân dân các tỉnh, thành phố:", "Giao các sở, ngành thực hiện các nhiệm vụ sau:"; "" when it names none."""
    text = text.strip()
    if not text.endswith(":"):
        return ""
    for m in (*_GIVEN_RE.finditer(text), *_ASKED_RE.finditer(text)):
        rest = text[m.end() :].strip()
        units = _unit_phrase(rest)
        if units and re.fullmatch(r"[^.;:]{0,80}:", rest[len(units) :].strip(" ,")):
            return units
    return ""


def _given(text: str) -> str:
    """The unit a sentence gives its work to with "Giao", "Yêu cầu" or "Đề nghị"; "" when none."""
    for pattern in (_GIVEN_RE, _ASKED_RE):
        for m in pattern.finditer(text):
            if units := _unit_phrase(text[m.end() :]):
                return units
    return ""


def _introduces(children: list[_Line], n: int) -> bool:
    """Whether the paragraph ending with ":" at n is followed by the list it introduces."""
    return any(c.kind != "plain" for c in children[n + 1 : n + 2])


def _merge(first: list[str], second: list[str]) -> str:
    """Partner lists joined with "; ", a unit already named earlier left out of the later lists."""
    seen: set[str] = set()
    merged: list[str] = []
    for phrase in [*first, *second]:
        parts = _LIST_SPLIT_RE.split(phrase)
        kept = ""
        for n in range(0, len(parts), 2):
            piece = parts[n]
            if _is_unit_start(piece) and fold_name(piece) in seen:
                continue
            seen.add(fold_name(piece))
            kept += (parts[n - 1] if n and kept else "") + piece
        if kept.strip(" ,;"):
            merged.append(kept.strip(" ,;"))
    return "; ".join(merged)


def _descendants(line: _Line) -> list[_Line]:
    out: list[_Line] = []
    for child in line.children:
        out.append(child)
        out.extend(_descendants(child))
    return out


def _numbered_above(line: _Line) -> _Line | None:
    for node in line.ancestors():
        if node.kind in _SECTION_KINDS:
            return None
        if node.kind in _NUMBERED:
            return node
    return None


# --- Leftovers and output --------------------------------------------------------------------------


def _report_leftovers(lines: list[_Line], doc: PlanDocument) -> None:
    """Paragraphs that assign work to a unit but were not read as an item."""
    has_sections = any(line.kind in _SECTION_KINDS for line in lines)
    for line in lines:
        if line.is_used or line.label is not None or line.is_recipients or line.children or line.is_title:
            continue
        section = next((a for a in line.ancestors() if a.kind in _SECTION_KINDS), None)
        if has_sections and section is None:
            continue  # the preamble ("Căn cứ …", "Theo đề nghị của …") assigns nothing
        if any(_DESCRIPTIVE_RE.match(a.body) for a in line.ancestors()):
            continue
        if line.kind == "plain" and _HOUSEKEEPING_RE.search(line.text):
            continue
        lead, _ = _assignment(line.body)
        if lead and not _unit_heading(line):
            doc.not_understood.append(
                NotUnderstood(
                    line.where,
                    line.text,
                    "đoạn văn giao việc cho đơn vị nhưng không nằm trong danh sách nhiệm vụ đọc được",
                )
            )


def _section_of(item: _Found) -> _Line | None:
    """The item's section heading: its top-level heading, or a numbered topic heading right above a
    lettered task ("1. Nâng cao chất lượng …" above "a) …"); None when the plan has no sections."""
    ref = item.ref_line
    if (
        ref is not None
        and ref.key == "letter"
        and not _unit_heading(ref)
        and ref.parent is not None
        and ref.parent.kind == "num"
        and not _unit_heading(ref.parent)
    ):
        return ref.parent
    return next((node for node in item.anchor.ancestors() if node.kind in _SECTION_KINDS), None)


def _reference(item: _Found, section: _Line | None) -> str:
    """The item's number below its section, nested parts joined with "." ("1.a", "2.2.b")."""
    if item.ref_line is None:
        return ""
    parts: list[str] = []
    for node in [item.ref_line, *item.ref_line.ancestors()]:
        if node is section or node.kind in _SECTION_KINDS:
            break
        if node.kind in _NUMBERED:
            parts.append(node.number)
    ref = ""
    for part in reversed(parts):
        ref = part if not ref or part.startswith(ref + ".") else f"{ref}.{part}"
    return ref


def _cited_part(lines: list[_Line], item: _Found) -> tuple[str, str, str]:
    """(section, number, where) an excerpt quoted in an article cites before the item ("Theo tiểu mục 8
    mục II Kế hoạch …"), or ("", "", "") when none does."""
    for line in reversed(lines[: item.anchor.index]):
        if m := _CITATION_RE.search(line.text):
            return m.group("section").upper(), m.group("number") or "", line.where
    return "", "", ""


def _emit(found: list[_Found], lines: list[_Line], doc: PlanDocument) -> None:
    """The items into their sections, in document order; the second and later items with one number are
    its sub-rows; an item with no unit is kept and flagged."""
    sections: dict[object, SectionRows] = {}
    seen: dict[tuple[object, str], int] = {}
    for item in found:
        heading = _section_of(item)
        stt = _reference(item, heading)
        if heading is not None:
            key: object = heading.index
            new = SectionRows(heading.number, heading.body, heading.where)
        else:
            cited, number, where = _cited_part(lines, item)
            key, new = ("cited", cited), SectionRows(cited, "", where or item.anchor.where)
            stt = stt or number
        section = sections.get(key)
        if section is None:
            section = sections[key] = new
            doc.sections.append(section)
        count = seen[(key, stt)] = seen.get((key, stt), 0) + 1
        row = ItemRow(
            stt=stt,
            task=item.task,
            lead=item.lead,
            coordinating=item.coordinating,
            expected_output=item.output,
            deadline=item.deadline,
            where=item.anchor.where,
            notes=item.notes,
            subrow=count if count > 1 else None,
        )
        section.items.append(row)
        if not row.lead:
            reference = ".".join(part for part in (section.number, stt) if part)
            doc.warnings.append(
                f"{row.where}: nhiệm vụ {reference} không ghi đơn vị chủ trì; đã nhập, cần bổ sung đơn vị."
            )
