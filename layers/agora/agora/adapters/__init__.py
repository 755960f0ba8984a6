"""AWS behind small interfaces: DynamoDB stores, the results bucket, secrets. No business rules."""
