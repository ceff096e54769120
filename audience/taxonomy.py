"""The interest taxonomy: what authors post about, in two levels (category, subcategory).

It is data, not code: a JSON file (the packaged default is ``audience/data/interests.json``;
``SENSING_INTEREST_TAXONOMY`` points a deployment at its own). Every category and every
subcategory has an ``id`` (lower case, digits and ``_``), a display name and a description in
each of the file's ``languages``. The descriptions are what the interest classifier
(:mod:`audience.interests`) compares an author's texts with, so they list the concrete words
people write about the topic ("squat, deadlift, leg day") rather than a definition::

    {"version": "1", "languages": ["en", "ko", ...],
     "categories": [{"id": "travel", "names": {"en": "Travel", ...},
                     "descriptions": {"en": "Travel: trips abroad, ...", ...},
                     "subcategories": [{"id": "flights", "names": {...},
                                        "descriptions": {...}}, ...]}, ...]}

A file that breaks these rules is refused as a whole with one :class:`TaxonomyError` naming
the file and each bad entry (``categories[2] 'travel': subcategories[1] 'flights':
descriptions lacks 'ko'``): a half-read taxonomy would silently classify against the wrong
categories. Unknown keys are refused too, so a misspelt ``"descripton"`` is an error and not a
category without a description.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_TAXONOMY = Path(__file__).resolve().parent / "data" / "interests.json"
ID = re.compile(r"[a-z][a-z0-9_]{0,63}")
TOP_KEYS = {"version", "description", "languages", "categories"}
NODE_KEYS = {"id", "names", "descriptions"}
MAX_PROBLEMS = 10
"""At most this many problems are listed in one error (the first ones, in file order)."""


class TaxonomyError(ValueError):
    """A taxonomy file that cannot be used, with every problem found in it."""


@dataclass(frozen=True, eq=False)
class Node:
    """A category or a subcategory: its id, and a name and a description per language."""

    id: str
    names: Mapping[str, str]
    descriptions: Mapping[str, str]

    def name(self, lang: str = "en") -> str:
        """The display name in ``lang``, else in English, else the id."""
        return self.names.get(lang) or self.names.get("en") or self.id


@dataclass(frozen=True, eq=False)
class Category(Node):
    subcategories: tuple[Node, ...] = ()

    def subcategory(self, sub_id: str) -> Node:
        for sub in self.subcategories:
            if sub.id == sub_id:
                return sub
        raise KeyError(f"category {self.id!r} has no subcategory {sub_id!r}")


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """A loaded, valid taxonomy. Two taxonomies are equal when their files' contents are
    (``digest``), whichever path they were read from."""

    version: str
    languages: tuple[str, ...]
    categories: tuple[Category, ...]
    source: str
    digest: str
    """sha256 of the file's bytes: what a calibration and ``interest_model`` are tied to."""

    def __hash__(self) -> int:
        return hash(self.digest)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Taxonomy) and other.digest == self.digest

    @property
    def category_ids(self) -> list[str]:
        return [category.id for category in self.categories]

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(f"no category {category_id!r} in the taxonomy {self.source}")

    def names(self, lang: str = "en") -> dict[str, str]:
        """Display names by ``category`` and ``category/subcategory``, as the audience
        table (:func:`audience.profile.audience_profile`) takes them."""
        found: dict[str, str] = {}
        for category in self.categories:
            found[category.id] = category.name(lang)
            for sub in category.subcategories:
                found[f"{category.id}/{sub.id}"] = sub.name(lang)
        return found

    def __iter__(self) -> Iterator[Category]:
        return iter(self.categories)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """The taxonomy in ``path`` (default: the packaged one), read and validated; cached per
    file and modification time, so an edited file is read again."""
    where = Path(path).expanduser() if path is not None else DEFAULT_TAXONOMY
    try:
        stamp = where.stat().st_mtime_ns
    except OSError as exc:
        raise TaxonomyError(f"interest taxonomy {where}: cannot be read ({exc.strerror or exc})"
                            ) from None
    return _load(str(where), stamp)


