"""Reading uploads in the formats authors already use: our YAML/JSON, CSV, GIFT, Aiken, Moodle XML and the
Markdown of public question banks.

Every reader turns a file into questions in the native shape (the dict `QuestionIn` validates), each with
where it came from, plus the entries it skipped and why. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from app.bank.format import item_lines, read_cases, with_case

FORMATS = ("auto", "native", "csv", "gift", "aiken", "moodle-xml", "markdown")
MAX_QUESTIONS = 1000
LETTERS = "ABCDEFGH"


class UnreadableUpload(Exception):
    """The file as a whole cannot be read in the chosen format; the message says why."""


@dataclass
class Parsed:
    content: dict
    where: str  # "line 12", "row 4", "question 3"
    category: str | None = None
    # What the import changes or cannot keep, naming the question: reported as warnings on the upload.
    warnings: list[str] = field(default_factory=list)


@dataclass
class Skipped:
    where: str
    reason: str


@dataclass
class Upload:
    format: str
    questions: list[Parsed] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def decode(data: bytes, filename: str) -> str:
    if b"\x00" in data[:4096]:
        raise UnreadableUpload(f"{filename} is a binary file, not a question file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableUpload(
            f"{filename} is not UTF-8 text (byte {error.start} is {data[error.start]:#04x}); "
            "save it as UTF-8 and upload it again"
        ) from None


def detect(filename: str, text: str) -> str:
    name = filename.lower()
    if name.endswith((".yaml", ".yml", ".json")):
        return "native"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".xml"):
        return "moodle-xml"
    if name.endswith(".gift"):
        return "gift"
    if name.endswith((".md", ".markdown")):
        return "markdown"
    if _MD_OPTION.search(text) and _MD_HEADING.search(text):
        return "markdown"
    if re.search(r"^\s*ANSWER\s*:\s*[A-Z]", text, re.MULTILINE | re.IGNORECASE):
        return "aiken"
    if re.search(r"\{[^}]*[=~]", text, re.DOTALL):
        return "gift"
    raise UnreadableUpload(
        f"cannot tell the format of {filename}: name it .yaml, .json, .csv, .gift, .xml or .md, or choose the format"
    )


def stable_id(stem: str) -> str:
    """An id for a question that arrives without one: the same stem always gets the same id, so
    importing the same file twice changes nothing."""
    return "imp-" + hashlib.sha256(" ".join(stem.split()).encode()).hexdigest()[:12]


def _question(
    stem: str, options: list[tuple[str, str, bool]], *, explanation: str = "", qid: str | None = None
) -> dict:
    lettered = [{"id": LETTERS[i], "text": text, "explanation": why} for i, (text, why, _) in enumerate(options)]
    key = [LETTERS[i] for i, (_, _, right) in enumerate(options) if right]
    return {
        "id": qid or stable_id(stem),
        "type": "multiple" if len(key) > 1 else "single",
        "stem": stem,
        "options": lettered,
        "key": key,
        "explanation": explanation,
    }


# ---- native YAML / JSON ------------------------------------------------------------------------------


def read_native(text: str, filename: str) -> Upload:
    try:
        document = json.loads(text) if filename.lower().endswith(".json") else yaml.safe_load(text)
        lines = [] if filename.lower().endswith(".json") else item_lines(text)
    except (yaml.YAMLError, json.JSONDecodeError) as error:
        raise UnreadableUpload(f"{filename} is not valid YAML/JSON: {str(error).splitlines()[0]}") from None
    except RecursionError:
        raise UnreadableUpload(f"{filename} nests lists or mappings too deeply to be a question file") from None
    if isinstance(document, dict) and "questions" in document:
        items = document["questions"]
        by_id, problems = read_cases(document.get("cases", []))
        if problems:
            named = "; ".join(f"{field_name}: {message}" for field_name, message in problems)
            raise UnreadableUpload(f"{filename} has case studies that cannot be read ({named})")
        if isinstance(items, list):
            items = [with_case(item, by_id) for item in items]
    elif isinstance(document, dict):
        items, lines = [document], [1]
    else:
        items = document
    if not isinstance(items, list):
        raise UnreadableUpload(f"{filename} holds no questions: use a `questions:` list, a list, or one question")
    upload = Upload("native")
    for index, item in enumerate(items):
        where = f"line {lines[index]}" if index < len(lines) else f"question {index + 1}"
        if not isinstance(item, dict):
            upload.skipped.append(Skipped(where, "not a question (expected a mapping of fields)"))
            continue
        upload.questions.append(Parsed(dict(item), where))
    return upload


# ---- CSV -------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "id",
    "domain",
    "task",
    "type",
    "difficulty",
    "tags",
    "stem",
    "option_a",
    "explanation_a",
    "option_b",
    "explanation_b",
    "option_c",
    "explanation_c",
    "option_d",
    "explanation_d",
    "option_e",
    "explanation_e",
    "option_f",
    "explanation_f",
    "key",
    "explanation",
    "reference_title",
    "reference_url",
)


def read_csv(text: str, filename: str) -> Upload:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    unknown = sorted(set(header) - set(CSV_COLUMNS))
    missing = [c for c in ("stem", "option_a", "option_b", "key") if c not in header]
    if unknown or missing:
        raise UnreadableUpload(
            f"{filename}: "
            + "; ".join(
                ([f"unknown columns {', '.join(unknown)}"] if unknown else [])
                + ([f"missing columns {', '.join(missing)}"] if missing else [])
            )
            + f" (the columns are {', '.join(CSV_COLUMNS)})"
        )
    reader.fieldnames = header
    upload = Upload("csv")
    for number, row in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        options = [
            {"id": letter.upper(), "text": row[f"option_{letter}"], "explanation": row.get(f"explanation_{letter}", "")}
            for letter in "abcdef"
            if row.get(f"option_{letter}")
        ]
        key = [k.strip().upper() for k in re.split(r"[;,\s]+", row.get("key", "")) if k.strip()]
        content = {
            "id": row.get("id") or stable_id(row.get("stem", "")),
            "stem": row.get("stem", ""),
            "type": row.get("type") or ("multiple" if len(key) > 1 else "single"),
            "options": options,
            "key": key,
            "explanation": row.get("explanation", ""),
        }
        for name in ("domain", "task"):
            if row.get(name):
                content[name] = row[name]
        if row.get("difficulty"):
            content["difficulty"] = row["difficulty"]  # a number or not, the question's validation says
        if row.get("tags"):
            content["tags"] = [t.strip() for t in row["tags"].split(";") if t.strip()]
        if row.get("reference_url"):
            content["references"] = [
                {"title": row.get("reference_title") or row["reference_url"], "url": row["reference_url"]}
            ]
        upload.questions.append(Parsed(content, f"row {number}"))
    return upload


# ---- shared by the Moodle formats ------------------------------------------------------------------

# The grades Moodle offers for an answer (question_bank::fraction_options_full), in percent; an answer's
# weight or fraction must be one of them or its negative.
MOODLE_GRADES = (
    100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5,
    11.11111, 10, 5, 0,
)  # fmt: skip


def _is_moodle_grade(percent: float) -> bool:
    return any(abs(abs(percent) - grade) < 0.001 for grade in MOODLE_GRADES)


def _percent(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _too_many(options: list, what: str = "options") -> str | None:
    if len(options) > len(LETTERS):
        return f"{len(options)} {what}; a question takes at most {len(LETTERS)}"
    return None


def _choice_key(
    name: str, single: bool, weights: list[float], warnings: list[str]
) -> tuple[list[bool] | None, str | None]:
    """Which options are right, as Moodle grades them: a single-answer question's answer at 100%, a multiple-
    response question's answers of positive weight. Returns the flags, or None and why the question is skipped;
    weights that give part marks (so that our all-or-nothing key differs from Moodle's grading) are a warning."""
    if single:
        right = [abs(w - 100) < 0.001 for w in weights]
        if not any(right):
            return None, f"{name}: a single-answer question with no answer at 100%, so no key"
        if sum(right) > 1:
            return None, (
                f"{name}: a single-answer question with {sum(right)} answers at 100% (Moodle accepts any of "
                "them); an exam question has one right answer"
            )
        partial = [f"{LETTERS[i]} ({_percent(w)}%)" for i, w in enumerate(weights) if 0 < w < 100]
        if partial:
            warnings.append(
                f"{name}: Moodle gives part marks for {', '.join(partial)}; imported all or nothing, with only the "
                "answer at 100% right"
            )
        return right, None
    right = [w > 0 for w in weights]
    total = sum(w for w in weights if w > 0)
    if any(right) and abs(total - 100) > 0.01:
        warnings.append(
            f"{name}: the positive weights add up to {_percent(total)}%, not 100%, so they make no all or "
            "nothing key; imported with every answer of positive weight as a right one"
        )
    return right, None


def _matching(stem: str, pairs: list[tuple[str, str]], *, explanation: str = "", qid: str | None = None) -> dict | str:
    """A matching item from (prompt, response) pairs; a pair with no prompt is a response that fits none.
    Returns the question, or why it cannot be one."""
    responses: list[str] = []
    for _, response in pairs:
        if response and response not in responses:
            responses.append(response)
    if problem := _too_many(responses, "different responses"):
        return problem
    prompts = [(prompt, response) for prompt, response in pairs if prompt]
    return {
        "id": qid or stable_id(stem),
        "type": "matching",
        "stem": stem,
        "prompts": [{"id": str(i + 1), "text": prompt, "explanation": ""} for i, (prompt, _) in enumerate(prompts)],
        "options": [{"id": LETTERS[i], "text": text, "explanation": ""} for i, text in enumerate(responses)],
        "key": {str(i + 1): LETTERS[responses.index(response)] for i, (_, response) in enumerate(prompts)},
        "explanation": explanation,
    }


# ---- Aiken -----------------------------------------------------------------------------------------

# An option is a capital letter, then ")" or ".", then its text, with or without a space between.
_AIKEN_OPTION = re.compile(r"^([A-Z])[.)]\s*(\S.*)$")
_AIKEN_ANSWER = re.compile(r"^ANSWER\s*:\s*([A-Z](?:\s*,\s*[A-Z])*)\s*$", re.IGNORECASE)
_AIKEN_ANSWER_LINE = re.compile(r"^ANSWER\s*:", re.IGNORECASE)


def read_aiken(text: str, filename: str) -> Upload:
    """A record is its stem's line(s), its options, and its ANSWER: line; it ends at the ANSWER: line or at a
    blank line, so that a record without an answer never takes the next one in."""
    upload = Upload("aiken")
    block: list[tuple[int, str]] = []

    def flush(answer_line: str | None) -> None:
        if not block:
            return
        where = f"line {block[0][0]}"
        stem_lines, options = [block[0][1].strip()], []
        for _, line in block[1:]:
            if match := _AIKEN_OPTION.match(line.strip()):
                options.append((match.group(1), match.group(2).strip()))
            elif options:
                options[-1] = (options[-1][0], options[-1][1] + " " + line.strip())
            else:
                stem_lines.append(line.strip())
        block.clear()
        if _AIKEN_OPTION.match(stem_lines[0]):
            upload.skipped.append(Skipped(where, f"an option ({stem_lines[0]!r}) with no question before it"))
            return
        if answer_line is None:
            upload.skipped.append(Skipped(where, "no ANSWER: line, so no key (a record ends at a blank line)"))
            return
        match = _AIKEN_ANSWER.match(answer_line)
        if match is None:
            upload.skipped.append(Skipped(where, f"{answer_line!r} names no option letter: write it as 'ANSWER: B'"))
            return
        answer = [a.strip().upper() for a in match.group(1).split(",")]
        letters = [letter for letter, _ in options]
        if not options:
            upload.skipped.append(Skipped(where, "no options (lines like 'A. text' or 'A) text')"))
        elif len(options) < 2:
            # Two options (a true/false) are a question, which the exam's rules take or refuse; one is not.
            upload.skipped.append(Skipped(where, "only one option, so nothing to choose from; skipped"))
        elif repeated := sorted({x for x in letters if letters.count(x) > 1}):
            upload.skipped.append(Skipped(where, f"option letter {', '.join(repeated)} is used twice"))
        elif problem := _too_many(options):
            upload.skipped.append(Skipped(where, problem))
        elif unknown := [a for a in answer if a not in letters]:
            upload.skipped.append(Skipped(where, f"ANSWER names {', '.join(unknown)}, which is not an option"))
        else:
            stem = " ".join(stem_lines).strip()
            upload.questions.append(
                Parsed(_question(stem, [(t, "", letter in answer) for letter, t in options]), where)
            )

    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            flush(None)
        elif _AIKEN_ANSWER_LINE.match(line.strip()):
            if block:
                flush(line.strip())
            else:
                upload.skipped.append(Skipped(f"line {number}", "an ANSWER: line with no question before it"))
        else:
            block.append((number, line))
    flush(None)
    return upload


# ---- GIFT ------------------------------------------------------------------------------------------

# As Moodle does (qformat_gift::escapedchar_pre), escaped characters are set aside before the question is
# parsed and put back in its texts, so that `\=`, `\~`, `\#`, `\{`, `\}` and `\:` are text, never syntax.
_GIFT_ESCAPES = {"\\\\": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003", "\\{": "\ue004"}
_GIFT_ESCAPES |= {"\\}": "\ue005", "\\:": "\ue006", "\\n": "\ue007"}
_GIFT_RESTORE = str.maketrans({v: k[1] if k != "\\n" else "\n" for k, v in _GIFT_ESCAPES.items()})
_GIFT_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]")
_GIFT_WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")
_GIFT_TRUE_FALSE = ("T", "TRUE", "F", "FALSE")


def _gift_protect(text: str) -> str:
    for escaped, placeholder in _GIFT_ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text


def _gift_text(text: str, default: str = "moodle") -> tuple[str, str]:
    """A text and its format: its own [html], [markdown], [plain] or [moodle] marker, else the question's. HTML
    keeps its words, never its markup; the other formats are kept as written."""
    markup = default
    if match := _GIFT_FORMAT.match(text):
        markup, text = match.group(1), text[match.end() :]
    text = text.translate(_GIFT_RESTORE)
    return (html_to_text(text) if markup == "html" else text.strip()), markup


def _gift_comment(answer: str, markup: str) -> tuple[str, str]:
    """An answer and its feedback, after the first #."""
    body, _, feedback = answer.partition("#")
    return _gift_text(body, markup)[0], (_gift_text(feedback, markup)[0] if feedback else "")


def _gift_blocks(text: str) -> list[tuple[int, str]]:
    # Comments are lines starting with //; blank lines separate questions.
    lines = [("" if line.lstrip().startswith("//") else line) for line in text.splitlines()]
    blocks, start = [], 1
    current: list[str] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, "\n".join(current)))
            current = []
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def read_gift(text: str, filename: str) -> Upload:
    """GIFT as Moodle reads it (question/format/gift/format.php): `~` makes a multiple-choice question, single
    answer when it has an `=` answer and multiple response otherwise; `=` with `->` is matching; T/F is
    true/false; `=` answers alone are a short answer; text after the answers keeps a blank, `_____`."""
    upload = Upload("gift")
    category = None
    for line_number, raw in _gift_blocks(text):
        where = f"line {line_number}"
        block = _gift_protect(raw).strip()
        if block.startswith("$CATEGORY:"):
            category = block[len("$CATEGORY:") :].strip().translate(_GIFT_RESTORE)
            continue
        title = None
        if match := re.match(r"^::(.*?)::", block, re.DOTALL):
            title, block = match.group(1).translate(_GIFT_RESTORE).strip(), block[match.end() :].strip()
        opening, closing = block.find("{"), block.find("}")
        if opening < 0 and closing < 0:
            upload.skipped.append(Skipped(where, "a description (text with no {answers}), not a question; skipped"))
            continue
        if opening < 0 or closing < opening:
            upload.skipped.append(Skipped(where, "unmatched { or }: write a brace that is text as \\{ or \\}; skipped"))
            continue
        if "{" in block[opening + 1 : closing]:
            upload.skipped.append(
                Skipped(where, "a { inside the {answers}: write a brace that is text as \\{; skipped")
            )
            continue
        if "{" in block[closing + 1 :] or "}" in block[closing + 1 :]:
            upload.skipped.append(
                Skipped(
                    where,
                    "more than one {answers}: separate questions with a blank line, and write a brace that "
                    "is text as \\{ or \\}; skipped",
                )
            )
            continue
        answers = block[opening + 1 : closing].strip()
        # Answers that close the question leave no blank; text after them makes a missing-word question.
        blank = "" if block.endswith("}") else "_____"
        stem, markup = _gift_text(block[:opening] + blank + block[closing + 1 :])
        name = f"question {title!r}" if title else f"question {stem[:60]!r}"
        general = ""
        if (separator := answers.rfind("####")) >= 0:
            answers, general = answers[:separator].strip(), _gift_text(answers[separator + 4 :], markup)[0]
        qid = _slug(title) if title else None
        if not answers:
            upload.skipped.append(Skipped(where, "an essay question (empty {}), not multiple choice; skipped"))
        elif answers.startswith("#"):
            upload.skipped.append(Skipped(where, "a numerical question ({#...}), not multiple choice; skipped"))
        elif "~" in answers:
            parsed = _gift_choice(name, stem, markup, answers, general, qid, where, category)
            if isinstance(parsed, str):
                upload.skipped.append(Skipped(where, parsed))
            else:
                upload.questions.append(parsed)
        elif "=" in answers and "->" in answers:
            matching = _gift_matching(name, stem, markup, answers, general, qid)
            if isinstance(matching, str):
                upload.skipped.append(Skipped(where, matching))
            else:
                upload.questions.append(Parsed(matching, where, category))
        elif answers.partition("#")[0].strip() in _GIFT_TRUE_FALSE:
            upload.questions.append(Parsed(_gift_true_false(stem, markup, answers, general, qid), where, category))
        else:
            upload.skipped.append(
                Skipped(
                    where,
                    "a short answer question (only = answers, no ~ wrong ones), not multiple choice; skipped",
                )
            )
    return upload


