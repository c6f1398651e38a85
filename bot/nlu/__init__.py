"""Custom Rasa NLU components. These modules run inside the Rasa environment."""
