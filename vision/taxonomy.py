"""The marketing taxonomy of image subjects, and how ImageNet's 1000 classes map onto it.

Analysts ask "what do people photograph?" in marketing terms (food, travel, selfies,
gadgets...), not in ImageNet's (1000 fine-grained objects and 118 dog breeds), so every
classifier's output is expressed in :data:`LABELS`. For the offline ImageNet classifier,
:data:`IMAGENET` lists the class ids that count as evidence for each label; a label's score
is the summed probability of its classes (118 dog breeds that share 0.9 of the probability
make "pets" 0.9, although no single breed is sure). Classes in no list count towards
:data:`OTHER`.

Choices worth knowing when reading the figures:

- Wild animals, plants, fungi, landmarks, boats and aircraft are "travel & landscape":
  nature and sightseeing photography. Pets are dogs, domestic cats, rabbits kept as pets,
  hamsters, guinea pigs, parrots and goldfish.
- Cars, buses, trains, street furniture and shop fronts are "night & city": street scenes.
- Worn things (clothes, shoes, bags, jewellery, cosmetics) are "fashion & beauty"; balls,
  rackets, gym gear and sports vehicles are "sports".
- Packaged goods (cartons, packets, bottles of lotion or pills) are "product shot", which the
  labeller also gives to a single object on a plain background, whatever the object.
- ImageNet has almost no people classes: "people & selfies" comes from face detection, and
  "text/screenshot" mainly from image cues (see :mod:`vision.labels`); the few ImageNet
  classes of each are listed here all the same.

Class names are ImageNet's (WordNet) names, in the comments next to their ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

FOOD = "food & drink"
TRAVEL = "travel & landscape"
PEOPLE = "people & selfies"
PETS = "pets"
TECH = "gadgets & tech"
FASHION = "fashion & beauty"
SPORTS = "sports"
CITY = "night & city"
TEXT = "text/screenshot"
PRODUCT = "product shot"
OTHER = "other"

LABELS: tuple[str, ...] = (FOOD, TRAVEL, PEOPLE, PETS, TECH, FASHION, SPORTS, CITY, TEXT,
                           PRODUCT)
"""The subjects, in display order; :data:`OTHER` is what none of them fits."""

NUM_CLASSES = 1000


def _ids(*parts: int | range) -> tuple[int, ...]:
    """Class ids from single ids and inclusive-exclusive ranges, as written in the table."""
    return tuple(i for part in parts for i in (part if isinstance(part, range) else (part,)))


IMAGENET: Mapping[str, tuple[int, ...]] = {
    FOOD: _ids(
        range(923, 958),  # plate, guacamole, consomme, hot pot ... pizza-like dishes, fruit
        range(959, 970),  # carbonara, chocolate sauce, dough, meat loaf, pizza, potpie,
                          # burrito, red wine, espresso, cup, eggnog
        987, 998,  # corn, ear (of corn)
        440, 441, 503, 504, 505, 572, 737, 809, 849, 901, 907,  # beer bottle, beer glass,
        # cocktail shaker, coffee mug, coffeepot, goblet, pop bottle, soup bowl, teapot,
        # whiskey jug, wine bottle
        415, 467, 509, 762,  # bakery, butcher shop, confectionery, restaurant
        567, 909, 659, 766, 550, 899, 725, 773, 828, 910, 868, 532,  # frying pan, wok,
        # mixing bowl, rotisserie, espresso maker, water jug, pitcher, saltshaker, strainer,
        # wooden spoon, tray, dining table
    ),
    TRAVEL: _ids(
        0, range(2, 87), range(91, 151),  # fish, birds, reptiles, amphibians,
        # invertebrates, sea mammals (parrots and goldfish are pets)
        range(269, 281), range(286, 330), range(334, 338), range(339, 398),  # wolves,
        # foxes, big cats, bears, insects, hares, rodents, hoofed animals, primates,
        # elephants, pandas, fish
        330, 331,  # wood rabbit, hare
        970, range(972, 981),  # alp, cliff, coral reef, geyser, lakeside,
        # promontory, sandbar, seashore, valley, volcano
        958, 984, 985, 986, 988, 989, 990, range(991, 998),  # hay, rapeseed, daisy,
        # lady's slipper, acorn, hip, buckeye, fungi
        483, 497, 538, 663, 668, 698, 832, 873, 682, 649, 500,  # castle, church, dome,
        # monastery, mosque, palace, stupa, triumphal arch, obelisk, megalith,
        # cliff dwelling
        525, 460, 718, 449, 425, 821, 839, 888, 437,  # dam, breakwater, pier, boathouse,
        # barn, steel arch bridge, suspension bridge, viaduct, beacon
        672, 915, 853, 797,  # mountain tent, yurt, thatch, sleeping bag
        472, 484, 576, 628, 780, 814, 871, 914, 554, 625, 694,  # canoe, catamaran, gondola,
        # liner, schooner, speedboat, trimaran, yawl, fireboat, lifeboat, paddlewheel
        404, 405, 417, 701, 820,  # airliner, airship, balloon, parachute, steam locomotive
    ),
    PEOPLE: _ids(982),  # groom
    PETS: _ids(
        1,  # goldfish
        range(87, 91),  # African grey, macaw, sulphur-crested cockatoo, lorikeet
        range(151, 269),  # dogs: Chihuahua ... Mexican hairless
        range(281, 286),  # tabby, tiger cat, Persian cat, Siamese cat, Egyptian cat
        332, 333, 338,  # Angora (rabbit), hamster, guinea pig
    ),
    TECH: _ids(
        487, 527, 508, 590, 620, 681, 664, 782, 851,  # cellular telephone, desktop computer,
        # computer keyboard, hand-held computer, laptop, notebook, monitor, screen,
        # television
        673, 662, 592, 605, 613, 761, 810, 878,  # mouse, modem, hard disc, iPod, joystick,
        # remote control, space bar, typewriter keyboard
        632, 482, 485, 754, 848, 598, 548, 650,  # loudspeaker, cassette player, CD player,
        # radio, tape player, home theater, entertainment center, microphone
        732, 759, 622, 872, 745, 447,  # Polaroid camera, reflex camera, lens cap, tripod,
        # projector, binoculars
        742, 713, 528, 531, 530, 688, 826,  # printer, photocopier, dial telephone, digital
        # watch, digital clock, oscilloscope, stopwatch
    ),
    FASHION: _ids(
        399, 445, 451, 452, 457, 459, 474, 501, 502, 514, 515,  # abaya, bikini, bolo tie,
        # bonnet, bow tie, brassiere, cardigan, cloak, clog, cowboy boot, cowboy hat
        552, 568, 578, 601, 608, 614, 630, 638, 639, 655, 689,  # feather boa, fur coat, gown,
        # hoopskirt, jean, kimono, Loafer, maillot, tank suit, miniskirt, overskirt
        697, 735, 770, 774, 775, 806, 808, 824, 834, 841, 842,  # pajama, poncho, running
        # shoe, sandal, sarong, sock, sombrero, stole, suit, sweatshirt, swimming trunks
        869, 906, 414, 748, 893, 464, 679, 836, 837, 885, 903,  # trench coat, Windsor tie,
        # backpack, purse, wallet, buckle, necklace, sunglass, sunglasses, velvet, wig
        551, 584, 585, 629, 631, 711, 838,  # face powder, hair slide, hair spray, lipstick,
        # lotion, perfume, sunscreen
    ),
    SPORTS: _ids(
        981, 983,  # ballplayer, scuba diver
        429, 430, 522, 574, 722, 746, 768, 805, 852, 890,  # baseball, basketball, croquet
        # ball, golf ball, ping-pong ball, puck, rugby ball, soccer ball, tennis ball,
        # volleyball
        416, 422, 543, 602, 702, 747, 752,  # balance beam, barbell, dumbbell, horizontal
        # bar, parallel bars, punching bag, racket
        450, 575, 795, 802, 671, 444, 880, 573, 751,  # bobsled, golfcart, ski, snowmobile,
        # mountain bike, tandem, unicycle, go-kart, racer
        801, 693, 615, 518, 560, 781, 610,  # snorkel, paddle, knee pad, crash helmet,
        # football helmet, scoreboard, jersey
    ),
    CITY: _ids(
        920, 919, 829, 874, 468, 779, 654, 734, 704, 640, 707,  # traffic light, street sign,
        # streetcar, trolleybus, cab, school bus, minibus, police van, parking meter,
        # manhole cover, pay-phone
        466, 547, 565, 705, 511, 817, 627, 436, 656, 661, 717,  # bullet train, electric
        # locomotive, freight car, passenger car, convertible, sports car, limousine,
        # beach wagon, minivan, Model T, pickup
        609, 675, 864, 867, 569, 555, 407, 670, 665,  # jeep, moving van, tow truck, trailer
        # truck, garbage truck, fire engine, ambulance, motor scooter, moped
        498, 727, 424, 454, 582, 788, 860, 865, 886, 480,  # cinema, planetarium, barbershop,
        # bookshop, grocery store, shoe shop, tobacco shop, toyshop, vending machine,
        # cash machine
        818, 819, 900,  # spotlight, stage, water tower
    ),
    TEXT: _ids(916, 917, 918, 921, 922, 446, 549),  # web site, comic book, crossword puzzle,
    # book jacket, menu, binder, envelope
    PRODUCT: _ids(478, 692, 720, 898, 455, 804),  # carton, packet, pill bottle, water
    # bottle, bottlecap, soap dispenser
}


def _class_to_label() -> np.ndarray:
    """An array: ImageNet class id -> index into :data:`LABELS`, or -1 for :data:`OTHER`."""
    table = np.full(NUM_CLASSES, -1, dtype=np.int64)
    for index, label in enumerate(LABELS):
        for class_id in IMAGENET.get(label, ()):
            if table[class_id] != -1:
                raise ValueError(f"ImageNet class {class_id} is listed under both "
                                 f"{LABELS[table[class_id]]!r} and {label!r}")
            table[class_id] = index
    return table


CLASS_TO_LABEL = _class_to_label()


def imagenet_scores(probabilities: Iterable[float]) -> dict[str, float]:
    """ImageNet class probabilities (1000, summing to 1) -> a score per label and
    :data:`OTHER`: the summed probability of the label's classes."""
    probs = np.asarray(list(probabilities) if not isinstance(probabilities, np.ndarray)
                       else probabilities, dtype=np.float64)
    if probs.shape != (NUM_CLASSES,):
        raise ValueError(f"expected {NUM_CLASSES} ImageNet probabilities, got {probs.shape}")
    sums = np.bincount(CLASS_TO_LABEL + 1, weights=probs, minlength=len(LABELS) + 1)
    scores = {label: float(sums[i + 1]) for i, label in enumerate(LABELS)}
    scores[OTHER] = float(sums[0])
    return scores


PROMPTS: Mapping[str, tuple[str, ...]] = {
    FOOD: ("a photo of food", "a photo of a drink", "a photo of a meal at a restaurant"),
    TRAVEL: ("a landscape photo", "a travel photo of a famous place", "a photo of nature"),
    PEOPLE: ("a selfie", "a photo of a person", "a photo of a group of people"),
    PETS: ("a photo of a pet dog", "a photo of a pet cat", "a photo of a pet"),
    TECH: ("a photo of a smartphone", "a photo of a camera", "a photo of a gadget"),
    FASHION: ("a fashion photo of an outfit", "a photo of make-up or cosmetics",
              "a photo of shoes or a handbag"),
    SPORTS: ("a photo of people playing sport", "a photo of sports equipment"),
    CITY: ("a photo of a city street", "a photo of a city at night", "a photo of a car"),
    TEXT: ("a screenshot", "a photo of a document with text", "a meme with text"),
    PRODUCT: ("a product photo on a plain background", "a photo of a product box"),
}
"""Prompts for a zero-shot (CLIP-style) model: a label's score is the summed probability of
its prompts, so each label's prompts describe it in the words an image caption would use."""