def _true_false(stem: str, true: bool, right: str, wrong: str, *, explanation: str, qid: str | None) -> dict:
    """A true/false as a single-answer question of two options, True and False, each with the feedback
    Moodle shows for choosing it; the exam's rules take it (`min_options_single: 2`) or refuse it."""
    options = [("True", right if true else wrong, true), ("False", wrong if true else right, not true)]
    return _question(stem, options, explanation=explanation, qid=qid)


def _gift_true_false(stem: str, markup: str, answers: str, general: str, qid: str | None) -> dict:
    """`{T}`, `{TRUE}`, `{F}` or `{FALSE}`, then as Moodle reads it (qformat_gift::split_truefalse_comment) the
    feedback for a wrong answer and the feedback for the right one, each after a #."""
    answer, _, feedback = answers.partition("#")
    wrong, _, right = feedback.partition("#")
    true = answer.strip().upper() in ("T", "TRUE")
    texts = [_gift_text(part, markup)[0] if part.strip() else "" for part in (right, wrong)]
    return _true_false(stem, true, texts[0], texts[1], explanation=general, qid=qid)


def _gift_matching(name: str, stem: str, markup: str, answers: str, general: str, qid: str | None) -> dict | str:
    """`=prompt -> response` pairs (`= -> response` is a response that fits no prompt) as a matching item, or
    why they are not one."""
    pairs: list[tuple[str, str]] = []
    for answer in [a.strip() for a in answers.split("=")]:
        if not answer and not pairs:
            continue  # before the first =
        if "->" not in answer:
            return (
                f"{name}: matching answer {answer.translate(_GIFT_RESTORE)!r} has no '->' pairing it with a "
                "response; skipped"
            )
        prompt, _, response = answer.partition("->")
        pairs.append((_gift_text(prompt, markup)[0], response.translate(_GIFT_RESTORE).strip()))
    matching = _matching(stem, pairs, explanation=general, qid=qid)
    return f"{name}: {matching}" if isinstance(matching, str) else matching


