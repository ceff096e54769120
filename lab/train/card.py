"""The model card (``README.md``) of the offline sentiment model, written from its build record.

A model without its card is a number nobody can check: the card says what the model was
trained on (and under which licences), what it scores on data it never saw, and where it
should not be trusted. Everything in it comes from ``sensing_model.json``, so card and record
never disagree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lab.corpora import CORPORA
from lab.train.fetch import ARCHIVES


def _metrics_table(metrics: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    lines = ["| data set | language | n | accuracy | macro-F1 |", "|---|---|---:|---:|---:|"]
    for dataset, rows in metrics.items():
        for lang, row in rows.items():
            lines.append(f"| {dataset} | {lang} | {row['n']} | {row['accuracy']:.3f} | "
                         f"{row['macro_f1']:.3f} |")
    return lines


def render_card(record: dict[str, Any]) -> str:
    """Markdown with Hugging Face front matter, from a ``sensing_model.json`` record."""
    spec = record["spec"]
    licences = {a.filename: a for a in ARCHIVES}
    sources = [f"| {c.name} | {licences[c.archive].name} `{c.archive}`: {c.source} | "
               f"{record['training_rows'].get(c.name, 0)} | {licences[c.archive].licence} |"
               for c in CORPORA]
    lines = [
        "---",
        "license: mit",
        "library_name: transformers",
        "pipeline_tag: text-classification",
        "language: [multilingual, en, es]",
        "tags: [sentiment, offline, sensing]",
        "---",
        "",
        "# sentiment-e5-small (Sensing's offline default)",
        "",
        "Three-class sentiment (`negative`, `neutral`, `positive`) for short social-media posts "
        "in any language multilingual-e5-small reads. Built on this machine by `sensing models "
        "build` from packages only: no model hub was used.",
        "",
        "## How it was made",
        "",
        f"* Encoder: multilingual-e5-small (MIT) as shipped by `{record['encoder']['source']}` "
        "(4-bit weights dequantised to float32 by `lab.encoder_build`), frozen; a 13th "
        "layer with fixed weights writes the LayerNorm of the mean of the last layer's tokens "
        "(e5's own pooling) into `[CLS]`.",
        f"* Trained: {spec['trainable']} (BERT's pooler dense + tanh, then the linear "
        f"classifier), {spec['epochs']} epochs on the cached `[CLS]` states, "
        f"AdamW lr {spec['lr']}, weight decay {spec['weight_decay']}, "
        f"dropout {spec['dropout']}, class-balanced loss, seed {spec['seed']}, "
        f"{spec['threads']} threads, deterministic algorithms.",
        f"* Inputs truncated to {spec['max_length']} tokens; no `query: ` prefix (the "
        "directory is used as any sequence-classification model is).",
        f"* Build took {record['seconds']:.0f} s on the build machine.",
        "",
        "## Training data",
        "",
        "Every corpus minus its held-out split (`lab.corpora.is_held_out`, 20 % by "
        "hashed id) and minus any text equal to a held-out text or to the multilingual "
        "evaluation set (`lab/data/sentiment_set.jsonl`, never trained on). VADER ratings "
        "(mean of about 20 raters, -4..4) are three classes at ±0.5.",
        "",
        "| corpus | archive: member | rows trained on | licence of the archive |",
        "|---|---|---:|---|",
        *sources,
        "",
        "The npm `sentiment` fixtures are the review sentences of Kotzias et al. (2015) "
        "\"From group to individual labels using deep features\" (UCI *Sentiment Labelled "
        "Sentences*, CC BY 4.0), redistributed in the MIT-licensed package. The VADER corpora "
        "are from Hutto & Gilbert (ICWSM 2014). EvoMSA's tweets are TASS-style Spanish tweets "
        "(`NONE` and `NEU` both read as neutral).",
        "",
        "Archive hashes (sha256):",
        "",
        *[f"* `{name}` {digest}" for name, digest in record["data_sha256"].items()],
        "",
        "## Evaluation (data never trained on)",
        "",
        *_metrics_table(record["metrics"]),
        "",
        "`sentiment_set` is the project's hand-labelled multilingual set (72 social-media posts "
        "per language, balanced classes). The `npm_*` sets have no neutral class, so their "
        "three-class macro-F1 is at most 0.667: read their accuracy.",
        "",
        "## Intended use and limits",
        "",
        "* Post-level polarity for aggregate reports (share of negative posts per day, per "
        "aspect). Not for decisions about one person.",
        "* The labelled data is English (tweets, reviews, news) and a little Spanish; other "
        "languages rely on the encoder's cross-lingual transfer and score lower (see the "
        "table). Where a model hub is available, point `SENSING_SENTIMENT_MODEL` at a "
        "stronger multilingual tweet-sentiment model.",
        "* Sarcasm (praise words over a complaint), questions and mixed posts are the usual "
        "errors; the neutral class is the hardest because the training corpora have few "
        "stance-free posts.",
        "* English VADER figures are measured on corpora VADER's authors built to evaluate "
        "VADER: compare with the lexicon baseline on the multilingual set too.",
        "",
    ]
    return "\n".join(lines)


def write_card(out_dir: Path, record: dict[str, Any]) -> Path:
    path = out_dir / "README.md"
    path.write_text(render_card(record), encoding="utf-8")
    return path
