"""Reading: stories and questions into arrays (the lexicon of word roles and shapes, the
features); never imports Keras.
"""
