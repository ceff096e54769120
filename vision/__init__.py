"""Image analysis (perceptual hashes, subject labels, OCR, logos): pure functions over images,
run by a workers/ step on batches. Filled by the vision issue; the data contract already
carries ``media[].phash``, ``labels`` and ``ocr_text``."""
