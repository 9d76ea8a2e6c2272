"""The revisions, oldest first: schema2 (the first release's tables), schema3 (reviews, accounts, audit)."""
