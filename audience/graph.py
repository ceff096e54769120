"""A campaign's interaction graph: who answers, names and reposts whom.

An edge runs from the author who acts to the author acted on (a reply to the replied-to
post's author, a mention to the named account, a repost to the original's author), weighted
by how often, so PageRank flows to the people the conversation turns to. Built in one pass
over the posts, with two lookups made first (post id -> author, handle -> author):

* a reply or repost whose original was not collected has no known author and adds no edge;
* a mention is resolved among the campaign's own authors on the same platform, by handle
  (``@ana``, ``@ana@host``, ``u/ana``: one spelling per platform, compared without the
  prefix and case). A mention of someone who never posted in the campaign is left out: the
  ranking is of the campaign's voices, and an unresolvable name cannot be told apart from
  a namesake;
* self-loops (a thread answering itself, a self-mention) say nothing about influence.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from sensing.schemas import Post


def handle_key(source: str, handle: str) -> tuple[str, str]:
    """A handle as mentions and profiles spell it, in one form per platform: no ``@`` or
    ``u/`` prefix, no case, and a Mastodon ``user@host`` also found as ``user``."""
    bare = handle.strip().casefold().removeprefix("u/").lstrip("@")
    return source, bare


def interaction_graph(posts: Iterable[Post]) -> nx.DiGraph:
    """The weighted author -> author graph of ``posts``; every post's author is a node, so
    an author nobody answered still has a (small) PageRank."""
    posts = list(posts)
    author_of = {post.id: post.author.id for post in posts}
    by_handle: dict[tuple[str, str], str] = {}
    for post in posts:
        if post.author.handle:
            key = handle_key(post.source, post.author.handle)
            by_handle.setdefault(key, post.author.id)
            by_handle.setdefault((key[0], key[1].split("@")[0]), post.author.id)
    graph = nx.DiGraph()
    graph.add_nodes_from(author_of.values())

    def link(source: str, target: str | None, kind: str) -> None:
        if target is None or target == source:
            return
        if graph.has_edge(source, target):
            edge = graph[source][target]
            edge["weight"] += 1
            edge[kind] = edge.get(kind, 0) + 1
        else:
            graph.add_edge(source, target, weight=1, **{kind: 1})

    for post in posts:
        actor = post.author.id
        if post.in_reply_to:
            link(actor, author_of.get(post.in_reply_to), "replies")
        original = (post.model_extra or {}).get("repost_of")
        if post.is_repost and original:
            link(actor, author_of.get(str(original)), "reposts")
        for mention in dict.fromkeys(post.mentions):
            key = handle_key(post.source, mention)
            link(actor, by_handle.get(key) or by_handle.get((key[0], key[1].split("@")[0])),
                 "mentions")
    return graph
