"""Reports: statistics over a campaign's stored posts, the report built from them, and its
rendering. Pure domain code over the store's interfaces; the workers schedule it."""
