"""Wider word lists for the everyday stories, and `recast`, which tells a story with them.

The everyday stories (`--wordings everyday`) are bAbI's stories retold; `recast` gives a share
of them other names (of many cultures, each of the sex its pronouns say), places, objects,
containers (task 18's boxes), animal kinds and colours, the same word for the same one all
through the story, so what each sentence and question means is unchanged. Task 20's places
and objects keep their words (a mood sends people to them), as do shapes and the chocolates.

Each list ends in a held-out part (the last `HELD_OUT` entries) that only test files use, as
world/words.py's lists do; `word_roles` gives roles to the seen part only.
"""

import functools
import random
import re
from dataclasses import replace

from chatbot.stories.world.words import (
    FEMALE,
    KINDS_15,
    KINDS_16,
    MALE,
    MOOD_OBJECT,
    MOOD_PLACE,
    OBJECTS,
    PLACES,
    PLURALS_16,
    WORD_CLASSES,
    pools,
)
from chatbot.stories.world.words import word_roles as babi_word_roles

EXTRA_FEMALE = (
    "Aaliyah Adaeze Adriana Afia Aiko Akosua Alejandra Alina Alma Amani Amina Anika Annika "
    "Anya Ayana Ayesha Chiamaka Chioma Dalia Darya Deepika Dilnoza Ebru Efua Elif Elin Emine "
    "Esi Farah Fatou Folake Gabriela Gulnara Hana Hadiza Haruka Hina Huong Ifeoma Ilse Imani "
    "Inga Isla Jamila Jia Juliana Kamala Kavya Kemi Khadija Kiana Kirsten Lakshmi Latoya "
    "Leilani Liesel Linh Lucia Luisa Malia Mariam Marisol Marta Maryam Mirela Misaki Nalani "
    "Nanami Neha Ngozi Niamh Nika Nilufar Oksana Olena Palesa Parisa Pilar Priyanka Quynh "
    "Rania Rashida Rekha Renata Rina Roya Sakura Salma Samira Sana Shira Sigrid Simone "
    "Siobhan Sunita Svetlana Tamar Tanvi Thandiwe Tomoko Valentina Wanjiru Ximena Yoko Yuki "
    "Yuna Zainab Zanele Zeynep Zuri Beatriz Catalina Dolores Esperanza Fernanda Lourdes "
    "Mercedes Paloma Soledad Anneke Birgit Dagmar Hilde Katja Maren Signe Solveig Astrid "
    "Kasia Zofia Aylin Defne Selin Ayumi Kaori Mariko Minji Jisoo Seoyeon Abena Adwoa Chinwe "
    "Nkechi Yetunde Ciara Aoife Saoirse Rhiannon Carys Maeve Deirdre Bridget Mireille Amelie "
    "Camille Celine Elodie Manon Margaux Giulia Chiara Francesca Alessia Martina Layla Dina "
    "Hiba Rana Reem Lina Esra Merve Shanice Keisha Tanisha Nomvula"
).split()
EXTRA_MALE = (
    "Abdul Abebe Adebayo Adnan Ahmed Akira Alejandro Ali Amir Anand Andrei Arjun Armando "
    "Arnav Bao Bilal Bogdan Carlos Chidi Chinedu Cheng Darius Dawit Duc Dusan Emeka Enrique "
    "Erik Esteban Fabio Faisal Fernando Florin Francisco Goran Haruto Hassan Ibrahim Imran "
    "Jabari Javier Jin Joao Juan Kaito Kamal Kazuki Kemal Kiran Kwame Kwabena Lamar Lorenzo "
    "Luca Luis Mahmoud Manuel Marcus Mehmet Mihai Minh Mohammed Mustafa Nasser Nikhil Nnamdi "
    "Obinna Olumide Orhan Pavel Pedro Pradeep Rahul Rajesh Ramon Rashid Reza Riccardo Rohan "
    "Ruben Ryo Salim Sanjay Santiago Sergei Shota Sipho Soren Suleiman Takeshi Tariq Tendai "
    "Thabo Theo Tomasz Tunde Umar Vikram Vladimir Wojciech Yasir Yohannes Yuto Zoltan Zoran "
    "Ahmad Bongani Eduardo Emilio Federico Giovanni Giuseppe Gonzalo Ignacio Joaquin Julian "
    "Leandro Matteo Nicolas Rodrigo Sergio Tiago Valentin Anders Bjorn Erling Henrik Jens "
    "Lukas Magnus Nils Olaf Sven Torsten Aidan Cian Declan Eoin Niall Rory Seamus Dylan "
    "Gareth Rhys Kojo Kwesi Amadou Moussa Ousmane Mamadou Minho Seojun Hao Jian Ming Arash "
    "Kaveh Ilya Oleg Yuri Karan Varun Aditya Siddharth Vivek"
).split()
EXTRA_PLACES = (
    "aquarium auditorium balcony barbershop bookshop bookstore boutique bungalow cabin "
    "cafeteria campsite canal cathedral cemetery cloakroom clubhouse college cottage "
    "courthouse diner dormitory driveway embassy farmhouse firehouse gallery gatehouse gazebo "
    "hostel hut inn jail kindergarten kiosk laundry mosque motel palace parlour pavilion "
    "planetarium porch sanctuary schoolyard shack showroom skatepark storeroom synagogue "
    "tavern toilet treehouse washroom backyard playroom sunroom mudroom study apartment "
    "mansion farmyard riverbank pond lagoon paddock pasture bazaar casino circus fairground "
    "racetrack arena rink abbey convent shrine brewery winery villa fort fortress dungeon "
    "vault bunker depot terminal subway allotment guesthouse bathhouse"
).split()
EXTRA_OBJECTS = (
    "badge balloon bandage battery bell belt bracelet brick broom brush button cable "
    "calculator calendar charger coin compass cork cushion doll earring eraser flashlight "
    "flask hairbrush keyboard keyring ladle laptop leash lipstick magazine magnet marble "
    "marker medal microphone mitten napkin needle newspaper novel padlock paddle pan parcel "
    "passport perfume photograph piano pin pipe poster puppet puzzle racket rake razor "
    "receipt remote robot ruler screwdriver shoe skateboard sketchbook slipper soap spatula "
    "sponge stapler statue stool tablet teacup telescope thermometer thermos toothbrush "
    "trophy trumpet tray trowel typewriter wand wrench biscuit cake cheese egg lemon melon "
    "onion peach pie potato sandwich tomato cucumber pineapple plum mango coconut pumpkin"
).split()
# Task 18's containers beside its own four (box, chest, container, suitcase).
CONTAINERS = (
    "drawer cupboard bag trunk crate wardrobe cabinet closet locker backpack sack carton "
    "tin briefcase barrel bin hamper satchel toolbox lunchbox shoebox cooler"
).split()
EXTRA_KINDS = {  # singular -> plural, as stories.rule_reader reads them
    "dog": "dogs", "cow": "cows", "pig": "pigs", "goat": "goats", "duck": "ducks",
    "bear": "bears", "fox": "foxes", "rabbit": "rabbits", "tiger": "tigers", "eagle": "eagles",
    "owl": "owls", "hen": "hens", "snake": "snakes", "monkey": "monkeys", "parrot": "parrots",
    "donkey": "donkeys", "camel": "camels", "zebra": "zebras", "giraffe": "giraffes",
    "panda": "pandas", "otter": "otters", "badger": "badgers", "hamster": "hamsters",
    "squirrel": "squirrels", "pigeon": "pigeons", "crow": "crows", "bee": "bees",
    "spider": "spiders", "lizard": "lizards", "turtle": "turtles", "whale": "whales",
    "shark": "sharks", "beaver": "beavers", "ferret": "ferrets", "falcon": "falcons",
    "hawk": "hawks", "kangaroo": "kangaroos", "koala": "koalas", "penguin": "penguins",
    "elephant": "elephants", "gorilla": "gorillas", "leopard": "leopards", "goose": "geese",
    "cheetah": "cheetahs", "toad": "toads", "hedgehog": "hedgehogs", "chicken": "chickens",
    "crab": "crabs", "ant": "ants", "seal": "seals",
}  # fmt: skip
EXTRA_COLOURS = (
    "black brown purple silver golden beige crimson scarlet turquoise navy maroon lilac indigo "
    "teal ivory amber khaki magenta cyan bronze"
).split()
HELD_OUT = {"names": 40, "places": 12, "objects": 14, "containers": 4, "kinds": 8, "colours": 4}

