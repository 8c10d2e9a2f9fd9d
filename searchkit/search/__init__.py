"""Engine-neutral search helpers: the vocabulary behind spelling suggestions, and the actor alias registry."""
