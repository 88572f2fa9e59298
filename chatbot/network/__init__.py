"""The network: the Keras model, inference on it, and the model folder it is saved as.

Importing this package loads nothing; its modules import Keras when they need it.
"""
