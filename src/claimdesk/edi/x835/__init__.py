"""835 health care claim payment/advice (005010X221A1): the payer sends it, the provider
receives it. claimdesk reads it to post payments; the payer simulator writes it."""
