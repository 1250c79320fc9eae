"""Search the shop by words, in English and Chinese (see docs/search-by-words.md)."""
