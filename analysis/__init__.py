"""The analysis framework, below nlp and vision: self-describing analyses found by name
(:mod:`analysis.registry`), steps over batches of posts or authors and the pipeline that runs
them (:mod:`analysis.pipeline`), and analyses over a whole campaign (:mod:`analysis.campaign`)."""
