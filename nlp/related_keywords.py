"""Related-keyword discovery ("collect related keywords"): the terms a campaign's relevant
posts use far more than other posts do, suggested to the marketer for query expansion.

Terms of a post are its hashtags, its keywords (the ``entities`` step's), and, for a post
that step has not reached, the word unigrams and bigrams of its text (:func:`text_terms`).
Each term counts once per post, so one post repeating a word (or stuffing a tag) is one
vote.

**Foreground**: the campaign's posts its reports count (:func:`in_reports`: relevance at or
above the campaign's threshold, not a duplicate, not spam). **Background**: the campaign's
other posts (the query word in another sense, spam) and other campaigns' posts; duplicates
count nowhere, a copy being no new evidence. When the background holds fewer than
``min_background_posts`` posts, it is topped up to that many with posts' worth of terms
drawn from general English (:mod:`nlp.english_words`), so that ordinary words ("phone",
"today") do not look special just because there is nothing to compare with.

**Score**: the log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi & Quinn
(2008, "Fightin' Words", Political Analysis 16(4)). For a term w with counts
y_f, y_b in corpora of n_f, n_b terms and prior counts a_w = a0 * (y_f + y_b) / (n_f + n_b)::

    d_w = log((y_f + a_w) / (n_f + a0 - y_f - a_w)) - log((y_b + a_w) / (n_b + a0 - y_b - a_w))
    z_w = d_w / sqrt(1 / (y_f + a_w) + 1 / (y_b + a_w))

The prior shrinks the estimate of a rare term toward its pooled frequency, and dividing by
the standard error makes z comparable across frequent and rare terms: unlike a plain
frequency ratio (which ranks one-off words first) or a raw difference (which ranks "the"
first). Terms seen in fewer than ``min_count`` relevant posts and terms the campaign query
already finds are left out.

**Aspect suggestions** (issue 4: the campaign's product aspects are "extendable by the
discovered keywords"). A term extends aspect *a* when the relevant posts use it inside the
clauses the ``aspects`` step tied to *a* (each ``post.aspects[].evidence``): clause-level
co-occurrence, counted once per post and aspect. "bokeh" sitting in "the camera's bokeh is
dreamy" again and again is a camera word, even in a post that never says "camera". The
term's *leading* aspect (most such posts) is suggested when all three hold:

* at least :data:`MIN_ASPECT_POSTS` posts (fewer is an anecdote);
* a share of at least :data:`MIN_ASPECT_SHARE` of the term's aspect-clause occurrences (it
  clearly belongs to one aspect: "amazing" or "the phone" turn up in every aspect's clauses);
* a coverage of at least :data:`MIN_ASPECT_COVERAGE` of the relevant posts using the term (a
  word of the whole conversation, such as the product's name, lands in some camera clauses
  by sheer frequency);

and the aspect lexicon does not already name the term (:func:`known_aspects`): adding it
would change nothing.
"""

from __future__ import annotations

import importlib.util
import math
import re
import runpy
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from analysis.campaign import CampaignAnalysis, CampaignPosts
from analysis.registry import register
from nlp import english_words
from nlp.aspects import Lexicon
from nlp.steps.spam import SpamOptions
from sensing.query import Node, QuerySyntaxError, matches, parse_query, positive_words
from sensing.schemas import Campaign, Post
from sensing.store import PostFilter
from sensing.text import HASHTAG, MENTION, URL
from sensing.textsearch import normalise, search_text, search_tokens

Kind = Literal["hashtag", "keyword"]
Term = tuple[Kind, str]

SPAM_FROM = SpamOptions().threshold
"""The spam score from which a post is spam: the spam step's own default."""
SIGNIFICANT_Z = 1.96
"""z from which a term is suggested for the query (two-sided 5% under the normal)."""
MIN_BACKGROUND_POSTS = 50
"""Fewer observed background posts than this are topped up with general English: below it,
a term's background rate is mostly noise."""
MAX_SUGGESTED = 5
"""Terms added to the suggested query at most: a marketer reviews an expansion, and every
OR widens the crawl."""
MIN_ASPECT_POSTS = 3
"""Relevant posts in which a term must sit inside an aspect's evidence clause before it is
suggested for that aspect."""
MIN_ASPECT_SHARE = 2 / 3
"""The leading aspect's share of a term's aspect-clause occurrences from which it is
suggested: twice as many as every other aspect's together."""
MIN_ASPECT_COVERAGE = 0.2
"""The share of the relevant posts using a term in which it sits in the leading aspect's
clause, from which it is suggested: one in five."""

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Scripts written without spaces: their words are not in the spelling; only Katakana runs
# (loanwords, product names) and short Han runs are taken as terms.
UNSPACED = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff]")
UNSPACED_TERM = re.compile(r"[\u30a0-\u30ff\u31f0-\u31ff]{2,}|[\u3400-\u4dbf\u4e00-\u9fff]{2,6}")
HANGUL = re.compile(r"[\uac00-\ud7af]")
LANG_CODE = re.compile(r"[a-z]{2,3}")