SHARE = 0.5  # of the stories told with other words, for each kind of word
KEPT = frozenset((*MOOD_PLACE.values(), *MOOD_OBJECT.values()))
OLD_KINDS = {**KINDS_15, **dict(zip(KINDS_16, PLURALS_16, strict=True))}
OLD_CONTAINERS = ("box", "chest", "container", "suitcase")
OLD_COLOURS = WORD_CLASSES["COLOUR"]
# A word, or task 18's "box of chocolates" whole (its "box" is no container of its own).
_WORD = re.compile(r"box of chocolates|[A-Za-z]+")
_AN = re.compile(r"\b([Aa]) (?=[aeiou])")  # "a owl" -> "an owl" (only kinds follow "a")


def _seen(words, held: int, split: str) -> tuple[str, ...]:
    return tuple(words) if split == "test" else tuple(words[:-held])


def lists(split: str) -> dict[str, tuple[str, ...]]:
    """The words a split's stories may be told with: all in test files, else the seen part.

    Returns:
        {"female", "male", "places", "objects", "containers", "kinds" (singular), "colours"}.
    """
    names, places, objects = pools(split)
    kinds, held = tuple(EXTRA_KINDS), HELD_OUT["names"] // 2
    return {
        "female": (*(n for n in names if n in FEMALE), *_seen(EXTRA_FEMALE, held, split)),
        "male": (*(n for n in names if n in MALE), *_seen(EXTRA_MALE, held, split)),
        "places": tuple(
            p for p in (*places, *_seen(EXTRA_PLACES, HELD_OUT["places"], split)) if p not in KEPT
        ),
        "objects": tuple(
            o
            for o in (*objects, *_seen(EXTRA_OBJECTS, HELD_OUT["objects"], split))
            if o not in KEPT
        ),
        "containers": (*OLD_CONTAINERS, *_seen(CONTAINERS, HELD_OUT["containers"], split)),
        "kinds": (*OLD_KINDS, *_seen(kinds, HELD_OUT["kinds"], split)),
        "colours": (*OLD_COLOURS, *_seen(EXTRA_COLOURS, HELD_OUT["colours"], split)),
    }


