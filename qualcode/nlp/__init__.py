"""Offline language processing: the one spaCy pipeline and the excerpt-suggestion engines.

Nothing here is imported by ``qualcode --help``, and importing this package does not import
spaCy or scikit-learn: :mod:`qualcode.nlp.pipeline` builds the pipeline on first use, and
:mod:`qualcode.suggest` imports scikit-learn inside the functions that train or score.
Nothing in this package opens a network connection; the English lemma table comes from the
installed ``spacy-lookups-data`` package.
"""
