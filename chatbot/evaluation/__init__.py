"""Evaluation: a model's report on held-out bAbI stories (`chatbot evaluate`) and its plots."""
