"""Frozen dataclasses for what a model is (ModelConfig) and how it is trained (TrainConfig)."""

from dataclasses import asdict, dataclass, fields


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


@dataclass(frozen=True)
class TrainConfig(_Serializable):
    epochs: int = 40  # upper bound; early stopping usually ends sooner
    batch_size: int = 64
    learning_rate: float = 1e-3
    optimizer: str = "adam"  # any Keras optimizer name; the seed tutorial used "rmsprop"
    attention_weight: float = 0.5  # loss weight pulling attention onto supporting sentences
    patience: int = 3  # epochs without validation improvement before stopping
    validation_split: float = 0.1  # share of stories held out when no --valid file is given
    seed: int = 0  # model initialisation, batch order, validation split, generated stories
    memory: int = 20  # most sentences a question sees: bAbI answers need only the newest ones
    generated_questions: int = 10_000  # per task, when training on the built-in stories
    jit_compile: bool | str = "auto"  # XLA for training steps: Keras' "auto", True or False
