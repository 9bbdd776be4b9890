"""The scorecard's questions for officers: at most a page's worth, the rest counted with where to
find them, paper text escaped."""

from __future__ import annotations

import re

from analysis.presentation.questions import SCORECARD_QUESTIONS, Question, questions_html


def test_the_scorecard_shows_the_first_questions_and_counts_the_rest():
    asked = [Question(f"Question {i} <b>", f"paper {i}") for i in range(1, 13)]  # Torbay 2019-11 asks 12
    page = questions_html(asked, limit=SCORECARD_QUESTIONS)
    assert re.findall(r"<li>Question (\d+)", page) == [str(i) for i in range(1, SCORECARD_QUESTIONS + 1)]
    assert f"{12 - SCORECARD_QUESTIONS} more questions of the same kind: report 90" in page
    assert "<b>" not in page and "&lt;b&gt;" in page  # tracker text is untrusted


def test_no_line_about_more_when_every_question_is_shown():
    asked = [Question("One", "paper"), Question("Two", "paper")]
    page = questions_html(asked, limit=SCORECARD_QUESTIONS)
    assert page.count("<li>") == 2 and "more question" not in page
    assert "1 more question of" in questions_html(asked, limit=1)