def _gift_choice(
    name: str,
    stem: str,
    markup: str,
    answers: str,
    general: str,
    qid: str | None,
    where: str,
    category: str | None,
) -> Parsed | str:
    """A multiple-choice question: single answer if any answer is `=` (its right answer), else multiple
    response keyed by the positive `~%n%` weights. Returns the question or why it is skipped."""
    single = "=" in answers
    parts = [part.strip() for part in answers.replace("=", "~=").split("~")]
    if parts and not parts[0]:
        parts.pop(0)
    if len(parts) < 2:
        return f"{name}: a multiple-choice question needs at least two answers"
    options, weights = [], []
    for part in parts:
        weight = 0.0
        if part.startswith("="):
            weight, part = 100.0, part[1:]
        elif match := _GIFT_WEIGHT.match(part):
            weight, part = float(match.group(1)), part[match.end() :]
            if not _is_moodle_grade(weight):
                return (
                    f"{name}: weight {_percent(weight)}% is not one of Moodle's grade values "
                    f"({', '.join(_percent(g) for g in MOODLE_GRADES)} and their negatives)"
                )
        text, feedback = _gift_comment(part, markup)
        if not text:
            return f"{name}: an answer has no text"
        options.append((text, feedback))
        weights.append(weight)
    if problem := _too_many(options):
        return f"{name}: {problem}"
    warnings: list[str] = []
    right, reason = _choice_key(name, single, weights, warnings)
    if right is None:
        return reason or name
    content = _question(
        stem, [(t, f, r) for (t, f), r in zip(options, right, strict=True)], explanation=general, qid=qid
    )
    content["type"] = "single" if single else "multiple"
    return Parsed(content, where, category, warnings)


