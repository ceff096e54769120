"""Subject labels: the documented ImageNet -> taxonomy table, and the real classifier and cues
on real photos (scikit-image's bundled samples: a cat, a cup of coffee, an astronaut, a
photographer with his tripod) and on pictures drawn here (a screenshot, a product shot)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from skimage import data

from vision.labels import ImageModelError, label_image, labeller
from vision.taxonomy import (
    CITY,
    CLASS_TO_LABEL,
    FASHION,
    FOOD,
    IMAGENET,
    LABELS,
    OTHER,
    PEOPLE,
    PETS,
    PRODUCT,
    PROMPTS,
    SPORTS,
    TECH,
    TEXT,
    TRAVEL,
    imagenet_scores,
)


def photo(name: str) -> Image.Image:
    return Image.fromarray(getattr(data, name)())


def top(labels: list[dict]) -> tuple[str, str]:
    return labels[0]["label"], labels[0]["model"]


def screenshot() -> Image.Image:
    """A chat app's screen: a title bar and fourteen lines of messages on white."""
    image = Image.new("RGB", (360, 640), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 360, 36), fill=(40, 90, 200))
    for row in range(14):
        draw.text((16, 52 + row * 40), f"message {row}: see you at the launch tonight",
                  font=ImageFont.load_default(size=15), fill="black")
    return image


def product_shot() -> Image.Image:
    """A phone from behind, alone on a light studio background."""
    image = Image.new("RGB", (400, 400), (245, 245, 245))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((140, 80, 260, 320), radius=18, fill=(30, 60, 160),
                           outline=(200, 200, 210), width=3)
    for y in (110, 140, 170):
        draw.ellipse((155, y - 10, 175, y + 10), fill=(5, 5, 8), outline=(120, 120, 140),
                     width=2)
    return image


# The table --------------------------------------------------------------------------------

def test_every_imagenet_class_has_one_label_at_most_and_every_label_has_prompts():
    listed = [i for ids in IMAGENET.values() for i in ids]
    assert len(listed) == len(set(listed)), "a class is listed under two labels"
    assert all(0 <= i < 1000 for i in listed)
    assert set(IMAGENET) == set(LABELS) == set(PROMPTS)


@pytest.mark.parametrize(("class_id", "label"), [
    (963, FOOD),  # pizza
    (967, FOOD),  # espresso
    (907, FOOD),  # wine bottle
    (978, TRAVEL),  # seashore
    (970, TRAVEL),  # alp
    (292, TRAVEL),  # tiger: wild animals are nature photography
    (207, PETS),  # golden retriever
    (281, PETS),  # tabby
    (88, PETS),  # macaw
    (487, TECH),  # cellular telephone
    (759, TECH),  # reflex camera
    (770, FASHION),  # running shoe
    (629, FASHION),  # lipstick
    (805, SPORTS),  # soccer ball
    (920, CITY),  # traffic light
    (817, CITY),  # sports car
    (916, TEXT),  # web site
    (692, PRODUCT),  # packet
    (982, PEOPLE),  # groom
])
def test_documented_classes_map_to_their_labels(class_id, label):
    assert LABELS[CLASS_TO_LABEL[class_id]] == label


def test_unlisted_classes_count_as_other():
    probabilities = np.zeros(1000)
    probabilities[999] = 1.0  # toilet tissue
    scores = imagenet_scores(probabilities)
    assert scores[OTHER] == 1.0
    assert all(scores[label] == 0.0 for label in LABELS)


def test_a_label_scores_the_summed_probability_of_its_classes():
    probabilities = np.zeros(1000)
    probabilities[[151, 207, 250]] = 0.2  # three dog breeds: no single one is sure
    probabilities[963] = 0.3  # pizza
    probabilities[999] = 0.1
    scores = imagenet_scores(probabilities)
    assert scores[PETS] == pytest.approx(0.6)
    assert scores[FOOD] == pytest.approx(0.3)
    assert scores[OTHER] == pytest.approx(0.1)
    assert sum(scores.values()) == pytest.approx(1.0)


def test_a_wrong_number_of_probabilities_is_refused():
    with pytest.raises(ValueError, match="1000"):
        imagenet_scores([0.5, 0.5])


# The classifier and the cues on real images ----------------------------------------------

@pytest.mark.parametrize(("name", "label"), [
    ("chelsea", PETS),  # a tabby cat
    ("coffee", FOOD),  # a cup of coffee on a saucer
    ("camera", TECH),  # a photographer and his camera on a tripod
])
def test_sample_photos_get_their_subject_from_the_classifier(name, label):
    labels = label_image(photo(name))
    assert top(labels) == (label, "efficientnet-lite0")
    assert labels[0]["score"] > 0.8


def test_a_face_makes_people_and_a_close_face_makes_a_selfie():
    astronaut = photo("astronaut")
    portrait = label_image(astronaut)
    selfie = label_image(astronaut.crop((130, 0, 370, 260)))  # the face fills the frame
    assert top(portrait) == (PEOPLE, "lbp-frontalface")
    assert top(selfie) == (PEOPLE, "lbp-frontalface")
    assert 0.5 <= portrait[0]["score"] < selfie[0]["score"] <= 1.0
    assert selfie[0]["score"] > 0.9


def test_a_cat_face_is_not_taken_for_a_person():
    assert PEOPLE not in {entry["label"] for entry in label_image(photo("chelsea"))}


