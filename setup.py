"""The package list, found rather than written out; everything else is in pyproject.toml.

pyproject.toml's `packages.find` finds only packages inside their parent's folder, and the shipped
default model lives outside it: models/default in a clone (where `chatbot train` writes it),
`chatbot.default_model` in a built package (pyproject.toml's package-dir maps it).
"""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["chatbot", "chatbot.*"]), "chatbot.default_model"])
