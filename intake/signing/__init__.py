"""Digitally signed documents (PAdES, with pyHanko): keys, signing, the registry, verification."""
