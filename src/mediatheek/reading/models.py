"""Reading promotion: leestips, weetjes, reading log, wish list (built by the portal issue)."""