def _slug(title: str) -> str | None:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:120]
    return slug or None


# ---- Moodle XML ------------------------------------------------------------------------------------


def html_to_text(value: str) -> str:
    """Moodle stores HTML; we keep its words and paragraphs, never its markup (which is then escaped)."""
    value = re.sub(r"(?i)<br\s*/?>|</p>|</li>|</div>", "\n\n", value)
    value = re.sub(r"(?is)<(script|style)[^>]*>.*?</\1>", "", value)
    value = re.sub(r"<[^>]+>", "", value)
    value = html.unescape(value)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in value.splitlines())).strip()


def _moodle_single(value: str) -> bool:
    """As qformat_xml::trans_single: "false", "0" or empty is multiple response, anything else single."""
    value = value.strip()
    return not (value == "false" or value in ("", "0"))


def read_moodle_xml(text: str, filename: str) -> Upload:
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except DefusedXmlException as error:
        raise UnreadableUpload(
            f"{filename} uses XML features that are not allowed ({type(error).__name__}: "
            "entities or external references)"
        ) from None
    except ElementTree.ParseError as error:
        raise UnreadableUpload(f"{filename} is not well-formed XML: {error}") from None
    if root.tag != "quiz":
        raise UnreadableUpload(f"{filename} is not a Moodle XML quiz (its root element is <{root.tag}>)")
    upload = Upload("moodle-xml")
    category = None

    def text_of(element, path: str) -> str:
        found = element.find(path)
        if found is None or not found.text:
            return ""
        # A Markdown text (format="markdown", as our export writes) is Markdown, not HTML: kept as written.
        holder = element.find(path.rpartition("/")[0]) if "/" in path else element
        if holder is not None and holder.get("format") == "markdown":
            return found.text.strip()
        return html_to_text(found.text)

    for number, question in enumerate(root.findall("question"), start=1):
        kind = question.get("type", "")
        where = f"question {number}"
        if kind == "category":
            category = (question.findtext("category/text") or "").strip()
            continue
        title = html_to_text(question.findtext("name/text") or "")
        name = f"question {title!r}" if title else f"question {number}"
        qid = _slug(title) if title else None
        stem = text_of(question, "questiontext/text")
        explanation = text_of(question, "generalfeedback/text")
        warnings: list[str] = []
        files = [f.get("name") or "(unnamed)" for f in question.iter("file")]
        if files:
            warnings.append(
                f"{name}: embedded file{'s' if len(files) > 1 else ''} {', '.join(files)} dropped; only the "
                "text is imported, so check that the question still makes sense without them"
            )
        content: dict | str
        if kind == "multichoice":
            content = _xml_multichoice(question, name, stem, explanation, qid, text_of, warnings)
        elif kind == "matching":
            pairs = [
                (text_of(sub, "text"), (sub.findtext("answer/text") or "").strip())
                for sub in question.findall("subquestion")
            ]
            if not pairs:
                content = f"{name}: a matching question with no <subquestion>"
            else:
                content = _matching(stem, pairs, explanation=explanation, qid=qid)
                if isinstance(content, str):
                    content = f"{name}: {content}"
        elif kind == "truefalse":
            content = _xml_true_false(question, name, stem, explanation, qid, text_of)
        elif kind == "ordering":
            # qtype_ordering lists its <answer> elements in the right order, each with its <feedback>.
            steps = [
                (text_of(answer, "text"), text_of(answer, "feedback/text")) for answer in question.findall("answer")
            ]
            if problem := _too_many(steps, "steps"):
                content = f"{name}: {problem}"
            else:
                content = _question(stem, [(step, why, True) for step, why in steps], explanation=explanation, qid=qid)
                content["type"] = "ordering"
        else:
            upload.skipped.append(Skipped(where, f"{kind or 'untyped'} questions are not multiple choice; skipped"))
            continue
        if isinstance(content, str):
            upload.skipped.append(Skipped(where, content))
        else:
            upload.questions.append(Parsed(content, where, category, warnings))
    return upload