def in_reports(post: Post, campaign: Campaign) -> bool:
    """A post the campaign's reports count: about the product (relevance at or above the
    campaign's threshold), an original (not a duplicate), and not spam (a spam score below
    :data:`SPAM_FROM`). :func:`reports_filter` is the same rule for the store: change both."""
    return (campaign.id in post.campaign_ids and post.duplicate_of is None
            and post.relevance >= campaign.relevance_threshold and post.spam_score < SPAM_FROM)


def reports_filter(campaign: Campaign, since: datetime | None = None,
                   until: datetime | None = None) -> PostFilter:
    """:func:`in_reports` as a store filter, of the posts created in [``since``, ``until``):
    what every count, ranking and example of a report is read with. Copies would count one
    voice many times, posts below the relevance threshold use the query word in another sense
    (a "lumina" lamp), and spam (a giveaway, a coupon) would be the loudest voice of all."""
    return PostFilter(campaign_id=campaign.id, since=since, until=until, include_duplicates=False,
                      min_relevance=campaign.relevance_threshold, spam_below=SPAM_FROM)


@cache
def _stop_words(lang: str) -> frozenset[str]:
    """The stop words of a post in ``lang``: its language's and English's, which posts in
    every language mix in. Built once per language: the union costs half of what reading a
    post's terms does."""
    return _spacy_stop_list(lang) | _spacy_stop_list("en")


@cache
def _spacy_stop_list(lang: str) -> frozenset[str]:
    """spaCy's stop list for ``lang``, or none. The lists are plain data files; they are
    read without importing spaCy, which costs seconds of CPU a request should not pay."""
    spacy = importlib.util.find_spec("spacy")
    if not LANG_CODE.fullmatch(lang) or spacy is None or spacy.origin is None:
        return frozenset()
    path = Path(spacy.origin).parent / "lang" / lang / "stop_words.py"
    return frozenset(runpy.run_path(str(path))["STOP_WORDS"]) if path.is_file() else frozenset()


def _wordlike(token: str) -> bool:
    """Three letters or more, or two in Hangul (카메라 and 배터리 are nouns, 폰 is not
    taken), or a model number (x2, 5g); never digits alone."""
    if token.isdigit():
        return False
    if len(token) >= 3:
        return True
    return len(token) == 2 and (bool(HANGUL.search(token)) or
                                (any(c.isdigit() for c in token) and
                                 any(c.isalpha() for c in token)))


def text_terms(text: str, lang: str = "und") -> list[str]:
    """Word unigrams and bigrams of ``text`` (casefolded, NFKC), without links, mentions,
    hashtags (counted as hashtags), stop words (the post's language's and English) or
    digits; a bigram joins two such words that follow each other. Japanese and Chinese give
    Katakana and short Han runs, without bigrams."""
    stop = _stop_words(lang)
    body = HASHTAG.sub(" ", MENTION.sub(" ", URL.sub(" ", text)))
    terms: list[str] = []
    previous: str | None = None
    for token in WORD.findall(normalise(body)):
        if UNSPACED.search(token):
            terms += UNSPACED_TERM.findall(token)
            previous = None
        elif token in stop or not _wordlike(token):
            previous = None
        else:
            terms.append(token)
            if previous is not None:
                terms.append(f"{previous} {token}")
            previous = token
    return terms


def post_terms(post: Post) -> set[Term]:
    """The distinct terms of a post: hashtags, and keywords or (without them) text n-grams."""
    keywords = [k.casefold() for k in post.keywords] or text_terms(post.text or post.raw_text,
                                                                   post.lang)
    return ({("hashtag", tag) for tag in post.hashtags if tag}
            | {("keyword", word) for word in keywords if word})


