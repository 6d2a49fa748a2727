"""Reading reports and news offline: figure groups and companies extracted from Chinese
text, reconciled with the library as of the date the text states, and draft leads."""
