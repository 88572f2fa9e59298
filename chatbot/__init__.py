"""A chatbot that reads a short story and answers yes/no questions about it."""

import os

__version__ = "0.1.0"

# TensorFlow prints start-up log lines on import; keep them off the user's screen.
# Set before any submodule imports TensorFlow (they import it lazily, inside functions).
# (Keras' backend is pinned in chatbot/network/backend.py, where Keras is first needed.)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
