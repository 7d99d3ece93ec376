"""999 implementation acknowledgment (005010X231A1), with the TA1 interchange acknowledgment:
the receiver of an interchange sends it back to its sender. claimdesk reads the 999s answering
its 837s; the payer simulator writes them."""
