"""Understanding: text becomes an Intent (name, confidence, slots). Examples live in intents/data/*.yaml.

Never imports `assistant`; reads the music vocabulary (genres, moods, instruments) from `generators.styles`."""
from intents.model import INTENTS, Intent, Slots

__all__ = ["INTENTS", "Intent", "Slots"]
