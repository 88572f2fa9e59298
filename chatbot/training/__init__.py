"""Training: the training data, fitting with checkpoints, and the whole `chatbot train` run."""
