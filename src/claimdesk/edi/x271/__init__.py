"""271 eligibility, coverage or benefit information (005010X279A1): the payer sends it, the
provider receives it. claimdesk reads it; the payer simulator writes it."""