@dataclass
class TermCounts:
    """Per term, the number of posts using it; and the posts counted."""

    posts: int = 0
    terms: Counter[Term] = field(default_factory=Counter)

    def add(self, post: Post) -> set[Term]:
        """Count ``post``; returns its terms."""
        terms = post_terms(post)
        self.posts += 1
        self.terms.update(terms)
        return terms

    @property
    def total(self) -> int:
        return sum(self.terms.values())


class AspectEvidence(BaseModel):
    """How often a term sits inside one aspect's evidence clauses."""

    aspect: str
    posts: int = Field(description="Relevant posts using the term inside the evidence clause "
                       "of this aspect.")
    share: float = Field(description="posts / the term's posts in any aspect's evidence "
                         "clause (a post counting once per aspect), rounded to 3 places.")


@dataclass
class AspectCooccurrence:
    """Per (term, aspect), the relevant posts using the term inside the aspect's evidence
    clause; only the aspects of the campaign's lexicon count."""

    aspects: frozenset[str]
    posts: dict[Term, Counter[str]] = field(default_factory=dict)
    """term -> aspect -> posts."""

    def add(self, post: Post, terms: set[Term]) -> None:
        for aspect in {a.aspect: a for a in post.aspects if a.aspect in self.aspects}.values():
            clause = f" {search_text(aspect.evidence)} "
            for term in (t for t in terms if _occurs(t, clause, post.hashtag_words)):
                self.posts.setdefault(term, Counter())[aspect.aspect] += 1

    def leading(self, term: Term) -> AspectEvidence | None:
        """The aspect in whose clauses ``term`` sits most often (ties: by name)."""
        counts = self.posts.get(term)
        if not counts:
            return None
        aspect = min(counts, key=lambda a: (-counts[a], a))
        return AspectEvidence(aspect=aspect, posts=counts[aspect],
                              share=round(counts[aspect] / sum(counts.values()), 3))


def _occurs(term: Term, clause: str, hashtag_words: dict[str, list[str]]) -> bool:
    """``term`` is in ``clause`` (space-padded search text) as whole tokens; a compound
    hashtag also as its words ("#NightShot" or "night shot")."""
    kind, text = term
    padded = _padded_tokens(text)
    if padded and padded in clause:
        return True
    words = hashtag_words.get(text) if kind == "hashtag" else None
    return bool(words) and _padded_tokens(" ".join(words)) in clause


@lru_cache(maxsize=65_536)
def _padded_tokens(text: str) -> str:
    """`` {search text} `` (empty when ``text`` has no token): ready for a whole-token
    substring test. Cached: the same terms are looked up in the clauses of post after post."""
    tokens = search_text(text)
    return f" {tokens} " if tokens else ""


def known_aspects(term: str, tag_words: list[str], lexicon: Lexicon) -> list[str]:
    """The aspects whose terms (in any of the lexicon's languages) already name ``term`` or
    the words of its hashtag."""
    forms = [term, " ".join(tag_words)] if tag_words else [term]
    return sorted({m.aspect for form in forms for m in lexicon.mentions(form, "und")})


def suggested_aspect(count: int, evidence: AspectEvidence | None,
                     known: list[str]) -> str | None:
    """The aspect a term used by ``count`` relevant posts extends, by the rules of the
    module doc; None when no aspect clearly claims it or the lexicon already knows it."""
    if evidence is None or known:
        return None
    if (evidence.posts >= MIN_ASPECT_POSTS and evidence.share >= MIN_ASPECT_SHARE
            and evidence.posts >= MIN_ASPECT_COVERAGE * count):
        return evidence.aspect
    return None


