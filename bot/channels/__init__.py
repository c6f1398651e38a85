"""Rasa input channels. These modules run inside the Rasa environment."""
