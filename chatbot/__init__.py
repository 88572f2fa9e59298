"""A chatbot that reads a short story and answers yes/no questions about it."""

import os

__version__ = "0.1.0"

# TensorFlow prints start-up log lines on import; keep them off the user's screen.
# Set before any submodule imports TensorFlow (they import it lazily, inside functions).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# The model uses TensorFlow ops (unique rows), so Keras must run on TensorFlow whatever the
# environment says.
os.environ["KERAS_BACKEND"] = "tensorflow"
