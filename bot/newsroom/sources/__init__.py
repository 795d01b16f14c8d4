"""Where articles, rates and festivals come from."""
