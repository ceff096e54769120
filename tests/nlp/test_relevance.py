"""``relevance``: the campaign's product, or the query word in another sense?

These run the real multilingual encoder that the setup step builds (``sensing models
build``); no stand-in model is used."""

from __future__ import annotations

from datetime import datetime

import pytest

from analysis.pipeline import BatchContext, build_pipeline
from lab.evals.relevance import CAMPAIGNS, evaluate
from nlp.encoding import reading_model
from nlp.steps.relevance import CENTER, mentions, profile_text
from sensing.config import Settings
from sensing.schemas import Campaign
from tests.nlp.conftest import LAUNCH, post

PIPELINE = build_pipeline([{"step": "clean"}, {"step": "relevance"}])
AURORA = CAMPAIGNS["aurora"].model_copy(update={"negative_keywords": []})


def relevance(*texts: str, campaign=AURORA) -> list[float]:
    posts = [post(n, text) for n, text in enumerate(texts, 1)]
    return [p.relevance for p in PIPELINE.run(posts, BatchContext(campaign=campaign))]


def test_the_product_is_relevant_and_the_other_sense_is_not() -> None:
    laptop, lights = relevance("The Aurora 14 keyboard is lovely and the battery lasts all day",
                               "Saw the aurora over the fjord last night, green sky everywhere")
    assert laptop > 0.5 > lights


def test_a_post_in_another_language_is_compared_with_the_english_description() -> None:
    laptop, lights = relevance("오로라 14 노트북 팬 소음 없어서 좋아요",
                               "아이슬란드에서 오로라 봤어요 평생 잊지 못할 듯")
    assert laptop > 0.5 > lights


def test_negative_keywords_push_the_other_sense_down() -> None:
    text = "Northern lights tonight! the aurora was dancing for an hour"
    [without] = relevance(text)
    [with_negatives] = relevance(text, campaign=CAMPAIGNS["aurora"])
    assert with_negatives < without


def test_a_negative_keyword_written_out_halves_relevance() -> None:
    text = "Aurora 14 review: great keyboard, battery good for a full day"
    [plain] = relevance(text)
    [penalised] = relevance(text, campaign=AURORA.model_copy(
        update={"negative_keywords": ["keyboard"]}))
    assert penalised <= plain * 0.5 + 1e-6


def test_without_a_campaign_every_post_stays_relevant() -> None:
    [done] = PIPELINE.run([post(1, "anything at all")], BatchContext())
    assert done.relevance == 1.0


@pytest.mark.parametrize(("text", "keyword", "found"), [
    ("Freddie Mercury forever", "freddie mercury", True),
    ("mercuryx is not mercury", "mercury", True),
    ("mercuryx only", "mercury", False),        # whole words for Latin script
    ("ＦＲＥＤＤＩＥ mercury", "freddie", True),   # width and case folded
    ("오로라를 봤어요", "오로라", True),              # Korean particle attached
])
def test_negative_keyword_matching(text: str, keyword: str, found: bool) -> None:
    assert mentions(text, keyword) is found


def test_on_the_labelled_set_it_beats_keyword_matching() -> None:
    """Every post of the set matches its campaign's query, so keyword matching has precision
    0.5; the encoder with negative keywords must do far better without losing recall."""
    overall = evaluate()["all"]
    assert overall["keyword"].precision == pytest.approx(0.5)
    assert overall["+negatives"].precision >= 0.9
    assert overall["+negatives"].recall >= 0.85
    assert overall["+negatives"].f1 > overall["keyword"].f1 + 0.2


def test_a_campaign_without_description_uses_its_name_and_query() -> None:
    from sensing.schemas import Campaign
    bare = Campaign(id="m", name="Mercury e-bike", query="mercury",
                    launch_at=datetime(2026, 10, 16))
    bike, singer = relevance("Rode the Mercury e-bike to work, great motor and range",
                             "Freddie Mercury's voice still gives me chills", campaign=bare)
    assert bike > singer


GALAXY = Campaign(id="galaxy", name="Galaxy S30 launch", launch_at=LAUNCH,
                  query='galaxy OR "galaxy s30"',
                  description="Samsung's Galaxy S30 smartphone: camera, battery, display, price.")
GALAXY_PHONE = [
    "Galaxy S30 camera is insane in low light", "just preordered the galaxy s30, battery better "
    "be good", "갤럭시 S30 화면 진짜 밝다", "ギャラクシーS30の価格高すぎ",
    "El Galaxy S30 tiene la mejor pantalla", "Le Galaxy S30 chauffe un peu en jeu",
    "Das Galaxy S30 ist zu teuer", "O Galaxy S30 tira fotos lindas",
    "my old galaxy phone finally died, upgrading", "Galaxy S30 vs iPhone, which one?"]
OTHER_GALAXIES = [
    "The Andromeda galaxy is 2.5 million light years away",
    "Guardians of the Galaxy is my comfort movie", "은하 galaxy 사진 찍었어요 밤하늘 최고",
    "銀河 galaxy の写真、天の川がきれい", "La galaxia espiral M51 vista con mi telescopio",
    "Galaxy, le nouveau parfum, sent la vanille", "Die Milchstraße ist unsere Galaxie",
    "Galaxy chocolate bar is the best snack", "LA Galaxy won the match tonight",
    "a galaxy of stars at the premiere last night"]


def test_the_calibration_point_sits_between_a_product_and_its_other_senses() -> None:
    """How ``center`` was chosen, away from the evaluation set: the midpoint of the mean
    similarity of posts about a Galaxy phone and posts about other galaxies."""
    model = reading_model(Settings().encoder_path, Settings())
    profile = model.embed([profile_text(GALAXY)], prefix="")[0]

    def mean_similarity(texts: list[str]) -> float:
        return float((model.embed(texts, prefix="") @ profile).mean())

    phone, other = mean_similarity(GALAXY_PHONE), mean_similarity(OTHER_GALAXIES)
    assert abs(CENTER - (phone + other) / 2) < 0.005
    assert relevance(*GALAXY_PHONE[:2], *OTHER_GALAXIES[:2], campaign=GALAXY) == pytest.approx(
        [1, 1, 0, 0], abs=0.3)
