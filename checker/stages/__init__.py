"""The pipeline's stages, in order: segment, attribute, speakers, proposition, claims, embed, pair, infer.

Each is a module of pure functions over the records in ``checker.records``; ``cues``, ``rules`` and
``opposite`` hold the word lists and rules the stages share. ``checker.pipeline`` runs them."""
