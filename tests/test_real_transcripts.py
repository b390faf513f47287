"""Import the real, openly licensed transcripts described in shared/real_transcripts/SOURCES.md.

The files live outside the repository (next to it, in ``shared/real_transcripts``); the tests
skip when it is absent. The expected numbers were checked against the files and SOURCES.md:
spoken words (the text of turn bodies, labels excluded) match the counts SOURCES.md gives once
its per-cue speaker labels and dropped inline timestamps are accounted for.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from qualcode.errors import BadInputError
from qualcode.importers import ImportOptions, ParsedDocument, read_file
from qualcode.importers.validate import turn_problems

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real_transcripts"

pytestmark = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"real transcripts not available (expected them in {REAL})"
)


def read_one(name: str, options: ImportOptions | None = None) -> ParsedDocument:
    (document,) = read_file(REAL / name, options)
    assert turn_problems(document) == []
    return document


def speakers(document: ParsedDocument) -> Counter[str | None]:
    return Counter(turn.speaker for turn in document.turns)


def spoken_words(document: ParsedDocument) -> int:
    return sum(len(document.text[t.body_start : t.end].split()) for t in document.turns)


def test_changelog_founders_talk() -> None:
    document = read_one("changelog_founders-talk-7.md")
    assert speakers(document) == {"Adam Stacoviak": 49, "Henk Rogers": 48}
    assert len(document.turns) == 97
    # SOURCES.md: 8,250 words with labels, without the 12 inline \[mm:ss\] stamps: the text
    # is stored as a reader sees it, time marks out of the words (issue 18).
    assert len(document.text.split()) == 8250
    assert spoken_words(document) == 8056
    assert document.text[document.turns[1].body_start : document.turns[1].end] == "Hello!"
    assert "\\" not in document.text and "**" not in document.text
    assert "[laughs]" in document.text and "[unintelligible 00:07:18.11]" in document.text
    stamped = next(t for t in document.turns if t.ts_start is not None)
    assert (stamped.speaker, stamped.ts_start) == ("Henk Rogers", 8 * 60 + 9)  # **H R:** \[08:09\]


def test_changelog_request_for_commits_break_is_not_a_speaker() -> None:
    document = read_one("changelog_request-for-commits-1.md")
    assert speakers(document) == {
        "Karl Fogel": 58,
        "Mikeal Rogers": 38,
        "Nadia Eghbal": 32,
        None: 2,
    }
    assert len(document.text.split()) == 12661
    # "**Break:** \[22:46\]" is a turn of its own, with no speaker and its time (issue 18).
    breaks = [t for t in document.turns if t.speaker is None]
    assert [(document.text[t.start : t.end], t.ts_start) for t in breaks] == [
        ("Break", 22 * 60 + 46),
        ("Break", 41 * 60 + 42),
    ]


def test_zoom_vtt_acdc() -> None:
    raw = (REAL / "ethereum-pm_acdc-175_zoom-transcript.vtt").read_bytes()
    assert b"\r\n" in raw
    document = read_one("ethereum-pm_acdc-175_zoom-transcript.vtt")
    assert speakers(document) == {
        "stokes": 8,
        "Parithosh Jayanthi": 3,
        "Justin Traglia": 3,
        "Josh Davis": 2,
        "Justin Florentine (Besu)": 2,
        "pk910": 2,
        "Trent": 1,
    }
    assert len(document.turns) == 21
    assert "\r" not in document.text
    assert document.turns[0].ts_start == pytest.approx(331.76)  # starts at 00:05:31.760
    assert document.turns[-1].ts_end == pytest.approx(1222.23)
    # SOURCES.md counts 1,698 words with one label per cue (153 label words over 139 cues).
    assert spoken_words(document) == 1698 - 153


def test_zoom_vtt_subroutines_keeps_renamed_speakers_apart() -> None:
    document = read_one("ethereum-pm_one-off-2135_zoom-transcript.vtt")
    found = speakers(document)
    assert found == {
        "Greg": 62,
        "Ben Adams": 49,
        "Luis Pinto | Besu": 12,
        "lightclient": 3,
        "Greg Colvin": 2,
        "Paweł Bylica": 2,
        "Łukasz Rozmej": 1,
    }
    assert len(document.turns) == 131
    assert spoken_words(document) == 6379 - 823  # 823 label words over 573 cues
    assert document.text.count("…") == 149


def test_srt_season_one_first_cue_labels_carry_forward() -> None:
    document = read_one("virtualcoffee_s1e1.srt")
    assert speakers(document) == {"Nick": 24, "Bekah": 22, "Dan": 8}
    assert len(document.turns) == 54
    assert len(document.text.split()) == 8686  # SOURCES.md: labels kept, exactly this
    assert spoken_words(document) == 8686 - 54
    first = document.turns[0]
    assert document.text[first.body_start : first.end].startswith(
        "Hey, this is season one episode, one of the Virtual Coffee podcast. I'm Bekah"
    )
    assert "like 5:00 PM to like two" in document.text  # a colon mid-cue is not a label
    assert (first.ts_start, document.turns[-1].ts_end) == (14.73, 3017.515)


def test_srt_season_five_label_drift() -> None:
    document = read_one("virtualcoffee_s5e6.srt")
    assert speakers(document) == {
        "Bekah": 60,
        "Andrew": 46,
        "Dan": 41,
        "Bekah Hawrot Weigel": 1,
        "Dan Ott": 1,
        "Andrew Bush": 1,
    }
    assert len(document.turns) == 150
    assert len(document.text.split()) == 8957
    assert document.text.count("\u2014") == 7


def test_rev_nlp_podcast() -> None:
    document = read_one("rev16_podcast-10_verbatim.nlp")
    assert speakers(document) == {"Speaker 1": 131, "Speaker 2": 130}
    assert spoken_words(document) == 7025  # one token per row
    assert document.text.startswith(
        "Speaker 1: Welcome back to another episode of Podcasts in Color: The Podcast."
    )
    assert all(turn.ts_start is None for turn in document.turns)  # ts is empty in every row


def test_rev_nlp_earnings_call_with_names_from_the_metadata_csv() -> None:
    with (REAL / "earnings21_speaker-metadata.csv").open(encoding="utf-8", newline="") as handle:
        names = {
            row["speaker_id"]: row["speaker_name"]
            for row in csv.DictReader(handle)
            if row["file_id"] == "4330115"
        }
    anonymous = read_one("earnings21_4330115.nlp")
    assert set(speakers(anonymous)) == {f"Speaker {n}" for n in range(8)}
    assert len(anonymous.turns) == 43
    assert spoken_words(anonymous) == 6602
    named = read_one("earnings21_4330115.nlp", ImportOptions(speaker_names=names))
    assert speakers(named)["Operator"] == 6
    assert named.text.startswith("Operator: Good day and welcome")


def test_earnings_metadata_csv_is_not_a_transcript() -> None:
    # Three short columns: neither a turn-per-row transcript nor open-ended answers.
    with pytest.raises(BadInputError) as caught:
        read_file(REAL / "earnings21_speaker-metadata.csv")
    message = str(caught.value)
    assert "found neither transcript columns (speaker and text) nor a column of answers" in (
        message
    )
    assert "'file_id', 'speaker_id', 'speaker_name'" in message


def test_zoom_chat() -> None:
    document = read_one("ethereum-pm_one-off-2135_zoom-chat.txt")
    assert [(t.speaker, t.ts_start) for t in document.turns] == [
        ("luc.eth", 833.0),
        ("lightclient", 1148.0),
        ("Luis Pinto | Besu", 2200.0),
        ("Luis Pinto | Besu", 2730.0),
        ("Ben Adams", 3428.0),
    ]
    assert len(document.text.split()) == 46
    assert document.text[document.turns[0].body_start : document.turns[0].end] == (
        "different luc is here\U0001f44b"
    )


def test_legacy_word_doc_is_refused() -> None:
    path = REAL / "mahoney-unix-oral-history_ritchie.doc"
    with pytest.raises(BadInputError) as caught:
        read_file(path)
    assert str(caught.value) == (
        f"{path}: legacy Word .doc (Word 97-2003) is not supported "
        "(open it in Word or LibreOffice and save it as .docx)"
    )
