"""agora: a mass-consultation platform (proposals, moderation, sequenced voting, results)."""
