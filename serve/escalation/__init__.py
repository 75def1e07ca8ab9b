"""The hand-off to Salesforce: what a Case carries (context.py) and the durable outbox that sends it (outbox.py)."""
