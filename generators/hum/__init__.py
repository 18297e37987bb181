"""Hum it: a sung, hummed or whistled melody becomes notes (transcribe.py: basic-pitch's ONNX model), a tune on a
grid in a key (quantize.py), and a piece whose melody it is (arrange.py). The hum set (humset.py) and its
evaluation (evaluate.py) measure the whole path on held-out folk tunes sung by a synthetic voice."""
