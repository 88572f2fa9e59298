"""Answering: the bot, which reads a story and a question, runs the network, words the answer."""
