"""The front ends: the terminal conversation (REPL), the HTTP API and its web page, and the
filter of TensorFlow's native log lines.
"""
