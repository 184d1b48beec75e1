"""The counter's intake pages: pick the procedure, check the papers, receive or guide."""
