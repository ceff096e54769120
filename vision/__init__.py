"""Image analysis (perceptual hashes, near-duplicate images, subject labels, OCR, logos): pure
functions over images, and the ``media`` step (``vision/step.py``) that runs them over a
batch's images. No store and no text analysis: it is found by name like every step."""
