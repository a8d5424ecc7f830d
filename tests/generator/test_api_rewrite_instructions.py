"""The rewrite instructions of the local engine, through the API: `shorter`, `plainer`, `question` and `another`
each do what they say, and free text is refused before any rewrite is counted. The AI engine still takes free
text (see test_api_rewrites.py for the prompt it gets)."""

from __future__ import annotations

import re

import pytest

from generator import services, xtext
from generator.models import Rewrite, Thread
from tests.fakes import openai_server
from tests.fakes.openai_server import FakeReply

pytestmark = pytest.mark.django_db

fake_openai = openai_server.fake_openai

MEETINGS = (
    "Remote work changed how teams decide (most of it now happens in documents, not in calls). "
    "Ten years ago most decisions happened in meetings, while today they happen in documents."
)
ARTICLE = (
    "# Remote writing\n\n"
    "## Meetings\n\n"
    f"{MEETINGS} Meetings still matter for hard conversations. A short call can settle what a long thread cannot.\n\n"
    "## Documents\n\n"
    "The first habit of good remote writers is to lead with the conclusion. Readers skim, so the answer belongs in "
    "the first sentence. Decisions change, and a stale page misleads the next person. Teams that review their "
    "documents monthly make fewer repeated mistakes."
)
HOOK = "Remote writing: here are the key points 👇"
LEAD = "The first habit of good remote writers is to lead with the conclusion."
MONTHLY = "Teams that review their documents monthly make fewer repeated mistakes."
BODIES = [HOOK, MEETINGS, LEAD, MONTHLY]


def make_thread(owner, bodies: list[str] = BODIES, source: str = ARTICLE) -> Thread:
    thread = Thread(owner=owner, title="Remote writing", engine="local", source_text=source)
    thread.set_tweets([f"{body} {k}/{len(bodies)}" for k, body in enumerate(bodies, start=1)])
    return services.thread_save(thread=thread)


def rewrite(api, thread: Thread, position: int, instruction: str):
    return api.post(
        f"/api/v1/threads/{thread.pk}/tweets/{position}/regenerate", {"instruction": instruction}, format="json"
    )


