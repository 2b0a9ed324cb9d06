"""Image, video and download blocks: alt text, captions, transcripts, never autoplay."""

import uuid

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from apps.courses.models import LessonPage

pytestmark = pytest.mark.django_db


def test_media_blocks_render_accessibly(client, tree):
    image = Image.objects.create(title="Gabbard", file=get_test_image_file())
    video = Document.objects.create(title="Intro", file=ContentFile(b"\x00" * 64, name="intro.mp4"))
    captions = Document.objects.create(
        title="Intro captions",
        file=ContentFile(b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n", name="intro.vtt"),
    )
    pdf = Document.objects.create(
        title="IADC guidelines", file=ContentFile(b"%PDF-1.4", name="iadc.pdf")
    )
    lesson = LessonPage.objects.get(pk=tree.lessons[0].pk)
    body = list(lesson.body.raw_data)
    body[:0] = [
        {
            "type": "figure",
            "id": str(uuid.uuid4()),
            "value": {
                "image": image.pk,
                "alt": "Debris fragments plotted by period",
                "caption": "Gabbard diagram",
            },
        },
        {
            "type": "video",
            "id": str(uuid.uuid4()),
            "value": {
                "title": "Introduction",
                "file": video.pk,
                "captions": captions.pk,
                "embed": None,
                "transcript": "<p>Hello, learners.</p>",
            },
        },
        {
            "type": "download",
            "id": str(uuid.uuid4()),
            "value": {"document": pdf.pk, "description": "The source"},
        },
    ]
    lesson.body = body
    lesson.save_revision().publish()
    html = client.get(lesson.url).content.decode()
    assert (
        'alt="Debris fragments plotted by period"' in html
        and "<figcaption>Gabbard diagram</figcaption>" in html
    )
    assert '<video controls preload="none"' in html and "autoplay" not in html
    assert '<track kind="captions"' in html and "Hello, learners." in html
    assert "IADC guidelines" in html and "download" in html


def test_video_without_file_or_embed_is_refused():
    from django.core.exceptions import ValidationError

    from apps.courses.blocks import VideoBlock

    block = VideoBlock()
    value = block.to_python(
        {"title": "x", "file": None, "captions": None, "embed": None, "transcript": "<p>t</p>"}
    )
    with pytest.raises(ValidationError):
        block.clean(value)


def test_figure_requires_alt_text():
    from django.core.exceptions import ValidationError

    from apps.courses.blocks import FigureBlock

    image = Image.objects.create(title="x", file=get_test_image_file())
    block = FigureBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"image": image.pk, "alt": "", "caption": ""}))
