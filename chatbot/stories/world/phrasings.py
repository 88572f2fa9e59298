"""The everyday wordings of each kind of fact, which `everyday.reword` draws from.

Each entry is a format: "{be}", "{isn't}", "{have}", "{feels}", "{stays}", "{their}" and
"{them}" agree with the subject (`everyday._verbs`); "{0}" is "the apple" or "it"; "{1}" a
receiver. Every wording is one `stories.sentence_forms` reads as the fact it tells.
"""

TIMES = {
    "yesterday": ("yesterday",),
    "this morning": ("this morning", "in the morning"),
    "this afternoon": ("this afternoon", "in the afternoon"),
    "this evening": ("this evening", "in the evening"),
}
OPENERS = (
    "Then", "After that", "Afterwards", "Later", "Later on", "Next", "Following that",
    "Soon after", "Shortly after that", "A little later", "Some time later", "After a while",
    "Eventually",
)  # fmt: skip
OPENER_WORDS = {opener.split()[0] for opener in OPENERS}
MOVES = (
    "moved to", "went to", "journeyed to", "travelled to", "went back to", "walked to",
    "ran to", "went down to", "went up to", "went out to", "headed to", "headed back to",
    "returned to", "hurried to", "rushed to",
    "strolled to", "came back to", "went over to", "went off to", "went into", "walked into",
    "ran into", "wandered into", "went back into", "made {their} way to", "{have} gone to",
    "arrived at", "arrived in", "left for",
    # wider (issue 20's breadth)
    "entered", "went inside", "stepped into", "came into", "popped into", "moved into",
    "dashed to", "raced to", "sprinted to", "dashed over to", "raced over to",
    "hurried over to", "walked over to", "strolled over to", "wandered over to", "ran over to",
    "popped over to", "made it to", "got to", "reached", "ended up in", "ended up at",
    "came to", "went upstairs to", "went downstairs to", "walked back to", "ran back to",
    "found {their} way to", "went across to", "headed off to", "went on to",
)  # fmt: skip
MOVES_AFTER_OPENER = tuple(move for move in MOVES if "gone" not in move)
# A move told as where someone now is (never after "Then" or with a time of day).
STATES = (
    "{be} now in", "{be} now at", "{be} back in", "{be} back at", "{be} sitting in",
    "{be} standing in", "{be} waiting in", "{be} waiting at", "{stays} in",
)  # fmt: skip
STATE = 0.12  # of the moves told so, where one may be
BEING = (
    "{be} in", "{be} at", "{be} now in", "{be} now at", "{be} inside",
    "{be} sitting in", "{be} standing in", "{be} waiting in", "{stays} in",
)  # fmt: skip
EITHER = (
    "{be} either in the {0} or the {1}",
    "{be} either in the {0} or in the {1}",
    "{be} in the {0} or the {1}",
    "{be} in the {0} or in the {1}",
    "{be} either at the {0} or the {1}",
    "{be} in either the {0} or the {1}",
)
NOT_IN = ("{be} not in", "{isn't} in", "{be} not at", "{isn't} at")
NO_LONGER = (
    "{be} no longer in the {0}", "{be} no longer at the {0}", "{isn't} in the {0} anymore",
    "{be} not in the {0} any more", "{have} left the {0}",
)  # fmt: skip
PICKS = (
    "picked up {0}", "picked {0} up", "took {0}", "grabbed {0}", "got {0}", "collected {0}",
    "fetched {0}", "took hold of {0}", "now has {0}",
    "got hold of {0}", "lifted {0}", "lifted up {0}", "scooped up {0}", "snatched {0}",
    "took {0} with {them}", "grabbed {0} with {them}", "picked up {0} with {them}",
)  # fmt: skip
HOLDING = ("{be} carrying {0}", "{be} holding {0}", "{be} now carrying {0}")  # not after "Then"
HOLD = 0.1  # of the pick-ups told as holding, where one may be
DROPS = (
    "dropped {0}", "put down {0}", "put {0} down", "set down {0}", "set {0} down",
    "laid down {0}", "left {0}", "discarded {0}", "let go of {0}", "got rid of {0}",
    "threw away {0}", "threw {0} away", "placed {0} down", "put {0} on the floor",
    "placed {0} on the floor", "left {0} behind", "dropped {0} on the floor",
)  # fmt: skip
# Where the one putting it down is known to be ({1}: "kitchen"): said of a plain "dropped".
DROPS_IN = ("left {0} in the {1}", "put {0} in the {1}", "placed {0} in the {1}")
DROP_IN = 0.25  # of the putting down, where the place is known, told with it
GIVES = (
    "gave {0} to {1}", "handed {0} to {1}", "passed {0} to {1}", "handed over {0} to {1}",
    "lent {0} to {1}", "brought {0} to {1}", "handed {0} over to {1}", "passed {0} over to {1}",
)  # fmt: skip
GIVES_TWO = ("gave {1} {0}", "handed {1} {0}", "passed {1} {0}", "lent {1} {0}", "brought {1} {0}")
# Told by the receiver ({1}) of the giver ({2}); the object is never "it".
RECEIVES = (
    "{1} received {0} from {2}", "{1} got {0} from {2}", "{1} was given {0} by {2}",
    "{1} was handed {0} by {2}", "{1} was passed {0} by {2}", "{1} was lent {0} by {2}",
)  # fmt: skip
RECEIVE = 0.2  # of the gifts told so
MOODS = ("{be} {0}", "{feels} {0}", "{be} feeling {0}", "became {0}", "got {0}")
FEARS = (
    "{0} are afraid of {1}", "{0} are scared of {1}", "{0} are frightened of {1}", "{0} fear {1}",
    "{a} {one} is afraid of {1}", "{a} {one} is scared of {1}",
)  # fmt: skip
DIRECTIONS = (
    "The {a} is {d} of the {b}", "The {a} is to the {d} of the {b}", "The {a} lies {d} of the {b}",
    "The {a} lies to the {d} of the {b}", "{D} of the {b} is the {a}",
    "To the {d} of the {b} is the {a}",
)  # fmt: skip
RELATIONS = {
    "above": ("above", "over"),
    "below": ("below", "under", "beneath"),
    "to the left of": ("to the left of", "left of", "on the left of"),
    "to the right of": ("to the right of", "right of", "on the right of"),
}
SIZES = (
    "The {small} fits inside the {big}", "The {small} fits in the {big}",
    "The {small} fits into the {big}", "The {small} can fit in the {big}",
    "The {big} is bigger than the {small}", "The {big} is larger than the {small}",
    "The {small} is smaller than the {big}", "The {big} can hold the {small}",
)  # fmt: skip
