"""`python -m chatbot` runs the command-line interface."""

from chatbot.cli import main

if __name__ == "__main__":
    main()