def test_lines_of_text_make_a_screenshot_and_a_photo_has_none():
    assert top(label_image(screenshot())) == (TEXT, "image-cues")
    assert top(label_image(photo("page"))) == (TEXT, "image-cues")  # a scanned page
    assert TEXT not in {entry["label"] for entry in label_image(photo("coffee"))}


def test_one_object_on_a_plain_background_is_a_product_shot():
    labels = label_image(product_shot())
    assert top(labels) == (PRODUCT, "image-cues")
    assert PRODUCT not in {entry["label"] for entry in label_image(photo("chelsea"))}


def test_labels_are_sorted_scored_and_few():
    labels = label_image(photo("astronaut"))
    scores = [entry["score"] for entry in labels]
    assert scores == sorted(scores, reverse=True)
    assert 1 <= len(labels) <= 3
    assert all(0.2 <= score <= 1.0 for score in scores)
    assert all(set(entry) == {"label", "score", "model"} for entry in labels)


# Odd input --------------------------------------------------------------------------------

@pytest.mark.parametrize("image", [
    Image.new("RGB", (300, 200), (0, 0, 0)),
    Image.new("RGB", (300, 200), (128, 128, 128)),
    Image.new("RGB", (1, 1), (200, 10, 10)),
    Image.new("RGB", (6000, 8), (10, 200, 10)),
], ids=["black", "grey", "one-pixel", "a-thin-strip"])
def test_blank_and_tiny_images_are_other(image):
    assert label_image(image) == [{"label": OTHER, "score": 1.0, "model": "image-cues"}]


@pytest.mark.parametrize("mode", ["L", "RGBA", "P", "CMYK", "1", "I;16"])
def test_any_pillow_mode_is_labelled(mode):
    cat = photo("chelsea").convert("L" if mode == "I;16" else "RGB").convert(mode)
    assert top(label_image(cat))[0] == PETS


def test_a_huge_photo_costs_no_more_than_a_small_one():
    huge = photo("coffee").resize((6000, 4000))
    assert top(label_image(huge)) == (FOOD, "efficientnet-lite0")


# Loading ----------------------------------------------------------------------------------

def test_the_model_loads_once_and_threads_share_it():
    images = [photo(name) for name in ("chelsea", "coffee", "camera", "astronaut")]
    expected = [label_image(image) for image in images]
    results: dict[int, list[dict]] = {}

    def work(i: int) -> None:
        results[i] = label_image(images[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(images))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[i] for i in range(len(images))] == expected
    assert labeller(None) is labeller(None)


def test_a_missing_zero_shot_model_is_a_clear_error(tmp_path):
    with pytest.raises(ImageModelError, match="SENSING_IMAGE_MODEL"):
        label_image(photo("coffee"), image_model=str(tmp_path / "no-such-clip"))


def test_a_directory_that_is_not_a_model_is_a_clear_error(tmp_path):
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(ImageModelError, match="cannot be loaded as a zero-shot image model"):
        label_image(photo("coffee"), image_model=str(tmp_path))


@pytest.fixture(scope="module")
def tiny_clip(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A CLIP model directory as a user would configure, built here: randomly initialised,
    a few thousand parameters, a word-level tokenizer knowing the prompts' words. Its
    judgement is noise; what it proves is that the zero-shot code path runs end to end."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import (
        CLIPConfig,
        CLIPImageProcessor,
        CLIPModel,
        CLIPProcessor,
        PreTrainedTokenizerFast,
    )

    words = sorted({word for prompts in PROMPTS.values() for prompt in prompts
                    for word in prompt.replace("-", " ").lower().split()})
    specials = ["[PAD]", "[UNK]", "<|startoftext|>", "<|endoftext|>"]
    vocab = {token: i for i, token in enumerate(specials + words)}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    config = CLIPConfig(
        text_config={"vocab_size": len(vocab), "hidden_size": 32, "intermediate_size": 64,
                     "num_hidden_layers": 1, "num_attention_heads": 2,
                     "max_position_embeddings": 32, "pad_token_id": 0, "bos_token_id": 2,
                     "eos_token_id": 3},
        vision_config={"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1,
                       "num_attention_heads": 2, "image_size": 32, "patch_size": 8},
        projection_dim=16)
    path = tmp_path_factory.mktemp("models") / "tiny-clip"
    CLIPModel(config).save_pretrained(path)
    CLIPProcessor(
        image_processor=CLIPImageProcessor(size={"shortest_edge": 32},
                                           crop_size={"height": 32, "width": 32}),
        tokenizer=PreTrainedTokenizerFast(tokenizer_object=tokenizer, pad_token="[PAD]",
                                          unk_token="[UNK]", bos_token="<|startoftext|>",
                                          eos_token="<|endoftext|>"),
    ).save_pretrained(path)
    return str(path)


def test_a_configured_zero_shot_model_scores_the_whole_taxonomy(tiny_clip):
    model = labeller(tiny_clip)
    scores = model.scores(photo("coffee"))
    assert set(scores) == {*LABELS, OTHER}
    assert sum(scores[label] for label in LABELS) == pytest.approx(1.0, abs=1e-5)
    assert all(score > 0 for label, score in scores.items() if label != OTHER)
    assert labeller(tiny_clip) is model


def test_the_cues_still_apply_with_a_zero_shot_model(tiny_clip):
    labels = label_image(screenshot(), image_model=tiny_clip)
    assert top(labels) == (TEXT, "image-cues")
    assert {entry["model"] for entry in label_image(photo("coffee"), image_model=tiny_clip)} \
        <= {"tiny-clip", "image-cues", "lbp-frontalface"}
