"""Pictures the bot posts (PNG, drawn with matplotlib's Agg backend, imported only when drawing)."""
