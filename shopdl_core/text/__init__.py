"""Review sentiment: tokeniser, vocabulary, recurrent models with attention, training, scoring."""
