"""Train a model by script: the same as `chatbot train ARGS...`.

    python scripts/train.py generated --out models/default

Runs the `chatbot` command line in this process, so the options, defaults, messages and exit
codes are exactly those of `chatbot train` (see `chatbot train --help`).
"""

import runpy
import sys

if __name__ == "__main__":
    sys.argv = ["chatbot", "train", *sys.argv[1:]]
    runpy.run_module("chatbot", run_name="__main__", alter_sys=True)
