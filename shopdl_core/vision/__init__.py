"""Product images: a CNN that classifies, tags and finds similar products (Fashion-MNIST)."""
