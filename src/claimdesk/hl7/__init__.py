"""HL7 v2 intake: the EHR's registration (ADT, BAR) and charge (DFT) messages as the records a
practice bundle holds, with every problem located by segment and field (``docs/hl7.md``)."""
