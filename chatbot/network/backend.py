"""Keras, always on TensorFlow: every module that needs Keras imports it from here.

The network uses a TensorFlow op (unique rows, in `model.SentenceEncoder`), so Keras must run on
TensorFlow whatever KERAS_BACKEND says. The pin lives here, where Keras is first needed, and
not on `import chatbot`, so code that only reads stories leaves the environment alone.
"""

import os

os.environ["KERAS_BACKEND"] = "tensorflow"  # read by Keras on its first import, just below
import keras  # noqa: E402

from chatbot.errors import ChatbotError  # noqa: E402

if keras.backend.backend() != "tensorflow":  # Keras was imported before us, on another backend
    raise ChatbotError(
        f"the chatbot needs Keras on TensorFlow, but Keras was started on "
        f"{keras.backend.backend()}; unset KERAS_BACKEND or import chatbot first"
    )
