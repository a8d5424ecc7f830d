"""The link-preview picture of a shared thread: a 1200x630 PNG the app draws itself, public only while the thread
is shared, drawn once per version of what it shows and then served from the cache, with long text kept inside."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageChops

from accounts.services import user_profile_update, user_x_handle_confirm
from generator import services, share_image
from generator.models import Thread
from generator.share_image import TEXT_WIDTH, ShareCard, render

pytestmark = pytest.mark.django_db

TWEETS = ["Most remote teams fail at writing, not at meetings. Here is what the good ones do. 1/2", "The end. 2/2"]


def shared_thread(owner, *, title: str = "How remote teams write") -> Thread:
    thread = Thread(owner=owner, title=title, engine="local", source_url="https://blog.example/remote")
    thread.set_tweets(TWEETS)
    thread.save()
    return services.thread_update(thread=thread, shared=True)


def image_url(client, thread: Thread) -> str:
    page = client.get(f"/t/{thread.share_token}/").content.decode()
    found = re.search(r'<meta property="og:image" content="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def path_of(url: str, settings) -> str:
    assert url.startswith(settings.SITE_URL + "/")
    return url.removeprefix(settings.SITE_URL)


@pytest.fixture
def renders(monkeypatch) -> list[ShareCard]:
    """Every card drawn, in order: the seam between the cache and the drawing."""
    drawn: list[ShareCard] = []
    real = share_image.render

    def counting(card: ShareCard) -> bytes:
        drawn.append(card)
        return real(card)

    monkeypatch.setattr(share_image, "render", counting)
    return drawn


def test_it_serves_a_1200_by_630_png_for_a_shared_thread(client, alice, settings):
    settings.SITE_URL = "https://threadr.example"
    thread = shared_thread(alice)

    url = image_url(client, thread)
    response = client.get(path_of(url, settings))

    assert url.startswith(f"https://threadr.example/t/{thread.share_token}/image-")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(response.content)) as picture:
        assert picture.format == "PNG"
        assert picture.size == (1200, 630)
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert "immutable" in cache_control
    assert "max-age=86400" in cache_control
    assert "private" not in cache_control
    assert response["ETag"]


def test_it_answers_404_once_the_thread_is_unshared_and_for_a_guessed_token(client, alice, settings):
    thread = shared_thread(alice)
    path = path_of(image_url(client, thread), settings)
    assert client.get(path).status_code == 200

    services.thread_update(thread=thread, shared=False)

    assert client.get(path).status_code == 404
    assert client.get("/t/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/image-0123456789abcdef.png").status_code == 404


def test_an_unshared_thread_has_no_picture_even_for_its_owner(client, alice):
    thread = Thread(owner=alice, title="Private", engine="local")
    thread.set_tweets(["Not shared."])
    thread.save()
    client.force_login(alice)

    assert client.get(f"/t/{thread.pk}/image-0123456789abcdef.png").status_code == 404


def test_a_second_request_is_served_from_the_cache_without_drawing(client, alice, settings, renders):
    thread = shared_thread(alice)
    path = path_of(image_url(client, thread), settings)

    first = client.get(path)
    second = client.get(path)

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert len(renders) == 1


def test_a_browser_that_has_the_picture_gets_304(client, alice, settings, renders):
    thread = shared_thread(alice)
    path = path_of(image_url(client, thread), settings)
    etag = client.get(path)["ETag"]

    again = client.get(path, headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.content == b""
    assert len(renders) == 1


def test_an_edit_or_a_new_profile_names_a_new_picture_and_the_old_url_leads_to_it(client, alice, settings, renders):
    thread = shared_thread(alice)
    old = path_of(image_url(client, thread), settings)
    client.get(old)

    services.thread_update(thread=thread, title="How remote teams write, revised")
    after_edit = path_of(image_url(client, thread), settings)
    user_profile_update(user=alice, display_name="Alice Martin", x_handle="alice_m")
    after_profile = path_of(image_url(client, thread), settings)
    moved = client.get(old)
    fresh = client.get(after_profile)

    assert len({old, after_edit, after_profile}) == 3
    assert moved.status_code == 302
    assert moved["Location"] == after_profile
    assert fresh.status_code == 200
    assert [(card.title, card.author, card.handle) for card in renders] == [
        ("How remote teams write", "Alice", ""),
        ("How remote teams write, revised", "Alice Martin", "alice_m"),
    ]


def test_the_picture_names_the_author_and_marks_a_verified_handle(alice, client, settings, renders):
    user_x_handle_confirm(user=alice, handle="AliceOnX")
    thread = shared_thread(alice)

    client.get(path_of(image_url(client, thread), settings))

    assert renders == [
        ShareCard(title=thread.title, excerpt=TWEETS[0], author="Alice", handle="AliceOnX", verified=True)
    ]


def ink_columns(png: bytes) -> tuple[int, int]:
    """The first and last columns holding anything but the background, right of the accent stripe."""
    with Image.open(io.BytesIO(png)) as picture:
        inside = picture.convert("RGB").crop((17, 0, 1200, 630))
        background = Image.new("RGB", inside.size, share_image.BACKGROUND)
        box = ImageChops.difference(inside, background).getbbox()
    assert box is not None
    return box[0] + 17, box[2] - 1 + 17


@pytest.mark.parametrize(
    "card",
    [
        ShareCard(title="Hi", excerpt="", author="A"),
        ShareCard(
            title="An extraordinarily long title " * 12,
            excerpt="Supercalifragilisticexpialidocious" * 20,
            author="A display name far too long to fit beside a handle on one line of the picture",
            handle="abcdefghijklmno",
            verified=True,
        ),
        ShareCard(
            title="Ünïcödé — “quoted” titles 🧵 and 東京", excerpt="Emoji 🎉 are left out, not boxed.", author="Zoë"
        ),
    ],
    ids=["short", "long", "unicode"],
)
def test_short_and_long_text_stays_inside_the_margins(card):
    left, right = ink_columns(render(card))

    assert left >= 80
    assert right <= 1200 - 80


def test_a_long_title_wraps_to_three_lines_ending_in_an_ellipsis():
    lines, font = share_image._title_lines("A title that goes on " * 20)

    assert len(lines) == 3
    assert lines[-1].endswith("…")
    assert font.size == min(share_image.TITLE_SIZES)
    assert all(font.getlength(line) <= TEXT_WIDTH for line in lines)


def test_a_short_title_keeps_the_largest_size_on_one_line():
    lines, font = share_image._title_lines("How remote teams write")

    assert lines == ["How remote teams write"]
    assert font.size == max(share_image.TITLE_SIZES)


def test_characters_the_font_lacks_are_left_out_instead_of_drawn_as_boxes():
    assert share_image._drawable("A thread 🧵 about Tokyo 東京", 30) == "A thread about Tokyo"
