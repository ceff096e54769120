"""The campaign query language: parsed once, compiled for every place a query runs.

    nova lumina                both words (implicit AND)
    "nova lumina"              a phrase
    lumin*                     a trailing wildcard on one word
    camera NEAR/5 battery      at most 5 words between them, either order (NEAR = NEAR/10)
    a AND (b OR c) NOT d       AND, OR, NOT in capitals; lowercase and/or/not are words

Precedence: NOT > NEAR > AND > OR. Words are tokenised by :mod:`sensing.textsearch`, so a
Korean word is a phrase of bigrams and matches inside unsegmented text.

The tree compiles to an Elasticsearch query (:func:`to_es`), an SQLite FTS5 expression
(:func:`to_fts`) and a local matcher (:func:`matches`); the store contract tests hold them to
the same answers. NOT must sit beside a positive term in an AND (``a NOT b``): a query that
can match everything (``NOT b``, ``a OR NOT b``) is refused, because FTS5 cannot run it and
a campaign that collects everything is never what a marketer meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sensing.textsearch import search_tokens

MAX_QUERY_CHARS = 2000
MAX_DEPTH = 32
MAX_TERMS = 200
MAX_NEAR = 100
DEFAULT_NEAR = 10


class QuerySyntaxError(ValueError):
    """A malformed query, with the 0-based character position of the problem."""

    def __init__(self, message: str, query: str, position: int):
        super().__init__(message)
        self.message = message
        self.query = query
        self.position = max(0, min(position, len(query)))

    def __str__(self) -> str:
        return (f"{self.message} (at character {self.position + 1})\n  {self.query}\n"
                f"  {' ' * self.position}^")


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False
    source: str = field(default="", compare=False)  # as the user wrote it


@dataclass(frozen=True)
class Phrase:
    tokens: tuple[str, ...]
    source: str = field(default="", compare=False)


@dataclass(frozen=True)
class Near:
    left: Term | Phrase
    right: Term | Phrase
    distance: int


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Term | Phrase | Near | And | Or | Not

_LEXEME = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<quote>")|(?P<word>[^\s()"]+))')
_NEAR = re.compile(r"NEAR(?:/(?P<n>.*))?$")


@dataclass
class _Lexeme:
    kind: str  # "(", ")", "phrase", "word", "AND", "OR", "NOT", "NEAR"
    text: str
    pos: int
    near: int = 0


class _Parser:
    def __init__(self, query: str):
        self.query = query
        self.lexemes = self._lex(query)
        self.i = 0
        self.terms = 0
        self.depth = 0

    def error(self, message: str, pos: int) -> QuerySyntaxError:
        return QuerySyntaxError(message, self.query, pos)

    def _lex(self, query: str) -> list[_Lexeme]:
        out: list[_Lexeme] = []
        pos = 0
        while pos < len(query):
            match = _LEXEME.match(query, pos)
            if match is None:  # only trailing whitespace is left
                break
            start = match.start(match.lastgroup)
            if match.lastgroup == "quote":
                end = query.find('"', start + 1)
                if end < 0:
                    raise self.error("unterminated quote", start)
                out.append(_Lexeme("phrase", query[start + 1:end], start))
                pos = end + 1
                continue
            text = match.group(match.lastgroup)
            pos = match.end()
            if match.lastgroup in ("lp", "rp"):
                out.append(_Lexeme(text, text, start))
            elif text in ("AND", "OR", "NOT"):
                out.append(_Lexeme(text, text, start))
            elif near := _NEAR.match(text):
                out.append(_Lexeme("NEAR", text, start, self._near_distance(near.group("n"),
                                                                             start)))
            else:
                out.append(_Lexeme("word", text, start))
        return out

    def _near_distance(self, raw: str | None, pos: int) -> int:
        if raw is None:
            return DEFAULT_NEAR
        if not raw.isdigit() or not 0 <= int(raw) <= MAX_NEAR:
            raise self.error(f"NEAR/n needs a whole number n from 0 to {MAX_NEAR}", pos + 5)
        return int(raw)

    def peek(self) -> _Lexeme | None:
        return self.lexemes[self.i] if self.i < len(self.lexemes) else None

    def take(self) -> _Lexeme:
        lexeme = self.lexemes[self.i]
        self.i += 1
        return lexeme

    def parse(self) -> Node:
        if not self.lexemes:
            raise self.error("empty query", 0)
        node, pos = self.or_expr()
        extra = self.peek()
        if extra is not None:
            raise self.error("unbalanced ')'" if extra.kind == ")" else
                             f"unexpected {extra.text!r}", extra.pos)
        if isinstance(node, Not):
            raise self.error("NOT needs a positive term beside it, e.g. 'nova NOT supernova'",
                             pos)
        return node

    def or_expr(self) -> tuple[Node, int]:
        node, pos = self.and_expr()
        children = [(node, pos)]
        while (lexeme := self.peek()) is not None and lexeme.kind == "OR":
            self.take()
            children.append(self.and_expr())
        if len(children) == 1:
            return node, pos
        for child, child_pos in children:
            if isinstance(child, Not):
                raise self.error("NOT cannot be an alternative of OR (it would match almost "
                                 "everything); put it beside a term: 'a NOT b'", child_pos)
        return Or(tuple(c for c, _ in children)), pos

    def and_expr(self) -> tuple[Node, int]:
        node, pos = self.not_expr()
        children = [node]
        while (lexeme := self.peek()) is not None and lexeme.kind not in ("OR", ")"):
            if lexeme.kind == "AND":
                self.take()
            children.append(self.not_expr()[0])
        if len(children) == 1:
            return node, pos
        if all(isinstance(c, Not) for c in children):
            raise self.error("NOT needs a positive term beside it, e.g. 'nova NOT supernova'",
                             pos)
        return And(tuple(children)), pos

    def not_expr(self) -> tuple[Node, int]:
        lexeme = self.peek()
        if lexeme is not None and lexeme.kind == "NOT":
            self.take()
            child, pos = self.not_expr()
            if isinstance(child, Not):
                raise self.error("NOT NOT cancels out; remove both", lexeme.pos)
            return Not(child), lexeme.pos
        return self.near_expr()

    def near_expr(self) -> tuple[Node, int]:
        node, pos = self.primary()
        lexeme = self.peek()
        if lexeme is None or lexeme.kind != "NEAR":
            return node, pos
        self.take()
        right, right_pos = self.primary()
        for side, side_pos in ((node, pos), (right, right_pos)):
            if not isinstance(side, Term | Phrase):
                raise self.error("NEAR joins two words or phrases", side_pos)
        if (following := self.peek()) is not None and following.kind == "NEAR":
            raise self.error("NEAR joins two words or phrases; group longer chains with AND",
                             following.pos)
        return Near(node, right, lexeme.near), pos

    def primary(self) -> tuple[Node, int]:
        lexeme = self.peek()
        if lexeme is None:
            last = self.lexemes[-1]
            raise self.error(f"the query ends after {last.text!r}; a word or phrase is missing",
                             len(self.query))
        if lexeme.kind == "(":
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error(f"parentheses nested deeper than {MAX_DEPTH}", lexeme.pos)
            node, _ = self.or_expr()
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise self.error("unbalanced '(': no matching ')'", lexeme.pos)
            self.take()
            self.depth -= 1
            return node, lexeme.pos
        if lexeme.kind in ("word", "phrase"):
            self.take()
            return self.leaf(lexeme), lexeme.pos
        raise self.error(f"expected a word, phrase or '(' but found {lexeme.text!r}", lexeme.pos)

    def leaf(self, lexeme: _Lexeme) -> Term | Phrase:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise self.error(f"more than {MAX_TERMS} terms", lexeme.pos)
        text = lexeme.text
        prefix = lexeme.kind == "word" and text.endswith("*")
        if prefix:
            text = text[:-1]
        if "*" in text:
            raise self.error("'*' is only allowed at the end of a word", lexeme.pos +
                             text.index("*") + (lexeme.kind == "phrase"))
        tokens = search_tokens(text)
        if not tokens:
            what = "wildcard needs letters before '*'" if prefix else \
                "no letters or digits to search for"
            raise self.error(what, lexeme.pos)
        if prefix:
            if len(tokens) > 1:
                raise self.error("a wildcard applies to one word; this is several",
                                 lexeme.pos)
            return Term(tokens[0], prefix=True, source=lexeme.text)
        if len(tokens) == 1:
            return Term(tokens[0], source=text)
        return Phrase(tuple(tokens), source=text)


def parse_query(query: str) -> Node:
    """The query's tree, or :class:`QuerySyntaxError` saying what is wrong and where."""
    if len(query) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"query longer than {MAX_QUERY_CHARS} characters", query,
                               MAX_QUERY_CHARS)
    return _Parser(query).parse()