def _full_marks(fraction: str) -> bool:
    try:
        return abs(float(fraction) - 100) < 0.001
    except ValueError:
        return False


def _xml_true_false(question, name, stem, explanation, qid, text_of) -> dict | str:
    """Moodle's true/false: an <answer> "true" and an <answer> "false", the right one at fraction 100."""
    answers = {(answer.findtext("text") or "").strip().lower(): answer for answer in question.findall("answer")}
    if set(answers) != {"true", "false"}:
        return f"{name}: a true/false question needs an answer 'true' and an answer 'false'"
    right = [value for value, answer in answers.items() if _full_marks(answer.get("fraction", "0"))]
    if len(right) != 1:
        return f"{name}: a true/false question with {len(right)} answers at 100%, so no key"
    true = right[0] == "true"
    feedback = {value: text_of(answer, "feedback/text") for value, answer in answers.items()}
    return _true_false(
        stem,
        true,
        feedback[right[0]],
        feedback["false" if true else "true"],
        explanation=explanation,
        qid=qid,
    )


def _xml_multichoice(question, name, stem, explanation, qid, text_of, warnings: list[str]) -> dict | str:
    """`<single>` decides single or multiple; the fractions decide the key as Moodle grades them."""
    single = _moodle_single(question.findtext("single", "true"))
    options, weights = [], []
    for index, answer in enumerate(question.findall("answer"), start=1):
        raw = answer.get("fraction", "0")
        try:
            fraction = float(raw)
        except ValueError:
            return f"{name}: answer {index} has fraction {raw!r}, which is not a number"
        if not _is_moodle_grade(fraction):
            return (
                f"{name}: answer {index} has fraction {_percent(fraction)}, which is not one of Moodle's grade "
                f"values ({', '.join(_percent(g) for g in MOODLE_GRADES)} and their negatives)"
            )
        options.append((text_of(answer, "text"), text_of(answer, "feedback/text")))
        weights.append(fraction)
    if len(options) < 2:
        return f"{name}: a multiple-choice question needs at least two answers, has {len(options)}"
    if problem := _too_many(options):
        return f"{name}: {problem}"
    right, reason = _choice_key(name, single, weights, warnings)
    if right is None:
        return reason or name
    content = _question(
        stem, [(t, f, r) for (t, f), r in zip(options, right, strict=True)], explanation=explanation, qid=qid
    )
    content["type"] = "single" if single else "multiple"
    return content


