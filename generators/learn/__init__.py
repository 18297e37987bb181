"""The learned melody model: tokens (`tokens`), the corpus it learns from (`corpus`, music21 at training time only),
the network (`net`: torch for training, `runtime`: numpy for composing), the n-gram baseline (`ngram`), training
(`train`) and evaluation (`evaluate`). The assistant never imports music21 or trains anything."""
