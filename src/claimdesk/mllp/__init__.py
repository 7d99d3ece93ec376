"""The MLLP face: HL7 v2 messages from the EHR over TCP, each answered with its ACK."""