def bodies_of(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [re.sub(r" \d+/\d+$", "", tweet["text"]) for tweet in response.json()["tweets"]]


def lix(text: str) -> float:
    """Words per sentence plus the percentage of words over six letters: lower reads more easily."""
    words = re.findall(r"[^\W\d_]+", text)
    sentences = len(re.findall(r"[.!?]+(?:\s|$)", text)) or 1
    return len(words) / sentences + 100 * sum(len(word) > 6 for word in words) / len(words)


def test_shorter_keeps_a_whole_sentence_with_fewer_characters(alice_api, alice):
    thread = make_thread(alice)

    bodies = bodies_of(rewrite(alice_api, thread, 2, "shorter"))

    assert xtext.weighted_length(bodies[1]) < xtext.weighted_length(MEETINGS)
    assert bodies[1][0].isupper()
    assert bodies[1].endswith(".")
    assert bodies[1] in ARTICLE
    assert bodies[:1] + bodies[2:] == [HOOK, LEAD, MONTHLY]


def test_shorter_drops_the_asides_of_a_lone_sentence(alice_api, alice):
    thread = make_thread(alice, [HOOK, MEETINGS.split(". ")[0] + ".", LEAD])

    assert bodies_of(rewrite(alice_api, thread, 2, "Shorter"))[1] == "Remote work changed how teams decide."


def test_plainer_reads_more_easily_and_has_no_asides(alice_api, alice):
    thread = make_thread(alice)

    plainer = bodies_of(rewrite(alice_api, thread, 2, "plainer"))[1]

    assert lix(plainer) < lix(MEETINGS)
    assert not re.search(r"[()\[\]]| [\u2013\u2014] ", plainer)
    assert plainer.endswith(".")


def test_question_asks_the_tweets_point_and_keeps_the_answer_after_it(alice_api, alice):
    thread = make_thread(alice)

    question, answer = bodies_of(rewrite(alice_api, thread, 3, "question"))[2].split("\n\n")

    assert question.endswith("?")
    assert question.split(":")[0].lower() in LEAD.lower()
    assert answer == LEAD


def test_question_is_asked_in_the_threads_language(alice_api, alice):
    source = (
        "Die Stadt baut die alte Straßenbahnlinie neu. Der Stadtrat hat am Dienstag mit großer Mehrheit zugestimmt. "
        "Die Straßenbahnlinie fährt seit vierzig Jahren durch die Innenstadt. Während der Bauzeit fahren Busse. "
        "Die Geschäfte an der Straßenbahnlinie sind gespalten, manche fürchten weniger Kundschaft."
    )
    body = "Die Straßenbahnlinie fährt seit vierzig Jahren durch die Innenstadt."
    thread = make_thread(
        alice, ["Straßenbahn 👇", "Der Stadtrat hat am Dienstag mit großer Mehrheit zugestimmt.", body], source
    )

    question = bodies_of(rewrite(alice_api, thread, 3, "question"))[2].split("\n\n")[0]

    assert question == "Straßenbahnlinie: Was muss man wissen?"


def test_another_takes_an_unused_sentence_from_the_same_section(alice_api, alice):
    thread = make_thread(alice)

    another = bodies_of(rewrite(alice_api, thread, 4, "another"))[3]

    assert another in {
        "Readers skim, so the answer belongs in the first sentence.",
        "Decisions change, and a stale page misleads the next person.",
    }


def test_another_with_nothing_left_in_the_section_is_refused_and_not_counted(alice_api, alice):
    thread = make_thread(
        alice,
        [
            HOOK,
            MEETINGS,
            "Meetings still matter for hard conversations.",
            "A short call can settle what a long thread cannot.",
        ],
    )

    response = rewrite(alice_api, thread, 3, "another")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "rewrite_unavailable"
    assert Thread.objects.get(pk=thread.pk).regenerations == 0


def test_free_text_is_refused_before_any_rewrite_is_counted(alice_api, alice, settings):
    settings.FREE_DAILY_REWRITES = 0  # a counted rewrite would answer 402: the instruction is checked first
    thread = make_thread(alice)

    response = rewrite(alice_api, thread, 2, "make it punchier")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "instruction_unsupported"
    assert "shorter, plainer, question, another" in response.json()["error"]["message"]
    assert Thread.objects.get(pk=thread.pk).regenerations == 0
    assert not Rewrite.objects.exists()
    assert Thread.objects.get(pk=thread.pk).tweets == thread.tweets


def test_the_ai_engine_still_takes_free_text(alice_api, alice, fake_openai):
    thread = make_thread(alice)
    fake_openai.script(FakeReply(text="Teams now decide in writing."))

    bodies = bodies_of(rewrite(alice_api, thread, 2, "make it punchier"))

    assert bodies[1] == "Teams now decide in writing."
    assert "make it punchier" in fake_openai.completions[-1].message("user")


def test_the_schema_names_the_four_instructions(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content.decode()

    assert "instruction_unsupported" in schema
    for instruction in ("`shorter`", "`plainer`", "`question`", "`another`"):
        assert instruction in schema


def test_the_editor_offers_a_free_text_box_only_with_the_ai_engine(client, alice, settings):
    thread = make_thread(alice)
    client.force_login(alice)

    local = client.get(f"/app/threads/{thread.pk}/").content.decode()
    settings.OPENAI_API_KEY, settings.THREADR_ENGINE = "sk-threadr-test", "openai"
    ai = client.get(f"/app/threads/{thread.pk}/").content.decode()

    for page in (local, ai):
        assert re.findall(r'data-instruction="(\w+)"', page) == ["shorter", "plainer", "question", "another"]
    assert 'data-role="instruction"' not in local
    assert 'data-role="instruction"' in ai
