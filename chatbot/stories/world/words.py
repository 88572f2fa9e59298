"""The words of the world: bAbI's own, and the much longer lists mixed stories draw from.

Each long list ends in a held-out part (the last `HELD_OUT` entries of it, listed separately
below) that training and validation files never use: only test files do, so that a test can
ask about names, places and objects a model never saw.
"""

from dataclasses import dataclass

# ---- bAbI's words, task by task ---------------------------------------------------------------
BABI_PEOPLE = ("Daniel", "John", "Mary", "Sandra")  # tasks 1-3, 6-9, 11-13
BABI_PEOPLE_5 = ("Bill", "Fred", "Jeff", "Mary")
BABI_PEOPLE_10 = ("Bill", "Fred", "Julie", "Mary")  # tasks 10 and 14
BABI_PEOPLE_20 = ("Antoine", "Jason", "Sumit", "Yann")
BABI_ANIMAL_NAMES_15 = ("Emily", "Gertrude", "Jessica", "Winona")
BABI_ANIMAL_NAMES_16 = ("Bernhard", "Brian", "Greg", "Julius", "Lily")
BABI_PLACES = ("bathroom", "bedroom", "garden", "hallway", "kitchen", "office")
BABI_PLACES_10 = ("bedroom", "cinema", "kitchen", "office", "park", "school")  # and task 14
BABI_OBJECTS = ("apple", "football", "milk")
MOVES = ("moved to", "went to", "journeyed to", "travelled to", "went back to")
PICKS = ("got", "took", "picked up", "grabbed")
DROPS = ("dropped", "discarded", "put down", "left")
GIVES = ("gave", "handed", "passed")
THEN = ("Then", "After that", "Afterwards", "Following that")  # tasks 11 and 13
DIRECTIONS = {"north": (0, 1), "south": (0, -1), "east": (1, 0), "west": (-1, 0)}
KINDS_15 = {"cat": "cats", "mouse": "mice", "sheep": "sheep", "wolf": "wolves"}
KINDS_16 = ("frog", "lion", "rhino", "swan")
PLURALS_16 = ("frogs", "lions", "rhinos", "swans")  # never told in bAbI, but people say them
COLOURS = ("gray", "green", "white", "yellow")  # bAbI spells "gray"
MOODS = ("hungry", "thirsty", "tired", "bored")
MOOD_PLACE = {"hungry": "kitchen", "thirsty": "kitchen", "tired": "bedroom", "bored": "garden"}
MOOD_OBJECT = {"hungry": "apple", "thirsty": "milk", "tired": "pajamas", "bored": "football"}