# ---- Markdown --------------------------------------------------------------------------------------

# Outside code blocks: an ATX heading, a task-list option (`- [ ]`, `* [x]`, `+ [X]`), a fence, a horizontal rule.
_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_MD_OPTION = re.compile(r"^( {0,3})[-*+][ \t]+\[([ xX])\](?:[ \t]+(.*?))?[ \t]*$", re.MULTILINE)
_MD_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MD_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
# A line that only links within the page ("**[⬆ Back to Top](#table-of-contents)**"), or says "back to top".
_MD_NAVIGATION = re.compile(r"^[\W_]*(?:\[[^\]]*\]\(#[^)]*\)|back to top)[\W_]*$", re.IGNORECASE)
# "12.", "12)", "12:", "#12.", "Q12.", "Q 12", "Question 12:", or a heading that is only a number ("### 49").
_MD_NUMBER = re.compile(
    r"^(?:(?:Q|Question)[ \t]*#?[ \t]*\d+(?:[ \t]*[.:)\-–—])?|#?\d+[.:)]|#?\d+$)(?=\s|$)[ \t]*", re.IGNORECASE
)
_MD_LABEL = re.compile(r"^(explanation|rationale|reason)s?\b[ \t]*(?::[ \t]*(.*))?$", re.IGNORECASE)
_MD_ANSWER_LINE = re.compile(r"^(?:correct )?answers?[ \t]*:", re.IGNORECASE)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]*)|<img\b[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)
_MD_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")