ALL_KINDS = {**OLD_KINDS, **EXTRA_KINDS}
_FROM = {  # the words `recast` replaces, by list
    "female": frozenset((*FEMALE, *EXTRA_FEMALE)),
    "male": frozenset((*MALE, *EXTRA_MALE)),
    "places": frozenset(PLACES) - KEPT,
    "objects": frozenset(OBJECTS) - KEPT,
    "containers": frozenset(OLD_CONTAINERS),
    "kinds": frozenset(OLD_KINDS),
    "colours": frozenset(OLD_COLOURS),
}
_LISTS = {split: lists(split) for split in ("train", "valid", "test")}
FEMALE_NAMES = frozenset((*FEMALE, *EXTRA_FEMALE))  # whom "she" means


def recast(lines: list, rng: random.Random, split: str) -> list:
    """A story's lines with, in a share of stories, other words for its people, places,
    objects, containers, kinds and colours (see the module's docstring).

    Args:
        lines: the story's `babi.Sentence` and `babi.Question` lines, in any wordings.
        rng: the stream the choices are drawn from.
        split: "train", "valid" or "test": only test stories use the held-out words.
    """
    words = set(_WORD.findall("\n".join(line.text for line in lines)))
    mapping: dict[str, str] = {}
    taken = {word.lower() for word in words}  # (and a kind's other form: "wolf", "wolves")
    told = {kind for kind, plural in OLD_KINDS.items() if kind in taken or plural in taken}
    taken |= {form for kind in told for form in (kind, OLD_KINDS[kind])}
    # (not "sheep", whose plural is itself: which of "Sheep"/"is a sheep" a new kind's is)
    told = {kind for kind in told if OLD_KINDS[kind] != kind}
    for name, old in _FROM.items():
        if rng.random() >= SHARE:
            continue
        found = sorted(words & old if name != "kinds" else told)
        pool = _LISTS[split][name]
        for word in found:
            new = rng.choice(pool)
            while new.lower() in taken:
                new = rng.choice(pool)
            taken |= {new.lower(), ALL_KINDS.get(new, new)}
            if name == "kinds":
                mapping |= _kind_forms(word, new)
            else:
                mapping[word] = new
    if not mapping:
        return lines
    # One pattern a story: the words it replaces ("box of chocolates" first, kept whole).
    pattern = _pattern("|".join(mapping))
    kinds = any(word in ALL_KINDS for word in mapping.values())
    out = []
    for line in lines:
        text = pattern.sub(lambda match: mapping.get(match.group(), match.group()), line.text)
        text = _AN.sub(r"\1n ", text) if kinds else text
        out.append(line if text == line.text else replace(line, text=text))
    return out


@functools.lru_cache(maxsize=1 << 14)  # stories of a task often name the same words
def _pattern(words: str) -> re.Pattern:
    return re.compile(rf"\b(?:box of chocolates|{words})\b")


def _kind_forms(old: str, new: str) -> dict[str, str]:
    """ "cat" -> "dog", "cats" -> "dogs", and their capitalised forms."""
    pairs = {old: new, OLD_KINDS[old]: ALL_KINDS[new]}
    return pairs | {a.capitalize(): b.capitalize() for a, b in pairs.items()}


def word_roles() -> tuple[dict[str, str], frozenset[str], dict[str, str]]:
    """world/words.py's `word_roles`, with the seen part of these lists given roles too:
    names, places, objects (and containers), kinds (and their plurals) and colours."""
    roles, kept, classes = babi_word_roles()
    seen = _LISTS["train"]
    extra = {
        **{name.lower(): "NAME" for name in (*seen["female"], *seen["male"])},
        **dict.fromkeys(seen["places"], "PLACE"),
        **dict.fromkeys((*seen["objects"], *seen["containers"]), "OBJECT"),
        **dict.fromkeys((*seen["kinds"], *(ALL_KINDS[kind] for kind in seen["kinds"])), "KIND"),
        **dict.fromkeys(seen["colours"], "COLOUR"),
    }
    return {**extra, **roles}, kept, classes
