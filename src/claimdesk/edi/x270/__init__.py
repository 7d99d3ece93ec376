"""270 eligibility, coverage or benefit inquiry (005010X279A1): the provider sends it, the
payer receives it. claimdesk writes it; the payer simulator reads it."""
