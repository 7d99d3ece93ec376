"""Paper claim forms: the CMS-1500 (02/12) filled from the 837P's own input, laid out on the
form's print grid and drawn as PDF (the whole form, or only its data for the pre-printed form).

Pure, like the rest of the core: data in, PDF bytes out; no store, no files.
"""
