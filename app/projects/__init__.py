"""Projects: one investigation each, holding many documents."""
