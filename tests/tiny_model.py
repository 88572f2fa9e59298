"""A tiny untrained model folder for flow tests (answers are arbitrary, but deterministic).

Tests built on it check wiring, formats and refusals, never answer quality.
"""

import chatbot  # noqa: F401  (first: it keeps TensorFlow's start-up logs quiet)

STORY_WORDS = [
    "Mary moved to the bathroom.",
    "Sandra journeyed to the bedroom.",
    "John went to the hallway.",
    "Daniel went back to the garden.",
    "Mary is either in the office or the kitchen.",
    "Is Mary in the bathroom?",
]
MAX_SENTENCES = 4  # small memory, so tests reach it quickly


def build_tiny_model(path) -> None:
    """Write a tiny untrained model folder (seeded weights) to `path`."""
    import keras

    from chatbot.artifacts import ModelBundle, save_model_dir
    from chatbot.config import ModelConfig
    from chatbot.model import build_model
    from chatbot.text import Vocabulary

    keras.utils.set_random_seed(0)
    vocabulary = Vocabulary.build(STORY_WORDS)
    config = ModelConfig(
        vocabulary_size=len(vocabulary),
        answer_count=3,
        max_sentences=MAX_SENTENCES,
        max_words=10,
        max_question_words=10,
        embedding_dim=4,
        hidden_dim=4,
    )
    model = build_model(config)
    save_model_dir(ModelBundle(model, vocabulary, config, ["yes", "no", "maybe"], {}), path)