def positive_words(query: str) -> list[str]:
    """The words and phrases a post must or may contain, as written (not under NOT, no
    wildcards): what a platform without boolean search is asked for, e.g. as hashtags."""
    found: list[str] = []

    def walk(node: Node) -> None:
        if isinstance(node, Term | Phrase):
            if not (isinstance(node, Term) and node.prefix):
                found.append(node.source)
        elif isinstance(node, Near):
            walk(node.left)
            walk(node.right)
        elif isinstance(node, And | Or):
            for child in node.children:
                walk(child)

    walk(parse_query(query))
    return list(dict.fromkeys(found))


# --- the local matcher --------------------------------------------------------------------

def _spans(node: Term | Phrase, tokens: list[str]) -> list[tuple[int, int]]:
    """(first, last) token positions of every occurrence."""
    if isinstance(node, Term):
        hit = (lambda t: t.startswith(node.text)) if node.prefix else node.text.__eq__
        return [(i, i) for i, token in enumerate(tokens) if hit(token)]
    width = len(node.tokens)
    return [(i, i + width - 1) for i in range(len(tokens) - width + 1)
            if tuple(tokens[i:i + width]) == node.tokens]


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int | None:
    """Tokens strictly between two non-overlapping spans; None when they overlap."""
    if a[1] < b[0]:
        return b[0] - a[1] - 1
    if b[1] < a[0]:
        return a[0] - b[1] - 1
    return None


