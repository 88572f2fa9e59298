"""Frozen dataclasses for what a model is (ModelConfig) and how it is trained (TrainConfig)."""

from dataclasses import asdict, dataclass, field, fields

from chatbot.errors import ChatbotError

ARCHITECTURES = ("relational", "tutorial")
# The largest sizes a config may give (docs/HARDENING.md lists them); max_sentences is
# MAX_STORY_SENTENCES.
SIZE_BOUNDS = {
    "vocabulary_size": 1_000_000,
    "answer_count": 10_000,
    "max_sentences": 4096,
    "max_words": 256,
    "max_question_words": 256,
    "embedding_dim": 4096,
    "hidden_dim": 4096,
    "heads": 64,
    "blocks": 16,
    "steps": 16,
}
# Fields a config.json written before the field existed lacks, and what they meant then.
LEGACY = {"steps": 1}


class _Serializable:
    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict):
        """Build from a dict, ignoring keys this version does not know (forward compatible)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class ModelConfig(_Serializable):
    vocabulary_size: int  # including the reserved padding (0) and unknown (1) ids
    answer_count: int  # size of the answer set (3 for yes / no / maybe)
    max_sentences: int = 20  # memory: the newest sentences a question can see
    max_words: int = 12  # words per story sentence
    max_question_words: int = 12  # words per question
    embedding_dim: int = 32  # word embeddings
    hidden_dim: int = 64  # LSTM encoders and the reasoning layers
    architecture: str = "relational"  # "relational" (ours) or "tutorial" (the seed baseline)
    blocks: int = 2  # self-attention blocks across the sentence memories (relational only)
    heads: int = 4  # attention heads per block, each of width hidden_dim // heads
    steps: int = 3  # reads of the memory, each led by the one before (1: the one-read network)
    temperature: float = 1.0  # divides the answer logits: set on validation data after training
    # Question form ("was the OBJECT in the PLACE before the PLACE") -> its own temperature,
    # where validation held enough of it; other forms use `temperature`.
    form_temperatures: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict):
        """As `_Serializable.from_dict`; a field an older config lacks means what it did then."""
        return super().from_dict({**LEGACY, **data})

    def __post_init__(self):
        """Refuse sizes no network can have, so a bad config fails here and not inside Keras."""
        for name in ("vocabulary_size", "answer_count", "max_sentences", "max_words",
                     "max_question_words", "embedding_dim", "hidden_dim", "heads"):  # fmt: skip
            _check_whole(name, getattr(self, name), minimum=1)
        _check_whole("blocks", self.blocks, minimum=0)
        _check_whole("steps", self.steps, minimum=1)
        for name, most in SIZE_BOUNDS.items():  # far beyond bAbI, far below exhausting memory
            if getattr(self, name) > most:
                raise ChatbotError(
                    f"model {name} must be at most {most:,}, not {getattr(self, name)!r}"
                )
        _check_temperature("temperature", self.temperature)
        if not isinstance(self.form_temperatures, dict):
            raise ChatbotError(
                "model form_temperatures must map question forms to temperatures, "
                f"not {self.form_temperatures!r}"
            )
        for form, temperature in self.form_temperatures.items():
            if not isinstance(form, str):
                raise ChatbotError(f"model form_temperatures keys are question forms, not {form!r}")
            _check_temperature(f"temperature of the form {form!r}", temperature)
        if self.architecture not in ARCHITECTURES:
            raise ChatbotError(
                f"model architecture must be one of {', '.join(ARCHITECTURES)}; "
                f"received {self.architecture!r}"
            )
        if self.hidden_dim < self.heads:
            raise ChatbotError(
                f"model hidden_dim must be at least heads, so that each of the {self.heads} "
                f"attention heads has a width of 1 or more; received hidden_dim {self.hidden_dim}"
            )


@dataclass(frozen=True)
class TrainConfig(_Serializable):
    epochs: int = 16  # upper bound; the learning rate falls over the second half
    batch_size: int = 64
    learning_rate: float = 1e-3
    optimizer: str = "adam"  # any Keras optimizer name; the seed tutorial used "rmsprop"
    attention_weight: float = 0.5  # loss weight pulling attention onto supporting sentences
    patience: int = 6  # epochs without validation improvement before stopping
    validation_split: float = 0.1  # share of stories held out when no --valid file is given
    seed: int = 0  # model initialisation, batch order, validation split, generated stories
    memory: int = 256  # most sentences a question sees: bAbI's longest story has 228
    generated_questions: int = 4_000  # per task (times its share), for the built-in stories
    fresh_stories: bool = True  # built-in stories only: new ones every epoch, seeded by epoch
    wordings: str = "babi"  # the built-in stories told in bAbI's words, or "everyday" ones
    jit_compile: bool | str = "auto"  # XLA for training steps: Keras' "auto", True or False
    start_from: str = ""  # a model folder whose weights the run starts from (same network)


def _check_temperature(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.01 <= value <= 100:
        raise ChatbotError(f"model {name} must be a number from 0.01 to 100, not {value!r}")


def _check_whole(name: str, value, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ChatbotError(f"model {name} must be a whole number >= {minimum}, not {value!r}")
