"""The offline spaCy pipeline: lemmas by lower-case form, sentences inside turns, negation,
the analysis cache, and nothing heavy imported before it is needed."""

from __future__ import annotations

import pytest

from qualcode.nlp import pipeline

from .conftest import run_python


@pytest.fixture(scope="module", autouse=True)
def nlp():  # type: ignore[no-untyped-def]
    return pipeline.get_nlp()


def test_lemmas_are_looked_up_by_lower_case_form() -> None:
    # spaCy's own lookup lemmatizer leaves "Worried" and "Went" alone (case-sensitive table).
    assert pipeline.lemmas("Worried women Went") == ["worry", "woman", "go"]
    assert pipeline.lemmas("couldn't") == ["can", "not"]


def test_the_pipeline_is_built_once() -> None:
    assert pipeline.is_loaded()
    assert pipeline.get_nlp() is pipeline.get_nlp()
    assert pipeline.get_nlp().pipe_names == ["sentencizer", pipeline.LEMMATIZER]


def test_sentences_stay_inside_turn_bodies() -> None:
    text = "TITLE LINE\n\nP1: I was so tired\nP2: me too. Really tired!\n\nP1: Okay"
    first = text.index("I was")
    second = text.index("me too")
    turns = [
        (text.index("P1:"), first, text.index("\nP2:")),
        (text.index("P2:"), second, text.index("\n\nP1: Okay")),
        (text.index("P1: Okay"), text.index("Okay"), len(text)),
    ]
    spans = pipeline.sentence_spans(text, turns)
    assert [text[s:e] for s, e in spans] == [
        "I was so tired",
        "me too.",
        "Really tired!",
        "Okay",
    ]
    analysis = pipeline.analyse(text, turns)
    assert analysis.turn.tolist() == [0, 1, 1, 2]  # the title outside the turns is left out


def test_paragraphs_of_a_document_without_turns() -> None:
    text = "First paragraph without a stop\n\nSecond one. And more"
    spans = pipeline.sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "First paragraph without a stop",
        "Second one.",
        "And more",
    ]


def test_brackets_and_abbreviations() -> None:
    text = "The bus fare and the dinner. [laughs] No, but Mr. Smith said so."
    spans = pipeline.sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "The bus fare and the dinner.",
        "[laughs] No, but Mr. Smith said so.",
    ]


def test_token_flags_content_and_negation() -> None:
    analysis = pipeline.analyse("I didn't feel safe, but the group was kind.")
    flags = dict(zip(analysis.words, analysis.negated.tolist(), strict=True))
    assert flags["feel"] and flags["safe"]  # governed by "n't"
    assert not flags["group"] and not flags["kind"]  # the comma and "but" end the scope
    content = {w for w, c in zip(analysis.lemmas, analysis.content.tolist(), strict=True) if c}
    assert content == {"feel", "safe", "group", "kind"}
    assert analysis.content_texts == ("feel safe group kind",)


def test_analyses_are_cached_by_text_and_turns() -> None:
    text = "Cached once. Then reused."
    first = pipeline.analyse(text)
    assert pipeline.analyse(text) is first
    assert pipeline.analyse(text, [(0, 0, len(text))]) is not first


def test_offsets_are_code_points_with_emoji_and_cjk() -> None:
    text = "I'd not eaten 😅, you know. Naïve — 信頼. Yes."
    spans = pipeline.sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["I'd not eaten 😅, you know.", "Naïve — 信頼.", "Yes."]


def test_importing_the_nlp_packages_imports_neither_spacy_nor_sklearn() -> None:
    code = (
        "import sys\n"
        "import qualcode.nlp, qualcode.nlp.pipeline, qualcode.suggest, qualcode.cli.suggest\n"
        "print('HEAVY', [m for m in ('spacy', 'sklearn', 'rapidfuzz') if m in sys.modules])\n"
    )
    out = run_python(code)
    assert "HEAVY []" in out.stdout
