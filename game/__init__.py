"""Frontier: a terminal strategy game and teaching tool about the economics of AI."""

__version__ = "0.1.0"
