"""Broken kubelint plugins: one fails to import, one ships a rule naming an unknown template."""