@lru_cache(maxsize=16)
def _load(path: str, stamp: int) -> Taxonomy:
    raw = _read(Path(path))
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise TaxonomyError(f"interest taxonomy {path}: not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise TaxonomyError(f"interest taxonomy {path}: not valid JSON (line {exc.lineno}, "
                            f"column {exc.colno}: {exc.msg})") from None
    return parse_taxonomy(document, source=path, digest=hashlib.sha256(raw).hexdigest())


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TaxonomyError(f"interest taxonomy {path}: cannot be read "
                            f"({exc.strerror or exc})") from None


def parse_taxonomy(document: Any, *, source: str = "<taxonomy>", digest: str | None = None
                   ) -> Taxonomy:
    """A taxonomy from its parsed JSON; every rule of the module's docstring is checked and
    all problems are reported together, by where they are in the file."""
    problems: list[str] = []
    if digest is None:
        digest = hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False)
                                .encode()).hexdigest()
    if not isinstance(document, dict):
        _refuse(source, [f"the file holds a JSON {_kind(document)}, not an object with "
                         f"version, languages and categories"])
    problems += _unknown_keys(document, TOP_KEYS, "the top level")
    version = document.get("version")
    if not isinstance(version, str | int) or isinstance(version, bool) or not str(version):
        problems.append(f"version must be a non-empty string, not {_shown(version)}")
    languages = document.get("languages")
    if (not isinstance(languages, list) or not languages
            or not all(isinstance(lang, str) and lang.strip() for lang in languages)):
        problems.append(f"languages must be a non-empty list of language codes, not "
                        f"{_shown(languages)}")
        languages = []
    elif len(set(languages)) != len(languages):
        problems.append(f"languages lists {_repeated(languages)} twice")
    entries = document.get("categories")
    categories: list[Category] = []
    if not isinstance(entries, list) or not entries:
        problems.append(f"categories must be a non-empty list, not {_shown(entries)}")
        entries = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = _where("categories", index, entry)
        node = _node(entry, where, languages, seen, problems)
        subs: list[Node] = []
        if isinstance(entry, dict):
            problems += _unknown_keys(entry, NODE_KEYS | {"subcategories"}, where)
            listed = entry.get("subcategories")
            if not isinstance(listed, list) or not listed:
                problems.append(f"{where}: subcategories must be a non-empty list, not "
                                f"{_shown(listed)}")
                listed = []
            sub_seen: set[str] = set()
            for sub_index, sub_entry in enumerate(listed):
                sub_where = f"{where}: {_where('subcategories', sub_index, sub_entry)}"
                sub = _node(sub_entry, sub_where, languages, sub_seen, problems)
                if isinstance(sub_entry, dict):
                    problems += _unknown_keys(sub_entry, NODE_KEYS, sub_where)
                if sub is not None:
                    subs.append(sub)
        if node is not None:
            categories.append(Category(node.id, node.names, node.descriptions, tuple(subs)))
    if problems:
        _refuse(source, problems)
    return Taxonomy(version=str(version), languages=tuple(languages),
                    categories=tuple(categories), source=source, digest=digest)


def _node(entry: Any, where: str, languages: list[str], seen: set[str],
          problems: list[str]) -> Node | None:
    """One category or subcategory entry, or None (with its problems recorded)."""
    if not isinstance(entry, dict):
        problems.append(f"{where}: must be an object with id, names and descriptions, not "
                        f"{_shown(entry)}")
        return None
    node_id = entry.get("id")
    ok = True
    if not isinstance(node_id, str) or not ID.fullmatch(node_id):
        problems.append(f"{where}: id must be lower case letters, digits and '_' (starting "
                        f"with a letter), not {_shown(node_id)}")
        ok = False
    elif node_id in seen:
        problems.append(f"{where}: duplicate id {node_id!r}")
        ok = False
    else:
        seen.add(node_id)
    texts = {}
    for field in ("names", "descriptions"):
        value = entry.get(field)
        if not isinstance(value, dict):
            problems.append(f"{where}: {field} must be an object of text by language, not "
                            f"{_shown(value)}")
            ok = False
            continue
        missing = [lang for lang in languages
                   if not isinstance(value.get(lang), str) or not value[lang].strip()]
        if missing:
            problems.append(f"{where}: {field} lacks {', '.join(map(repr, missing))} (every "
                            f"language of the file needs a non-empty text)")
            ok = False
        unknown = sorted(set(value) - set(languages))
        if unknown and languages:
            problems.append(f"{where}: {field} has {', '.join(map(repr, unknown))}, not in "
                            f"the file's languages")
            ok = False
        texts[field] = {lang: value[lang].strip() for lang in languages
                        if isinstance(value.get(lang), str)}
    if not ok:
        return None
    return Node(node_id, texts["names"], texts["descriptions"])


def _refuse(source: str, problems: list[str]) -> None:
    shown = problems[:MAX_PROBLEMS]
    more = len(problems) - len(shown)
    listing = "\n  ".join(shown) + (f"\n  ... and {more} more" if more > 0 else "")
    raise TaxonomyError(f"interest taxonomy {source} is not valid:\n  {listing}")


def _where(field: str, index: int, entry: Any) -> str:
    named = entry.get("id") if isinstance(entry, dict) else None
    return f"{field}[{index}]" + (f" {named!r}" if isinstance(named, str) else "")


def _unknown_keys(entry: dict[str, Any], allowed: set[str], where: str) -> list[str]:
    unknown = sorted(set(entry) - allowed)
    return [f"{where}: unknown key {', '.join(map(repr, unknown))} (allowed: "
            f"{', '.join(sorted(allowed))})"] if unknown else []


def _repeated(values: list[str]) -> str:
    return ", ".join(repr(v) for v in dict.fromkeys(v for v in values if values.count(v) > 1))


def _kind(value: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", int: "number",
            float: "number", type(None): "null"}.get(type(value), type(value).__name__)


def _shown(value: Any) -> str:
    """A value as the error shows it: its JSON kind, and a short form of it."""
    if value is None:
        return "missing"
    text = json.dumps(value, ensure_ascii=False)
    return f"{_kind(value)} {text if len(text) <= 40 else text[:37] + '...'}"