def _match(node: Node, tokens: list[str]) -> bool:
    if isinstance(node, Term | Phrase):
        return bool(_spans(node, tokens))
    if isinstance(node, Near):
        rights = _spans(node.right, tokens)
        return any((gap := _gap(a, b)) is not None and gap <= node.distance
                   for a in _spans(node.left, tokens) for b in rights)
    if isinstance(node, And):
        return all(_match(c, tokens) for c in node.children)
    if isinstance(node, Or):
        return any(_match(c, tokens) for c in node.children)
    return not _match(node.child, tokens)


def matches(node: Node, text: str) -> bool:
    """Does ``text`` satisfy the query? Used where no index exists (crawl-time filtering)."""
    return _match(node, search_tokens(text))


# --- compilers ------------------------------------------------------------------------------

def to_fts(node: Node) -> str:
    """An SQLite FTS5 MATCH expression over a column holding ``search_text``."""
    if isinstance(node, Term):
        return f'"{node.text}"' + (" *" if node.prefix else "")
    if isinstance(node, Phrase):
        return '"' + " ".join(node.tokens) + '"'
    if isinstance(node, Near):
        return f"NEAR({to_fts(node.left)} {to_fts(node.right)}, {node.distance})"
    if isinstance(node, Or):
        return "(" + " OR ".join(to_fts(c) for c in node.children) + ")"
    if isinstance(node, And):
        positive = [to_fts(c) for c in node.children if not isinstance(c, Not)]
        negative = [to_fts(c.child) for c in node.children if isinstance(c, Not)]
        return "(" + " AND ".join(positive) + ")" + "".join(f" NOT ({n})" for n in negative)
    raise ValueError("a lone NOT cannot be compiled; parse_query refuses it")


def _interval(node: Term | Phrase) -> dict:
    if isinstance(node, Term):
        return {"prefix": {"prefix": node.text}} if node.prefix else \
            {"match": {"query": node.text}}
    return {"match": {"query": " ".join(node.tokens), "ordered": True, "max_gaps": 0}}


def to_es(node: Node, field: str = "search_text") -> dict:
    """An Elasticsearch query on ``field`` (analysed with the ``whitespace`` analyzer)."""
    if isinstance(node, Term):
        return {"prefix" if node.prefix else "term": {field: node.text}}
    if isinstance(node, Phrase):
        return {"match_phrase": {field: " ".join(node.tokens)}}
    if isinstance(node, Near):
        return {"intervals": {field: {"all_of": {
            "intervals": [_interval(node.left), _interval(node.right)],
            "max_gaps": node.distance, "ordered": False}}}}
    if isinstance(node, Or):
        return {"bool": {"should": [to_es(c, field) for c in node.children],
                         "minimum_should_match": 1}}
    if isinstance(node, And):
        return {"bool": {
            "must": [to_es(c, field) for c in node.children if not isinstance(c, Not)],
            "must_not": [to_es(c.child, field) for c in node.children if isinstance(c, Not)]}}
    raise ValueError("a lone NOT cannot be compiled; parse_query refuses it")


def describe(node: Node) -> str:
    """The canonical text of a tree (what the service understood), for logs and the API."""
    if isinstance(node, Term):
        return node.text + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return '"' + " ".join(node.tokens) + '"'
    if isinstance(node, Near):
        return f"{describe(node.left)} NEAR/{node.distance} {describe(node.right)}"
    if isinstance(node, Not):
        return f"NOT {describe(node.child)}"
    joiner = " OR " if isinstance(node, Or) else " AND "
    return "(" + joiner.join(describe(c) for c in node.children) + ")"
