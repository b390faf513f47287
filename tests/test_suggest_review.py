"""Reviewing suggestions in a document one has not coded (issue 19): what the coder accepted
and rejected there is learned from, and nothing else in that document is taken to hold no
code, nor held out by the evaluation as if it were coded."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from qualcode import Project
from qualcode.suggest import accept, evaluate, reject, suggest
from qualcode.suggest.corpus import load_corpus
from qualcode.suggest.engines import build_engines
from qualcode.suggest.learned import MODELS, feature_text, train

from .test_nlp_suggest import _find, build


@pytest.fixture
def study(tmp_path):  # type: ignore[no-untyped-def]
    MODELS.clear()
    with Project.open(build(tmp_path)) as project:
        yield project


def _sentences(corpus, names) -> int:  # type: ignore[no-untyped-def]
    return sum(len(corpus.analysis(n)) for n in names)


def test_a_reviewed_document_teaches_only_what_was_decided(study: Project) -> None:
    before = load_corpus(study, "ann")
    coded = before.coded_documents()
    assert "new" not in coded and not before.reviewed
    [ahead] = _find(
        suggest(study, document="new", coder="ann"), "One day I will have", "Looking ahead"
    )
    text = study.document_text("new")
    start = text.index("The bus fares went up")
    end = text.index(".", start) + 1
    reject(study, replace(ahead, start=start, end=end, text=text[start:end]), "ann")
    assert load_corpus(study, "ann").reviewed == {"new"}  # a rejection alone: reviewed
    accept(study, ahead, "ann")
    corpus = load_corpus(study, "ann")
    assert corpus.reviewed == {"new"} and corpus.coded_documents() == coded
    # The classifier learns from every sentence of the coded documents and, in the reviewed
    # one, from the accepted and the rejected sentence only (before: all of its sentences).
    engines = build_engines(corpus, corpus.codings, coded)
    assert len(engines.learned.trained) == 1  # Looking ahead, 11 codings
    assert engines.learned.sentences == _sentences(corpus, coded) + 2
    assert _sentences(corpus, ["new"]) > 2
    # The evaluation holds out the coded documents only, and learns from the accepted coding.
    report = evaluate(study, "ann", save=False)
    assert report["documents"] == len(coded) == 10
    # Coding something there by hand makes it a coded document like any other.
    study.apply_code(document="new", code="Barriers/Sleep", coder="ann", start=start, end=end)
    corpus = load_corpus(study, "ann")
    assert not corpus.reviewed and "new" in corpus.coded_documents()
    assert evaluate(study, "ann", save=False)["documents"] == 11


def test_a_rejection_is_a_counter_example_of_its_own_code_only() -> None:
    texts = [feature_text(t, "") for t in ("a b", "a c", "d e", "d f")]
    labels = np.array([[1, 1], [1, 0], [0, 1], [0, 0]], dtype=bool)
    everything = train(texts, labels, {0: 2, 1: 2}, min_examples=1)
    assert everything.trained.tolist() == [0, 1] and everything.sentences == 4
    # The last sentence was only rejected as code 0; code 1 knows the first and third only,
    # both positive, so it learns nothing (and does not score every sentence 0.5).
    known = np.array([[1, 1], [1, 0], [1, 1], [1, 0]], dtype=bool)
    partial = train(texts, labels, {0: 2, 1: 2}, min_examples=1, known=known)
    assert partial.trained.tolist() == [0]
