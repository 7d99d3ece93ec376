"""277 claim acknowledgment (277CA, 005010X214) and claim status response (005010X212): the
payer (or a clearinghouse) sends it, the provider receives it. claimdesk reads both; the payer
simulator writes both."""