def _md_lines(text: str, filename: str) -> list[tuple[str, bool]]:
    """Each line, and whether it is inside a fenced code block (the fences themselves count as inside). A code
    block never closed would make the rest of the file code, and its questions vanish: the file is refused."""
    marked, fence, opened = [], "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        match = _MD_FENCE.match(line)
        if fence:
            marked.append((line, True))
            if (
                match
                and match.group(1)[0] == fence[0]
                and len(match.group(1)) >= len(fence)
                and not line[match.end() :].strip()
            ):
                fence = ""
        elif match:
            fence, opened = match.group(1), number
            marked.append((line, True))
        else:
            marked.append((line, False))
    if fence:
        raise UnreadableUpload(
            f"{filename}: the code block opened with {fence} on line {opened} is never closed, so the rest of the "
            f"file would be code and its questions lost; close it with a line of {fence}"
        )
    return marked


def _md_heading(line: str, fenced: bool) -> tuple[int, str] | None:
    if fenced:
        return None
    match = _MD_HEADING.match(line)
    return (len(match.group(1)), (match.group(2) or "").strip()) if match else None


def _md_option(line: str, fenced: bool) -> re.Match | None:
    return None if fenced else _MD_OPTION.match(line)


def _md_noise(line: str, fenced: bool) -> bool:
    """Navigation links and horizontal rules, which belong to the page rather than to a question."""
    return not fenced and bool(_MD_RULE.match(line) or _MD_NAVIGATION.search(line))


def _md_block(lines: list[str]) -> str:
    """Lines as one Markdown text: common indentation removed, blank lines at either end and runs of them dropped."""
    text = textwrap.dedent("\n".join(line.rstrip() for line in lines)).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _md_question_level(marked: list[tuple[str, bool]]) -> int | None:
    """The heading level whose headings most often have options right under them (fewest #'s on a tie)."""
    counts: dict[int, int] = {}
    level = None
    for line, fenced in marked:
        if heading := _md_heading(line, fenced):
            level = heading[0]
        elif level is not None and _md_option(line, fenced):
            counts[level] = counts.get(level, 0) + 1
            level = None  # count each heading once
    if not counts:
        return None
    return max(sorted(counts), key=lambda lvl: counts[lvl])


def _md_explanation(after: list[tuple[str, bool]]) -> str:
    """What follows the options, when it says it explains: a `<details>` block, or text from a line such as
    `Explanation:`, `**Explanation**` or `#### Explanation` on. Anything else is not kept."""
    lines = [line for line, fenced in after if not _md_noise(line, fenced)]
    text = "\n".join(lines)
    if match := re.search(r"<details\b[^>]*>(.*?)(?:</details\s*>|$)", text, re.IGNORECASE | re.DOTALL):
        inner = re.sub(r"<summary\b[^>]*>.*?</summary\s*>", "", match.group(1), flags=re.IGNORECASE | re.DOTALL)
        inner = _MD_TAG.sub("", inner)
        kept = [line for line in inner.splitlines() if not _MD_ANSWER_LINE.match(_md_plain(line))]
        return _md_block(kept)
    for index, line in enumerate(lines):
        if label := _MD_LABEL.match(_md_plain(line)):
            return _md_block([label.group(2) or "", *lines[index + 1 :]])
    return ""


def _md_plain(line: str) -> str:
    """A line without heading marks, bold/italic around it, or a blockquote mark: for recognising labels."""
    line = re.sub(r"^\s*(?:>\s*)*#{0,6}\s*", "", line)
    return re.sub(r"(\*\*|__)", "", line).strip()


def read_markdown(text: str, filename: str) -> Upload:
    """Markdown as public question banks publish it (one heading per question, its options as a task list):

        ### 12. A company wants ... Which solution meets these requirements?

        Text, code blocks or images that belong to the question.

        - [ ] Use Amazon S3 ...
        - [x] Use Amazon Kinesis ...

        **[⬆ Back to Top](#table-of-contents)**

    The question headings are those of one level: the level whose headings most often have `- [ ]`/`- [x]`
    options under them (`###` in the banks we have seen; `##` and `####` are read the same way). Headings with
    fewer #'s are section titles, and text before the first question (a title, a table of contents) is not
    read; headings with more #'s belong to the question they are in. A question is its heading (less a number
    such as `12.`, `Q12.` or `Question 12:`), the Markdown up to its first option (kept as written, code blocks
    and images too; an image is a warning, as its file is not imported), and its options: `-`, `*` or `+`, then
    `[ ]`, or `[x]`/`[X]` for a right one, an option going on over lines indented under it. One `[x]` makes a
    single-answer question, several a multiple-response one. After the options, a `<details>` block or text
    from a line such as `Explanation:` on is the explanation; other text there is not imported. Navigation
    links ("Back to Top", links to `#anchors`) and horizontal rules are ignored everywhere outside code."""
    marked = _md_lines(text, filename)
    level = _md_question_level(marked)
    if level is None:
        raise UnreadableUpload(
            f"{filename} has no questions in the Markdown layout we read: a heading per question (such as "
            "`### Which service ...?`) with its options under it as `- [ ] wrong` and `- [x] right` lines"
        )
    upload = Upload("markdown")
    start: int | None = None
    for number, (line, fenced) in enumerate(marked):
        heading = _md_heading(line, fenced)
        if heading and heading[0] <= level:
            if start is not None:
                _md_question(marked, start, number, upload)
            start = number if heading[0] == level else None
    if start is not None:
        _md_question(marked, start, len(marked), upload)
    return upload


