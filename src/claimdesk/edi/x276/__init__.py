"""276 health care claim status request (005010X212): the provider sends it, the payer
receives it. claimdesk writes it; the payer simulator reads it."""
