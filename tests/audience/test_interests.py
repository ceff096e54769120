"""The interest classifier with the project's real offline encoder (multilingual-e5-small) and
the packaged taxonomy and calibration: what authors in several languages post about, the mix
of an author with two interests, no guess for too little text, one encoder call per batch."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from audience.interests import Calibration, InterestClassifier, default_classifier
from sensing.schemas import Author, RecentPost

WHEN = datetime(2026, 10, 1, tzinfo=UTC)


def author(bio: str, *posts: str) -> Author:
    return Author(id=f"t:{abs(hash((bio, posts)))}", source="t", bio=bio,
                  recent_posts=[RecentPost(id=str(i), created_at=WHEN, text=text)
                                for i, text in enumerate(posts)])


@pytest.fixture(scope="module")
def classifier() -> InterestClassifier:
    return default_classifier()


@pytest.mark.parametrize(("expected", "profile"), [
    ("parenting", author("두 아이 엄마", "둘째 이유식 시작했어요, 단호박 퓨레 잘 먹네요",
                         "어린이집 적응 기간이라 매일 울면서 등원해요")),
    ("travel", author("", "京都の旅館に泊まって朝ごはんが最高だった", "明日は嵐山を観光する予定")),
    ("nightlife", author("Noches de salsa", "Anoche cerramos el bar con cócteles de maracuyá",
                         "Karaoke hasta las 3 de la mañana con las amigas")),
    ("technology", author("Dev & Bastler", "Endlich meinen neuen Laptop mit 32 GB RAM "
                          "eingerichtet", "Das Firmware-Update fürs Smartphone ist da")),
    ("news_politics", author("", "Le débat sur la réforme des retraites à l'Assemblée hier "
                             "soir", "L'inflation recule encore selon l'Insee")),
    ("food_drink", author("", "Fiz pão de fermentação natural pela primeira vez",
                          "Receita de moqueca de peixe no domingo")),
    ("entertainment", author("追星女孩", "周末去看了新上映的电影，特效太震撼了",
                             "演唱会门票终于抢到了")),
])
def test_an_authors_main_interest_in_eight_languages(classifier: InterestClassifier,
                                                     expected: str, profile: Author) -> None:
    interests = classifier.classify([profile])[0]
    assert interests[0].category == expected, interests


def test_a_mixed_author_gets_both_shares_largest_first_summing_to_one(
        classifier: InterestClassifier) -> None:
    lifter = author("", "Leg day: squats and deadlifts at the gym", "New bench press PR today",
                    "Protein shake after a heavy gym session", "Booked a beach hotel in Bali")
    interests = classifier.classify([lifter])[0]
    shares = {i.category: i.share for i in interests}
    assert list(shares) == ["health_fitness", "travel"]
    assert shares["health_fitness"] == pytest.approx(0.75, abs=0.1)
    assert sum(shares.values()) == pytest.approx(1.0, abs=1e-3)
    gym = interests[0]
    assert gym.subcategory == "gym"
    assert sum(gym.subcategory_shares.values()) == pytest.approx(1.0, abs=1e-3)


def test_too_little_text_or_only_chatter_gets_no_interests(
        classifier: InterestClassifier) -> None:
    found = classifier.classify([author("", "lol"), author(""), author("", "😂😂", "ㅋㅋㅋㅋ")])
    assert found == [[], [], []]


class CountingModel:
    """The real encoder, counting its calls and the texts in each."""

    def __init__(self, model):
        self.model, self.calls = model, []

    def embed(self, texts: list[str], prefix: str) -> object:
        self.calls.append(len(texts))
        return self.model.embed(texts, prefix=prefix)


def test_a_batch_goes_through_the_encoder_once(classifier: InterestClassifier) -> None:
    counting = CountingModel(classifier.model)
    counted = InterestClassifier(counting, classifier.taxonomy, classifier.calibration)
    authors = [author("Runner", "10k this morning", "Marathon training week 6"),
               author("", "Cooking ramen broth from scratch"), author("", "ok")]
    counted.classify(authors)
    texts, descriptions = counting.calls
    assert texts == 5, "every text of every author in one call (the bio 'Runner' too)"
    assert descriptions == 10 * 6 * 8, "then each node's description in each language, once"
    counting.calls.clear()
    counted.classify(authors)
    assert counting.calls == [5], "the descriptions are embedded once per model"


def test_a_calibration_fitted_on_another_taxonomy_is_refused(
        classifier: InterestClassifier) -> None:
    stale = Calibration.read().model_copy(update={"taxonomy_digest": "0" * 64})
    with pytest.raises(ValueError, match="another taxonomy"):
        InterestClassifier(classifier.model, classifier.taxonomy, stale)