def _md_question(marked: list[tuple[str, bool]], start: int, end: int, upload: Upload) -> None:
    """The question whose heading is line `start` (0-based) and which ends before line `end`."""
    where = f"line {start + 1}"
    title = _MD_NUMBER.sub("", (_md_heading(*marked[start]) or (0, ""))[1], count=1).strip()
    body: list[str] = []
    options: list[tuple[list[str], bool, int]] = []  # lines, right, line number
    after: list[tuple[str, bool]] = []
    state, gap, stray = "stem", False, 0
    for number in range(start + 1, end):
        line, fenced = marked[number]
        option = _md_option(line, fenced)
        if state == "stem":
            if not option:
                if not _md_noise(line, fenced):
                    body.append(line)
                continue
            state = "options"
        if state == "options":
            if option:
                options.append(([option.group(3) or ""], option.group(2) != " ", number + 1))
                gap = False
                continue
            if not line.strip():
                gap = True
                continue
            # An option goes on over the indented lines right under it; after a blank line, indented text (a
            # `<details>` block, say) is what follows the options.
            if line[:1] in (" ", "\t") and not (gap or fenced or _md_heading(line, fenced)):
                options[-1][0].append(line.strip())
                continue
            state = "after"
        if state == "after":
            if option:
                stray = stray or number + 1
            after.append((line, fenced))
    stem = "\n\n".join(part for part in (title, _md_block(body)) if part)
    name = f"question {stem.splitlines()[0][:60]!r}" if stem else "question"
    if stray:
        reason = f"the option on line {stray} comes after text that follows the options; keep them together"
        upload.skipped.append(Skipped(where, f"{name}: {reason}"))
        return
    texts = [" ".join(part for part in lines if part).strip() for lines, _, _ in options]
    right = [r for _, r, _ in options]
    if not stem:
        upload.skipped.append(Skipped(where, "a heading with no question text under it or in it"))
    elif not options:
        upload.skipped.append(
            Skipped(where, f"{name}: no options under the heading (lines such as `- [ ] wrong` and `- [x] right`)")
        )
    elif len(options) < 2:
        upload.skipped.append(Skipped(where, f"{name}: only one option, so nothing to choose from"))
    elif empty := [options[i][2] for i, t in enumerate(texts) if not t]:
        upload.skipped.append(Skipped(where, f"{name}: the option on line {empty[0]} has no text"))
    elif problem := _too_many(options):
        upload.skipped.append(Skipped(where, f"{name}: {problem}"))
    elif not any(right):
        upload.skipped.append(Skipped(where, f"{name}: no option is marked [x], so there is no key"))
    else:
        explanation = _md_explanation(after)
        content = _question(stem, list(zip(texts, [""] * len(texts), right, strict=True)), explanation=explanation)
        warnings = []
        images = [a or b for a, b in _MD_IMAGE.findall("\n".join([stem, *texts, explanation])) if a or b]
        if images:
            warnings.append(
                f"{name}: image{'s' if len(images) > 1 else ''} {', '.join(dict.fromkeys(images))} not imported: "
                "question text shows no images, so check that the question makes sense without "
                f"{'them' if len(images) > 1 else 'it'}"
            )
        upload.questions.append(Parsed(content, where, warnings=warnings))


READERS: dict[str, Callable[[str, str], Upload]] = {
    "native": read_native,
    "csv": read_csv,
    "gift": read_gift,
    "aiken": read_aiken,
    "moodle-xml": read_moodle_xml,
    "markdown": read_markdown,
}


def read_upload(data: bytes, filename: str, chosen: str = "auto") -> Upload:
    if chosen not in FORMATS:
        raise UnreadableUpload(f"unknown format {chosen!r}; choose one of {', '.join(FORMATS)}")
    text = decode(data, filename)
    kind = detect(filename, text) if chosen == "auto" else chosen
    upload = READERS[kind](text, filename)
    if len(upload.questions) > MAX_QUESTIONS:
        raise UnreadableUpload(
            f"{filename} holds {len(upload.questions)} questions; one upload takes at most {MAX_QUESTIONS}"
        )
    return upload