# ---- the long lists ---------------------------------------------------------------------------
# No name is also a word of a sentence or question ("Will", "May"), so a name reads as a name.
FEMALE = (
    "Mary Sandra Julie Emily Gertrude Jessica Winona Lily Abigail Ada Agnes Alice Amelia Anna "
    "Beatrice Bella Bianca Camila Carmen Caroline Chloe Clara Daisy Deborah Diana Dora Edith "
    "Eleanor Elena Eliza Ella Elsa Emma Esther Eva Fatima Fiona Flora Frances Freya Gemma "
    "Georgia Greta Hannah Harriet Hazel Helen Ida Ines Irene Iris Isabel Ivy Jane Jasmine "
    "Joanna Josephine Judith Julia Karen Kate Laura Leah Lena Lucy Lydia Mabel Maria Martha "
    "Matilda Maya Megan Mia Miriam Nadia Naomi Nina Nora Olga Olivia Paula Penelope Phoebe "
    "Priya Rachel Rebecca Rita Ruth Sara Selma Sofia Sophie Stella Susan Tara Tessa Ursula "
    "Vera Victoria Wendy Yara Yasmin Zoe Zara Aisha Amara Keiko Ingrid Leila Mei Noor Saanvi"
).split()
MALE = (
    "Daniel John Bill Fred Jeff Bernhard Brian Greg Julius Antoine Jason Sumit Yann Aaron "
    "Adam Albert Alex Andrew Arthur Benjamin Bruno Caleb Carl Charles Colin Connor David "
    "Dennis Diego Dmitri Edgar Edward Elias Eric Ethan Felix Frank George Gordon Harold Harry "
    "Henry Hugo Ian Isaac Ivan Jack Jacob James Jonas Jorge Joseph Kevin Kofi Lars Leo Liam "
    "Louis Lucas Luke Malik Marco Martin Max Michael Miguel Nathan Neil Noah Oliver Omar "
    "Oscar Owen Pablo Patrick Paul Peter Philip Rafael Ravi Raymond Robert Roger Samuel "
    "Sebastian Simon Stefan Steven Thomas Tim Tobias Victor Walter Xavier Yusuf Zach Hiroshi "
    "Kenji Mateo Emil Anton Boris Cyril Dario Farid Gustav Hamid Igor Jamal Karim Nikolai"
).split()
PLACES = (
    "bathroom bedroom garden hallway kitchen office cinema park school attic cellar library "
    "bakery bank barn beach cafe canteen castle chapel church classroom clinic corridor "
    "courtyard dairy den lounge docks factory farm forest garage gym harbour hospital "
    "hotel island jungle laboratory lake lobby market meadow mill museum nursery orchard "
    "pantry pharmacy playground pool ward prison pub restaurant shed shop stable "
    "stadium station studio supermarket swamp temple theatre tower valley village vineyard "
    "warehouse workshop zoo airport arcade bridge camp cave desert garret greenhouse hangar "
    "kennel loft mall marina monastery observatory pier plaza quarry ranch salon "
    "sauna forum stairwell store terrace tunnel university veranda yard ballroom basement "
    "boathouse chalet conservatory lighthouse"
).split()
OBJECTS = (
    "apple football milk pajamas ball book cup bottle banana basket blanket bowl key "
    "bucket camera candle cap carrot chair clock coat comb cookie crayon drum envelope "
    "feather flute fork glove guitar hammer hat helmet jacket jar kettle kite knife ladder "
    "lamp lantern letter map mirror mug necklace notebook orange paintbrush pear pen pencil "
    "phone pillow plate radio ribbon ring rope saucepan scarf scissors shovel sock spoon "
    "stamp sweater teapot ticket torch towel toy umbrella vase violin wallet watch whistle"
).split()
HELD_OUT = {"names": 40, "places": 20, "objects": 12}  # the last so many of each list
HELD_OUT_FEMALE, HELD_OUT_MALE = FEMALE[-HELD_OUT["names"] // 2 :], MALE[-HELD_OUT["names"] // 2 :]
HELD_OUT_PLACES = PLACES[-HELD_OUT["places"] :]
HELD_OUT_OBJECTS = OBJECTS[-HELD_OUT["objects"] :]


@dataclass(frozen=True)
class Words:
    """The words one story is told with: its cast, places, objects and verbs of motion."""

    people: tuple[str, ...]
    places: tuple[str, ...]
    objects: tuple[str, ...]
    moves: tuple[str, ...]
    female: frozenset[str] = frozenset(FEMALE)


def pools(split: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Names, places and objects a split may use: all of them in test files, else the seen part.

    Args:
        split: "train", "valid" or "test".

    Returns:
        (names, places, objects).
    """
    if split == "test":
        return (*FEMALE, *MALE), tuple(PLACES), tuple(OBJECTS)
    names = (*FEMALE[: -len(HELD_OUT_FEMALE)], *MALE[: -len(HELD_OUT_MALE)])
    return names, tuple(PLACES[: -len(HELD_OUT_PLACES)]), tuple(OBJECTS[: -len(HELD_OUT_OBJECTS)])


# Closed word classes: set aside in a sentence's shape, but kept as words (they carry meaning).
WORD_CLASSES = {
    "COLOUR": (*COLOURS, "red", "blue", "pink"),
    "KIND": (*KINDS_15, *KINDS_15.values(), *KINDS_16),
    "MOOD": MOODS,
    "DIRECTION": tuple(DIRECTIONS),
    "SHAPE": ("triangle", "square", "rectangle", "sphere"),
    "THING": ("box", "chest", "container", "suitcase", "chocolate", "chocolates"),
}


# Open classes: words of these classes stand in roles, as names do, so a model reads new ones
# where they stand ("Rex is a dog.", "The box fits in the wardrobe."); the things of task 18
# are objects.
OPEN_CLASSES = {"KIND": "KIND", "COLOUR": "COLOUR", "THING": "OBJECT"}


def word_roles() -> tuple[dict[str, str], frozenset[str], dict[str, str]]:
    """(word -> NAME, PLACE, OBJECT, KIND or COLOUR, the entity words kept as words,
    word -> closed class).

    Only the seen part of the lists has a role: a held-out name is met as a new word.
    Task 20's places and objects are kept as words: there a mood sends people to them.
    Kinds (and their plurals), colours and the things of task 18 have roles (`OPEN_CLASSES`).
    """
    names, places, objects = pools("train")
    roles = {
        **{name.lower(): "NAME" for name in names},
        **dict.fromkeys(places, "PLACE"),
        **dict.fromkeys(objects, "OBJECT"),
        **{
            word: role
            for kind, role in OPEN_CLASSES.items()
            for word in (*WORD_CLASSES[kind], *(PLURALS_16 if kind == "KIND" else ()))
        },
    }
    kept = frozenset((*MOOD_PLACE.values(), *MOOD_OBJECT.values()))
    classes = {
        word: kind
        for kind, words in WORD_CLASSES.items()
        if kind not in OPEN_CLASSES
        for word in words
    }
    return roles, kept, classes
