"""briefing: grounded, cited answers over a policy corpus."""
