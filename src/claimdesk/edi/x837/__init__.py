"""837 health care claim, professional (005010X222A1) and institutional (005010X223A2): the
provider sends it, the payer (or a clearinghouse) receives it. claimdesk writes it to submit
claims; the payer simulator reads it."""
