"""Reading and validating course sources. Nothing here touches the database."""

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from apps.core.languages import DEFAULT_LANGUAGE, LANGUAGE_CODES
from apps.courses.content.schema import (
    BLOCK_SCHEMAS,
    CODE_LANGUAGES,
    AssessmentFront,
    CourseFront,
    GlossaryEntry,
    LessonFront,
    ModuleFront,
)

# Identities of pages are UUIDs derived from "<course>/<path without language>".
NAMESPACE = uuid.UUID("6f1c4a52-3b1e-4c5e-9a7d-2f0e8b1d7c44")
FENCE = re.compile(r"^```([A-Za-z_][\w-]*)?\s*$")
MODULE_DIR = re.compile(r"^\d{2}-[a-z0-9-]+$")
LESSON_FILE = re.compile(r"^\d{2}-[a-z0-9-]+\.md$")
POSITION = re.compile(r"^\d{2}-")
ASSESSMENTS = {"assessment-pre.md": "pre", "assessment-post.md": "post"}


@dataclass(frozen=True)
class SourceError:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentInvalid(Exception):
    def __init__(self, errors: list[SourceError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class Block:
    type: str  # "text", "code" or a key of BLOCK_SCHEMAS
    data: object  # markdown str, {"language", "code"}, or a validated model
    line: int


@dataclass
class PageSource:
    kind: str  # course | module | lesson | assessment
    identity: str  # path inside the language folder, e.g. "01-env/02-tracking.md"
    path: Path
    front: BaseModel
    intro: str = ""
    blocks: list[Block] = field(default_factory=list)
    assessment_kind: str = ""

    def key(self, course_slug: str) -> uuid.UUID:
        """The page's lasting identity: the front matter `id`, else derived from the path
        without its NN- position prefixes, so reordering files keeps every page (and the
        learners' progress on it)."""
        explicit = getattr(self.front, "id", None)
        unnumbered = "/".join(POSITION.sub("", part) for part in self.identity.split("/"))
        return explicit or uuid.uuid5(NAMESPACE, f"{course_slug}/{unnumbered}")


@dataclass
class LanguageSource:
    language: str
    pages: list[PageSource]
    glossary: list[GlossaryEntry]


@dataclass
class CourseSource:
    slug: str  # the folder name: the course's identity in the sources
    root: Path
    languages: dict[str, LanguageSource]


def _line_of(text: str, loc: tuple, base_line: int) -> int:
    """The line of the YAML node at `loc` (a pydantic error location), for error messages."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return base_line
    line = node.start_mark.line if node is not None else 0
    for part in loc:
        if node is None:
            break
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == part), None)
            if match is None:
                break
            node, line = match, match.start_mark.line
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
            line = node.start_mark.line
        else:
            break
    return base_line + line


def _validate(
    model: type[BaseModel], text: str, path: Path, line: int, errors: list
) -> BaseModel | None:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        errors.append(SourceError(path, line + (mark.line if mark else 0), f"invalid YAML: {exc}"))
        return None
    if not isinstance(data, dict):
        errors.append(SourceError(path, line, "expected a mapping of fields"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "block"
            errors.append(
                SourceError(path, _line_of(text, error["loc"], line), f"{where}: {error['msg']}")
            )
        return None


def _split_front_matter(text: str, path: Path, errors: list) -> tuple[str, str, int] | None:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        errors.append(SourceError(path, 1, "missing front matter: the file must start with ---"))
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    errors.append(SourceError(path, 1, "front matter is not closed by a --- line"))
    return None


def _split_blocks(body: str, first_line: int, path: Path, errors: list) -> list[Block]:
    """Prose becomes text blocks; fenced blocks are validated against their schema."""
    blocks: list[Block] = []
    prose: list[str] = []
    prose_line = first_line
    lines = body.split("\n")
    index = 0

    def flush():
        text = "\n".join(prose).strip()
        if text:
            blocks.append(Block("text", text, prose_line))
        prose.clear()

    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            if not prose:
                prose_line = first_line + index
            prose.append(lines[index])
            index += 1
            continue
        start = index
        end = next((j for j in range(index + 1, len(lines)) if lines[j].strip() == "```"), None)
        if end is None:
            errors.append(SourceError(path, first_line + start, "code fence is not closed"))
            return blocks
        info = (match.group(1) or "").lower()
        content = "\n".join(lines[start + 1 : end])
        line = first_line + start
        if info in BLOCK_SCHEMAS:
            flush()
            model = _validate(BLOCK_SCHEMAS[info], content, path, line + 1, errors)
            if model is not None:
                blocks.append(Block(info, model, line))
        elif info == "" or info in CODE_LANGUAGES:
            flush()
            blocks.append(Block("code", {"language": info, "code": content}, line))
        else:
            errors.append(SourceError(path, line, f"unknown block type {info!r}"))
        index = end + 1
    flush()
    return blocks


def read_page(path: Path, identity: str, kind: str, errors: list) -> PageSource | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        errors.append(SourceError(path, 1, "not UTF-8 text"))
        return None
    parts = _split_front_matter(text, path, errors)
    if parts is None:
        return None
    front_text, body, body_line = parts
    model = {
        "course": CourseFront,
        "module": ModuleFront,
        "lesson": LessonFront,
        "assessment": AssessmentFront,
    }[kind]
    front = _validate(model, front_text, path, 2, errors)
    if front is None:
        return None
    page = PageSource(kind, identity, path, front)
    if kind in ("course", "module"):
        page.intro = body.strip()
        return page
    page.blocks = _split_blocks(body, body_line, path, errors)
    if kind == "assessment":
        page.assessment_kind = ASSESSMENTS[path.name]
        page.intro = "\n\n".join(b.data for b in page.blocks if b.type == "text")
        stray = [b for b in page.blocks if b.type not in ("text", "check")]
        for block in stray:
            errors.append(SourceError(path, block.line, "an assessment holds only check blocks"))
        page.blocks = [b for b in page.blocks if b.type == "check"]
    return page


def read_language(folder: Path, errors: list) -> LanguageSource:
    pages: list[PageSource] = []
    course = folder / "course.md"
    if not course.exists():
        errors.append(SourceError(course, 1, "missing course.md"))
    else:
        page = read_page(course, "course.md", "course", errors)
        if page:
            pages.append(page)
    for name, _kind in ASSESSMENTS.items():
        if (folder / name).exists():
            page = read_page(folder / name, name, "assessment", errors)
            if page:
                pages.append(page)
    for module_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        if not MODULE_DIR.match(module_dir.name):
            errors.append(SourceError(module_dir, 1, "module folders are named NN-slug"))
            continue
        module_file = module_dir / "module.md"
        if not module_file.exists():
            errors.append(SourceError(module_file, 1, "missing module.md"))
            continue
        page = read_page(module_file, f"{module_dir.name}/module.md", "module", errors)
        if page:
            pages.append(page)
        for lesson in sorted(module_dir.glob("*.md")):
            if lesson.name == "module.md":
                continue
            if not LESSON_FILE.match(lesson.name):
                errors.append(SourceError(lesson, 1, "lesson files are named NN-slug.md"))
                continue
            page = read_page(lesson, f"{module_dir.name}/{lesson.name}", "lesson", errors)
            if page:
                pages.append(page)
    glossary: list[GlossaryEntry] = []
    glossary_file = folder / "glossary.yaml"
    if glossary_file.exists():
        try:
            entries = yaml.safe_load(glossary_file.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as exc:
            errors.append(SourceError(glossary_file, 1, f"invalid YAML: {exc}"))
            entries = []
        if not isinstance(entries, list):
            errors.append(SourceError(glossary_file, 1, "expected a list of terms"))
            entries = []
        for position, entry in enumerate(entries):
            try:
                glossary.append(GlossaryEntry.model_validate(entry))
            except ValidationError as exc:
                for error in exc.errors():
                    errors.append(
                        SourceError(glossary_file, 1, f"entry {position + 1}: {error['msg']}")
                    )
    return LanguageSource(folder.name, pages, glossary)


def read_course(root: Path) -> CourseSource:
    """Read and check one course folder; raise ContentInvalid listing every problem found."""
    errors: list[SourceError] = []
    languages = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name not in LANGUAGE_CODES:
            if folder.name not in {"images", "videos", "documents"}:
                errors.append(SourceError(folder, 1, f"unknown language folder {folder.name!r}"))
            continue
        languages[folder.name] = read_language(folder, errors)
    if DEFAULT_LANGUAGE not in languages:
        errors.append(SourceError(root / DEFAULT_LANGUAGE, 1, "the English source is missing"))
    course = CourseSource(root.name, root, languages)
    if not errors:
        from apps.courses.content.rules import course_rules_check

        course_rules_check(course, errors)
    if errors:
        raise ContentInvalid(errors)
    return course


def read_all(content_root: Path) -> tuple[list[CourseSource], list[SourceError]]:
    courses, errors = [], []
    for folder in sorted(p for p in content_root.iterdir() if p.is_dir()):
        try:
            courses.append(read_course(folder))
        except ContentInvalid as exc:
            errors.extend(exc.errors)
    return courses, errors
