"""What every X12 5010 transaction shares: tokenizer, delimiters, envelopes (ISA/GS/ST),
findings and code sets, the composites several transactions carry, the HL hierarchy, the
segment writer and the sniffer that tells a transaction set by ST01 and its version."""
