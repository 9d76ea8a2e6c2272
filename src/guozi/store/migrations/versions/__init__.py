"""The revisions, oldest first: schema2 (the first release's tables), schema3 (reviews, accounts, audit), schema4 (wider fact values), schema5 (report type, intercompany, period events)."""