class RelatedTerm(BaseModel):
    term: str
    kind: Kind
    count: int = Field(description="Relevant posts of the campaign using the term.")
    background_count: int = Field(description="Background posts using it (observed; the "
                                  "built-in English background is not counted here).")
    z: float = Field(description="Log-odds ratio z-score (informative Dirichlet prior): how "
                     "far above the background the term's rate is, in standard errors.")
    words: list[str] = Field(default_factory=list, description="A compound hashtag's words.")
    aspect: str | None = Field(None, description="The campaign aspect the term is suggested "
                               "to extend (add it with POST /campaigns/{id}/aspects/terms): "
                               f"used in at least {MIN_ASPECT_POSTS} relevant posts inside "
                               "that aspect's evidence clauses, with a share of at least "
                               f"{MIN_ASPECT_SHARE:.2f} of its aspect-clause uses and in at "
                               f"least {MIN_ASPECT_COVERAGE:.0%} of its relevant posts, and "
                               "not already a term of any aspect. None otherwise.")
    aspect_evidence: AspectEvidence | None = Field(None, description="The term's leading "
                                                   "aspect by clause co-occurrence, whether "
                                                   "suggested or not; None when it never "
                                                   "sits in an aspect's evidence clause.")
    known_aspects: list[str] = Field(default_factory=list, description="Aspects whose terms "
                                     "already name this one (so it is not suggested).")


class QueryExpansion(BaseModel):
    terms: list[str] = Field(description=f"The (at most {MAX_SUGGESTED}) strongest terms with "
                             f"z >= {SIGNIFICANT_Z}, as query terms.")
    query: str = Field(description="The campaign query ORed with them (the query itself "
                       "when nothing is suggested).")


class RelatedKeywords(BaseModel):
    campaign_id: str
    relevant_posts: int = Field(description="The foreground: posts the reports count.")
    background_posts: int = Field(description="Observed background posts.")
    builtin_background: bool = Field(description="Whether the background was topped up with "
                                     "general English because it had too few posts.")
    terms: list[RelatedTerm]
    expansion: QueryExpansion


def log_odds_z(y_f: float, n_f: float, y_b: float, n_b: float, alpha: float,
               alpha0: float) -> float:
    """Monroe et al.'s z of one term (see the module docstring for the symbols). A term that
    is every term on both sides (a pooled rate of 1, so ``alpha == alpha0``) differs nowhere:
    0, where the formula would divide by zero."""
    if alpha >= alpha0:
        return 0.0
    delta = (math.log((y_f + alpha) / (n_f + alpha0 - y_f - alpha))
             - math.log((y_b + alpha) / (n_b + alpha0 - y_b - alpha)))
    return delta / math.sqrt(1 / (y_f + alpha) + 1 / (y_b + alpha))


def builtin_share(term: Term, words: dict[str, list[str]]) -> float:
    """A term's share of general English text: the product of its words' shares (a phrase
    is as likely as its words falling together by chance)."""
    kind, text = term
    parts = words.get(text, [text]) if kind == "hashtag" else text.split()
    return math.prod(english_words.probability(part) for part in parts)


def discover(campaign: Campaign, campaign_posts: Iterable[Post], other_posts: Iterable[Post],
             *, min_count: int = 3, limit: int = 25,
             min_background_posts: int = MIN_BACKGROUND_POSTS,
             alpha0: float | None = None) -> RelatedKeywords:
    """Related terms of ``campaign``, strongest first, from one pass over its posts and over
    ``other_posts`` (other campaigns'; the campaign's own among them are skipped).

    ``alpha0`` is the prior's weight in terms; by default the pooled number of terms, so
    the prior counts as much as the data."""
    fg, bg = TermCounts(), TermCounts()
    lexicon = Lexicon.for_campaign(campaign.aspects)
    in_clauses = AspectCooccurrence(frozenset(lexicon.aspects))
    words: dict[str, list[str]] = {}
    for post in campaign_posts:
        if in_reports(post, campaign):
            in_clauses.add(post, fg.add(post))
            words.update(post.hashtag_words)
        elif post.duplicate_of is None:
            bg.add(post)
    for post in other_posts:
        if campaign.id not in post.campaign_ids and post.duplicate_of is None:
            bg.add(post)
    candidates = [term for term, count in fg.terms.items() if count >= min_count]
    pseudo_posts = max(0, min_background_posts - bg.posts)
    pseudo_terms = pseudo_posts * fg.total / max(fg.posts, 1)
    n_f, n_b = fg.total, bg.total + pseudo_terms
    a0 = alpha0 if alpha0 is not None else n_f + n_b
    query = QueryWords.of(campaign.query)
    found: list[RelatedTerm] = []
    for term in candidates:
        tag_words = words.get(term[1], []) if term[0] == "hashtag" else []
        if query.covers(term[1], tag_words):
            continue
        y_f = fg.terms[term]
        y_b = bg.terms[term] + pseudo_terms * builtin_share(term, words)
        z = log_odds_z(y_f, n_f, y_b, n_b, a0 * (y_f + y_b) / (n_f + n_b), a0)
        if z > 0:
            found.append(RelatedTerm(term=term[1], kind=term[0], count=y_f,
                                     background_count=bg.terms[term], z=round(z, 3),
                                     words=tag_words))
    found.sort(key=lambda t: (-t.z, -t.count, t.term, t.kind))
    found = found[:limit]
    for related in found:
        related.aspect_evidence = in_clauses.leading((related.kind, related.term))
        related.known_aspects = known_aspects(related.term, related.words, lexicon)
        related.aspect = suggested_aspect(related.count, related.aspect_evidence,
                                          related.known_aspects)
    return RelatedKeywords(campaign_id=campaign.id, relevant_posts=fg.posts,
                           background_posts=bg.posts, builtin_background=pseudo_posts > 0,
                           terms=found, expansion=expand(campaign.query, found))


class RelatedKeywordsOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(25, ge=1, le=200, description="Terms returned at most.")
    min_count: int = Field(3, ge=1, le=100_000, description="Relevant posts a term must "
                           "appear in.")


@register
class RelatedKeywordsAnalysis(CampaignAnalysis):
    name = "related-keywords"
    version = "1.0"
    title = "Related keywords"
    description = ("Terms and hashtags the campaign's relevant posts use far more than other "
                   "campaigns' posts (log-odds z-scores with an informative Dirichlet prior), "
                   "the aspect each extends, and the query expanded with the strongest.")
    adds = ("terms", "expansion")
    Options = RelatedKeywordsOptions
    Result = RelatedKeywords

    def run(self, campaign: Campaign, data: CampaignPosts) -> RelatedKeywords:
        return discover(campaign, data.posts(), data.background(),
                        min_count=self.options.min_count, limit=self.options.limit)


def _key(text: str) -> str:
    """A spelling-free form: ``Nova Lumina``, ``nova-lumina`` and ``#NovaLumina`` meet."""
    return re.sub(r"[\W_]+", "", normalise(text))


@dataclass(frozen=True)
class QueryWords:
    """What a campaign query already asks for, to keep it out of the suggestions."""

    node: Node
    keys: frozenset[str]
    """Spelling-free forms of its words and phrases (see :func:`_key`)."""
    tokens: frozenset[str]
    """Search tokens of its words and phrases."""

    @classmethod
    def of(cls, query: str) -> QueryWords:
        words = positive_words(query)
        return cls(parse_query(query), frozenset(_key(w) for w in words),
                   frozenset(t for w in words for t in search_tokens(w)))

    def covers(self, term: str, tag_words: list[str]) -> bool:
        """The query names the term in any spelling (``novalumina`` for "nova lumina"),
        already finds a post saying it ("nova lumina x2"), or is made of its words only
        ("lumina" for "nova lumina": suggesting it would only widen the query to the
        word's other senses)."""
        forms = [term, " ".join(tag_words)] if tag_words else [term]
        return any(_key(form) in self.keys or matches(self.node, form)
                   or set(search_tokens(form)) <= self.tokens for form in forms)


def as_query_term(term: str) -> str | None:
    """``term`` in the query language: a word as it is, several tokens as a phrase; None
    when nothing searchable is left."""
    tokens = search_tokens(term)
    if not tokens:
        return None
    text = " ".join(WORD.findall(normalise(term)))
    return text if len(tokens) == 1 else f'"{text}"'


def expand(query: str, terms: list[RelatedTerm]) -> QueryExpansion:
    """The campaign query ORed with the strongest significant terms."""
    chosen: list[str] = []
    expanded = query
    for term in terms:
        found = as_query_term(term.term) if term.z >= SIGNIFICANT_Z else None
        if found is None or found in chosen or len(chosen) == MAX_SUGGESTED:
            continue
        try:  # terms come from posts: never suggest a query that cannot run (or is too long)
            candidate = f"({query}) OR {' OR '.join([*chosen, found])}"
            parse_query(candidate)
        except QuerySyntaxError:
            continue
        chosen.append(found)
        expanded = candidate
    return QueryExpansion(terms=chosen, query=expanded)
